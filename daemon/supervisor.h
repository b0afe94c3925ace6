// vermiliond's body: one sd-event loop that owns the kernel-facing pieces
// (child exits, signals, the notify socket, every service's log pipe, the
// real system calls) and feeds their events to the manager. main() sets up
// the process (process_setup.h), parses options into SupervisorOptions and
// calls run(); tests and benchmarks build a Supervisor in-process and drive
// its loop. The Supervisor itself changes no process-wide state: what it may
// do to the process (reap every child, take signals) the options say.
#pragma once

#include <systemd/sd-event.h>

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "units/bridge_unit.h"
#include "units/generators.h"
#include "broker/broker.h"
#include "platform/child_reaper.h"
#include "platform/event_source.h"
#include "link/link_server.h"
#include "exec/linux_system_ops.h"
#include "logs/log_rate_limit.h"
#include "logs/logger.h"
#include "supervision/manager.h"
#include "manager_control.h"
#include "platform/sd_event_port.h"
#include "logs/output_capture.h"
#include "exec/spawn_hook.h"

namespace vermilion {

class NotifySocket;
class JournalWriter;

struct SupervisorOptions {
  RuntimeScope scope = RuntimeScope::system;
  // vermiliond's own environment as main() read it: the user manager's
  // home, XDG directories and runtime dir, LANG for services,
  // JOURNAL_STREAM for our log. Empty: the defaults (runtime_scope.h).
  ProcessEnvironment environment;
  // Search path, first wins; empty: the defaults for the scope
  // (unit_loader.h), or systemd's with systemd_unit_paths
  // (units/systemd_unit_dirs.h; `vermiliond --systemd-paths`).
  std::vector<std::string> unit_dirs;
  bool systemd_unit_paths = false;
  // Where *.preset files live (units/unit_presets.h), first wins by file
  // name; empty: systemd's with systemd_unit_paths (it reads the presets of
  // the units it loads), else Vermilion's own beside its default unit
  // directories (also with unit_dirs given: --unit-dir names units, not
  // presets; `vermiliond --preset-dir`).
  std::vector<std::string> preset_dirs;
  // Where *.policy files live; empty: the defaults for the scope (policy_loader.h).
  std::vector<std::string> policy_dirs;
  // Holds the notify socket. Default: /run/vermilion (system) or
  // <the identity's runtime dir>/vermilion (user).
  std::string runtime_dir;
  LogLevel log_level = LogLevel::info;
  int log_fd = 2;  // where vermiliond's own log (and the audit trail) goes
  std::size_t log_buffer_bytes = LogBuffer::kDefaultMaxBytes;
  bool start_boot_units = true;  // start default.target (units/target_unit.h)
  bool use_journal = true;  // forward service output to journald when it runs
  BrokerLimits broker_limits;  // quotas of every private link
  // Supervise vermilion-bridge as the built-in unit vermilion-bridge.service
  // (bridge_unit.h), unless a unit file of that name replaces or masks it;
  // default.target wants it (whatever defines either), so it starts at boot.
  // Off by default: in-process tests and benchmarks run without a bridge.
  std::optional<BridgeOptions> bridge;
  // What main() made of the process (set_up_supervisor_process()). The
  // defaults touch nothing process-wide, for a Supervisor inside another
  // program: it reaps only the processes it forked, leaving the program's
  // own children to it, and leaves every signal alone.
  //   reap = every_child: the process is a child subreaper with SIGCHLD
  //     blocked; every child, orphans included, is ours to reap.
  //   handle_signals: SIGTERM and SIGINT (blocked) stop every service and
  //     end run(); SIGHUP reloads.
  ReapScope reap = ReapScope::forked_children;
  bool handle_signals = false;
};

class Supervisor final : public ManagerObserver, private SpawnHook {
 public:
  // Returns 0 or -errno: -EBUSY when the options claim signals (reap =
  // every_child, handle_signals) that are not blocked; other errors come
  // from the runtime directory, the notify socket and process control.
  [[nodiscard]] static int create(SupervisorOptions options, std::unique_ptr<Supervisor>& out);
  ~Supervisor() override;
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  // Loads units, starts the boot units, and runs until SIGTERM/SIGINT has
  // stopped every service (so needs handle_signals). Returns the exit
  // status for main().
  [[nodiscard]] int run();

  // For in-process callers: load units and start boot units without running.
  void start();
  // Runs the loop until `done` holds or `timeout_usec` passes; true if done.
  // `done` is checked after every event, and at least every 100 ms.
  [[nodiscard]] bool run_until(const std::function<bool()>& done, usec_t timeout_usec);
  // Stops every service and returns once all are down (or the timeout hit).
  [[nodiscard]] bool shutdown(usec_t timeout_usec);
  // What SIGHUP and a Reload call do: the generators, then units, then
  // policies, then tells watchers; `done` (may be empty) runs after that.
  void reload(std::function<void()> done = {});
  void reload_policies();

