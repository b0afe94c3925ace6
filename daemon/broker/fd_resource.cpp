#include "broker/fd_resource.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

#include "broker/listen_address.h"

namespace vermilion {
namespace {

int open_socket(const FdSpec& spec, unique_fd& out) {
  auto parsed = parse_listen_address(spec.address);
  if (!parsed.value) return -EINVAL;
  const ListenAddress& a = *parsed.value;
  const int type = spec.type == FdSpec::Type::stream ? SOCK_STREAM : SOCK_DGRAM;

  sockaddr_storage storage{};
  socklen_t length = 0;
  int family = AF_UNIX;
  switch (a.family) {
    case ListenAddress::Family::any:
    case ListenAddress::Family::ipv6: {
      family = AF_INET6;
      auto* in6 = reinterpret_cast<sockaddr_in6*>(&storage);
      in6->sin6_family = AF_INET6;
      in6->sin6_port = htons(a.port);
      in6->sin6_addr = in6addr_any;
      if (a.family == ListenAddress::Family::ipv6 && inet_pton(AF_INET6, a.host.c_str(), &in6->sin6_addr) != 1)
        return -EINVAL;
      length = sizeof(sockaddr_in6);
      break;
    }
    case ListenAddress::Family::ipv4: {
      family = AF_INET;
      auto* in4 = reinterpret_cast<sockaddr_in*>(&storage);
      in4->sin_family = AF_INET;
      in4->sin_port = htons(a.port);
      if (inet_pton(AF_INET, a.host.c_str(), &in4->sin_addr) != 1) return -EINVAL;
      length = sizeof(sockaddr_in);
      break;
    }
    case ListenAddress::Family::unix_path:
    case ListenAddress::Family::unix_abstract: {
      auto* un = reinterpret_cast<sockaddr_un*>(&storage);
      un->sun_family = AF_UNIX;
      if (a.path.size() >= sizeof(un->sun_path)) return -ENAMETOOLONG;
      bool abstract = a.family == ListenAddress::Family::unix_abstract;
      std::memcpy(un->sun_path + (abstract ? 1 : 0), a.path.data(), a.path.size());
      // A path ends in NUL; an abstract name starts with one: +1 either way.
      length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + a.path.size() + 1);
      if (!abstract) ::unlink(a.path.c_str());  // a stale socket from an earlier run
      break;
    }
  }

  unique_fd fd(::socket(family, type | SOCK_CLOEXEC, 0));
  if (!fd) return -errno;
  int one = 1;
  if (family != AF_UNIX) ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (a.family == ListenAddress::Family::any) {
    int zero = 0;  // as systemd: one IPv6 socket for both families
    ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
  }
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&storage), length) < 0) return -errno;
  if (a.family == ListenAddress::Family::unix_path && ::chmod(a.path.c_str(), spec.socket_mode) < 0)
    return -errno;
  if (type == SOCK_STREAM && ::listen(fd.get(), SOMAXCONN) < 0) return -errno;
  out = std::move(fd);
  return 0;
}

}  // namespace

int open_fd_resource(const FdSpec& spec, unique_fd& out) {
  if (spec.type != FdSpec::Type::file) return open_socket(spec, out);
  int flags = O_CLOEXEC | O_NOCTTY;
  switch (spec.mode) {
    case FdSpec::FileMode::read: flags |= O_RDONLY; break;
    case FdSpec::FileMode::write: flags |= O_WRONLY; break;
    case FdSpec::FileMode::read_write: flags |= O_RDWR; break;
  }
  // O_NONBLOCK so the open itself never waits (a FIFO without a peer, a
  // terminal without carrier): a FIFO opened for writing with no reader
  // fails with ENXIO instead. Then cleared, so the holder gets the file as an
  // ordinary open(2) would have given it.
  unique_fd fd(::open(spec.address.c_str(), flags | O_NONBLOCK));
  if (!fd) return -errno;
  int status = ::fcntl(fd.get(), F_GETFL);
  if (status < 0 || ::fcntl(fd.get(), F_SETFL, status & ~O_NONBLOCK) < 0) return -errno;
  out = std::move(fd);
  return 0;
}

}  // namespace vermilion
