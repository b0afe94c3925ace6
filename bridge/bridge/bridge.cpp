#include "bridge/bridge.h"

#include <csignal>
#include <cstdio>
#include <cstring>
#include <utility>

#include "bridge/manager_object.h"
#include "bridge/service_object.h"
#include "common/link_wire.h"
#include "common/unit_name.h"

namespace vermilion::bridge {
namespace {

void log_line(const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); }

const char* job_member(errors::JobKind kind) {
  switch (kind) {
    case errors::JobKind::start: return "Start";
    case errors::JobKind::stop: return "Stop";
    case errors::JobKind::restart: return "Restart";
    case errors::JobKind::reload: return "Reload";
  }
  return "Start";
}

Rights job_right(errors::JobKind kind) {
  switch (kind) {
    case errors::JobKind::start: return rights::start;
    case errors::JobKind::stop: return rights::stop;
    case errors::JobKind::restart: return rights::restart;
    case errors::JobKind::reload: return rights::reload;
  }
  return rights::start;
}

// Appends one string argument.
BrokerLink::Append with_name(const std::string& name) {
  return [name](sd_bus_message* m) { return sd_bus_message_append(m, "s", name.c_str()); };
}

// Results move into the link's reply handler, which std::function must be
// able to copy.
template <typename Result>
std::shared_ptr<Result> share(Result&& result) {
  return std::make_shared<Result>(std::move(result));
}

}  // namespace

std::string service_object_path(std::string_view name) {
  return std::string(kManagerPath) + "/service/" + bus_label_escape(name);
}

Bridge::Bridge(sdbus::IConnection& bus, std::string version)
    : bus_(bus), version_(std::move(version)), callers_(std::make_unique<CallerIdentity>(bus)) {}

Bridge::~Bridge() {
  services_.clear();
  manager_.reset();
}

int Bridge::create(sdbus::IConnection& bus, int link_fd, std::string version, std::unique_ptr<Bridge>& out) {
  std::unique_ptr<Bridge> bridge(new Bridge(bus, std::move(version)));
  if (int r = BrokerLink::connect(link_fd, *bridge, bridge->link_); r < 0) {
    log_line(std::string("cannot open the link to vermiliond: ") + std::strerror(-r));
    return r;
  }
  if (int r = bridge->load_initial_state(); r < 0) return r;
  bridge->manager_ = std::make_unique<ManagerObject>(bus, *bridge);
  for (const auto& [name, properties] : bridge->mirror_.services()) {
    bridge->services_.emplace(name, std::make_unique<ServiceObject>(bus, *bridge, name));
  }
  bridge->serving_ = true;
  out = std::move(bridge);
  return 0;
}

int Bridge::load_initial_state() {
  // Watch first, then read: a change made between the two arrives as a
  // signal after the table, so nothing is missed.
  const HeldCapability* watch = link_->manager_capability(rights::watch);
  if (!watch) {
    log_line("vermilion-bridge holds no manager capability with 'watch': states will not follow changes");
  } else {
    SdBusMessagePtr reply;
    LinkError error;
    if (link_->call_blocking(*watch, kManagerCapabilityInterface, "Watch", reply, error) < 0) {
      log_line("Watch failed: " + error.name + ": " + error.message);
    }
  }
  const HeldCapability* list = link_->manager_capability(rights::list);
  if (!list) {
    log_line("vermilion-bridge holds no manager capability with 'list': no service is visible on the bus");
    return 0;
  }
  SdBusMessagePtr reply;
  LinkError error;
  if (link_->call_blocking(*list, kManagerCapabilityInterface, "ListServiceProperties", reply, error) < 0) {
    log_line("ListServiceProperties failed: " + error.name + ": " + error.message);
    return -EIO;
  }
  std::vector<ServiceStatus> table;
  if (int r = read_service_table(reply.get(), table); r < 0) {
    log_line("vermiliond sent a malformed service table");
    return r;
  }
  (void)mirror_.replace_all(std::move(table));
  if (link_->call_blocking(*list, kManagerCapabilityInterface, "GetBusRules", reply, error) < 0) {
    deny_every_caller("GetBusRules failed: " + error.name + ": " + error.message);
    return 0;
  }
  load_rules(reply.get());
  return 0;
}

void Bridge::load_rules(sd_bus_message* reply) {
  std::vector<BusRuleText> rules;
  if (read_bus_rules(reply, rules) < 0) {
    deny_every_caller("vermiliond sent malformed [Bus] rules");
    return;
  }
  for (const auto& warning : authorizer_.load(rules, system_id_resolver())) log_line(warning);
}

std::string Bridge::resolve(std::string_view name) const {
  auto normalized = normalize_service_name(name);
  if (!normalized) throw errors::invalid_args("'" + errors::printable(name) + "' is not a valid service name");
  if (!mirror_.find(*normalized)) throw errors::no_such_service(*normalized);
  return *normalized;
}

const HeldCapability& Bridge::authorize_service(const sdbus::Message* call, const std::string& service, Rights right,
                                                const char* action) {
  if (!call) throw errors::access_denied("no caller");
  return authorize_service_of(call->getSender(), service, right, action);
}

