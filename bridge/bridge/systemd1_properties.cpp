#include "bridge/systemd1_properties.h"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/utsname.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <unordered_map>

#include "bridge/systemd1_errors.h"
#include "bridge/systemd1_names.h"
#include "common/link_wire.h"

namespace vermilion::bridge::systemd1 {

namespace en = error_names;

namespace {

std::string architecture() {
  struct utsname u {};
  if (uname(&u) < 0) return "";
  std::string machine = u.machine;
  if (machine == "x86_64") return "x86-64";
  if (machine == "i686" || machine == "i586" || machine == "i486" || machine == "i386") return "x86";
  if (machine == "aarch64") return "arm64";
  return machine;
}

// systemd's bus_property_get_id128(): the 16 bytes of an id, or none for
// the null id (a unit never started). `hex` is 32 hex digits or "".
int append_id128(sd_bus_message* m, const std::string& hex) {
  std::uint8_t bytes[16];
  if (hex.size() != 2 * sizeof bytes) return sd_bus_message_append_array(m, 'y', nullptr, 0);
  auto digit = [](char c) { return c >= 'a' ? c - 'a' + 10 : c >= 'A' ? c - 'A' + 10 : c - '0'; };
  for (std::size_t i = 0; i < sizeof bytes; ++i)
    bytes[i] = static_cast<std::uint8_t>(digit(hex[2 * i]) * 16 + digit(hex[2 * i + 1]));
  return sd_bus_message_append_array(m, 'y', bytes, sizeof bytes);
}

std::uint32_t n_failed(const Bridge& bridge) {
  std::uint32_t failed = 0;
  for (const auto& [name, s] : bridge.mirror().services()) failed += s.active_state == "failed";
  return failed;
}

bool loaded(const UnitFacts& u) { return u.status && u.status->load_state == "loaded"; }

using ManagerGetter = int (*)(const ManagerFacts&, sd_bus_message*);
using UnitGetter = int (*)(const UnitFacts&, sd_bus_message*);
using JobGetter = int (*)(const JobFacts&, sd_bus_message*);

const std::unordered_map<std::string_view, ManagerGetter>& manager_table() {
  static const std::unordered_map<std::string_view, ManagerGetter> table = {
      {"Version",
       [](const ManagerFacts& f, sd_bus_message* r) {
         return sd_bus_message_append(r, "s", ("252 (vermilion " + f.bridge.version() + ")").c_str());
       }},
      {"Features", [](const ManagerFacts&, sd_bus_message* r) { return sd_bus_message_append(r, "s", "+VERMILION"); }},
      {"Architecture",
       [](const ManagerFacts&, sd_bus_message* r) { return sd_bus_message_append(r, "s", architecture().c_str()); }},
      {"NNames",
       [](const ManagerFacts& f, sd_bus_message* r) {
         return sd_bus_message_append(r, "u", static_cast<std::uint32_t>(f.bridge.mirror().services().size()));
       }},
      {"NJobs",
       [](const ManagerFacts& f, sd_bus_message* r) {
         return sd_bus_message_append(r, "u", static_cast<std::uint32_t>(f.n_jobs));
       }},
      {"NFailedUnits",
       [](const ManagerFacts& f, sd_bus_message* r) { return sd_bus_message_append(r, "u", n_failed(f.bridge)); }},
      {"SystemState",
       [](const ManagerFacts& f, sd_bus_message* r) {
         return sd_bus_message_append(r, "s", n_failed(f.bridge) ? "degraded" : "running");
       }},
      {"Progress", [](const ManagerFacts&, sd_bus_message* r) { return sd_bus_message_append(r, "d", 1.0); }},
      {"DefaultStandardOutput",
       [](const ManagerFacts&, sd_bus_message* r) { return sd_bus_message_append(r, "s", "journal"); }},
      {"DefaultStandardError",
       [](const ManagerFacts&, sd_bus_message* r) { return sd_bus_message_append(r, "s", "inherit"); }},
      // When vermiliond began to serve (systemctl status's "Since:").
      {"UserspaceTimestamp",
       [](const ManagerFacts& f, sd_bus_message* r) {
         auto it = f.bridge.manager_timestamps().find("UserspaceTimestamp");
         return sd_bus_message_append(r, "t", it == f.bridge.manager_timestamps().end() ? 0 : it->second);
       }},
      // systemd's taint flags of the system vermiliond runs on.
      {"Tainted",
       [](const ManagerFacts& f, sd_bus_message* r) {
         auto it = f.bridge.manager_texts().find("Tainted");
         return sd_bus_message_append(r, "s", it == f.bridge.manager_texts().end() ? "" : it->second.c_str());
       }},
      // vermiliond's manager environment and unit search path.
      {"Environment",
       [](const ManagerFacts& f, sd_bus_message* r) {
         auto it = f.bridge.manager_lists().find("Environment");
         return append_strings(r, it == f.bridge.manager_lists().end() ? std::vector<std::string>{} : it->second);
       }},
      {"UnitPath",
       [](const ManagerFacts& f, sd_bus_message* r) {
         auto it = f.bridge.manager_lists().find("UnitPath");
         return append_strings(r, it == f.bridge.manager_lists().end() ? std::vector<std::string>{} : it->second);
       }},
      {"UserspaceTimestampMonotonic",
       [](const ManagerFacts& f, sd_bus_message* r) {
         auto it = f.bridge.manager_timestamps().find("UserspaceTimestampMonotonic");
         return sd_bus_message_append(r, "t", it == f.bridge.manager_timestamps().end() ? 0 : it->second);
       }},
  };
  return table;
}

int not_counted(const UnitFacts&, sd_bus_message* r) { return sd_bus_message_append(r, "t", UINT64_MAX); }

// A µs value of the unit (a timeout as in effect, a timestamp); 0 for a
// unit vermiliond does not have.
template <std::uint64_t ServiceStatus::*field>
int usec(const UnitFacts& u, sd_bus_message* r) {
  return sd_bus_message_append(r, "t", u.status ? u.status->*field : std::uint64_t{0});
}

// A word of the unit (a job mode, an action) in systemd's spelling;
// IPAddressAllow=/IPAddressDeny= as systemd's bus_cgroup_context
// property_get_ip_address_access(): a(iayu), the family, the address
// bytes, the prefix length; from the link's "ADDRESS/LENGTH" words.
int append_address_prefixes(sd_bus_message* r, const std::vector<std::string>& prefixes) {
  int e = sd_bus_message_open_container(r, 'a', "(iayu)");
  for (const std::string& prefix : prefixes) {
    if (e < 0) break;
    const std::size_t slash = prefix.find('/');
    const std::string address = prefix.substr(0, slash);
    unsigned char bytes[16] = {};
    const int family = address.find(':') == std::string::npos ? AF_INET : AF_INET6;
    if (slash == std::string::npos || inet_pton(family, address.c_str(), bytes) != 1) continue;
    const unsigned length = static_cast<unsigned>(std::strtoul(prefix.c_str() + slash + 1, nullptr, 10));
    e = sd_bus_message_open_container(r, 'r', "iayu");
    if (e >= 0) e = sd_bus_message_append(r, "i", family);
    if (e >= 0) e = sd_bus_message_append_array(r, 'y', bytes, family == AF_INET ? 4 : 16);
    if (e >= 0) e = sd_bus_message_append(r, "u", length);
    if (e >= 0) e = sd_bus_message_close_container(r);
  }
  return e < 0 ? e : sd_bus_message_close_container(r);
}

// systemd's default `fallback` for a unit vermiliond does not have.
int word(const UnitFacts& u, sd_bus_message* r, std::string ServiceStatus::*field, const char* fallback) {
  return sd_bus_message_append(r, "s", u.status ? (u.status->*field).c_str() : fallback);
}

// A yes/no of the unit; no for one vermiliond does not have.
template <bool ServiceStatus::*field>
int flag(const UnitFacts& u, sd_bus_message* r) {
  return sd_bus_message_append(r, "b", u.status && u.status->*field);
}

// A dependency list of the unit, empty for one vermiliond does not have.
template <std::vector<std::string> ServiceStatus::*list>
int dependencies(const UnitFacts& u, sd_bus_message* r) {
  return append_strings(r, u.status ? u.status->*list : std::vector<std::string>{});
}

// An Exec*= list as systemd's bus_property_get_exec_command_list() (ex =
// false: a(sasbttttuii)) and bus_property_get_exec_ex_command_list() (ex:
// a(sasasttttuii)). Empty for a unit vermiliond does not have.
template <std::vector<ExecCommandStatus> ServiceStatus::*list, bool ex>
int exec_commands(const UnitFacts& u, sd_bus_message* r) {
  return append_exec_commands(r, u.status ? u.status->*list : std::vector<ExecCommandStatus>{}, ex);
}

const std::unordered_map<std::string_view, UnitGetter>& unit_table() {
  static const std::unordered_map<std::string_view, UnitGetter> table = {
      {"Id", [](const UnitFacts& u, sd_bus_message* r) { return sd_bus_message_append(r, "s", std::string(u.name).c_str()); }},
      {"Names",
       [](const UnitFacts& u, sd_bus_message* r) { return sd_bus_message_append(r, "as", 1, std::string(u.name).c_str()); }},
      {"Description",
       [](const UnitFacts& u, sd_bus_message* r) {
         std::string d = u.status && !u.status->description.empty() ? u.status->description : std::string(u.name);
         return sd_bus_message_append(r, "s", d.c_str());
       }},
      {"LoadState",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "s", u.status ? u.status->load_state.c_str() : "not-found");
       }},
      {"ActiveState",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "s", u.status ? u.status->active_state.c_str() : "inactive");
       }},
      {"SubState",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "s", u.status ? u.status->sub_state.c_str() : "dead");
       }},
      // Vermilion never freezes a unit.
      {"FreezerState", [](const UnitFacts&, sd_bus_message* r) { return sd_bus_message_append(r, "s", "running"); }},
      {"ActiveEnterTimestamp", &usec<&ServiceStatus::active_enter_timestamp>},
      {"InactiveEnterTimestamp", &usec<&ServiceStatus::inactive_enter_timestamp>},
      {"ActiveExitTimestamp", &usec<&ServiceStatus::active_exit_timestamp>},
      {"InactiveExitTimestamp", &usec<&ServiceStatus::inactive_exit_timestamp>},
      {"ActiveEnterTimestampMonotonic", &usec<&ServiceStatus::active_enter_timestamp_monotonic>},
      {"ActiveExitTimestampMonotonic", &usec<&ServiceStatus::active_exit_timestamp_monotonic>},
      {"InactiveEnterTimestampMonotonic", &usec<&ServiceStatus::inactive_enter_timestamp_monotonic>},
      {"InactiveExitTimestampMonotonic", &usec<&ServiceStatus::inactive_exit_timestamp_monotonic>},
      {"StateChangeTimestamp", &usec<&ServiceStatus::state_change_timestamp>},
      {"StateChangeTimestampMonotonic", &usec<&ServiceStatus::state_change_timestamp_monotonic>},
      {"ConditionTimestamp", &usec<&ServiceStatus::condition_timestamp>},
      {"ConditionTimestampMonotonic", &usec<&ServiceStatus::condition_timestamp_monotonic>},
      {"AssertTimestamp", &usec<&ServiceStatus::assert_timestamp>},
      {"AssertTimestampMonotonic", &usec<&ServiceStatus::assert_timestamp_monotonic>},
      {"Conditions",
       [](const UnitFacts& u, sd_bus_message* r) {
         return append_conditions(r, u.status ? u.status->conditions : std::vector<ConditionStatus>{});
       }},
      {"Asserts",
       [](const UnitFacts& u, sd_bus_message* r) {
         return append_conditions(r, u.status ? u.status->asserts : std::vector<ConditionStatus>{});
       }},
      {"NeedDaemonReload", &flag<&ServiceStatus::need_daemon_reload>},
      // Vermilion makes no transient units, and no unit follows another
      // (systemd's Following is for device units' aliases).
      {"Transient", [](const UnitFacts&, sd_bus_message* r) { return sd_bus_message_append(r, "b", 0); }},
      {"Following", [](const UnitFacts&, sd_bus_message* r) { return sd_bus_message_append(r, "s", ""); }},
      {"CanStart", [](const UnitFacts& u, sd_bus_message* r) { return sd_bus_message_append(r, "b", loaded(u)); }},
      {"CanStop", [](const UnitFacts& u, sd_bus_message* r) { return sd_bus_message_append(r, "b", loaded(u)); }},
      {"CanReload",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "b", loaded(u) && u.status->can_reload);
       }},
      {"FragmentPath",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "s", u.status ? u.status->fragment_path.c_str() : "");
       }},
      {"InvocationID",
       [](const UnitFacts& u, sd_bus_message* r) {
         return append_id128(r, u.status ? u.status->invocation_id : std::string());
       }},
      {"DropInPaths", &dependencies<&ServiceStatus::drop_in_paths>},
      {"Documentation", &dependencies<&ServiceStatus::documentation>},
      {"RequiresMountsFor", &dependencies<&ServiceStatus::requires_mounts_for>},
      {"UnitFileState",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "s", std::string(u.unit_file_state).c_str());
       }},
      // vermiliond's preset policy for the unit's file (units/unit_presets.h);
      // "" when it cannot tell, and systemctl status then shows no "preset:".
      {"UnitFilePreset",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "s", std::string(u.unit_file_preset).c_str());
       }},
      {"Requires", &dependencies<&ServiceStatus::requires_>},
      {"Wants", &dependencies<&ServiceStatus::wants>},
      {"BindsTo", &dependencies<&ServiceStatus::binds_to>},
      {"Requisite", &dependencies<&ServiceStatus::requisite>},
      {"Conflicts", &dependencies<&ServiceStatus::conflicts>},
      {"Before", &dependencies<&ServiceStatus::before>},
      {"After", &dependencies<&ServiceStatus::after>},
      {"OnFailure", &dependencies<&ServiceStatus::on_failure>},
      {"OnSuccess", &dependencies<&ServiceStatus::on_success>},
      {"PartOf", &dependencies<&ServiceStatus::part_of>},
      {"PropagatesStopTo", &dependencies<&ServiceStatus::propagates_stop_to>},
      {"StopPropagatedFrom", &dependencies<&ServiceStatus::stop_propagated_from>},
      {"PropagatesReloadTo", &dependencies<&ServiceStatus::propagates_reload_to>},
      {"ReloadPropagatedFrom", &dependencies<&ServiceStatus::reload_propagated_from>},
      {"Upholds", &dependencies<&ServiceStatus::upholds>},
      {"UpheldBy", &dependencies<&ServiceStatus::upheld_by>},
      {"StopWhenUnneeded",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "b", u.status && u.status->stop_when_unneeded ? 1 : 0);
       }},
      {"AllowIsolate",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "b", u.status && u.status->allow_isolate ? 1 : 0);
       }},
      {"IgnoreOnIsolate",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "b", u.status && u.status->ignore_on_isolate ? 1 : 0);
       }},
      {"RequiredBy", &dependencies<&ServiceStatus::required_by>},
      {"WantedBy", &dependencies<&ServiceStatus::wanted_by>},
      {"BoundBy", &dependencies<&ServiceStatus::bound_by>},
      {"RequisiteOf", &dependencies<&ServiceStatus::requisite_of>},
      {"ConsistsOf", &dependencies<&ServiceStatus::consists_of>},
      {"ConflictedBy", &dependencies<&ServiceStatus::conflicted_by>},
      {"OnFailureOf", &dependencies<&ServiceStatus::on_failure_of>},
      {"OnSuccessOf", &dependencies<&ServiceStatus::on_success_of>},
      {"Job",
       [](const UnitFacts& u, sd_bus_message* r) {
         if (!u.job_id) return sd_bus_message_append(r, "(uo)", 0, "/");
         return sd_bus_message_append(r, "(uo)", u.job_id, job_object_path(u.job_id).c_str());
       }},
      {"LoadError",
       [](const UnitFacts& u, sd_bus_message* r) {
         const std::string name(u.name);
         const ServiceStatus* s = u.status;
         if (!s || s->load_state == "not-found")
           return sd_bus_message_append(r, "(ss)", en::kNoSuchUnit, ("Unit " + name + " not found.").c_str());
         if (s->load_state == "bad-setting")
           return sd_bus_message_append(r, "(ss)", en::kBadUnitSetting,
                                        ("Unit " + name + " has a bad unit file setting.").c_str());
         if (s->load_state == "masked")
           return sd_bus_message_append(r, "(ss)", en::kUnitMasked, ("Unit " + name + " is masked.").c_str());
         if (s->load_state == "error")
           return sd_bus_message_append(r, "(ss)", en::kLoadFailed,
                                        ("Unit " + name + " failed to load properly.").c_str());
         return sd_bus_message_append(r, "(ss)", "", "");
       }},
      {"ConditionResult", &flag<&ServiceStatus::condition_result>},
      {"AssertResult", &flag<&ServiceStatus::assert_result>},
      {"CollectMode", [](const UnitFacts&, sd_bus_message* r) { return sd_bus_message_append(r, "s", "inactive"); }},
      {"OnFailureJobMode",
       [](const UnitFacts& u, sd_bus_message* r) { return word(u, r, &ServiceStatus::on_failure_job_mode, "replace"); }},
      {"OnSuccessJobMode",
       [](const UnitFacts& u, sd_bus_message* r) { return word(u, r, &ServiceStatus::on_success_job_mode, "replace"); }},
      {"StartLimitAction",
       [](const UnitFacts& u, sd_bus_message* r) { return word(u, r, &ServiceStatus::start_limit_action, "none"); }},
      {"JobTimeoutAction",
       [](const UnitFacts& u, sd_bus_message* r) { return word(u, r, &ServiceStatus::job_timeout_action, "none"); }},
      // infinity (systemd's default) for a unit vermiliond does not have.
      {"JobTimeoutUSec",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "t", u.status ? u.status->job_timeout_usec : UINT64_MAX);
       }},
      {"JobRunningTimeoutUSec",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "t", u.status ? u.status->job_running_timeout_usec : UINT64_MAX);
       }},
      // systemd's defaults (DefaultStartLimitIntervalSec=10s, Burst=5) for a
      // unit vermiliond does not have.
      {"StartLimitIntervalUSec",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "t", u.status ? u.status->start_limit_interval_usec : UINT64_C(10000000));
       }},
      {"StartLimitBurst",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "u", u.status ? u.status->start_limit_burst : 5u);
       }},
      {"FailureAction",
       [](const UnitFacts& u, sd_bus_message* r) { return word(u, r, &ServiceStatus::failure_action, "none"); }},
      {"SuccessAction",
       [](const UnitFacts& u, sd_bus_message* r) { return word(u, r, &ServiceStatus::success_action, "none"); }},
      {"JobTimeoutAction", [](const UnitFacts&, sd_bus_message* r) { return sd_bus_message_append(r, "s", "none"); }},
      {"DefaultDependencies",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "b", u.status ? u.status->default_dependencies : true);
       }},
      {"RefuseManualStart", &flag<&ServiceStatus::refuse_manual_start>},
      {"RefuseManualStop", &flag<&ServiceStatus::refuse_manual_stop>},
  };
  return table;
}

