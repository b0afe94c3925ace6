#include "supervision/service.h"

#include <sys/wait.h>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>

#include "common/regular_file.h"
#include "common/utf8.h"
#include "exec/exit_status.h"
#include "platform/invocation_id.h"
#include "platform/same_file.h"

namespace vermilion {
namespace {

// The steps that send WatchdogSignal= and may take TimeoutAbortSec=
// (systemd's KILL_WATCHDOG).
bool is_watchdog_step(SubState state) {
  return state == SubState::stop_watchdog || state == SubState::final_watchdog;
}

bool is_clean_signal(int sig) {
  return sig == SIGHUP || sig == SIGINT || sig == SIGTERM || sig == SIGPIPE;
}

// systemd's words: "code=exited, status=203/EXEC", "code=killed, signal=SIGTERM".
std::string describe_exit(ExitInfo info) {
  if (info.code == CLD_EXITED) {
    const char* name = exit_status_name(info.status);
    return "code=exited, status=" + std::to_string(info.status) + (name ? std::string("/") + name : "");
  }
  const char* name = sigabbrev_np(info.status);
  std::string sig = name ? std::string("SIG") + name : std::to_string(info.status);
  return std::string(info.code == CLD_DUMPED ? "code=dumped" : "code=killed") + ", signal=" + sig;
}

bool in_set(const ExitStatusSet& set, ExitInfo info) {
  if (info.code == CLD_EXITED) return set.codes.count(info.status) > 0;
  return set.signals.count(info.status) > 0;
}

}  // namespace

Service::Service(std::shared_ptr<const ServiceConfig> config, ServiceEnvironment env, int log_fd)
    : config_(config), running_(std::move(config)), env_(std::move(env)), log_fd_(log_fd) {
  phase_timer_ = env_.port.make_timer([this] { on_timeout(); });
}

// A run's PrivateTmp= goes with it even when the manager itself goes first
// (systemd-tmpfiles spares systemd-private-* until the next boot).
Service::~Service() {
  if (private_tmp_) env_.ops.remove_private_tmp(*private_tmp_);
  // A unit that goes away only drops its count (unit_free(): no cleanup).
  if (ipc_ref_) (void)env_.ipc_owners->unref(*ipc_ref_);
}

void Service::replace_config(std::shared_ptr<const ServiceConfig> config) {
  // systemd 252 re-applies a unit's cgroup settings at daemon-reload
  // (unit_invalidate_cgroup_bpf()): the filters of a live cgroup follow.
  const bool filters_changed = config->device_policy != config_->device_policy ||
                               config->device_allow.get() != config_->device_allow.get() ||
                               config->ip_address_allow.get() != config_->ip_address_allow.get() ||
                               config->ip_address_deny.get() != config_->ip_address_deny.get();
  config_ = std::move(config);
  // Again after a failed try, too: a reload is how to ask for another.
  if ((filters_changed || !filters_complete_) && scope_) {
    SystemOps::CgroupFilterOutcome filters = env_.ops.apply_cgroup_filters(*scope_, *config_, true);
    for (const std::string& warning : filters.warnings) message(warning);
    filters_complete_ = filters.complete;
  }
  // systemd 252's daemon-reload rebuilds its units without their start
  // rate limit (serialized only from v255): the count starts afresh.
  start_window_open_ = false;
  if (sub_ == SubState::dead || sub_ == SubState::failed) running_ = config_;
  // systemd 252 serializes the fd store and adds each fd back
  // (service_add_fd_store(): newest first, each put in front) under the
  // reloaded FileDescriptorStoreMax=: the first that many stay, and their
  // order turns round (recorded: conformance case fd-store-reload).
  if (!fd_store_.get().empty()) {
    auto& store = fd_store_.mut();
    const std::size_t before = store.size();
    if (store.size() > config_->file_descriptor_store_max)
      store.erase(store.begin() + static_cast<std::ptrdiff_t>(config_->file_descriptor_store_max), store.end());
    std::reverse(store.begin(), store.end());
    if (store.size() != before) env_.listener.on_properties_changed(*this);
  }
}

// ---- requests -------------------------------------------------------------

StartOutcome Service::start() {
  if (config_->load_state != LoadState::loaded) return StartOutcome::not_loaded;
  if (config_->unit_type == UnitType::target) return start_target();
  switch (sub_) {
    case SubState::dead:
    case SubState::failed: break;
    case SubState::auto_restart:
      // An explicit start does not wait out RestartSec.
      phase_timer_->disarm();
      break;
    default:
      return is_stopping() ? StartOutcome::busy : StartOutcome::already_active;
  }
  if (StartOutcome tested = test_conditions(); tested != StartOutcome::started) {
    // Not through service_enter_dead() in systemd: the count stays.
    if (sub_ == SubState::auto_restart) set_state(SubState::dead);
    return tested;
  }
  if (!start_limit_allows()) {
    enter_start_limit_hit();
    return StartOutcome::start_limit_hit;
  }
  // Not an automatic restart: a restart count kept for introspection since
  // the service last went down for good starts over (systemd 252's
  // service_start(), flush_n_restarts).
  if (flush_n_restarts_) {
    n_restarts_ = 0;
    flush_n_restarts_ = false;
  }
  begin_run();
  return StartOutcome::started;
}

StopOutcome Service::stop(StopReason reason) {
  if (config_->unit_type == UnitType::target) {
    // A target has nothing to stop: it is down as soon as it is asked.
    if (sub_ != SubState::active) return StopOutcome::already_inactive;
    set_state(SubState::dead);
    return StopOutcome::stopping;
  }
  if (sub_ != SubState::dead && sub_ != SubState::failed) restarting_ = reason == StopReason::restart;
  switch (sub_) {
    case SubState::dead:
    case SubState::failed: return StopOutcome::already_inactive;
    case SubState::auto_restart:
      phase_timer_->disarm();
      stop_requested_ = true;
      set_state(SubState::dead);
      return StopOutcome::already_inactive;
    case SubState::condition:
    case SubState::start_pre:
    case SubState::start:
    case SubState::start_post:
    case SubState::reload:
      stop_requested_ = true;
      enter_signal(SubState::stop_sigterm, ServiceResult::success);
      return StopOutcome::stopping;
    case SubState::running:
    case SubState::exited:
      stop_requested_ = true;
      enter_stop(ServiceResult::success);
      return StopOutcome::stopping;
    default:  // already on the stop path
      stop_requested_ = true;
      return StopOutcome::stopping;
  }
}

// systemd.target(5): a target has no processes, so it is active as soon
// as it starts (its conditions and start limit still apply, as to any
// unit); the manager's jobs and ordering make it a synchronisation point.
StartOutcome Service::start_target() {
  if (sub_ == SubState::active) return StartOutcome::already_active;
  if (StartOutcome tested = test_conditions(); tested != StartOutcome::started) return tested;
  if (!start_limit_allows()) {
    message("start request repeated too quickly, refusing to start");
    // As systemd's service_can_start(): a failure already recorded (the
    // exit-code of a crash loop) stays the result.
    note_result(ServiceResult::start_limit_hit);
    set_state(SubState::failed);
    return StartOutcome::start_limit_hit;
  }
  running_ = config_;
  result_ = ServiceResult::success;
  set_state(SubState::active);
  return StartOutcome::started;
}

ReloadOutcome Service::reload() {
  // systemd: "Job type reload is not applicable" to a target.
  if (config_->unit_type == UnitType::target) return ReloadOutcome::not_reloadable;
  if (sub_ != SubState::running && sub_ != SubState::exited) return ReloadOutcome::not_active;
  if (running_->exec_reload.empty()) return ReloadOutcome::not_reloadable;
  reload_failed_ = false;
  if (!run_control(Phase::reload, 0)) return ReloadOutcome::failed;
  set_state(SubState::reload);
  arm_phase_timer(running_->timeout_start);
  return ReloadOutcome::reloading;
}

int Service::kill(KillTarget target, int sig) {
  if (target == KillTarget::main) {
    if (main_gone()) return -ESRCH;
    int r = env_.ops.signal_process(main_, sig);
    return r < 0 ? r : 1;
  }
  if (target == KillTarget::control) {
    if (control_.pid <= 0) return -ESRCH;
    int r = env_.ops.signal_process(control_, sig);
    return r < 0 ? r : 1;
  }
  if (!scope_) return -ESRCH;
  int n = scope_->signal_all(sig);
  return n == 0 ? -ESRCH : n;
}

bool Service::is_stopping() const {
  return active_state_of(sub_, false) == ActiveState::deactivating;
}

bool Service::waiting_for_empty_scope() const {
  switch (sub_) {
    case SubState::stop_watchdog:
    case SubState::stop_sigterm:
    case SubState::stop_sigkill:
    case SubState::final_watchdog:
    case SubState::final_sigterm:
    case SubState::final_sigkill: return true;
    default: return false;
  }
}

bool Service::awaits_ready_from_others() const {
  return sub_ == SubState::start && running_ && running_->type == ServiceType::notify && main_gone() &&
         control_.pid <= 0;
}

bool Service::watches_scope() const {
  if (waiting_for_empty_scope() || stop_by_notify_ || awaits_ready_from_others()) return true;
  // A PIDFile= still to come, or a daemon whose main PID is unknown: the
  // end of its processes decides.
  return pid_file_watch_ != nullptr || (sub_ == SubState::running && main_pid_unknown_);
}

// ---- the run ----------------------------------------------------------------

void Service::begin_run() {
  running_ = config_;
  env_.listener.on_run_begins(*this, *running_);
  stop_requested_ = false;
  stop_by_notify_ = false;
  reached_running_ = false;
  main_pid_unknown_ = false;
  notify_reloading_ = false;
  result_ = ServiceResult::success;
  main_exit_ = {};
  status_text_.clear();
  status_errno_ = 0;
  main_command_index_ = 0;
  restarting_ = false;
  stop_watching_pid_file();
  watchdog_usec_ = running_->watchdog_usec;
  // A fresh $INVOCATION_ID for every start, automatic restarts included
  // (systemd acquires one in service_start()).
  invocation_id_ = to_string(make_invocation_id());
  // systemd's service_start(): exec_command_reset_status_list_array().
  for (std::size_t phase = 0; phase < exec_runs_.size(); ++phase)
    exec_runs_[phase].assign(commands_in(*running_, static_cast<Phase>(phase)).size(), ExecRun{});
  runs_of_ = running_;
  cpu_usage_last_nsec_ = ResourceUsage::kUnknown;
  counters_pruned_ = false;
  scope_ = env_.ops.create_scope(running_->name);
  SystemOps::CgroupFilterOutcome filters = env_.ops.apply_cgroup_filters(*scope_, *running_);
  for (const std::string& warning : filters.warnings) message(warning);
  filters_complete_ = filters.complete;
  int r = filters.refused ? -EPERM : env_.ops.check_exec_directories(*running_);
  if (r >= 0 && running_->private_tmp) {
    PrivateTmp dirs;
    if ((r = env_.ops.create_private_tmp(running_->name, dirs)) >= 0) private_tmp_ = std::move(dirs);
  }
  // systemd's exec_runtime_make(): one storage pair per namespace, per run.
  for (auto [wanted, storage] : {std::pair{running_->private_network, &network_namespace_},
                                 std::pair{running_->private_ipc, &ipc_namespace_}}) {
    if (r < 0 || !wanted) continue;
    NamespaceStorage made;
    if ((r = create_namespace_storage(made)) >= 0) storage->emplace(std::move(made));
  }
  if (r < 0) {
    if (!filters.refused)
      message(std::string("failed to set up the service's directories or namespaces: ") + std::strerror(-r));
    result_ = ServiceResult::resources;
    // Leave inactive through a visible transition so waiting jobs learn of it.
    set_state(SubState::start_pre);
    enter_dead(ServiceResult::resources, true);
    return;
  }
  enter_condition();
}

void Service::enter_condition() {
  if (running_->exec_condition.empty()) {
    enter_start_pre();
    return;
  }
  if (!run_control(Phase::condition, 0)) return;
  set_state(SubState::condition);
  arm_phase_timer(running_->timeout_start);
}

void Service::enter_start_pre() {
  if (running_->exec_start_pre.empty()) {
    enter_start();
    return;
  }
  if (!run_control(Phase::start_pre, 0)) return;
  set_state(SubState::start_pre);
  arm_phase_timer(running_->timeout_start);
}

void Service::enter_start() {
  const auto& commands = running_->exec_start;
  if (commands.empty()) {  // oneshot without ExecStart=, allowed as in systemd
    enter_start_post();
    return;
  }
  if (running_->type == ServiceType::forking) {
    if (!run_control(Phase::start, 0)) return;
    set_state(SubState::start);
    arm_phase_timer(running_->timeout_start);
    return;
  }
  if (!spawn_main(commands[0])) return;
  switch (running_->type) {
    case ServiceType::simple:
    case ServiceType::exec:
    case ServiceType::idle: enter_start_post(); return;
    case ServiceType::notify:
    case ServiceType::dbus:  // until its BusName= appears
    case ServiceType::oneshot:
    case ServiceType::forking:
      set_state(SubState::start);
      // A oneshot's TimeoutStartSec= is infinity unless it was set
      // (service_defaults.h).
      arm_phase_timer(running_->timeout_start);
      return;
  }
}

void Service::enter_start_post() {
  // systemd's service_enter_start_post(): the watchdog starts here, so a
  // oneshot's main process, or a notify service before READY=1, runs
  // without one.
  arm_watchdog();
  if (running_->exec_start_post.empty()) {
    enter_running();
    return;
  }
  if (!run_control(Phase::start_post, 0)) return;
  set_state(SubState::start_post);
  arm_phase_timer(running_->timeout_start);
}

void Service::enter_running() {
  phase_timer_->disarm();
  if (result_ != ServiceResult::success) {
    enter_signal(SubState::stop_sigterm, result_);
    return;
  }
  // systemd's service_good(): a Type=dbus service also needs its name.
  bool good = (!main_gone() || (main_pid_unknown_ && scope_ && !scope_->empty())) &&
              (running_->type != ServiceType::dbus || bus_name_owned_);
  if (good) {
    reached_running_ = true;
    set_state(SubState::running);
    // RuntimeMaxSec= counts from when the service became active, so a
    // reload's return to running keeps the first deadline (systemd's
    // service_running_timeout()).
    // RuntimeRandomizedExtraSec= adds a fresh random extra each time.
    usec_t deadline = deadline_after(deadline_after(times_.active_enter.monotonic, running_->runtime_max),
                                     random_below(running_->runtime_randomized_extra));
    if (deadline != kUsecInfinity) phase_timer_->arm(deadline);
    return;
  }
  if (running_->remain_after_exit) {
    reached_running_ = true;
    // systemd's service_set_state() prunes the cgroup on entering exited,
    // if it is empty: the counters are gone but the CPU time, as after a stop.
    if (scope_ && scope_->empty()) {
      remember_cpu_usage();
      counters_pruned_ = true;
    }
    set_state(SubState::exited);
    return;
  }
  reached_running_ = true;  // oneshot finished: ExecStop= still runs
  enter_stop(ServiceResult::success);
}

void Service::enter_stop(ServiceResult why) {
  note_result(why);
  stop_watching_pid_file();
  disarm_watchdog();
  notify_reloading_ = false;
  if (reached_running_ && !running_->exec_stop.empty()) {
    if (!run_control(Phase::stop, 0)) return;
    set_state(SubState::stop);
    arm_phase_timer(running_->timeout_stop);
    return;
  }
  enter_signal(SubState::stop_sigterm, ServiceResult::success);
}

bool Service::kill_for_state(SubState state) {
  step_waits_for_scope_ = false;
  KillMode mode = running_->kill_mode;
  if (mode == KillMode::none) {
    // Nothing is signalled; what is left is waited for once, in
    // final-sigterm, up to TimeoutStopSec= (measured with systemd 252:
    // KillMode=none with a process left ends failed/timeout after one
    // TimeoutStopSec=, tests/conformance/cases/killmode-none).
    if (state != SubState::final_sigterm || !scope_ || scope_->empty()) return false;
    step_waits_for_scope_ = true;
    return true;
  }
  bool kill_step = state == SubState::stop_sigkill || state == SubState::final_sigkill;
  bool terminate = state == SubState::stop_sigterm || state == SubState::final_sigterm;
  int sig = kill_step                           ? running_->final_kill_signal
            : is_watchdog_step(state)           ? running_->watchdog_signal
            : state == SubState::stop_sigterm && restarting_ && running_->restart_kill_signal
                ? *running_->restart_kill_signal
                : running_->kill_signal;
  // systemd's kill_and_sigcont(): a stopped process would never see sig.
  bool sigcont = sig != SIGKILL && sig != SIGCONT;
  // KILL_RESTART (a restart's stop-sigterm) sends no SIGHUP (unit_kill_context()).
  const bool restart_kill = state == SubState::stop_sigterm && restarting_;
  bool sighup = terminate && !restart_kill && running_->send_sighup && sig != SIGHUP;
  auto hit = [&](const SpawnedProcess& p) {
    if (env_.ops.signal_process(p, sig) == 0) {
      if (sigcont) env_.ops.signal_process(p, SIGCONT);
      if (sighup) env_.ops.signal_process(p, SIGHUP);
    }
  };
  bool wait = false;
  if (!main_gone()) {
    hit(main_);
    wait = true;
  }
  if (control_.pid > 0) {
    hit(control_);
    wait = true;
  }
  bool whole_scope = mode == KillMode::control_group || (mode == KillMode::mixed && kill_step);
  if (whole_scope && scope_ && !scope_->empty()) {
    scope_->signal_all(sig);
    if (sigcont) scope_->signal_all(SIGCONT);
    if (sighup) scope_->signal_all(SIGHUP);
    // A stop-* step ends with the main and control processes (what is
    // left gets the final-* steps); only without them does it wait for
    // the rest, as must a final-* step.
    bool final_step =
        state == SubState::final_watchdog || state == SubState::final_sigterm || state == SubState::final_sigkill;
    step_waits_for_scope_ = final_step || !wait;
    wait = true;
  }
  return wait;
}

void Service::enter_signal(SubState state, ServiceResult why) {
  note_result(why);
  stop_watching_pid_file();
  disarm_watchdog();
  notify_reloading_ = false;
  if (kill_for_state(state)) {
    set_state(state);
    if (stop_complete()) {
      finish_signal_step();
      return;
    }
    // A watchdog abort may take TimeoutAbortSec= (a core dump being
    // written), other steps TimeoutStopSec= (systemd's service_enter_signal()).
    arm_phase_timer(is_watchdog_step(state) ? running_->timeout_abort.value_or(running_->timeout_stop)
                                            : running_->timeout_stop);
    return;
  }
  // Nothing to wait for: the next step at once (systemd's service_enter_signal()).
  bool stop_step = state == SubState::stop_watchdog || state == SubState::stop_sigterm ||
                   state == SubState::stop_sigkill;
  if ((state == SubState::stop_watchdog || state == SubState::stop_sigterm) && running_->send_sigkill)
    enter_signal(SubState::stop_sigkill, ServiceResult::success);
  else if (stop_step)
    enter_stop_post(ServiceResult::success);
  else if ((state == SubState::final_watchdog || state == SubState::final_sigterm) && running_->send_sigkill)
    enter_signal(SubState::final_sigkill, ServiceResult::success);
  else
    enter_dead(ServiceResult::success, true);
}

void Service::finish_signal_step() {
  switch (sub_) {
    case SubState::stop_watchdog:
    case SubState::stop_sigterm:
    case SubState::stop_sigkill: enter_stop_post(ServiceResult::success); return;
    case SubState::final_watchdog:
    case SubState::final_sigterm:
    case SubState::final_sigkill: enter_dead(ServiceResult::success, true); return;
    default: return;
  }
}

void Service::enter_stop_post(ServiceResult why) {
  note_result(why);
  // A control process a timeout left running is no longer watched
  // (service_enter_stop_post(): service_unwatch_control_pid()).
  forget_control();
  if (!running_->exec_stop_post.empty()) {
    if (!run_control(Phase::stop_post, 0)) return;
    set_state(SubState::stop_post);
    arm_phase_timer(running_->timeout_stop);
    return;
  }
  enter_signal(SubState::final_sigterm, ServiceResult::success);
}

void Service::enter_dead(ServiceResult why, bool allow_restart) {
  note_result(why);
  phase_timer_->disarm();
  disarm_watchdog();
  forget_control();
  forget_main();
  notify_reloading_ = false;
  stop_watching_pid_file();
  remember_cpu_usage();
  scope_.reset();
  bool restart = allow_restart && !stop_requested_ && should_restart(result_);
  DirectoryPreserve preserve = running_->runtime_directory_preserve;
  // A restart asked for keeps it as an automatic one does (systemd's
  // unit_will_restart()).
  bool will_restart = restart || restarting_;
  if (preserve == DirectoryPreserve::no || (preserve == DirectoryPreserve::restart && !will_restart))
    env_.ops.remove_runtime_directories(*running_);
  // Whatever RuntimeDirectoryPreserve= says: each start reads them anew
  // (unit_destroy_runtime_data()).
  env_.ops.remove_credentials(*running_);
  // "Reset TTY ownership if necessary" (systemd 252's service_enter_dead()).
  if (std::string warning = env_.ops.revert_terminal(*running_); !warning.empty()) message(warning);
  // "Get rid of the IPC bits of the user" (service_enter_dead()).
  if (ipc_ref_) {
    const auto now_sec = static_cast<std::int64_t>(env_.port.now_realtime() / kUsecPerSec);
    if (auto owner = env_.ipc_owners->unref(*ipc_ref_, now_sec)) env_.ops.clean_ipc(*owner);
    ipc_ref_.reset();
  }
  // A restart gets fresh ones (systemd's service_enter_dead()).
  if (private_tmp_) env_.ops.remove_private_tmp(*private_tmp_);
  private_tmp_.reset();
  // Its processes are gone: the namespaces end with the last reference.
  network_namespace_.reset();
  ipc_namespace_.reset();
  will_auto_restart_ = restart;
  // Down for good: the restart count stays to be seen until the next start.
  if (!restart) flush_n_restarts_ = true;
  // A skip by ExecCondition= ends dead, as success does (systemd's
  // service_enter_dead()).
  bool clean = result_ == ServiceResult::success || result_ == ServiceResult::exec_condition;
  set_state(clean ? SubState::dead : SubState::failed);
  will_auto_restart_ = false;
  if (restart) enter_auto_restart();
}

void Service::enter_auto_restart() {
  message("scheduling restart");
  set_state(SubState::auto_restart);
  arm_phase_timer(running_->restart_sec);
}

void Service::restart_now() {
  ++n_restarts_;
  flush_n_restarts_ = false;  // systemd's service_enter_restart()
  // Conditions before the start limit, as systemd 252's unit_start() tests
  // them before service_can_start().
  if (test_conditions() != StartOutcome::started) {
    set_state(SubState::dead);  // the count stays (no service_enter_dead() in systemd)
    return;
  }
  if (!start_limit_allows()) {
    enter_start_limit_hit();
    return;
  }
  begin_run();
}

// ---- processes --------------------------------------------------------------

namespace {

// SERVICE_RESULT=, EXIT_CODE=, EXIT_STATUS= after `prefix` (systemd's
// service_spawn_internal()): "exit-code exited 3", "signal killed KILL".
void append_result_environment(std::vector<std::string>& env, const std::string& prefix, ServiceResult result,
                               const ExitInfo& main_exit) {
  env.push_back(prefix + "SERVICE_RESULT=" + std::string(to_string(result)));
  if (main_exit.code == 0) return;  // no main process has ended
  const char* code = main_exit.code == CLD_EXITED ? "exited" : main_exit.code == CLD_KILLED ? "killed" : "dumped";
  env.push_back(prefix + "EXIT_CODE=" + code);
  const char* sig = main_exit.code == CLD_EXITED ? nullptr : sigabbrev_np(main_exit.status);
  env.push_back(prefix + "EXIT_STATUS=" + (sig ? std::string(sig) : std::to_string(main_exit.status)));
}

}  // namespace

int Service::spawn(const ExecCommand& command, ProcessRole role, SpawnedProcess& out, bool start_command,
                   ResultEnvironment result_environment, bool write_credentials) {
  SpawnRequest request;
  request.write_credentials = write_credentials;
  request.config = running_.get();
  request.command = &command;
  request.role = role;
  request.exec_is_control = !start_command;
  if (start_command)  // EXEC_PASS_FDS: ExecStart= only
    for (const StoredFd& stored : fd_store_.get()) request.stored_fds.emplace_back(stored.fd.get(), stored.name);
  request.log_fd = log_fd_;
  request.scope = scope_.get();
  request.private_tmp = private_tmp_ ? &*private_tmp_ : nullptr;
  request.network_namespace = network_namespace_ ? &*network_namespace_ : nullptr;
  request.ipc_namespace = ipc_namespace_ ? &*ipc_namespace_ : nullptr;
  request.user_manager = env_.user_manager;
  // Every command of an idle service waits, as in systemd's service_spawn().
  if (env_.idle_pipe) request.idle_pipe = env_.idle_pipe->fds();
  request.wait_for_idle = running_->type == ServiceType::idle;
  if (!invocation_id_.empty()) request.manager_environment.push_back("INVOCATION_ID=" + invocation_id_);
  // systemd's service_exec_needs_notify_socket(): what ExecStart= runs (a
  // forking service's too) may always reach the socket it may notify on;
  // the other command lists (control processes) only with
  // NotifyAccess=exec or all, which accept their messages.
  NotifyAccess access = running_->effective_notify_access();
  bool gets_socket = start_command ? access != NotifyAccess::none
                                   : access == NotifyAccess::exec || access == NotifyAccess::all;
  if (gets_socket && !env_.notify_socket.empty())
    request.manager_environment.push_back("NOTIFY_SOCKET=" + env_.notify_socket);
  if (role == ProcessRole::control && !main_gone())
    request.manager_environment.push_back("MAINPID=" + std::to_string(main_.pid));
  // EXEC_SET_WATCHDOG in systemd's service_enter_start(): ExecStart= (a
  // forking service's too), with WATCHDOG_PID= naming the process itself.
  if (start_command && watchdog_usec_ > 0) {
    request.manager_environment.push_back("WATCHDOG_USEC=" + std::to_string(watchdog_usec_));
    request.set_watchdog_pid = true;
  }
  if (env_.user_manager) request.manager_environment.push_back("MANAGERPID=" + std::to_string(getpid()));
  if (result_environment == ResultEnvironment::own) {
    append_result_environment(request.manager_environment, "", result_, main_exit_);
  } else if (result_environment == ResultEnvironment::monitor) {
    if (const Service* source = env_.listener.triggering_service(*this)) {
      append_result_environment(request.manager_environment, "MONITOR_", source->result(), source->exec_main_status());
      if (!source->invocation_id().empty())
        request.manager_environment.push_back("MONITOR_INVOCATION_ID=" + source->invocation_id());
      request.manager_environment.push_back("MONITOR_UNIT=" + source->name());
    }
  }
  std::vector<unique_fd> child_fds;  // kept open until the child has its copies
  if (env_.spawn_hook) child_fds = env_.spawn_hook->prepare(*running_, role, request);
  std::string failure;
  request.failure = &failure;
  int r = env_.ops.spawn(request, out);
  if (r < 0) {
    message("failed to spawn " + command.path + ": " + (failure.empty() ? std::strerror(-r) : failure));
    return r;
  }
  env_.listener.on_pid_attached(*this, out.pid);
  // RemoveIPC=: the run counts from its first process, whose child resolves
  // User= (systemd's unit_notify_user_lookup()).
  if (env_.ipc_owners && !ipc_ref_)
    ipc_ref_ = env_.ipc_owners->ref(running_->user, running_->group, running_->remove_ipc);
  return 0;
}

bool Service::spawn_main(const ExecCommand& command) {
  if (spawn(command, ProcessRole::main, main_, true, ResultEnvironment::monitor, main_command_index_ == 0) < 0) {
    set_state(SubState::start);
    enter_signal(SubState::stop_sigterm, ServiceResult::resources);
    return false;
  }
  note_main_started(main_.pid);
  note_run_started(Phase::start, main_command_index_, main_.pid);
  return true;
}

void Service::reset_failed() {
  start_window_open_ = false;  // systemd's ratelimit_reset()
  bool changed = result_ != ServiceResult::success || n_restarts_ != 0;
  result_ = ServiceResult::success;
  n_restarts_ = 0;
  if (sub_ == SubState::failed) {
    set_state(SubState::dead);  // tells the listener, with the new result
  } else if (changed) {
    env_.listener.on_properties_changed(*this);
  }
}

void Service::note_run_started(Phase phase, std::size_t index, pid_t pid) {
  auto& runs = exec_runs_[static_cast<std::size_t>(phase)];
  if (index >= runs.size()) return;
  runs[index] = ExecRun{pid, env_.port.now_realtime(), env_.port.now_monotonic(), 0, 0, {}};
}

void Service::note_run_exited(Phase phase, std::size_t index, pid_t pid, ExitInfo info) {
  auto& runs = exec_runs_[static_cast<std::size_t>(phase)];
  if (index >= runs.size()) return;
  ExecRun& run = runs[index];
  if (run.pid != pid) run = ExecRun{pid, 0, 0, 0, 0, {}};
  run.exit_realtime = env_.port.now_realtime();
  run.exit_monotonic = env_.port.now_monotonic();
  run.exit = info;
}

std::vector<ExecCommandStatus> Service::exec_command_statuses(Phase phase) const {
  const std::vector<ExecCommand>* commands = &commands_in(*config_, phase);
  const auto& runs = exec_runs_[static_cast<std::size_t>(phase)];
  // Runs of the file as loaded only: a reload (even of an inactive unit)
  // forgets them, as systemd's daemon-reload does.
  const bool with_runs = runs_of_ == config_ && runs.size() == commands->size();
  std::vector<ExecCommandStatus> out;
  out.reserve(commands->size());
  for (std::size_t i = 0; i < commands->size(); ++i) {
    const ExecCommand& command = (*commands)[i];
    ExecCommandStatus one;
    one.path = command.path;
    one.argv = command.argv;
    if (command.ignore_failure) one.flags.emplace_back("ignore-failure");
    if (command.full_privileges) one.flags.emplace_back("privileged");
    if (command.ambient_privileges) one.flags.emplace_back("no-setuid");
    if (command.ambient_magic) one.flags.emplace_back("ambient");
    if (!command.expand_environment) one.flags.emplace_back("no-env-expand");
    if (with_runs) {
      const ExecRun& run = runs[i];
      one.pid = static_cast<std::uint32_t>(run.pid);
      one.start_realtime = run.start_realtime;
      one.start_monotonic = run.start_monotonic;
      one.exit_realtime = run.exit_realtime;
      one.exit_monotonic = run.exit_monotonic;
      one.code = run.exit.code;
      one.status = run.exit.status;
    }
    out.push_back(std::move(one));
  }
  return out;
}

void Service::note_main_started(pid_t pid) {
  exec_main_pid_ = pid;
  times_.exec_main_start = now();
  times_.exec_main_exit = {};
}

const std::vector<ExecCommand>& Service::commands_in(const ServiceConfig& config, Phase phase) {
  switch (phase) {
    case Phase::condition: return config.exec_condition;
    case Phase::start_pre: return config.exec_start_pre;
    case Phase::start: return config.exec_start;
    case Phase::start_post: return config.exec_start_post;
    case Phase::reload: return config.exec_reload;
    case Phase::stop: return config.exec_stop;
    case Phase::stop_post: return config.exec_stop_post;
  }
  return config.exec_start;
}

const std::vector<ExecCommand>& Service::commands_of(Phase phase) const { return commands_in(*running_, phase); }

bool Service::run_control(Phase phase, std::size_t index) {
  control_phase_ = phase;
  control_index_ = index;
  ResultEnvironment result_environment = phase == Phase::stop || phase == Phase::stop_post ? ResultEnvironment::own
                                         : phase == Phase::start_pre || phase == Phase::start ? ResultEnvironment::monitor
                                                                                          : ResultEnvironment::none;
  // The first of ExecStartPre= and of ExecStart= (systemd 252's
  // service_enter_start_pre() and service_enter_start()).
  const bool write_credentials = (phase == Phase::start_pre || phase == Phase::start) && index == 0;
  if (spawn(commands_of(phase)[index], ProcessRole::control, control_, phase == Phase::start, result_environment,
            write_credentials) == 0) {
    note_run_started(phase, index, control_.pid);
    return true;
  }
  fail_phase(phase, ServiceResult::resources);
  return false;
}

void Service::advance_phase() {
  const auto& commands = commands_of(control_phase_);
  if (control_index_ + 1 < commands.size()) {
    run_control(control_phase_, control_index_ + 1);
    return;
  }
  switch (control_phase_) {
    case Phase::condition: enter_start_pre(); return;
    case Phase::start_pre: enter_start(); return;
    case Phase::start: finish_forking_start(); return;
    case Phase::start_post:
      // A forking daemon's PIDFile= may be written by ExecStartPost=.
      if (running_->type == ServiceType::forking && !running_->pid_file.empty() && main_gone() &&
          load_pid_file(true) < 0) {
        watch_pid_file();
        return;
      }
      enter_running();
      return;
    case Phase::reload: enter_running(); return;
    case Phase::stop: enter_signal(SubState::stop_sigterm, ServiceResult::success); return;
    case Phase::stop_post: enter_signal(SubState::final_sigterm, ServiceResult::success); return;
  }
}

void Service::fail_phase(Phase phase, ServiceResult why) {
  switch (phase) {
    case Phase::condition:
      if (sub_ != SubState::condition) {
        // The first command could not be spawned: systemd's
        // service_enter_condition() goes to dead at once, so ExecStopPost=
        // does not run; shown through condition so that watchers see it.
        set_state(SubState::condition);
        enter_dead(why, true);
        return;
      }
      enter_signal(SubState::stop_sigterm, why);
      return;
    case Phase::start_pre:
    case Phase::start:
      // Show the attempt before the stop path, so watchers see why it failed.
      if (sub_ == SubState::dead || sub_ == SubState::failed || sub_ == SubState::auto_restart)
        set_state(SubState::start_pre);
      enter_signal(SubState::stop_sigterm, why);
      return;
    case Phase::start_post: enter_stop(why); return;
    case Phase::reload:
      message("reload failed");
      reload_failed_ = true;
      enter_running();
      return;
    case Phase::stop: enter_signal(SubState::stop_sigterm, why); return;
    case Phase::stop_post: enter_signal(SubState::final_sigterm, why); return;
  }
}

// The forking parent has exited successfully: find the main process, as
// systemd's service_sigchld_event() does for SERVICE_START.
void Service::finish_forking_start() {
  if (running_->pid_file.empty()) {
    pid_t guessed = 0;
    if (running_->guess_main_pid && scope_ && env_.ops.guess_main_pid(*scope_, control_.pid, guessed) == 0 &&
        adopt_main_pid(guessed)) {
      enter_start_post();
      return;
    }
    // No main PID: the service lives as long as its scope.
    main_pid_unknown_ = true;
    enter_start_post();
    return;
  }
  // With ExecStartPost= the file may come from there: look again after it.
  bool has_start_post = !running_->exec_start_post.empty();
  if (load_pid_file(!has_start_post) < 0 && !has_start_post) {
    watch_pid_file();
    return;
  }
  enter_start_post();
}

// systemd's service_load_pid_file() and service_is_suitable_main_pid(): the
// PID must not be the manager or the control process; one outside the
// service is taken only from a file root owns (anyone else could point the
// manager at any process to signal). A refused PID leaves the service
// waiting for a better file, as a missing one does.
int Service::load_pid_file(bool report) {
  const std::string& pid_file = running_->pid_file;
  pid_t pid = 0;
  PidFileFacts facts;
  if (int r = env_.ops.read_pid_file(pid_file, pid, facts); r < 0) {
    if (report)
      message("PIDFile=" + pid_file + ": cannot read PID file yet: " + read_error_text(r, kPidFileMaxBytes));
    return r;
  }
  if (!main_gone() && pid == main_.pid) return 0;
  const std::string named = "new main PID " + std::to_string(pid);
  if (pid == getpid()) {
    if (report) message(named + " is the manager itself, refusing");
    return -EPERM;
  }
  if (pid == control_.pid) {
    if (report) message(named + " is the control process, refusing");
    return -EPERM;
  }
  if (!(scope_ && scope_->contains(pid))) {
    if (facts.unsafe_path) {
      message("refusing to accept PID outside of service control group, acquired through unsafe symlink chain: " +
              pid_file);
      return -EPERM;
    }
    if (facts.owner != 0) {
      message(named + " does not belong to service, and PID file is not owned by root, refusing");
      return -EPERM;
    }
  }
  return adopt_main_pid(pid) ? 0 : -ESRCH;
}

// systemd's service_demand_pid_file(): the daemon may write its PID file a
// moment after its parent exited; wait for it while the service has
// processes, within TimeoutStartSec=.
void Service::watch_pid_file() {
  if (!scope_ || scope_->empty()) {
    message("daemon never wrote its PID file, failing");
    if (sub_ == SubState::start_post) enter_stop(ServiceResult::protocol);
    else enter_signal(SubState::stop_sigterm, ServiceResult::protocol);
    return;
  }
  // A new watch first, then a look at the file: nothing in between is lost.
  pid_file_watch_.reset();
  if (int r = env_.ops.watch_path(running_->pid_file, pid_file_fd_); r < 0) {
    message("PIDFile=" + running_->pid_file + ": cannot watch: " + std::strerror(-r));
    if (sub_ == SubState::start_post) enter_stop(ServiceResult::protocol);
    else enter_signal(SubState::stop_sigterm, ServiceResult::protocol);
    return;
  }
  pid_file_watch_ = env_.port.watch_readable(pid_file_fd_.get(), [this] { on_pid_file_changed(); });
}

void Service::on_pid_file_changed() {
  if (sub_ != SubState::start && sub_ != SubState::start_post) return stop_watching_pid_file();
  unique_fd old = std::move(pid_file_fd_);
  watch_pid_file();  // re-armed before the file is read
  if (!pid_file_watch_) return;
  if (load_pid_file(false) < 0) return;
  stop_watching_pid_file();
  enter_running();
}

void Service::stop_watching_pid_file() {
  pid_file_watch_.reset();
  pid_file_fd_.reset();
}

bool Service::adopt_main_pid(pid_t pid) {
  SpawnedProcess process;
  if (int r = env_.ops.open_process(pid, process); r < 0) {
    message("main PID " + std::to_string(pid) + " is not usable: " + std::strerror(-r));
    return false;
  }
  forget_main();
  main_ = std::move(process);
  main_pid_unknown_ = false;
  // systemd's service_set_main_pid(): a different PID starts a new ExecMain*.
  if (pid != exec_main_pid_) note_main_started(pid);
  if (scope_) scope_->adopt(pid);
  env_.listener.on_pid_attached(*this, pid);
  if (main_.pidfd)
    adopted_main_watch_ = env_.port.watch_readable(main_.pidfd.get(), [this] { on_adopted_main_readable(); });
  return true;
}

// The listener hears of the detach with the process already forgotten, so
// that what it asks (watches_scope()) sees the service as it now is.
void Service::forget_main() {
  adopted_main_watch_.reset();
  const pid_t pid = main_.pid;
  main_ = SpawnedProcess{};
  if (pid > 0) env_.listener.on_pid_detached(*this, pid);
}

// The adopted main process ended. If it is our child after all (reparented to
// us, the subreaper), the supervisor's reaper brings its status; otherwise its
// parent reaped it and the status is lost: like systemd, count it as a clean
// exit.
void Service::on_adopted_main_readable() {
  adopted_main_watch_.reset();
  if (main_gone() || env_.ops.is_own_child(main_)) return;
  message("main process " + std::to_string(main_.pid) + " (not our child) exited; its status is unknown");
  on_main_exited(ExitInfo{CLD_EXITED, 0});
  on_scope_maybe_empty();  // as after a child's exit (Manager::on_child_exited())
}

void Service::forget_control() {
  const pid_t pid = control_.pid;
  control_ = SpawnedProcess{};
  if (pid > 0) env_.listener.on_pid_detached(*this, pid);
}

bool Service::stop_complete() {
  if (!main_gone() || control_.pid > 0) return false;
  return !step_waits_for_scope_ || !scope_ || scope_->empty();
}

// ---- events -------------------------------------------------------------------

bool Service::on_process_exited(pid_t pid, ExitInfo info) {
  if (pid <= 0) return false;
  if (running_ && (pid == main_.pid || pid == control_.pid))
    env_.ops.record_process_exit(*running_, pid, info.code, info.status);  // exec_status_exit()
  if (pid == main_.pid) {
    on_main_exited(info);
    return true;
  }
  if (pid == control_.pid) {
    on_control_exited(info);
    return true;
  }
  return false;
}

void Service::on_main_exited(ExitInfo info) {
  main_exit_ = info;
  times_.exec_main_exit = now();
  // A forking daemon's main process came from no ExecStart= line of ours
  // (systemd's main_command is NULL then).
  // Its ExecStart= line takes the main process's record, as systemd's
  // service_sigchld_event() copies main_exec_status into main_command: an
  // adopted MAINPID= shows with the time it was adopted.
  if (running_->type != ServiceType::forking && runs_of_ == running_) {
    auto& runs = exec_runs_[static_cast<std::size_t>(Phase::start)];
    if (main_command_index_ < runs.size())
      runs[main_command_index_] = ExecRun{main_.pid, times_.exec_main_start.realtime, times_.exec_main_start.monotonic,
                                          times_.exec_main_exit.realtime, times_.exec_main_exit.monotonic, info};
  }
  forget_main();
  ServiceResult r = classify_main_exit(info);
  // A '-' on the ExecStart= line the main process came from (a forking
  // service's: its first) makes any end of it a success, as systemd's
  // service_sigchld_event() does; ExecMainStatus= still tells how it ended.
  const auto& start_commands = running_->exec_start;
  if (main_command_index_ < start_commands.size() && start_commands[main_command_index_].ignore_failure)
    r = ServiceResult::success;
  message("main process exited, " + describe_exit(info) +
          (r == ServiceResult::success ? "" : ", result " + std::string(to_string(r))));
  switch (sub_) {
    case SubState::start:
      if (running_->type == ServiceType::oneshot && r == ServiceResult::success) {
        if (++main_command_index_ < running_->exec_start.size()) {
          spawn_main(running_->exec_start[main_command_index_]);
          return;
        }
        enter_start_post();
        return;
      }
      // systemd 252's service_sigchld_event(): a Type=dbus service is
      // judged as a running one (without its main process it is not
      // good: exited with RemainAfterExit=, else stopped).
      if (running_->type == ServiceType::dbus) {
        note_result(r);
        enter_running();
        return;
      }
      // A notify service that exits before READY=1 broke its promise,
      // unless RemainAfterExit= lets another process send it.
      if (r == ServiceResult::success && running_->remain_after_exit &&
          running_->effective_notify_access() != NotifyAccess::main)
        return;
      if (r == ServiceResult::success) r = ServiceResult::protocol;
      enter_signal(SubState::stop_sigterm, r);
      return;
    case SubState::start_post:
    case SubState::reload:
      note_result(r);  // decided once the control process is done
      return;
    case SubState::running:
      if (stop_by_notify_) {
        note_result(r);
        if (stop_complete()) finish_signal_step();
        return;
      }
      note_result(r);
      enter_running();
      return;
    default:
      note_result(r);
      if (waiting_for_empty_scope() && stop_complete()) finish_signal_step();
      return;
  }
}

void Service::on_control_exited(ExitInfo info) {
  bool ignore = commands_of(control_phase_)[control_index_].ignore_failure;
  note_run_exited(control_phase_, control_index_, control_.pid, info);
  forget_control();
  // A forking service's ExecStart= process is judged as a daemon: a clean
  // signal is no failure (systemd's EXIT_CLEAN_DAEMON); other commands
  // must exit 0 (EXIT_CLEAN_COMMAND). SuccessExitStatus= counts for every
  // command, as systemd judges main and control processes by one
  // is_clean_exit() (tests/conformance/cases/success-exit-status-control).
  bool ok = (info.code == CLD_EXITED && info.status == 0) || in_set(running_->success_exit_status.get(), info) ||
            (control_phase_ == Phase::start && info.code == CLD_KILLED && is_clean_signal(info.status));
  ServiceResult why = ok                         ? ServiceResult::success
                      : info.code == CLD_EXITED  ? ServiceResult::exit_code
                      : info.code == CLD_DUMPED  ? ServiceResult::core_dump
                                                 : ServiceResult::signal;
  // systemd's service_sigchld_event(): ExecCondition= exiting 1-254 (203
  // when it could not be executed included) skips the unit; 255 fails it.
  if (why == ServiceResult::exit_code && sub_ == SubState::condition && info.status < 255)
    why = ServiceResult::exec_condition;
  if (!ok) {
    message("control process (" + commands_of(control_phase_)[control_index_].path + ") exited, " +
            describe_exit(info) + (ignore ? ", ignoring" : "") +
            (why == ServiceResult::exec_condition && !ignore ? ", skipping the unit" : ""));
  }
  if (ignore) why = ServiceResult::success;
  if (waiting_for_empty_scope()) {
    // Stopped while it ran: how it ended (a SIGTERM from the stop
    // included) is the result, as systemd records every control exit.
    note_result(why);
    if (stop_complete()) finish_signal_step();
    return;
  }
  if (why == ServiceResult::success) {
    advance_phase();
    return;
  }
  fail_phase(control_phase_, why);
}

void Service::remember_cpu_usage() {
  if (scope_) cpu_usage_last_nsec_ = scope_->resource_usage().cpu_usage_nsec;
}

ResourceUsage Service::resource_usage() const {
  if (scope_ && !(counters_pruned_ && sub_ == SubState::exited)) return scope_->resource_usage();
  ResourceUsage usage;
  usage.cpu_usage_nsec = cpu_usage_last_nsec_;
  return usage;
}

void Service::on_scope_maybe_empty() {
  if (!scope_) return;
  if (awaits_ready_from_others()) {
    // systemd 252's service_notify_cgroup_empty_event(): with no process
    // left, nobody can send READY=1 any more.
    if (!scope_->empty()) return;
    message("no process left to send READY=1, failing");
    enter_stop_post(ServiceResult::protocol);
    return;
  }
  if (pid_file_watch_ && (sub_ == SubState::start || sub_ == SubState::start_post)) {
    if (!scope_->empty()) return;
    message("daemon never wrote its PID file, failing");
    if (sub_ == SubState::start_post) enter_stop(ServiceResult::protocol);
    else enter_signal(SubState::stop_sigterm, ServiceResult::protocol);
    return;
  }
  if (waiting_for_empty_scope() || (stop_by_notify_ && sub_ == SubState::stop_sigterm)) {
    if (stop_complete()) finish_signal_step();
    return;
  }
  if (sub_ == SubState::running && main_pid_unknown_ && scope_->empty()) {
    main_pid_unknown_ = false;
    enter_running();
  }
}

// systemd 252's service_dispatch_timer(), with TimeoutStartFailureMode=
// and TimeoutStopFailureMode= deciding the first step after a timeout.
void Service::on_timeout() {
  const std::string state(to_string(sub_));
  // A timed-out step of a start or stop: SIGTERM and the rest of the stop
  // sequence, WatchdogSignal= (abort), or SIGKILL at once (kill; without
  // SendSIGKILL= straight on to `no_sigkill`).
  auto act = [&](TimeoutFailureMode mode, const std::string& what, SubState terminate, SubState abort,
                 SubState kill, const std::function<void()>& no_sigkill) {
    switch (mode) {
      case TimeoutFailureMode::terminate:
        message(what + " timed out, terminating");
        return enter_signal(terminate, ServiceResult::timeout);
      case TimeoutFailureMode::abort:
        message(what + " timed out, aborting");
        return enter_signal(abort, ServiceResult::timeout);
      case TimeoutFailureMode::kill:
        if (running_->send_sigkill) {
          message(what + " timed out, killing");
          return enter_signal(kill, ServiceResult::timeout);
        }
        message(what + " timed out, skipping SIGKILL");
        return no_sigkill();
    }
  };
  auto to_stop_post = [&] {
    forget_control();
    forget_main();
    enter_stop_post(ServiceResult::timeout);
  };
  auto to_dead = [&] {
    forget_control();
    forget_main();
    enter_dead(ServiceResult::timeout, false);
  };
  const TimeoutFailureMode stop_mode = running_->timeout_stop_failure_mode;
  switch (sub_) {
    case SubState::condition:
    case SubState::start_pre:
    case SubState::start:
    case SubState::start_post:
      return act(running_->timeout_start_failure_mode, state + " operation", SubState::stop_sigterm,
                 SubState::stop_watchdog, SubState::stop_sigkill, [&] { enter_stop_post(ServiceResult::timeout); });
    case SubState::reload:
      message("reload operation timed out, killing reload process");
      reload_failed_ = true;
      if (control_.pid > 0) env_.ops.signal_process(control_, SIGKILL);
      forget_control();
      enter_running();
      return;
    case SubState::running:
      // RuntimeMaxSec= (systemd's service_dispatch_timer()).
      message("service reached runtime time limit, stopping");
      enter_stop(ServiceResult::timeout);
      return;
    case SubState::stop:
      return act(stop_mode, "stopping", SubState::stop_sigterm, SubState::stop_watchdog, SubState::stop_sigkill,
                 [&] { enter_stop_post(ServiceResult::timeout); });
    case SubState::stop_sigterm:
      if (stop_mode == TimeoutFailureMode::abort) {
        message("state 'stop-sigterm' timed out, aborting");
        return enter_signal(SubState::stop_watchdog, ServiceResult::timeout);
      }
      [[fallthrough]];
    case SubState::stop_watchdog:
      if (running_->send_sigkill) {
        message("state '" + state + "' timed out, killing");
        return enter_signal(SubState::stop_sigkill, ServiceResult::timeout);
      }
      message("state '" + state + "' timed out, skipping SIGKILL");
      return enter_stop_post(ServiceResult::timeout);
    case SubState::stop_sigkill:
      message("processes still around after SIGKILL, ignoring");
      return to_stop_post();
    case SubState::stop_post:
      return act(stop_mode, "state 'stop-post'", SubState::final_sigterm, SubState::final_watchdog,
                 SubState::final_sigkill, [&] {
                   message("entering failed mode");
                   to_dead();
                 });
    case SubState::final_sigterm:
      if (stop_mode == TimeoutFailureMode::abort) {
        message("state 'final-sigterm' timed out, aborting");
        return enter_signal(SubState::final_watchdog, ServiceResult::timeout);
      }
      [[fallthrough]];
    case SubState::final_watchdog:
      if (running_->send_sigkill) {
        message("state '" + state + "' timed out, killing");
        return enter_signal(SubState::final_sigkill, ServiceResult::timeout);
      }
      message("state '" + state + "' timed out, skipping SIGKILL, entering failed mode");
      // With KillMode=none the wait systemd does in stop-post is done here;
      // its end there (service_enter_signal() finding nothing to signal)
      // allows a restart.
      if (running_->kill_mode == KillMode::none) {
        forget_control();
        forget_main();
        return enter_dead(ServiceResult::timeout, true);
      }
      return to_dead();
    case SubState::final_sigkill:
      message("processes still around after final SIGKILL, entering failed mode");
      forget_control();
      forget_main();
      enter_dead(ServiceResult::timeout, true);
      return;
    case SubState::auto_restart: restart_now(); return;
    default: return;
  }
}

void Service::on_watchdog_timeout() {
  if (sub_ != SubState::start && sub_ != SubState::start_post && sub_ != SubState::running &&
      sub_ != SubState::reload)
    return;
  message("watchdog timeout (limit " + std::to_string(watchdog_usec_ / 1000) + "ms), aborting");
  enter_signal(SubState::stop_watchdog, ServiceResult::watchdog);
}

// The start refused by the start limit, as systemd's service_can_start()
// and service_enter_dead(..., false): a failure already recorded (the
// exit-code of a crash loop) stays the result.
void Service::enter_start_limit_hit() {
  message("start request repeated too quickly, refusing to start");
  note_result(ServiceResult::start_limit_hit);
  flush_n_restarts_ = true;
  set_state(SubState::failed);
}

void Service::disarm_watchdog() {
  if (watchdog_timer_) watchdog_timer_->disarm();  // none made yet: nothing armed
}

void Service::arm_watchdog() {
  if (watchdog_usec_ == 0 || watchdog_usec_ == kUsecInfinity) {
    disarm_watchdog();
    return;
  }
  // Made on first use: most services have no watchdog.
  if (!watchdog_timer_) watchdog_timer_ = env_.port.make_timer([this] { on_watchdog_timeout(); });
  watchdog_timer_->arm(deadline_after(env_.port.now_monotonic(), watchdog_usec_));
}

void Service::arm_phase_timer(usec_t span) {
  usec_t deadline = deadline_after(env_.port.now_monotonic(), span);
  if (deadline == kUsecInfinity)
    phase_timer_->disarm();
  else
    phase_timer_->arm(deadline);
}

void Service::on_notify(pid_t sender, const NotifyMessage& msg, bool sender_in_scope, std::vector<unique_fd>* fds) {
  if (!msg.actionable()) return;  // e.g. BARRIER=1 alone: nothing to allow or refuse
  NotifyAccess access = running_->effective_notify_access();
  bool allowed = false;
  switch (access) {
    case NotifyAccess::none: break;
    case NotifyAccess::main: allowed = sender == main_.pid; break;
    case NotifyAccess::exec: allowed = sender == main_.pid || sender == control_.pid; break;
    case NotifyAccess::all:
      allowed = sender == main_.pid || sender == control_.pid || (scope_ && sender_in_scope);
      break;
  }
  if (!allowed || sender <= 0) {
    message("notification from PID " + std::to_string(sender) + " refused (NotifyAccess=" +
            to_string(access) + ")");
    return;
  }
  bool changed = false;  // what the listener hears of apart from state changes
  // STATUS= is any bytes a service sends; it goes out as a D-Bus string
  // (StatusText), which must be UTF-8: a signal sd-bus refuses to send
  // closes the link it was for, so bad text from one service must not
  // reach the links of its watchers unescaped.
  if (msg.status) {
    std::string text = escape_invalid_utf8(*msg.status);
    if (text != status_text_) {
      status_text_ = std::move(text);
      changed = true;
    }
  }
  if (msg.errno_value) status_errno_ = *msg.errno_value;
  if (msg.main_pid && *msg.main_pid != main_.pid &&
      (sub_ == SubState::start || sub_ == SubState::start_post || sub_ == SubState::running ||
       sub_ == SubState::reload)) {
    // Only a process inside the service may become its main process.
    if (scope_ && (scope_->contains(*msg.main_pid) || *msg.main_pid == control_.pid))
      changed = adopt_main_pid(*msg.main_pid) || changed;
    else
      message("MAINPID=" + std::to_string(*msg.main_pid) + " is not part of the service, ignoring");
  }
  // Before what the rest of the message does to the state (READY=1,
  // STOPPING=1), so that this change and those are told in that order.
  if (changed) env_.listener.on_properties_changed(*this);
  // Then as systemd's service_notify_message(): READY=1/RELOADING=1/
  // STOPPING=1, EXTEND_TIMEOUT_USEC= (so it extends the phase the message
  // leaves the service in), WATCHDOG=, WATCHDOG_USEC=.
  apply_notify_state(msg);
  if (msg.extend_timeout_usec) extend_timeouts(*msg.extend_timeout_usec);
  if (msg.watchdog_ping) arm_watchdog();
  if (msg.watchdog_trigger) on_watchdog_timeout();
  if (msg.watchdog_usec) {
    watchdog_usec_ = *msg.watchdog_usec;
    arm_watchdog();
  }
  // Last, as in systemd's service_notify_message(); FDNAME= is needed to
  // remove, optional to store.
  const std::size_t stored_before = fd_store_.get().size();
  if (msg.fd_store_remove) {
    if (!msg.fd_name || !is_valid_fd_name(*msg.fd_name))
      message("FDSTOREREMOVE=1 requested, but no valid file descriptor name passed, ignoring.");
    else
      remove_stored_fds(*msg.fd_name);
  } else if (msg.fd_store && fds) {
    std::string name = msg.fd_name.value_or("stored");
    if (msg.fd_name && !is_valid_fd_name(*msg.fd_name)) {
      message("Passed FDNAME= name is invalid, ignoring.");
      name = "stored";
    }
    store_fds(*fds, name);
  }
  if (fd_store_.get().size() != stored_before) env_.listener.on_properties_changed(*this);
}

void Service::store_fds(std::vector<unique_fd>& fds, const std::string& name) {
  for (unique_fd& fd : fds) {
    if (!fd) continue;
    // The unit's setting as now loaded, also for a run begun before a
    // daemon-reload (systemd keeps no other).
    if (fd_store_.get().size() >= config_->file_descriptor_store_max) {
      message("Cannot store more fds than FileDescriptorStoreMax=" + std::to_string(config_->file_descriptor_store_max) +
              ", closing remaining.");
      return;
    }
    if (fd_store_.get().size() >= kFdStoreLimit) {
      message("Cannot store more than " + std::to_string(kFdStoreLimit) + " fds (Vermilion's limit), closing remaining.");
      return;
    }
    auto& store = fd_store_.mut();
    // The same open file twice is kept once (systemd's same_fd()).
    if (std::any_of(store.begin(), store.end(), [&](const StoredFd& s) { return is_same_open_file(s.fd.get(), fd.get()); })) {
      fd.reset();
      continue;
    }
    store.insert(store.begin(), StoredFd{std::move(fd), name});
  }
}

void Service::remove_stored_fds(const std::string& name) {
  if (fd_store_.get().empty()) return;
  std::erase_if(fd_store_.mut(), [&](const StoredFd& s) { return s.name == name; });
}

void Service::apply_notify_state(const NotifyMessage& msg) {
  if (msg.stopping && sub_ == SubState::running) {
    // The service is stopping on its own: wait for it, as for a stop.
    stop_by_notify_ = true;
    disarm_watchdog();
    set_state(SubState::stop_sigterm);
    arm_phase_timer(running_->timeout_stop);
    return;
  }
  if (msg.reloading && sub_ == SubState::running && !notify_reloading_) {
    ActiveState before = active_state();
    notify_reloading_ = true;
    env_.listener.on_state_changed(*this, before, sub_);
  }
  if (msg.ready) {
    if (sub_ == SubState::start && running_->type == ServiceType::notify) {
      enter_start_post();
    } else if (notify_reloading_) {
      ActiveState before = active_state();
      notify_reloading_ = false;
      env_.listener.on_state_changed(*this, before, sub_);
    }
  }
}

void Service::on_bus_name_owner(bool owned) {
  bus_name_owned_ = owned;
  message("D-Bus name " + config_->bus_name.get() + (owned ? " now owned" : " now not owned by anyone"));
  if (!running_ || running_->type != ServiceType::dbus) return;
  if (sub_ == SubState::running && !owned)
    enter_running();  // no longer good: stops (or exited with RemainAfterExit=)
  else if (sub_ == SubState::start && owned)
    enter_start_post();
}

// systemd's service_extend_timeout(): the timer of the phase the service is
// in (start, its ExecStartPre=/Post=, stop, reload, RuntimeMaxSec= while
// running) and the watchdog, each if armed, now end no earlier than `span`
// from now; a later deadline stays. 0 and infinity change nothing.
void Service::extend_timeouts(usec_t span) {
  if (span == 0 || span == kUsecInfinity) return;
  usec_t extended = deadline_after(env_.port.now_monotonic(), span);
  for (Timer* timer : {phase_timer_.get(), watchdog_timer_.get()}) {
    if (!timer) continue;
    usec_t current = timer->deadline();
    if (current != kUsecInfinity && current < extended) timer->arm(extended);
  }
}

// ---- policy -------------------------------------------------------------------

ServiceResult Service::classify_main_exit(ExitInfo info) const {
  if (in_set(running_->success_exit_status.get(), info)) return ServiceResult::success;
  switch (info.code) {
    case CLD_EXITED:
      return info.status == 0 ? ServiceResult::success : ServiceResult::exit_code;
    case CLD_KILLED:
      // A oneshot's commands must finish; a daemon may end on a clean signal.
      if (running_->type != ServiceType::oneshot && is_clean_signal(info.status))
        return ServiceResult::success;
      return ServiceResult::signal;
    default: return ServiceResult::core_dump;
  }
}

bool Service::should_restart(ServiceResult result) const {
  // A skip by ExecCondition= is restarted by no setting, Restart=always
  // included (systemd 252's service_shall_restart(); recorded in
  // tests/conformance/cases/exec-condition-restart).
  if (result == ServiceResult::start_limit_hit || result == ServiceResult::exec_condition) return false;
  if (main_exit_.code != 0 && in_set(running_->restart_prevent_exit_status.get(), main_exit_)) return false;
  bool abnormal = result == ServiceResult::signal || result == ServiceResult::core_dump ||
                  result == ServiceResult::timeout || result == ServiceResult::watchdog;
  switch (running_->restart) {
    case RestartPolicy::no: return false;
    case RestartPolicy::always: return true;
    case RestartPolicy::on_success: return result == ServiceResult::success;
    case RestartPolicy::on_failure: return result != ServiceResult::success;
    case RestartPolicy::on_abnormal: return abnormal;
    case RestartPolicy::on_watchdog: return result == ServiceResult::watchdog;
    case RestartPolicy::on_abort:
      return result == ServiceResult::signal || result == ServiceResult::core_dump;
  }
  return false;
}

bool Service::start_limit_allows() {
  usec_t interval = config_->start_limit_interval;
  unsigned burst = config_->start_limit_burst;
  if (interval == 0 || burst == 0) return true;
  // systemd 252's ratelimit_below(): a window opens at the first start and
  // at the first start after it closed; within it, `burst` starts pass.
  usec_t now = env_.port.now_monotonic();
  if (!start_window_open_ || now - start_window_begin_ > interval) {
    start_window_open_ = true;
    start_window_begin_ = now;
    start_window_count_ = 0;
  }
  if (start_window_count_ >= burst) {
    env_.listener.on_start_limit_hit(*this);
    return false;
  }
  ++start_window_count_;
  return true;
}

// systemd's condition_test_list(): in its list's order (the last assignment
// first), up to the first non-trigger condition that fails; then at least
// one trigger condition must hold, if there are any. Results of conditions
// not reached stay as they were.
bool Service::test_condition_list(const std::vector<UnitCondition>& list, bool asserts,
                                  std::vector<std::int32_t>& states) {
  bool any_trigger = false, trigger_passed = false;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const UnitCondition& c = list[list.size() - 1 - i];
    const int tested = env_.ops.test_condition(c);
    const bool holds = tested >= 0 && (tested > 0) != c.negate;
    states[i] = holds ? 1 : -1;
    if (tested < 0)
      message("Couldn't determine result for " + condition_key_name(c.type, asserts) + "=" +
              (c.trigger ? "|" : "") + (c.negate ? "!" : "") + c.parameter + ", assuming failed: " +
              std::strerror(-tested));
    if (c.trigger) {
      any_trigger = true;
      trigger_passed = trigger_passed || holds;
    } else if (!holds) {
      return false;
    }
  }
  return !any_trigger || trigger_passed;
}

