#include "link/link_server.h"

#include <sys/socket.h>
#include <systemd/sd-id128.h>

#include <cerrno>
#include <cstring>

#include "common/out_of_memory.h"
#include "common/error_names.h"

namespace vermilion {
namespace {

// Messages dispatched right after the gate passed them on, per turn.
constexpr int kMaxDispatchPerTurn = 64;

}  // namespace

// What the gate has just passed on is dispatched at once, in the same turn
// of the loop: left to sd-bus's own source it would wait for another wakeup,
// which a busy loop (a notify flood) delays, and one case would never come:
// sd-bus 252 reads the authentication lines in chunks of up to 256 bytes,
// and what follows the client's BEGIN in the same chunk (its first call)
// stays in sd-bus's read buffer with nothing to wake the loop for it (GDBus
// sends BEGIN and its first call back to back, then waits). Bounded per
// turn; sd-bus's own source (which sees a non-empty read queue) takes the
// rest.
void LinkServer::process_passed() {
  for (int i = 0; i < kMaxDispatchPerTurn && !closed_; ++i) {
    int r = sd_bus_process(bus_, nullptr);
    if (r < 0) close(std::string("processing its messages failed: ") + std::strerror(-r));
    if (r <= 0) break;
  }
}

// Sees every message first: hang-ups, messages that came with fds, and
// calls to slots this link does not hold (denied and audited here, with
// a clear error rather than a bare UnknownObject).
int LinkServer::filter(sd_bus_message* m, void* userdata, sd_bus_error* error) {
  // Out of memory here fails the message; sd-bus then closes the link.
  return call_guard("a link message", -ENOMEM, [&] { return filter_message(m, userdata, error); });
}

int LinkServer::filter_message(sd_bus_message* m, void* userdata, sd_bus_error*) {
  LinkServer& self = *static_cast<LinkServer*>(userdata);
  if (sd_bus_message_is_signal(m, "org.freedesktop.DBus.Local", "Disconnected") > 0) {
    self.close("the child hung up");
    return 1;
  }
  if (!self.child_spoke_) self.child_spoke();
  uint8_t type = 0;
  sd_bus_message_get_type(m, &type);
  uint64_t cookie = 0;
  if (sd_bus_message_get_cookie(m, &cookie) >= 0 && self.gate_->take_refusal(static_cast<uint32_t>(cookie))) {
    // The gate has closed the fds already; whatever the signature says, no
    // method takes one from a child.
    bool call = type == SD_BUS_MESSAGE_METHOD_CALL;
    self.broker_.audit(call ? "call" : "message", self.holder_,
                       std::string("member=") + (sd_bus_message_get_member(m) ?: ""),
                       call ? "denied (fds in message)" : "dropped (fds in message)");
    if (call)
      sd_bus_reply_method_errorf(m, error_names::kLimitsExceeded, "no method takes file descriptors from a child");
    return 1;
  }
  if (type != SD_BUS_MESSAGE_METHOD_CALL) return 0;
  const char* path = sd_bus_message_get_path(m);
  if (path && std::string_view(path).starts_with(std::string(kCapabilityPathPrefix) + "/")) {
    Slot s = capability_slot(path);
    if (s == 0 || !self.broker_.lookup(self.holder_, s)) {
      self.broker_.audit("invoke", self.holder_,
                         std::string("path=") + path + " member=" + (sd_bus_message_get_member(m) ?: ""),
                         "denied (no such capability)");
      sd_bus_reply_method_errorf(m, error_names::kNoSuchCapability, "this link holds no capability at %s", path);
      return 1;
    }
  }
  return 0;
}

LinkServer::LinkServer(Broker& broker, std::string holder, ClosedCallback on_closed)
    : broker_(broker),
      holder_(std::move(holder)),
      on_closed_(std::move(on_closed)),
      self_(std::make_shared<LinkServer*>(this)) {}

LinkServer::~LinkServer() {
  gate_.reset();  // before sd-bus closes the socket it reads
  *self_ = nullptr;
  broker_.detach(holder_, *this);
  if (bus_) {
    sd_bus_detach_event(bus_);
    sd_bus_close_unref(bus_);  // never flush: a child that does not read must not block us
  }
}

int LinkServer::create(sd_event* loop, Broker& broker, std::string holder, unique_fd broker_end,
                       ClosedCallback on_closed, std::unique_ptr<LinkServer>& out) {
  std::unique_ptr<LinkServer> link(new LinkServer(broker, std::move(holder), std::move(on_closed)));
  sd_bus* bus = nullptr;
  int r = sd_bus_new(&bus);
  if (r < 0) return r;
  link->bus_ = bus;
  sd_id128_t id;
  if ((r = sd_id128_randomize(&id)) < 0) return r;
  LinkServer* raw = link.get();
  unique_fd bus_input, bus_output;
  r = LinkGate::create(
      loop, std::move(broker_end),
      [raw](const std::string& why) {
        raw->broker_.audit("protocol", raw->holder_, why, "disconnected");
        raw->misbehaved_ = true;
        raw->close(why);
      },
      bus_input, bus_output, link->gate_);
  if (r < 0) return r;
  int fd = bus_output.get();
  if ((r = sd_bus_set_fd(bus, bus_input.get(), fd)) < 0) return r;
  // The bus owns both now: it reads what the gate passes on and writes to
  // the child directly.
  (void)bus_input.release();
  (void)bus_output.release();
  if ((r = sd_bus_set_server(bus, 1, id)) < 0) return r;
  if ((r = sd_bus_set_anonymous(bus, 1)) < 0) return r;
  if ((r = sd_bus_negotiate_fds(bus, 1)) < 0) return r;
  void* self = link.get();
  if ((r = sd_bus_add_filter(bus, nullptr, &LinkServer::filter, self)) < 0) return r;
  if ((r = link->add_objects()) < 0) return r;
  if ((r = sd_bus_start(bus)) < 0) return r;
  // After sd_bus_start(), which raised the buffer.
  if (int size = broker.limits().link_send_buffer_bytes; size > 0) {
    if (setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size) < 0) return -errno;
  }
  if ((r = sd_bus_attach_event(bus, loop, SD_EVENT_PRIORITY_NORMAL)) < 0) return r;
  link->gate_->set_on_passed([raw] { raw->process_passed(); });
  broker.attach(link->holder_, *link);
  out = std::move(link);
  return 0;
}

