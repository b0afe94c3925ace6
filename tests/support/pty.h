// A pseudo-terminal for tests of services on a terminal: the master stays
// with the test, the slave is a path (/dev/pts/N) a service may be given as
// TTYPath=. No process has it as its controlling terminal.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

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

}  // namespace vermilion::testing