// systemd 252's unit_start(): conditions, then asserts; a condition that
// fails skips the start, an assert that fails fails the job ("assert"), the
// unit staying as it was either way.
StartOutcome Service::test_conditions() {
  if (conditions_of_ != config_ || condition_states_.size() != config_->conditions.size() ||
      assert_states_.size() != config_->asserts.size()) {
    condition_states_.assign(config_->conditions.size(), 0);
    assert_states_.assign(config_->asserts.size(), 0);
    conditions_of_ = config_;
  }
  times_.condition = now();
  condition_result_ = test_condition_list(config_->conditions, false, condition_states_);
  if (!condition_result_) {
    message("start condition failed, not starting");
    env_.listener.on_properties_changed(*this);  // no state change tells of it
    return StartOutcome::condition_failed;
  }
  times_.assert_ = times_.condition;
  assert_result_ = test_condition_list(config_->asserts, true, assert_states_);
  if (!assert_result_) {
    message("Starting requested but asserts failed.");
    env_.listener.on_properties_changed(*this);
    return StartOutcome::assert_failed;
  }
  return StartOutcome::started;
}

std::vector<ConditionStatus> Service::condition_statuses(bool asserts) const {
  const auto& list = asserts ? config_->asserts : config_->conditions;
  const auto& states = asserts ? assert_states_ : condition_states_;
  const bool tested = conditions_of_ == config_ && states.size() == list.size();
  std::vector<ConditionStatus> out;
  out.reserve(list.size());
  for (std::size_t i = 0; i < list.size(); ++i) {
    const UnitCondition& c = list[list.size() - 1 - i];
    out.push_back({condition_key_name(c.type, asserts), c.trigger, c.negate, c.parameter, tested ? states[i] : 0});
  }
  return out;
}

