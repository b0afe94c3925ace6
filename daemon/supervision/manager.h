// The service table and its jobs.
//
// Requests (start/stop/restart/reload) become jobs, at most one per unit,
// pulled in along Requires=/Wants=/BindsTo= and pushed along Conflicts=. A
// waiting job runs once nothing it is ordered after (After=/Before=) still
// has a job of its own; stops run in reverse order, and a stop always goes
// before a start it is ordered with. Independent jobs run in the same pass,
// so independent services start in parallel.
//
// No recursion: services report state changes into a queue, and
// process_queues() drains it after each external event (child exit, notify
// message, timer, request), finishing jobs and propagating failures with
// worklists. Its depth never depends on the dependency graph.
//
// Order: the observer hears every state change before any job callback that
// follows it runs, so whoever waits for a job (a link's method reply) is
// told of its end only after the state changes that ended it were reported
// (the link's ServiceStateChanged signals).
//
// Snapshots: a change is reported after the event, but with the service as
// it was when it changed (service_snapshot.h), taken as the service reports
// it. Two changes in one event are two snapshots, not the latest state twice.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "supervision/dependency_graph.h"
#include "platform/event_port.h"
#include "common/service_status.h"
#include "supervision/idle_pipe.h"
#include "supervision/job.h"
#include "logs/log_rate_limit.h"
#include "supervision/service.h"
#include "units/unit_source.h"

namespace vermilion {

// How the outside (logging, the broker and through it the links) hears
// about the manager.
class ManagerObserver {
 public:
  virtual ~ManagerObserver() = default;
  // `status` is the service when it made `change` (its active and sub
  // state are change.new_active and change.new_sub), whatever it did since.
  virtual void on_unit_state_changed(const ServiceStatus& status, const StateChange& change) noexcept = 0;
  // What a service reports changed while its state did not (its STATUS=
  // text, its main PID from MAINPID=); `status` is the service then. In
  // order with the state changes.
  virtual void on_unit_properties_changed(const ServiceStatus& status) noexcept = 0;
  virtual void on_unit_message(const Service& service, std::string_view message) noexcept = 0;
  virtual void on_manager_message(Severity severity, std::string_view message) noexcept = 0;
  virtual void on_job_finished(const std::string& unit, JobType type, JobResult result) noexcept = 0;
  // `unit` failed (key "FailureAction") or succeeded ("SuccessAction") and
  // its action is not none (systemd's emergency_action()). `exit_status`:
  // its *ActionExitStatus=, else its main process's exit status, else -1.
  virtual void on_emergency_action(const std::string& unit, const char* key, EmergencyAction action,
                                   int exit_status) noexcept = 0;
};

struct ManagerOptions {
  std::string notify_socket;  // NOTIFY_SOCKET for services that may notify
  bool user_manager = false;
  SpawnHook* spawn_hook = nullptr;
};

// Gives the write end of a unit's log pipe (or -1), kept open by its owner
// for the unit's whole life; called when the unit is loaded and when each
// run begins, the same pipe every time, so that the owner may apply the
// configuration's SyslogIdentifier=, SyslogLevel=, ... (OutputCapture::set_syslog()).
using LogFdProvider = std::function<int(const ServiceConfig& unit)>;

class Manager final : private ServiceListener {
 public:
  // How often "notification from PID X, which belongs to no service" may
  // be logged: any local process can send to the notify socket.
  static constexpr usec_t kUnknownSenderLogInterval = 10 * kUsecPerSec;
  static constexpr unsigned kUnknownSenderLogBurst = 10;
  using JobCallback = std::function<void(JobResult)>;

  Manager(UnitSource& source, SystemOps& ops, EventPort& port, ManagerObserver& observer,
          ManagerOptions options, LogFdProvider log_fd_for);
  ~Manager() override;
  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;

