#include "bridge/systemd1_server.h"

#include <fnmatch.h>

#include <sdbus-c++/Error.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>

#include "bridge/systemd1_errors.h"
#include "bridge/systemd1_handlers.h"
#include "bridge/systemd1_names.h"
#include "bridge/systemd1_properties.h"
#include "bridge/systemd1_values.h"
#include "common/error_names.h"
#include "common/link_wire.h"
#include "common/out_of_memory.h"
#include "common/unit_name.h"
#include "common/utf8.h"
#include "systemd1_vtables.h"

namespace vermilion::bridge {

using namespace systemd1;
namespace en = systemd1::error_names;

namespace {

// A property of the generated member table by interface and name, or
// nullptr. Hashed once: GetAll("") asks for every property of two
// interfaces, and a scan of all members for each made one call of
// `systemctl show` cost 2.6 ms (broker_bench).
const MemberInfo* find_property(std::string_view interface, std::string_view name) {
  static const std::unordered_map<std::string, const MemberInfo*> index = [] {
    std::unordered_map<std::string, const MemberInfo*> built;
    for (const auto& member : kMembers)
      if (member.kind == MemberKind::property) built.emplace(std::string(member.interface) + '\n' + member.name, &member);
    return built;
  }();
  std::string key;
  key.reserve(interface.size() + 1 + name.size());
  key.append(interface).append(1, '\n').append(name);
  auto it = index.find(key);
  return it == index.end() ? nullptr : it->second;
}

int set_error(sd_bus_error* error, const char* name, const std::string& message) {
  return sd_bus_error_set(error, name, message.c_str());
}

// A caller's string in a message: bounded and printable (bus_errors.h).
std::string shown(std::string_view text) { return errors::printable(text); }

bool is_active_or_reloading(const ServiceStatus* s) {
  return s && (s->active_state == "active" || s->active_state == "reloading");
}
bool is_active_or_activating(const ServiceStatus* s) {
  return s && (s->active_state == "active" || s->active_state == "reloading" || s->active_state == "activating");
}

// Reads an "as" argument; false on a malformed message (sd-bus has checked
// the signature, so only a negative errno from sd-bus).
int read_strv(sd_bus_message* m, std::vector<std::string>& out) {
  char** raw = nullptr;
  int r = sd_bus_message_read_strv(m, &raw);
  if (r < 0) return r;
  for (char** p = raw; p && *p; ++p) {
    out.emplace_back(*p);
    free(*p);
  }
  free(raw);
  return 0;
}

bool matches_any(const std::string& name, const std::vector<std::string>& patterns) {
  if (patterns.empty()) return true;
  for (const auto& p : patterns)
    if (fnmatch(p.c_str(), name.c_str(), FNM_NOESCAPE) == 0) return true;
  return false;
}

// The job result a link error means (job.h's words): JobFailed names it
// ("job for web.service finished: dependency"); a unit the job needed that
// vermiliond refused (not found, bad setting) fails it as a dependency;
// anything else (the link closed, the capability revoked) failed.
std::string result_of(const LinkError& error) {
  if (error.name == vermilion::error_names::kJobFailed) {
    auto at = error.message.rfind(": ");
    if (at != std::string::npos) {
      std::string word = error.message.substr(at + 2);
      for (const char* known : {"done", "failed", "dependency", "canceled", "skipped", "invalid", "timeout", "assert"})
        if (word == known) return word == "skipped" ? "done" : word;
    }
    return "failed";
  }
  if (error.name == vermilion::error_names::kNoSuchService || error.name == vermilion::error_names::kBadSetting ||
      error.name == vermilion::error_names::kLoadFailed)
    return "dependency";
  return "failed";
}

// systemd's error for a job vermiliond refused to queue.
const char* activation_error_of(const LinkError& error) {
  namespace ve = vermilion::error_names;
  if (error.name == ve::kNoSuchService) return en::kNoSuchUnit;
  if (error.name == ve::kBadSetting) return en::kBadUnitSetting;
  if (error.name == ve::kLoadFailed) return en::kLoadFailed;
  if (error.name == ve::kAccessDenied) return en::kAccessDenied;
  if (error.name == ve::kTransactionIsDestructive) return en::kTransactionIsDestructive;
  if (error.name == ve::kOnlyByDependency) return en::kOnlyByDependency;
  if (error.name == ve::kNoIsolation) return en::kNoIsolation;
  if (error.name == ve::kInvalidArgs) return en::kInvalidArgs;
  if (error.name == ve::kLimitsExceeded) return en::kLimitsExceeded;
  return en::kFailed;
}

Rights right_of(std::string_view type) {
  if (type == "stop") return rights::stop;
  if (type == "restart") return rights::restart;
  if (type == "reload") return rights::reload;
  return rights::start;
}

constexpr const char* kPropertiesInterface = "org.freedesktop.DBus.Properties";

using MessagePtr = std::shared_ptr<sd_bus_message>;

// Keeps a call for a reply that comes later (the link's).
MessagePtr keep(sd_bus_message* m) { return MessagePtr(sd_bus_message_ref(m), &sd_bus_message_unref); }

void reply_error(const MessagePtr& call, const char* name, const std::string& message) {
  sd_bus_error e = SD_BUS_ERROR_NULL;
  sd_bus_error_set(&e, name, message.c_str());
  (void)sd_bus_reply_method_error(call.get(), &e);
  sd_bus_error_free(&e);
}

// An enablement error of vermiliond's link in systemd's words
// (install_error() in src/core/dbus-manager.c); the message is already
// systemctl's ("Unit file web.service does not exist.").
const char* install_error_name(const LinkError& error) {
  namespace ve = vermilion::error_names;
  if (error.name == ve::kNoSuchUnitFile) return en::kNoSuchUnit;
  if (error.name == ve::kUnitMasked) return en::kUnitMasked;
  if (error.name == ve::kFileExists) return en::kUnitExists;
  if (error.name == ve::kInvalidArgs) return en::kInvalidArgs;
  if (error.name == ve::kAccessDenied) return en::kAccessDenied;
  return en::kFailed;
}

// systemd 252's UnitFileFlags (src/shared/install.h) a client may send.
constexpr std::uint64_t kUnitFileRuntime = 1u << 0;
constexpr std::uint64_t kUnitFileForce = 1u << 1;
constexpr std::uint64_t kUnitFilePortable = 1u << 2;

template <typename Body>
int guarded(const char* where, sd_bus_error* error, Body&& body) noexcept {
  try {
    return body();
  } catch (const sdbus::Error& e) {
    return set_error(error, e.getName().c_str(), e.getMessage());
  } catch (const std::bad_alloc&) {
    report_out_of_memory(where);
    return -ENOMEM;
  } catch (const std::exception& e) {
    return set_error(error, en::kFailed, std::string(where) + ": " + e.what());
  }
}

}  // namespace

// ---- entry points ------------------------------------------------------------

namespace systemd1 {

int systemd1_method(sd_bus_message* m, void* self, sd_bus_error* error) {
  return static_cast<Systemd1Server*>(self)->method(m, error);
}

int systemd1_get_property(sd_bus*, const char* path, const char* interface, const char* property,
                          sd_bus_message* reply, void* self, sd_bus_error* error) {
  return static_cast<Systemd1Server*>(self)->get_property(path, interface, property, reply, error);
}

int systemd1_set_property(sd_bus*, const char*, const char* interface, const char* property, sd_bus_message*,
                          void* self, sd_bus_error* error) {
  return static_cast<Systemd1Server*>(self)->set_property(interface, property, error);
}

}  // namespace systemd1

// ---- set-up ------------------------------------------------------------------

int Systemd1Server::create(Bridge& bridge, bool user, std::unique_ptr<Systemd1Server>& out) {
  std::unique_ptr<Systemd1Server> server(new Systemd1Server(bridge));
  if (int r = server->serve(user); r < 0) return r;
  bridge.set_observer(server.get());
  out = std::move(server);
  return 0;
}

Systemd1Server::~Systemd1Server() {
  bridge_.set_observer(nullptr);
  for (sd_bus_slot* slot : slots_) sd_bus_slot_unref(slot);
  sd_bus_track_unref(subscribers_);
  if (bus_) sd_bus_flush_close_unref(bus_);
}

void Systemd1Server::log(const std::string& line) const { std::fprintf(stderr, "%s\n", line.c_str()); }

int Systemd1Server::serve(bool user) {
  int r = user ? sd_bus_open_user_with_description(&bus_, "vermilion-systemd1")
               : sd_bus_open_system_with_description(&bus_, "vermilion-systemd1");
  if (r < 0) {
    log(std::string("org.freedesktop.systemd1: cannot connect to the bus: ") + std::strerror(-r));
    return r;
  }
  auto add = [&](int result, sd_bus_slot* slot) {
    if (result >= 0) slots_.push_back(slot);
    return result;
  };
  sd_bus_slot* slot = nullptr;
  if ((r = add(sd_bus_add_object_vtable(bus_, &slot, kSystemdManagerPath, kManagerInterface, kManagerVtable, this), slot)) < 0 ||
      (r = add(sd_bus_add_fallback_vtable(bus_, &slot, kUnitPathPrefix, kUnitInterface, kUnitVtable, &find_unit, this),
               slot)) < 0 ||
      (r = add(sd_bus_add_fallback_vtable(bus_, &slot, kUnitPathPrefix, kSystemdServiceInterface, kServiceVtable,
                                          &find_service, this),
               slot)) < 0 ||
      (r = add(sd_bus_add_fallback_vtable(bus_, &slot, kJobPathPrefix, kJobInterface, kJobVtable, &find_job, this),
               slot)) < 0 ||
      // A filter, not an object callback: it sees every message before
      // the objects do, and makes no path an object (a path that is no unit
      // stays UnknownObject).
      (r = add(sd_bus_add_filter(bus_, &slot, &on_unit_message, this), slot)) < 0 ||
      (r = add(sd_bus_add_node_enumerator(bus_, &slot, kUnitPathPrefix, &enumerate_units, this), slot)) < 0 ||
      (r = add(sd_bus_add_node_enumerator(bus_, &slot, kJobPathPrefix, &enumerate_jobs, this), slot)) < 0 ||
      (r = sd_bus_track_new(bus_, &subscribers_, nullptr, nullptr)) < 0) {
    log(std::string("org.freedesktop.systemd1: cannot register its objects: ") + std::strerror(-r));
    return r;
  }
  // D-Bus activation (dbus-daemon --systemd-activation), subscribed before
  // the name is taken, so that no request sent to the new owner is missed.
  if ((r = add(sd_bus_match_signal(bus_, &slot, "org.freedesktop.DBus", "/org/freedesktop/DBus", kActivatorInterface,
                                   "ActivationRequest", &on_activation_request, this),
               slot)) < 0)
    log(std::string("org.freedesktop.systemd1: cannot follow activation requests: ") + std::strerror(-r));
  r = sd_bus_request_name(bus_, kSystemdBusName, 0);
  if (r < 0) {
    std::string owner = "someone else";
    sd_bus_creds* creds = nullptr;
    if (sd_bus_get_name_creds(bus_, kSystemdBusName, SD_BUS_CREDS_UNIQUE_NAME | SD_BUS_CREDS_PID, &creds) >= 0) {
      const char* unique = nullptr;
      pid_t pid = 0;
      if (sd_bus_creds_get_unique_name(creds, &unique) >= 0 && unique) owner = unique;
      if (sd_bus_creds_get_pid(creds, &pid) >= 0 && pid > 0) owner += " (PID " + std::to_string(pid) + ")";
      sd_bus_creds_unref(creds);
    }
    if (r == -EEXIST || r == -EALREADY) {
      log(std::string("org.freedesktop.systemd1 is already owned by ") + owner +
          ": another service manager serves it; not serving the systemd interface");
      return -EEXIST;
    }
    log(std::string("org.freedesktop.systemd1: cannot own the name: ") + std::strerror(-r) +
        (r == -EACCES ? " (the bus policy does not allow it: dbus-1/system.d/org.freedesktop.systemd1.vermilion.conf)"
                      : ""));
    return r;
  }
  log(std::string("serving org.freedesktop.systemd1 on the ") + (user ? "session" : "system") + " bus");
  return 0;
}

// ---- objects -------------------------------------------------------------------

int Systemd1Server::find_unit(sd_bus*, const char* path, const char*, void* self, void** found, sd_bus_error*) {
  return call_guard("systemd1 find_unit", -ENOMEM, [&] {
    if (!unit_name_of_path(path)) return 0;
    *found = self;
    return 1;
  });
}

int Systemd1Server::find_service(sd_bus*, const char* path, const char*, void* self, void** found,
                                 sd_bus_error*) {
  return call_guard("systemd1 find_service", -ENOMEM, [&] {
    auto name = unit_name_of_path(path);
    if (!name || unit_type_of(*name) != "service") return 0;
    *found = self;
    return 1;
  });
}

int Systemd1Server::find_job(sd_bus*, const char* path, const char*, void* self, void** found, sd_bus_error*) {
  auto* server = static_cast<Systemd1Server*>(self);
  auto id = job_id_of_path(path);
  if (!id || !server->jobs_.count(*id)) return 0;
  *found = self;
  return 1;
}

namespace {

// The NULL-terminated, malloc'ed list sd-bus's node enumerators hand back
// (it frees it); 0 or -ENOMEM, with nothing allocated left on failure.
int make_node_list(const std::vector<std::string>& paths, char*** nodes) {
  char** list = static_cast<char**>(calloc(paths.size() + 1, sizeof(char*)));
  if (!list) return -ENOMEM;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    list[i] = strdup(paths[i].c_str());
    if (!list[i]) {
      for (std::size_t j = 0; j < i; ++j) free(list[j]);
      free(list);
      return -ENOMEM;
    }
  }
  *nodes = list;
  return 0;
}

}  // namespace

