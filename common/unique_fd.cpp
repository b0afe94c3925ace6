#include "common/unique_fd.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace vermilion {

void unique_fd::reset(int fd) noexcept {
  // close() may fail with EINTR, but on Linux the fd is released anyway;
  // retrying could close an fd another thread just received.
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

int make_pipe(fd_pair& out, int extra_flags) noexcept {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | extra_flags) < 0) return -errno;
  out.first.reset(fds[0]);
  out.second.reset(fds[1]);
  return 0;
}

int make_socketpair(fd_pair& out, int domain, int type) noexcept {
  int fds[2];
  if (::socketpair(domain, type | SOCK_CLOEXEC, 0, fds) < 0) return -errno;
  out.first.reset(fds[0]);
  out.second.reset(fds[1]);
  return 0;
}

}  // namespace vermilion
