// One sd_notify() datagram, read the way systemd (v252) reads it:
// newline-separated KEY=VALUE assignments, unknown keys ignored, a known key
// with a value we cannot use ignored on its own (the rest of the message
// still counts), with a reason the caller can log.
//
// Flags (READY=1, STOPPING=1, RELOADING=1, WATCHDOG=1, WATCHDOG=trigger)
// count wherever they appear; for keys with a value (STATUS=, MAINPID=,
// ERRNO=, WATCHDOG_USEC=, EXTEND_TIMEOUT_USEC=) the first occurrence
// decides, as in systemd.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vermilion {

struct NotifyMessage {
  bool ready = false;             // READY=1
  bool barrier = false;           // BARRIER=1: the sender waits for its fd to be closed
  bool stopping = false;          // STOPPING=1
  bool reloading = false;         // RELOADING=1
  bool watchdog_ping = false;     // WATCHDOG=1
  bool watchdog_trigger = false;  // WATCHDOG=trigger: act as if the watchdog expired
  std::optional<std::string> status;  // STATUS=; "" clears the status. Valid UTF-8.
  std::optional<pid_t> main_pid;      // MAINPID=, > 0
  std::optional<int> errno_value;     // ERRNO=, 0..4095
  std::optional<std::uint64_t> watchdog_usec;  // WATCHDOG_USEC=; 0 turns the watchdog off
  // EXTEND_TIMEOUT_USEC= (sd_notify(3)): the current phase's timeout ends
  // no earlier than this long from now. 0 and UINT64_MAX (infinity) are
  // kept here; systemd's service_extend_timeout() ignores both.
  std::optional<std::uint64_t> extend_timeout_usec;
  // The fd store (sd_pid_notify_with_fds(3)): FDSTORE=1 keeps the fds sent
  // along, FDSTOREREMOVE=1 closes the stored ones named FDNAME= (the first
  // one; its validity is the service's to judge), FDPOLL=0 asks not to
  // watch them for errors.
  bool fd_store = false;
  bool fd_store_remove = false;
  std::optional<std::string> fd_name;
  bool fd_poll = true;
  // One entry per known field that was ignored, e.g. "MAINPID=abc: not a
  // valid PID". Unknown keys are not listed: they are normal.
  std::vector<std::string> ignored;

  // Whether the message asks for anything (a BARRIER=1 alone does not).
  [[nodiscard]] bool actionable() const {
    return ready || stopping || reloading || watchdog_ping || watchdog_trigger || status || main_pid ||
           errno_value || watchdog_usec || extend_timeout_usec || fd_store || fd_store_remove;
  }
};

// systemd's fdname_is_valid(): at most 255 printable ASCII characters, no
// ':' (the separator of $LISTEN_FDNAMES); empty is valid.
[[nodiscard]] bool is_valid_fd_name(std::string_view name);

// Never fails: a datagram with nothing usable gives an empty message. One
// with a NUL byte is ignored as a whole (systemd does the same), with a reason.
[[nodiscard]] NotifyMessage parse_notify_message(std::string_view datagram);

}  // namespace vermilion