  [[nodiscard]] Manager& manager() { return *manager_; }
  // The manager as the links' clients see it (manager_control.h).
  [[nodiscard]] ManagerControl& control() { return *control_; }
  [[nodiscard]] sd_event* loop() { return loop_.get(); }
  [[nodiscard]] const OutputCapture* log_of(const std::string& unit) const;
  [[nodiscard]] const LinuxSystemOps& system_ops() const { return *ops_; }
  [[nodiscard]] Broker& broker() { return *broker_; }
  [[nodiscard]] std::size_t link_count() const { return links_.size(); }
  // Processes of the supervisor's own still running (ChildReaper::forked_helper()).
  [[nodiscard]] std::size_t helpers_running() const { return reaper_ ? reaper_->helpers_running() : 0; }

 private:
  explicit Supervisor(SupervisorOptions options);
  [[nodiscard]] int init();

  // ManagerObserver
  void on_unit_state_changed(const ServiceStatus& status, const StateChange& change) noexcept override;
  void on_unit_properties_changed(const ServiceStatus& status) noexcept override;
  void on_unit_message(const Service& service, std::string_view message) noexcept override;
  void on_manager_message(Severity severity, std::string_view message) noexcept override;
  void on_job_finished(const std::string& unit, JobType type, JobResult result) noexcept override;
  void on_emergency_action(const std::string& unit, const char* key, EmergencyAction action,
                           int exit_status) noexcept override;

  static int on_signal(sd_event_source* source, const struct signalfd_siginfo* info, void* self);
  void on_child_exited(const ChildExit& exit);
  int log_fd_for(const ServiceConfig& config);
  void report_bridge_unit();  // after loading: built-in, replaced or masked
  void report(const Diagnostics& diags);
  // SpawnHook: LISTEN_FDS for the main process, a private link for every
  // process of a service that holds capabilities.
  [[nodiscard]] std::vector<unique_fd> prepare(const ServiceConfig& config, ProcessRole role,
                                               SpawnRequest& request) override;
  void sweep_closed_links();
  // With --systemd-paths: runs the generators (units/generators.h), each a
  // child of ours, then `then`; at once when there are none. Nothing waits
  // on them: their exits arrive through the reaper like any child's, and
  // those still running after kGeneratorTimeout are killed (systemd 252
  // gives them DEFAULT_TIMEOUT_USEC, 90 s). A run asked for while one is in
  // flight waits for that one and does not run them again.
  void run_generators(std::function<void()> then);
  void generator_exited(const ChildExit& exit);
  // Ends the loop with `status` once vermiliond's helpers have exited (at
  // most kHelperExitWait later).
  void exit_after_helpers(int status);
  void finish_generators();
  // Reads the preset policy (options_.preset_dirs) into the manager control.
  void load_presets();
  void load_and_boot();
  void reload_units();
  // NeedDaemonReload: an inotify watch on the unit directories and their
  // drop-in directories (UnitSource::watched_directories()). A change there
  // arms a short timer, so that a burst of changes (a package install) costs
  // one check; the timer opens a new watch (directories made since are in
  // it), then has the manager check every unit's files. A watch that cannot
  // be had is logged once per cause, and NeedDaemonReload stays as last
  // known.
  void watch_unit_files();
  void arm_unit_files_check();  // the settle timer, unless already armed
  void on_unit_files_changed();

  SupervisorOptions options_;
  Logger logger_;
  EventLoopPtr loop_;
  std::unique_ptr<SdEventPort> port_;
  std::unique_ptr<ChildReaper> reaper_;
  std::unique_ptr<LinuxSystemOps> ops_;
  std::unique_ptr<JournalWriter> journal_;
  std::unique_ptr<UnitSource> source_;
  std::map<std::string, std::unique_ptr<OutputCapture>> logs_;
  std::unique_ptr<NotifySocket> notify_;
  std::string notify_path_;
  // Malformed datagrams come from anyone, like unowned ones (Manager).
  LogRateLimit notify_problem_log_{Manager::kUnknownSenderLogInterval, Manager::kUnknownSenderLogBurst};
  std::unique_ptr<Manager> manager_;
  std::unique_ptr<ManagerControl> control_;
  std::unique_ptr<Broker> broker_;
  std::vector<std::unique_ptr<LinkServer>> links_;
  EventSourcePtr link_sweeper_;  // destroys closed links outside their callbacks
  std::vector<EventSourcePtr> signal_sources_;
  bool shutting_down_ = false;
  int exit_status_ = EXIT_SUCCESS;  // what run() returns; set by SuccessAction=/FailureAction=
  std::optional<GeneratorOutput> generator_output_;  // set with systemd_unit_paths
  std::map<pid_t, std::string> generators_running_;
  std::vector<std::function<void()>> after_generators_;
  EventSourcePtr generator_timer_;
  std::optional<int> exiting_with_;  // set once every service stopped for an exit
  EventSourcePtr helper_exit_timer_;
  unique_fd unit_files_watch_fd_;
  std::unique_ptr<FdWatch> unit_files_watch_;
  std::unique_ptr<Timer> unit_files_timer_;
  int unit_files_watch_error_ = 0;  // the last failure logged, so that it is logged once
};

}  // namespace vermilion
