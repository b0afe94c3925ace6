// One service's state machine.
//
// Lifecycle (systemd's, see service_state.h for the names):
//
//   dead/failed --start--> [condition] -> [start-pre] -> start -> [start-post] -> running
//        ^                                                                          |  (exited
//        |                                                                          |   with
//        +-- auto-restart <-- dead/failed <-- [stop-post] <-- stop-sigterm <-- [stop]
//
// - Desired vs current: the manager's jobs say what is wanted (start, stop,
//   reload); this class only reports where the service is. A start request
//   while activating or active, or a stop request while stopping, is a no-op.
// - Interruptible: a stop request interrupts condition/start-pre/start/start-post,
//   reload and auto-restart at once (the pending restart is dropped). Nothing
//   interrupts the stop path: it always runs to dead or failed.
// - Each "phase" runs one command list one command at a time as the control
//   process (ExecCondition=, ExecStartPre=, ExecStartPost=, ExecReload=,
//   ExecStop=, ExecStopPost=); a failing command (without '-') fails the
//   phase. A control process that exits while the service stops counts
//   toward its result too (a SIGTERM it got included), as in systemd's
//   service_sigchld_event().
// - ExecCondition= (systemd.service(5), systemd 252's service.c): an exit
//   status of 1-254 skips the unit: no further command of any start phase
//   runs, the stop path does (so ExecStopPost=), and the service ends dead
//   with result exec-condition, which no Restart= setting restarts; 255, a
//   signal or a timeout fail it as a failing ExecStartPre= would.
// - Type= decides when "start" ends: simple/exec at fork, notify at READY=1,
//   forking when the ExecStart= process exits (main PID then from PIDFile=,
//   waited for with inotify while the service has processes, or MAINPID=,
//   or guessed: GuessMainPID=), oneshot when every ExecStart= command has
//   exited.
// - The main process ending while running enters the stop path (ExecStop=,
//   then signals for what is left, then ExecStopPost=), as systemd does. Its
//   result then decides Restart=.
// - One timer bounds every phase (TimeoutStartSec=/TimeoutStopSec=, and
//   in running RuntimeMaxSec= from when the service became active); a
//   second is the watchdog, which runs from start-post on (so never while a
//   oneshot's main process runs). An allowed EXTEND_TIMEOUT_USEC=N pushes
//   whichever of the two is armed out to now+N, never in (systemd's
//   service_extend_timeout()). Expiry moves to the next harsher step,
//   never back: stop-sigterm -> stop-sigkill -> stop-post -> final-sigterm
//   -> final-sigkill -> dead.
// - The stop sequence is systemd's (systemd.kill(5), unit_kill_context()):
//   each signal step signals what KillMode= names (control-group: every
//   process; mixed: main and control with KillSignal=, every process with
//   FinalKillSignal=; process: main and control; none: nothing) and waits
//   only for what it signalled; a step with nothing to wait for moves on at
//   once. The stop-* steps end when the main and control processes are
//   gone, the final-* steps when the whole scope is, so KillMode=mixed
//   sends SIGKILL to the rest as soon as the main process has exited.
// - Restarts pass through the start limit; hitting it ends in failed with
//   result start-limit-hit and no further attempt.
//
// - A target (systemd.target(5), config().unit_type) runs nothing: start
//   goes dead/failed -> active at once (after its conditions and start
//   limit), stop active -> dead; reload is not applicable, kill finds no
//   process.
//
// The class never calls back into itself through the manager: it tells its
// listener about state changes, and the manager decides what follows after
// the current event (no recursion through the dependency graph).
#pragma once

#include <sys/types.h>

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/condition_status.h"
#include "common/exec_command_status.h"
#include "common/lazy_value.h"
#include "common/unique_fd.h"
#include "common/resource_usage.h"
#include "platform/event_port.h"
#include "platform/notify_message.h"
#include "supervision/idle_pipe.h"
#include "supervision/ipc_owners.h"
#include "supervision/service_state.h"
#include "exec/spawn_hook.h"
#include "exec/system_ops.h"
#include "units/unit_config.h"

