// What /proc/PID/stat says about a process that the session-based process
// scope needs: parent, session, state, and the start time that tells a
// process apart from a later one with the same PID.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string_view>
#include <vector>

namespace vermilion {

struct ProcStat {
  pid_t pid = 0;
  pid_t ppid = 0;
  pid_t session = 0;
  char state = '?';  // 'Z' for a zombie
  std::uint64_t start_time = 0;  // clock ticks since boot
};

// Parses the text of /proc/PID/stat (the command name may hold spaces and
// parentheses). False when malformed.
[[nodiscard]] bool parse_proc_stat(std::string_view text, ProcStat& out);
// 0, or -errno (-ENOENT / -ESRCH when the process is gone).
[[nodiscard]] int read_proc_stat(pid_t pid, ProcStat& out);
// Every process currently visible in /proc; processes that vanish while
// scanning are skipped.
[[nodiscard]] int list_processes(std::vector<ProcStat>& out);

}  // namespace vermilion
