// Drives a private sd-event loop until a condition holds, with a deadline:
// the tests' way of waiting on events instead of sleeping.
#pragma once

#include <systemd/sd-event.h>
#include <time.h>

#include <cstdint>
#include <functional>

namespace vermilion::testing {

inline std::uint64_t monotonic_usec() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000u + static_cast<std::uint64_t>(ts.tv_nsec) / 1000u;
}

// Runs the loop until done() holds or 10 s have passed; returns done().
// done() is checked after every event and at least every 100 ms.
inline bool run_until(sd_event* loop, const std::function<bool()>& done) {
  const std::uint64_t deadline = monotonic_usec() + 10'000'000u;
  while (!done() && monotonic_usec() < deadline) {
    if (sd_event_run(loop, 100'000) < 0) return false;
  }
  return done();
}

}  // namespace vermilion::testing