const std::unordered_map<std::string_view, UnitGetter>& service_table() {
  static const std::unordered_map<std::string_view, UnitGetter> table = {
      // The counters come from vermiliond when asked (Systemd1Server::
      // properties_with_counters()); this is the answer without them: a
      // caller without `status`, a unit that is no loaded service.
      {"MemoryCurrent", &not_counted},  // is_counter()'s three
      {"TasksCurrent", &not_counted},
      {"CPUUsageNSec", &not_counted},
      {"MainPID",
       [](const UnitFacts& u, sd_bus_message* r) { return sd_bus_message_append(r, "u", u.status ? u.status->main_pid : 0); }},
      {"ExecMainPID",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "u", u.status ? u.status->exec_main_pid : 0);
       }},
      {"ExecMainStatus",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "i", u.status ? u.status->exec_main_status : 0);
       }},
      {"ExecMainCode",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "i", u.status ? u.status->exec_main_code : 0);
       }},
      {"ExecMainStartTimestamp", &usec<&ServiceStatus::exec_main_start_timestamp>},
      {"ExecMainStartTimestampMonotonic", &usec<&ServiceStatus::exec_main_start_timestamp_monotonic>},
      {"ExecMainExitTimestampMonotonic", &usec<&ServiceStatus::exec_main_exit_timestamp_monotonic>},
      {"ExecMainExitTimestamp", &usec<&ServiceStatus::exec_main_exit_timestamp>},
      {"Result",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "s", u.status ? u.status->result.c_str() : "success");
       }},
      {"StatusText",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "s", u.status ? u.status->status_text.c_str() : "");
       }},
      {"FileDescriptorStoreMax",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "u", u.status ? u.status->file_descriptor_store_max : 0);
       }},
      {"NFileDescriptorStore",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "u", u.status ? u.status->n_file_descriptor_store : 0);
       }},
      {"NRestarts",
       [](const UnitFacts& u, sd_bus_message* r) { return sd_bus_message_append(r, "u", u.status ? u.status->n_restarts : 0); }},
      {"Type",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "s", u.status && !u.status->type.empty() ? u.status->type.c_str() : "simple");
       }},
      {"Restart",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "s", u.status && !u.status->restart.empty() ? u.status->restart.c_str() : "no");
       }},
      // Its cgroup while it has processes; systemctl status then shows the
      // tree GetUnitProcesses gives.
      {"ControlGroup",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "s", u.status ? u.status->control_group.c_str() : "");
       }},
      // How vermiliond stops it, from its unit file (systemd's defaults
      // for a unit vermiliond does not have).
      {"KillMode",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "s", u.status && !u.status->kill_mode.empty() ? u.status->kill_mode.c_str()
                                                                                     : "control-group");
       }},
      {"KillSignal",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "i", u.status ? u.status->kill_signal : SIGTERM);
       }},
      {"BusName",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "s", u.status ? u.status->bus_name.c_str() : "");
       }},
      {"SyslogIdentifier",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "s", u.status ? u.status->syslog_identifier.c_str() : "");
       }},
      {"SyslogPriority",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "i", u.status ? u.status->syslog_priority : 30);
       }},
      {"SyslogLevel",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "i", (u.status ? u.status->syslog_priority : 30) & 7);
       }},
      {"SyslogFacility",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "i", (u.status ? u.status->syslog_priority : 30) >> 3);
       }},
      {"SyslogLevelPrefix", &flag<&ServiceStatus::syslog_level_prefix>},
      {"LogLevelMax",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "i", u.status ? u.status->log_level_max : -1);
       }},
      {"RestartKillSignal",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "i", u.status ? u.status->restart_kill_signal : SIGTERM);
       }},
      {"FinalKillSignal",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "i", u.status ? u.status->final_kill_signal : SIGKILL);
       }},
      {"SendSIGKILL",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "b", u.status ? u.status->send_sigkill : true);
       }},
      {"NotifyAccess",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "s", u.status && !u.status->notify_access.empty()
                                                  ? u.status->notify_access.c_str()
                                                  : "none");
       }},
      {"WatchdogSignal",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "i", u.status ? u.status->watchdog_signal : SIGABRT);
       }},
      {"RestartUSec", &usec<&ServiceStatus::restart_usec>},
      {"TimeoutStartUSec", &usec<&ServiceStatus::timeout_start_usec>},
      {"TimeoutStopUSec", &usec<&ServiceStatus::timeout_stop_usec>},
      {"TimeoutAbortUSec", &usec<&ServiceStatus::timeout_abort_usec>},
      {"RuntimeMaxUSec", &usec<&ServiceStatus::runtime_max_usec>},
      {"RuntimeRandomizedExtraUSec", &usec<&ServiceStatus::runtime_randomized_extra_usec>},
      {"WatchdogUSec", &usec<&ServiceStatus::watchdog_usec>},
      {"CapabilityBoundingSet",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "t", u.status ? u.status->capability_bounding_set : UINT64_MAX);
       }},
      {"IgnoreSIGPIPE",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "b", u.status ? u.status->ignore_sigpipe : true);
       }},
      {"PrivateTmp", &flag<&ServiceStatus::private_tmp>},
      {"ProtectSystem",
       [](const UnitFacts& u, sd_bus_message* r) { return word(u, r, &ServiceStatus::protect_system, "no"); }},
      {"ProtectHome",
       [](const UnitFacts& u, sd_bus_message* r) { return word(u, r, &ServiceStatus::protect_home, "no"); }},
      {"ProtectKernelTunables", &flag<&ServiceStatus::protect_kernel_tunables>},
      {"ProtectControlGroups", &flag<&ServiceStatus::protect_control_groups>},
      {"ProtectHostname", &flag<&ServiceStatus::protect_hostname>},
      {"PrivateNetwork", &flag<&ServiceStatus::private_network>},
      {"PrivateIPC", &flag<&ServiceStatus::private_ipc>},
      {"PrivateUsers", &flag<&ServiceStatus::private_users>},
      {"PrivateMounts", &flag<&ServiceStatus::private_mounts>},
      {"MountFlags",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "t", u.status ? u.status->mount_flags : std::uint64_t{0});
       }},
      {"RestrictRealtime", &flag<&ServiceStatus::restrict_realtime>},
      {"LockPersonality", &flag<&ServiceStatus::lock_personality>},
      {"RestrictSUIDSGID", &flag<&ServiceStatus::restrict_suid_sgid>},
      {"ProtectKernelModules", &flag<&ServiceStatus::protect_kernel_modules>},
      {"ProtectKernelLogs", &flag<&ServiceStatus::protect_kernel_logs>},
      {"ProtectClock", &flag<&ServiceStatus::protect_clock>},
      {"PrivateDevices", &flag<&ServiceStatus::private_devices>},
      {"DevicePolicy",
       [](const UnitFacts& u, sd_bus_message* r) { return word(u, r, &ServiceStatus::device_policy, "auto"); }},
      {"IPAddressAllow",
       [](const UnitFacts& u, sd_bus_message* r) {
         return append_address_prefixes(r, u.status ? u.status->ip_address_allow : std::vector<std::string>{});
       }},
      {"IPAddressDeny",
       [](const UnitFacts& u, sd_bus_message* r) {
         return append_address_prefixes(r, u.status ? u.status->ip_address_deny : std::vector<std::string>{});
       }},
      {"DeviceAllow",
       [](const UnitFacts& u, sd_bus_message* r) {
         int e = sd_bus_message_open_container(r, 'a', "(ss)");
         if (u.status) {
           const auto& paths = u.status->device_allow_paths;
           const auto& rights = u.status->device_allow_rights;
           for (std::size_t i = 0; e >= 0 && i < paths.size(); ++i)
             e = sd_bus_message_append(r, "(ss)", paths[i].c_str(), i < rights.size() ? rights[i].c_str() : "");
         }
         return e < 0 ? e : sd_bus_message_close_container(r);
       }},
      {"RestrictNamespaces",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "t", u.status ? u.status->restrict_namespaces : ~std::uint64_t{0});
       }},
      {"MemoryDenyWriteExecute", &flag<&ServiceStatus::memory_deny_write_execute>},
      {"RemoveIPC", &flag<&ServiceStatus::remove_ipc>},
      {"ProtectProc",
       [](const UnitFacts& u, sd_bus_message* r) { return word(u, r, &ServiceStatus::protect_proc, "default"); }},
      {"KeyringMode",
       [](const UnitFacts& u, sd_bus_message* r) { return word(u, r, &ServiceStatus::keyring_mode, "inherit"); }},
      {"TimeoutStartFailureMode",
       [](const UnitFacts& u, sd_bus_message* r) {
         return word(u, r, &ServiceStatus::timeout_start_failure_mode, "terminate");
       }},
      {"TimeoutStopFailureMode",
       [](const UnitFacts& u, sd_bus_message* r) {
         return word(u, r, &ServiceStatus::timeout_stop_failure_mode, "terminate");
       }},
      {"UtmpIdentifier",
       [](const UnitFacts& u, sd_bus_message* r) { return word(u, r, &ServiceStatus::utmp_identifier, ""); }},
      {"UtmpMode", [](const UnitFacts& u, sd_bus_message* r) { return word(u, r, &ServiceStatus::utmp_mode, "init"); }},
      {"ProcSubset",
       [](const UnitFacts& u, sd_bus_message* r) { return word(u, r, &ServiceStatus::proc_subset, "all"); }},
      {"RestrictAddressFamilies",
       [](const UnitFacts& u, sd_bus_message* r) {
         int e = sd_bus_message_open_container(r, 'r', "bas");
         if (e >= 0) e = sd_bus_message_append(r, "b", u.status && u.status->restrict_address_families_allow_list);
         if (e >= 0) e = append_strings(r, u.status ? u.status->restrict_address_families : std::vector<std::string>{});
         return e < 0 ? e : sd_bus_message_close_container(r);
       }},
      {"SystemCallFilter",
       [](const UnitFacts& u, sd_bus_message* r) {
         int e = sd_bus_message_open_container(r, 'r', "bas");
         if (e >= 0) e = sd_bus_message_append(r, "b", u.status && u.status->system_call_filter_allow_list);
         if (e >= 0) e = append_strings(r, u.status ? u.status->system_call_filter : std::vector<std::string>{});
         return e < 0 ? e : sd_bus_message_close_container(r);
       }},
      {"SystemCallErrorNumber",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "i", u.status ? u.status->system_call_error_number : INT32_MAX - 1);
       }},
      {"SystemCallArchitectures", &dependencies<&ServiceStatus::system_call_architectures>},
      {"ReadWritePaths", &dependencies<&ServiceStatus::read_write_paths>},
      {"ReadOnlyPaths", &dependencies<&ServiceStatus::read_only_paths>},
      {"InaccessiblePaths", &dependencies<&ServiceStatus::inaccessible_paths>},
      {"ExecPaths", &dependencies<&ServiceStatus::exec_paths>},
      {"NoExecPaths", &dependencies<&ServiceStatus::no_exec_paths>},
      {"AmbientCapabilities",
       [](const UnitFacts& u, sd_bus_message* r) {
         return sd_bus_message_append(r, "t", u.status ? u.status->ambient_capabilities : std::uint64_t{0});
       }},
      {"ExecCondition", &exec_commands<&ServiceStatus::exec_condition, false>},
      {"ExecConditionEx", &exec_commands<&ServiceStatus::exec_condition, true>},
      {"ExecStartPre", &exec_commands<&ServiceStatus::exec_start_pre, false>},
      {"ExecStartPreEx", &exec_commands<&ServiceStatus::exec_start_pre, true>},
      {"ExecStart", &exec_commands<&ServiceStatus::exec_start, false>},
      {"ExecStartEx", &exec_commands<&ServiceStatus::exec_start, true>},
      {"ExecStartPost", &exec_commands<&ServiceStatus::exec_start_post, false>},
      {"ExecStartPostEx", &exec_commands<&ServiceStatus::exec_start_post, true>},
      {"ExecReload", &exec_commands<&ServiceStatus::exec_reload, false>},
      {"ExecReloadEx", &exec_commands<&ServiceStatus::exec_reload, true>},
      {"ExecStop", &exec_commands<&ServiceStatus::exec_stop, false>},
      {"ExecStopEx", &exec_commands<&ServiceStatus::exec_stop, true>},
      {"ExecStopPost", &exec_commands<&ServiceStatus::exec_stop_post, false>},
      {"ExecStopPostEx", &exec_commands<&ServiceStatus::exec_stop_post, true>},
  };
  return table;
}

