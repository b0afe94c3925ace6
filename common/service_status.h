// One service's state in systemd's words (load_state "loaded", active_state
// "active", sub_state "running", result "success", ...): the snapshot the
// manager takes at each change, the org.vermilion1.Service properties the
// bridge mirrors, and what vermilionctl shows. One struct for all three, as
// they are one set of facts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/condition_status.h"
#include "common/exec_command_status.h"

namespace vermilion {

struct ServiceStatus {
  std::string name;  // "web.service"
  std::string description;
  std::string load_state;  // loaded, not-found, bad-setting, error, masked
  std::string active_state;
  std::string sub_state;
  std::string result;
  std::uint32_t main_pid = 0;
  std::int32_t exec_main_status = 0;  // exit status, or the signal that ended it
  std::uint32_t n_restarts = 0;
  // FileDescriptorStoreMax=, and how many fds the store holds now.
  std::uint32_t file_descriptor_store_max = 0, n_file_descriptor_store = 0;
  std::uint64_t active_enter_timestamp = 0;    // realtime µs; 0 if never
  std::uint64_t inactive_enter_timestamp = 0;  // realtime µs; 0 if never
  // The service's own word on what it is doing: its last STATUS= through
  // sd_notify (systemd's StatusText), UTF-8; "" when it said none this run.
  std::string status_text;

