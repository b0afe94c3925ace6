// One command of an Exec*= list and how its last run went: systemd's
// ExecCommand with its ExecStatus, as org.freedesktop.systemd1.Service's
// ExecStart, ExecStartPre, ... (a(sasbttttuii)) and ExecStartEx, ...
// (a(sasasttttuii)) carry them (systemd 252 src/core/dbus-execute.c,
// append_exec_command() and append_exec_ex_command(); execute.c's
// exec_status_start() and exec_status_exit()). `systemctl status` shows a
// "Process:" line for each one that has ended, `systemctl show` the rest.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vermilion {

struct ExecCommandStatus {
  std::string path;               // the program as the unit names it ("/bin/sleep")
  std::vector<std::string> argv;  // argv[0] included
  // The line's prefixes in systemd's words (exec_command_flags_to_strv()):
  // "ignore-failure" (-), "privileged" (+), "no-setuid" (!), "ambient" (!!),
  // "no-env-expand" (:), in that order.
  std::vector<std::string> flags;
  // Its last run since the unit last started, µs; 0 when it has not run or
  // not yet ended. A new start of the unit clears them all, as systemd's
  // service_start() does.
  std::uint64_t start_realtime = 0, start_monotonic = 0;
  std::uint64_t exit_realtime = 0, exit_monotonic = 0;
  std::uint32_t pid = 0;
  std::int32_t code = 0;    // CLD_EXITED, CLD_KILLED, CLD_DUMPED; 0 while it runs
  std::int32_t status = 0;  // exit status, or the signal that ended it

  // '-' on its line: systemd's ExecStart's b ("ignore_errors").
  [[nodiscard]] bool ignore_failure() const {
    for (const auto& flag : flags)
      if (flag == "ignore-failure") return true;
    return false;
  }

  friend bool operator==(const ExecCommandStatus&, const ExecCommandStatus&) = default;
};

}  // namespace vermilion