int Systemd1Server::enumerate_units(sd_bus*, const char*, void* self, char*** nodes, sd_bus_error*) {
  return call_guard("systemd1 enumerate_units", -ENOMEM, [&] {
    auto* server = static_cast<Systemd1Server*>(self);
    std::vector<std::string> paths;
    for (const auto& [name, status] : server->bridge_.mirror().services()) paths.push_back(unit_object_path(name));
    return make_node_list(paths, nodes);
  });
}

int Systemd1Server::enumerate_jobs(sd_bus*, const char*, void* self, char*** nodes, sd_bus_error*) {
  return call_guard("systemd1 enumerate_jobs", -ENOMEM, [&] {
    auto* server = static_cast<Systemd1Server*>(self);
    std::vector<std::string> paths;
    for (const auto& [id, job] : server->jobs_) paths.push_back(job_object_path(id));
    return make_node_list(paths, nodes);
  });
}

Systemd1Server::UnitView Systemd1Server::view_of(std::string name) const {
  UnitView view;
  view.status = bridge_.mirror().find(name);
  view.job = job_of_unit(name);
  view.name = std::move(name);
  return view;
}

const Systemd1Server::Job* Systemd1Server::job_of_unit(std::string_view unit) const {
  const Job* found = nullptr;
  for (const auto& [id, job] : jobs_)
    if (job.unit == unit) found = &job;  // the newest
  return found;
}

// ---- methods -------------------------------------------------------------------

const std::unordered_map<std::string_view, Systemd1Server::Handler>& Systemd1Server::manager_handlers() {
  static const std::unordered_map<std::string_view, Handler> handlers = {
    {"GetUnit", &Systemd1Server::get_unit},
    {"LoadUnit", &Systemd1Server::load_unit},
    {"GetUnitByPID", &Systemd1Server::get_unit_by_pid},
    {"GetUnitByInvocationID", &Systemd1Server::get_unit_by_invocation_id},
    {"ListUnits", &Systemd1Server::list_units},
    {"ListUnitsFiltered", &Systemd1Server::list_units_filtered},
    {"ListUnitsByPatterns", &Systemd1Server::list_units_by_patterns},
    {"ListUnitsByNames", &Systemd1Server::list_units_by_names},
    {"Subscribe", &Systemd1Server::subscribe},
    {"Unsubscribe", &Systemd1Server::unsubscribe},
    {"Reload", &Systemd1Server::reload},
    {"ListJobs", &Systemd1Server::list_jobs},
    {"GetJob", &Systemd1Server::get_job},
    {"CancelJob", &Systemd1Server::cancel_job},
    {"ClearJobs", &Systemd1Server::clear_jobs},
    {"KillUnit", &Systemd1Server::kill_unit},
    {"ListUnitFiles", &Systemd1Server::list_unit_files},
    {"ListUnitFilesByPatterns", &Systemd1Server::list_unit_files_by_patterns},
    {"GetUnitFileState", &Systemd1Server::get_unit_file_state},
    {"GetDefaultTarget", &Systemd1Server::get_default_target},
    {"GetUnitProcesses", &Systemd1Server::get_unit_processes},
    {"EnableUnitFiles", &Systemd1Server::change_unit_files},
    {"EnableUnitFilesWithFlags", &Systemd1Server::change_unit_files},
    {"DisableUnitFiles", &Systemd1Server::change_unit_files},
    {"DisableUnitFilesWithFlags", &Systemd1Server::change_unit_files},
    {"ReenableUnitFiles", &Systemd1Server::change_unit_files},
    {"MaskUnitFiles", &Systemd1Server::change_unit_files},
    {"UnmaskUnitFiles", &Systemd1Server::change_unit_files},
    {"PresetUnitFiles", &Systemd1Server::preset_unit_files},
    {"PresetUnitFilesWithMode", &Systemd1Server::preset_unit_files},
    {"PresetAllUnitFiles", &Systemd1Server::preset_unit_files},
    {"SetDefaultTarget", &Systemd1Server::set_default_target},
    {"GetUnitFileLinks", &Systemd1Server::get_unit_file_links},
    {"ResetFailed", &Systemd1Server::reset_failed},
    {"ResetFailedUnit", &Systemd1Server::reset_failed_unit},
};
  return handlers;
}

namespace {

const std::unordered_map<std::string_view, std::string_view> kManagerJobs = {
    {"StartUnit", "start"},
    {"StopUnit", "stop"},
    {"RestartUnit", "restart"},
    {"ReloadUnit", "reload"},
    {"TryRestartUnit", "try-restart"},
    {"ReloadOrRestartUnit", "reload-or-restart"},
    {"ReloadOrTryRestartUnit", "reload-or-try-restart"},
};
const std::unordered_map<std::string_view, std::string_view> kUnitJobs = {
    {"Start", "start"},
    {"Stop", "stop"},
    {"Restart", "restart"},
    {"Reload", "reload"},
    {"TryRestart", "try-restart"},
    {"ReloadOrRestart", "reload-or-restart"},
    {"ReloadOrTryRestart", "reload-or-try-restart"},
};
// The Manager's signals Vermilion sends (StartupFinished is not: vermiliond
// has no boot to finish).
constexpr const char* kSignalUnitNew = "UnitNew";
constexpr const char* kSignalUnitRemoved = "UnitRemoved";
constexpr const char* kSignalJobNew = "JobNew";
constexpr const char* kSignalJobRemoved = "JobRemoved";
constexpr const char* kSignalReloading = "Reloading";
constexpr const char* kSignalUnitFilesChanged = "UnitFilesChanged";
const char* const kSignals[] = {kSignalUnitNew,    kSignalUnitRemoved, kSignalJobNew,
                                kSignalJobRemoved, kSignalReloading,   kSignalUnitFilesChanged};
// The other interfaces' methods that Vermilion answers (method() below).
const char* const kUnitMethods[] = {"Kill", "ResetFailed"};
const char* const kServiceMethods[] = {"GetProcesses"};
const char* const kJobMethods[] = {"Cancel", "GetAfter", "GetBefore"};

}  // namespace

std::vector<std::string> Systemd1Server::served_methods_and_signals() {
  std::vector<std::string> out;
  auto add = [&](const char* interface, std::string_view member) {
    out.push_back(std::string(interface) + "." + std::string(member));
  };
  for (const auto& [member, handler] : manager_handlers()) add(kManagerInterface, member);
  for (const auto& [member, verb] : kManagerJobs) add(kManagerInterface, member);
  for (const auto& [member, verb] : kUnitJobs) add(kUnitInterface, member);
  for (const char* member : kUnitMethods) add(kUnitInterface, member);
  for (const char* member : kServiceMethods) add(kSystemdServiceInterface, member);
  for (const char* member : kJobMethods) add(kJobInterface, member);
  for (const char* member : kSignals) add(kManagerInterface, member);
  return out;
}

