// The bridge's end of its private link to vermiliond (VERMILION_BROKER_FD):
// an sd-bus peer-to-peer client, since sdbus-c++ 1.2 has no peer-to-peer
// connections. It mirrors the bridge's own CList from ListCapabilities,
// CapabilityReceived and Revoked, so the bridge can pick the capability that
// covers a request, and it passes the Watch signals on.
//
// Calls are asynchronous: the bridge never waits on vermiliond while it
// serves the bus (start-up excepted, before the bus name is taken). Two
// kinds, kept apart so that slow ones never hold up quick ones:
// - jobs (Start/Stop/Restart/Reload) reply when the job ends, which may be
//   never (a service that never gets ready). At most vermiliond's per-link
//   quota are outstanding; one more is refused at once with LimitsExceeded,
//   not queued behind jobs that may not end (a queued Stop could not cancel
//   the Start it waits behind);
// - queries (everything else) are answered at once by vermiliond. At most
//   kMaxQueriesInFlight are outstanding, the rest wait here in order, up to
//   kMaxQueuedQueries; beyond that LimitsExceeded.
#pragma once

#include <systemd/sd-bus.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/capability_row.h"
#include "common/link_limits.h"
#include "common/rights.h"
#include "common/service_status.h"

namespace vermilion::bridge {

struct SdBusUnref {
  void operator()(sd_bus* bus) const { sd_bus_flush_close_unref(bus); }
};
struct SdBusMessageUnref {
  void operator()(sd_bus_message* message) const { sd_bus_message_unref(message); }
};
using SdBusPtr = std::unique_ptr<sd_bus, SdBusUnref>;
using SdBusMessagePtr = std::unique_ptr<sd_bus_message, SdBusMessageUnref>;

// One capability of the bridge's CList, as ListCapabilities and
// CapabilityReceived tell it.
using HeldCapability = CapabilityRow;

// An error from the link, as a D-Bus error name and message.
struct LinkError {
  std::string name;
  std::string message;
};

class BrokerLinkListener {
 public:
  virtual ~BrokerLinkListener() = default;
  virtual void on_service_properties(ServiceStatus properties) noexcept = 0;
  virtual void on_service_state(const std::string& name, const std::string& active_state,
                                const std::string& sub_state) noexcept = 0;
  virtual void on_reloaded() noexcept = 0;
  // Link.UnitFilesChanged: enablement changed unit files (any link's).
  virtual void on_unit_files_changed() noexcept {}
};

class BrokerLink {
 public:
  static constexpr std::size_t kMaxJobsInFlight = kDefaultLinkJobsInFlight;
  static constexpr std::size_t kMaxQueriesInFlight = 16;
  static constexpr std::size_t kMaxQueuedQueries = 1024;

  enum class CallKind { query, job };

  // Builds the call's arguments; returns a negative errno on failure.
  using Append = std::function<int(sd_bus_message*)>;
  // Exactly one of reply / error is set. Called from sd-bus's dispatch: an
  // exception escaping it is caught, logged and dropped there.
  using ReplyHandler = std::function<void(sd_bus_message* reply, const LinkError* error)>;
  // A job call's job was queued (the link's JobQueued): before its reply.
  using QueuedHandler = std::function<void()>;

  // Takes ownership of fd, connects, and reads the CList (a blocking call:
  // start-up only). Negative errno on failure.
  [[nodiscard]] static int connect(int fd, BrokerLinkListener& listener, std::unique_ptr<BrokerLink>& out);
  ~BrokerLink();
  BrokerLink(const BrokerLink&) = delete;
  BrokerLink& operator=(const BrokerLink&) = delete;

  [[nodiscard]] sd_bus* bus() const { return bus_.get(); }

  // A capability the bridge holds that allows `right` on `service`
  // ("web.service"), or nullptr.
  [[nodiscard]] const HeldCapability* service_capability(std::string_view service, Rights right) const;
  // A manager capability with `right`, or nullptr.
  [[nodiscard]] const HeldCapability* manager_capability(Rights right) const;
  // The CList as last read and kept current (slot -> capability).
  [[nodiscard]] const std::map<std::uint32_t, HeldCapability>& capabilities() const { return capabilities_; }

  // An asynchronous call of `member` on a capability's object. Failures to
  // even send, and the limits above, are reported through `handler` too.
  // `timeout_usec` (0: the kind's own, none for jobs and 60 s for queries)
  // counts from when the call is sent.
  // `queued` (jobs; may be empty) runs when vermiliond tells that the job
  // was queued, before `handler`; a call refused at once gets `handler` alone.
  void call(const HeldCapability& capability, const char* interface, const char* member, const Append& append,
            ReplyHandler handler, CallKind kind = CallKind::query, std::uint64_t timeout_usec = 0,
            QueuedHandler queued = {});
  // The same, blocking: start-up only, before the bridge serves the bus.
  [[nodiscard]] int call_blocking(const HeldCapability& capability, const char* interface, const char* member,
                                  SdBusMessagePtr& reply, LinkError& error);

  // Calls sent and not yet answered, of each kind (at most kMaxJobsInFlight
  // and kMaxQueriesInFlight).
  [[nodiscard]] std::size_t jobs_in_flight() const { return jobs_in_flight_; }
  [[nodiscard]] std::size_t queries_in_flight() const { return queries_in_flight_; }
  // Queries waiting for one of those to finish.
  [[nodiscard]] std::size_t queries_queued() const { return queued_.size(); }

 private:
  struct PendingCall {
    SdBusMessagePtr message;
    ReplyHandler handler;
    CallKind kind = CallKind::query;
    std::uint64_t timeout_usec = 0;
    QueuedHandler queued;
  };
  BrokerLink(BrokerLinkListener& listener) : listener_(listener) {}
  [[nodiscard]] int start(int fd);
  [[nodiscard]] int read_capabilities();
  void send(PendingCall call);
  void send_queued();
  void on_capability_received(sd_bus_message* message);
  void on_revoked(sd_bus_message* message);
  void on_job_queued(sd_bus_message* message);
  static int on_signal(sd_bus_message* message, void* self, sd_bus_error* error);
  void dispatch_signal(sd_bus_message* message);
  static int on_reply(sd_bus_message* message, void* call, sd_bus_error* error);

  BrokerLinkListener& listener_;
  // Job calls waiting for JobQueued, by the call's serial. Declared before
  // bus_: closing the bus destroys the calls, which leave this map.
  std::map<std::uint64_t, QueuedHandler*> awaiting_queued_;
  SdBusPtr bus_;
  std::map<std::uint32_t, HeldCapability> capabilities_;
  std::deque<PendingCall> queued_;  // queries only
  std::size_t queries_in_flight_ = 0;
  std::size_t jobs_in_flight_ = 0;
};

}  // namespace vermilion::bridge