namespace vermilion {

class Service;

// How the manager hears from a service. noexcept: a listener may record and
// queue, never fail or call back into the service.
class ServiceListener {
 public:
  virtual ~ServiceListener() = default;
  virtual void on_state_changed(Service& service, ActiveState old_active,
                                SubState old_sub) noexcept = 0;
  // Something the service reports changed while its state did not: its
  // STATUS= text, or its main PID from MAINPID=.
  virtual void on_properties_changed(Service& service) noexcept = 0;
  // The service now watches (or stops watching) this pid's exit.
  virtual void on_pid_attached(Service& service, pid_t pid) noexcept = 0;
  virtual void on_pid_detached(Service& service, pid_t pid) noexcept = 0;
  // One line for the daemon's own log about this service.
  virtual void on_service_message(Service& service, std::string_view message) noexcept = 0;
  // A run begins with this configuration (a start, or an automatic
  // restart): what holds for the whole run is fixed now.
  virtual void on_run_begins(Service& service, const ServiceConfig& config) noexcept = 0;
  // A start was refused by the start limit (systemd's unit_test_start_limit(),
  // which runs StartLimitAction=); the failed state follows.
  virtual void on_start_limit_hit(Service& /*service*/) noexcept {}
  // The service whose run ExecStartPre= and ExecStart= of `service` see as
  // $MONITOR_SERVICE_RESULT, $MONITOR_EXIT_CODE, ... (systemd's
  // service_get_triggering_service()): the one unit whose OnFailure= or
  // OnSuccess= names `service`; nullptr when none, or more than one.
  virtual const Service* triggering_service(const Service& /*service*/) noexcept { return nullptr; }
};

struct ServiceEnvironment {
  SystemOps& ops;
  EventPort& port;
  ServiceListener& listener;
  std::string notify_socket;  // value for NOTIFY_SOCKET; empty: none
  bool user_manager = false;
  SpawnHook* spawn_hook = nullptr;  // the broker's link and fds, if any
  const IdlePipe* idle_pipe = nullptr;  // the manager's, for Type=idle; null: none
  IpcOwners* ipc_owners = nullptr;      // the manager's count for RemoveIPC=; null: none kept
};

enum class StartOutcome { started, already_active, busy, not_loaded, condition_failed, assert_failed, start_limit_hit };
enum class StopOutcome { stopping, already_inactive };
// Why a stop is asked for: a restart's stop signals with RestartKillSignal=.
enum class StopReason { stop, restart };
enum class ReloadOutcome { reloading, failed, not_active, not_reloadable };
enum class KillTarget { main, control, all };

// How a process ended, as waitid reports it.
struct ExitInfo {
  int code = 0;    // CLD_EXITED, CLD_KILLED, CLD_DUMPED
  int status = 0;  // exit status or signal number
};

class Service {
 public:
  Service(std::shared_ptr<const ServiceConfig> config, ServiceEnvironment env, int log_fd);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  [[nodiscard]] StartOutcome start();
  [[nodiscard]] StopOutcome stop(StopReason reason = StopReason::stop);
  [[nodiscard]] ReloadOutcome reload();
  // Returns how many processes were signalled, or -errno (-ESRCH: none).
  [[nodiscard]] int kill(KillTarget target, int sig);
  // systemctl reset-failed (systemd's unit_reset_failed() and
  // service_reset_failed()): a failed service becomes inactive/dead; the
  // result, the restart count and the start rate limit start afresh.
  void reset_failed();

  // Events from the loop. Return false when the pid is not this service's.
  bool on_process_exited(pid_t pid, ExitInfo info);
  // sender_in_scope: the caller found sender in this service's scope
  // (SystemOps::scope_owner(), one lookup for all services), which is what
  // NotifyAccess=all allows beyond the main and control processes. Asking
  // the scope here instead would read /proc per datagram again.
  // `fds` (may be null): those sent along. FDSTORE=1 from an allowed sender
  // keeps them (up to FileDescriptorStoreMax=), taking them out of `fds`.
  void on_notify(pid_t sender, const NotifyMessage& message, bool sender_in_scope,
                 std::vector<unique_fd>* fds = nullptr);
  // The fd store (systemd.service(5) FileDescriptorStoreMax=): fds the
  // service handed back to keep across its restarts, newest first, with
  // their FDNAME= ("stored" when none). ExecStart= gets them after the
  // broker's (LISTEN_FDS). Let go once the service is down for good
  // (systemd 252's service_release_resources()).
  struct StoredFd {
    unique_fd fd;
    std::string name;
  };
  [[nodiscard]] const std::vector<StoredFd>& fd_store() const { return fd_store_.get(); }
  // Lets the fd store go if the service is down (dead or failed).
  void release_resources() {
    if (sub_ == SubState::dead || sub_ == SubState::failed) fd_store_.reset();
  }
  // At most this many fds are stored whatever FileDescriptorStoreMax= says:
  // the exec child passes at most 256 fds, the broker's among them.
  static constexpr unsigned kFdStoreLimit = 192;
  // Something of ours died; check whether the scope became empty.
  void on_scope_maybe_empty();
  // Its BusName= got another owner (`owned`), or lost it: the manager
  // tells each change of owner (the bridge's reports, Manager::
  // on_bus_name_owners()). A Type=dbus service in start goes on to
  // start-post on any new owner, and a running one stops when the name is
  // gone (systemd 252's service_bus_name_owner_change()).
  void on_bus_name_owner(bool owned);
  [[nodiscard]] bool bus_name_owned() const { return bus_name_owned_; }

