// A process's command line as systemd's get_process_cmdline() shows it in
// GetUnitProcesses (systemctl status's process tree): the arguments of
// /proc/PID/cmdline joined by spaces, or "[comm]" for a process without one
// (a kernel thread, a zombie).
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

namespace vermilion {

// From the texts of /proc/PID/cmdline (NUL-separated) and /proc/PID/comm.
[[nodiscard]] std::string format_cmdline(std::string_view cmdline, std::string_view comm);
// 0, or -errno (-ENOENT when the process is gone).
[[nodiscard]] int read_proc_cmdline(pid_t pid, std::string& out);

}  // namespace vermilion
