// vermiliond's stance on memory exhaustion, dinit's: an allocation that
// fails while vermiliond handles one event fails that event, never
// vermiliond (README, "Memory exhaustion"). sd-event and sd-bus call back
// through C frames, which an exception must not cross: every callback they
// make runs its body through a guard, which turns std::bad_alloc into that
// event's failure.
#pragma once

#include <new>

namespace vermilion {

// Writes "vermiliond: out of memory in WHERE; ..." to stderr without
// allocating. Counts each report (out_of_memory_reports()).
void report_out_of_memory(const char* where) noexcept;
[[nodiscard]] unsigned long out_of_memory_reports() noexcept;

// For sd-event callbacks: runs `body` (returning int); on std::bad_alloc
// reports and returns 0, dropping that event. Not -ENOMEM: sd-event would
// switch the source off for good.
template <typename Body>
int event_guard(const char* where, Body&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    report_out_of_memory(where);
    return 0;
  }
}

// For sd-bus method handlers, property getters and object finders: on
// std::bad_alloc reports and returns `failed` (-ENOMEM: sd-bus answers that
// one call with org.freedesktop.DBus.Error.NoMemory).
template <typename Body>
int call_guard(const char* where, int failed, Body&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    report_out_of_memory(where);
    return failed;
  }
}

// For the noexcept listener functions (ServiceListener, ManagerObserver,
// LinkPeer, ...): runs `body`; on std::bad_alloc reports and returns, that
// event dropped.
template <typename Body>
void drop_if_out_of_memory(const char* where, Body&& body) noexcept {
  try {
    body();
  } catch (const std::bad_alloc&) {
    report_out_of_memory(where);
  }
}

}  // namespace vermilion
