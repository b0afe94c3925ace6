#include "bridge/bridge.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
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

// The link's EnqueueJob type word: systemd's job type names.
const char* job_type(errors::JobKind kind) {
  switch (kind) {
    case errors::JobKind::start: return "start";
    case errors::JobKind::stop: return "stop";
    case errors::JobKind::restart: return "restart";
    case errors::JobKind::reload: return "reload";
  }
  return "start";
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

// org.vermilion1.Service's properties (interfaces/org.vermilion1.xml).
bool is_vermilion_service_property(std::string_view name) {
  for (const char* known : {"Name", "Description", "LoadState", "ActiveState", "SubState", "Result", "MainPID",
                            "ExecMainStatus", "NRestarts", "ActiveEnterTimestamp", "InactiveEnterTimestamp",
                            "StatusText"})
    if (name == known) return true;
  return false;
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
  bridge->bus_names_ = BusNameReporter::create(bus, *bridge->link_);
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
  if (link_->call_blocking(*list, kManagerCapabilityInterface, "GetManagerProperties", reply, error) < 0) {
    log_line("GetManagerProperties failed: " + error.name + ": " + error.message);
  } else {
    // a{sv}: the t, s and as values; anything else is skipped (a newer vermiliond).
    int r = sd_bus_message_enter_container(reply.get(), 'a', "{sv}");
    while (r > 0 && (r = sd_bus_message_enter_container(reply.get(), 'e', "sv")) > 0) {
      const char* key = nullptr;
      std::uint64_t value = 0;
      if ((r = sd_bus_message_read_basic(reply.get(), 's', &key)) < 0) break;
      std::vector<std::string> strings;
      bool is_list = false;
      if (sd_bus_message_verify_type(reply.get(), 'v', "t") > 0) {
        r = sd_bus_message_read(reply.get(), "v", "t", &value);
      } else if (sd_bus_message_verify_type(reply.get(), 'v', "s") > 0) {
        const char* text = nullptr;
        r = sd_bus_message_read(reply.get(), "v", "s", &text);
        if (r >= 0) manager_texts_[key] = text;
      } else if (sd_bus_message_verify_type(reply.get(), 'v', "as") > 0) {
        is_list = true;
        r = sd_bus_message_enter_container(reply.get(), 'v', "as");
        char** strv = nullptr;
        if (r >= 0) r = sd_bus_message_read_strv(reply.get(), &strv);
        for (char** p = strv; p && *p; ++p) {
          strings.emplace_back(*p);
          free(*p);
        }
        free(strv);
        if (r >= 0) r = sd_bus_message_exit_container(reply.get());
      } else {
        r = sd_bus_message_skip(reply.get(), "v");
      }
      if (r < 0) break;
      if (value) manager_timestamps_[key] = value;
      if (is_list) manager_lists_[key] = std::move(strings);
      r = sd_bus_message_exit_container(reply.get());
    }
    if (r < 0) log_line("vermiliond sent malformed manager properties");
  }
  if (link_->call_blocking(*list, kManagerCapabilityInterface, "ListUnitFilePaths", reply, error) < 0) {
    log_line("ListUnitFilePaths failed: " + error.name + ": " + error.message + "; no unit file states");
    return 0;
  }
  load_unit_files(reply.get());
  return 0;
}

void Bridge::load_unit_files(sd_bus_message* reply) {
  std::map<std::string, UnitFile, std::less<>> files;
  int r = sd_bus_message_enter_container(reply, 'a', "(sss)");
  const char* path = nullptr;
  const char* state = nullptr;
  const char* preset = nullptr;
  while (r >= 0 && (r = sd_bus_message_read(reply, "(sss)", &path, &state, &preset)) > 0) {
    std::string_view p = path;
    auto slash = p.rfind('/');
    files.insert_or_assign(std::string(slash == std::string_view::npos ? p : p.substr(slash + 1)),
                           UnitFile{path, state, preset});
  }
  if (r < 0) return log_line("vermiliond sent a malformed unit file list");
  unit_files_ = std::move(files);
}

void Bridge::refresh_unit_files(std::function<void()> then) {
  const HeldCapability* list = link_->manager_capability(rights::list);
  if (!list) {
    if (then) then();
    return;
  }
  link_->call(*list, kManagerCapabilityInterface, "ListUnitFilePaths", nullptr,
              [this, then = std::move(then)](sd_bus_message* message, const LinkError* error) {
                if (error)
                  log_line("ListUnitFilePaths failed: " + error->name + ": " + error->message);
                else
                  load_unit_files(message);
                if (then) then();
              });
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
  auto normalized = normalize_unit_name(name);  // a service or a target
  if (!normalized) throw errors::invalid_args("'" + errors::printable(name) + "' is not a valid unit name");
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

const HeldCapability* Bridge::may(const std::string& sender, const std::string& service, Rights right) {
  if (!is_subset(right, authorizer_.service_rights(callers_->of(sender), service))) return nullptr;
  return link_->service_capability(service, right);
}

void Bridge::processes(const HeldCapability& capability, const std::string& service, ProcessesDone done) {
  link_->call(capability, kServiceCapabilityInterface, "GetProcesses", with_name(service),
              [done = std::move(done)](sd_bus_message* message, const LinkError* error) {
                std::vector<Process> rows;
                if (error) return done(error, rows);
                int r = sd_bus_message_enter_container(message, 'a', "(sus)");
                const char *cgroup = nullptr, *command = nullptr;
                std::uint32_t pid = 0;
                while (r >= 0 && (r = sd_bus_message_read(message, "(sus)", &cgroup, &pid, &command)) > 0)
                  rows.push_back(Process{cgroup, pid, command});
                if (r < 0) {
                  LinkError malformed{error_names::kUnavailable, "vermiliond sent a malformed process list"};
                  return done(&malformed, {});
                }
                done(nullptr, rows);
              });
}

void Bridge::resource_usage(const HeldCapability& capability, const std::string& service, UsageDone done) {
  // Asked for by a Get or GetAll that also has every other property ready:
  // a vermiliond that does not answer within 2 s costs the counters only.
  constexpr std::uint64_t kCountersTimeoutUsec = 2'000'000;
  link_->call(capability, kServiceCapabilityInterface, "GetResourceUsage", with_name(service),
              [done = std::move(done)](sd_bus_message* message, const LinkError* error) {
                ResourceUsage usage;
                if (error) return done(error, usage);
                int r = sd_bus_message_enter_container(message, 'a', "{sv}");
                while (r >= 0 && (r = sd_bus_message_enter_container(message, 'e', "sv")) > 0) {
                  const char* key = nullptr;
                  std::uint64_t value = ResourceUsage::kUnknown;
                  if ((r = sd_bus_message_read_basic(message, 's', &key)) < 0) break;
                  if (sd_bus_message_verify_type(message, 'v', "t") > 0)
                    r = sd_bus_message_read(message, "v", "t", &value);
                  else
                    r = sd_bus_message_skip(message, "v");  // a newer vermiliond's
                  if (r < 0) break;
                  std::string_view name = key;
                  if (name == "MemoryCurrent") usage.memory_current_bytes = value;
                  if (name == "TasksCurrent") usage.tasks_current = value;
                  if (name == "CPUUsageNSec") usage.cpu_usage_nsec = value;
                  r = sd_bus_message_exit_container(message);
                }
                if (r < 0) {
                  LinkError malformed{error_names::kUnavailable, "vermiliond sent malformed counters"};
                  return done(&malformed, ResourceUsage{});
                }
                done(nullptr, usage);
              },
              BrokerLink::CallKind::query, kCountersTimeoutUsec);
}

bool Bridge::link_busy() const { return link_->queries_queued() > 0; }

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

void Bridge::job(const sdbus::Message* call, std::string_view name, errors::JobKind kind, sdbus::Result<>&& result,
                 std::string_view mode) {
  // systemd's job modes but isolate, which stops other units: the manager's.
  static const std::set<std::string_view> kModes = {"fail",  "replace", "replace-irreversibly", "flush",
                                                     "ignore-dependencies", "ignore-requirements", "triggering"};
  if (!kModes.count(mode))
    throw errors::invalid_args("Job mode " + errors::printable(mode) + " invalid" +
                               (mode == "isolate" ? " here (systemctl isolate stops other units)" : ""));
  std::string service = resolve(name);
  const HeldCapability& capability = authorize_service(call, service, job_right(kind), job_member(kind));
  auto reply = share(std::move(result));
  const bool plain = mode == "replace";
  const std::string type = job_type(kind);
  link_->call(capability, kServiceCapabilityInterface, plain ? job_member(kind) : "EnqueueJob",
              [service, plain, type, mode_text = std::string(mode)](sd_bus_message* m) {
                if (plain) return sd_bus_message_append(m, "s", service.c_str());
                return sd_bus_message_append(m, "sss", service.c_str(), type.c_str(), mode_text.c_str());
              },
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
  // A job's kind of call: vermiliond answers once the reload (generators
  // included) is done, which may take longer than a query's deadline.
  link_->call(
      capability, kManagerCapabilityInterface, "Reload", nullptr,
      [reply](sd_bus_message*, const LinkError* error) {
        if (!error) return reply->returnResults();
        reply->returnError(errors::from_link(*error, "the configuration", nullptr, ""));
      },
      BrokerLink::CallKind::job);
}

// ---- enablement ----------------------------------------------------------

void Bridge::change_unit_files(const std::string& sender, const char* member, const std::vector<std::string>& names,
                               ChangesDone done) {
  change_unit_files(
      sender, member,
      [names](sd_bus_message* m) {
        int r = sd_bus_message_open_container(m, 'a', "s");
        for (const auto& n : names) {
          if (r < 0) break;
          r = sd_bus_message_append_basic(m, 's', n.c_str());
        }
        return r < 0 ? r : sd_bus_message_close_container(m);
      },
      std::move(done));
}

void Bridge::change_unit_files(const std::string& sender, const char* member, BrokerLink::Append arguments,
                               ChangesDone done) {
  const HeldCapability& capability = authorize_manager_of(sender, rights::enable, "enable or disable unit files");
  link_->call(
      capability, kManagerCapabilityInterface, member, std::move(arguments),
      [this, done = std::move(done)](sd_bus_message* message, const LinkError* error) {
        if (error) return done(error, {});
        std::vector<UnitFileChange> changes;
        int r = sd_bus_message_enter_container(message, 'a', "(sss)");
        const char *type = nullptr, *path = nullptr, *target = nullptr;
        while (r >= 0 && (r = sd_bus_message_read(message, "(sss)", &type, &path, &target)) > 0)
          changes.push_back({type, path, target});
        if (r < 0) {
          LinkError malformed{error_names::kUnavailable, "vermiliond sent malformed changes"};
          return done(&malformed, {});
        }
        // Answered once the table is current, so that a caller who reads
        // UnitFileState right after its reply sees its own change.
        refresh_unit_files([done, changes] { done(nullptr, changes); });
      });
}

void Bridge::unit_file_state(const std::string& name, StateDone done) {
  const HeldCapability* list = link_->manager_capability(rights::list);
  if (!list) throw errors::access_denied("vermilion-bridge holds no capability to read unit file states");
  link_->call(*list, kManagerCapabilityInterface, "GetUnitFileState", with_name(name),
              [done = std::move(done)](sd_bus_message* message, const LinkError* error) {
                if (error) return done(error, "");
                const char* state = nullptr;
                if (sd_bus_message_read(message, "s", &state) < 0) {
                  LinkError malformed{error_names::kUnavailable, "vermiliond sent a malformed unit file state"};
                  return done(&malformed, "");
                }
                done(nullptr, state);
              });
}

void Bridge::unit_file_links(const std::string& name, bool runtime, LinksDone done) {
  const HeldCapability* list = link_->manager_capability(rights::list);
  if (!list) throw errors::access_denied("vermilion-bridge holds no capability to read unit file links");
  link_->call(
      *list, kManagerCapabilityInterface, "GetUnitFileLinks",
      [name, runtime](sd_bus_message* m) { return sd_bus_message_append(m, "sb", name.c_str(), runtime ? 1 : 0); },
      [done = std::move(done)](sd_bus_message* message, const LinkError* error) {
        std::vector<std::string> links;
        if (error) return done(error, links);
        int r = sd_bus_message_enter_container(message, 'a', "s");
        const char* link = nullptr;
        while (r >= 0 && (r = sd_bus_message_read_basic(message, 's', &link)) > 0) links.emplace_back(link);
        if (r < 0) {
          LinkError malformed{error_names::kUnavailable, "vermiliond sent malformed unit file links"};
          return done(&malformed, {});
        }
        done(nullptr, links);
      });
}

bool Bridge::service_of_process(std::uint32_t pid, StateDone done) {
  const HeldCapability* list = link_->manager_capability(rights::list);
  if (!list) return false;
  link_->call(
      *list, kManagerCapabilityInterface, "GetServiceByPID",
      [pid](sd_bus_message* m) { return sd_bus_message_append(m, "u", pid); },
      [done = std::move(done)](sd_bus_message* message, const LinkError* error) {
        if (error) return done(error, "");
        const char* name = nullptr;
        if (sd_bus_message_read(message, "s", &name) < 0) {
          LinkError malformed{error_names::kUnavailable, "vermiliond sent a malformed service name"};
          return done(&malformed, "");
        }
        done(nullptr, name);
      });
  return true;
}

void Bridge::default_target(StateDone done) {
  const HeldCapability* list = link_->manager_capability(rights::list);
  if (!list) throw errors::access_denied("vermilion-bridge holds no capability to read the default target");
  link_->call(*list, kManagerCapabilityInterface, "GetDefaultTarget", nullptr,
              [done = std::move(done)](sd_bus_message* message, const LinkError* error) {
                if (error) return done(error, "");
                const char* name = nullptr;
                if (sd_bus_message_read(message, "s", &name) < 0) {
                  LinkError malformed{error_names::kUnavailable, "vermiliond sent a malformed default target"};
                  return done(&malformed, "");
                }
                done(nullptr, name);
              });
}

void Bridge::list_unit_files(bool by_path, FilesDone done) {
  const HeldCapability* list = link_->manager_capability(rights::list);
  if (!list) throw errors::access_denied("vermilion-bridge holds no capability to list unit files");
  link_->call(*list, kManagerCapabilityInterface, by_path ? "ListUnitFilePaths" : "ListUnitFiles", nullptr,
              [by_path, done = std::move(done)](sd_bus_message* message, const LinkError* error) {
                std::vector<std::pair<std::string, std::string>> rows;
                if (error) return done(error, rows);
                // ListUnitFilePaths rows carry the preset too, unused here.
                const char* row = by_path ? "(sss)" : "(ss)";
                int r = sd_bus_message_enter_container(message, 'a', row);
                const char *first = nullptr, *state = nullptr, *preset = nullptr;
                while (r >= 0 && (r = by_path ? sd_bus_message_read(message, row, &first, &state, &preset)
                                              : sd_bus_message_read(message, row, &first, &state)) > 0)
                  rows.emplace_back(first, state);
                if (r < 0) {
                  LinkError malformed{error_names::kUnavailable, "vermiliond sent a malformed unit file list"};
                  return done(&malformed, {});
                }
                done(nullptr, rows);
              });
}

void Bridge::reset_failed(const std::string& sender, const std::string& service,
                          std::function<void(const LinkError* error)> done) {
  const HeldCapability& capability = authorize_service_of(sender, service, rights::start, "reset the failed state of");
  link_->call(capability, kServiceCapabilityInterface, "ResetFailed", with_name(service),
              [done = std::move(done)](sd_bus_message*, const LinkError* error) { done(error); });
}

void Bridge::change_unit_files(
    const sdbus::Message* call, const char* member, const std::vector<std::string>& names,
    sdbus::Result<std::vector<sdbus::Struct<std::string, std::string, std::string>>>&& result) {
  if (!call) throw errors::access_denied("no caller");
  if (names.empty()) throw errors::invalid_args("no unit files named");
  for (const auto& n : names)
    if (!is_valid_unit_name(n)) throw errors::invalid_args("'" + errors::printable(n) + "' is not a valid unit name");
  auto reply = share(std::move(result));
  change_unit_files(call->getSender(), member, names,
                    [reply](const LinkError* error, const std::vector<UnitFileChange>& changes) {
                      if (error) return reply->returnError(sdbus::Error(error->name, error->message));
                      std::vector<sdbus::Struct<std::string, std::string, std::string>> rows;
                      for (const auto& c : changes) rows.emplace_back(c.type, c.path, c.target);
                      reply->returnResults(rows);
                    });
}

void Bridge::unit_file_state(const sdbus::Message*, std::string_view name, sdbus::Result<std::string>&& result) {
  if (!is_valid_unit_name(name)) throw errors::invalid_args("'" + errors::printable(name) + "' is not a valid unit name");
  auto reply = share(std::move(result));
  unit_file_state(std::string(name), [reply](const LinkError* error, const std::string& state) {
    if (error) return reply->returnError(sdbus::Error(error->name, error->message));
    reply->returnResults(state);
  });
}

void Bridge::list_unit_files(const sdbus::Message*,
                             sdbus::Result<std::vector<sdbus::Struct<std::string, std::string>>>&& result) {
  auto reply = share(std::move(result));
  list_unit_files(false, [reply](const LinkError* error, const std::vector<std::pair<std::string, std::string>>& rows) {
    if (error) return reply->returnError(sdbus::Error(error->name, error->message));
    std::vector<sdbus::Struct<std::string, std::string>> out;
    for (const auto& [name, state] : rows) out.emplace_back(name, state);
    reply->returnResults(out);
  });
}

void Bridge::reset_failed(const sdbus::Message* call, std::string_view name, sdbus::Result<>&& result) {
  if (!call) throw errors::access_denied("no caller");
  std::string service = resolve(name);
  auto reply = share(std::move(result));
  reset_failed(call->getSender(), service, [reply, service](const LinkError* error) {
    if (!error) return reply->returnResults();
    reply->returnError(errors::from_link(*error, service, nullptr, ""));
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
    if (it == services_.end()) continue;
    // The link's dict has more than org.vermilion1.Service (what only the
    // systemd1 face serves); sdbus-c++ refuses names the interface lacks.
    std::vector<std::string> ours;
    for (const auto& name : changed.properties)
      if (is_vermilion_service_property(name)) ours.push_back(name);
    if (!ours.empty()) it->second->emitPropertiesChangedSignal(kServiceInterface, ours);
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

void Bridge::on_unit_files_changed() noexcept {
  try {
    refresh_unit_files([this] {
      if (serving_) manager_->emitUnitFilesChanged();
      if (observer_) observer_->on_unit_files_changed();
    });
  } catch (const std::exception& error) {
    log_line(std::string("cannot follow a change of unit files: ") + error.what());
  }
}

void Bridge::on_reloaded() noexcept {
  try {
    refresh_table();
    refresh_rules();
    refresh_unit_files(nullptr);
  } catch (const std::exception& error) {
    log_line(std::string("cannot follow a reload: ") + error.what());
  }
}

}  // namespace vermilion::bridge
