// The receive side of a child's link. vermiliond's sd-bus connection for a
// link writes to the child's socket directly but reads from a private
// socketpair that only this gate writes to. The gate reads the child's
// socket, closes at once every file descriptor that arrives (no method of
// the link takes one from a child), passes the bytes through an
// InboundStream, and hands them on. So no fd a child sends is ever held by
// vermiliond beyond the read that brought it, whatever the message's
// signature says, and each message that came with fds is known by its
// serial: the link's filter refuses it (LimitsExceeded) and audits it.
//
// The gate never blocks: both sockets are non-blocking; while sd-bus has
// not read what the gate passed on, the gate stops reading the child, so a
// flooding child fills its own socket and waits.
#pragma once

#include <systemd/sd-event.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/unique_fd.h"
#include "link/inbound_stream.h"
#include "platform/event_source.h"

namespace vermilion {

class LinkGate {
 public:
  // The child broke the wire protocol (InboundStream::Fault) or sent more
  // fd-carrying messages than kMaxRefusals before sd-bus read them: the link
  // must close. Called at most once; the gate has stopped by then.
  using FaultCallback = std::function<void(const std::string& why)>;

  // Messages with fds that may wait for sd-bus to read them.
  static constexpr std::size_t kMaxRefusals = 4096;

  // Takes the link's socket. On success `bus_input` is the end sd-bus must
  // read from and `bus_output` a duplicate of the child's socket for sd-bus
  // to write to (sd-event watches each fd once; the gate watches the
  // original for input). 0 or -errno.
  [[nodiscard]] static int create(sd_event* loop, unique_fd child, FaultCallback on_fault, unique_fd& bus_input,
                                  unique_fd& bus_output, std::unique_ptr<LinkGate>& out);
  ~LinkGate() = default;
  LinkGate(const LinkGate&) = delete;
  LinkGate& operator=(const LinkGate&) = delete;

  // Whether message `serial` came with or declared fds (then forgets it).
  [[nodiscard]] bool take_refusal(std::uint32_t serial);
  // File descriptors closed so far (counting those the kernel dropped when
  // more came than one read can take).
  [[nodiscard]] std::size_t fds_closed() const { return fds_closed_; }
  // Runs after the gate has passed bytes on, as the last thing in its
  // callback (it may stop the gate): the link has sd-bus dispatch them in
  // the same turn of the loop.
  void set_on_passed(std::function<void()> on_passed) { on_passed_ = std::move(on_passed); }
  // Reads nothing more, passes nothing on, and closes its fds.
  void stop();

 private:
  LinkGate(unique_fd child, FaultCallback on_fault) : child_(std::move(child)), on_fault_(std::move(on_fault)) {}
  static int on_child(sd_event_source* source, int fd, uint32_t revents, void* userdata);
  static int on_feed(sd_event_source* source, int fd, uint32_t revents, void* userdata);
  void read_child();
  // Writes to sd-bus's end what the socket takes now: bytes taken.
  std::size_t pass_on(std::string_view bytes);
  // pass_on(pending_); true once all of it went.
  bool flush();
  void end_of_input();
  void fail(const std::string& why);

  unique_fd child_;
  unique_fd feed_;
  FaultCallback on_fault_;
  std::function<void()> on_passed_;
  InboundStream stream_;
  EventSourcePtr child_source_;
  EventSourcePtr feed_source_;
  std::string pending_;  // passed on but not yet taken by the socket
  std::vector<InboundStream::Refusal> refusals_;
  std::size_t fds_closed_ = 0;
  bool eof_ = false;
};

}  // namespace vermilion