int Systemd1Server::method(sd_bus_message* m, sd_bus_error* error) {
  return guarded("org.freedesktop.systemd1", error, [&]() -> int {
    std::string_view interface = sd_bus_message_get_interface(m) ? sd_bus_message_get_interface(m) : "";
    std::string_view member = sd_bus_message_get_member(m) ? sd_bus_message_get_member(m) : "";
    if (interface == kManagerInterface) {
      if (auto it = manager_handlers().find(member); it != manager_handlers().end()) return (this->*(it->second))(m, error);
      if (auto it = kManagerJobs.find(member); it != kManagerJobs.end()) return manager_job(m, it->second, error);
    } else if (interface == kUnitInterface) {
      if (auto it = kUnitJobs.find(member); it != kUnitJobs.end()) return unit_job(m, it->second, error);
      if (member == kUnitMethods[0]) return unit_kill(m, error);
      if (member == kUnitMethods[1]) return unit_reset_failed(m, error);
    } else if (interface == kSystemdServiceInterface) {
      if (member == kServiceMethods[0]) return service_get_processes(m, error);
    } else if (interface == kJobInterface) {
      if (member == kJobMethods[0]) return job_cancel(m, error);
      if (member == kJobMethods[1] || member == kJobMethods[2]) {
        // Vermilion's jobs wait on one another only through the units'
        // ordering, which the bridge does not see: no job is listed.
        return sd_bus_reply_method_return(m, "a(usssoo)", 0);
      }
    }
    return set_error(error, en::kNotSupported,
                     "Vermilion does not support " + std::string(interface) + "." + std::string(member) +
                         " (vermilion-bridge's README lists what org.freedesktop.systemd1 offers)");
  });
}

int Systemd1Server::get_unit(sd_bus_message* m, sd_bus_error* error) {
  const char* name = nullptr;
  int r = sd_bus_message_read(m, "s", &name);
  if (r < 0) return r;
  if (!bridge_.mirror().find(name)) return set_error(error, en::kNoSuchUnit, "Unit " + shown(name) + " not loaded.");
  return sd_bus_reply_method_return(m, "o", unit_object_path(name).c_str());
}

int Systemd1Server::load_unit(sd_bus_message* m, sd_bus_error* error) {
  const char* name = nullptr;
  int r = sd_bus_message_read(m, "s", &name);
  if (r < 0) return r;
  if (!is_valid_unit_name(name)) return set_error(error, en::kInvalidArgs, "Unit name " + shown(name) + " is not valid.");
  return sd_bus_reply_method_return(m, "o", unit_object_path(name).c_str());
}

int Systemd1Server::get_unit_by_pid(sd_bus_message* m, sd_bus_error* error) {
  std::uint32_t pid = 0;
  int r = sd_bus_message_read(m, "u", &pid);
  if (r < 0) return r;
  if (pid == 0) {
    // The caller's own unit: the bus says who calls.
    sd_bus_creds* creds = nullptr;
    pid_t caller = 0;
    r = sd_bus_query_sender_creds(m, SD_BUS_CREDS_PID, &creds);
    if (r >= 0) r = sd_bus_creds_get_pid(creds, &caller);
    sd_bus_creds_unref(creds);
    if (r < 0) return r;
    pid = static_cast<std::uint32_t>(caller);
  }
  return reply_unit_of_pid(m, pid, error);
}

int Systemd1Server::reply_unit_of_pid(sd_bus_message* m, std::uint32_t pid, sd_bus_error* error) {
  // manager_get_unit_by_pid(): any process of a unit, by its cgroup.
  // vermiliond knows (its scopes: cgroups, or sessions without them).
  MessagePtr call = keep(m);
  const bool asked = bridge_.service_of_process(pid, [this, call, pid](const LinkError* failure, const std::string& name) {
    if (!failure) {
      (void)sd_bus_reply_method_return(call.get(), "o", unit_object_path(name).c_str());
      return;
    }
    if (failure->name != vermilion::error_names::kNoSuchService) {
      // Not an answer about the PID (the link is going away): what the
      // mirror knows, the main processes.
      for (const auto& [unit, status] : bridge_.mirror().services())
        if (status.main_pid == pid) {
          (void)sd_bus_reply_method_return(call.get(), "o", unit_object_path(unit).c_str());
          return;
        }
    }
    reply_error(call, en::kNoUnitForPid, "PID " + std::to_string(pid) + " does not belong to any loaded unit.");
  });
  if (asked) return 1;
  // Without a manager capability to ask: the main processes the mirror holds.
  for (const auto& [name, status] : bridge_.mirror().services())
    if (status.main_pid == pid) return sd_bus_reply_method_return(m, "o", unit_object_path(name).c_str());
  return set_error(error, en::kNoUnitForPid, "PID " + std::to_string(pid) + " does not belong to any loaded unit.");
}

// systemd's method_get_unit_by_invocation_id(): 16 bytes name a unit's
// current (or last) activation; none (the null id) asks for the caller's
// own unit.
int Systemd1Server::get_unit_by_invocation_id(sd_bus_message* m, sd_bus_error* error) {
  const void* bytes = nullptr;
  std::size_t size = 0;
  int r = sd_bus_message_read_array(m, 'y', &bytes, &size);
  if (r < 0) return r;
  if (size != 0 && size != 16) return set_error(error, SD_BUS_ERROR_INVALID_ARGS, "Invalid invocation ID");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (std::size_t i = 0; i < size; ++i) {
    auto b = static_cast<const std::uint8_t*>(bytes)[i];
    hex += kHex[b >> 4];
    hex += kHex[b & 0x0F];
  }
  if (hex.empty() || hex == std::string(32, '0')) {
    // The caller's own unit, by its PID, as GetUnitByPID(0).
    sd_bus_creds* creds = nullptr;
    pid_t caller = 0;
    r = sd_bus_query_sender_creds(m, SD_BUS_CREDS_PID, &creds);
    if (r >= 0) r = sd_bus_creds_get_pid(creds, &caller);
    sd_bus_creds_unref(creds);
    if (r < 0) return r;
    return reply_unit_of_pid(m, static_cast<std::uint32_t>(caller), error);
  }
  for (const auto& [name, status] : bridge_.mirror().services())
    if (status.invocation_id == hex) return sd_bus_reply_method_return(m, "o", unit_object_path(name).c_str());
  return set_error(error, en::kNoUnitForInvocationId,
                   "No unit with the specified invocation ID " + hex + " known.");
}

int Systemd1Server::append_unit_row(sd_bus_message* reply, const UnitView& unit) const {
  const ServiceStatus* s = unit.status;
  std::string path = unit_object_path(unit.name);
  std::string description = s && !s->description.empty() ? s->description : unit.name;
  std::uint32_t job_id = unit.job ? unit.job->id : 0;
  std::string job_type = unit.job ? unit.job->type : "";
  std::string job_path = unit.job ? job_object_path(job_id) : "/";
  return sd_bus_message_append(reply, "(ssssssouso)", unit.name.c_str(), description.c_str(),
                               s ? s->load_state.c_str() : "not-found", s ? s->active_state.c_str() : "inactive",
                               s ? s->sub_state.c_str() : "dead", "", path.c_str(), job_id, job_type.c_str(),
                               job_path.c_str());
}

int Systemd1Server::append_units(sd_bus_message* m, const std::vector<std::string>& states,
                                 const std::vector<std::string>& patterns) {
  sd_bus_message* raw = nullptr;
  int r = sd_bus_message_new_method_return(m, &raw);
  if (r < 0) return r;
  std::unique_ptr<sd_bus_message, decltype(&sd_bus_message_unref)> reply(raw, &sd_bus_message_unref);
  if ((r = sd_bus_message_open_container(raw, 'a', "(ssssssouso)")) < 0) return r;
  for (const auto& [name, status] : bridge_.mirror().services()) {
    if (!states.empty() && std::find(states.begin(), states.end(), status.load_state) == states.end() &&
        std::find(states.begin(), states.end(), status.active_state) == states.end() &&
        std::find(states.begin(), states.end(), status.sub_state) == states.end())
      continue;
    if (!matches_any(name, patterns)) continue;
    if ((r = append_unit_row(raw, view_of(name))) < 0) return r;
  }
  if ((r = sd_bus_message_close_container(raw)) < 0) return r;
  return sd_bus_send(nullptr, raw, nullptr);
}

int Systemd1Server::list_units(sd_bus_message* m, sd_bus_error*) { return append_units(m, {}, {}); }

int Systemd1Server::list_units_filtered(sd_bus_message* m, sd_bus_error*) {
  std::vector<std::string> states;
  if (int r = read_strv(m, states); r < 0) return r;
  return append_units(m, states, {});
}

int Systemd1Server::list_units_by_patterns(sd_bus_message* m, sd_bus_error*) {
  std::vector<std::string> states, patterns;
  if (int r = read_strv(m, states); r < 0) return r;
  if (int r = read_strv(m, patterns); r < 0) return r;
  return append_units(m, states, patterns);
}

int Systemd1Server::list_units_by_names(sd_bus_message* m, sd_bus_error* error) {
  std::vector<std::string> names;
  if (int r = read_strv(m, names); r < 0) return r;
  sd_bus_message* raw = nullptr;
  int r = sd_bus_message_new_method_return(m, &raw);
  if (r < 0) return r;
  std::unique_ptr<sd_bus_message, decltype(&sd_bus_message_unref)> reply(raw, &sd_bus_message_unref);
  if ((r = sd_bus_message_open_container(raw, 'a', "(ssssssouso)")) < 0) return r;
  for (const auto& name : names) {
    // As LoadUnit: every valid name answers, those vermiliond lacks as not-found.
    if (!is_valid_unit_name(name))
      return set_error(error, en::kInvalidArgs, "Unit name " + shown(name) + " is not valid.");
    if ((r = append_unit_row(raw, view_of(name))) < 0) return r;
  }
  if ((r = sd_bus_message_close_container(raw)) < 0) return r;
  return sd_bus_send(nullptr, raw, nullptr);
}

int Systemd1Server::subscribe(sd_bus_message* m, sd_bus_error* error) {
  int r = sd_bus_track_add_sender(subscribers_, m);
  if (r < 0) return r;
  if (r == 0) return set_error(error, en::kAlreadySubscribed, "Client is already subscribed.");
  return sd_bus_reply_method_return(m, nullptr);
}

int Systemd1Server::unsubscribe(sd_bus_message* m, sd_bus_error* error) {
  int r = sd_bus_track_remove_sender(subscribers_, m);
  if (r < 0) return r;
  if (r == 0) return set_error(error, en::kNotSubscribed, "Client is not subscribed.");
  return sd_bus_reply_method_return(m, nullptr);
}

bool Systemd1Server::anyone_subscribed() const { return sd_bus_track_count(subscribers_) > 0; }