  // What systemctl status and show read beyond the state (org.freedesktop.
  // systemd1.Unit and .Service of systemd 252, same names and types). Only
  // the private link and the compat face carry these; org.vermilion1.Service
  // does not (yet) have them.
  std::string fragment_path;              // the unit file loaded; "" if none
  std::vector<std::string> drop_in_paths;  // the drop-ins applied, in order
  std::vector<std::string> documentation;  // Documentation= URIs, in order
  // Paths whose mounts it requires: RequiresMountsFor= and what its other
  // keys imply (SystemOps::mounts_required_by()).
  std::vector<std::string> requires_mounts_for;
  // Dependencies, unit names: [Unit] and the .wants/ and .requires/
  // directories, and (as the manager reports them) the implicit ones of
  // DefaultDependencies= and the other side of each ordering.
  std::vector<std::string> requires_, wants, binds_to, requisite, conflicts, before, after;
  std::vector<std::string> part_of;  // PartOf=
  // PropagatesStopTo=/PropagatesReloadTo= and their inverses, each edge as
  // systemd lists it whichever side named it.
  std::vector<std::string> propagates_stop_to, stop_propagated_from, propagates_reload_to, reload_propagated_from;
  std::vector<std::string> upholds, upheld_by;  // Upholds= and its inverse
  bool stop_when_unneeded = false;              // StopWhenUnneeded=
  bool allow_isolate = false;                   // AllowIsolate=
  bool ignore_on_isolate = false;               // IgnoreOnIsolate=
  // The inverses: the units whose lists above (and OnFailure=/OnSuccess=)
  // name this one (systemd's RequiredBy, WantedBy, ..., OnSuccessOf).
  std::vector<std::string> required_by, wanted_by, bound_by, requisite_of, consists_of, conflicted_by, on_failure_of,
      on_success_of;
  std::uint64_t active_exit_timestamp = 0;    // realtime µs; 0 if never
  std::uint64_t inactive_exit_timestamp = 0;  // realtime µs; 0 if never
  std::uint64_t exec_main_start_timestamp = 0;  // realtime µs of the last main process's start
  std::uint64_t exec_main_exit_timestamp = 0;   // ... and of its end; 0 if never / still running
  std::uint32_t exec_main_pid = 0;  // the last main process, kept after it ended (systemd's ExecMainPID)
  std::int32_t exec_main_code = 0;  // CLD_EXITED, CLD_KILLED, CLD_DUMPED; 0 while it runs
  std::string type;                 // Type=: simple, exec, notify, oneshot, forking, idle, dbus
  std::string bus_name;             // BusName=, "" if none
  std::string restart;              // Restart=: no, on-failure, always, ...
  bool can_reload = false;          // it has ExecReload=
  std::string control_group;        // its cgroup while it has processes ("/a/vermilion-1/web.service"), else ""
  // How it is stopped and who may notify (systemd's words and numbers).
  std::string kill_mode;            // KillMode=: control-group, mixed, process, none
  std::int32_t kill_signal = 0;     // KillSignal=
  std::int32_t restart_kill_signal = 0;  // RestartKillSignal=, else KillSignal=
  std::int32_t final_kill_signal = 0;    // FinalKillSignal=
  // How its output is labelled in the journal: SyslogIdentifier= ("": the
  // default), the priority (facility << 3 | level: SyslogFacility=,
  // SyslogLevel=), SyslogLevelPrefix=, LogLevelMax= (-1: none).
  std::string syslog_identifier;
  std::int32_t syslog_priority = 30;
  bool syslog_level_prefix = true;
  std::int32_t log_level_max = -1;
  bool send_sigkill = true;              // SendSIGKILL=
  std::string notify_access;             // NotifyAccess=, as in effect: none, main, exec, all
  // Its timeouts as in effect, µs; UINT64_MAX is infinity (systemd's
  // USEC_INFINITY), 0 off where systemd says so.
  std::uint64_t restart_usec = 0;         // RestartSec=
  std::uint64_t timeout_start_usec = 0;   // TimeoutStartSec= (infinity for a oneshot without it)
  std::uint64_t timeout_stop_usec = 0;    // TimeoutStopSec=
  std::uint64_t timeout_abort_usec = 0;   // TimeoutAbortSec=, else TimeoutStopSec=
  std::uint64_t runtime_max_usec = 0;     // RuntimeMaxSec=
  std::uint64_t runtime_randomized_extra_usec = 0;  // RuntimeRandomizedExtraSec=
  std::uint64_t watchdog_usec = 0;        // WatchdogSec=, 0: off
  std::int32_t watchdog_signal = 0;       // WatchdogSignal=
  // $INVOCATION_ID of the current (or last) activation, 32 hex digits; ""
  // before the first start. systemd's InvocationID is its 16 bytes (ay):
  // the systemd1 face turns it into those.
  std::string invocation_id;
  // OnFailure=/OnSuccess= (unit names), their job modes and the
  // SuccessAction=/FailureAction= (systemd's words: "replace", "exit-force").
  std::vector<std::string> on_failure, on_success;
  std::string on_failure_job_mode = "replace";
  std::string on_success_job_mode = "fail";
  std::string success_action = "none";
  std::string failure_action = "none";
  bool default_dependencies = true;  // DefaultDependencies=
  bool refuse_manual_start = false;  // RefuseManualStart=
  bool refuse_manual_stop = false;   // RefuseManualStop=
  // The Exec*= lists of the unit file as loaded, each command with its last
  // run since the unit last started (systemd's ExecConditionEx, ...,
  // ExecStopPostEx; the bridge derives ExecCondition, ... from them).
  std::vector<ExecCommandStatus> exec_condition, exec_start_pre, exec_start, exec_start_post, exec_reload, exec_stop,
      exec_stop_post;
  // The monotonic twins of the timestamps above (CLOCK_MONOTONIC µs, 0 if
  // never), as systemd's dual timestamps.
  std::uint64_t active_enter_timestamp_monotonic = 0, active_exit_timestamp_monotonic = 0;
  std::uint64_t inactive_enter_timestamp_monotonic = 0, inactive_exit_timestamp_monotonic = 0;
  std::uint64_t exec_main_start_timestamp_monotonic = 0, exec_main_exit_timestamp_monotonic = 0;
  // The last change of state, any sub-state (systemd's StateChangeTimestamp).
  std::uint64_t state_change_timestamp = 0, state_change_timestamp_monotonic = 0;
  // The last test of the conditions (at a start) and of the asserts (once
  // the conditions held): its outcome and when; false and 0 before the first
  // (systemd's ConditionResult, ConditionTimestamp, AssertResult, ...).
  bool condition_result = false, assert_result = false;
  std::uint64_t condition_timestamp = 0, condition_timestamp_monotonic = 0;
  std::uint64_t assert_timestamp = 0, assert_timestamp_monotonic = 0;
  // The Condition*= of the unit as loaded, in systemd's order (last
  // assignment first), each with its last test.
  std::vector<ConditionStatus> conditions;
  std::vector<ConditionStatus> asserts;  // the Assert*=, the same way
  // Its unit file or drop-ins changed on disk since they were loaded: a
  // daemon-reload would load it differently (systemd's NeedDaemonReload).
  bool need_daemon_reload = false;
  // The start limit: StartLimitIntervalSec= (µs), StartLimitBurst=,
  // StartLimitAction= ("none", "exit", ...).
  std::uint64_t start_limit_interval_usec = 0;
  std::uint32_t start_limit_burst = 0;
  std::string start_limit_action = "none";
  // JobTimeoutSec=, JobRunningTimeoutSec= (µs, UINT64_MAX for none) and
  // JobTimeoutAction=.
  std::uint64_t job_timeout_usec = UINT64_MAX;
  std::uint64_t job_running_timeout_usec = UINT64_MAX;
  std::string job_timeout_action = "none";
  // CapabilityBoundingSet= and AmbientCapabilities=: bit N for capability
  // N (UINT64_MAX: none dropped).
  std::uint64_t capability_bounding_set = UINT64_MAX;
  std::uint64_t ambient_capabilities = 0;
  bool ignore_sigpipe = true;  // IgnoreSIGPIPE=
  bool private_tmp = false;    // PrivateTmp=
  std::string protect_system = "no";  // ProtectSystem=: no, yes, full, strict
  std::string protect_home = "no";    // ProtectHome=: no, yes, read-only, tmpfs
  bool protect_kernel_tunables = false, protect_control_groups = false;
  // ProtectHostname=, RestrictRealtime=, LockPersonality=, RestrictSUIDSGID=.
  bool protect_hostname = false, restrict_realtime = false, lock_personality = false, restrict_suid_sgid = false;
  bool protect_kernel_modules = false, protect_kernel_logs = false, protect_clock = false, private_devices = false;
  bool private_network = false, private_ipc = false;  // PrivateNetwork=, PrivateIPC=
  // DevicePolicy= (auto, closed, strict) and DeviceAllow= (its paths and
  // their rights, "rwm" or fewer, newest first: the two halves of
  // systemd's "a(ss)").
  std::string device_policy = "auto";
  std::vector<std::string> device_allow_paths, device_allow_rights;
  // IPAddressAllow=, IPAddressDeny=: "ADDRESS/LENGTH" each, sorted.
  std::vector<std::string> ip_address_allow, ip_address_deny;
  bool private_users = false;                         // PrivateUsers=
  bool private_mounts = false;                        // PrivateMounts= (false when unset)
  std::uint64_t mount_flags = 0;                      // MountFlags=: MS_SHARED, MS_SLAVE, MS_PRIVATE or 0
  std::uint64_t restrict_namespaces = ~std::uint64_t{0};  // RestrictNamespaces=: CLONE_NEW* flags retained
  bool memory_deny_write_execute = false;                  // MemoryDenyWriteExecute=
  bool remove_ipc = false;                                 // RemoveIPC=
  std::string protect_proc = "default";                    // ProtectProc=
  std::string keyring_mode = "inherit";                    // KeyringMode= in effect
  std::string utmp_identifier;                             // UtmpIdentifier=
  std::string utmp_mode = "init";                          // UtmpMode=
  std::string timeout_start_failure_mode = "terminate";    // TimeoutStartFailureMode=
  std::string timeout_stop_failure_mode = "terminate";     // TimeoutStopFailureMode=
  std::string proc_subset = "all";                         // ProcSubset=
  // RestrictAddressFamilies= (AF_* names, sorted; and whether they are an
  // allow list: the two halves of systemd's "(bas)").
  std::vector<std::string> restrict_address_families;
  bool restrict_address_families_allow_list = false;
  // SystemCallFilter= (its calls by name, sorted, ":ERRNO" where a call has
  // its own; and whether it is an allow list), SystemCallErrorNumber= (the
  // errno, or systemd's INT_MAX - 1 for kill), SystemCallArchitectures=
  // (systemd's names, sorted).
  std::vector<std::string> system_call_filter;
  bool system_call_filter_allow_list = false;
  std::int32_t system_call_error_number = INT32_MAX - 1;
  std::vector<std::string> system_call_architectures;
  // ReadWritePaths=, ReadOnlyPaths=, InaccessiblePaths=, each path with its
  // "-" if it had one.
  std::vector<std::string> read_write_paths, read_only_paths, inaccessible_paths;
  std::vector<std::string> exec_paths, no_exec_paths;  // ExecPaths=, NoExecPaths=, as the ones above

