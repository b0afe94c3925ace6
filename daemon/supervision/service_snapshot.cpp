#include "supervision/service_snapshot.h"

#include <algorithm>
#include <string>

namespace vermilion {

ServiceStatus status_of(const Service& s) {
  ServiceStatus out;
  out.name = s.name();
  out.description = s.config().description;
  out.load_state = to_string(s.config().load_state);
  out.active_state = std::string(to_string(s.active_state()));
  out.sub_state = std::string(to_string(s.sub_state()));
  out.result = std::string(to_string(s.result()));
  out.main_pid = static_cast<std::uint32_t>(s.main_pid());
  out.exec_main_status = s.exec_main_status().status;
  out.n_restarts = s.n_restarts();
  out.active_enter_timestamp = s.active_enter_timestamp();
  out.inactive_enter_timestamp = s.inactive_enter_timestamp();
  out.status_text = s.status_text();
  const ServiceConfig& c = s.config();
  out.fragment_path = c.fragment_path;
  out.drop_in_paths = c.drop_in_paths;
  out.documentation = c.documentation;
  out.requires_mounts_for = s.mounts_required();
  out.requires_ = c.requires_;
  out.wants = c.wants;
  out.binds_to = c.binds_to;
  out.requisite = c.requisite;
  out.part_of = c.part_of;
  out.propagates_stop_to = c.propagates_stop_to;
  out.stop_propagated_from = c.stop_propagated_from;
  out.propagates_reload_to = c.propagates_reload_to;
  out.reload_propagated_from = c.reload_propagated_from;
  out.upholds = c.upholds;
  out.stop_when_unneeded = c.stop_when_unneeded;
  out.allow_isolate = c.allow_isolate;
  out.ignore_on_isolate = c.ignore_on_isolate;
  out.conflicts = c.conflicts;
  out.before = c.before;
  out.after = c.after;
  out.active_exit_timestamp = s.active_exit_timestamp();
  out.inactive_exit_timestamp = s.inactive_exit_timestamp();
  out.exec_main_start_timestamp = s.exec_main_start_timestamp();
  out.exec_main_exit_timestamp = s.exec_main_exit_timestamp();
  out.exec_main_pid = static_cast<std::uint32_t>(s.exec_main_pid());
  out.exec_main_code = s.exec_main_status().code;
  out.type = to_string(c.type);
  out.bus_name = c.bus_name.get();
  out.restart = to_string(c.restart);
  out.can_reload = !c.exec_reload.empty();
  out.control_group = s.control_group();
  out.kill_mode = to_string(c.kill_mode);
  out.kill_signal = c.kill_signal;
  out.syslog_identifier = c.syslog.identifier;
  out.syslog_priority = c.syslog.facility << 3 | c.syslog.level;
  out.syslog_level_prefix = c.syslog.level_prefix;
  out.log_level_max = c.syslog.level_max;
  out.restart_kill_signal = c.restart_kill_signal.value_or(c.kill_signal);
  out.final_kill_signal = c.final_kill_signal;
  out.send_sigkill = c.send_sigkill;
  out.notify_access = to_string(c.effective_notify_access());
  out.invocation_id = s.invocation_id();
  out.restart_usec = c.restart_sec;
  out.timeout_start_usec = c.timeout_start;
  out.timeout_stop_usec = c.timeout_stop;
  out.timeout_abort_usec = c.timeout_abort.value_or(c.timeout_stop);  // systemd's service_timeout_abort_usec()
  out.runtime_max_usec = c.runtime_max;
  out.runtime_randomized_extra_usec = c.runtime_randomized_extra;
  out.watchdog_usec = c.watchdog_usec;
  out.watchdog_signal = c.watchdog_signal;
  out.on_failure = c.on_failure;
  out.on_success = c.on_success;
  out.on_failure_job_mode = to_string(c.on_failure_job_mode);
  out.on_success_job_mode = to_string(c.on_success_job_mode);
  out.success_action = to_string(c.success_action);
  out.failure_action = to_string(c.failure_action);
  out.default_dependencies = c.default_dependencies;
  out.refuse_manual_start = c.refuse_manual_start;
  out.refuse_manual_stop = c.refuse_manual_stop;
  using P = Service::Phase;
  out.exec_condition = s.exec_command_statuses(P::condition);
  out.exec_start_pre = s.exec_command_statuses(P::start_pre);
  out.exec_start = s.exec_command_statuses(P::start);
  out.exec_start_post = s.exec_command_statuses(P::start_post);
  out.exec_reload = s.exec_command_statuses(P::reload);
  out.exec_stop = s.exec_command_statuses(P::stop);
  out.exec_stop_post = s.exec_command_statuses(P::stop_post);
  const Service::Timestamps& t = s.timestamps();
  out.active_enter_timestamp_monotonic = t.active_enter.monotonic;
  out.active_exit_timestamp_monotonic = t.active_exit.monotonic;
  out.inactive_enter_timestamp_monotonic = t.inactive_enter.monotonic;
  out.inactive_exit_timestamp_monotonic = t.inactive_exit.monotonic;
  out.exec_main_start_timestamp_monotonic = t.exec_main_start.monotonic;
  out.exec_main_exit_timestamp_monotonic = t.exec_main_exit.monotonic;
  out.state_change_timestamp = t.state_change.realtime;
  out.state_change_timestamp_monotonic = t.state_change.monotonic;
  out.condition_result = s.condition_result();
  out.assert_result = s.assert_result();
  out.condition_timestamp = t.condition.realtime;
  out.condition_timestamp_monotonic = t.condition.monotonic;
  out.assert_timestamp = t.assert_.realtime;
  out.assert_timestamp_monotonic = t.assert_.monotonic;
  out.conditions = s.condition_statuses();
  out.asserts = s.condition_statuses(/*asserts=*/true);
  out.need_daemon_reload = s.need_daemon_reload();
  out.start_limit_interval_usec = c.start_limit_interval;
  out.start_limit_burst = c.start_limit_burst;
  out.start_limit_action = to_string(c.start_limit_action);
  out.job_timeout_usec = c.job_timeout;
  out.job_running_timeout_usec = c.job_running_timeout;
  out.job_timeout_action = to_string(c.job_timeout_action);
  out.capability_bounding_set = c.capability_bounding_set;
  out.ambient_capabilities = c.ambient_capabilities;
  out.ignore_sigpipe = c.ignore_sigpipe;
  out.private_tmp = c.private_tmp;
  out.protect_system = to_string(c.protect_system);
  out.protect_home = to_string(c.protect_home);
  out.protect_kernel_tunables = c.protect_kernel_tunables;
  out.protect_control_groups = c.protect_control_groups;
  out.protect_hostname = c.protect_hostname;
  out.private_network = c.private_network;
  out.private_ipc = c.private_ipc;
  out.private_users = c.private_users;
  out.private_mounts = c.private_mounts.value_or(false);
  out.mount_flags = c.mount_propagation;
  out.restrict_realtime = c.restrict_realtime;
  out.lock_personality = c.lock_personality;
  out.restrict_suid_sgid = c.restrict_suid_sgid;
  out.protect_kernel_modules = c.protect_kernel_modules;
  out.protect_kernel_logs = c.protect_kernel_logs;
  out.protect_clock = c.protect_clock;
  out.private_devices = c.private_devices;
  out.device_policy = device_policy_to_string(c.device_policy);
  for (const DeviceAllow& entry : c.device_allow.get()) {
    out.device_allow_paths.push_back(entry.path);
    out.device_allow_rights.push_back(device_rights_string(entry));
  }
  out.restrict_namespaces = c.restrict_namespaces;
  out.memory_deny_write_execute = c.memory_deny_write_execute;
  out.protect_proc = to_string(c.protect_proc);
  out.keyring_mode = to_string(s.keyring_mode());
  out.proc_subset = to_string(c.proc_subset);
  for (int family : c.restrict_address_families.get().families)
    out.restrict_address_families.push_back(address_family_name(family));
  std::sort(out.restrict_address_families.begin(), out.restrict_address_families.end());
  out.restrict_address_families_allow_list = c.restrict_address_families.get().allow_list;
  out.system_call_filter = syscall_filter_names(c.syscall_filter.get());
  out.system_call_filter_allow_list = c.syscall_filter.get().allow_list;
  out.system_call_error_number = syscall_error_number_property(c.syscall_error_number);
  for (std::uint32_t arch : c.syscall_architectures.get()) out.system_call_architectures.push_back(syscall_arch_name(arch));
  std::sort(out.system_call_architectures.begin(), out.system_call_architectures.end());
  for (const auto& p : c.read_write_paths) out.read_write_paths.push_back(to_string(p));
  for (const auto& p : c.read_only_paths) out.read_only_paths.push_back(to_string(p));
  for (const auto& p : c.inaccessible_paths) out.inaccessible_paths.push_back(to_string(p));
  for (const auto& p : c.exec_paths) out.exec_paths.push_back(to_string(p));
  for (const auto& p : c.no_exec_paths) out.no_exec_paths.push_back(to_string(p));
  return out;
}

ServiceStatus status_of(const Service& s, DependencyGraph::Listed dependencies) {
  ServiceStatus out = status_of(s);
  out.requires_ = std::move(dependencies.requires_);
  out.wants = std::move(dependencies.wants);
  out.binds_to = std::move(dependencies.binds_to);
  out.requisite = std::move(dependencies.requisite);
  out.conflicts = std::move(dependencies.conflicts);
  out.before = std::move(dependencies.before);
  out.after = std::move(dependencies.after);
  out.part_of = std::move(dependencies.part_of);
  out.propagates_stop_to = std::move(dependencies.propagates_stop_to);
  out.stop_propagated_from = std::move(dependencies.stop_propagated_from);
  out.propagates_reload_to = std::move(dependencies.propagates_reload_to);
  out.reload_propagated_from = std::move(dependencies.reload_propagated_from);
  out.upholds = std::move(dependencies.upholds);
  out.upheld_by = std::move(dependencies.upheld_by);
  out.required_by = std::move(dependencies.required_by);
  out.wanted_by = std::move(dependencies.wanted_by);
  out.bound_by = std::move(dependencies.bound_by);
  out.requisite_of = std::move(dependencies.requisite_of);
  out.consists_of = std::move(dependencies.consists_of);
  out.conflicted_by = std::move(dependencies.conflicted_by);
  out.on_failure_of = std::move(dependencies.on_failure_of);
  out.on_success_of = std::move(dependencies.on_success_of);
  return out;
}

}  // namespace vermilion