int Systemd1Server::reload(sd_bus_message* m, sd_bus_error*) {
  const char* sender = sd_bus_message_get_sender(m);
  const HeldCapability& capability =
      bridge_.authorize_manager_of(sender ? sender : "", rights::reload, "reload the configuration");
  sd_bus_message* call = sd_bus_message_ref(m);
  reloading_ = true;
  emit_reloading(true);
  bridge_.link().call(capability, kManagerCapabilityInterface, "Reload", nullptr,
                      [this, call](sd_bus_message*, const LinkError* failure) {
                        std::unique_ptr<sd_bus_message, decltype(&sd_bus_message_unref)> owned(
                            call, &sd_bus_message_unref);
                        if (failure) {
                          reloading_ = false;
                          emit_reloading(false);
                          sd_bus_error e = SD_BUS_ERROR_NULL;
                          sd_bus_error_set(&e, en::kFailed, ("vermiliond: " + failure->message).c_str());
                          (void)sd_bus_reply_method_error(call, &e);
                          sd_bus_error_free(&e);
                          return;
                        }
                        // Reloading(false) follows once the bridge has the
                        // new table (on_reloaded()).
                        (void)sd_bus_reply_method_return(call, nullptr);
                      },
                      // vermiliond answers once the reload is done: a job's deadline.
                      BrokerLink::CallKind::job);
  return 1;
}

int Systemd1Server::list_jobs(sd_bus_message* m, sd_bus_error*) {
  sd_bus_message* raw = nullptr;
  int r = sd_bus_message_new_method_return(m, &raw);
  if (r < 0) return r;
  std::unique_ptr<sd_bus_message, decltype(&sd_bus_message_unref)> reply(raw, &sd_bus_message_unref);
  if ((r = sd_bus_message_open_container(raw, 'a', "(usssoo)")) < 0) return r;
  for (const auto& [id, job] : jobs_) {
    if ((r = sd_bus_message_append(raw, "(usssoo)", id, job.unit.c_str(), job.type.c_str(), job.state.c_str(),
                                   job_object_path(id).c_str(), unit_object_path(job.unit).c_str())) < 0)
      return r;
  }
  if ((r = sd_bus_message_close_container(raw)) < 0) return r;
  return sd_bus_send(nullptr, raw, nullptr);
}

int Systemd1Server::get_job(sd_bus_message* m, sd_bus_error* error) {
  std::uint32_t id = 0;
  int r = sd_bus_message_read(m, "u", &id);
  if (r < 0) return r;
  if (!jobs_.count(id)) return set_error(error, en::kNoSuchJob, "Job " + std::to_string(id) + " does not exist.");
  return sd_bus_reply_method_return(m, "o", job_object_path(id).c_str());
}

int Systemd1Server::cancel_job(sd_bus_message* m, sd_bus_error* error) {
  std::uint32_t id = 0;
  int r = sd_bus_message_read(m, "u", &id);
  if (r < 0) return r;
  return cancel(m, id, error);
}

int Systemd1Server::clear_jobs(sd_bus_message* m, sd_bus_error*) {
  // manager_clear_jobs(): every job ends canceled. The caller needs each
  // job's unit's stop right (as CancelJob), and all are checked before any
  // is canceled, so a refusal changes nothing.
  const char* sender = sd_bus_message_get_sender(m);
  std::vector<std::pair<std::uint32_t, const HeldCapability*>> jobs;
  for (const auto& [id, job] : jobs_)
    jobs.emplace_back(id, &bridge_.authorize_service_of(sender ? sender : "", job.unit, rights::stop, "cancel"));
  if (jobs.empty()) return sd_bus_reply_method_return(m, nullptr);
  MessagePtr call = keep(m);
  auto left = std::make_shared<std::size_t>(jobs.size());
  auto first_error = std::make_shared<std::optional<LinkError>>();
  for (const auto& [id, capability] : jobs) {
    const std::string unit = jobs_.at(id).unit;
    bridge_.link().call(
        *capability, kServiceCapabilityInterface, "CancelJob",
        [unit](sd_bus_message* c) { return sd_bus_message_append(c, "s", unit.c_str()); },
        [call, left, first_error](sd_bus_message*, const LinkError* failure) {
          // A job that ended meanwhile is cleared all the same.
          if (failure && failure->name != vermilion::error_names::kNoSuchJob && !*first_error) *first_error = *failure;
          if (--*left > 0) return;
          if (*first_error) return reply_error(call, en::kFailed, "vermiliond: " + (*first_error)->message);
          (void)sd_bus_reply_method_return(call.get(), nullptr);
        });
  }
  return 1;
}

int Systemd1Server::job_cancel(sd_bus_message* m, sd_bus_error* error) {
  auto id = job_id_of_path(sd_bus_message_get_path(m));
  return cancel(m, id.value_or(0), error);
}

int Systemd1Server::cancel(sd_bus_message* m, std::uint32_t id, sd_bus_error* error) {
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return set_error(error, en::kNoSuchJob, "Job " + std::to_string(id) + " does not exist.");
  // bus_job_method_cancel(): the caller needs the unit's "stop" permission.
  const std::string unit = it->second.unit;
  const char* sender = sd_bus_message_get_sender(m);
  const HeldCapability& capability = bridge_.authorize_service_of(sender ? sender : "", unit, rights::stop, "cancel");
  MessagePtr call = keep(m);
  // vermiliond ends the unit's job; the link call this job is then replies
  // JobFailed "canceled", and finish_job() sends JobRemoved with it.
  bridge_.link().call(
      capability, kServiceCapabilityInterface, "CancelJob",
      [unit](sd_bus_message* c) { return sd_bus_message_append(c, "s", unit.c_str()); },
      [call, id, unit](sd_bus_message*, const LinkError* failure) {
        if (!failure) {
          (void)sd_bus_reply_method_return(call.get(), nullptr);
          return;
        }
        if (failure->name == vermilion::error_names::kNoSuchJob)  // it ended meanwhile
          return reply_error(call, en::kNoSuchJob, "Job " + std::to_string(id) + " does not exist.");
        sdbus::Error e = errors::from_link(*failure, unit, nullptr, "");
        reply_error(call, e.getName().c_str(), e.getMessage());
      });
  return 1;
}

// ---- unit files ----------------------------------------------------------------

int Systemd1Server::list_unit_files(sd_bus_message* m, sd_bus_error* error) {
  return list_unit_files_by_patterns(m, error);
}

int Systemd1Server::list_unit_files_by_patterns(sd_bus_message* m, sd_bus_error*) {
  std::vector<std::string> states, patterns;
  if (std::string_view(sd_bus_message_get_member(m)) == "ListUnitFilesByPatterns") {
    if (int r = read_strv(m, states); r < 0) return r;
    if (int r = read_strv(m, patterns); r < 0) return r;
  }
  MessagePtr call = keep(m);
  bridge_.list_unit_files(true, [call, states, patterns](const LinkError* failure,
                                                         const std::vector<std::pair<std::string, std::string>>& rows) {
    if (failure) return reply_error(call, en::kFailed, "vermiliond: " + failure->message);
    sd_bus_message* raw = nullptr;
    if (sd_bus_message_new_method_return(call.get(), &raw) < 0) return;
    std::unique_ptr<sd_bus_message, decltype(&sd_bus_message_unref)> reply(raw, &sd_bus_message_unref);
    int r = sd_bus_message_open_container(raw, 'a', "(ss)");
    for (const auto& [path, state] : rows) {
      if (r < 0) break;
      // unit_file_get_list(): states match exactly, patterns the file name.
      if (!states.empty() && std::find(states.begin(), states.end(), state) == states.end()) continue;
      std::string name = path.substr(path.rfind('/') + 1);
      if (!matches_any(name, patterns)) continue;
      r = sd_bus_message_append(raw, "(ss)", path.c_str(), state.c_str());
    }
    if (r >= 0) r = sd_bus_message_close_container(raw);
    if (r >= 0) (void)sd_bus_send(nullptr, raw, nullptr);
  });
  return 1;
}

int Systemd1Server::get_unit_file_state(sd_bus_message* m, sd_bus_error* error) {
  const char* name = nullptr;
  if (int r = sd_bus_message_read(m, "s", &name); r < 0) return r;
  // unit_file_get_state(): -EINVAL for a name that is not a unit's.
  if (!is_valid_unit_name(name)) return set_error(error, en::kInvalidArgs, "Invalid argument");
  MessagePtr call = keep(m);
  bridge_.unit_file_state(name, [call](const LinkError* failure, const std::string& state) {
    if (!failure) {
      (void)sd_bus_reply_method_return(call.get(), "s", state.c_str());
      return;
    }
    if (failure->name == vermilion::error_names::kNoSuchUnitFile)
      return reply_error(call, en::kFileNotFound, "No such file or directory");
    reply_error(call, en::kFailed, "vermiliond: " + failure->message);
  });
  return 1;
}

int Systemd1Server::get_unit_processes(sd_bus_message* m, sd_bus_error* error) {
  const char* name = nullptr;
  if (int r = sd_bus_message_read(m, "s", &name); r < 0) return r;
  return processes_of(m, name, error);
}

int Systemd1Server::service_get_processes(sd_bus_message* m, sd_bus_error* error) {
  auto name = unit_name_of_path(sd_bus_message_get_path(m));
  if (!name) return set_error(error, en::kNoSuchUnit, "No such unit.");
  return processes_of(m, *name, error);
}

int Systemd1Server::processes_of(sd_bus_message* m, const std::string& unit, sd_bus_error* error) {
  const std::string sender = sd_bus_message_get_sender(m) ? sd_bus_message_get_sender(m) : "";
  // The root slice (systemctl status without a unit asks for it) holds
  // every unit: here, each service the caller may see.
  const bool root_slice = unit == "-.slice";
  std::vector<std::pair<std::string, const HeldCapability*>> services;
  if (root_slice) {
    for (const auto& [name, status] : bridge_.mirror().services())
      if (const HeldCapability* capability = bridge_.may(sender, name, rights::status))
        services.emplace_back(name, capability);
  } else {
    // bus_get_unit_by_name(): only a loaded unit has processes to show.
    if (!bridge_.mirror().find(unit)) return set_error(error, en::kNoSuchUnit, "Unit " + shown(unit) + " not loaded.");
    services.emplace_back(unit, &bridge_.authorize_service_of(sender, unit, rights::status, "see the processes of"));
  }
  MessagePtr call = keep(m);
  auto rows = std::make_shared<std::vector<Bridge::Process>>();
  auto left = std::make_shared<std::size_t>(services.size());
  auto answer = [call, rows] {
    sd_bus_message* raw = nullptr;
    if (sd_bus_message_new_method_return(call.get(), &raw) < 0) return;
    std::unique_ptr<sd_bus_message, decltype(&sd_bus_message_unref)> reply(raw, &sd_bus_message_unref);
    int r = sd_bus_message_open_container(raw, 'a', "(sus)");
    for (const auto& p : *rows) {
      if (r < 0) break;
      r = sd_bus_message_append(raw, "(sus)", p.cgroup.c_str(), p.pid, p.command.c_str());
    }
    if (r >= 0) r = sd_bus_message_close_container(raw);
    if (r >= 0) (void)sd_bus_send(nullptr, raw, nullptr);
  };
  if (services.empty()) {
    answer();
    return 1;
  }
  for (const auto& service : services) {
    // Named copies: clang 14 cannot capture a structured binding.
    const std::string& name = service.first;
    const HeldCapability* capability = service.second;
    bridge_.processes(*capability, name,
                      [call, rows, left, answer, root_slice, name](const LinkError* failure,
                                                                   const std::vector<Bridge::Process>& some) {
                        if (failure && !root_slice) {
                          sdbus::Error e = errors::from_link(*failure, name, nullptr, "");
                          return reply_error(call, e.getName().c_str(), e.getMessage());
                        }
                        // In the root slice, a unit gone meanwhile has nothing to show.
                        rows->insert(rows->end(), some.begin(), some.end());
                        if (--*left == 0) answer();
                      });
  }
  return 1;
}