  // A new configuration (reload of units). Takes effect at the next start;
  // the start limit counts afresh, as after systemd 252's daemon-reload.
  void replace_config(std::shared_ptr<const ServiceConfig> config);
  // The output pipe, for a service that had none (its output went nowhere
  // the journal reads until a reload said otherwise). Used from the next spawn.
  void set_log_fd(int fd) { log_fd_ = fd; }
  [[nodiscard]] int log_fd() const { return log_fd_; }

  [[nodiscard]] const std::string& name() const { return config_->name; }
  [[nodiscard]] const ServiceConfig& config() const { return *config_; }
  // The configuration this run started with (config() until the next start).
  [[nodiscard]] const ServiceConfig& running_config() const { return *running_; }
  [[nodiscard]] ActiveState active_state() const {
    return active_state_of(sub_, notify_reloading_, running_ && running_->type == ServiceType::idle);
  }
  [[nodiscard]] SubState sub_state() const { return sub_; }
  [[nodiscard]] ServiceResult result() const { return result_; }
  // True while the service goes through `failed` or `dead` on its way to an
  // automatic restart (systemd's UNIT_NOTIFY_WILL_AUTO_RESTART): for its
  // listener's on_state_changed(), as OnFailure=/OnSuccess= wait for the
  // end that stays.
  [[nodiscard]] bool will_auto_restart() const { return will_auto_restart_; }
  // 0 when there is none, as systemd's MainPID/ControlPID.
  [[nodiscard]] pid_t main_pid() const { return main_.pid > 0 ? main_.pid : 0; }
  [[nodiscard]] pid_t control_pid() const { return control_.pid > 0 ? control_.pid : 0; }
  [[nodiscard]] unsigned n_restarts() const { return n_restarts_; }
  [[nodiscard]] const ExitInfo& exec_main_status() const { return main_exit_; }
  [[nodiscard]] const std::string& status_text() const { return status_text_; }
  // $INVOCATION_ID of the current (or last) activation, 32 hex digits; ""
  // before the first start (systemd's InvocationID).
  [[nodiscard]] const std::string& invocation_id() const { return invocation_id_; }
  // ERRNO= from sd_notify (systemd's StatusErrno); 0 when none.
  [[nodiscard]] int status_errno() const { return status_errno_; }
  [[nodiscard]] bool last_reload_failed() const { return reload_failed_; }
  // When things happened, on both clocks (systemd's dual timestamps: the
  // Unit's ActiveEnterTimestamp and ...Monotonic, ...); 0 if never.
  struct DualTimestamp {
    usec_t realtime = 0;
    usec_t monotonic = 0;
  };
  struct Timestamps {
    DualTimestamp active_enter, active_exit, inactive_enter, inactive_exit;
    DualTimestamp state_change;  // any change of sub-state
    DualTimestamp exec_main_start, exec_main_exit;  // see exec_main_pid()
    DualTimestamp condition, assert_;  // the last test of the conditions, the asserts
  };
  [[nodiscard]] const Timestamps& timestamps() const { return times_; }
  [[nodiscard]] usec_t active_enter_timestamp() const { return times_.active_enter.realtime; }
  [[nodiscard]] usec_t inactive_enter_timestamp() const { return times_.inactive_enter.realtime; }
  [[nodiscard]] usec_t inactive_exit_timestamp() const { return times_.inactive_exit.realtime; }
  [[nodiscard]] usec_t active_exit_timestamp() const { return times_.active_exit.realtime; }
  // The outcome of the last test of the conditions (at a start) and of the
  // asserts (once the conditions held); false before the first, as
  // systemd's ConditionResult and AssertResult.
  [[nodiscard]] bool condition_result() const { return condition_result_; }
  [[nodiscard]] bool assert_result() const { return assert_result_; }
  // The Condition*= (or Assert*=) of the unit as loaded, in the order
  // systemd keeps and tests them (the last assignment first: load-fragment.c
  // prepends), each with its last test; 0 (untested) for those of a file
  // loaded since.
  [[nodiscard]] std::vector<ConditionStatus> condition_statuses(bool asserts = false) const;
  // Its unit files changed on disk since they were loaded (the manager
  // checks: Manager::check_unit_files()); systemd's NeedDaemonReload.
  [[nodiscard]] bool need_daemon_reload() const { return need_daemon_reload_; }
  void set_need_daemon_reload(bool changed) { need_daemon_reload_ = changed; }
  // The last main process (systemd's ExecMain*: kept after it ended, until
  // the next one starts): its PID, when it started and when it ended (realtime
  // µs; 0 while it runs or if none ever did).
  [[nodiscard]] pid_t exec_main_pid() const { return exec_main_pid_; }
  // Its processes' cgroup while it has processes (systemd's ControlGroup),
  // "" otherwise or without cgroups; and those processes now (0 or -errno).
  [[nodiscard]] std::string control_group() const { return scope_ ? scope_->control_group() : std::string(); }
  [[nodiscard]] int processes(std::vector<pid_t>& out) const { return scope_ ? scope_->list(out) : 0; }
  // Its counters (systemd's MemoryCurrent, TasksCurrent, CPUUsageNSec):
  // read now while it has a cgroup; after that, the CPU time read just
  // before the cgroup went, until the next start (systemd 252's
  // cpu_usage_last, cached by unit_prune_cgroup(), reset at start). An
  // exited RemainAfterExit= service whose cgroup was empty counts as
  // without one, as systemd prunes it there.
  [[nodiscard]] ResourceUsage resource_usage() const;
  [[nodiscard]] usec_t exec_main_start_timestamp() const { return times_.exec_main_start.realtime; }
  [[nodiscard]] usec_t exec_main_exit_timestamp() const { return times_.exec_main_exit.realtime; }
  // An Exec*= list; also the phase of the run that list drives.
  enum class Phase { condition, start_pre, start, start_post, reload, stop, stop_post };
  // The list of the unit file as loaded (config()), each command with its
  // last run since the service last started: systemd's ExecStart, ... with
  // their ExecStatus (see common/exec_command_status.h). Runs show only
  // while the loaded file is the one the service last started with; a
  // reload that changed it shows the new commands without runs.
  [[nodiscard]] std::vector<ExecCommandStatus> exec_command_statuses(Phase phase) const;
  // systemd's RequiresMountsFor of the loaded file (SystemOps::mounts_required_by()).
  [[nodiscard]] std::vector<std::string> mounts_required() const { return env_.ops.mounts_required_by(*config_); }
  [[nodiscard]] KeyringMode keyring_mode() const { return effective_keyring_mode(*config_, env_.user_manager); }
  // True while a stop is under way (the manager waits for these).
  [[nodiscard]] bool is_stopping() const;
  [[nodiscard]] bool waiting_for_empty_scope() const;
  // Whether the end of the service's last process would change its state
  // (on_scope_maybe_empty() has something to do).
  [[nodiscard]] bool watches_scope() const;
  // A notify service still starting whose main process is gone: READY=1
  // may come only from another of its processes (RemainAfterExit=,
  // NotifyAccess= beyond main), while there is one.
  [[nodiscard]] bool awaits_ready_from_others() const;

