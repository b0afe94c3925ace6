#include "exec/shared_namespace.h"

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace vermilion {
namespace {

// One byte with room for one fd, as systemd's send_one_fd() and
// receive_one_fd() exchange them. Points into itself: not copied.
struct OneFdMessage {
  char data = 0;
  iovec iov{&data, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};

  OneFdMessage() noexcept {
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
  }
  OneFdMessage(const OneFdMessage&) = delete;
  OneFdMessage& operator=(const OneFdMessage&) = delete;
};

int send_fd(int socket, int fd) noexcept {
  OneFdMessage m;
  cmsghdr* cmsg = CMSG_FIRSTHDR(&m.msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(cmsg), &fd, sizeof fd);
  return sendmsg(socket, &m.msg, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 ? -errno : 0;
}

// The fd, or -EAGAIN when nothing is stored.
int receive_fd(int socket) noexcept {
  OneFdMessage m;
  if (recvmsg(socket, &m.msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC) < 0) return -errno;
  cmsghdr* cmsg = CMSG_FIRSTHDR(&m.msg);
  if (cmsg == nullptr || cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS ||
      cmsg->cmsg_len != CMSG_LEN(sizeof(int)))
    return -EIO;
  int fd = -1;
  std::memcpy(&fd, CMSG_DATA(cmsg), sizeof fd);
  return fd;
}

}  // namespace

int create_namespace_storage(NamespaceStorage& out) {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, fds) < 0) return -errno;
  out.socket[0] = unique_fd(fds[0]);
  out.socket[1] = unique_fd(fds[1]);
  return 0;
}

int loopback_up() noexcept {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  ifreq request{};
  std::memcpy(request.ifr_name, "lo", 3);
  int r = 0;
  if (ioctl(fd, SIOCGIFFLAGS, &request) < 0) {
    r = -errno;
  } else if ((request.ifr_flags & IFF_UP) == 0) {
    request.ifr_flags = static_cast<short>(request.ifr_flags | IFF_UP);
    if (ioctl(fd, SIOCSIFFLAGS, &request) < 0) r = -errno;
  }
  close(fd);
  return r;
}

int enter_shared_namespace(int storage0, int storage1, int nstype) noexcept {
  if (lockf(storage0, F_LOCK, 0) < 0) return -errno;
  int r = 0;
  int ns = receive_fd(storage0);
  if (ns == -EAGAIN) {
    // Nothing stored yet: this process makes the namespace.
    if (unshare(nstype) < 0) {
      r = -errno;
    } else {
      // A failure to bring lo up leaves a namespace without it, as systemd's.
      if (nstype == CLONE_NEWNET) (void)loopback_up();
      ns = open(nstype == CLONE_NEWNET ? "/proc/self/ns/net" : "/proc/self/ns/ipc", O_RDONLY | O_CLOEXEC | O_NOCTTY);
      r = ns < 0 ? -errno : 1;
    }
  } else if (ns < 0) {
    r = ns;
  } else if (setns(ns, nstype) < 0) {
    r = -errno;
  }
  if (ns >= 0) {
    if (int q = send_fd(storage1, ns); q < 0) r = q;
    close(ns);
  }
  // The lock also goes with the process; a failed unlock changes nothing here.
  const int unlocked = lockf(storage0, F_ULOCK, 0);
  (void)unlocked;
  return r;
}

}  // namespace vermilion
