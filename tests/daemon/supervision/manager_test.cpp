#include "supervision/manager.h"

#include <poll.h>

#include <gtest/gtest.h>

#include <set>

#include "fake_system.h"

namespace vermilion {
namespace {

using testing::FakeEventPort;
using testing::FakeSystemOps;
using testing::make_config;
using testing::make_target;

class FakeUnitSource : public UnitSource {
 public:
  std::vector<std::string> list_units() override {
    std::vector<std::string> names;
    for (const auto& [name, _] : configs)
      if (name.find("@.") == std::string::npos) names.push_back(name);
    return names;
  }
  ServiceConfig load(const std::string& name, Diagnostics& diags) override {
    if (auto link = links.find(name); link != links.end()) return load(link->second, diags);
    auto it = configs.find(name);
    if (it != configs.end()) return it->second;
    auto at = name.find('@');
    if (at != std::string::npos) {
      auto tmpl = configs.find(name.substr(0, at + 1) + ".service");
      if (tmpl != configs.end()) {
        ServiceConfig c = tmpl->second;
        c.name = name;
        return c;
      }
    }
    ServiceConfig missing;
    missing.name = name;
    return missing;
  }
  bool need_daemon_reload(const ServiceConfig& loaded) override { return changed_on_disk.contains(loaded.name); }
  ServiceConfig& add(ServiceConfig c) { return configs[c.name] = std::move(c); }
  std::map<std::string, ServiceConfig> configs;
  std::set<std::string> changed_on_disk;  // need_daemon_reload() says yes for these
  std::map<std::string, std::string> links;  // alias -> unit, as a symlink between unit files
};

class RecordingObserver : public ManagerObserver {
 public:
  void on_unit_state_changed(const ServiceStatus& status, const StateChange& change) noexcept override {
    states.push_back(status.name + ":" + std::string(to_string(change.new_sub)));
    snapshots.push_back(status);
  }
  void on_unit_properties_changed(const ServiceStatus& status) noexcept override {
    states.push_back(status.name + " says \"" + status.status_text + "\"");
    snapshots.push_back(status);
  }
  void on_unit_message(const Service&, std::string_view) noexcept override {}
  void on_manager_message(Severity, std::string_view m) noexcept override { messages.emplace_back(m); }
  void on_job_finished(const std::string&, JobType, JobResult) noexcept override {}
  void on_emergency_action(const std::string& unit, const char* key, EmergencyAction action,
                           int exit_status) noexcept override {
    actions.push_back(unit + " " + key + "=" + to_string(action) + " " + std::to_string(exit_status));
  }
  std::vector<std::string> actions;
  std::vector<std::string> states;
  std::vector<ServiceStatus> snapshots;
  std::vector<std::string> messages;
};

class ManagerTest : public ::testing::Test {
 protected:
  Manager& manager() {
    if (!manager_) {
      manager_ = std::make_unique<Manager>(source_, ops_, port_, observer_,
                                           ManagerOptions{"/run/notify", false}, nullptr);
      Diagnostics diags;
      manager_->load_units(diags);
    }
    return *manager_;
  }
  Service& service(const std::string& name) {
    Service* s = manager().find(name);
    EXPECT_NE(s, nullptr) << name;
    return *s;
  }
  void ready(const std::string& name) {
    NotifyMessage m;
    m.ready = true;
    manager().on_notify(service(name).main_pid(), m);
  }
  void exit_main(const std::string& name, int code, int status) {
    pid_t pid = service(name).main_pid();
    ops_.live.erase(pid);
    manager().on_child_exited(pid, {code, status});
  }
  int order_of_spawn(const std::string& name) {
    for (std::size_t i = 0; i < ops_.spawns.size(); ++i)
      if (ops_.spawns[i].service == name) return static_cast<int>(i);
    return -1;
  }
  // The targets DefaultDependencies= names (units/target_unit.h), as
  // vermiliond provides them in system scope; units here only have default
  // dependencies when the test says so (fake_system.h).
  void add_special_targets() {
    ServiceConfig& sysinit = source_.add(make_target("sysinit.target"));
    sysinit.default_dependencies = true;
    ServiceConfig& basic = source_.add(make_target("basic.target"));
    basic.default_dependencies = true;
    basic.requires_ = {"sysinit.target"};
    basic.after = {"sysinit.target"};
    source_.add(make_target("shutdown.target"));
  }
  JobResult start(const std::string& name) {
    std::optional<JobResult> result;
    EnqueueResult r = manager().enqueue(JobType::start, name, [&](JobResult j) { result = j; });
    EXPECT_TRUE(r.queued()) << describe(r);
    return result.value_or(JobResult::canceled);
  }