int Systemd1Server::get_default_target(sd_bus_message* m, sd_bus_error*) {
  MessagePtr call = keep(m);
  bridge_.default_target([call](const LinkError* failure, const std::string& name) {
    if (!failure) {
      (void)sd_bus_reply_method_return(call.get(), "s", name.c_str());
      return;
    }
    // method_get_default_target(): the errno of unit_file_get_default().
    if (failure->name == vermilion::error_names::kNoSuchUnitFile)
      return reply_error(call, en::kFileNotFound, "No such file or directory");
    if (failure->name == vermilion::error_names::kUnitMasked)
      return reply_error(call, en::kUnitMasked, "Unit file is masked.");
    reply_error(call, en::kFailed, "vermiliond: " + failure->message);
  });
  return 1;
}

namespace {

// Sends the reply to `call`: "b" first when `carries` has a value, then a(sss).
void answer_changes(const MessagePtr& call, std::optional<bool> carries, const std::vector<UnitFileChange>& changes) {
  sd_bus_message* raw = nullptr;
  if (sd_bus_message_new_method_return(call.get(), &raw) < 0) return;
  std::unique_ptr<sd_bus_message, decltype(&sd_bus_message_unref)> reply(raw, &sd_bus_message_unref);
  int r = carries ? sd_bus_message_append(raw, "b", *carries ? 1 : 0) : 0;
  if (r >= 0) r = sd_bus_message_open_container(raw, 'a', "(sss)");
  for (const auto& c : changes) {
    if (r < 0) break;
    r = sd_bus_message_append(raw, "(sss)", c.type.c_str(), c.path.c_str(), c.target.c_str());
  }
  if (r >= 0) r = sd_bus_message_close_container(raw);
  if (r >= 0) (void)sd_bus_send(nullptr, raw, nullptr);
}

}  // namespace

int Systemd1Server::change_unit_files(sd_bus_message* m, sd_bus_error* error) {
  std::string_view member = sd_bus_message_get_member(m);
  std::vector<std::string> names;
  if (int r = read_strv(m, names); r < 0) return r;
  // The trailing arguments of each signature (systemd 252's
  // method_enable_unit_files_generic() and method_disable_unit_files_generic()).
  std::uint64_t flags = 0;
  int runtime = 0, force = 0;
  if (member.ends_with("WithFlags")) {
    if (int r = sd_bus_message_read(m, "t", &flags); r < 0) return r;
    if ((flags & ~(kUnitFileRuntime | kUnitFileForce | kUnitFilePortable)) != 0)
      return set_error(error, en::kInvalidArgs, "Invalid argument");
    if (member.starts_with("Disable") && (flags & kUnitFileForce))
      return set_error(error, en::kInvalidArgs, "Invalid argument");
  } else if (member == "DisableUnitFiles" || member == "UnmaskUnitFiles") {
    if (int r = sd_bus_message_read(m, "b", &runtime); r < 0) return r;
  } else {
    if (int r = sd_bus_message_read(m, "bb", &runtime, &force); r < 0) return r;
  }
  if (runtime || (flags & kUnitFileRuntime))
    return set_error(error, en::kNotSupported,
                     "Vermilion enables units in its first unit directory only; --runtime is not supported");
  // force (systemd's create_symlink()) only matters when a link to another
  // unit is in the way, which it replaces. vermiliond never replaces one:
  // such a conflict is answered UnitExists naming the link, as without
  // force; with nothing in the way (the usual case, and what SystemdGenie
  // and other clients that always pass force meet) the result is systemd's.
  (void)force;
  if (flags & kUnitFilePortable)
    return set_error(error, en::kNotSupported, "Vermilion has no portable services");

  const char* link_member = member.starts_with("EnableUnitFiles")    ? "EnableUnitFiles"
                            : member.starts_with("DisableUnitFiles") ? "DisableUnitFiles"
                            : member == "ReenableUnitFiles"          ? "ReenableUnitFiles"
                            : member == "MaskUnitFiles"              ? "MaskUnitFiles"
                                                                     : "UnmaskUnitFiles";
  // EnableUnitFiles and ReenableUnitFiles say whether the units carry
  // [Install] (systemctl's notice about static units reads it).
  const bool carries = member.starts_with("EnableUnitFiles") || member == "ReenableUnitFiles";
  MessagePtr call = keep(m);
  auto answer = [this, call, carries, names](const std::vector<UnitFileChange>& changes) {
    std::optional<bool> any;
    if (carries) {
      // What unit_file_enable() returns: whether any unit has install
      // information, which a static unit lacks.
      any = false;
      for (const auto& n : names) {
        auto it = bridge_.unit_files().find(n);
        if (it == bridge_.unit_files().end() || it->second.state != "static") any = true;
      }
    }
    answer_changes(call, any, changes);
  };
  for (const auto& name : names)
    if (!is_valid_unit_name(name))
      return set_error(error, en::kInvalidArgs, "Unit name " + shown(name) + " is not valid.");
  // systemd answers an empty list with no change and asks nobody.
  if (names.empty()) {
    answer({});
    return 1;
  }
  const char* sender = sd_bus_message_get_sender(m);
  bridge_.change_unit_files(sender ? sender : "", link_member, names,
                            [call, answer](const LinkError* failure, const std::vector<UnitFileChange>& changes) {
                              // vermiliond's message names what the bridge
                              // checked (valid unit names) and its own paths.
                              if (failure)
                                return reply_error(call, install_error_name(*failure),
                                                   escape_invalid_utf8(failure->message));
                              answer(changes);
                            });
  return 1;
}


int Systemd1Server::preset_unit_files(sd_bus_message* m, sd_bus_error* error) {
  const std::string_view member = sd_bus_message_get_member(m);
  const bool all = member == "PresetAllUnitFiles";
  std::vector<std::string> names;
  if (!all)
    if (int r = read_strv(m, names); r < 0) return r;
  const char* mode = "";
  if (member != "PresetUnitFiles")
    if (int r = sd_bus_message_read(m, "s", &mode); r < 0) return r;
  int runtime = 0, force = 0;
  if (int r = sd_bus_message_read(m, "bb", &runtime, &force); r < 0) return r;
  // method_preset_unit_files_with_mode(): "" is full; any other word -EINVAL.
  const std::string mode_word = mode;
  if (!mode_word.empty() && mode_word != "full" && mode_word != "enable-only" && mode_word != "disable-only")
    return set_error(error, en::kInvalidArgs, "Invalid argument");
  if (runtime)
    return set_error(error, en::kNotSupported,
                     "Vermilion enables units in its first unit directory only; --runtime is not supported");
  (void)force;  // as for enable: vermiliond replaces nothing in the way
  for (const auto& name : names)
    if (!is_valid_unit_name(name))
      return set_error(error, en::kInvalidArgs, "Unit name " + shown(name) + " is not valid.");
  MessagePtr call = keep(m);
  // carries_install_info: whether any named unit has install information
  // (a static one has none), as for EnableUnitFiles; not for preset-all.
  std::optional<bool> carries;
  if (!all) {
    carries = false;
    for (const auto& n : names) {
      auto it = bridge_.unit_files().find(n);
      if (it == bridge_.unit_files().end() || it->second.state != "static") carries = true;
    }
  }
  if (!all && names.empty()) {
    answer_changes(call, carries, {});
    return 1;
  }
  const char* sender = sd_bus_message_get_sender(m);
  bridge_.change_unit_files(
      sender ? sender : "", all ? "PresetAllUnitFiles" : "PresetUnitFiles",
      [all, names, mode_word](sd_bus_message* c) {
        int r = 0;
        if (!all) {
          r = sd_bus_message_open_container(c, 'a', "s");
          for (const auto& n : names) {
            if (r < 0) break;
            r = sd_bus_message_append_basic(c, 's', n.c_str());
          }
          if (r >= 0) r = sd_bus_message_close_container(c);
        }
        return r < 0 ? r : sd_bus_message_append(c, "s", mode_word.c_str());
      },
      [call, carries](const LinkError* failure, const std::vector<UnitFileChange>& changes) {
        if (failure) return reply_error(call, install_error_name(*failure), escape_invalid_utf8(failure->message));
        answer_changes(call, carries, changes);
      });
  return 1;
}

int Systemd1Server::set_default_target(sd_bus_message* m, sd_bus_error*) {
  const char* name = nullptr;
  int force = 0;
  if (int r = sd_bus_message_read(m, "sb", &name, &force); r < 0) return r;
  const std::string target = name;
  const char* sender = sd_bus_message_get_sender(m);
  MessagePtr call = keep(m);
  // vermiliond checks the name (unit_file_set_default(): a target's, not
  // default.target's) and answers InvalidArgs "Invalid argument" as systemd.
  bridge_.change_unit_files(
      sender ? sender : "", "SetDefaultTarget",
      [target, force](sd_bus_message* c) { return sd_bus_message_append(c, "sb", target.c_str(), force); },
      [call](const LinkError* failure, const std::vector<UnitFileChange>& changes) {
        if (failure) return reply_error(call, install_error_name(*failure), escape_invalid_utf8(failure->message));
        answer_changes(call, std::nullopt, changes);
      });
  return 1;
}

