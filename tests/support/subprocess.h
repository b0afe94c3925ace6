// A child program whose combined stdout/stderr the test reads line by line,
// waiting on poll() with a deadline: never a sleep.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <string>
#include <vector>

extern char** environ;

namespace vermilion::testing {

inline long long monotonic_ms() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000LL + ts.tv_nsec / 1'000'000;
}

class Subprocess {
 public:
  // The child dies with the thread that made it (PR_SET_PDEATHSIG): a test
  // killed by ctest's timeout leaves no vermiliond or client behind.
  explicit Subprocess(const std::vector<std::string>& argv) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0) return;
    // Built before fork(): between fork and exec the child (of a process
    // that may have threads) makes only async-signal-safe calls.
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    sigset_t empty;
    sigemptyset(&empty);
    const pid_t parent = getpid();
    pid_ = fork();
    if (pid_ == 0) {
      if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent) _exit(127);
      if (dup2(fds[1], 1) < 0 || dup2(fds[1], 2) < 0) _exit(127);
      sigprocmask(SIG_SETMASK, &empty, nullptr);  // inherit no blocked signals
      execve(args[0], args.data(), environ);
      _exit(127);
    }
    close(fds[1]);
    out_ = fds[0];
  }
  ~Subprocess() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (out_ >= 0) close(out_);
  }
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  [[nodiscard]] pid_t pid() const { return pid_; }
  [[nodiscard]] const std::string& output() const { return output_; }

  // Reads output until it contains `text` (true) or the time is up / EOF.
  bool wait_for_output(const std::string& text, int timeout_ms = 20000) {
    long long deadline = monotonic_ms() + timeout_ms;
    while (output_.find(text, scanned_) == std::string::npos) {
      if (!read_some(deadline)) return false;
    }
    scanned_ = output_.find(text, scanned_) + text.size();
    return true;
  }

  // Waits for exit (reading output meanwhile); returns the wait status or -1.
  // Whether wait_exit() has seen it end.
  [[nodiscard]] bool exited() const { return exited_; }
  int wait_exit(int timeout_ms = 20000) {
    long long deadline = monotonic_ms() + timeout_ms;
    while (read_some(deadline)) {
    }
    // EOF: every writer closed; the process is gone or about to be.
    int fd = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
    if (fd >= 0) {
      pollfd p{fd, POLLIN, 0};
      long long left = deadline - monotonic_ms();
      poll(&p, 1, left > 0 ? static_cast<int>(left) : 0);
      close(fd);
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) != pid_) return -1;
    exited_ = true;
    return status;
  }

 private:
  bool read_some(long long deadline) {
    long long left = deadline - monotonic_ms();
    if (left <= 0 || out_ < 0) return false;
    pollfd p{out_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) return false;
    char buf[4096];
    ssize_t n = read(out_, buf, sizeof buf);
    if (n <= 0) return false;
    output_.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  int out_ = -1;
  bool exited_ = false;  // reaped by wait_exit()
  std::string output_;
  std::size_t scanned_ = 0;
};

}  // namespace vermilion::testing