const std::unordered_map<std::string_view, JobGetter>& job_table() {
  static const std::unordered_map<std::string_view, JobGetter> table = {
      {"Id", [](const JobFacts& j, sd_bus_message* r) { return sd_bus_message_append(r, "u", j.id); }},
      {"Unit",
       [](const JobFacts& j, sd_bus_message* r) {
         return sd_bus_message_append(r, "(so)", std::string(j.unit).c_str(), unit_object_path(j.unit).c_str());
       }},
      {"JobType",
       [](const JobFacts& j, sd_bus_message* r) { return sd_bus_message_append(r, "s", std::string(j.type).c_str()); }},
      {"State",
       [](const JobFacts& j, sd_bus_message* r) { return sd_bus_message_append(r, "s", std::string(j.state).c_str()); }},
  };
  return table;
}

template <typename Table, typename Facts>
int append_from(const Table& table, const Facts& facts, std::string_view property, sd_bus_message* reply) {
  auto it = table.find(property);
  if (it == table.end()) return -ENOENT;
  return it->second(facts, reply);
}

}  // namespace

int append_manager_property(const ManagerFacts& manager, std::string_view property, sd_bus_message* reply) {
  return append_from(manager_table(), manager, property, reply);
}
int append_unit_property(const UnitFacts& unit, std::string_view property, sd_bus_message* reply) {
  return append_from(unit_table(), unit, property, reply);
}
int append_service_property(const UnitFacts& unit, std::string_view property, sd_bus_message* reply) {
  return append_from(service_table(), unit, property, reply);
}
int append_job_property(const JobFacts& job, std::string_view property, sd_bus_message* reply) {
  return append_from(job_table(), job, property, reply);
}