 private:
  // How one command's last run went (systemd's ExecStatus).
  struct ExecRun {
    pid_t pid = 0;
    usec_t start_realtime = 0, start_monotonic = 0, exit_realtime = 0, exit_monotonic = 0;
    ExitInfo exit;
  };
  // execute.c's exec_status_start() and exec_status_exit(): a start replaces
  // the record; an end of another PID (an adopted MAINPID=) starts a fresh
  // one without a start time.
  void note_run_started(Phase phase, std::size_t index, pid_t pid);
  void note_run_exited(Phase phase, std::size_t index, pid_t pid, ExitInfo info);

  void set_state(SubState next);
  [[nodiscard]] StartOutcome start_target();
  void enter_condition();
  void enter_start_pre();
  void enter_start();
  void enter_start_post();
  void enter_running();
  void enter_stop(ServiceResult why);
  void enter_signal(SubState state, ServiceResult why);
  void enter_stop_post(ServiceResult why);
  void enter_dead(ServiceResult why, bool allow_restart);
  void enter_auto_restart();
  void restart_now();
  void begin_run();
  void fail_phase(Phase phase, ServiceResult why);
  void finish_forking_start();
  [[nodiscard]] bool adopt_main_pid(pid_t pid);
  void note_result(ServiceResult why);  // the first failure of a run sticks

