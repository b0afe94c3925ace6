// One owner for one file descriptor. Moves, never copies; closes on
// destruction. Factories hand out pairs as two owners so a raw pair of ints
// never exists outside this file.
#pragma once

#include <utility>

namespace vermilion {

class unique_fd {
 public:
  unique_fd() noexcept = default;
  explicit unique_fd(int fd) noexcept : fd_(fd) {}
  unique_fd(const unique_fd&) = delete;
  unique_fd& operator=(const unique_fd&) = delete;
  unique_fd(unique_fd&& other) noexcept : fd_(other.release()) {}
  unique_fd& operator=(unique_fd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  ~unique_fd() { reset(); }

  [[nodiscard]] int get() const noexcept { return fd_; }
  [[nodiscard]] bool valid() const noexcept { return fd_ >= 0; }
  explicit operator bool() const noexcept { return valid(); }

  // Gives up ownership; the caller now closes the fd.
  [[nodiscard]] int release() noexcept { return std::exchange(fd_, -1); }
  void reset(int fd = -1) noexcept;

 private:
  int fd_ = -1;
};

struct fd_pair {
  unique_fd first;
  unique_fd second;
};

// pipe2(O_CLOEXEC | extra_flags): first is the read end, second the write end.
// Returns -errno on failure through `error`.
[[nodiscard]] int make_pipe(fd_pair& out, int extra_flags = 0) noexcept;

// socketpair(domain, type | SOCK_CLOEXEC, 0).
[[nodiscard]] int make_socketpair(fd_pair& out, int domain, int type) noexcept;

}  // namespace vermilion