const HeldCapability& Bridge::authorize_service_of(const std::string& sender, const std::string& service,
                                                   Rights right, const char* action) {
  Caller caller = callers_->of(sender);
  if (!is_subset(right, authorizer_.service_rights(caller, service))) {
    throw errors::access_denied("uid " + std::to_string(caller.uid) + " may not " + action + " " + service +
                                " (no [Bus] rule gives '" + rights_to_string(right) + "')");
  }
  const HeldCapability* capability = link_->service_capability(service, right);
  if (!capability) {
    throw errors::access_denied("vermilion-bridge holds no capability to " + std::string(action) + " " + service);
  }
  return *capability;
}

const HeldCapability& Bridge::authorize_manager(const sdbus::Message* call, Rights right, const char* action) {
  if (!call) throw errors::access_denied("no caller");
  return authorize_manager_of(call->getSender(), right, action);
}

const HeldCapability& Bridge::authorize_manager_of(const std::string& sender, Rights right, const char* action) {
  Caller caller = callers_->of(sender);
  if (!is_subset(right, authorizer_.manager_rights(caller))) {
    throw errors::access_denied("uid " + std::to_string(caller.uid) + " may not " + action +
                                " (no [Bus] rule gives ManagerRights '" + rights_to_string(right) + "')");
  }
  const HeldCapability* capability = link_->manager_capability(right);
  if (!capability) throw errors::access_denied("vermilion-bridge holds no capability to " + std::string(action));
  return *capability;
}

std::vector<sdbus::Struct<std::string, std::string, std::string, std::string, sdbus::ObjectPath>>
Bridge::list_services() const {
  std::vector<sdbus::Struct<std::string, std::string, std::string, std::string, sdbus::ObjectPath>> rows;
  rows.reserve(mirror_.services().size());
  for (const auto& [name, p] : mirror_.services()) {
    rows.emplace_back(name, p.description, p.active_state, p.sub_state, sdbus::ObjectPath(service_object_path(name)));
  }
  return rows;
}

sdbus::ObjectPath Bridge::get_service(std::string_view name) const {
  return sdbus::ObjectPath(service_object_path(resolve(name)));
}

void Bridge::job(const sdbus::Message* call, std::string_view name, errors::JobKind kind, sdbus::Result<>&& result) {
  std::string service = resolve(name);
  const HeldCapability& capability = authorize_service(call, service, job_right(kind), job_member(kind));
  auto reply = share(std::move(result));
  link_->call(capability, kServiceCapabilityInterface, job_member(kind), with_name(service),
              [this, reply, service, kind](sd_bus_message*, const LinkError* error) {
                if (!error) return reply->returnResults();
                const ServiceStatus* now = mirror_.find(service);
                reply->returnError(errors::from_link(*error, service, &kind, now ? now->result : ""));
              },
              BrokerLink::CallKind::job);
}

void Bridge::kill(const sdbus::Message* call, std::string_view name, std::int32_t signal, sdbus::Result<>&& result) {
  std::string service = resolve(name);
  if (signal <= 0 || signal > SIGRTMAX) {
    throw errors::invalid_args("signal " + std::to_string(signal) + " is not a signal number (1.." +
                               std::to_string(SIGRTMAX) + ")");
  }
  const HeldCapability& capability = authorize_service(call, service, rights::kill, "kill");
  auto reply = share(std::move(result));
  link_->call(
      capability, kServiceCapabilityInterface, "Kill",
      [service, signal](sd_bus_message* m) { return sd_bus_message_append(m, "si", service.c_str(), signal); },
      [reply, service](sd_bus_message*, const LinkError* error) {
        if (!error) return reply->returnResults();
        reply->returnError(errors::from_link(*error, service, nullptr, ""));
      });
}

void Bridge::logs(const sdbus::Message* call, std::string_view name, std::uint32_t lines,
                  sdbus::Result<std::vector<sdbus::Struct<std::uint64_t, std::string>>>&& result) {
  std::string service = resolve(name);
  const HeldCapability& capability = authorize_service(call, service, rights::logs, "read the logs of");
  // On the bus 0 means everything kept; the link counts lines exactly.
  if (lines == 0) lines = UINT32_MAX;
  auto reply = share(std::move(result));
  link_->call(
      capability, kServiceCapabilityInterface, "GetLogs",
      [service, lines](sd_bus_message* m) { return sd_bus_message_append(m, "su", service.c_str(), lines); },
      [reply, service](sd_bus_message* message, const LinkError* error) {
        if (error) return reply->returnError(errors::from_link(*error, service, nullptr, ""));
        std::vector<sdbus::Struct<std::uint64_t, std::string>> entries;
        int r = sd_bus_message_enter_container(message, 'a', "(ts)");
        std::uint64_t usec = 0;
        const char* line = nullptr;
        while (r >= 0 && (r = sd_bus_message_read(message, "(ts)", &usec, &line)) > 0) entries.emplace_back(usec, line);
        if (r < 0) return reply->returnError(sdbus::Error(error_names::kUnavailable, "malformed logs from vermiliond"));
        reply->returnResults(entries);
      });
}