  friend bool operator==(const ServiceStatus&, const ServiceStatus&) = default;
};

// Every field under its property name, the one org.vermilion1.Service and the
// private link's properties dict use, in the interface's order: calls
// visit("Name", &ServiceStatus::name), visit("Description", ...), ... so that
// encoders, decoders and comparisons name each property in one place. The
// member pointers' types are the D-Bus types: std::string s, std::uint32_t u,
// std::int32_t i, std::uint64_t t, bool b, std::vector<std::string> as,
// std::vector<ExecCommandStatus> a(sasasttttuii), std::vector<ConditionStatus>
// a(sbbsi).
template <typename Visit>
void for_each_service_property(Visit&& visit) {
  visit("Name", &ServiceStatus::name);
  visit("Description", &ServiceStatus::description);
  visit("LoadState", &ServiceStatus::load_state);
  visit("ActiveState", &ServiceStatus::active_state);
  visit("SubState", &ServiceStatus::sub_state);
  visit("Result", &ServiceStatus::result);
  visit("MainPID", &ServiceStatus::main_pid);
  visit("ExecMainStatus", &ServiceStatus::exec_main_status);
  visit("NRestarts", &ServiceStatus::n_restarts);
  visit("ActiveEnterTimestamp", &ServiceStatus::active_enter_timestamp);
  visit("InactiveEnterTimestamp", &ServiceStatus::inactive_enter_timestamp);
  visit("StatusText", &ServiceStatus::status_text);
  visit("FragmentPath", &ServiceStatus::fragment_path);
  visit("DropInPaths", &ServiceStatus::drop_in_paths);
  visit("Documentation", &ServiceStatus::documentation);
  visit("RequiresMountsFor", &ServiceStatus::requires_mounts_for);
  visit("Requires", &ServiceStatus::requires_);
  visit("Wants", &ServiceStatus::wants);
  visit("BindsTo", &ServiceStatus::binds_to);
  visit("Requisite", &ServiceStatus::requisite);
  visit("Conflicts", &ServiceStatus::conflicts);
  visit("Before", &ServiceStatus::before);
  visit("After", &ServiceStatus::after);
  visit("PartOf", &ServiceStatus::part_of);
  visit("PropagatesStopTo", &ServiceStatus::propagates_stop_to);
  visit("StopPropagatedFrom", &ServiceStatus::stop_propagated_from);
  visit("PropagatesReloadTo", &ServiceStatus::propagates_reload_to);
  visit("ReloadPropagatedFrom", &ServiceStatus::reload_propagated_from);
  visit("Upholds", &ServiceStatus::upholds);
  visit("UpheldBy", &ServiceStatus::upheld_by);
  visit("StopWhenUnneeded", &ServiceStatus::stop_when_unneeded);
  visit("AllowIsolate", &ServiceStatus::allow_isolate);
  visit("IgnoreOnIsolate", &ServiceStatus::ignore_on_isolate);
  visit("RequiredBy", &ServiceStatus::required_by);
  visit("WantedBy", &ServiceStatus::wanted_by);
  visit("BoundBy", &ServiceStatus::bound_by);
  visit("RequisiteOf", &ServiceStatus::requisite_of);
  visit("ConsistsOf", &ServiceStatus::consists_of);
  visit("ConflictedBy", &ServiceStatus::conflicted_by);
  visit("OnFailureOf", &ServiceStatus::on_failure_of);
  visit("OnSuccessOf", &ServiceStatus::on_success_of);
  visit("ActiveExitTimestamp", &ServiceStatus::active_exit_timestamp);
  visit("InactiveExitTimestamp", &ServiceStatus::inactive_exit_timestamp);
  visit("ExecMainStartTimestamp", &ServiceStatus::exec_main_start_timestamp);
  visit("ExecMainExitTimestamp", &ServiceStatus::exec_main_exit_timestamp);
  visit("ExecMainPID", &ServiceStatus::exec_main_pid);
  visit("ExecMainCode", &ServiceStatus::exec_main_code);
  visit("Type", &ServiceStatus::type);
  visit("BusName", &ServiceStatus::bus_name);
  visit("Restart", &ServiceStatus::restart);
  visit("CanReload", &ServiceStatus::can_reload);
  visit("ControlGroup", &ServiceStatus::control_group);
  visit("KillMode", &ServiceStatus::kill_mode);
  visit("KillSignal", &ServiceStatus::kill_signal);
  visit("SyslogIdentifier", &ServiceStatus::syslog_identifier);
  visit("SyslogPriority", &ServiceStatus::syslog_priority);
  visit("SyslogLevelPrefix", &ServiceStatus::syslog_level_prefix);
  visit("LogLevelMax", &ServiceStatus::log_level_max);
  visit("RestartKillSignal", &ServiceStatus::restart_kill_signal);
  visit("FinalKillSignal", &ServiceStatus::final_kill_signal);
  visit("SendSIGKILL", &ServiceStatus::send_sigkill);
  visit("NotifyAccess", &ServiceStatus::notify_access);
  visit("InvocationID", &ServiceStatus::invocation_id);
  visit("RestartUSec", &ServiceStatus::restart_usec);
  visit("TimeoutStartUSec", &ServiceStatus::timeout_start_usec);
  visit("TimeoutStopUSec", &ServiceStatus::timeout_stop_usec);
  visit("TimeoutAbortUSec", &ServiceStatus::timeout_abort_usec);
  visit("RuntimeMaxUSec", &ServiceStatus::runtime_max_usec);
  visit("RuntimeRandomizedExtraUSec", &ServiceStatus::runtime_randomized_extra_usec);
  visit("WatchdogUSec", &ServiceStatus::watchdog_usec);
  visit("WatchdogSignal", &ServiceStatus::watchdog_signal);
  visit("OnFailure", &ServiceStatus::on_failure);
  visit("OnSuccess", &ServiceStatus::on_success);
  visit("OnFailureJobMode", &ServiceStatus::on_failure_job_mode);
  visit("OnSuccessJobMode", &ServiceStatus::on_success_job_mode);
  visit("SuccessAction", &ServiceStatus::success_action);
  visit("FailureAction", &ServiceStatus::failure_action);
  visit("DefaultDependencies", &ServiceStatus::default_dependencies);
  visit("RefuseManualStart", &ServiceStatus::refuse_manual_start);
  visit("RefuseManualStop", &ServiceStatus::refuse_manual_stop);
  visit("ExecConditionEx", &ServiceStatus::exec_condition);
  visit("ExecStartPreEx", &ServiceStatus::exec_start_pre);
  visit("ExecStartEx", &ServiceStatus::exec_start);
  visit("ExecStartPostEx", &ServiceStatus::exec_start_post);
  visit("ExecReloadEx", &ServiceStatus::exec_reload);
  visit("ExecStopEx", &ServiceStatus::exec_stop);
  visit("ExecStopPostEx", &ServiceStatus::exec_stop_post);
  visit("ActiveEnterTimestampMonotonic", &ServiceStatus::active_enter_timestamp_monotonic);
  visit("ActiveExitTimestampMonotonic", &ServiceStatus::active_exit_timestamp_monotonic);
  visit("InactiveEnterTimestampMonotonic", &ServiceStatus::inactive_enter_timestamp_monotonic);
  visit("InactiveExitTimestampMonotonic", &ServiceStatus::inactive_exit_timestamp_monotonic);
  visit("ExecMainStartTimestampMonotonic", &ServiceStatus::exec_main_start_timestamp_monotonic);
  visit("ExecMainExitTimestampMonotonic", &ServiceStatus::exec_main_exit_timestamp_monotonic);
  visit("StateChangeTimestamp", &ServiceStatus::state_change_timestamp);
  visit("StateChangeTimestampMonotonic", &ServiceStatus::state_change_timestamp_monotonic);
  visit("ConditionResult", &ServiceStatus::condition_result);
  visit("AssertResult", &ServiceStatus::assert_result);
  visit("ConditionTimestamp", &ServiceStatus::condition_timestamp);
  visit("ConditionTimestampMonotonic", &ServiceStatus::condition_timestamp_monotonic);
  visit("AssertTimestamp", &ServiceStatus::assert_timestamp);
  visit("AssertTimestampMonotonic", &ServiceStatus::assert_timestamp_monotonic);
  visit("Conditions", &ServiceStatus::conditions);
  visit("Asserts", &ServiceStatus::asserts);
  visit("NeedDaemonReload", &ServiceStatus::need_daemon_reload);
  visit("StartLimitIntervalUSec", &ServiceStatus::start_limit_interval_usec);
  visit("StartLimitBurst", &ServiceStatus::start_limit_burst);
  visit("StartLimitAction", &ServiceStatus::start_limit_action);
  visit("JobTimeoutUSec", &ServiceStatus::job_timeout_usec);
  visit("JobRunningTimeoutUSec", &ServiceStatus::job_running_timeout_usec);
  visit("JobTimeoutAction", &ServiceStatus::job_timeout_action);
  visit("CapabilityBoundingSet", &ServiceStatus::capability_bounding_set);
  visit("AmbientCapabilities", &ServiceStatus::ambient_capabilities);
  visit("IgnoreSIGPIPE", &ServiceStatus::ignore_sigpipe);
  visit("PrivateTmp", &ServiceStatus::private_tmp);
  visit("ProtectSystem", &ServiceStatus::protect_system);
  visit("ProtectHome", &ServiceStatus::protect_home);
  visit("ProtectKernelTunables", &ServiceStatus::protect_kernel_tunables);
  visit("ProtectControlGroups", &ServiceStatus::protect_control_groups);
  visit("ProtectHostname", &ServiceStatus::protect_hostname);
  visit("PrivateNetwork", &ServiceStatus::private_network);
  visit("PrivateIPC", &ServiceStatus::private_ipc);
  visit("PrivateUsers", &ServiceStatus::private_users);
  visit("PrivateMounts", &ServiceStatus::private_mounts);
  visit("MountFlags", &ServiceStatus::mount_flags);
  visit("RestrictRealtime", &ServiceStatus::restrict_realtime);
  visit("LockPersonality", &ServiceStatus::lock_personality);
  visit("RestrictSUIDSGID", &ServiceStatus::restrict_suid_sgid);
  visit("ProtectKernelModules", &ServiceStatus::protect_kernel_modules);
  visit("ProtectKernelLogs", &ServiceStatus::protect_kernel_logs);
  visit("ProtectClock", &ServiceStatus::protect_clock);
  visit("PrivateDevices", &ServiceStatus::private_devices);
  visit("DevicePolicy", &ServiceStatus::device_policy);
  visit("DeviceAllowPaths", &ServiceStatus::device_allow_paths);
  visit("DeviceAllowRights", &ServiceStatus::device_allow_rights);
  visit("IPAddressAllow", &ServiceStatus::ip_address_allow);
  visit("IPAddressDeny", &ServiceStatus::ip_address_deny);
  visit("FileDescriptorStoreMax", &ServiceStatus::file_descriptor_store_max);
  visit("NFileDescriptorStore", &ServiceStatus::n_file_descriptor_store);
  visit("RestrictNamespaces", &ServiceStatus::restrict_namespaces);
  visit("MemoryDenyWriteExecute", &ServiceStatus::memory_deny_write_execute);
  visit("RemoveIPC", &ServiceStatus::remove_ipc);
  visit("ProtectProc", &ServiceStatus::protect_proc);
  visit("KeyringMode", &ServiceStatus::keyring_mode);
  visit("UtmpIdentifier", &ServiceStatus::utmp_identifier);
  visit("UtmpMode", &ServiceStatus::utmp_mode);
  visit("TimeoutStartFailureMode", &ServiceStatus::timeout_start_failure_mode);
  visit("TimeoutStopFailureMode", &ServiceStatus::timeout_stop_failure_mode);
  visit("ProcSubset", &ServiceStatus::proc_subset);
  visit("RestrictAddressFamilies", &ServiceStatus::restrict_address_families);
  visit("RestrictAddressFamiliesAllowList", &ServiceStatus::restrict_address_families_allow_list);
  visit("SystemCallFilter", &ServiceStatus::system_call_filter);
  // The other half of systemd's "(bas)" SystemCallFilter (the link's dict
  // holds plain types).
  visit("SystemCallFilterAllowList", &ServiceStatus::system_call_filter_allow_list);
  visit("SystemCallErrorNumber", &ServiceStatus::system_call_error_number);
  visit("SystemCallArchitectures", &ServiceStatus::system_call_architectures);
  visit("ReadWritePaths", &ServiceStatus::read_write_paths);
  visit("ReadOnlyPaths", &ServiceStatus::read_only_paths);
  visit("InaccessiblePaths", &ServiceStatus::inaccessible_paths);
  visit("ExecPaths", &ServiceStatus::exec_paths);
  visit("NoExecPaths", &ServiceStatus::no_exec_paths);
}

}  // namespace vermilion
