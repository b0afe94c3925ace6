#include "link/link_gate.h"
#include "common/out_of_memory.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace vermilion {
namespace {

// One read's worth. Shared by every gate: vermiliond is one thread, and a
// buffer per link would cost each service 64 KiB.
constexpr std::size_t kReadBytes = 64 * 1024;
// SCM_MAX_FD: the most one sendmsg() can carry.
constexpr std::size_t kMaxFdsPerRead = 253;

}  // namespace

int LinkGate::create(sd_event* loop, unique_fd child, FaultCallback on_fault, unique_fd& bus_input,
                     unique_fd& bus_output, std::unique_ptr<LinkGate>& out) {
  unique_fd output(::fcntl(child.get(), F_DUPFD_CLOEXEC, 3));
  if (!output) return -errno;
  std::unique_ptr<LinkGate> gate(new LinkGate(std::move(child), std::move(on_fault)));
  fd_pair pair;
  if (int r = make_socketpair(pair, AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK); r < 0) return r;
  gate->feed_ = std::move(pair.first);
  sd_event_source* source = nullptr;
  int r = sd_event_add_io(loop, &source, gate->child_.get(), EPOLLIN, &LinkGate::on_child, gate.get());
  if (r < 0) return r;
  gate->child_source_.reset(source);
  r = sd_event_add_io(loop, &source, gate->feed_.get(), EPOLLOUT, &LinkGate::on_feed, gate.get());
  if (r < 0) return r;
  gate->feed_source_.reset(source);
  if ((r = sd_event_source_set_enabled(source, SD_EVENT_OFF)) < 0) return r;
  bus_input = std::move(pair.second);
  bus_output = std::move(output);
  out = std::move(gate);
  return 0;
}

bool LinkGate::take_refusal(std::uint32_t serial) {
  auto it = std::find_if(refusals_.begin(), refusals_.end(),
                         [&](const InboundStream::Refusal& r) { return r.serial == serial; });
  if (it == refusals_.end()) return false;
  refusals_.erase(it);
  return true;
}

void LinkGate::stop() {
  child_source_.reset();
  feed_source_.reset();
  // With sd-bus's duplicate closed too, the child sees the hang-up.
  child_.reset();
  feed_.reset();
}

int LinkGate::on_child(sd_event_source*, int, uint32_t, void* userdata) {
  return event_guard("a link's input", [&] {
    LinkGate& self = *static_cast<LinkGate*>(userdata);
    self.read_child();
    if (self.child_ && self.on_passed_) self.on_passed_();  // not once stopped
    return 0;
  });
}

int LinkGate::on_feed(sd_event_source*, int, uint32_t, void* userdata) {
  return event_guard("a link's input", [&] {
    LinkGate& self = *static_cast<LinkGate*>(userdata);
    if (!self.flush()) return 0;
    sd_event_source_set_enabled(self.feed_source_.get(), SD_EVENT_OFF);
    if (self.eof_)
      self.end_of_input();
    else
      sd_event_source_set_enabled(self.child_source_.get(), SD_EVENT_ON);
    if (self.child_ && self.on_passed_) self.on_passed_();
    return 0;
  });
}

void LinkGate::read_child() {
  static char buffer[kReadBytes];
  alignas(cmsghdr) static char control[CMSG_SPACE(sizeof(int) * kMaxFdsPerRead)];
  iovec iov{buffer, sizeof buffer};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n = ::recvmsg(child_.get(), &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  bool with_fds = (msg.msg_flags & MSG_CTRUNC) != 0;
  if (msg.msg_flags & MSG_CTRUNC) ++fds_closed_;  // at least one more, dropped by the kernel
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); n >= 0 && c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (std::size_t i = 0; i < count; ++i) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
      ::close(fd);
    }
    fds_closed_ += count;
    with_fds = with_fds || count > 0;
  }
  if (n <= 0) {  // the child hung up (or the socket failed: the same to sd-bus)
    eof_ = true;
    sd_event_source_set_enabled(child_source_.get(), SD_EVENT_OFF);
    if (pending_.empty()) end_of_input();
    return;
  }
  static std::string out;
  out.clear();
  InboundStream::Fault fault = stream_.feed(std::string_view(buffer, static_cast<std::size_t>(n)), with_fds, out,
                                            refusals_);
  if (fault != InboundStream::Fault::none) return fail(std::string("it sent ") + to_string(fault));
  if (refusals_.size() > kMaxRefusals)
    return fail("it sent more than " + std::to_string(kMaxRefusals) + " messages with file descriptors");
  // Usually all of it goes at once; only a remainder is kept (a per-link
  // buffer that stayed at its peak would cost every service).
  std::size_t sent = pass_on(out);
  if (sent < out.size()) {
    pending_.assign(out, sent);
    // sd-bus is behind: wait for it before reading more.
    sd_event_source_set_enabled(child_source_.get(), SD_EVENT_OFF);
    sd_event_source_set_enabled(feed_source_.get(), SD_EVENT_ON);
  }
}

std::size_t LinkGate::pass_on(std::string_view bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(feed_.get(), bytes.data() + sent, bytes.size() - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) break;
    if (n < 0) return bytes.size();  // sd-bus closed its end: the link is going anyway
    sent += static_cast<std::size_t>(n);
  }
  return sent;
}

bool LinkGate::flush() {
  pending_.erase(0, pass_on(pending_));
  if (!pending_.empty()) return false;
  pending_.shrink_to_fit();
  return true;
}

void LinkGate::end_of_input() {
  // sd-bus reads the end of its input and reports the disconnect.
  ::shutdown(feed_.get(), SHUT_WR);
  child_source_.reset();
}

void LinkGate::fail(const std::string& why) {
  stop();
  if (on_fault_) on_fault_(why);
}

}  // namespace vermilion
