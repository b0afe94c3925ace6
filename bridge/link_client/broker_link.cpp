#include "link_client/broker_link.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <utility>

#include "common/error_names.h"
#include "common/link_wire.h"
#include "common/service_glob.h"

namespace vermilion::bridge {
namespace {

// Jobs reply when they finish, which takes as long as the service's own
// timeouts allow, and vermiliond counts them until then: no deadline here
// (UINT64_MAX), or the bridge would give up on a job vermiliond still runs.
// A closed link fails every pending call at once. Queries are answered
// immediately; their deadline only guards against a vermiliond gone wrong.
constexpr std::uint64_t kJobTimeoutUsec = UINT64_MAX;
constexpr std::uint64_t kQueryTimeoutUsec = 60ULL * 1000 * 1000;

struct InFlight {
  BrokerLink* link;
  BrokerLink::ReplyHandler handler;
  BrokerLink::CallKind kind;
  BrokerLink::QueuedHandler queued;
  std::uint64_t cookie = 0;  // while in BrokerLink::awaiting_queued_
};

// Handlers run inside sd-bus's dispatch, i.e. C code: nothing may escape.
template <typename Function>
void without_exceptions(const char* what, Function&& function) noexcept {
  try {
    function();
  } catch (const std::exception& error) {
    std::fprintf(stderr, "%s: %s\n", what, error.what());
  } catch (...) {
    std::fprintf(stderr, "%s: unknown exception\n", what);
  }
}

LinkError error_of(const sd_bus_error* error, int r) {
  if (error && sd_bus_error_is_set(error)) return {error->name, error->message ? error->message : ""};
  return {error_names::kFailed, std::string("link: ") + std::strerror(r < 0 ? -r : EIO)};
}

}  // namespace

int BrokerLink::connect(int fd, BrokerLinkListener& listener, std::unique_ptr<BrokerLink>& out) {
  std::unique_ptr<BrokerLink> link(new BrokerLink(listener));
  if (int r = link->start(fd); r < 0) return r;
  out = std::move(link);
  return 0;
}

BrokerLink::~BrokerLink() = default;

int BrokerLink::start(int fd) {
  sd_bus* raw = nullptr;
  int r = sd_bus_new(&raw);
  if (r < 0) return r;
  bus_.reset(raw);
  if ((r = sd_bus_set_fd(raw, fd, fd)) < 0 || (r = sd_bus_set_anonymous(raw, 1)) < 0 ||
      (r = sd_bus_negotiate_fds(raw, 1)) < 0 || (r = sd_bus_start(raw)) < 0) {
    return r;
  }
  // One match for every Link signal; the member decides.
  r = sd_bus_match_signal(raw, nullptr, nullptr, kLinkPath, kLinkInterface, nullptr, &BrokerLink::on_signal, this);
  if (r < 0) return r;
  return read_capabilities();
}

int BrokerLink::read_capabilities() {
  sd_bus_error error = SD_BUS_ERROR_NULL;
  sd_bus_message* raw_reply = nullptr;
  int r = sd_bus_call_method(bus_.get(), nullptr, kLinkPath, kLinkInterface, "ListCapabilities", &error, &raw_reply,
                             "");
  sd_bus_error_free(&error);
  if (r < 0) return r;
  SdBusMessagePtr reply(raw_reply);
  std::vector<CapabilityRow> rows;
  if ((r = vermilion::read_capabilities(reply.get(), rows)) < 0) return r;
  std::map<std::uint32_t, HeldCapability> held;
  for (CapabilityRow& row : rows) {
    std::uint32_t slot = row.slot;
    held[slot] = std::move(row);
  }
  capabilities_ = std::move(held);
  return 0;
}

const HeldCapability* BrokerLink::service_capability(std::string_view service, Rights right) const {
  for (const auto& [slot, capability] : capabilities_) {
    if (capability.kind == CapabilityKind::service && is_subset(right, capability.rights) &&
        service_glob_matches(capability.object, service)) {
      return &capability;
    }
  }
  return nullptr;
}

const HeldCapability* BrokerLink::manager_capability(Rights right) const {
  for (const auto& [slot, capability] : capabilities_) {
    if (capability.kind == CapabilityKind::manager && is_subset(right, capability.rights)) return &capability;
  }
  return nullptr;
}

void BrokerLink::call(const HeldCapability& capability, const char* interface, const char* member,
                      const Append& append, ReplyHandler handler, CallKind kind, std::uint64_t timeout_usec,
                      QueuedHandler queued) {
  auto fail = [&](LinkError error) {
    without_exceptions("link call", [&] { handler(nullptr, &error); });
  };
  if (kind == CallKind::job && jobs_in_flight_ >= kMaxJobsInFlight) {
    return fail({error_names::kLimitsExceeded, std::to_string(kMaxJobsInFlight) +
                                      " jobs are already in progress through vermilion-bridge; try again when one "
                                      "has finished"});
  }
  if (kind == CallKind::query && queued_.size() >= kMaxQueuedQueries) {
    return fail({error_names::kLimitsExceeded, "vermilion-bridge has " + std::to_string(kMaxQueuedQueries) +
                                      " requests waiting for vermiliond; try again later"});
  }
  sd_bus_message* raw = nullptr;
  int r = sd_bus_message_new_method_call(bus_.get(), &raw, nullptr, capability.path.c_str(), interface, member);
  SdBusMessagePtr message(raw);
  if (r >= 0 && append) r = append(message.get());
  if (r < 0) return fail(error_of(nullptr, r));
  PendingCall pending{std::move(message), std::move(handler), kind, timeout_usec, std::move(queued)};
  if (kind == CallKind::job) return send(std::move(pending));
  queued_.push_back(std::move(pending));
  send_queued();
}

void BrokerLink::send_queued() {
  while (queries_in_flight_ < kMaxQueriesInFlight && !queued_.empty()) {
    PendingCall next = std::move(queued_.front());
    queued_.pop_front();
    send(std::move(next));
  }
}

void BrokerLink::send(PendingCall call) {
  auto* state = new InFlight{this, std::move(call.handler), call.kind, std::move(call.queued), 0};
  sd_bus_slot* slot = nullptr;
  const bool job = call.kind == CallKind::job;
  int r = sd_bus_call_async(bus_.get(), &slot, call.message.get(), &BrokerLink::on_reply, state,
                            call.timeout_usec ? call.timeout_usec : job ? kJobTimeoutUsec : kQueryTimeoutUsec);
  if (r < 0) {
    LinkError error = error_of(nullptr, r);
    auto handler = std::move(state->handler);
    delete state;
    without_exceptions("link call", [&] { handler(nullptr, &error); });
    return;
  }
  // The bus owns the slot from here; the state goes with it, whether the
  // reply comes or the link closes first.
  sd_bus_slot_set_destroy_callback(slot, [](void* userdata) {
    auto* gone = static_cast<InFlight*>(userdata);
    if (gone->cookie) gone->link->awaiting_queued_.erase(gone->cookie);
    delete gone;
  });
  sd_bus_slot_set_floating(slot, 1);
  sd_bus_slot_unref(slot);
  if (state->queued && sd_bus_message_get_cookie(call.message.get(), &state->cookie) >= 0)
    awaiting_queued_[state->cookie] = &state->queued;
  else
    state->cookie = 0;
  ++(job ? jobs_in_flight_ : queries_in_flight_);
}

int BrokerLink::on_reply(sd_bus_message* message, void* userdata, sd_bus_error*) {
  auto* state = static_cast<InFlight*>(userdata);
  BrokerLink* link = state->link;
  --(state->kind == CallKind::job ? link->jobs_in_flight_ : link->queries_in_flight_);
  auto handler = std::move(state->handler);
  state->handler = nullptr;
  if (state->cookie) {  // no JobQueued now: refused, or it came already
    link->awaiting_queued_.erase(state->cookie);
    state->cookie = 0;
  }
  without_exceptions("link reply", [&] {
    if (const sd_bus_error* error = sd_bus_message_get_error(message)) {
      LinkError failure = error_of(error, -EIO);
      handler(nullptr, &failure);
    } else {
      handler(message, nullptr);
    }
  });
  link->send_queued();
  return 0;
}

int BrokerLink::call_blocking(const HeldCapability& capability, const char* interface, const char* member,
                              SdBusMessagePtr& reply, LinkError& error) {
  sd_bus_error failure = SD_BUS_ERROR_NULL;
  sd_bus_message* raw = nullptr;
  int r = sd_bus_call_method(bus_.get(), nullptr, capability.path.c_str(), interface, member, &failure, &raw, "");
  if (r < 0) {
    error = error_of(&failure, r);
  } else {
    reply.reset(raw);
  }
  sd_bus_error_free(&failure);
  return r;
}

void BrokerLink::on_capability_received(sd_bus_message* message) {
  HeldCapability capability;
  if (read_capability(message, capability) >= 0) {
    std::uint32_t slot = capability.slot;
    capabilities_[slot] = std::move(capability);
  }
}

void BrokerLink::on_revoked(sd_bus_message* message) {
  std::uint32_t slot = 0;
  if (sd_bus_message_read(message, "u", &slot) > 0) capabilities_.erase(slot);
}

int BrokerLink::on_signal(sd_bus_message* message, void* userdata, sd_bus_error*) {
  without_exceptions("link signal", [&] { static_cast<BrokerLink*>(userdata)->dispatch_signal(message); });
  return 0;
}

void BrokerLink::on_job_queued(sd_bus_message* message) {
  std::uint64_t cookie = 0;
  if (sd_bus_message_read(message, "t", &cookie) < 0) return;
  auto it = awaiting_queued_.find(cookie);
  if (it == awaiting_queued_.end()) return;
  QueuedHandler queued = std::move(*it->second);
  *it->second = nullptr;
  awaiting_queued_.erase(it);
  without_exceptions("link JobQueued", [&] { queued(); });
}

void BrokerLink::dispatch_signal(sd_bus_message* message) {
  BrokerLink* link = this;
  std::string_view member = sd_bus_message_get_member(message);
  if (member == "CapabilityReceived") {
    link->on_capability_received(message);
  } else if (member == "Revoked") {
    link->on_revoked(message);
  } else if (member == "ServicePropertiesChanged") {
    ServiceStatus properties;
    if (read_service_properties_changed(message, properties) >= 0)
      link->listener_.on_service_properties(std::move(properties));
  } else if (member == "ServiceStateChanged") {
    ServiceStatus state;
    if (read_service_state_changed(message, state) >= 0)
      link->listener_.on_service_state(state.name, state.active_state, state.sub_state);
  } else if (member == "Reloaded") {
    link->listener_.on_reloaded();
  } else if (member == "UnitFilesChanged") {
    link->listener_.on_unit_files_changed();
  } else if (member == "JobQueued") {
    link->on_job_queued(message);
  }
}

}  // namespace vermilion::bridge
