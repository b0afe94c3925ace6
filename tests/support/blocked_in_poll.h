// Whether a process is blocked in poll(2)/ppoll(2) right now
// (/proc/PID/syscall): how a test knows a child waits for an event,
// without a guess at time.
#pragma once

#include <sys/syscall.h>
#include <sys/types.h>

#include <fstream>
#include <string>

namespace vermilion::testing {

inline bool blocked_in_poll(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/syscall");
  long number = -1;
  in >> number;
  return number == SYS_poll || number == SYS_ppoll;
}

}  // namespace vermilion::testing