  // Loads every unit the source lists. Messages go to diags.
  void load_units(Diagnostics& diags);
  // SIGHUP: new units appear, removed ones vanish once inactive, changed
  // ones take their new configuration at the next start. Starts nothing,
  // as systemd's daemon-reload: a unit newly wanted by an active target
  // (enabled since) starts with the next start of that target, or its own.
  void reload_units(Diagnostics& diags);
  // Asks the unit source, for every unit, whether its files changed on disk
  // since it was loaded (NeedDaemonReload), and tells the observer of each
  // unit whose answer changed. For a watch on the unit directories to call
  // after a change there; reload_units() calls it too.
  void check_unit_files();
  // The directories the loaded units' fragments and drop-ins are in (a unit
  // file linked from outside the search path included), for the watch that
  // calls check_unit_files().
  [[nodiscard]] std::vector<std::string> unit_file_directories() const;

  // Queues a job for `name` ("web", "web.service", "multi-user.target" or
  // an alias) and what it
  // pulls in; `done` runs once the job has finished. Refused (nothing
  // queued, `done` never runs) when the unit, or one it requires, does not
  // load: a start needs every unit of its Requires=/BindsTo=/Requisite=
  // closure loaded, as systemd's transactions do. A Requisite= that is not
  // active is no refusal: the job fails with JobResult::dependency.
  // `mode` is systemctl's --job-mode= (systemd 252's manager_add_job(),
  // transaction.c): `replace` replaces conflicting queued jobs; `fail`
  // leaves out the jobs pulled in only by Wants= that would reverse a queued
  // job or stop a running unit, and refuses (destructive) if another would
  // still reverse one; `replace-irreversibly` as replace, and its jobs
  // cannot be reversed by later requests (they are refused as destructive);
  // `ignore-dependencies` queues the job alone and runs it whatever its
  // ordering; `ignore-requirements` queues it alone in its order; `flush`
  // cancels every queued job not in this request (but those of units with
  // IgnoreOnIsolate=); `isolate` is isolate() (start only); `triggering`
  // is a stop (Vermilion runs no units that trigger others). An isolate of
  // a stop, or a triggering start, is refused with invalid_job_mode.
  EnqueueResult enqueue(JobType type, const std::string& name, JobCallback done = {},
                        JobMode mode = JobMode::replace);
  // `systemctl isolate`: starts `name` as enqueue() does and stops every
  // unit that is up (or has a job) which that start does not pull in,
  // unless it has IgnoreOnIsolate= (systemd 252's JOB_ISOLATE,
  // transaction_add_isolate_jobs()); `done` runs when the start finished.
  // Also refused with no_isolation when the unit has no AllowIsolate=.
  EnqueueResult isolate(const std::string& name, JobCallback done = {});
  // Starts default.target (units/target_unit.h) and what it pulls in, as
  // systemd does at boot; nothing else. A refusal (it does not load) is
  // logged.
  void start_boot_units();
  // Stops everything in reverse dependency order; `done` runs once all is down.
  void stop_all(std::function<void()> done);

  // Events from the loop.
  void on_child_exited(pid_t pid, ExitInfo info);
  // `fds` (may be null): those sent along; an FDSTORE=1 the service takes
  // keeps some (Service::on_notify()).
  void on_notify(pid_t sender, const NotifyMessage& message, std::vector<unique_fd>* fds = nullptr);
  // What the bridge saw on the bus (link method BusNameOwnersChanged):
  // each well-known name with its owner's unique name, "" for none, in the
  // order seen (a name may come more than once: gone, then back).
  // `complete`: the list is every owned name, so a name not in it has no
  // owner (sent after each connect). Each service whose BusName= got
  // another owner hears of it (Service::on_bus_name_owner()); a lookup per
  // name, whatever the number of units.
  void on_bus_name_owners(const std::vector<std::pair<std::string, std::string>>& owners, bool complete);

  // systemctl cancel (systemd's job_finish_and_invalidate(JOB_CANCELED)):
  // the unit's job ends with `canceled` for whoever waits on it, and start
  // jobs that need it fail as a dependency; what the unit was doing goes on
  // (a start under way is not undone). 0, -ENOENT (no such unit) or -ESRCH
  // (it has no job).
  [[nodiscard]] int cancel_job(const std::string& name);