void Service::note_result(ServiceResult why) {
  if (result_ == ServiceResult::success) result_ = why;
}

void Service::message(const std::string& text) { env_.listener.on_service_message(*this, text); }

void Service::set_state(SubState next) {
  ActiveState old_active = active_state();
  SubState old_sub = sub_;
  sub_ = next;
  // Down for good: the fd store goes (systemd's service_release_resources(),
  // for a unit inactive with no job). An automatic restart or a restart
  // job keeps it; a restart job that ends without its start half: the
  // manager calls release_resources().
  if ((next == SubState::dead || next == SubState::failed) && !will_auto_restart_ && !restarting_) release_resources();
  // The watchdog lives in start-post, running and reload (systemd's
  // service_set_state()); in start only a WATCHDOG=1 ping arms it.
  if (next != SubState::start && next != SubState::start_post && next != SubState::running &&
      next != SubState::reload)
    disarm_watchdog();
  ActiveState now_active = active_state();
  // systemd's unit_notify(): every change stamps state_change; the edges
  // of active and inactive take the same time.
  const DualTimestamp at = now();
  times_.state_change = at;
  auto is_down = [](ActiveState s) { return s == ActiveState::inactive || s == ActiveState::failed; };
  auto is_up = [](ActiveState s) { return s == ActiveState::active || s == ActiveState::reloading; };
  if (is_down(old_active) && !is_down(now_active)) times_.inactive_exit = at;
  if (!is_up(old_active) && is_up(now_active)) times_.active_enter = at;
  if (!is_down(old_active) && is_down(now_active)) times_.inactive_enter = at;
  if (is_up(old_active) && !is_up(now_active)) times_.active_exit = at;
  if (old_sub != next) env_.listener.on_state_changed(*this, old_active, old_sub);
}

}  // namespace vermilion