bool is_counter(std::string_view p) { return p == "MemoryCurrent" || p == "TasksCurrent" || p == "CPUUsageNSec"; }

int append_counter(const ResourceUsage& usage, std::string_view p, sd_bus_message* reply) {
  if (p == "MemoryCurrent") return sd_bus_message_append(reply, "t", usage.memory_current_bytes);
  if (p == "TasksCurrent") return sd_bus_message_append(reply, "t", usage.tasks_current);
  if (p == "CPUUsageNSec") return sd_bus_message_append(reply, "t", usage.cpu_usage_nsec);
  return -ENOENT;
}

bool is_not_available(std::string_view interface, std::string_view p) {
  if (interface != kSystemdServiceInterface) return false;
  return p == "MemoryAvailable" || p == "IPIngressBytes" || p == "IPIngressPackets" || p == "IPEgressBytes" || p == "IPEgressPackets" ||
         p == "IOReadBytes" || p == "IOReadOperations" || p == "IOWriteBytes" || p == "IOWriteOperations" ||
         p == "MemoryHigh" || p == "MemoryMax" || p == "MemorySwapMax" || p == "MemoryLimit" || p == "TasksMax" ||
         p == "CPUQuotaPerSecUSec" || p == "CPUWeight" || p == "StartupCPUWeight" || p == "CPUShares" ||
         p == "StartupCPUShares" || p == "IOWeight" || p == "StartupIOWeight" || p == "BlockIOWeight" ||
         p == "StartupBlockIOWeight" || p == "MemoryZSwapMax" || p == "DefaultMemoryMin" ||
         p == "CPUQuotaPeriodUSec" || p == "TimeoutCleanUSec" || p == "RestartMaxDelayUSec";
}

std::vector<std::string> served_properties() {
  std::vector<std::string> out;
  auto add = [&](const char* interface, const auto& table) {
    for (const auto& [name, getter] : table) out.push_back(std::string(interface) + "." + std::string(name));
  };
  add(kManagerInterface, manager_table());
  add(kUnitInterface, unit_table());
  add(kSystemdServiceInterface, service_table());
  add(kJobInterface, job_table());
  return out;
}

}  // namespace vermilion::bridge::systemd1