void LinkServer::close(const std::string& reason) {
  if (closed_) return;
  closed_ = true;
  broker_.detach(holder_, *this);
  if (gate_) gate_->stop();
  if (bus_) sd_bus_close(bus_);
  if (on_closed_) on_closed_(*this, reason);
}

// A child that stops reading would make us queue without bound: past the
// limit it is cut off (and its service decides, per Restart=, what follows).
void LinkServer::check_queue() {
  uint64_t queued = 0;
  if (closed_ || sd_bus_get_n_queued_write(bus_, &queued) < 0) return;
  if (queued > broker_.limits().queued_messages_per_link) {
    broker_.audit("quota", holder_, "queued=" + std::to_string(queued), "disconnected (child stopped reading)");
    misbehaved_ = true;
    close("it stopped reading (" + std::to_string(queued) + " messages queued)");
  }
}

int LinkServer::emit(const char* member, const std::function<int(sd_bus_message*)>& fill) {
  if (closed_) return -ENOTCONN;
  try {
    return emit_or_close(member, fill);
  } catch (const std::bad_alloc&) {
    // Lost like any signal that cannot be sent: the link goes. ("out of
    // memory" fits std::string's small buffer: closing allocates nothing.)
    report_out_of_memory("a link signal");
    try {
      close("out of memory");
    } catch (const std::bad_alloc&) {
    }
    return -ENOMEM;
  }
}

int LinkServer::emit_or_close(const char* member, const std::function<int(sd_bus_message*)>& fill) {
  sd_bus_message* raw = nullptr;
  int r = sd_bus_message_new_signal(bus_, &raw, kLinkPath, kLinkInterface, member);
  // Unreferenced however fill() ends (it may throw std::bad_alloc).
  std::unique_ptr<sd_bus_message, decltype(&sd_bus_message_unref)> m(raw, &sd_bus_message_unref);
  if (r >= 0) r = fill(m.get());
  if (r >= 0) r = sd_bus_send(bus_, m.get(), nullptr);
  m.reset();
  if (r < 0) {
    // The child's view of its CList and of the services it watches is built
    // from these signals alone: one lost would leave it silently wrong, so
    // the link goes, as on overflow, and the child sees the disconnect.
    broker_.audit("signal", holder_, std::string("member=") + member + " error=" + std::strerror(-r),
                  "disconnected (signal not sent)");
    close(std::string("the ") + member + " signal could not be sent: " + std::strerror(-r));
    return r;
  }
  check_queue();  // each message counts against the limit
  return 0;
}

void LinkServer::capability_received(const Capability& cap, std::uint64_t granter_badge) noexcept {
  CapabilityRow row = capability_row(cap);
  row.badge = granter_badge;
  (void)emit("CapabilityReceived", [&](sd_bus_message* m) { return append_capability(m, row); });
}

void LinkServer::revoked(Slot slot) noexcept {
  (void)emit("Revoked", [&](sd_bus_message* m) { return sd_bus_message_append(m, "u", slot); });
}

void LinkServer::child_spoke() {
  child_spoke_ = true;
  auto pending = std::move(pending_connections_);
  for (auto& [fd, badge] : pending) connection(std::move(fd), badge);
}

void LinkServer::connection(unique_fd fd, std::uint64_t badge) noexcept {
  if (closed_) return;
  if (!child_spoke_) {
    // Held, not dropped; bounded (BrokerLimits::connections_per_link).
    if (pending_connections_.size() >= broker_.limits().connections_per_link) {
      broker_.audit("quota", holder_, "pending-connections=" + std::to_string(pending_connections_.size()),
                    "disconnected (child never spoke)");
      misbehaved_ = true;
      close("it never spoke while connections queued up");
      return;
    }
    pending_connections_.emplace_back(std::move(fd), badge);
    return;
  }
  (void)emit("Connection", [&](sd_bus_message* m) { return sd_bus_message_append(m, "ht", fd.get(), badge); });
}

void LinkServer::service_state_changed(const ServiceStatus& status) noexcept {
  (void)emit("ServicePropertiesChanged",
             [&](sd_bus_message* m) { return append_service_properties_changed(m, status); });
  (void)emit("ServiceStateChanged", [&](sd_bus_message* m) { return append_service_state_changed(m, status); });
}

void LinkServer::service_properties_changed(const ServiceStatus& status) noexcept {
  (void)emit("ServicePropertiesChanged",
             [&](sd_bus_message* m) { return append_service_properties_changed(m, status); });
}

void LinkServer::reloaded() noexcept {
  (void)emit("Reloaded", [](sd_bus_message*) { return 0; });
}

void LinkServer::unit_files_changed() noexcept {
  (void)emit("UnitFilesChanged", [](sd_bus_message*) { return 0; });
}

}  // namespace vermilion