  // "web", "web.service", "multi-user.target" or an alias; nullptr when unknown.
  [[nodiscard]] Service* find(const std::string& name);
  [[nodiscard]] std::vector<const Service*> services() const;
  // Its status with the dependency lists as systemctl show has them
  // (service_snapshot.h).
  [[nodiscard]] ServiceStatus status(const Service& service) const;
  // The service watching this pid (main or control process), if any.
  [[nodiscard]] const Service* owner_of(pid_t pid) const;
  // The service any process belongs to (systemd's GetUnitByPID: its main
  // or control process, else whichever service's scope holds it, its
  // cgroup or session): the watched PIDs first, then one question to the
  // scopes (SystemOps::scope_owner(): one /proc/PID/cgroup read, or a
  // bounded walk of /proc/PID/stat), never one per service. nullptr when
  // none does.
  [[nodiscard]] const Service* service_of_process(pid_t pid) const;
  [[nodiscard]] bool has_jobs() const;

  // Decides what follows from everything queued by the last event.
  void process_queues();

 private:
  struct Job {
    JobType type;
    bool running = false;
    bool restart_stopped = false;  // restart: the stop half is done
    // replace-irreversibly: a later request that would reverse it is refused.
    bool irreversible = false;
    // ignore-dependencies: runs whatever its ordering, and no job waits for it
    // (systemd's ignore_order).
    bool ignore_order = false;
    // ignore-dependencies, ignore-requirements: its Requisite= units are not
    // checked (systemd adds no verify-active jobs for them).
    bool ignore_requirements = false;
    // A reload asked for while this reload runs: it runs again once this
    // run ends, for everyone waiting (systemd 252's job_install(): a
    // reload is never merged into a running one, which may have read the
    // old configuration already).
    bool rerun = false;
    std::vector<JobCallback> waiters;
    // Where runnable() last found a job it must wait for, in the unit's
    // After= and Before= lists: checked first, as the next such job is
    // usually close by (a target after 10 000 services is checked at each
    // of their events; a scan from the start each time was quadratic).
    mutable std::size_t after_hint = 0, before_hint = 0;
  };
  struct Unit {
    std::unique_ptr<Service> service;
    std::optional<Job> job;
    bool removed = false;  // gone from disk; vanishes once inactive
    // JobTimeoutSec=/JobRunningTimeoutSec= of its job; made on first use,
    // so units without them cost no timer.
    std::unique_ptr<Timer> job_timer;
    // Upholds=/StopWhenUnneeded= starts and stops in the current window
    // (auto_start_stop_allowed()).
    usec_t auto_start_stop_begin = 0;
    unsigned auto_start_stop_count = 0;
  };
  struct Transition {
    std::string unit;
    std::optional<StateChange> change;  // none: properties changed, the state did not
    ServiceStatus status;               // taken when the service changed
  };
  class DrainingPort;

  // ServiceListener
  void on_state_changed(Service& service, ActiveState old_active, SubState old_sub) noexcept override;
  void on_properties_changed(Service& service) noexcept override;
  void on_run_begins(Service& service, const ServiceConfig& config) noexcept override;
  void on_pid_attached(Service& service, pid_t pid) noexcept override;
  void on_pid_detached(Service& service, pid_t pid) noexcept override;
  void on_service_message(Service& service, std::string_view message) noexcept override;
  void on_start_limit_hit(Service& service) noexcept override;
  const Service* triggering_service(const Service& service) noexcept override;

  // Logs a notification nobody owns, at most kUnknownSenderLogBurst lines
  // per kUnknownSenderLogInterval.
  void warn_unknown_sender(pid_t sender);

  Unit* resolve(const std::string& name, bool load_if_missing);
  Unit& add_unit(ServiceConfig config);
  // An output pipe for a unit that now writes to the journal and had none.
  void give_log_if_needed(Service& service, const ServiceConfig& config);
  void rebuild_graph();
  // bus_watchers_ from the units' BusName=; a second unit with a name
  // already watched fails to load, as in systemd 252's unit_watch_bus_name().
  void rebuild_bus_watchers();
  // Records `owner` ("" for none) of `bus_name`; a change is told to the
  // unit watching it.
  void set_bus_name_owner(const std::string& bus_name, const std::string& owner);
  [[nodiscard]] std::string canonical(const std::string& name) const;