  // Runs commands[index] of the phase's list as the control process.
  // Returns false (having moved on to the failure path) on spawn failure.
  bool run_control(Phase phase, std::size_t index);
  void advance_phase();  // the current control command succeeded
  bool spawn_main(const ExecCommand& command);
  [[nodiscard]] const std::vector<ExecCommand>& commands_of(Phase phase) const;  // of running_
  [[nodiscard]] static const std::vector<ExecCommand>& commands_in(const ServiceConfig& config, Phase phase);
  // start_command: one of ExecStart= (main, or a forking service's control
  // process). result_environment: whose run the command learns of
  // (systemd's EXEC_SETENV_RESULT and EXEC_SETENV_MONITOR_RESULT): its own
  // as SERVICE_RESULT=, EXIT_CODE=, EXIT_STATUS= (ExecStop=, ExecStopPost=);
  // the triggering service's as MONITOR_SERVICE_RESULT=, ...,
  // MONITOR_INVOCATION_ID=, MONITOR_UNIT= (ExecStartPre=, ExecStart=).
  enum class ResultEnvironment { none, own, monitor };
  // `write_credentials`: SpawnRequest::write_credentials.
  [[nodiscard]] int spawn(const ExecCommand& command, ProcessRole role, SpawnedProcess& out, bool start_command,
                          ResultEnvironment result_environment = ResultEnvironment::none,
                          bool write_credentials = false);

  void on_main_exited(ExitInfo info);
  void on_adopted_main_readable();
  void on_control_exited(ExitInfo info);
  void on_timeout();
  void on_watchdog_timeout();
  // READY=1, RELOADING=1, STOPPING=1 of an accepted notification.
  void apply_notify_state(const NotifyMessage& message);
  // EXTEND_TIMEOUT_USEC=: armed timers end no earlier than span from now.
  void extend_timeouts(usec_t span);
  void arm_phase_timer(usec_t span);
  void disarm_watchdog();
  void enter_start_limit_hit();
  void arm_watchdog();
  void forget_main();
  void forget_control();
  [[nodiscard]] bool main_gone() const { return main_.pid <= 0; }
  [[nodiscard]] bool stop_complete();
  // Signals what KillMode= says for this step (systemd's unit_kill_context());
  // true when something is left to wait for.
  [[nodiscard]] bool kill_for_state(SubState state);
  void finish_signal_step();
  // PIDFile= not there yet when the forking parent exited: wait for it.
  void watch_pid_file();
  void on_pid_file_changed();
  void stop_watching_pid_file();
  // Reads PIDFile= and adopts its PID. 0, or -errno (message logged when
  // `report` is set).
  [[nodiscard]] int load_pid_file(bool report);

  [[nodiscard]] ServiceResult classify_main_exit(ExitInfo info) const;
  [[nodiscard]] bool should_restart(ServiceResult result) const;
  [[nodiscard]] bool start_limit_allows();
  // Tests the conditions as systemd's unit_test_condition() and, when they
  // hold, the asserts (unit_test_assert()), recording outcomes and times.
  // started when the unit may start, else condition_failed or assert_failed
  // (logged as systemd logs them).
  [[nodiscard]] StartOutcome test_conditions();
  // systemd's condition_test_list() over one list, recording each outcome.
  [[nodiscard]] bool test_condition_list(const std::vector<UnitCondition>& list, bool asserts,
                                         std::vector<std::int32_t>& states);
  [[nodiscard]] DualTimestamp now() const { return {env_.port.now_realtime(), env_.port.now_monotonic()}; }
  void message(const std::string& text);
  // FDSTORE=1, FDSTOREREMOVE=1 (systemd 252's service_add_fd_store_set(),
  // service_remove_fd_store()).
  void store_fds(std::vector<unique_fd>& fds, const std::string& name);
  void remove_stored_fds(const std::string& name);

