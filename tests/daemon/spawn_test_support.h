// Running real service processes in tests: a log pipe read with a deadline,
// reaping by PID (the tests are the parent; nothing else reaps), waiting on
// pidfds instead of sleeping.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include "platform/pidfd.h"
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "exec/system_ops.h"
#include "common/unique_fd.h"

namespace vermilion::test {

inline const std::string kProbe = std::string(VERMILION_TEST_HELPER_DIR) + "/vermilion-test-probe";
constexpr int kDeadlineMs = 10'000;

inline long long now_ms() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000LL + ts.tv_nsec / 1'000'000;
}

// Waits until fd is readable or the deadline passes.
inline bool wait_readable(int fd, long long deadline) {
  for (;;) {
    long long left = deadline - now_ms();
    if (left <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    int r = poll(&p, 1, static_cast<int>(left));
    if (r > 0) return true;
    if (r < 0 && errno != EINTR) return false;
  }
}

// Reads until EOF (every writer gone) or the deadline.
inline std::string read_until_eof(int fd) {
  long long deadline = now_ms() + kDeadlineMs;
  std::string out;
  char buffer[4096];
  while (wait_readable(fd, deadline)) {
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
  }
  return out;
}

// Reads up to and including the first newline.
inline std::string read_line(int fd) {
  long long deadline = now_ms() + kDeadlineMs;
  std::string out;
  char c = 0;
  while (wait_readable(fd, deadline) && read(fd, &c, 1) == 1) {
    if (c == '\n') break;
    out.push_back(c);
  }
  return out;
}

// Waits for a process (any, not only our child) to exit, through its pidfd.
inline bool wait_exited(pid_t pid) {
  unique_fd pidfd(pidfd_open(pid, 0));
  if (!pidfd) return errno == ESRCH;
  return wait_readable(pidfd.get(), now_ms() + kDeadlineMs);
}

struct Exit {
  int code = -1;    // CLD_EXITED, CLD_KILLED, ...
  int status = -1;  // exit status or signal
};

// Reaps our own child, with a deadline (SIGKILL when it passes).
inline Exit reap(const SpawnedProcess& process) {
  if (!wait_exited(process.pid)) kill(process.pid, SIGKILL);
  siginfo_t info{};
  Exit result;
  if (waitid(P_PID, static_cast<id_t>(process.pid), &info, WEXITED) == 0) {
    result.code = info.si_code;
    result.status = info.si_status;
  }
  return result;
}

inline std::vector<std::string> lines_with_prefix(const std::string& text, const std::string& prefix) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (line.rfind(prefix, 0) == 0) out.push_back(line.substr(prefix.size()));
    start = end + 1;
  }
  return out;
}

inline std::string value_of(const std::string& text, const std::string& key) {
  auto values = lines_with_prefix(text, key + "=");
  return values.empty() ? std::string("<missing>") : values.front();
}

inline ExecCommand command_of(std::vector<std::string> argv) {
  ExecCommand command;
  command.path = argv.front();
  command.argv = std::move(argv);
  return command;
}

}  // namespace vermilion::test