  FakeUnitSource source_;
  FakeSystemOps ops_;
  FakeEventPort port_;
  RecordingObserver observer_;
  std::unique_ptr<Manager> manager_;
};

bool hung_up(const std::shared_ptr<unique_fd>& fd) {
  pollfd p{fd->get(), 0, 0};
  return ::poll(&p, 1, 0) == 1 && (p.revents & POLLHUP);
}

// Type=idle (systemd 252): the start job is done at once (start-pre and
// start count as active), and every process of the service gets the idle
// pipe to wait on, which the manager closes when no job is left.
TEST_F(ManagerTest, AnIdleServicesProcessesWaitUntilNoJobIsLeft) {
  source_.add(make_config("slow.service", ServiceType::oneshot));
  ServiceConfig& idle = source_.add(make_config("idle.service", ServiceType::idle));
  idle.exec_start_pre = idle.exec_start;
  std::optional<JobResult> slow;
  ASSERT_TRUE(manager().enqueue(JobType::start, "slow.service", [&](JobResult r) { slow = r; }).queued());
  EXPECT_EQ(start("idle.service"), JobResult::done);
  EXPECT_EQ(service("idle.service").active_state(), ActiveState::active);
  EXPECT_EQ(service("idle.service").sub_state(), SubState::start_pre);
  EXPECT_FALSE(slow);
  ASSERT_EQ(ops_.spawns.size(), 2u);
  const auto& pre = ops_.spawns[static_cast<std::size_t>(order_of_spawn("idle.service"))];
  EXPECT_TRUE(pre.wait_for_idle);
  ASSERT_TRUE(pre.idle_wait->valid());
  EXPECT_FALSE(ops_.spawns[static_cast<std::size_t>(order_of_spawn("slow.service"))].wait_for_idle);
  EXPECT_FALSE(hung_up(pre.idle_wait)) << "slow.service's job is not done";

  exit_main("slow.service", CLD_EXITED, 0);
  EXPECT_EQ(slow, JobResult::done);
  EXPECT_TRUE(hung_up(pre.idle_wait));
  // ExecStart= is spawned with no job left: nothing to wait for.
  manager().on_child_exited(pre.pid, {CLD_EXITED, 0});
  EXPECT_EQ(service("idle.service").sub_state(), SubState::running);
  EXPECT_TRUE(ops_.spawns.back().wait_for_idle);
  EXPECT_FALSE(ops_.spawns.back().idle_wait->valid());
}

// One waiter tired of waiting (a byte on the second pipe) ends the wait
// for all of them, but only while a service may be on the console
// (systemd's manager_watch_idle_pipe() when n_on_console > 0); otherwise
// each waiter waits its own extra second.
TEST_F(ManagerTest, AnIdleProcessTiredOfWaitingEndsTheWaitForAllOnlyWithAServiceOnTheConsole) {
  source_.add(make_config("slow.service", ServiceType::oneshot));
  source_.add(make_config("idle.service", ServiceType::idle));
  source_.add(make_config("idle2.service", ServiceType::idle));
  source_.add(make_config("idle3.service", ServiceType::idle));
  ServiceConfig& console = source_.add(make_config("console.service"));
  console.standard_output.kind = OutputKind::tty;
  console.terminal.path = "/dev/console";
  ASSERT_TRUE(manager().enqueue(JobType::start, "slow.service", {}).queued());
  EXPECT_EQ(start("idle.service"), JobResult::done);
  EXPECT_EQ(start("idle2.service"), JobResult::done);
  const auto& first = ops_.spawns[static_cast<std::size_t>(order_of_spawn("idle.service"))];
  const auto& second = ops_.spawns[static_cast<std::size_t>(order_of_spawn("idle2.service"))];
  ASSERT_TRUE(first.idle_tired->valid());
  ASSERT_EQ(::write(first.idle_tired->get(), "x", 1), 1);
  port_.dispatch_readable();
  EXPECT_FALSE(hung_up(first.idle_wait)) << "nobody listens without a service on the console";

  EXPECT_EQ(start("console.service"), JobResult::done);
  port_.dispatch_readable();
  EXPECT_TRUE(hung_up(first.idle_wait));
  EXPECT_TRUE(hung_up(second.idle_wait));
  // A new job opens a new pipe (slow.service's job still runs).
  EXPECT_EQ(start("idle3.service"), JobResult::done);
  ASSERT_TRUE(ops_.spawns.back().idle_wait->valid());
  EXPECT_FALSE(hung_up(ops_.spawns.back().idle_wait));
}

// A job that replaces another leaves the pipe open: there was never a
// moment without a job (systemd's transaction_apply() installs the new job
// before the old one goes).
TEST_F(ManagerTest, AJobReplacedByAnotherKeepsIdleProcessesWaiting) {
  ServiceConfig& slow = source_.add(make_config("slow.service", ServiceType::oneshot));
  slow.exec_start_pre = slow.exec_start;
  source_.add(make_config("idle.service", ServiceType::idle));
  ASSERT_TRUE(manager().enqueue(JobType::start, "slow.service", {}).queued());
  EXPECT_EQ(start("idle.service"), JobResult::done);
  const auto& waiter = ops_.spawns[static_cast<std::size_t>(order_of_spawn("idle.service"))];
  std::optional<JobResult> stopped;
  ASSERT_TRUE(manager().enqueue(JobType::stop, "slow.service", [&](JobResult r) { stopped = r; }).queued());
  EXPECT_FALSE(hung_up(waiter.idle_wait)) << "slow.service's stop job is there";
  const pid_t control = service("slow.service").control_pid();
  ops_.live.erase(control);
  manager().on_child_exited(control, {CLD_KILLED, SIGTERM});
  EXPECT_EQ(stopped, JobResult::done);
  EXPECT_TRUE(hung_up(waiter.idle_wait));
}

// Upholds=: an upheld unit whose start fails at once (here its spawn), with
// no start limit of its own, is started again at most 16 times in 10 s
// (systemd's auto_start_stop_ratelimit); before, the drain never ended.
TEST_F(ManagerTest, AnUpheldUnitThatFailsAtOnceIsNotStartedForever) {
  ServiceConfig& keeper = source_.add(make_config("keeper.service"));
  keeper.upholds = {"kept.service"};
  ServiceConfig& kept = source_.add(make_config("kept.service"));
  kept.start_limit_interval = 0;  // no start limit
  EXPECT_EQ(start("keeper"), JobResult::done);
  ASSERT_EQ(service("kept.service").active_state(), ActiveState::active) << "pulled in as Wants= does";
  ops_.fail_spawns = true;
  exit_main("kept.service", CLD_KILLED, SIGKILL);
  EXPECT_EQ(service("kept.service").active_state(), ActiveState::failed);
  EXPECT_FALSE(manager().has_jobs());
  // Another window: it is upheld again once something changes.
  port_.advance(11 * kUsecPerSec);
  ops_.fail_spawns = false;
  EXPECT_EQ(start("kept"), JobResult::done);
  ops_.fail_spawns = true;
  exit_main("kept.service", CLD_KILLED, SIGKILL);
  EXPECT_EQ(service("kept.service").active_state(), ActiveState::failed);
}

// StopWhenUnneeded=: stopped once its last user is down, with what is
// PartOf= it (a whole stop job, as systemd's manager_add_job()).
TEST_F(ManagerTest, AnUnneededUnitStopsWithItsParts) {
  ServiceConfig& user = source_.add(make_config("user.service"));
  user.wants = {"helper.service"};
  ServiceConfig& helper = source_.add(make_config("helper.service"));
  helper.stop_when_unneeded = true;
  ServiceConfig& part = source_.add(make_config("part.service"));
  part.part_of = {"helper.service"};
  EXPECT_EQ(start("user"), JobResult::done);
  EXPECT_EQ(start("part"), JobResult::done);
  ASSERT_EQ(service("helper.service").active_state(), ActiveState::active);
  exit_main("user.service", CLD_EXITED, 0);
  EXPECT_NE(service("helper.service").active_state(), ActiveState::active);
  EXPECT_NE(service("part.service").active_state(), ActiveState::active) << "its stop propagates";
}

// What one exit costs must not grow with the number of units (issue 10): a
// main process's exit asks only its own service's scope whether it is empty.
TEST_F(ManagerTest, AnExitAsksOnlyItsOwnServicesScope) {
  constexpr int kUnits = 200;
  for (int i = 0; i < kUnits; ++i) source_.add(make_config("s" + std::to_string(i) + ".service"));
  for (int i = 0; i < kUnits; ++i) EXPECT_EQ(start("s" + std::to_string(i)), JobResult::done);
  bool all_stopped = false;
  manager().stop_all([&] { all_stopped = true; });
  for (int i = 0; i < kUnits; ++i)
    ASSERT_EQ(service("s" + std::to_string(i)).sub_state(), SubState::stop_sigterm);
  ops_.empty_calls = 0;
  for (int i = 0; i < kUnits; ++i) exit_main("s" + std::to_string(i), CLD_KILLED, SIGTERM);
  EXPECT_TRUE(all_stopped);
  EXPECT_FALSE(manager().has_jobs());
  EXPECT_LE(ops_.empty_calls, 3 * kUnits) << "scopes asked per exit grow with the number of units";
}

// SuccessAction=/FailureAction= as systemd 252's unit_notify(): the failure
// action on each entry into failed (an automatic restart after it too), the
// success action on a clean end; the exit status is *ActionExitStatus=, else
// the main process's own (none when a signal ended it).
TEST_F(ManagerTest, EmergencyActionsAreAskedForWithTheirExitStatus) {
  ServiceConfig crash = make_config("crash.service");
  crash.failure_action = EmergencyAction::exit;
  crash.restart = RestartPolicy::on_failure;
  source_.add(crash);
  ServiceConfig fixed = make_config("fixed.service");
  fixed.failure_action = EmergencyAction::exit_force;
  fixed.failure_action_exit_status = 42;
  source_.add(fixed);
  ServiceConfig done = make_config("done.service");
  done.success_action = EmergencyAction::exit;
  done.failure_action = EmergencyAction::exit;
  source_.add(done);
  EXPECT_EQ(start("crash"), JobResult::done);
  EXPECT_EQ(start("fixed"), JobResult::done);
  EXPECT_EQ(start("done"), JobResult::done);
  exit_main("crash.service", CLD_EXITED, 3);
  EXPECT_EQ(service("crash").sub_state(), SubState::auto_restart);
  exit_main("fixed.service", CLD_KILLED, SIGKILL);
  exit_main("done.service", CLD_EXITED, 0);
  EXPECT_EQ(observer_.actions, (std::vector<std::string>{"crash.service FailureAction=exit 3",
                                                         "fixed.service FailureAction=exit-force 42",
                                                         "done.service SuccessAction=exit 0"}));
  ServiceConfig killed = make_config("killed.service");
  killed.failure_action = EmergencyAction::exit;
  source_.add(killed);
  Diagnostics diags;
  manager().reload_units(diags);
  EXPECT_EQ(start("killed"), JobResult::done);
  exit_main("killed.service", CLD_KILLED, SIGSEGV);
  EXPECT_EQ(observer_.actions.back(), "killed.service FailureAction=exit 255") << "systemd's status for a signal";
}

// NeedDaemonReload: a check asks the source about every unit and tells of
// each one whose answer changed, once; a reload loads afresh and clears it.
TEST_F(ManagerTest, CheckUnitFilesTellsOfEachUnitWhoseFilesChanged) {
  source_.add(make_config("a.service"));
  source_.add(make_config("b.service"));
  ASSERT_EQ(start("a"), JobResult::done);
  observer_.snapshots.clear();
  manager().check_unit_files();
  EXPECT_TRUE(observer_.snapshots.empty()) << "nothing changed";
  source_.changed_on_disk.insert("b.service");
  manager().check_unit_files();
  ASSERT_EQ(observer_.snapshots.size(), 1u);
  EXPECT_EQ(observer_.snapshots[0].name, "b.service");
  EXPECT_TRUE(observer_.snapshots[0].need_daemon_reload);
  EXPECT_TRUE(service("b").need_daemon_reload());
  manager().check_unit_files();
  EXPECT_EQ(observer_.snapshots.size(), 1u) << "told once";
  source_.changed_on_disk.clear();
  Diagnostics diags;
  manager().reload_units(diags);
  EXPECT_FALSE(service("b").need_daemon_reload());
  EXPECT_FALSE(observer_.snapshots.back().need_daemon_reload);
}

// StartLimitAction= as systemd 252's unit_test_start_limit(): on every start
// the limit refuses, before the failure it causes (whose FailureAction=
// follows); the exit status is none of the unit's (-1: the manager's own).
TEST_F(ManagerTest, StartLimitActionOnEveryRefusedStart) {
  ServiceConfig limited = make_config("limited.service");
  limited.start_limit_burst = 1;
  limited.start_limit_interval = 60 * kUsecPerSec;
  limited.start_limit_action = EmergencyAction::exit_force;
  limited.failure_action = EmergencyAction::exit;
  source_.add(limited);
  ServiceConfig quiet = make_config("quiet.service");
  quiet.start_limit_burst = 1;
  quiet.start_limit_interval = 60 * kUsecPerSec;
  source_.add(quiet);
  EXPECT_EQ(start("limited"), JobResult::done);
  exit_main("limited.service", CLD_EXITED, 0);
  EXPECT_TRUE(observer_.actions.empty());
  EXPECT_EQ(start("limited"), JobResult::failed);
  EXPECT_EQ(service("limited").result(), ServiceResult::start_limit_hit);
  EXPECT_EQ(observer_.actions, (std::vector<std::string>{"limited.service StartLimitAction=exit-force -1",
                                                         "limited.service FailureAction=exit 0"}));
  EXPECT_EQ(start("limited"), JobResult::failed);
  EXPECT_EQ(observer_.actions.back(), "limited.service StartLimitAction=exit-force -1") << "again, while failed";
  const std::size_t before = observer_.actions.size();
  EXPECT_EQ(start("quiet"), JobResult::done);
  exit_main("quiet.service", CLD_EXITED, 0);
  EXPECT_EQ(start("quiet"), JobResult::failed);
  EXPECT_EQ(observer_.actions.size(), before) << "StartLimitAction=none";
}

// systemd 252's unit_process_job(): a start that ExecCondition= skipped
// (exit 1-254) ends "skipped", not failed (systemctl start exits 0), while
// 255 fails it.
TEST_F(ManagerTest, AStartThatExecConditionSkippedEndsSkipped) {
  for (auto [status, expected] : {std::pair{1, JobResult::skipped}, {255, JobResult::failed}}) {
    const std::string name = "c" + std::to_string(status) + ".service";
    ServiceConfig c = make_config(name);
    c.exec_condition.push_back(testing::make_command("/bin/cond"));
    source_.add(c);
    Diagnostics diags;
    manager().reload_units(diags);
    std::optional<JobResult> result;
    ASSERT_TRUE(manager().enqueue(JobType::start, name, [&](JobResult j) { result = j; }).queued());
    ASSERT_EQ(service(name).sub_state(), SubState::condition);
    EXPECT_FALSE(result.has_value());
    pid_t control = service(name).control_pid();
    ops_.live.erase(control);
    manager().on_child_exited(control, {CLD_EXITED, status});
    EXPECT_EQ(result, expected) << status;
  }
}

// Two units whose OnFailure= name each other and whose starts fail before
// any fork (here: no such program) trigger each other without end, as in
// systemd; each round waits for a turn of the loop, so nothing else starves.
TEST_F(ManagerTest, OnFailureStartsWaitForTheNextTurnOfTheLoop) {
  ServiceConfig a = make_config("a.service");
  a.on_failure = {"b.service", "a.service"};
  a.start_limit_interval = 0;
  ServiceConfig b = make_config("b.service");
  b.on_failure = {"a.service"};
  b.start_limit_interval = 0;
  source_.add(a);
  source_.add(b);
  manager();
  EXPECT_NE(std::find(observer_.messages.begin(), observer_.messages.end(),
                      "a.service: Dependency OnFailure=a.service is dropped."),
            observer_.messages.end());
  ops_.fail_spawns = true;
  std::optional<JobResult> started;
  ASSERT_TRUE(manager().enqueue(JobType::start, "a", [&](JobResult r) { started = r; }).queued());
  EXPECT_EQ(started, JobResult::failed) << "the enqueue returned: no endless loop inside it";
  EXPECT_EQ(service("b").active_state(), ActiveState::inactive) << "b waits for the next turn of the loop";
  ops_.fail_spawns = false;
  port_.advance(0);
  EXPECT_EQ(service("b").sub_state(), SubState::running);
}

// OnFailureJobMode=fail (systemd's JOB_FAIL): the triggered start is refused
// while the unit has a stop job queued; `replace` replaces that stop.
TEST_F(ManagerTest, OnFailureInModeFailLeavesAQueuedStopAlone) {
  ServiceConfig watched = make_config("watched.service");
  watched.on_failure = {"report.service"};
  watched.on_failure_job_mode = JobMode::fail;
  source_.add(watched);
  source_.add(make_config("report.service"));
  EXPECT_EQ(start("report"), JobResult::done);
  EXPECT_EQ(start("watched"), JobResult::done);
  std::optional<JobResult> stopped;
  ASSERT_TRUE(manager().enqueue(JobType::stop, "report", [&](JobResult r) { stopped = r; }).queued());
  ASSERT_EQ(service("report").sub_state(), SubState::stop_sigterm);
  exit_main("watched.service", CLD_EXITED, 1);
  EXPECT_EQ(service("watched").sub_state(), SubState::failed);
  port_.advance(0);  // the triggered start is queued at the next turn of the loop
  exit_main("report.service", CLD_KILLED, SIGTERM);
  EXPECT_EQ(stopped, JobResult::done) << "the stop was not replaced";
  EXPECT_EQ(service("report").active_state(), ActiveState::inactive) << "and nothing started it again";
}

// Job modes (systemctl --job-mode=, systemd 252's transaction.c). A notify
// service's start job stays queued until READY=1, and its stop job until the
// main process exits: the queued jobs the modes are judged against.

TEST_F(ManagerTest, ModeFailLeavesOutAWantedUnitsConflictingJob) {
  ServiceConfig& a = source_.add(make_config("a.service"));
  a.wants = {"b.service"};
  source_.add(make_config("b.service", ServiceType::notify));
  ASSERT_TRUE(manager().enqueue(JobType::start, "b").queued());
  ready("b.service");
  std::optional<JobResult> stopped;
  ASSERT_TRUE(manager().enqueue(JobType::stop, "b", [&](JobResult r) { stopped = r; }).queued());
  std::optional<JobResult> started;
  ASSERT_TRUE(manager().enqueue(JobType::start, "a", [&](JobResult r) { started = r; }, JobMode::fail).queued())
      << "b's start is left out (transaction_minimize_impact()), not refused";
  EXPECT_EQ(started, JobResult::done);
  EXPECT_FALSE(stopped.has_value()) << "b's stop was not replaced";
  exit_main("b.service", CLD_KILLED, SIGTERM);
  EXPECT_EQ(stopped, JobResult::done);
  EXPECT_EQ(service("b").active_state(), ActiveState::inactive);
}

TEST_F(ManagerTest, ModeFailRefusesToReverseARequiredUnitsJob) {
  ServiceConfig& a = source_.add(make_config("a.service"));
  a.requires_ = {"b.service"};
  source_.add(make_config("b.service", ServiceType::notify));
  ASSERT_TRUE(manager().enqueue(JobType::start, "b").queued());
  ready("b.service");
  std::optional<JobResult> stopped;
  ASSERT_TRUE(manager().enqueue(JobType::stop, "b", [&](JobResult r) { stopped = r; }).queued());
  bool ran = false;
  EnqueueResult r = manager().enqueue(JobType::start, "a", [&](JobResult) { ran = true; }, JobMode::fail);
  EXPECT_EQ(r.outcome, EnqueueOutcome::destructive);
  EXPECT_EQ(describe(r),
            "Transaction for a.service/start is destructive (b.service has 'stop' job queued, but 'start' is "
            "included in transaction).");
  EXPECT_FALSE(ran) << "a refused request never calls back";
  EXPECT_EQ(order_of_spawn("a.service"), -1);
  EXPECT_FALSE(stopped.has_value());
  ASSERT_TRUE(manager().enqueue(JobType::start, "a").queued()) << "`replace` replaces the stop";
  EXPECT_EQ(stopped, JobResult::canceled);
}

TEST_F(ManagerTest, AnIrreversibleJobIsNotReversedInAnyMode) {
  source_.add(make_config("n.service", ServiceType::notify));
  std::optional<JobResult> started;
  ASSERT_TRUE(
      manager().enqueue(JobType::start, "n", [&](JobResult r) { started = r; }, JobMode::replace_irreversibly).queued());
  for (JobMode mode : {JobMode::replace, JobMode::fail, JobMode::replace_irreversibly, JobMode::flush}) {
    EnqueueResult r = manager().enqueue(JobType::stop, "n", {}, mode);
    EXPECT_EQ(r.outcome, EnqueueOutcome::destructive) << to_string(mode);
  }
  ready("n.service");
  EXPECT_EQ(started, JobResult::done);
  ASSERT_TRUE(manager().enqueue(JobType::stop, "n").queued()) << "once done, the job is gone";
}

TEST_F(ManagerTest, ModeFlushCancelsEveryOtherJobButThoseOfIgnoreOnIsolateUnits) {
  source_.add(make_config("first.service", ServiceType::notify));
  ServiceConfig& kept = source_.add(make_config("kept.service", ServiceType::notify));
  kept.ignore_on_isolate = true;
  ServiceConfig& needs = source_.add(make_config("needs.service"));
  needs.requires_ = {"first.service"};
  needs.after = {"first.service"};
  source_.add(make_config("other.service"));
  std::optional<JobResult> first, kept_result, needs_result;
  ASSERT_TRUE(manager().enqueue(JobType::start, "first", [&](JobResult r) { first = r; }).queued());
  ASSERT_TRUE(manager().enqueue(JobType::start, "kept", [&](JobResult r) { kept_result = r; }).queued());
  ASSERT_TRUE(manager().enqueue(JobType::start, "needs", [&](JobResult r) { needs_result = r; }).queued());
  ASSERT_TRUE(manager().enqueue(JobType::start, "other", {}, JobMode::flush).queued());
  EXPECT_EQ(first, JobResult::canceled);
  EXPECT_EQ(needs_result, JobResult::canceled) << "canceled itself, not failed as first's dependency";
  EXPECT_FALSE(kept_result.has_value());
  EXPECT_EQ(service("other").sub_state(), SubState::running);
  EXPECT_EQ(service("first").active_state(), ActiveState::activating) << "a canceled start leaves the unit as it is";
  ready("kept.service");
  EXPECT_EQ(kept_result, JobResult::done);
}

TEST_F(ManagerTest, ModeIgnoreDependenciesStartsTheUnitAloneWhateverItsOrder) {
  source_.add(make_config("early.service", ServiceType::notify));
  ServiceConfig& a = source_.add(make_config("a.service"));
  a.requires_ = {"b.service"};
  a.requisite = {"down.service"};
  a.after = {"early.service", "b.service"};
  source_.add(make_config("b.service"));
  source_.add(make_config("down.service"));
  ASSERT_TRUE(manager().enqueue(JobType::start, "early").queued());
  std::optional<JobResult> started;
  ASSERT_TRUE(
      manager().enqueue(JobType::start, "a", [&](JobResult r) { started = r; }, JobMode::ignore_dependencies).queued());
  EXPECT_EQ(started, JobResult::done) << "early's queued start is not waited for; down's not checked";
  EXPECT_EQ(service("b").active_state(), ActiveState::inactive) << "Requires= pulled nothing in";
  // No job waits for one that ignores its order either.
  ServiceConfig& c = source_.add(make_config("c.service"));
  c.after = {"slow.service"};
  source_.add(make_config("slow.service", ServiceType::notify));
  ASSERT_TRUE(manager().enqueue(JobType::start, "slow", {}, JobMode::ignore_dependencies).queued());
  EXPECT_EQ(start("c"), JobResult::done);
}

TEST_F(ManagerTest, ModeIgnoreRequirementsStartsTheUnitAloneInItsOrder) {
  source_.add(make_config("early.service", ServiceType::notify));
  ServiceConfig& a = source_.add(make_config("a.service"));
  a.requires_ = {"b.service"};
  a.requisite = {"down.service"};
  a.after = {"early.service"};
  source_.add(make_config("b.service"));
  source_.add(make_config("down.service"));
  ASSERT_TRUE(manager().enqueue(JobType::start, "early").queued());
  std::optional<JobResult> started;
  ASSERT_TRUE(
      manager().enqueue(JobType::start, "a", [&](JobResult r) { started = r; }, JobMode::ignore_requirements).queued());
  EXPECT_FALSE(started.has_value()) << "it waits for early's start";
  ready("early.service");
  EXPECT_EQ(started, JobResult::done) << "down's state is not checked";
  EXPECT_EQ(service("b").active_state(), ActiveState::inactive);
}

// A start that pulls in a unit in the middle of a reload leaves that reload
// alone: it is not run a second time (systemd drops the redundant job).
TEST_F(ManagerTest, AStartPullingInAReloadingUnitDoesNotReloadItAgain) {
  ServiceConfig& db = source_.add(make_config("db.service"));
  db.exec_reload.push_back(testing::make_command("/bin/reload"));
  ServiceConfig& web = source_.add(make_config("web.service"));
  web.requires_ = {"db.service"};
  EXPECT_EQ(start("db"), JobResult::done);
  std::optional<JobResult> reloaded;
  ASSERT_TRUE(manager().enqueue(JobType::reload, "db", [&](JobResult r) { reloaded = r; }).queued());
  const std::size_t spawns = ops_.spawns.size();
  EXPECT_EQ(start("web"), JobResult::done);
  const pid_t reload = ops_.spawns[spawns - 1].pid;
  ops_.live.erase(reload);
  manager().on_child_exited(reload, {CLD_EXITED, 0});
  EXPECT_EQ(reloaded, JobResult::done);
  for (std::size_t i = spawns; i < ops_.spawns.size(); ++i)
    EXPECT_NE(ops_.spawns[i].service, "db.service") << "no second ExecReload=";
}

// Jobs that merge (job_type_lookup_merge()) join the queued one: its
// waiters hear the merged job's end, and an irreversible one stays so.
TEST_F(ManagerTest, AStartAndARestartMerge) {
  source_.add(make_config("n.service", ServiceType::notify));
  std::optional<JobResult> started, restarted;
  ASSERT_TRUE(
      manager().enqueue(JobType::start, "n", [&](JobResult r) { started = r; }, JobMode::replace_irreversibly).queued());
  ASSERT_TRUE(manager().enqueue(JobType::restart, "n", [&](JobResult r) { restarted = r; }).queued());
  EXPECT_FALSE(started.has_value()) << "not canceled";
  EXPECT_EQ(manager().enqueue(JobType::stop, "n").outcome, EnqueueOutcome::destructive) << "still irreversible";
  exit_main("n.service", CLD_KILLED, SIGTERM);  // the restart's stop half
  ready("n.service");
  EXPECT_EQ(started, JobResult::done);
  EXPECT_EQ(restarted, JobResult::done);
}

// Mode `fail` leaves out a Wants= unit whose job would stop a running unit
// (its own Conflicts=), and with it nothing else is left half done; the
// others' Conflicts= on the anchor (ConflictedBy=) does not matter either.
TEST_F(ManagerTest, ModeFailLeavesOutWhatWouldStopARunningUnitUnlessItMatters) {
  ServiceConfig& a = source_.add(make_config("a.service"));
  a.wants = {"w.service"};
  ServiceConfig& w = source_.add(make_config("w.service"));
  w.conflicts = {"x.service"};
  w.requires_ = {"r.service"};
  source_.add(make_config("r.service"));
  source_.add(make_config("x.service"));
  ServiceConfig& rival = source_.add(make_config("rival.service"));
  rival.conflicts = {"a.service"};
  EXPECT_EQ(start("x"), JobResult::done);
  EXPECT_EQ(start("rival"), JobResult::done);
  std::optional<JobResult> started;
  ASSERT_TRUE(manager().enqueue(JobType::start, "a", [&](JobResult r) { started = r; }, JobMode::fail).queued());
  EXPECT_EQ(started, JobResult::done);
  EXPECT_EQ(service("x").active_state(), ActiveState::active) << "w's Conflicts= stop was left out";
  EXPECT_EQ(service("w").active_state(), ActiveState::inactive) << "and w with it";
  EXPECT_EQ(service("r").active_state(), ActiveState::inactive) << "and what only w pulled in";
  EXPECT_EQ(service("rival").active_state(), ActiveState::active) << "ConflictedBy= does not matter";
  EXPECT_EQ(start("w"), JobResult::done) << "in mode replace, w's start stops x";
  EXPECT_EQ(service("x").sub_state(), SubState::stop_sigterm);
}

// A stop of a unit reverses the queued start of a unit that requires it,
// although that unit is not up yet (systemd adds its stop job too).
TEST_F(ManagerTest, AStopCancelsTheQueuedStartOfWhatRequiresIt) {
  source_.add(make_config("early.service", ServiceType::notify));
  ServiceConfig& a = source_.add(make_config("a.service"));
  a.requires_ = {"b.service"};
  a.after = {"early.service"};
  source_.add(make_config("b.service"));
  ASSERT_TRUE(manager().enqueue(JobType::start, "early").queued());
  std::optional<JobResult> started;
  ASSERT_TRUE(manager().enqueue(JobType::start, "a", [&](JobResult r) { started = r; }).queued());
  EXPECT_FALSE(started.has_value()) << "a waits for early";
  EXPECT_EQ(manager().enqueue(JobType::stop, "b", {}, JobMode::fail).outcome, EnqueueOutcome::destructive)
      << "a's queued start would be reversed";
  ASSERT_TRUE(manager().enqueue(JobType::stop, "b").queued());
  EXPECT_EQ(started, JobResult::canceled);
}

// A reload that was to run again, turned into a restart by a merge, is a
// restart: one pass, whose failure its waiters hear.
TEST_F(ManagerTest, AReloadMergedIntoARestartDoesNotRunAgain) {
  ServiceConfig& web = source_.add(make_config("web.service"));
  web.exec_reload.push_back(testing::make_command("/bin/reload"));
  EXPECT_EQ(start("web"), JobResult::done);
  std::optional<JobResult> reloaded, restarted;
  ASSERT_TRUE(manager().enqueue(JobType::reload, "web", [&](JobResult r) { reloaded = r; }).queued());
  const pid_t reload = ops_.last_spawn()->pid;
  ASSERT_TRUE(manager().enqueue(JobType::reload, "web").queued());  // to run again
  ASSERT_TRUE(manager().enqueue(JobType::restart, "web", [&](JobResult r) { restarted = r; }).queued());
  ops_.live.erase(reload);
  manager().on_child_exited(reload, {CLD_EXITED, 0});
  ops_.fail_spawns = true;
  const int attempts = ops_.spawn_attempts;
  if (service("web").main_pid() > 0) exit_main("web.service", CLD_KILLED, SIGTERM);  // the restart's stop
  port_.advance(0);
  EXPECT_EQ(restarted, JobResult::failed);
  EXPECT_EQ(reloaded, JobResult::failed) << "merged: the same job's result";
  EXPECT_EQ(ops_.spawn_attempts - attempts, 1) << "one start, not a second pass";
}

// A restart whose stop half is done is a start by now: a new restart
// merges as a restart, and the unit stops again (systemd's job_install()).
TEST_F(ManagerTest, ARestartAfterTheStopHalfOfAnotherStopsAgain) {
  source_.add(make_config("n.service", ServiceType::notify));
  ASSERT_TRUE(manager().enqueue(JobType::start, "n").queued());
  ready("n.service");
  std::optional<JobResult> first, second;
  ASSERT_TRUE(manager().enqueue(JobType::restart, "n", [&](JobResult r) { first = r; }).queued());
  exit_main("n.service", CLD_KILLED, SIGTERM);  // the stop half
  ASSERT_EQ(service("n").active_state(), ActiveState::activating) << "the start half runs";
  const pid_t starting = service("n").main_pid();
  ASSERT_TRUE(manager().enqueue(JobType::restart, "n", [&](JobResult r) { second = r; }).queued());
  EXPECT_EQ(service("n").sub_state(), SubState::stop_sigterm) << "stopped again";
  ops_.live.erase(starting);
  manager().on_child_exited(starting, {CLD_KILLED, SIGTERM});
  ready("n.service");
  EXPECT_EQ(first, JobResult::done);
  EXPECT_EQ(second, JobResult::done);
}

// Mode `fail`: a stop's chain of requirements goes on through a unit that
// is down already, so what requires that one still matters and stops.
TEST_F(ManagerTest, ModeFailStopsTheRequirementChainThroughADownUnit) {
  source_.add(make_config("a.service"));
  ServiceConfig& b = source_.add(make_config("b.service", ServiceType::oneshot));
  b.requires_ = {"a.service"};
  ServiceConfig& c = source_.add(make_config("c.service"));
  c.requires_ = {"b.service"};
  EXPECT_EQ(start("c"), JobResult::done);
  exit_main("b.service", CLD_EXITED, 0);  // the oneshot is done: inactive
  ASSERT_EQ(service("b").active_state(), ActiveState::inactive);
  ASSERT_TRUE(manager().enqueue(JobType::stop, "a", {}, JobMode::fail).queued());
  EXPECT_EQ(service("c").sub_state(), SubState::stop_sigterm);
}

TEST_F(ManagerTest, AJobModeThatDoesNotGoWithTheJobTypeIsRefused) {
  source_.add(make_config("a.service"));
  EnqueueResult r = manager().enqueue(JobType::stop, "a", {}, JobMode::isolate);
  EXPECT_EQ(r.outcome, EnqueueOutcome::invalid_job_mode);
  EXPECT_EQ(describe(r), "Isolate is only valid for start.");
  r = manager().enqueue(JobType::start, "missing", {}, JobMode::triggering);
  EXPECT_EQ(describe(r), "--job-mode=triggering is only valid for stop.") << "checked before the unit is";
  EXPECT_EQ(start("a"), JobResult::done);
  std::optional<JobResult> stopped;
  ASSERT_TRUE(manager().enqueue(JobType::stop, "a", [&](JobResult j) { stopped = j; }, JobMode::triggering).queued());
  exit_main("a.service", CLD_KILLED, SIGTERM);
  EXPECT_EQ(stopped, JobResult::done) << "a stop: no unit here triggers another";
}

// OnFailureJobMode=replace-irreversibly (10 of Debian 12's units): the
// triggered start cannot be reversed.
TEST_F(ManagerTest, OnFailureInModeReplaceIrreversiblyQueuesAnIrreversibleStart) {
  ServiceConfig watched = make_config("watched.service");
  watched.on_failure = {"rescue.service"};
  watched.on_failure_job_mode = JobMode::replace_irreversibly;
  source_.add(watched);
  source_.add(make_config("rescue.service", ServiceType::notify));
  EXPECT_EQ(start("watched"), JobResult::done);
  exit_main("watched.service", CLD_EXITED, 1);
  port_.advance(0);  // the triggered start is queued at the next turn of the loop
  EXPECT_EQ(service("rescue").active_state(), ActiveState::activating);
  EXPECT_EQ(manager().enqueue(JobType::stop, "rescue").outcome, EnqueueOutcome::destructive);
}

// A process that is no main or control process (a daemon's child, reparented
// to vermiliond) can empty the scope of a service that waits for it.
TEST_F(ManagerTest, AnExitOfAnotherProcessEndsTheStopThatWaitedForIt) {
  source_.add(make_config("a.service"));
  source_.add(make_config("b.service"));
  EXPECT_EQ(start("a"), JobResult::done);
  EXPECT_EQ(start("b"), JobResult::done);
  constexpr pid_t kLeftover = 90001;
  ops_.live[kLeftover] = "a.service";
  std::optional<JobResult> stopped;
  ASSERT_TRUE(manager().enqueue(JobType::stop, "a", [&](JobResult r) { stopped = r; }).queued());
  exit_main("a.service", CLD_KILLED, SIGTERM);
  EXPECT_EQ(service("a").sub_state(), SubState::final_sigterm) << "a process of a is left";
  EXPECT_FALSE(stopped);
  ops_.live.erase(kLeftover);
  manager().on_child_exited(kLeftover, {CLD_KILLED, SIGTERM});
  EXPECT_EQ(service("a").active_state(), ActiveState::inactive);
  EXPECT_EQ(stopped, JobResult::done);
  EXPECT_EQ(service("b").sub_state(), SubState::running);
}

// GetUnitByPID: a main process by the watched PIDs, any other process by
// the scope that holds it (its cgroup or session), one scope question each.
TEST_F(ManagerTest, AnyProcessOfAServiceNamesIt) {
  source_.add(make_config("a.service"));
  source_.add(make_config("b.service"));
  EXPECT_EQ(start("a"), JobResult::done);
  EXPECT_EQ(start("b"), JobResult::done);
  const pid_t main_b = service("b").main_pid();
  ASSERT_GT(main_b, 0);
  int lookups = ops_.scope_owner_calls;
  ASSERT_NE(manager().service_of_process(main_b), nullptr);
  EXPECT_EQ(manager().service_of_process(main_b)->name(), "b.service");
  EXPECT_EQ(ops_.scope_owner_calls, lookups) << "a main process is known without asking the scopes";
  constexpr pid_t kWorker = 90003;
  ops_.live[kWorker] = "a.service";
  ASSERT_NE(manager().service_of_process(kWorker), nullptr);
  EXPECT_EQ(manager().service_of_process(kWorker)->name(), "a.service");
  EXPECT_EQ(manager().service_of_process(90004), nullptr);
  EXPECT_EQ(manager().service_of_process(0), nullptr);
}

// A forking daemon that dies before writing its PID file is no main or
// control process: its exit still ends the start that waited for the file.
TEST_F(ManagerTest, ADaemonThatDiesBeforeItsPidFileFailsTheStart) {
  ServiceConfig& c = source_.add(make_config("d.service", ServiceType::forking));
  c.pid_file = "/run/d.pid";
  std::optional<JobResult> started;
  ASSERT_TRUE(manager().enqueue(JobType::start, "d", [&](JobResult r) { started = r; }).queued());
  constexpr pid_t kDaemon = 90002;
  ops_.live[kDaemon] = "d.service";
  pid_t parent = service("d").control_pid();
  ops_.live.erase(parent);
  manager().on_child_exited(parent, {CLD_EXITED, 0});
  EXPECT_EQ(service("d").sub_state(), SubState::start) << "waiting for the PID file";
  ops_.live.erase(kDaemon);
  manager().on_child_exited(kDaemon, {CLD_EXITED, 0});
  EXPECT_EQ(started, JobResult::failed);
  EXPECT_EQ(service("d").result(), ServiceResult::protocol);
}

// A PID file root owns may name another service's process (systemd's
// service_load_pid_file()); both then watch it, and its exit is told to
// both (systemd's unit_watch_pid() keeps several watchers of one PID).
TEST_F(ManagerTest, AProcessTwoServicesWatchEndsBoth) {
  source_.add(make_config("other.service"));
  ServiceConfig& c = source_.add(make_config("d.service", ServiceType::forking));
  c.pid_file = "/run/d.pid";
  EXPECT_EQ(start("other"), JobResult::done);
  pid_t shared = service("other").main_pid();
  ops_.pid_files["/run/d.pid"] = shared;
  std::optional<JobResult> started;
  ASSERT_TRUE(manager().enqueue(JobType::start, "d", [&](JobResult r) { started = r; }).queued());
  pid_t parent = service("d").control_pid();
  ops_.live.erase(parent);
  manager().on_child_exited(parent, {CLD_EXITED, 0});
  ASSERT_EQ(started, JobResult::done);
  EXPECT_EQ(service("d").main_pid(), shared);
  ops_.live.erase(shared);
  manager().on_child_exited(shared, {CLD_EXITED, 4});
  EXPECT_EQ(service("other").active_state(), ActiveState::failed);
  EXPECT_EQ(service("d").active_state(), ActiveState::failed);
  EXPECT_EQ(service("d").result(), ServiceResult::exit_code);
}

TEST_F(ManagerTest, StartsRequirementsFirstWhenOrdered) {
  source_.add(make_config("db.service", ServiceType::notify));
  ServiceConfig& web = source_.add(make_config("web.service"));
  web.requires_ = {"db.service"};
  web.after = {"db.service"};

  std::optional<JobResult> result;
  ASSERT_TRUE(manager().enqueue(JobType::start, "web", [&](JobResult r) { result = r; }).queued());
  EXPECT_EQ(service("db").sub_state(), SubState::start);
  EXPECT_EQ(order_of_spawn("web.service"), -1) << "web waits for db to be ready";
  EXPECT_FALSE(result);
  ready("db.service");
  EXPECT_EQ(service("web").sub_state(), SubState::running);
  EXPECT_EQ(result, JobResult::done);
}

TEST_F(ManagerTest, IndependentServicesStartInTheSamePass) {
  source_.add(make_config("a.service", ServiceType::notify));
  source_.add(make_config("b.service", ServiceType::notify));
  ServiceConfig& c = source_.add(make_config("c.service"));
  c.wants = {"a.service", "b.service"};
  ASSERT_TRUE(manager().enqueue(JobType::start, "c").queued());
  EXPECT_EQ(service("a").sub_state(), SubState::start);
  EXPECT_EQ(service("b").sub_state(), SubState::start);
  EXPECT_EQ(service("c").sub_state(), SubState::running) << "no ordering: c does not wait";
}

TEST_F(ManagerTest, FailedRequirementFailsDependentsTransitively) {
  source_.add(make_config("db.service", ServiceType::notify));
  ServiceConfig& app = source_.add(make_config("app.service"));
  app.requires_ = {"db.service"};
  app.after = {"db.service"};
  ServiceConfig& web = source_.add(make_config("web.service"));
  web.requires_ = {"app.service"};
  web.after = {"app.service"};
  std::optional<JobResult> web_result;
  ASSERT_TRUE(manager().enqueue(JobType::start, "web", [&](JobResult r) { web_result = r; }).queued());
  exit_main("db.service", CLD_EXITED, 1);
  EXPECT_EQ(service("db").active_state(), ActiveState::failed);
  EXPECT_EQ(web_result, JobResult::dependency);
  EXPECT_EQ(order_of_spawn("app.service"), -1);
  EXPECT_EQ(order_of_spawn("web.service"), -1);
  EXPECT_FALSE(manager().has_jobs());
}

TEST_F(ManagerTest, WantedUnitFailingDoesNotStopTheWanter) {
  source_.add(make_config("extra.service", ServiceType::notify));
  ServiceConfig& web = source_.add(make_config("web.service"));
  web.wants = {"extra.service", "missing.service"};
  web.after = {"extra.service"};
  std::optional<JobResult> result;
  ASSERT_TRUE(manager().enqueue(JobType::start, "web", [&](JobResult r) { result = r; }).queued());
  exit_main("extra.service", CLD_EXITED, 1);
  EXPECT_EQ(result, JobResult::done);
  EXPECT_EQ(service("web").sub_state(), SubState::running);
}

TEST_F(ManagerTest, MissingRequirementRefusesTheJob) {
  ServiceConfig& web = source_.add(make_config("web.service"));
  web.requires_ = {"nothere.service"};
  EnqueueResult r = manager().enqueue(JobType::start, "web");
  EXPECT_EQ(r.outcome, EnqueueOutcome::not_found);
  EXPECT_EQ(r.unit, "nothere.service") << "the unit at fault, not the one asked for";
  EXPECT_EQ(describe(r), "Unit nothere.service not found.");
  EXPECT_TRUE(ops_.spawns.empty());
  EXPECT_FALSE(manager().has_jobs()) << "nothing of the closure was queued";
}

TEST_F(ManagerTest, UnknownAndInvalidNamesAreErrors) {
  EnqueueResult ghost = manager().enqueue(JobType::start, "ghost");
  EXPECT_EQ(ghost.outcome, EnqueueOutcome::not_found);
  EXPECT_EQ(describe(ghost), "Unit ghost.service not found.");
  EnqueueResult bad_name = manager().enqueue(JobType::start, "bad name");
  EXPECT_EQ(bad_name.outcome, EnqueueOutcome::invalid_name);
  EXPECT_EQ(describe(bad_name), "Unit name bad name is not valid.");
  EXPECT_EQ(manager().enqueue(JobType::stop, "../x").outcome, EnqueueOutcome::invalid_name);
  EXPECT_EQ(manager().enqueue(JobType::stop, "ghost").outcome, EnqueueOutcome::not_found);
}

TEST_F(ManagerTest, BadSettingUnitCannotStartButOthersDo) {
  ServiceConfig& bad = source_.add(make_config("bad.service"));
  bad.load_state = LoadState::bad_setting;
  source_.add(make_config("good.service"));
  for (JobType type : {JobType::start, JobType::restart, JobType::reload}) {
    EnqueueResult r = manager().enqueue(type, "bad");
    EXPECT_EQ(r.outcome, EnqueueOutcome::bad_setting) << to_string(type);
    EXPECT_EQ(r.unit, "bad.service");
  }
  EXPECT_EQ(describe(manager().enqueue(JobType::start, "bad")), "Unit bad.service has a bad unit file setting.");
  EXPECT_TRUE(manager().enqueue(JobType::stop, "bad").queued()) << "a broken unit can always be stopped";
  EXPECT_EQ(start("good"), JobResult::done);
}

TEST_F(ManagerTest, UnloadableUnitsAreRefusedByLoadState) {
  ServiceConfig& broken = source_.add(make_config("broken.service"));
  broken.load_state = LoadState::error;  // a syntax error, masked, unreadable
  ServiceConfig& web = source_.add(make_config("web.service"));
  web.requires_ = {"broken.service"};
  ServiceConfig& api = source_.add(make_config("api.service"));
  api.requisite = {"broken.service"};
  EnqueueResult r = manager().enqueue(JobType::start, "broken");
  EXPECT_EQ(r.outcome, EnqueueOutcome::load_failed);
  EXPECT_EQ(describe(r),
            "Unit broken.service failed to load properly, please adjust/correct and reload service manager.");
  for (const char* name : {"web", "api"}) {
    r = manager().enqueue(JobType::start, name);
    EXPECT_EQ(r.outcome, EnqueueOutcome::load_failed) << name;
    EXPECT_EQ(r.unit, "broken.service") << name;
  }
  EXPECT_TRUE(ops_.spawns.empty());
}

TEST_F(ManagerTest, InactiveRequisiteFailsTheStartWithDependency) {
  source_.add(make_config("db.service"));
  ServiceConfig& web = source_.add(make_config("web.service"));
  web.requisite = {"db.service"};
  web.after = {"db.service"};
  std::optional<JobResult> result;
  EnqueueResult r = manager().enqueue(JobType::start, "web", [&](JobResult j) { result = j; });
  EXPECT_TRUE(r.queued()) << "an inactive requisite is the job's failure, not a refusal: " << describe(r);
  EXPECT_EQ(result, JobResult::dependency);
  EXPECT_TRUE(ops_.spawns.empty()) << "a requisite is not started, and web is not started without it";
  EXPECT_EQ(service("web").active_state(), ActiveState::inactive);
  EXPECT_FALSE(manager().has_jobs());
  ASSERT_FALSE(observer_.messages.empty());
  EXPECT_EQ(observer_.messages.back(), "dependency failed for web.service: requisite db.service is not active");

  EXPECT_EQ(start("db"), JobResult::done);
  EXPECT_EQ(start("web"), JobResult::done) << "with db active, web starts";
  EXPECT_EQ(service("web").sub_state(), SubState::running);
}

TEST_F(ManagerTest, StartWaitsForARequisiteStillActivating) {
  source_.add(make_config("db.service", ServiceType::notify));
  ServiceConfig& web = source_.add(make_config("web.service"));
  web.requisite = {"db.service"};
  ASSERT_TRUE(manager().enqueue(JobType::start, "db").queued());
  ASSERT_EQ(service("db").active_state(), ActiveState::activating);
  std::optional<JobResult> result;
  ASSERT_TRUE(manager().enqueue(JobType::start, "web", [&](JobResult j) { result = j; }).queued());
  EXPECT_FALSE(result) << "db may yet come up";
  EXPECT_EQ(order_of_spawn("web.service"), -1);
  ready("db.service");
  EXPECT_EQ(result, JobResult::done);
  EXPECT_EQ(service("web").sub_state(), SubState::running);
}

TEST_F(ManagerTest, RequisiteThatFailsWhileActivatingFailsTheStart) {
  source_.add(make_config("db.service", ServiceType::notify));
  ServiceConfig& web = source_.add(make_config("web.service"));
  web.requisite = {"db.service"};
  ASSERT_TRUE(manager().enqueue(JobType::start, "db").queued());
  std::optional<JobResult> result;
  ASSERT_TRUE(manager().enqueue(JobType::start, "web", [&](JobResult j) { result = j; }).queued());
  exit_main("db.service", CLD_EXITED, 1);
  EXPECT_EQ(result, JobResult::dependency);
  EXPECT_EQ(order_of_spawn("web.service"), -1);
}

TEST_F(ManagerTest, StopAllStopsInReverseOrder) {
  source_.add(make_config("db.service"));
  ServiceConfig& web = source_.add(make_config("web.service"));
  web.requires_ = {"db.service"};
  web.after = {"db.service"};
  EXPECT_EQ(start("web"), JobResult::done);
  pid_t db_pid = service("db").main_pid();
  pid_t web_pid = service("web").main_pid();

  bool stopped = false;
  manager().stop_all([&] { stopped = true; });
  EXPECT_TRUE(ops_.was_signalled(web_pid, SIGTERM));
  EXPECT_FALSE(ops_.was_signalled(db_pid, SIGTERM)) << "db stops only after web is down";
  exit_main("web.service", CLD_KILLED, SIGTERM);
  EXPECT_TRUE(ops_.was_signalled(db_pid, SIGTERM));
  EXPECT_FALSE(stopped);
  exit_main("db.service", CLD_KILLED, SIGTERM);
  EXPECT_TRUE(stopped);
}

TEST_F(ManagerTest, StoppingARequirementStopsItsDependents) {
  source_.add(make_config("db.service"));
  ServiceConfig& web = source_.add(make_config("web.service"));
  web.requires_ = {"db.service"};
  web.after = {"db.service"};
  EXPECT_EQ(start("web"), JobResult::done);
  ASSERT_TRUE(manager().enqueue(JobType::stop, "db").queued());
  EXPECT_EQ(service("web").sub_state(), SubState::stop_sigterm);
  exit_main("web.service", CLD_KILLED, SIGTERM);
  exit_main("db.service", CLD_KILLED, SIGTERM);
  EXPECT_EQ(service("web").active_state(), ActiveState::inactive);
  EXPECT_EQ(service("db").active_state(), ActiveState::inactive);
}

TEST_F(ManagerTest, BindsToStopsWhenTheOtherCrashes) {
  source_.add(make_config("db.service"));
  ServiceConfig& web = source_.add(make_config("web.service"));
  web.binds_to = {"db.service"};
  web.after = {"db.service"};
  EXPECT_EQ(start("web"), JobResult::done);
  exit_main("db.service", CLD_KILLED, SIGSEGV);
  EXPECT_EQ(service("web").sub_state(), SubState::stop_sigterm);
}

TEST_F(ManagerTest, RequiresDoesNotStopWhenTheOtherCrashes) {
  source_.add(make_config("db.service"));
  ServiceConfig& web = source_.add(make_config("web.service"));
  web.requires_ = {"db.service"};
  EXPECT_EQ(start("web"), JobResult::done);
  exit_main("db.service", CLD_KILLED, SIGSEGV);
  EXPECT_EQ(service("web").sub_state(), SubState::running);
}

TEST_F(ManagerTest, OrderingCycleIsNamedAndBrokenSoEverythingStarts) {
  ServiceConfig& a = source_.add(make_config("a.service"));
  a.after = {"b.service"};
  ServiceConfig& b = source_.add(make_config("b.service"));
  b.after = {"c.service"};
  ServiceConfig& c = source_.add(make_config("c.service"));
  c.after = {"a.service"};
  a.wants = {"b.service", "c.service"};
  source_.add(make_config("d.service"));
  manager();
  ASSERT_EQ(observer_.messages.size(), 1u);
  EXPECT_NE(observer_.messages[0].find("ordering cycle"), std::string::npos);
  EXPECT_NE(observer_.messages[0].find("a.service"), std::string::npos) << observer_.messages[0];
  EXPECT_NE(observer_.messages[0].find("c.service"), std::string::npos) << observer_.messages[0];
  EXPECT_EQ(start("a"), JobResult::done);
  EXPECT_EQ(service("b").sub_state(), SubState::running);
  EXPECT_EQ(service("c").sub_state(), SubState::running);
  EXPECT_EQ(start("d"), JobResult::done);
}

TEST_F(ManagerTest, ConflictsStopTheOtherUnit) {
  source_.add(make_config("old.service"));
  ServiceConfig& fresh = source_.add(make_config("new.service"));
  fresh.conflicts = {"old.service"};
  EXPECT_EQ(start("old"), JobResult::done);
  ASSERT_TRUE(manager().enqueue(JobType::start, "new").queued());
  EXPECT_EQ(service("old").sub_state(), SubState::stop_sigterm);
}

TEST_F(ManagerTest, RestartIsStopThenStart) {
  source_.add(make_config("web.service"));
  EXPECT_EQ(start("web"), JobResult::done);
  pid_t before = service("web").main_pid();
  std::optional<JobResult> result;
  ASSERT_TRUE(manager().enqueue(JobType::restart, "web", [&](JobResult r) { result = r; }).queued());
  EXPECT_FALSE(result);
  exit_main("web.service", CLD_KILLED, SIGTERM);
  EXPECT_EQ(result, JobResult::done);
  EXPECT_NE(service("web").main_pid(), before);
}

// systemd 252's job_install(): a reload asked for while a reload runs is
// not merged into it (the daemon may have read its old configuration
// already): the job runs ExecReload= again once the first run ends, and
// both callers hear when the second run is done.
TEST_F(ManagerTest, AReloadDuringAReloadRunsItAgain) {
  ServiceConfig& web = source_.add(make_config("web.service"));
  web.exec_reload.push_back(testing::make_command("/bin/reload"));
  EXPECT_EQ(start("web"), JobResult::done);
  std::optional<JobResult> first, second;
  ASSERT_TRUE(manager().enqueue(JobType::reload, "web", [&](JobResult r) { first = r; }).queued());
  ASSERT_EQ(ops_.last_spawn()->path, "/bin/reload");
  const pid_t first_run = ops_.last_spawn()->pid;
  ASSERT_TRUE(manager().enqueue(JobType::reload, "web", [&](JobResult r) { second = r; }).queued());
  ops_.live.erase(first_run);
  manager().on_child_exited(first_run, {CLD_EXITED, 0});
  EXPECT_FALSE(first) << "the job runs again";
  ASSERT_EQ(ops_.last_spawn()->path, "/bin/reload");
  const pid_t second_run = ops_.last_spawn()->pid;
  ASSERT_NE(second_run, first_run) << "ExecReload= ran a second time";
  ops_.live.erase(second_run);
  manager().on_child_exited(second_run, {CLD_EXITED, 0});
  EXPECT_EQ(first, JobResult::done);
  EXPECT_EQ(second, JobResult::done);
  EXPECT_EQ(service("web").sub_state(), SubState::running);
}

// A cancel ends a reload job that was to run again: canceled, no re-run.
TEST_F(ManagerTest, ACanceledReloadDoesNotRunAgain) {
  ServiceConfig& web = source_.add(make_config("web.service"));
  web.exec_reload.push_back(testing::make_command("/bin/reload"));
  EXPECT_EQ(start("web"), JobResult::done);
  std::optional<JobResult> first, second;
  ASSERT_TRUE(manager().enqueue(JobType::reload, "web", [&](JobResult r) { first = r; }).queued());
  const std::size_t spawns = ops_.spawns.size();
  ASSERT_TRUE(manager().enqueue(JobType::reload, "web", [&](JobResult r) { second = r; }).queued());
  ASSERT_EQ(manager().cancel_job("web.service"), 0);
  EXPECT_EQ(first, JobResult::canceled);
  EXPECT_EQ(second, JobResult::canceled);
  const pid_t run = ops_.last_spawn()->pid;
  ops_.live.erase(run);
  manager().on_child_exited(run, {CLD_EXITED, 0});
  EXPECT_EQ(ops_.spawns.size(), spawns) << "no second ExecReload=";
}

TEST_F(ManagerTest, ReloadOfInactiveUnitIsInvalid) {
  source_.add(make_config("web.service"));
  std::optional<JobResult> result;
  ASSERT_TRUE(manager().enqueue(JobType::reload, "web", [&](JobResult r) { result = r; }).queued());
  EXPECT_EQ(result, JobResult::invalid);
}

TEST_F(ManagerTest, StopCancelsAPendingStart) {
  source_.add(make_config("n.service", ServiceType::notify));
  std::optional<JobResult> start_result, stop_result;
  ASSERT_TRUE(manager().enqueue(JobType::start, "n", [&](JobResult r) { start_result = r; }).queued());
  ASSERT_TRUE(manager().enqueue(JobType::stop, "n", [&](JobResult r) { stop_result = r; }).queued());
  EXPECT_EQ(start_result, JobResult::canceled);
  exit_main("n.service", CLD_KILLED, SIGTERM);
  EXPECT_EQ(stop_result, JobResult::done);
}

TEST_F(ManagerTest, TemplateInstancesLoadOnDemandAndAliasesResolve) {
  source_.add(make_config("getty@.service"));
  ServiceConfig& web = source_.add(make_config("web.service"));
  web.aliases = {"www.service"};
  EXPECT_EQ(start("getty@tty1"), JobResult::done);
  EXPECT_EQ(service("getty@tty1.service").name(), "getty@tty1.service");
  EXPECT_EQ(start("www"), JobResult::done);
  EXPECT_EQ(manager().find("www")->name(), "web.service");
}

// Issue 12 (Debian's graphical.target with getty@tty1.service and more in
// its wants): a start that loads template instances on first use rebuilds
// the dependency graph while the closure is walked; every want still
// starts, and the walk ends.
TEST_F(ManagerTest, WantsOfInstancesLoadedOnFirstUseAllStart) {
  source_.add(make_config("getty@.service"));
  for (const char* name : {"a.service", "b.service", "c.service"}) source_.add(make_config(name));
  ServiceConfig& def = source_.add(make_target("default.target"));
  def.wants = {"a.service", "getty@tty1.service", "b.service", "getty@tty2.service", "c.service"};
  def.requires_ = {"getty@tty3.service"};
  manager().start_boot_units();
  for (const char* name : {"a", "b", "c", "getty@tty1", "getty@tty2", "getty@tty3"})
    EXPECT_EQ(service(name).sub_state(), SubState::running) << name;
  EXPECT_EQ(service("default.target").sub_state(), SubState::active);
}

// At boot: default.target and what it pulls in, nothing else; [Install]
// WantedBy= alone starts nothing (b), a .wants/ link (merged into Wants=
// by the loader) does (a), through multi-user.target too (c).
TEST_F(ManagerTest, BootStartsTheDefaultTargetAndWhatItPullsIn) {
  source_.add(make_config("a.service"));
  source_.add(make_config("b.service")).wanted_by = {"default.target", "multi-user.target"};
  source_.add(make_config("c.service"));
  ServiceConfig& def = source_.add(make_target("default.target"));
  def.wants = {"a.service"};
  def.requires_ = {"multi-user.target"};
  source_.add(make_target("multi-user.target")).wants = {"c.service"};
  manager().start_boot_units();
  EXPECT_EQ(service("a").sub_state(), SubState::running);
  EXPECT_EQ(service("b").sub_state(), SubState::dead);
  EXPECT_EQ(service("c").sub_state(), SubState::running);
  EXPECT_EQ(service("default.target").active_state(), ActiveState::active);
  EXPECT_EQ(service("default.target").sub_state(), SubState::active);
  EXPECT_EQ(service("multi-user.target").sub_state(), SubState::active);
}

// A target is a synchronisation point: with DefaultDependencies= it is
// ordered after what it wants, so it is reached once they are up (here a
// notify service still starting holds it), and what is ordered after it
// waits for it.
TEST_F(ManagerTest, TargetIsReachedAfterWhatItWants) {
  add_special_targets();
  source_.add(make_config("slow.service", ServiceType::notify)).default_dependencies = true;
  ServiceConfig& late = source_.add(make_config("late.service"));
  late.after = {"app.target"};
  late.default_dependencies = true;
  ServiceConfig& app = source_.add(make_target("app.target"));
  app.wants = {"slow.service", "late.service"};
  app.default_dependencies = true;  // what orders it after slow.service
  std::optional<JobResult> result;
  ASSERT_TRUE(manager().enqueue(JobType::start, "app.target", [&](JobResult r) { result = r; }).queued());
  EXPECT_EQ(service("app.target").active_state(), ActiveState::inactive);
  EXPECT_EQ(service("slow").sub_state(), SubState::start);
  EXPECT_EQ(service("late").sub_state(), SubState::dead) << "ordered after the target";
  EXPECT_FALSE(result);
  ready("slow");
  EXPECT_EQ(result, JobResult::done);
  EXPECT_EQ(service("app.target").sub_state(), SubState::active);
  EXPECT_EQ(service("late").sub_state(), SubState::running);
  std::optional<JobResult> stopped;
  ASSERT_TRUE(manager().enqueue(JobType::stop, "app.target", [&](JobResult r) { stopped = r; }).queued());
  EXPECT_EQ(stopped, JobResult::done);
  EXPECT_EQ(service("app.target").sub_state(), SubState::dead);
  EXPECT_EQ(service("slow").sub_state(), SubState::running) << "Wants= does not stop with the target";
}

// DefaultDependencies=yes (systemd.service(5)): a service's start pulls in
// sysinit.target (Requires=) and waits for it and basic.target (After=);
// DefaultDependencies=no pulls in nothing.
TEST_F(ManagerTest, DefaultDependenciesPullInAndOrderAfterTheSpecialTargets) {
  add_special_targets();
  source_.add(make_config("web.service", ServiceType::notify)).default_dependencies = true;
  source_.add(make_config("bare.service"));
  EXPECT_EQ(start("bare"), JobResult::done);
  EXPECT_EQ(service("sysinit.target").active_state(), ActiveState::inactive);
  ASSERT_TRUE(manager().enqueue(JobType::start, "web").queued());
  EXPECT_EQ(service("sysinit.target").active_state(), ActiveState::active);
  EXPECT_EQ(service("basic.target").active_state(), ActiveState::inactive)
      << "basic.target is ordered after, not pulled in";
  EXPECT_EQ(service("web").sub_state(), SubState::start);
  ASSERT_TRUE(manager().enqueue(JobType::start, "basic.target").queued());
  ready("web");
  EXPECT_EQ(service("web").sub_state(), SubState::running);
  std::vector<std::string> expected{"bare.service:running", "sysinit.target:active", "web.service:start",
                                    "basic.target:active", "web.service:running"};
  EXPECT_EQ(observer_.states, expected);

  // The snapshots list them as systemctl show does.
  ServiceStatus status = manager().status(service("web"));
  EXPECT_EQ(status.requires_, std::vector<std::string>{"sysinit.target"});
  EXPECT_EQ(status.after, (std::vector<std::string>{"basic.target", "sysinit.target"}));
  EXPECT_EQ(status.before, std::vector<std::string>{"shutdown.target"});
  EXPECT_EQ(status.conflicts, std::vector<std::string>{"shutdown.target"});
  EXPECT_TRUE(status.default_dependencies);
  EXPECT_FALSE(manager().status(service("bare")).default_dependencies);
  EXPECT_TRUE(manager().status(service("bare")).after.empty());
}

// As systemd 252 (a user manager without basic.target refuses to start
// services that have DefaultDependencies=yes; DefaultDependencies=no ones
// start): a required unit that does not load refuses the start, implicit
// or not. vermiliond provides the special targets built in so that this
// does not happen (units/target_unit.h).
TEST_F(ManagerTest, AMissingImplicitRequirementRefusesTheStart) {
  source_.add(make_config("web.service")).default_dependencies = true;
  source_.add(make_config("bare.service"));
  EnqueueResult refused = manager().enqueue(JobType::start, "web");
  EXPECT_EQ(refused.outcome, EnqueueOutcome::not_found);
  EXPECT_EQ(refused.unit, "sysinit.target");
  EXPECT_EQ(service("web").active_state(), ActiveState::inactive);
  EXPECT_EQ(start("bare"), JobResult::done);
}

// Conflicts=shutdown.target: starting shutdown.target stops what has
// DefaultDependencies=yes, and leaves the rest.
TEST_F(ManagerTest, StartingShutdownTargetStopsUnitsWithDefaultDependencies) {
  add_special_targets();
  source_.add(make_config("web.service")).default_dependencies = true;
  source_.add(make_config("bare.service"));
  EXPECT_EQ(start("web"), JobResult::done);
  EXPECT_EQ(start("bare"), JobResult::done);
  pid_t web = service("web").main_pid();
  ASSERT_TRUE(manager().enqueue(JobType::start, "shutdown.target").queued());
  EXPECT_TRUE(ops_.was_signalled(web, SIGTERM));
  EXPECT_EQ(service("shutdown.target").active_state(), ActiveState::inactive) << "ordered after web's stop";
  exit_main("web", CLD_KILLED, SIGTERM);
  EXPECT_EQ(service("web").sub_state(), SubState::dead);
  EXPECT_EQ(service("shutdown.target").active_state(), ActiveState::active);
  EXPECT_EQ(service("bare").sub_state(), SubState::running);
  EXPECT_EQ(service("sysinit.target").active_state(), ActiveState::inactive)
      << "a target with DefaultDependencies=yes conflicts too";
}

// A unit whose name becomes another's alias on reload (systemctl
// set-default relinks default.target): the old unit is still stopped by a
// stop of everything, which then ends, and it is gone once down.
TEST_F(ManagerTest, AUnitThatBecomesAnAliasStillStopsAndGoes) {
  source_.add(make_target("default.target"));
  source_.add(make_target("graphical.target"));
  manager().start_boot_units();
  ASSERT_EQ(service("default.target").sub_state(), SubState::active);
  source_.configs.erase("default.target");
  source_.configs["graphical.target"].aliases = {"default.target"};
  source_.links["default.target"] = "graphical.target";
  Diagnostics diags;
  manager().reload_units(diags);
  EXPECT_EQ(manager().find("default.target")->name(), "graphical.target");
  bool stopped = false;
  manager().stop_all([&] { stopped = true; });
  manager().process_queues();
  EXPECT_TRUE(stopped) << "the old default.target stopped too";
  manager().reload_units(diags);
  for (const Service* s : manager().services()) EXPECT_NE(s->name(), "default.target");
}

// daemon-reload starts nothing (systemd): a unit a running target now
// wants waits for the next start of that target.
TEST_F(ManagerTest, ReloadDoesNotStartNewlyWantedUnits) {
  source_.add(make_config("a.service"));
  source_.add(make_target("default.target"));
  manager().start_boot_units();
  ASSERT_EQ(service("default.target").sub_state(), SubState::active);
  source_.configs["default.target"].wants = {"a.service"};
  Diagnostics diags;
  manager().reload_units(diags);
  manager().process_queues();
  EXPECT_EQ(service("a").sub_state(), SubState::dead);
  EXPECT_EQ(start("default.target"), JobResult::done);
  EXPECT_EQ(service("a").sub_state(), SubState::running);
}

TEST_F(ManagerTest, ReloadAddsRemovesAndReplaces) {
  source_.add(make_config("keep.service"));
  source_.add(make_config("gone.service"));
  source_.add(make_config("busy.service"));
  EXPECT_EQ(start("busy"), JobResult::done);
  source_.configs.erase("gone.service");
  source_.configs.erase("busy.service");
  source_.add(make_config("new.service"));
  source_.configs["keep.service"].description = "changed";
  Diagnostics diags;
  manager().reload_units(diags);
  EXPECT_EQ(manager().find("gone"), nullptr);
  ASSERT_NE(manager().find("busy"), nullptr) << "a running unit stays until it stops";
  ASSERT_NE(manager().find("new"), nullptr);
  EXPECT_EQ(service("keep").config().description, "changed");
  ASSERT_TRUE(manager().enqueue(JobType::stop, "busy").queued());
  exit_main("busy.service", CLD_KILLED, SIGTERM);
  EXPECT_EQ(manager().find("busy"), nullptr);
}

TEST_F(ManagerTest, TimersDriveRestartsThroughTheManager) {
  ServiceConfig& c = source_.add(make_config("crashy.service"));
  c.restart = RestartPolicy::on_failure;
  c.restart_sec = kUsecPerSec;
  ServiceConfig& w = source_.add(make_config("watcher.service"));
  w.binds_to = {"crashy.service"};
  EXPECT_EQ(start("watcher"), JobResult::done);
  exit_main("crashy.service", CLD_EXITED, 1);
  EXPECT_EQ(service("crashy").sub_state(), SubState::auto_restart);
  EXPECT_EQ(service("watcher").sub_state(), SubState::running)
      << "a unit going down only to restart takes nobody with it";
  port_.advance(kUsecPerSec);
  EXPECT_EQ(service("crashy").sub_state(), SubState::running);
  EXPECT_EQ(service("crashy").n_restarts(), 1u);
}

// A change is reported after its event, with the service as it was when it
// changed: a crash that goes down and schedules its restart in one event
// is two changes, each with its own values, not the last state twice.
// (Nothing is left to signal, so the stop steps pass without a state of
// their own, as in systemd's service_enter_signal().)
TEST_F(ManagerTest, EachChangeCarriesTheServiceAsItWasThen) {
  ServiceConfig& c = source_.add(make_config("crashy.service"));
  c.restart = RestartPolicy::always;
  c.restart_sec = kUsecPerSec;
  EXPECT_EQ(start("crashy"), JobResult::done);
  const pid_t first_pid = service("crashy").main_pid();
  port_.advance(5 * kUsecPerSec);
  observer_.states.clear();
  observer_.snapshots.clear();
  exit_main("crashy.service", CLD_EXITED, 1);
  ASSERT_EQ(observer_.states, (std::vector<std::string>{"crashy.service:failed", "crashy.service:auto-restart"}));
  const auto& shots = observer_.snapshots;
  ASSERT_EQ(shots.size(), 2u);
  EXPECT_EQ(shots[0].active_state, "failed");
  EXPECT_EQ(shots[0].inactive_enter_timestamp, port_.now_realtime()) << "down from the first";
  EXPECT_EQ(shots[1].active_state, "activating");
  for (const ServiceStatus& shot : shots) {
    EXPECT_EQ(shot.result, "exit-code");
    EXPECT_EQ(shot.exec_main_status, 1);
    EXPECT_EQ(shot.main_pid, 0u);
    EXPECT_EQ(shot.n_restarts, 0u);
  }

  port_.advance(kUsecPerSec);
  ASSERT_EQ(observer_.snapshots.size(), 3u);
  const ServiceStatus& running = observer_.snapshots[2];
  EXPECT_EQ(running.sub_state, "running");
  EXPECT_EQ(running.n_restarts, 1u);
  EXPECT_NE(running.main_pid, 0u);
  EXPECT_NE(running.main_pid, static_cast<std::uint32_t>(first_pid));
  EXPECT_EQ(running.result, "success");
  EXPECT_EQ(shots[1].n_restarts, 0u) << "earlier snapshots keep their values";
}

// STATUS= reaches the observer with the service as it was when it said it,
// in order with the state changes.
TEST_F(ManagerTest, StatusTextIsReportedInOrderWithTheStateChanges) {
  source_.add(make_config("n.service", ServiceType::notify));
  ASSERT_TRUE(manager().enqueue(JobType::start, "n").queued());
  observer_.states.clear();
  observer_.snapshots.clear();
  NotifyMessage warming;
  warming.status = "warming the cache";
  manager().on_notify(service("n").main_pid(), warming);
  NotifyMessage ready;
  ready.ready = true;
  ready.status = "ready";
  manager().on_notify(service("n").main_pid(), ready);
  EXPECT_EQ(observer_.states, (std::vector<std::string>{"n.service says \"warming the cache\"",
                                                        "n.service says \"ready\"", "n.service:running"}));
  ASSERT_EQ(observer_.snapshots.size(), 3u);
  EXPECT_EQ(observer_.snapshots[0].status_text, "warming the cache");
  EXPECT_EQ(observer_.snapshots[1].sub_state, "start") << "said before READY=1 took effect";
  EXPECT_EQ(observer_.snapshots[2].status_text, "ready");
  EXPECT_EQ(observer_.snapshots[2].active_state, "active");
}

// Whoever waits for a job hears of its end only after the observer has
// heard every state change so far, those that ended the job included: the
// link relays both, and a client that watches must see the final state
// before the reply. These jobs end in the same step that changes the state.
class JobOrderTest : public ManagerTest {
 protected:
  // Enqueues and records the callback in the observer's list of states.
  void enqueue_recorded(JobType type, const std::string& name) {
    ASSERT_TRUE(manager()
                    .enqueue(type, name,
                             [this](JobResult r) { observer_.states.push_back("done:" + std::string(to_string(r))); })
                    .queued());
  }
  void crash_into_auto_restart(const std::string& name) {
    EXPECT_EQ(start(name), JobResult::done);
    exit_main(name, CLD_EXITED, 1);
    ASSERT_EQ(service(name).sub_state(), SubState::auto_restart);
    observer_.states.clear();
  }
};

TEST_F(JobOrderTest, StopDuringAutoRestartRepliesAfterTheStateChange) {
  ServiceConfig& c = source_.add(make_config("crashy.service"));
  c.restart = RestartPolicy::always;
  c.restart_sec = kUsecPerSec;
  crash_into_auto_restart("crashy.service");
  enqueue_recorded(JobType::stop, "crashy");
  EXPECT_EQ(observer_.states, (std::vector<std::string>{"crashy.service:dead", "done:done"}));
}

TEST_F(JobOrderTest, StartRefusedByTheStartLimitRepliesAfterTheStateChange) {
  ServiceConfig& c = source_.add(make_config("crashy.service"));
  c.restart = RestartPolicy::always;
  c.restart_sec = kUsecPerSec;
  c.start_limit_burst = 1;
  crash_into_auto_restart("crashy.service");
  enqueue_recorded(JobType::start, "crashy");
  EXPECT_EQ(observer_.states, (std::vector<std::string>{"crashy.service:failed", "done:failed"}));
}

TEST_F(JobOrderTest, StartRepliesAfterEveryStateChangeOfTheStart) {
  source_.add(make_config("web.service", ServiceType::notify));
  enqueue_recorded(JobType::start, "web");
  ready("web.service");
  EXPECT_EQ(observer_.states, (std::vector<std::string>{"web.service:start", "web.service:running", "done:done"}));
}

// A notification from a process that is no main or control process costs
// one question to the scopes together, however many services there are:
// no scope is asked one by one (that read /proc once per service).
TEST_F(ManagerTest, ANotifySenderIsFoundWithOneLookupWhateverTheNumberOfServices) {
  for (int i = 0; i < 50; ++i) source_.add(make_config("s" + std::to_string(i) + ".service"));
  ServiceConfig& n = source_.add(make_config("n.service", ServiceType::notify));
  n.notify_access = NotifyAccess::all;
  manager();
  for (int i = 0; i < 50; ++i) start("s" + std::to_string(i));
  ASSERT_TRUE(manager().enqueue(JobType::start, "n").queued());
  pid_t helper = ops_.add_process("n.service");
  ops_.contains_calls = 0;

  NotifyMessage ready;
  ready.ready = true;
  for (int i = 0; i < 1000; ++i) manager().on_notify(99999, ready);  // nobody's
  EXPECT_EQ(ops_.scope_owner_calls, 1000);
  manager().on_notify(helper, ready);
  EXPECT_EQ(ops_.scope_owner_calls, 1001);
  EXPECT_EQ(service("n").sub_state(), SubState::running) << "NotifyAccess=all: a helper in the scope may";
  EXPECT_EQ(ops_.contains_calls, 0) << "no scope was asked one by one";
}

TEST_F(ManagerTest, NotifyAccessMainStillRefusesAnotherProcessOfTheService) {
  source_.add(make_config("n.service", ServiceType::notify));
  ASSERT_TRUE(manager().enqueue(JobType::start, "n").queued());
  pid_t helper = ops_.add_process("n.service");
  NotifyMessage ready;
  ready.ready = true;
  manager().on_notify(helper, ready);
  EXPECT_EQ(service("n").sub_state(), SubState::start);
  manager().on_notify(service("n").main_pid(), ready);
  EXPECT_EQ(service("n").sub_state(), SubState::running);
}

TEST_F(ManagerTest, AProcessOfAStoppedServiceIsNobodysSender) {
  ServiceConfig& n = source_.add(make_config("n.service", ServiceType::notify));
  n.notify_access = NotifyAccess::all;
  manager();
  pid_t stray = ops_.add_process("n.service");  // left over, the service is dead
  NotifyMessage status;
  status.status = "hello";
  manager().on_notify(stray, status);
  EXPECT_EQ(service("n").status_text(), "");
  ASSERT_EQ(observer_.messages.size(), 1u);
  EXPECT_NE(observer_.messages[0].find("belongs to no service"), std::string::npos);
}

// A flood from a stranger writes at most a burst of lines per interval, then
// one line with how many it left out.
TEST_F(ManagerTest, WarningsAboutStrangersAreRateLimited) {
  manager();
  NotifyMessage ready;
  ready.ready = true;
  for (int i = 0; i < 10000; ++i) manager().on_notify(50000 + i % 100, ready);
  EXPECT_EQ(observer_.messages.size(), Manager::kUnknownSenderLogBurst);
  EXPECT_EQ(observer_.messages[0], "notification from PID 50000, which belongs to no service, ignored");

  port_.advance(Manager::kUnknownSenderLogInterval - 1);
  manager().on_notify(42, ready);
  EXPECT_EQ(observer_.messages.size(), Manager::kUnknownSenderLogBurst) << "still the same interval";

  port_.advance(1);
  observer_.messages.clear();
  manager().on_notify(43, ready);
  ASSERT_EQ(observer_.messages.size(), 2u);
  EXPECT_EQ(observer_.messages[0],
            std::to_string(10000 - Manager::kUnknownSenderLogBurst + 1) +
                " notifications from processes that belong to no service were not logged (rate limit)");
  EXPECT_EQ(observer_.messages[1], "notification from PID 43, which belongs to no service, ignored");

  // BARRIER=1 alone asks nothing and is never logged (nor looked up).
  NotifyMessage barrier;
  barrier.barrier = true;
  int lookups = ops_.scope_owner_calls;
  manager().on_notify(44, barrier);
  EXPECT_EQ(ops_.scope_owner_calls, lookups);
  EXPECT_EQ(observer_.messages.size(), 2u);
}

// The bridge's reports of bus name owners reach the unit watching each
// name: changes one by one, or a complete list in which a name that is
// missing has no owner; a second unit with a name already watched does not
// load (systemd 252's unit_watch_bus_name(): "Two services allocated for
// the same bus name").
TEST_F(ManagerTest, BusNameOwnersReachTheServiceThatWatchesEach) {
  ServiceConfig& d = source_.add(make_config("d.service", ServiceType::dbus));
  d.bus_name.mut() = "org.example.D";
  ServiceConfig& twin = source_.add(make_config("twin.service", ServiceType::dbus));
  twin.bus_name.mut() = "org.example.D";
  manager().on_bus_name_owners({{"org.example.Other", ":1.1"}}, false);
  EXPECT_EQ(service("twin.service").config().load_state, LoadState::error);
  EXPECT_NE(std::find(observer_.messages.begin(), observer_.messages.end(),
                      "twin.service: Two services allocated for the same bus name org.example.D, refusing operation."),
            observer_.messages.end());
  EXPECT_FALSE(manager().enqueue(JobType::start, "twin.service").queued());

  std::optional<JobResult> result;
  ASSERT_TRUE(manager().enqueue(JobType::start, "d.service", [&](JobResult j) { result = j; }).queued());
  EXPECT_EQ(service("d.service").sub_state(), SubState::start);
  manager().on_bus_name_owners({{"org.example.D", ":1.7"}}, false);
  EXPECT_EQ(service("d.service").sub_state(), SubState::running);
  EXPECT_EQ(result, JobResult::done) << "the start job ends once the name is there";
  manager().on_bus_name_owners({{"org.example.D", ":1.7"}, {"org.example.Other", ":1.1"}}, true);
  EXPECT_EQ(service("d.service").sub_state(), SubState::running) << "no change, nothing done";
  manager().on_bus_name_owners({{"org.example.Other", ":1.1"}}, true);
  EXPECT_EQ(service("d.service").sub_state(), SubState::stop_sigterm) << "missing from a complete list: gone";
}

// Any other owner is news: a restarted service whose old process's exit was
// not reported before its new one took the name (the bridge was down, or
// both came in one report) still becomes active; a loss and a return in one
// report are both acted on.
TEST_F(ManagerTest, AnotherOwnerOfTheNameIsAChange) {
  ServiceConfig& d = source_.add(make_config("d.service", ServiceType::dbus));
  d.bus_name.mut() = "org.example.D";
  ASSERT_TRUE(manager().enqueue(JobType::start, "d.service").queued());
  manager().on_bus_name_owners({{"org.example.D", ":1.7"}}, false);
  ASSERT_EQ(service("d.service").sub_state(), SubState::running);
  ASSERT_TRUE(manager().enqueue(JobType::restart, "d.service").queued());
  exit_main("d.service", CLD_KILLED, SIGTERM);
  ASSERT_EQ(service("d.service").sub_state(), SubState::start);
  manager().on_bus_name_owners({{"org.example.D", ":1.9"}}, true);
  EXPECT_EQ(service("d.service").sub_state(), SubState::running) << "a new owner, not the old one";
  manager().on_bus_name_owners({{"org.example.D", ""}, {"org.example.D", ":1.12"}}, false);
  EXPECT_EQ(service("d.service").sub_state(), SubState::stop_sigterm) << "the name was gone for a moment";
}

// The unit that watched a name first keeps it: a unit added later with the
// same BusName= does not load, whatever the names sort as.
TEST_F(ManagerTest, TheFirstUnitWithABusNameKeepsIt) {
  ServiceConfig& z = source_.add(make_config("z.service", ServiceType::dbus));
  z.bus_name.mut() = "org.example.Z";
  ASSERT_TRUE(manager().enqueue(JobType::start, "z.service").queued());
  ServiceConfig& a = source_.add(make_config("a.service", ServiceType::dbus));
  a.bus_name.mut() = "org.example.Z";
  Diagnostics diags;
  manager().reload_units(diags);
  EXPECT_EQ(service("a.service").config().load_state, LoadState::error);
  EXPECT_EQ(service("z.service").config().load_state, LoadState::loaded);
  manager().on_bus_name_owners({{"org.example.Z", ":1.3"}}, false);
  EXPECT_EQ(service("z.service").sub_state(), SubState::running);
}

// RemoveIPC= (systemd's manager_unref_uid()): the user's and group's IPC
// objects go when the last run as them ends, if any of those runs' units
// had RemoveIPC=; a unit without it holds the cleanup back while it runs.
TEST_F(ManagerTest, RemoveIPCCleansWhenTheLastRunAsTheUserEnds) {
  ServiceConfig& a = source_.add(make_config("a.service", ServiceType::simple));
  a.user = "redis";
  a.remove_ipc = true;
  ServiceConfig& b = source_.add(make_config("b.service", ServiceType::simple));
  b.user = "redis";
  ServiceConfig& c = source_.add(make_config("c.service", ServiceType::simple));
  c.group = "audio";
  c.remove_ipc = true;
  ServiceConfig& root = source_.add(make_config("d.service", ServiceType::simple));
  root.remove_ipc = true;  // no User=, no Group=: the manager's own identity, nothing to clean
  EXPECT_EQ(start("a.service"), JobResult::done);
  EXPECT_EQ(start("b.service"), JobResult::done);
  EXPECT_EQ(start("c.service"), JobResult::done);
  EXPECT_EQ(start("d.service"), JobResult::done);
  exit_main("a.service", CLD_EXITED, 0);
  EXPECT_TRUE(ops_.cleaned_ipc.empty()) << "b.service still runs as redis";
  exit_main("d.service", CLD_EXITED, 0);
  EXPECT_TRUE(ops_.cleaned_ipc.empty());
  exit_main("b.service", CLD_EXITED, 0);
  ASSERT_EQ(ops_.cleaned_ipc.size(), 1u);
  EXPECT_EQ(ops_.cleaned_ipc[0].user, "redis");  // User= and its primary group
  EXPECT_EQ(ops_.cleaned_ipc[0].group, "redis");
  EXPECT_TRUE(ops_.cleaned_ipc[0].group_of_user);
  EXPECT_EQ(ops_.cleaned_ipc[0].groups_in_use, std::vector<std::string>{"audio"});  // c.service still runs
  exit_main("c.service", CLD_EXITED, 0);
  ASSERT_EQ(ops_.cleaned_ipc.size(), 2u);
  EXPECT_EQ(ops_.cleaned_ipc[1], (IpcOwner{.group = "audio", .made_before = ops_.cleaned_ipc[1].made_before}));
  // The flag goes with the last reference: a later run without RemoveIPC=
  // cleans nothing.
  EXPECT_EQ(start("b.service"), JobResult::done);
  exit_main("b.service", CLD_EXITED, 0);
  EXPECT_EQ(ops_.cleaned_ipc.size(), 2u);
}

// Each run counts once, also across an automatic restart (service_enter_dead()
// drops it before the restart, the next run takes it again).
TEST_F(ManagerTest, RemoveIPCCleansBeforeEachAutomaticRestart) {
  ServiceConfig& a = source_.add(make_config("a.service", ServiceType::simple));
  a.user = "redis";
  a.group = "redis";
  a.remove_ipc = true;
  a.restart = RestartPolicy::always;
  EXPECT_EQ(start("a.service"), JobResult::done);
  exit_main("a.service", CLD_EXITED, 1);
  ASSERT_EQ(ops_.cleaned_ipc.size(), 1u);
  EXPECT_EQ(ops_.cleaned_ipc[0].user, "redis");
  EXPECT_EQ(ops_.cleaned_ipc[0].group, "redis");
  EXPECT_FALSE(ops_.cleaned_ipc[0].group_of_user);
  EXPECT_EQ(ops_.cleaned_ipc[0].made_before, static_cast<std::int64_t>(port_.now_realtime() / kUsecPerSec));
}

// A start that fails before any process of it runs holds no count, so its
// end cleans nothing (systemd counts from the child's user lookup).
TEST_F(ManagerTest, RemoveIPCCountsARunFromItsFirstProcess) {
  ServiceConfig& a = source_.add(make_config("a.service", ServiceType::simple));
  a.user = "redis";
  a.remove_ipc = true;
  ops_.fail_spawns = true;
  EXPECT_EQ(start("a.service"), JobResult::failed);
  EXPECT_TRUE(ops_.cleaned_ipc.empty());
}

}  // namespace
}  // namespace vermilion