int Systemd1Server::get_unit_file_links(sd_bus_message* m, sd_bus_error*) {
  const char* name = nullptr;
  int runtime = 0;
  if (int r = sd_bus_message_read(m, "sb", &name, &runtime); r < 0) return r;
  MessagePtr call = keep(m);
  bridge_.unit_file_links(name, runtime != 0, [call](const LinkError* failure, const std::vector<std::string>& links) {
    // method_get_unit_file_links(): unit_file_disable()'s errno.
    if (failure) {
      if (failure->name == vermilion::error_names::kInvalidArgs)
        return reply_error(call, en::kInvalidArgs, "Invalid argument");
      return reply_error(call, en::kFailed, "vermiliond: " + failure->message);
    }
    sd_bus_message* raw = nullptr;
    if (sd_bus_message_new_method_return(call.get(), &raw) < 0) return;
    std::unique_ptr<sd_bus_message, decltype(&sd_bus_message_unref)> reply(raw, &sd_bus_message_unref);
    int r = sd_bus_message_open_container(raw, 'a', "s");
    for (const auto& l : links) {
      if (r < 0) break;
      r = sd_bus_message_append_basic(raw, 's', l.c_str());
    }
    if (r >= 0) r = sd_bus_message_close_container(raw);
    if (r >= 0) (void)sd_bus_send(nullptr, raw, nullptr);
  });
  return 1;
}

void Systemd1Server::on_unit_files_changed() noexcept {
  // As systemd's send_unit_files_changed(): to everyone, subscribed or not.
  (void)sd_bus_emit_signal(bus_, kSystemdManagerPath, kManagerInterface, kSignalUnitFilesChanged, "");
}

std::string Systemd1Server::unit_file_state_of(const UnitView& unit) const {
  const auto& files = bridge_.unit_files();
  auto it = files.find(unit.name);
  if (it == files.end()) {
    if (auto template_name = template_of(unit.name)) it = files.find(*template_name);
  }
  if (it == files.end()) return "";
  return it->second.state;
}

std::string Systemd1Server::unit_file_preset_of(const UnitView& unit) const {
  const auto& files = bridge_.unit_files();
  // unit_get_unit_file_preset(): the preset of the unit's fragment, by its
  // file name (an instance's is its template's); none without a fragment.
  auto it = files.end();
  if (unit.status) {
    const std::string& fragment = unit.status->fragment_path;
    if (fragment.empty() || !fragment.starts_with('/')) return "";
    it = files.find(std::string_view(fragment).substr(fragment.rfind('/') + 1));
  } else {
    // Not loaded: the file the name leads to, as unit_file_state_of().
    it = files.find(unit.name);
    if (it == files.end())
      if (auto template_name = template_of(unit.name)) it = files.find(*template_name);
  }
  return it == files.end() ? "" : it->second.preset;
}

// ---- reset-failed --------------------------------------------------------------

int Systemd1Server::reset_failed_unit(sd_bus_message* m, sd_bus_error* error) {
  const char* name = nullptr;
  if (int r = sd_bus_message_read(m, "s", &name); r < 0) return r;
  return reset_failed_of(m, name, error);
}

int Systemd1Server::unit_reset_failed(sd_bus_message* m, sd_bus_error* error) {
  auto name = unit_name_of_path(sd_bus_message_get_path(m));
  if (!name) return set_error(error, en::kNoSuchUnit, "No such unit.");
  return reset_failed_of(m, *name, error);
}

int Systemd1Server::reset_failed_of(sd_bus_message* m, const std::string& unit, sd_bus_error* error) {
  // bus_get_unit_by_name(): only a loaded unit can be reset.
  if (!bridge_.mirror().find(unit)) return set_error(error, en::kNoSuchUnit, "Unit " + shown(unit) + " not loaded.");
  const char* sender = sd_bus_message_get_sender(m);
  MessagePtr call = keep(m);
  bridge_.reset_failed(sender ? sender : "", unit, [call, unit](const LinkError* failure) {
    if (!failure) {
      (void)sd_bus_reply_method_return(call.get(), nullptr);
      return;
    }
    sdbus::Error e = errors::from_link(*failure, unit, nullptr, "");
    reply_error(call, e.getName().c_str(), e.getMessage());
  });
  return 1;
}

int Systemd1Server::reset_failed(sd_bus_message* m, sd_bus_error*) {
  // manager_reset_failed(): every unit. Each needs the caller's right, and
  // all are checked before any is reset, so a refusal changes nothing.
  const char* sender = sd_bus_message_get_sender(m);
  std::vector<std::string> units;
  for (const auto& [name, status] : bridge_.mirror().services())
    if (status.active_state == "failed" || status.result != "success" || status.n_restarts != 0) units.push_back(name);
  for (const auto& unit : units)
    (void)bridge_.authorize_service_of(sender ? sender : "", unit, rights::start, "reset the failed state of");
  if (units.empty()) return sd_bus_reply_method_return(m, nullptr);
  MessagePtr call = keep(m);
  auto left = std::make_shared<std::size_t>(units.size());
  auto first_error = std::make_shared<std::optional<LinkError>>();
  for (const auto& unit : units) {
    bridge_.reset_failed(sender ? sender : "", unit, [call, left, first_error](const LinkError* failure) {
      if (failure && !*first_error) *first_error = *failure;
      if (--*left > 0) return;
      if (*first_error) return reply_error(call, en::kFailed, "vermiliond: " + (*first_error)->message);
      (void)sd_bus_reply_method_return(call.get(), nullptr);
    });
  }
  return 1;
}

int Systemd1Server::manager_job(sd_bus_message* m, std::string_view verb, sd_bus_error* error) {
  const char* name = nullptr;
  const char* mode = nullptr;
  int r = sd_bus_message_read(m, "ss", &name, &mode);
  if (r < 0) return r;
  return enqueue(m, name, verb, mode, error);
}

int Systemd1Server::unit_job(sd_bus_message* m, std::string_view verb, sd_bus_error* error) {
  const char* mode = nullptr;
  int r = sd_bus_message_read(m, "s", &mode);
  if (r < 0) return r;
  auto name = unit_name_of_path(sd_bus_message_get_path(m));
  if (!name) return set_error(error, en::kNoSuchUnit, "No such unit.");
  return enqueue(m, *name, verb, mode, error);
}

int Systemd1Server::enqueue(sd_bus_message* m, const std::string& unit, std::string_view verb, std::string_view mode,
                            sd_bus_error* error) {
  // systemd 252's job modes (job_mode_from_string); vermiliond runs each
  // (Manager::enqueue()).
  static const std::set<std::string_view> kModes = {"fail",  "replace",          "replace-irreversibly",
                                                     "isolate", "flush",         "ignore-dependencies",
                                                     "ignore-requirements", "triggering"};
  if (!kModes.count(mode)) return set_error(error, en::kInvalidArgs, "Job mode " + shown(mode) + " invalid");
  // manager_add_job_full()'s checks, which come before the unit's load
  // state is looked at; the caller's right (polkit's, in systemd) first.
  const bool isolate = mode == "isolate";
  if (isolate && verb != "start") return set_error(error, en::kInvalidArgs, "Isolate is only valid for start.");
  const char* sender = sd_bus_message_get_sender(m);
  const bool activation = sd_bus_message_is_signal(m, kActivatorInterface, "ActivationRequest") > 0;
  const HeldCapability* capability = nullptr;
  if (isolate) {
    // An isolate stops other units: the manager's right, not the unit's.
    capability = &bridge_.authorize_manager_of(sender ? sender : "", rights::isolate, "isolate units");
    const ServiceStatus* target = bridge_.mirror().find(unit);
    if (!target || !target->allow_isolate)
      return set_error(error, en::kNoIsolation, "Operation refused, unit may not be isolated.");
  }
  if (!is_valid_unit_name(unit)) return set_error(error, en::kInvalidArgs, "Unit name " + shown(unit) + " is not valid.");
  // manager_add_job()'s check, before the transaction looks at the unit's
  // load state (a stop is the only job triggering goes with; the verbs
  // that make other jobs are refused whatever they become).
  if (mode == "triggering" && verb != "stop")
    return set_error(error, en::kInvalidArgs, "--job-mode=triggering is only valid for stop.");

  const ServiceStatus* status = bridge_.mirror().find(unit);
  // bus_unit_queue_job(): a stop needs no loaded unit file (a unit masked
  // or broken since it started can still be stopped), only something to
  // stop; transaction_add_job_and_dependencies() checks the load state of
  // every other job.
  if (verb == "stop") {
    if (!status || ((status->load_state == "not-found" || status->load_state == "error" ||
                     status->load_state == "bad-setting") &&
                    status->active_state == "inactive"))
      return set_error(error, en::kNoSuchUnit, "Unit " + shown(unit) + " not loaded.");
  } else if (!status || status->load_state == "not-found")
    return set_error(error, en::kNoSuchUnit, "Unit " + shown(unit) + " not found.");
  else if (status->load_state == "masked")
    return set_error(error, en::kUnitMasked, "Unit " + unit + " is masked.");
  else if (status->load_state == "bad-setting")
    return set_error(error, en::kBadUnitSetting, "Unit " + unit + " has a bad unit file setting.");
  else if (status->load_state != "loaded")
    return set_error(error, en::kLoadFailed,
                     "Unit " + unit + " failed to load properly, please adjust/correct and reload service manager.");

  // The job type as systemd 252's bus_unit_queue_job() makes it: the
  // reload-or-* verbs reload only a unit that can (CanReload, it has
  // ExecReload=) and restart the others; then job_type_collapse().
  std::string type;
  if (verb == "start" || verb == "stop" || verb == "restart" || verb == "reload") {
    type = verb;
  } else if (verb == "try-restart" || (verb == "reload-or-try-restart" && !status->can_reload)) {
    type = is_active_or_activating(status) ? "restart" : "nop";
  } else if (verb == "reload-or-restart") {
    type = !status->can_reload ? "restart" : is_active_or_reloading(status) ? "reload" : "start";
  } else {  // reload-or-try-restart of a unit that can reload
    type = is_active_or_reloading(status) ? "reload" : "nop";
  }

  // RefuseManualStart=/RefuseManualStop=, checked on the job asked for as
  // bus_unit_queue_job() does: a restart (also try-restart, and the
  // reload-or-* verbs of a unit that cannot reload) needs both; a
  // reload-or-restart that becomes a start needs the start.
  const bool restart_like = verb == "restart" || verb == "try-restart" ||
                            ((verb == "reload-or-restart" || verb == "reload-or-try-restart") && !status->can_reload);
  if ((verb == "start" && status->refuse_manual_start) || (verb == "stop" && status->refuse_manual_stop) ||
      (restart_like && (status->refuse_manual_start || status->refuse_manual_stop)) ||
      (verb == "reload-or-restart" && status->can_reload && type == "start" && status->refuse_manual_start))
    return set_error(error, en::kOnlyByDependency,
                     "Operation refused, unit " + unit +
                         " may be requested by dependency only (it is configured to refuse manual start/stop).");

  if (type != "nop") {
    if (activation) {
      // The bus daemon asks for whoever it activates for; its policy has
      // decided who may. The bridge's own capability is all that is
      // checked, as systemd checks nothing more.
      capability = bridge_.link().service_capability(unit, right_of(type));
      if (!capability)
        return set_error(error, en::kAccessDenied, "vermilion-bridge holds no capability to start " + unit);
    } else if (!isolate) {  // an isolate's was checked above
      capability = &bridge_.authorize_service_of(sender ? sender : "", unit, right_of(type), type.c_str());
    }
    if (bridge_.link().jobs_in_flight() >= BrokerLink::kMaxJobsInFlight)
      return set_error(error, en::kLimitsExceeded,
                       std::to_string(BrokerLink::kMaxJobsInFlight) +
                           " jobs are already in progress through vermilion-bridge; try again when one has finished");
  } else {
    // A job that does nothing still needs the right the caller asked for.
    (void)bridge_.authorize_service_of(sender ? sender : "", unit, verb == "try-restart" ? rights::restart : rights::reload,
                                       std::string(verb).c_str());
  }
  // unit_job_is_applicable(), after the caller's rights as in systemd: a
  // reload needs ExecReload=.
  if (type == "reload" && !status->can_reload)
    return set_error(error, en::kJobTypeNotApplicable, "Job type reload is not applicable for unit " + unit + ".");

  std::uint32_t id = ++last_job_id_;
  if (id == 0) id = ++last_job_id_;  // wrapped: 0 means "no job"
  // The job exists once vermiliond queued it: the caller gets its path
  // then, after the reply JobNew, as systemd's. A request vermiliond
  // refuses before queueing anything (a Requires= unit that does not load,
  // a job mode that refuses) is answered with the error, as systemd's
  // transaction refuses it.
  auto announced = std::make_shared<bool>(false);
  auto announce = [this, id, unit, type, m, activation, announced] {
    if (*announced) return;
    *announced = true;
    jobs_[id] = Job{id, unit, type, "running"};
    std::string path = job_object_path(id);
    if (!activation) (void)sd_bus_reply_method_return(m, "o", path.c_str());
    // After the reply, as systemd: a client learns the path before the signals.
    (void)sd_bus_emit_signal(bus_, kSystemdManagerPath, kManagerInterface, kSignalJobNew, "uos", id, path.c_str(),
                             unit.c_str());
    emit_unit_changed(unit, {"Job"});
  };
  if (type == "nop") {
    announce();
    finish_job(id, "done");
    return 1;
  }
  sd_bus_message_ref(m);  // until answered
  // Isolate is the manager capability's; the other modes go with the job.
  const std::string mode_text(mode);
  bridge_.link().call(
      *capability, isolate ? kManagerCapabilityInterface : kServiceCapabilityInterface,
      isolate ? "Isolate" : "EnqueueJob",
      [unit, type, mode_text, isolate](sd_bus_message* call) {
        if (isolate) return sd_bus_message_append(call, "s", unit.c_str());
        return sd_bus_message_append(call, "sss", unit.c_str(), type.c_str(), mode_text.c_str());
      },
      [this, id, unit, activation, m, announced, announce](sd_bus_message*, const LinkError* failure) {
        const bool ran = !failure || failure->name == vermilion::error_names::kJobFailed ||
                         failure->name == vermilion::error_names::kRevoked;
        if (!*announced && !ran) {
          // Refused: the bus daemon hears it too, or it would wait its 25 s.
          if (activation)
            send_activation_failure(unit, activation_error_of(*failure), failure->message);
          else
            (void)sd_bus_reply_method_errorf(m, activation_error_of(*failure), "%s", failure->message.c_str());
        } else {
          announce();  // a job that ended before JobQueued was read
          finish_job(id, failure ? result_of(*failure) : "done");
        }
        sd_bus_message_unref(m);
      },
      BrokerLink::CallKind::job, 0, announce);
  return 1;
}