  // The jobs one request adds, planned before any is installed, so that its
  // job mode can judge them as a whole (systemd 252's Transaction).
  struct PlannedJob {
    Unit* unit;
    // nullopt: the unit is only part of the request, merging with the job it
    // has (a start of a unit already starting), which stays as it is.
    std::optional<JobType> type;
    JobCallback done;  // the anchor's: whoever asked
    const Unit* by;    // whose job pulled it in; null for the anchor (and an isolate's stops)
    // That pull is a requirement (Requires=, BindsTo=, a propagated stop or
    // restart, its own Conflicts=), not Wants= or ConflictedBy= (systemd's
    // job dependency `matters`).
    bool required;
  };
  struct Transaction {
    std::vector<PlannedJob> jobs;  // in the order they were planned
    // The job type each unit has once the planned jobs are installed, for
    // the checks planning makes; a unit not in it keeps the job it has.
    std::map<const Unit*, JobType> outcome;
    std::set<std::string> pulled;  // a start's units and requisites (isolate keeps them)
    const Unit* anchor = nullptr;  // the unit asked for, and its job
    JobType anchor_type = JobType::start;
    [[nodiscard]] std::optional<JobType> job_of(const Unit& unit) const;
    // A job of `type` for `unit`, as add_job() will merge it with the one
    // planned or queued.
    void add(Unit& unit, JobType type, const Unit* by, bool required, JobCallback done = {});
    // `unit` is part of the request, its job as it is (for `flush`).
    void keep(Unit& unit, const Unit* by, bool required);
  };
  // Calls `visit(from, unit)` with every unit `next` names, from `root` on,
  // transitively: on from each unit for which it returns true; `from` is
  // the unit that named it.
  void walk(const std::string& root, const std::function<DependencyGraph::NameSet(const std::string&)>& next,
            const std::function<bool(const std::string&, const std::string&)>& visit);
  // walk() over what a stop or restart of `root` propagates to; `stop`: a
  // stop (PropagatesStopTo= too), not a restart.
  void walk_stop_dependents(const std::string& root,
                            const std::function<bool(const std::string&, const std::string&)>& visit,
                            bool stop = false);
  // Plans reload jobs for what a reload of `root` propagates to
  // (PropagatesReloadTo=).
  void plan_reload_propagation(Transaction& tr, Unit& root);
  // StopWhenUnneeded= stops and Upholds= starts, after each event.
  void stop_unneeded_and_start_upheld();
  // systemd's auto_start_stop_ratelimit (unit_new(): 16 per 10 s per unit),
  // so a unit that fails at once cannot be started again forever; false
  // (and a warning naming `what`) past it.
  bool auto_start_stop_allowed(Unit& unit, const char* what);
  static constexpr usec_t kAutoStartStopInterval = 10 * kUsecPerSec;
  static constexpr unsigned kAutoStartStopBurst = 16;
  // Every job is set and cleared through these two, which keep the counts
  // process_queues() relies on (waiting_, job_count_).
  void set_job(Unit& unit, Job job);
  void clear_job(Unit& unit);
  // systemd's job_start_timer(): JobTimeoutSec= from when the job is
  // queued, JobRunningTimeoutSec= from when it runs, whichever ends first.
  void arm_job_timer(Unit& unit, bool running);
  void on_job_timeout(const std::string& name);
  // Keeps scope_watchers_ in step with the service's state. May throw
  // std::bad_alloc: the listener calls it inside their out-of-memory guard.
  void update_scope_watch(Service& service);

