// One child's private link: a peer-to-peer D-Bus server (sd-bus, anonymous
// auth, fd passing) on the broker's end of a socketpair made before fork.
// fds pass one way only: to the child. What the child sends reaches sd-bus
// through a gate (link_gate.h) that closes every fd it carries, and a call
// that came with one is refused with LimitsExceeded and audited.
// The API is interfaces/org.vermilion1.Link.xml. Every call names a slot of
// this link's own holder; the broker decides. The link never blocks: a child
// that stops reading is disconnected once its queue passes the limit.
#pragma once

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "broker/broker.h"
#include "common/link_wire.h"
#include "common/unique_fd.h"
#include "link/link_gate.h"
#include "link/link_rows.h"
#include "platform/event_source.h"

namespace vermilion {

class LinkServer final : public LinkPeer {
 public:
  // Runs when the child hangs up or is cut off; the owner destroys the link
  // afterwards, never from inside this callback.
  using ClosedCallback = std::function<void(LinkServer& link, const std::string& reason)>;

  [[nodiscard]] static int create(sd_event* loop, Broker& broker, std::string holder, unique_fd broker_end,
                                  ClosedCallback on_closed, std::unique_ptr<LinkServer>& out);
  ~LinkServer() override;
  LinkServer(const LinkServer&) = delete;
  LinkServer& operator=(const LinkServer&) = delete;

  [[nodiscard]] const std::string& holder() const { return holder_; }
  [[nodiscard]] bool closed() const { return closed_; }
  void close(const std::string& reason);
  // Closed because the child broke the link's rules (stopped reading), not
  // because it hung up.
  [[nodiscard]] bool misbehaved() const { return misbehaved_; }
  // File descriptors the child sent, all closed on arrival.
  [[nodiscard]] std::size_t fds_refused() const { return gate_ ? gate_->fds_closed() : 0; }

  // LinkPeer
  void capability_received(const Capability& cap, std::uint64_t granter_badge) noexcept override;
  void revoked(Slot slot) noexcept override;
  void connection(unique_fd fd, std::uint64_t badge) noexcept override;
  // ServicePropertiesChanged, then ServiceStateChanged.
  void service_state_changed(const ServiceStatus& status) noexcept override;
  // ServicePropertiesChanged alone.
  void service_properties_changed(const ServiceStatus& status) noexcept override;
  void reloaded() noexcept override;
  void unit_files_changed() noexcept override;

  // The method handlers (link_calls.cpp).
  struct Calls;

 private:
  LinkServer(Broker& broker, std::string holder, ClosedCallback on_closed);
  // Registers the link's objects and their methods (link_calls.cpp).
  [[nodiscard]] int add_objects();
  // sd-bus filter: sees every message before the handlers.
  static int filter(sd_bus_message* m, void* userdata, sd_bus_error* error);
  static int filter_message(sd_bus_message* m, void* userdata, sd_bus_error* error);
  // sd_bus_process() for what the gate just passed on (link_server.cpp).
  void process_passed();
  // Sends the Link signal `member` with the body `fill` appends (fill
  // returns 0 or -errno), then checks the queue. 0 or -errno; a signal that
  // could not be built or queued closes the link (audited), since the child
  // would otherwise hold a wrong view of its CList. -ENOTCONN once closed.
  [[nodiscard]] int emit(const char* member, const std::function<int(sd_bus_message*)>& fill);
  [[nodiscard]] int emit_or_close(const char* member, const std::function<int(sd_bus_message*)>& fill);
  void check_queue();

  Broker& broker_;
  std::string holder_;
  ClosedCallback on_closed_;
  sd_bus* bus_ = nullptr;
  // Reads the child's socket for sd-bus and keeps every fd out of it.
  std::unique_ptr<LinkGate> gate_;
  std::size_t in_flight_ = 0;
  bool closed_ = false;
  bool misbehaved_ = false;
  // A client may pipeline its authentication (sd-bus sends AUTH, NEGOTIATE_UNIX_FD
  // and BEGIN at once) and then fails with EIO if fds arrive before it has read
  // the server's answer. It has read it once it sends anything, so fds we send
  // unasked (Connection) wait for the child's first message.
  bool child_spoke_ = false;
  std::vector<std::pair<unique_fd, std::uint64_t>> pending_connections_;
  void child_spoke();
  // Job replies arrive after the call returned; they check this first.
  std::shared_ptr<LinkServer*> self_;
};

}  // namespace vermilion