int Systemd1Server::on_activation_request(sd_bus_message* m, void* self, sd_bus_error*) {
  static_cast<Systemd1Server*>(self)->activate(m);
  return 0;
}

void Systemd1Server::activate(sd_bus_message* m) {
  // Only the bus daemon's: a client may send this signal to the bridge, and
  // sd-bus's match on sender='org.freedesktop.DBus' lets a unique-name
  // sender through (bus-match.c); the bus daemon alone sends as that name.
  const char* sender = sd_bus_message_get_sender(m);
  if (!sender || std::string_view(sender) != "org.freedesktop.DBus") return;
  const char* name = nullptr;
  if (sd_bus_message_read(m, "s", &name) < 0 || !name) return;  // not the bus daemon's signature
  const std::string unit = name;
  sd_bus_error error = SD_BUS_ERROR_NULL;
  int r = guarded("ActivationRequest", &error, [&] {
    // signal_activation_request()'s order: the name, RefuseManualStart=
    // (in its own words), then the job's checks.
    if (!is_valid_unit_name(unit)) return set_error(&error, en::kInvalidArgs, "Unit name " + shown(unit) + " is not valid.");
    if (const ServiceStatus* status = bridge_.mirror().find(unit); status && status->refuse_manual_start)
      return set_error(&error, en::kOnlyByDependency,
                       "Operation refused, " + unit +
                           " may be requested by dependency only (it is configured to refuse manual start/stop).");
    return enqueue(m, unit, "start", "replace", &error);
  });
  if (r >= 0 && !sd_bus_error_is_set(&error)) return;
  if (!sd_bus_error_is_set(&error)) sd_bus_error_set_errno(&error, r);
  send_activation_failure(unit, error.name, error.message ? error.message : "");
  sd_bus_error_free(&error);
}

void Systemd1Server::send_activation_failure(const std::string& unit, const char* error_name,
                                             const std::string& message) {
  log("D-Bus activation failed for " + unit + ": " + message);
  sd_bus_message* failure = nullptr;
  if (sd_bus_message_new_signal(bus_, &failure, kSystemdManagerPath, kActivatorInterface, "ActivationFailure") >= 0 &&
      sd_bus_message_append(failure, "sss", unit.c_str(), error_name, message.c_str()) >= 0)
    (void)sd_bus_send_to(bus_, failure, "org.freedesktop.DBus", nullptr);
  sd_bus_message_unref(failure);
}

void Systemd1Server::finish_job(std::uint32_t id, std::string_view result) {
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return;
  Job job = std::move(it->second);
  jobs_.erase(it);
  std::string path = job_object_path(id);
  std::string result_text(result);
  (void)sd_bus_emit_signal(bus_, kSystemdManagerPath, kManagerInterface, kSignalJobRemoved, "uoss", id, path.c_str(),
                           job.unit.c_str(), result_text.c_str());
  emit_unit_changed(job.unit, {"Job"});
}

int Systemd1Server::kill_unit(sd_bus_message* m, sd_bus_error* error) {
  const char* name = nullptr;
  const char* whom = nullptr;
  std::int32_t signal = 0;
  int r = sd_bus_message_read(m, "ssi", &name, &whom, &signal);
  if (r < 0) return r;
  return kill(m, name, whom, signal, error);
}

int Systemd1Server::unit_kill(sd_bus_message* m, sd_bus_error* error) {
  const char* whom = nullptr;
  std::int32_t signal = 0;
  int r = sd_bus_message_read(m, "si", &whom, &signal);
  if (r < 0) return r;
  auto name = unit_name_of_path(sd_bus_message_get_path(m));
  if (!name) return set_error(error, en::kNoSuchUnit, "No such unit.");
  return kill(m, *name, whom, signal, error);
}

int Systemd1Server::kill(sd_bus_message* m, const std::string& unit, std::string_view whom, std::int32_t signal,
                         sd_bus_error* error) {
  // kill_who_from_string(): "" is all.
  if (!whom.empty() && whom != "all" && whom != "main" && whom != "control" && whom != "main-fail" &&
      whom != "all-fail" && whom != "control-fail")
    return set_error(error, en::kInvalidArgs, "Invalid who argument: " + shown(whom));
  if (signal <= 0 || signal >= _NSIG)
    return set_error(error, en::kInvalidArgs, "Signal number out of range.");
  const ServiceStatus* status = bridge_.mirror().find(unit);
  if (!status) return set_error(error, en::kNoSuchUnit, "Unit " + shown(unit) + " not loaded.");
  const char* sender = sd_bus_message_get_sender(m);
  const HeldCapability& capability = bridge_.authorize_service_of(sender ? sender : "", unit, rights::kill, "kill");
  sd_bus_message* call = sd_bus_message_ref(m);
  // systemd 252's unit_kill_common(): main and control name one process
  // ("No main process to kill" without it); all signals every process and
  // is content with none; the -fail forms want at least one.
  const std::string who = whom.empty() ? "all" : std::string(whom);
  const bool every = who == "all" || who == "all-fail";
  const std::string one = who.substr(0, who.find('-'));  // main, control
  bridge_.link().call(
      capability, kServiceCapabilityInterface, every ? "Kill" : "KillProcess",
      [unit, signal, every, one](sd_bus_message* c) {
        return every ? sd_bus_message_append(c, "si", unit.c_str(), signal)
                     : sd_bus_message_append(c, "ssi", unit.c_str(), one.c_str(), signal);
      },
      [call, unit, who, one](sd_bus_message*, const LinkError* failure) {
        std::unique_ptr<sd_bus_message, decltype(&sd_bus_message_unref)> owned(call, &sd_bus_message_unref);
        if (failure && failure->name == vermilion::error_names::kNoSuchProcess) {
          if (who == "all") {
            (void)sd_bus_reply_method_return(call, nullptr);
          } else {
            const std::string text =
                who == one ? "No " + one + " process to kill" : std::string("No matching processes to kill");
            sd_bus_error reply = SD_BUS_ERROR_NULL;
            sd_bus_error_set(&reply, en::kNoSuchProcess, text.c_str());
            (void)sd_bus_reply_method_error(call, &reply);
            sd_bus_error_free(&reply);
          }
          return;
        }
        if (!failure) {
          (void)sd_bus_reply_method_return(call, nullptr);
          return;
        }
        sdbus::Error e = errors::from_link(*failure, unit, nullptr, "");
        sd_bus_error reply = SD_BUS_ERROR_NULL;
        sd_bus_error_set(&reply, e.getName().c_str(), e.getMessage().c_str());
        (void)sd_bus_reply_method_error(call, &reply);
        sd_bus_error_free(&reply);
      });
  return 1;
}

