// A pseudo-terminal for tests of services on a terminal: the master stays
// with the test, the slave is a path (/dev/pts/N) a service may be given as
// TTYPath=. No process has it as its controlling terminal.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "common/unique_fd.h"

namespace vermilion::testing {

class Pty {
 public:
  Pty() {
    master_ = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master_ < 0 || grantpt(master_) < 0 || unlockpt(master_) < 0) return;
    const char* name = ptsname(master_);
    if (name) path_ = name;
  }
  ~Pty() {
    if (master_ >= 0) close(master_);
  }
  Pty(const Pty&) = delete;
  Pty& operator=(const Pty&) = delete;

  [[nodiscard]] bool ok() const { return master_ >= 0 && !path_.empty(); }
  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] int master() const { return master_; }
  // The slave's device number, as fstat() of an fd on it shows it.
  [[nodiscard]] dev_t device() const {
    struct stat st {};
    return stat(path_.c_str(), &st) == 0 ? st.st_rdev : 0;
  }

  // What the slave side has written, until `want` appears or `timeout_ms`
  // passes with nothing new (each read waits on the master).
  std::string read_until(const std::string& want, int timeout_ms = 10000) {
    std::string got;
    while (got.find(want) == std::string::npos) {
      pollfd p{master_, POLLIN, 0};
      if (poll(&p, 1, timeout_ms) <= 0) break;
      char buffer[512];
      ssize_t n = read(master_, buffer, sizeof buffer);
      if (n <= 0) break;
      got.append(buffer, static_cast<std::size_t>(n));
    }
    return got;
  }

 private:
  int master_ = -1;
  std::string path_;
};

// A process in a session of its own holding `path` as its controlling
// terminal until released (its stdin pipe closed) or killed.
class TerminalHolder {
 public:
  explicit TerminalHolder(const std::string& path) {
    fd_pair ready, release;
    if (make_pipe(ready) < 0 || make_pipe(release) < 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      ready.first.reset();
      release.second.reset();
      if (setsid() < 0) _exit(1);
      int fd = open(path.c_str(), O_RDWR | O_CLOEXEC);
      if (fd < 0 || ioctl(fd, TIOCSCTTY, 0) < 0) _exit(2);
      if (write(ready.second.get(), "r", 1) != 1) _exit(3);
      char c;
      (void)!read(release.first.get(), &c, 1);
      _exit(0);
    }
    ready.second.reset();
    release.first.reset();
    char c = 0;
    held_ = read(ready.first.get(), &c, 1) == 1;
    release_ = std::move(release.second);
  }
  ~TerminalHolder() { release(); }
  [[nodiscard]] bool held() const { return held_; }
  void release() {
    release_.reset();
    if (pid_ > 0) {
      int status = 0;
      waitpid(pid_, &status, 0);
      pid_ = -1;
    }
  }

 private:
  pid_t pid_ = -1;
  bool held_ = false;
  unique_fd release_;
};

}  // namespace vermilion::testing
