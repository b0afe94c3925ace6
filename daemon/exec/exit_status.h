// Exit statuses a service's process reports when something fails between
// fork and exec: those the child side can give. The numbers are systemd's
// (src/basic/exit-status.h), so "status=203/EXEC" means the same thing to
// users of either.
#pragma once

namespace vermilion {

enum class ExecExitStatus : int {
  chdir = 200,
  nice = 201,
  fds = 202,
  exec = 203,
  limits = 205,
  oom_adjust = 206,
  signal_mask = 207,
  stdin_ = 208,
  stdout_ = 209,
  ioprio = 211,
  timerslack = 212,
  setscheduler = 214,
  cpuaffinity = 215,
  group = 216,
  user = 217,
  capabilities = 218,
  cgroup = 219,
  setsid = 220,
  stderr_ = 222,
  network = 225,
  namespace_ = 226,
  no_new_privileges = 227,
  seccomp = 228,
  personality = 230,
  runtime_directory = 233,
  keyring = 237,
  state_directory = 238,
  cache_directory = 239,
  logs_directory = 240,
  configuration_directory = 241,
  credentials = 243,
};

// systemd's name for an exit status ("EXEC" for 203), or nullptr when the
// status is none of ours. vermiliond's log says "status=203/EXEC", as
// systemd's does.
[[nodiscard]] const char* exit_status_name(int status);

}  // namespace vermilion