// ---- properties ----------------------------------------------------------------

int Systemd1Server::append_property(const char* path, const char* interface, const char* property,
                                    sd_bus_message* reply, sd_bus_error* error, const ResourceUsage* usage) {
  return guarded("org.freedesktop.systemd1 property", error, [&]() -> int {
    std::string_view iface = interface;
    if (usage && iface == kSystemdServiceInterface && is_counter(property))
      return append_counter(*usage, property, reply);
    int r = -ENOENT;  // not ours: the type's zero
    if (iface == kManagerInterface) {
      r = append_manager_property(ManagerFacts{bridge_, jobs_.size()}, property, reply);
    } else if (iface == kUnitInterface || iface == kSystemdServiceInterface) {
      auto name = unit_name_of_path(path);
      if (!name) return set_error(error, en::kNoSuchUnit, "No such unit.");
      UnitView view = view_of(*name);
      std::string file_state = unit_file_state_of(view);
      std::string file_preset = unit_file_preset_of(view);
      UnitFacts facts{view.name, view.status, view.job ? view.job->id : 0, file_state, file_preset};
      r = iface == kUnitInterface ? append_unit_property(facts, property, reply)
                                  : append_service_property(facts, property, reply);
    } else if (iface == kJobInterface) {
      auto id = job_id_of_path(path);
      auto it = id ? jobs_.find(*id) : jobs_.end();
      if (it == jobs_.end()) return set_error(error, en::kNoSuchJob, "No such job.");
      r = append_job_property(JobFacts{it->second.id, it->second.unit, it->second.type, it->second.state}, property,
                              reply);
    }
    if (r != -ENOENT) return r;
    if (is_not_available(iface, property)) return sd_bus_message_append(reply, "t", UINT64_MAX);
    const MemberInfo* member = find_property(iface, property);
    if (!member) return -ENOENT;
    return append_zero_value(reply, member->signature);
  });
}

int Systemd1Server::properties_with_counters(sd_bus_message* m, sd_bus_error* error) {
  return guarded("org.freedesktop.systemd1 counters", error, [&]() -> int {
    if (!sd_bus_message_is_method_call(m, kPropertiesInterface, nullptr)) return 0;
    // What sd-bus's object dispatch would not answer either, it ignores
    // here too (no reply wanted; a broadcast without a destination).
    if (!sd_bus_message_get_expect_reply(m) || !sd_bus_message_get_destination(m)) return 0;
    const char* object_path = sd_bus_message_get_path(m);
    if (!object_path || !std::string_view(object_path).starts_with(std::string(kUnitPathPrefix) + "/")) return 0;
    const std::string member = sd_bus_message_get_member(m);
    const char* interface = nullptr;
    const char* property = nullptr;
    bool wanted = false;
    if (member == "Get" && sd_bus_message_read(m, "ss", &interface, &property) >= 0) {
      wanted = std::string_view(interface) == kSystemdServiceInterface && is_counter(property);
    } else if (member == "GetAll" && sd_bus_message_read(m, "s", &interface) >= 0) {
      wanted = std::string_view(interface).empty() || std::string_view(interface) == kSystemdServiceInterface;
    }
    const std::string asked_interface = interface ? interface : "";
    const std::string asked_property = property ? property : "";
    // The vtables read the arguments again.
    if (int r = sd_bus_message_rewind(m, true); r < 0) return r;
    if (!wanted) return 0;
    const char* path = sd_bus_message_get_path(m);
    auto name = unit_name_of_path(path);
    if (!name || unit_type_of(*name) != "service" || !bridge_.mirror().find(*name)) return 0;
    const char* sender = sd_bus_message_get_sender(m);
    // Read as systemctl status reads the processes: with the caller's
    // `status`; without it the counters are unknown, the rest as always.
    // Without an answer on who the caller is, or with queries already
    // waiting on the link, the counters are unknown and the rest answers now.
    const HeldCapability* capability = nullptr;
    try {
      capability = bridge_.may(sender ? sender : "", *name, rights::status);
    } catch (const sdbus::Error&) {
    }
    if (!capability || bridge_.link_busy()) return 0;
    MessagePtr call = keep(m);
    const std::string object = path;
    bridge_.resource_usage(*capability, *name, [this, call, object, member, asked_interface, asked_property](
                                                   const LinkError*, const ResourceUsage& usage) {
      // A failed read (the service went meanwhile) answers unknown
      // counters, as systemd does when the cgroup is gone.
      sd_bus_message* raw = nullptr;
      if (sd_bus_message_new_method_return(call.get(), &raw) < 0) return;
      std::unique_ptr<sd_bus_message, decltype(&sd_bus_message_unref)> reply(raw, &sd_bus_message_unref);
      sd_bus_error failure = SD_BUS_ERROR_NULL;
      int r = member == "Get" ? sd_bus_message_open_container(raw, 'v', "t") : 0;
      if (r >= 0 && member == "Get")
        r = append_property(object.c_str(), asked_interface.c_str(), asked_property.c_str(), raw, &failure, &usage);
      else if (r >= 0)
        r = append_all_properties(object.c_str(), asked_interface, raw, &failure, usage);
      if (r >= 0 && member == "Get") r = sd_bus_message_close_container(raw);
      if (r >= 0) {
        (void)sd_bus_send(nullptr, raw, nullptr);
      } else if (sd_bus_error_is_set(&failure)) {
        (void)sd_bus_reply_method_error(call.get(), &failure);
      } else {
        (void)sd_bus_reply_method_errno(call.get(), r, nullptr);
      }
      sd_bus_error_free(&failure);
    });
    return 1;
  });
}

int Systemd1Server::append_all_properties(const char* path, const std::string& interface, sd_bus_message* reply,
                                          sd_bus_error* error, const ResourceUsage& usage) {
  // GetAll("") walks the object's vtables as sd-bus does: the interface
  // registered last first (it inserts each new one at the head), so
  // Service before Unit, as systemd's `systemctl show` begins with Type=.
  std::vector<std::string_view> interfaces;
  if (interface.empty())
    interfaces = {kSystemdServiceInterface, kUnitInterface};
  else
    interfaces = {interface};
  int r = sd_bus_message_open_container(reply, 'a', "{sv}");
  for (std::string_view iface : interfaces) {
    for (const MemberInfo& member : kMembers) {
      if (r < 0) break;
      if (member.kind != MemberKind::property || iface != member.interface) continue;
      r = sd_bus_message_open_container(reply, 'e', "sv");
      if (r >= 0) r = sd_bus_message_append_basic(reply, 's', member.name);
      if (r >= 0) r = sd_bus_message_open_container(reply, 'v', member.signature);
      if (r >= 0) r = append_property(path, member.interface, member.name, reply, error, &usage);
      if (r >= 0) r = sd_bus_message_close_container(reply);
      if (r >= 0) r = sd_bus_message_close_container(reply);
    }
  }
  return r < 0 ? r : sd_bus_message_close_container(reply);
}

int Systemd1Server::on_unit_message(sd_bus_message* m, void* self, sd_bus_error* error) {
  return static_cast<Systemd1Server*>(self)->properties_with_counters(m, error);
}

int Systemd1Server::set_property(const char* interface, const char* property, sd_bus_error* error) {
  return set_error(error, en::kNotSupported,
                   "Vermilion does not support setting " + std::string(interface) + "." + std::string(property));
}

// ---- following the table -------------------------------------------------------

void Systemd1Server::emit_unit_changed(const std::string& unit, const std::vector<std::string>& vermilion_properties) {
  if (!anyone_subscribed()) return;
  // org.vermilion1.Service's names are systemd's; each belongs to one of
  // the two interfaces, and only those that emit changes are sent.
  std::vector<std::string> unit_names, service_names;
  auto place = [&](const std::string& name) {
    for (const char* iface : {kUnitInterface, kSystemdServiceInterface}) {
      const MemberInfo* member = find_property(iface, name);
      if (!member || (member->emits != Emits::change && member->emits != Emits::invalidates)) continue;
      (iface == kUnitInterface ? unit_names : service_names).push_back(name);
    }
  };
  for (const auto& name : vermilion_properties) {
    place(name);
    // The link names an Exec*= list by its Ex form only; systemd
    // invalidates both (ExecStart and ExecStartEx).
    if (name.starts_with("Exec") && name.ends_with("Ex")) place(name.substr(0, name.size() - 2));
  }
  std::string path = unit_object_path(unit);
  auto emit = [&](const char* iface, std::vector<std::string>& names) {
    if (names.empty()) return;
    std::vector<char*> strv;
    for (auto& n : names) strv.push_back(n.data());
    strv.push_back(nullptr);
    (void)sd_bus_emit_properties_changed_strv(bus_, path.c_str(), iface, strv.data());
  };
  emit(kUnitInterface, unit_names);
  if (unit_type_of(unit) == "service") emit(kSystemdServiceInterface, service_names);
}

void Systemd1Server::emit_reloading(bool active) {
  if (!anyone_subscribed()) return;
  (void)sd_bus_emit_signal(bus_, kSystemdManagerPath, kManagerInterface, kSignalReloading, "b", active ? 1 : 0);
}

void Systemd1Server::on_mirror_changed(const ServiceMirror::Delta& delta) noexcept {
  drop_if_out_of_memory("systemd1 on_mirror_changed", [&] {
    if (!anyone_subscribed()) return;
    for (const auto& name : delta.removed)
      (void)sd_bus_emit_signal(bus_, kSystemdManagerPath, kManagerInterface, kSignalUnitRemoved, "so", name.c_str(),
                               unit_object_path(name).c_str());
    for (const auto& name : delta.added)
      (void)sd_bus_emit_signal(bus_, kSystemdManagerPath, kManagerInterface, kSignalUnitNew, "so", name.c_str(),
                               unit_object_path(name).c_str());
    for (const auto& changed : delta.changed) emit_unit_changed(changed.name, changed.properties);
  });
}

void Systemd1Server::on_reloaded() noexcept {
  drop_if_out_of_memory("systemd1 on_reloaded", [&] {
    // A reload vermiliond did on its own (SIGHUP) gets its Reloading(true)
    // now; ours sent it when it asked.
    if (!reloading_) emit_reloading(true);
    reloading_ = false;
    emit_reloading(false);
  });
}

}  // namespace vermilion::bridge
