#include "platform/notify_socket.h"
#include "common/out_of_memory.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string_view>
#include <utility>

namespace vermilion {

namespace {

// What systemd asks for (NOTIFY_RCVBUF_SIZE): a burst of notifications
// from many services at once must not be lost. Capped by net.core.rmem_max.
constexpr int kReceiveBufferBytes = 8 * 1024 * 1024;

}  // namespace

const char* to_string(NotifyProblem problem) {
  switch (problem) {
    case NotifyProblem::no_credentials: return "no sender credentials";
    case NotifyProblem::too_large: return "message too large";
    case NotifyProblem::embedded_nul: return "message contains a NUL byte";
    case NotifyProblem::fds_closed: return "file descriptors sent along were closed (not taken into an fd store)";
    case NotifyProblem::receive_failed: return "receiving failed";
  }
  return "unknown";
}

int NotifySocket::create(sd_event* loop, NotifySocketOptions options, std::unique_ptr<NotifySocket>& out) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (options.path.empty() || options.path[0] != '/' || options.path.size() >= sizeof(address.sun_path))
    return -EINVAL;
  if (!options.on_message) return -EINVAL;
  std::memcpy(address.sun_path, options.path.data(), options.path.size());

  unique_fd socket(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!socket) return -errno;
  std::unique_ptr<NotifySocket> self(new NotifySocket(std::move(options), std::move(socket)));
  const int fd = self->socket_.get();
  const char* path = self->options_.path.c_str();

  if (::unlink(path) < 0 && errno != ENOENT) return -errno;
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) < 0) return -errno;
  self->bound_ = true;  // from here the destructor removes the file
  if (::chmod(path, 0777) < 0) return -errno;
  const int on = 1;
  if (::setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) < 0) return -errno;
  // Best effort: a smaller buffer still works, only bursts may be lost.
  (void)::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &kReceiveBufferBytes, sizeof(kReceiveBufferBytes));

  sd_event_source* raw = nullptr;
  if (int r = sd_event_add_io(loop, &raw, fd, EPOLLIN, &NotifySocket::on_readable, self.get()); r < 0) return r;
  self->source_.reset(raw);
  if (int r = sd_event_source_set_priority(raw, self->options_.priority); r < 0) return r;
  (void)sd_event_source_set_description(raw, "notify-socket");
  if (int r = IoYield::create(loop, raw, kDatagramsPerTurn, self->yield_); r < 0) return r;
  out = std::move(self);
  return 0;
}

NotifySocket::~NotifySocket() {
  yield_.reset();
  source_.reset();
  if (bound_) (void)::unlink(options_.path.c_str());
}

int NotifySocket::on_readable(sd_event_source*, int, std::uint32_t, void* userdata) {
  return event_guard("a notify message", [&] {
    auto* self = static_cast<NotifySocket*>(userdata);
    // A sender that keeps the socket full must not shut out the rest of the
    // loop (see IoYield): after kDatagramsPerTurn, everything else goes first.
    for (std::size_t i = 0; i < kDatagramsPerTurn; ++i) {
      if (!self->receive_one()) break;
      self->yield_->spend(1);
      if (self->yield_->yielding()) break;
    }
    // Never negative: that would disable the source and deafen us for good.
    return 0;
  });
}

void NotifySocket::report(NotifyProblem problem, pid_t sender, long detail) const {
  if (options_.on_problem) options_.on_problem(NotifyIncident{problem, sender, detail});
}

bool NotifySocket::receive_one() {
  std::array<char, kMaxDatagram> data;
  alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(ucred)) + CMSG_SPACE(sizeof(int) * kMaxFds)> control;
  iovec iov{data.data(), data.size()};
  msghdr header{};
  header.msg_iov = &iov;
  header.msg_iovlen = 1;
  header.msg_control = control.data();
  header.msg_controllen = control.size();

  // MSG_TRUNC: the return value is the datagram's real length, so an
  // oversized one is recognised rather than parsed cut short.
  const ssize_t n = ::recvmsg(socket_.get(), &header, MSG_DONTWAIT | MSG_CMSG_CLOEXEC | MSG_TRUNC);
  if (n < 0) {
    if (errno == EAGAIN) return false;
    if (errno == EINTR) return true;
    report(NotifyProblem::receive_failed, 0, -errno);
    return false;
  }

  // First take hold of every fd that came along, whatever happens next:
  // each closes when `fds` goes, unless on_message takes it.
  const ucred* credentials = nullptr;
  std::vector<unique_fd> fds;
  for (cmsghdr* c = CMSG_FIRSTHDR(&header); c != nullptr; c = CMSG_NXTHDR(&header, c)) {
    if (c->cmsg_level != SOL_SOCKET) continue;
    if (c->cmsg_type == SCM_RIGHTS) {
      const std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      for (std::size_t i = 0; i < count; ++i) {
        int fd;
        std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
        fds.emplace_back(fd);
      }
    } else if (c->cmsg_type == SCM_CREDENTIALS && c->cmsg_len == CMSG_LEN(sizeof(ucred))) {
      credentials = reinterpret_cast<const ucred*>(CMSG_DATA(c));
    }
  }
  const pid_t sender = credentials ? credentials->pid : 0;
  const bool truncated = (header.msg_flags & MSG_CTRUNC) != 0;

  if (sender <= 0) {
    report(NotifyProblem::no_credentials, 0, 0);
    return true;
  }
  if (static_cast<std::size_t>(n) > data.size() || (header.msg_flags & MSG_TRUNC)) {
    report(NotifyProblem::too_large, sender, static_cast<long>(n));
    return true;
  }
  const std::string_view text(data.data(), static_cast<std::size_t>(n));
  if (text.find('\0') != std::string_view::npos) {
    report(NotifyProblem::embedded_nul, sender, 0);
    return true;
  }
  NotifyMessage message = parse_notify_message(text);
  // sd_notify_barrier() sends one fd and waits for us to close it. As
  // systemd's manager_process_barrier_fd(), a BARRIER=1 message is only
  // that: its fds closed, nothing else in it acted on.
  if (message.barrier) {
    if (fds.size() != 1 || truncated) report(NotifyProblem::fds_closed, sender, static_cast<long>(fds.size()));
    return true;
  }
  // Nor is what came with cut-off control data (systemd drops it too).
  if (truncated) {
    report(NotifyProblem::fds_closed, sender, static_cast<long>(fds.size()));
    return true;
  }
  options_.on_message(sender, credentials->uid, message, fds);
  long left = 0;
  for (const unique_fd& fd : fds) left += fd ? 1 : 0;
  if (left > 0) report(NotifyProblem::fds_closed, sender, left);
  return true;
}

}  // namespace vermilion