  std::shared_ptr<const ServiceConfig> config_;   // newest, used at next start
  std::shared_ptr<const ServiceConfig> running_;  // the one this run started with
  ServiceEnvironment env_;
  int log_fd_;

  SubState sub_ = SubState::dead;
  ServiceResult result_ = ServiceResult::success;
  bool notify_reloading_ = false;
  bool bus_name_owned_ = false;  // its BusName= has an owner on the bus
  bool stop_requested_ = false;   // an explicit stop forbids auto-restart
  bool stop_by_notify_ = false;   // STOPPING=1: the service stops by itself
  bool reached_running_ = false;  // ExecStop= runs only after a good start
  bool main_pid_unknown_ = false; // Type=forking without PIDFile=
  bool reload_failed_ = false;
  bool will_auto_restart_ = false;  // see will_auto_restart()
  bool restarting_ = false;       // the current stop is a restart's (RestartKillSignal=)
  bool step_waits_for_scope_ = false;  // this signal step ends only with an empty scope

  SpawnedProcess main_;
  SpawnedProcess control_;
  Phase control_phase_ = Phase::condition;
  std::size_t control_index_ = 0;
  std::size_t main_command_index_ = 0;  // oneshot runs ExecStart= commands in turn
  std::unique_ptr<ProcessScope> scope_;
  // PrivateTmp=: this run's /tmp and /var/tmp, from its start until it is dead.
  std::optional<PrivateTmp> private_tmp_;
  std::optional<IpcOwners::Ref> ipc_ref_;  // this run's count for RemoveIPC=
  // The cgroup filters asked for are all in place (apply_cgroup_filters()).
  bool filters_complete_ = true;
  // Most services have no fd store: a pointer each until one is used.
  LazyValue<std::vector<StoredFd>> fd_store_;
  // PrivateNetwork=, PrivateIPC=: the run's namespaces, released with it.
  std::optional<NamespaceStorage> network_namespace_, ipc_namespace_;

  // The pidfd of a main process we adopted (MAINPID=, PIDFile=): unless it is
  // our child, no SIGCHLD tells of its end, its pidfd does.
  std::unique_ptr<FdWatch> adopted_main_watch_;
  // While waiting for PIDFile=: the inotify fd and its watch.
  unique_fd pid_file_fd_;
  std::unique_ptr<FdWatch> pid_file_watch_;
  std::unique_ptr<Timer> phase_timer_;
  std::unique_ptr<Timer> watchdog_timer_;  // made when first armed
  usec_t watchdog_usec_ = 0;

  // The start limit's window (systemd's RateLimit start_ratelimit): opened
  // at monotonic µs start_window_begin_, starts counted in it.
  bool start_window_open_ = false;
  usec_t start_window_begin_ = 0;
  unsigned start_window_count_ = 0;
  unsigned n_restarts_ = 0;
  bool flush_n_restarts_ = false;  // the next start that is no auto-restart zeroes n_restarts_
  ExitInfo main_exit_;
  std::string status_text_;
  std::string invocation_id_;
  int status_errno_ = 0;
  Timestamps times_;  // RuntimeMaxSec= counts from active_enter.monotonic
  bool condition_result_ = false, assert_result_ = false;
  bool need_daemon_reload_ = false;
  // Per entry of the configuration's conditions and asserts, reversed (see
  // condition_statuses()): 1 met, -1 not met, 0 untested; for the
  // configuration conditions_of_.
  std::vector<std::int32_t> condition_states_, assert_states_;
  std::shared_ptr<const ServiceConfig> conditions_of_;
  // Per Exec*= list (by Phase), per command of running_'s list.
  std::array<std::vector<ExecRun>, 7> exec_runs_;
  std::shared_ptr<const ServiceConfig> runs_of_;  // the configuration exec_runs_ are of
  pid_t exec_main_pid_ = 0;
  // The CPU time read as the cgroup goes (systemd's unit_prune_cgroup()).
  void remember_cpu_usage();
  std::uint64_t cpu_usage_last_nsec_ = ResourceUsage::kUnknown;  // see resource_usage()
  bool counters_pruned_ = false;  // RemainAfterExit=: the cgroup was empty when it became exited
  // A new main process: what ExecMain* tell from now on.
  void note_main_started(pid_t pid);
};

}  // namespace vermilion