  void add_job(Unit& unit, JobType type, JobCallback done);
  // Plans stop jobs for what requires `root` (or is part of it), onwards,
  // but not for the units in `keep` (may be null).
  void plan_stop_dependents(Transaction& tr, Unit& root, const std::set<std::string>* keep);
  // Plans the job `type` on `name` and, unless `mode` ignores them, what it
  // pulls in. Refused when a unit it needs does not load.
  EnqueueResult plan_job(Transaction& tr, JobType type, const std::string& name, JobCallback done, JobMode mode);
  // The units whose planned jobs mode `fail` leaves out (systemd's
  // transaction_minimize_impact(), transaction_collect_garbage()).
  [[nodiscard]] static std::set<const Unit*> left_out_in_mode_fail(const Transaction& tr);
  // Checks the plan against the queued jobs as `mode` says, then installs it.
  EnqueueResult commit(Transaction& tr, JobMode mode);
  // `propagate`: a failed start also fails the start jobs that need it and
  // may trigger OnFailure= (not for a job canceled by `flush`, as systemd's
  // transaction_apply() cancels without recursion).
  void finish_job(Unit& unit, JobResult result, bool propagate = true);
  [[nodiscard]] bool runnable(const std::string& name, const Unit& unit) const;
  void run_job(Unit& unit);
  // Reports what is queued: start limits hit (their StartLimitAction=),
  // then state and property changes (handle_transition()). True if any
  // change was.
  bool report_changes();
  void handle_transition(const Transition& t);
  void trigger_on_job_failure(const Service& service, JobResult result);
  void fail_dependent_jobs(const std::string& failed_unit);
  // OnFailure=/OnSuccess= of `service` (systemd's unit_start_on_failure()):
  // a start job for each unit in `others`, in `mode`, queued at the next turn
  // of the loop, not in this drain: a start that fails at once (no fork)
  // triggering another would otherwise loop here for ever (OnFailure=
  // naming each other) and starve every other event. Refusals are logged.
  void start_triggered(const Service& service, const char* key, DependencyGraph::Names others, JobMode mode);
  void run_triggered_starts();
  struct TriggeredStart {
    std::string source;  // the unit that failed or succeeded
    const char* key;     // "OnFailure=" or "OnSuccess="
    std::string unit;    // the unit to start
    JobMode mode;
  };
  void stop_units_bound_to_down_ones();
  void remove_vanished_units();

  UnitSource& source_;
  SystemOps& ops_;
  std::unique_ptr<DrainingPort> port_;
  std::deque<TriggeredStart> triggered_starts_;
  std::unique_ptr<Timer> trigger_timer_;  // fires at the next turn of the loop
  ManagerObserver& observer_;
  ManagerOptions options_;
  LogFdProvider log_fd_for_;

  IpcOwners ipc_owners_;  // RemoveIPC=: runs per User= and Group=; outlives the services
  std::map<std::string, std::unique_ptr<Unit>> units_;
  std::vector<std::unique_ptr<Unit>> graveyard_;
  std::map<std::string, std::string> aliases_;  // alias -> canonical
  // Who watches each main or control PID, first watcher first. Mostly one;
  // several when a service adopted another's process (a PID file root
  // owns may name any process, as in systemd, whose unit_watch_pid() also
  // lets several units watch one PID): its exit is told to each.
  std::map<pid_t, std::vector<std::string>> pid_owner_;
  LogRateLimit unknown_sender_log_{kUnknownSenderLogInterval, kUnknownSenderLogBurst};
  DependencyGraph graph_;

  std::deque<Transition> transitions_;
  std::vector<std::string> start_limit_hits_;  // units whose StartLimitAction= is due
  std::set<std::string> bound_checks_;  // units that went down during this event
  std::set<std::string> propagated_stops_;  // ... without a job: their PropagatesStopTo= stop
  std::set<std::string> unneeded_checks_;   // StopWhenUnneeded= units to look at
  std::set<std::string> upheld_checks_;     // Upholds= targets to look at
  std::deque<std::pair<JobCallback, JobResult>> finished_callbacks_;
  std::function<void()> all_stopped_;
  bool draining_ = false;
  // What each event looks at, so that its cost never grows with the number
  // of units (issue 10): the units whose job waits to run (a superset:
  // process_queues() drops the ones whose job ran or ended), how many jobs
  // there are, the units gone from disk, and the services that wait for
  // their scope to empty (deactivating, or running without a known main
  // PID), which are all an exit of no service's main or control process
  // can concern.
  std::set<std::string> waiting_;
  std::size_t job_count_ = 0;
  // Open while there are jobs (Type=idle's wait): made by set_job(), closed
  // at the end of process_queues() when no job is left.
  IdlePipe idle_pipe_;
  std::set<std::string> on_console_;  // services that may be on the console now (service_needs_console())
  std::set<std::string> removed_;
  std::set<std::string> scope_watchers_;
  // Well-known D-Bus names with an owner, as last reported, and the unit
  // watching each BusName=.
  std::unordered_map<std::string, std::string> bus_owners_;
  std::unordered_map<std::string, std::string> bus_watchers_;
};

}  // namespace vermilion