void Bridge::capabilities(
    const sdbus::Message* call, std::string_view name,
    sdbus::Result<std::vector<sdbus::Struct<std::uint32_t, std::string, std::string, std::string, std::uint64_t>>>&&
        result) {
  std::string service = resolve(name);
  // A CList is about authority, not about the service's state: seeing it
  // takes the manager right `inspect`, not the service's `status`.
  const HeldCapability& capability = authorize_manager(call, rights::inspect, "inspect capabilities");
  auto reply = share(std::move(result));
  link_->call(capability, kManagerCapabilityInterface, "ListCapabilitiesOf", with_name(service),
              [reply, service](sd_bus_message* message, const LinkError* error) {
                if (error) return reply->returnError(errors::from_link(*error, service, nullptr, ""));
                std::vector<CapabilityRow> held;
                if (read_capabilities_of(message, held) < 0) {
                  return reply->returnError(sdbus::Error(error_names::kUnavailable, "malformed capabilities"));
                }
                std::vector<sdbus::Struct<std::uint32_t, std::string, std::string, std::string, std::uint64_t>> rows;
                rows.reserve(held.size());
                for (const CapabilityRow& c : held)
                  rows.emplace_back(c.slot, to_string(c.kind), c.object, rights_to_string(c.rights), c.badge);
                reply->returnResults(rows);
              });
}

void Bridge::reload(const sdbus::Message* call, sdbus::Result<>&& result) {
  const HeldCapability& capability = authorize_manager(call, rights::reload, "reload the configuration");
  auto reply = share(std::move(result));
  link_->call(capability, kManagerCapabilityInterface, "Reload", nullptr, [reply](sd_bus_message*, const LinkError* error) {
    if (!error) return reply->returnResults();
    reply->returnError(errors::from_link(*error, "the configuration", nullptr, ""));
  });
}

void Bridge::apply(const ServiceMirror::Delta& delta) {
  for (const auto& name : delta.removed) {
    auto it = services_.find(name);
    if (it == services_.end()) continue;
    it->second->emitInterfacesRemovedSignal({kServiceInterface});
    services_.erase(it);
  }
  for (const auto& name : delta.added) {
    auto object = std::make_unique<ServiceObject>(bus_, *this, name);
    object->emitInterfacesAddedSignal({kServiceInterface});
    services_.insert_or_assign(name, std::move(object));
  }
  for (const auto& changed : delta.changed) {
    auto it = services_.find(changed.name);
    if (it != services_.end()) it->second->emitPropertiesChangedSignal(kServiceInterface, changed.properties);
  }
  if (observer_) observer_->on_mirror_changed(delta);
}

void Bridge::refresh_table() {
  const HeldCapability* list = link_->manager_capability(rights::list);
  if (!list) return;
  link_->call(*list, kManagerCapabilityInterface, "ListServiceProperties", nullptr,
              [this](sd_bus_message* message, const LinkError* error) {
                if (error) return log_line("ListServiceProperties failed: " + error->name + ": " + error->message);
                std::vector<ServiceStatus> table;
                if (read_service_table(message, table) < 0)
                  return log_line("vermiliond sent a malformed service table");
                apply(mirror_.replace_all(std::move(table)));
                if (observer_) observer_->on_reloaded();
              });
}

void Bridge::refresh_rules() {
  const HeldCapability* list = link_->manager_capability(rights::list);
  if (!list) return deny_every_caller("vermilion-bridge no longer holds a manager capability with 'list'");
  link_->call(*list, kManagerCapabilityInterface, "GetBusRules", nullptr,
              [this](sd_bus_message* message, const LinkError* error) {
                if (error) return deny_every_caller("GetBusRules failed: " + error->name + ": " + error->message);
                load_rules(message);
              });
}

// Rules only ever narrow what the bridge does for a caller, so rules it
// cannot read are no rules: keeping the old ones after an admin tightened
// them would fail open.
void Bridge::deny_every_caller(const std::string& why) {
  log_line(why + "; no bus caller may act until the [Bus] rules can be read again");
  (void)authorizer_.load({}, system_id_resolver());
}

void Bridge::on_service_properties(ServiceStatus properties) noexcept {
  try {
    auto delta = mirror_.update(std::move(properties));
    if (serving_) apply(delta);
  } catch (const std::exception& error) {
    log_line(std::string("cannot publish a property change: ") + error.what());
  }
}

void Bridge::on_service_state(const std::string& name, const std::string& active_state,
                              const std::string& sub_state) noexcept {
  if (!serving_) return;
  try {
    manager_->emitServiceStateChanged(name, active_state, sub_state);
  } catch (const std::exception& error) {
    log_line(std::string("cannot publish a state change: ") + error.what());
  }
}

void Bridge::on_reloaded() noexcept {
  try {
    refresh_table();
    refresh_rules();
  } catch (const std::exception& error) {
    log_line(std::string("cannot follow a reload: ") + error.what());
  }
}

}  // namespace vermilion::bridge
