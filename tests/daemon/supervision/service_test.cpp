#include "supervision/service.h"

#include <gtest/gtest.h>

#include "fake_system.h"

namespace vermilion {
namespace {

using testing::FakeEventPort;
using testing::FakeSystemOps;
using testing::make_command;
using testing::make_config;

UnitCondition path_exists(std::string path, bool trigger, bool negate) {
  return {ConditionType::path_exists, std::move(path), trigger, negate};
}

struct Transition {
  std::string service;
  SubState from, to;
};

class RecordingListener : public ServiceListener {
 public:
  void on_state_changed(Service& s, ActiveState, SubState old_sub) noexcept override {
    transitions.push_back({s.name(), old_sub, s.sub_state()});
  }
  // Recorded with the state it came in, as "text (pid P) while SUB".
  void on_properties_changed(Service& s) noexcept override {
    properties.push_back(s.status_text() + " (pid " + std::to_string(s.main_pid()) + ") while " +
                         std::string(to_string(s.sub_state())));
  }
  void on_pid_attached(Service&, pid_t) noexcept override {}
  void on_pid_detached(Service&, pid_t) noexcept override {}
  void on_service_message(Service&, std::string_view m) noexcept override {
    messages.emplace_back(m);
  }
  void on_run_begins(Service& s, const ServiceConfig& config) noexcept override {
    runs.push_back(s.name() + " " + config.description);
  }
  std::vector<std::string> runs;  // "name description" of each run's configuration
  std::vector<Transition> transitions;
  std::vector<std::string> properties;
  std::vector<std::string> messages;
};

class ServiceTest : public ::testing::Test {
 protected:
  Service& make(ServiceConfig config) {
    service_ = std::make_unique<Service>(std::make_shared<ServiceConfig>(std::move(config)),
                                         ServiceEnvironment{ops_, port_, listener_, "/run/notify", false},
                                         -1);
    return *service_;
  }
  // The process ends as the kernel would report it.
  void exit_process(pid_t pid, int code, int status) {
    ops_.live.erase(pid);
    EXPECT_TRUE(service_->on_process_exited(pid, {code, status}));
    service_->on_scope_maybe_empty();
  }
  void exit_main(int status = 0) { exit_process(service_->main_pid(), CLD_EXITED, status); }
  // A process of the service that is neither main nor control ends.
  void end_other(pid_t pid) {
    ops_.live.erase(pid);
    EXPECT_FALSE(service_->on_process_exited(pid, {CLD_EXITED, 0}));
    service_->on_scope_maybe_empty();
  }
  void kill_main(int sig) { exit_process(service_->main_pid(), CLD_KILLED, sig); }
  void exit_control(int status = 0) { exit_process(service_->control_pid(), CLD_EXITED, status); }

  FakeSystemOps ops_;
  FakeEventPort port_;
  RecordingListener listener_;
  std::unique_ptr<Service> service_;
};

TEST_F(ServiceTest, SimpleServiceRunsAtFork) {
  Service& s = make(make_config("web.service"));
  EXPECT_EQ(s.active_state(), ActiveState::inactive);
  ASSERT_EQ(s.start(), StartOutcome::started);
  EXPECT_EQ(s.active_state(), ActiveState::active);
  EXPECT_EQ(s.sub_state(), SubState::running);
  EXPECT_GT(s.main_pid(), 0);
  EXPECT_GT(s.active_enter_timestamp(), 0u);
  EXPECT_EQ(s.start(), StartOutcome::already_active);
}

// As systemd logs it: the exit status of a failure between fork and exec
// carries its name.
TEST_F(ServiceTest, ExitMessagesNameSystemdsExitStatuses) {
  make(make_config("web.service"));
  ASSERT_EQ(service_->start(), StartOutcome::started);
  exit_main(203);
  ASSERT_FALSE(listener_.messages.empty());
  EXPECT_EQ(listener_.messages.front(), "main process exited, code=exited, status=203/EXEC, result exit-code");
  listener_.messages.clear();
  ASSERT_EQ(service_->start(), StartOutcome::started);
  exit_main(3);
  ASSERT_FALSE(listener_.messages.empty());
  EXPECT_EQ(listener_.messages.front(), "main process exited, code=exited, status=3, result exit-code")
      << "a status that is none of systemd's has no name";
}

TEST_F(ServiceTest, StopSendsKillSignalToTheWholeServiceThenGoesDead) {
  Service& s = make(make_config("web.service"));
  ASSERT_EQ(s.start(), StartOutcome::started);
  pid_t main = s.main_pid();
  ASSERT_EQ(s.stop(), StopOutcome::stopping);
  EXPECT_EQ(s.sub_state(), SubState::stop_sigterm);
  EXPECT_EQ(s.active_state(), ActiveState::deactivating);
  EXPECT_TRUE(ops_.was_signalled(main, SIGTERM));
  EXPECT_TRUE(ops_.scope_was_signalled("web.service", SIGTERM));
  kill_main(SIGTERM);
  EXPECT_EQ(s.sub_state(), SubState::dead);
  EXPECT_EQ(s.result(), ServiceResult::success);
  EXPECT_EQ(s.stop(), StopOutcome::already_inactive);
}

// systemd's order: stop-sigterm ends with the main process (ExecStopPost=
// may run while a child still exits), final-sigterm signals what is left
// again and waits for all of it.
TEST_F(ServiceTest, StopWaitsForLeftoverProcessesOfTheService) {
  Service& s = make(make_config("web.service"));
  ASSERT_EQ(s.start(), StartOutcome::started);
  pid_t child = ops_.add_process("web.service");
  ASSERT_EQ(s.stop(), StopOutcome::stopping);
  kill_main(SIGTERM);
  EXPECT_EQ(s.sub_state(), SubState::final_sigterm) << "a child of the service is still alive";
  EXPECT_EQ(s.active_state(), ActiveState::deactivating);
  ops_.live.erase(child);
  s.on_scope_maybe_empty();
  EXPECT_EQ(s.sub_state(), SubState::dead);
  EXPECT_EQ(s.result(), ServiceResult::success);
}

TEST_F(ServiceTest, StopTimeoutEscalatesToSigkill) {
  ServiceConfig c = make_config("stubborn.service");
  c.timeout_stop = 5 * kUsecPerSec;
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  pid_t main = s.main_pid();
  ASSERT_EQ(s.stop(), StopOutcome::stopping);
  port_.advance(5 * kUsecPerSec);
  EXPECT_EQ(s.sub_state(), SubState::stop_sigkill);
  EXPECT_TRUE(ops_.was_signalled(main, SIGKILL));
  EXPECT_TRUE(ops_.scope_was_signalled("stubborn.service", SIGKILL));
  kill_main(SIGKILL);
  EXPECT_EQ(s.sub_state(), SubState::failed);
  EXPECT_EQ(s.result(), ServiceResult::timeout);
}

TEST_F(ServiceTest, SendSigkillNoSkipsTheKill) {
  ServiceConfig c = make_config("gentle.service");
  c.timeout_stop = kUsecPerSec;
  c.send_sigkill = false;
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  pid_t main = s.main_pid();
  ASSERT_EQ(s.stop(), StopOutcome::stopping);
  port_.advance(10 * kUsecPerSec);
  EXPECT_FALSE(ops_.was_signalled(main, SIGKILL));
  EXPECT_EQ(s.active_state(), ActiveState::failed);
}

TEST_F(ServiceTest, CrashRestartsAfterRestartSec) {
  ServiceConfig c = make_config("crashy.service");
  c.restart = RestartPolicy::on_failure;
  c.restart_sec = 2 * kUsecPerSec;
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  pid_t first = s.main_pid();
  exit_main(1);
  EXPECT_EQ(s.sub_state(), SubState::auto_restart);
  EXPECT_EQ(s.active_state(), ActiveState::activating);
  EXPECT_EQ(s.exec_main_status().status, 1);
  port_.advance(kUsecPerSec);
  EXPECT_EQ(s.sub_state(), SubState::auto_restart) << "RestartSec not yet over";
  port_.advance(kUsecPerSec);
  EXPECT_EQ(s.sub_state(), SubState::running);
  EXPECT_NE(s.main_pid(), first);
  EXPECT_EQ(s.n_restarts(), 1u);
  EXPECT_EQ(s.result(), ServiceResult::success);
}

TEST_F(ServiceTest, CrashLoopEndsInStartLimitHit) {
  ServiceConfig c = make_config("loop.service");
  c.restart = RestartPolicy::always;
  c.restart_sec = 100'000;
  c.start_limit_burst = 3;
  c.start_limit_interval = 10 * kUsecPerSec;
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(s.sub_state(), SubState::running) << "attempt " << i;
    exit_main(1);
    port_.advance(100'000);
  }
  EXPECT_EQ(s.sub_state(), SubState::failed);
  EXPECT_EQ(s.result(), ServiceResult::exit_code) << "the crash's result stays, as in systemd 252";
  EXPECT_EQ(port_.next_deadline(), kUsecInfinity) << "no further attempt scheduled";
  EXPECT_EQ(s.start(), StartOutcome::start_limit_hit);
  port_.advance(10 * kUsecPerSec);
  EXPECT_EQ(s.start(), StartOutcome::started) << "the interval has passed";
}

// The start limit is systemd 252's ratelimit_below(): a window of
// StartLimitIntervalSec= opens at a start and counts StartLimitBurst=
// starts; the first start after it closed opens a new one. (A sliding
// window, counting the starts of the last interval, refuses the fifth.)
TEST_F(ServiceTest, StartLimitCountsInWindowsThatOpenAtAStart) {
  ServiceConfig c = make_config("window.service");
  c.start_limit_burst = 3;
  c.start_limit_interval = 10 * kUsecPerSec;
  Service& s = make(c);
  for (usec_t step : std::initializer_list<usec_t>{0, 5 * kUsecPerSec, kUsecPerSec, 4 * kUsecPerSec + 500'000, 100'000, 100'000}) {
    port_.advance(step);
    ASSERT_EQ(s.start(), StartOutcome::started) << "at +" << step << " us";
    exit_main(0);
    ASSERT_EQ(s.sub_state(), SubState::dead);
  }
  port_.advance(100'000);
  EXPECT_EQ(s.start(), StartOutcome::start_limit_hit) << "the fourth start of the second window";
}

// systemctl reset-failed (systemd's unit_reset_failed()): failed becomes
// dead, the result and restart count start afresh, and so does the start
// limit, so a start is allowed at once.
TEST_F(ServiceTest, ResetFailedClearsTheFailureAndTheStartLimit) {
  ServiceConfig c = make_config("loop.service");
  c.restart = RestartPolicy::always;
  c.restart_sec = 100'000;
  c.start_limit_burst = 2;
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  for (int i = 0; i < 2; ++i) {
    exit_main(1);
    port_.advance(100'000);
  }
  ASSERT_EQ(s.sub_state(), SubState::failed);
  ASSERT_EQ(s.start(), StartOutcome::start_limit_hit);
  listener_.transitions.clear();
  s.reset_failed();
  EXPECT_EQ(s.sub_state(), SubState::dead);
  EXPECT_EQ(s.result(), ServiceResult::success);
  EXPECT_EQ(s.n_restarts(), 0u);
  ASSERT_EQ(listener_.transitions.size(), 1u) << "the listener hears of it";
  EXPECT_EQ(s.start(), StartOutcome::started);
  s.reset_failed();  // not failed: it stays as it is
  EXPECT_EQ(s.sub_state(), SubState::running);
}

// What systemctl status shows of the main process and the state's edges:
// ExecMainPID and its start and exit times outlive the process;
// ActiveExitTimestamp is when it left active.
TEST_F(ServiceTest, ExecMainAndExitTimestampsOutliveTheProcess) {
  Service& s = make(make_config("web.service"));
  ASSERT_EQ(s.start(), StartOutcome::started);
  pid_t main = s.main_pid();
  EXPECT_EQ(s.exec_main_pid(), main);
  EXPECT_GT(s.exec_main_start_timestamp(), 0u);
  EXPECT_EQ(s.exec_main_exit_timestamp(), 0u);
  EXPECT_GT(s.inactive_exit_timestamp(), 0u);
  EXPECT_EQ(s.active_exit_timestamp(), 0u);
  port_.advance(kUsecPerSec);
  exit_main(3);
  EXPECT_EQ(s.main_pid(), 0);
  EXPECT_EQ(s.exec_main_pid(), main);
  EXPECT_EQ(s.exec_main_status().code, CLD_EXITED);
  EXPECT_GT(s.exec_main_exit_timestamp(), s.exec_main_start_timestamp());
  EXPECT_GT(s.active_exit_timestamp(), 0u);
}

// systemd 252: the counters are read from the cgroup while there is one;
// after it is gone CPUUsageNSec keeps the last value read before
// (unit_prune_cgroup()), until the next start resets it.
TEST_F(ServiceTest, CountersAreLiveThenTheLastCpuTimeUntilTheNextStart) {
  Service& s = make(make_config("web.service"));
  EXPECT_EQ(s.resource_usage().cpu_usage_nsec, ResourceUsage::kUnknown) << "never ran";
  ASSERT_EQ(s.start(), StartOutcome::started);
  ops_.usage["web.service"] = ResourceUsage{4096, 2, 5'000'000};
  EXPECT_EQ(s.resource_usage().memory_current_bytes, 4096u);
  EXPECT_EQ(s.resource_usage().tasks_current, 2u);
  EXPECT_EQ(s.resource_usage().cpu_usage_nsec, 5'000'000u);
  ops_.usage["web.service"] = ResourceUsage{4096, 1, 7'000'000};
  exit_main(0);
  ASSERT_EQ(s.active_state(), ActiveState::inactive);
  ops_.usage.erase("web.service");
  EXPECT_EQ(s.resource_usage().cpu_usage_nsec, 7'000'000u) << "read as the cgroup went";
  EXPECT_EQ(s.resource_usage().memory_current_bytes, ResourceUsage::kUnknown);
  EXPECT_EQ(s.resource_usage().tasks_current, ResourceUsage::kUnknown);
  ASSERT_EQ(s.start(), StartOutcome::started);
  EXPECT_EQ(s.resource_usage().cpu_usage_nsec, ResourceUsage::kUnknown) << "a new cgroup, nothing read yet";
}

// RemainAfterExit=: systemd prunes an empty cgroup on entering exited
// (service_set_state()), so only the CPU time is left to show.
TEST_F(ServiceTest, AnExitedServiceWithAnEmptyCgroupKeepsOnlyItsCpuTime) {
  ServiceConfig c = make_config("o.service", ServiceType::oneshot);
  c.remain_after_exit = true;
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  ops_.usage["o.service"] = ResourceUsage{8192, 0, 3'000'000};
  exit_main(0);
  ASSERT_EQ(s.sub_state(), SubState::exited);
  EXPECT_EQ(s.resource_usage().cpu_usage_nsec, 3'000'000u);
  EXPECT_EQ(s.resource_usage().memory_current_bytes, ResourceUsage::kUnknown);
  EXPECT_EQ(s.resource_usage().tasks_current, ResourceUsage::kUnknown);
}

// systemd's ExecStart, ExecStartPre, ... (what systemctl status's
// "Process:" lines come from): each command's PID, start and exit times and
// how it ended, kept after it ended, cleared by the next start, as
// exec_status_start()/exec_status_exit() and service_start() do.
TEST_F(ServiceTest, EachCommandKeepsItsLastRunUntilTheNextStart) {
  ServiceConfig c = make_config("web.service");
  c.exec_start_pre.push_back(make_command("/bin/pre"));
  c.exec_start_pre.push_back(make_command("/bin/pre2", true));
  c.exec_stop_post.push_back(make_command("/bin/post"));
  Service& s = make(c);
  using P = Service::Phase;
  auto list = [&](P phase) { return s.exec_command_statuses(phase); };
  ASSERT_EQ(list(P::start_pre).size(), 2u);
  EXPECT_EQ(list(P::start_pre)[0].pid, 0u) << "nothing ran yet";
  EXPECT_EQ(list(P::start_pre)[1].flags, std::vector<std::string>{"ignore-failure"});
  EXPECT_TRUE(list(P::start_pre)[1].ignore_failure());

  const usec_t t0 = port_.now_realtime();
  ASSERT_EQ(s.start(), StartOutcome::started);
  const pid_t pre = s.control_pid();
  EXPECT_EQ(list(P::start_pre)[0].pid, static_cast<std::uint32_t>(pre));
  EXPECT_EQ(list(P::start_pre)[0].start_realtime, t0);
  EXPECT_EQ(list(P::start_pre)[0].start_monotonic, port_.now_monotonic());
  EXPECT_EQ(list(P::start_pre)[0].code, 0) << "still running";
  port_.advance(kUsecPerSec);
  exit_control(0);
  const pid_t pre2 = s.control_pid();
  port_.advance(kUsecPerSec);
  exit_control(4);  // '-': ignored, yet recorded as it ended
  const pid_t main = s.main_pid();
  ASSERT_GT(main, 0);
  auto pres = list(P::start_pre);
  EXPECT_EQ(pres[0].exit_realtime, t0 + kUsecPerSec);
  EXPECT_EQ(pres[0].code, CLD_EXITED);
  EXPECT_EQ(pres[0].status, 0);
  EXPECT_EQ(pres[1].pid, static_cast<std::uint32_t>(pre2));
  EXPECT_EQ(pres[1].status, 4);
  EXPECT_EQ(pres[1].exit_realtime, t0 + 2 * kUsecPerSec);
  EXPECT_EQ(list(P::start)[0].pid, static_cast<std::uint32_t>(main));
  EXPECT_EQ(list(P::start)[0].exit_realtime, 0u);

  kill_main(SIGKILL);
  auto start = list(P::start);
  EXPECT_EQ(start[0].code, CLD_KILLED);
  EXPECT_EQ(start[0].status, SIGKILL);
  const pid_t post = s.control_pid();
  ASSERT_GT(post, 0);
  exit_control(0);
  EXPECT_EQ(list(P::stop_post)[0].pid, static_cast<std::uint32_t>(post));
  EXPECT_EQ(list(P::stop_post)[0].code, CLD_EXITED);
  EXPECT_EQ(s.sub_state(), SubState::failed);
  EXPECT_EQ(list(P::start_pre)[0].pid, static_cast<std::uint32_t>(pre)) << "kept after the run ended";

  ASSERT_EQ(s.start(), StartOutcome::started);
  EXPECT_NE(list(P::start_pre)[0].pid, static_cast<std::uint32_t>(pre));
  EXPECT_EQ(list(P::start_pre)[1].pid, 0u) << "the new start cleared it";
  EXPECT_EQ(list(P::stop_post)[0].pid, 0u) << "the new start cleared it";
}

// A reload forgets each command's last run (systemd makes the commands
// afresh): the lists are the new file's, without runs, whether the unit runs
// or is down, and even when a list keeps its length.
TEST_F(ServiceTest, AReloadForgetsTheCommandsRuns) {
  for (const bool down : {false, true}) {
    SCOPED_TRACE(down ? "down" : "running");
    ServiceConfig c = make_config("web.service");
    c.exec_start_pre.push_back(make_command("/bin/pre"));
    Service& s = make(c);
    ASSERT_EQ(s.start(), StartOutcome::started);
    exit_control(0);
    if (down) kill_main(SIGKILL);
    ASSERT_GT(s.exec_command_statuses(Service::Phase::start_pre)[0].pid, 0u);
    ServiceConfig next = c;
    next.exec_start_pre = {make_command("/bin/pre-new")};
    s.replace_config(std::make_shared<ServiceConfig>(next));
    auto pre = s.exec_command_statuses(Service::Phase::start_pre);
    ASSERT_EQ(pre.size(), 1u);
    EXPECT_EQ(pre[0].path, "/bin/pre-new");
    EXPECT_EQ(pre[0].pid, 0u);
    if (!down) kill_main(SIGKILL);
  }
}

// Conditions of a reloaded file are untested, whatever their number; a test
// after it covers them all.
TEST_F(ServiceTest, ConditionsOfAReloadedFileAreUntestedThenTested) {
  ServiceConfig c = make_config("web.service");
  c.conditions.push_back(path_exists("/never-there-vermilion", /*trigger=*/false, /*negate=*/false));
  Service& s = make(c);
  EXPECT_EQ(s.start(), StartOutcome::condition_failed);
  EXPECT_FALSE(s.condition_result());
  ASSERT_EQ(s.condition_statuses().size(), 1u);
  EXPECT_EQ(s.condition_statuses()[0].state, -1);
  ServiceConfig next = c;
  next.conditions.push_back(path_exists("/also-never-vermilion", /*trigger=*/true, /*negate=*/false));
  next.conditions.push_back(path_exists("/", /*trigger=*/true, /*negate=*/false));
  s.replace_config(std::make_shared<ServiceConfig>(next));
  ops_.existing_paths.insert("/");
  auto untested = s.condition_statuses();
  ASSERT_EQ(untested.size(), 3u);
  for (const auto& one : untested) EXPECT_EQ(one.state, 0) << one.parameter;
  EXPECT_EQ(untested[0].parameter, "/") << "the last assignment first";
  EXPECT_EQ(s.start(), StartOutcome::condition_failed);
  auto tested = s.condition_statuses();
  EXPECT_EQ(tested[0].state, 1);
  EXPECT_EQ(tested[1].state, -1);
  EXPECT_EQ(tested[2].state, -1) << "the non-trigger one fails";
}

TEST_F(ServiceTest, RestartPolicies) {
  struct Case {
    RestartPolicy policy;
    int code, status;
    bool restarts;
  };
  const Case cases[] = {
      {RestartPolicy::no, CLD_EXITED, 1, false},
      {RestartPolicy::always, CLD_EXITED, 0, true},
      {RestartPolicy::on_success, CLD_EXITED, 0, true},
      {RestartPolicy::on_success, CLD_EXITED, 1, false},
      {RestartPolicy::on_failure, CLD_EXITED, 0, false},
      {RestartPolicy::on_failure, CLD_KILLED, SIGSEGV, true},
      {RestartPolicy::on_abnormal, CLD_EXITED, 1, false},
      {RestartPolicy::on_abnormal, CLD_KILLED, SIGSEGV, true},
      {RestartPolicy::on_abort, CLD_DUMPED, SIGABRT, true},
      {RestartPolicy::on_abort, CLD_EXITED, 3, false},
      {RestartPolicy::on_watchdog, CLD_KILLED, SIGKILL, false},
  };
  for (std::size_t i = 0; i < std::size(cases); ++i) {
    const Case& k = cases[i];
    ServiceConfig c = make_config("p.service");
    c.restart = k.policy;
    Service& s = make(c);
    ASSERT_EQ(s.start(), StartOutcome::started);
    exit_process(s.main_pid(), k.code, k.status);
    EXPECT_EQ(s.sub_state() == SubState::auto_restart, k.restarts) << "case " << i;
  }
}

TEST_F(ServiceTest, ResultsNameHowTheMainProcessEnded) {
  ServiceConfig c = make_config("r.service");
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  exit_process(s.main_pid(), CLD_DUMPED, SIGSEGV);
  EXPECT_EQ(s.result(), ServiceResult::core_dump);
  ASSERT_EQ(s.start(), StartOutcome::started);
  kill_main(SIGKILL);
  EXPECT_EQ(s.result(), ServiceResult::signal);
  ASSERT_EQ(s.start(), StartOutcome::started);
  kill_main(SIGTERM);
  EXPECT_EQ(s.result(), ServiceResult::success) << "SIGTERM is a clean end for a daemon";
  EXPECT_EQ(s.sub_state(), SubState::dead);
}

TEST_F(ServiceTest, SuccessAndRestartPreventExitStatus) {
  ServiceConfig c = make_config("x.service");
  c.restart = RestartPolicy::always;
  c.success_exit_status.mut().codes = {42};
  c.restart_prevent_exit_status.mut().codes = {7};
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  exit_main(42);
  EXPECT_EQ(s.result(), ServiceResult::success);
  EXPECT_EQ(s.sub_state(), SubState::auto_restart);
  port_.advance(kUsecPerSec);
  ASSERT_EQ(s.sub_state(), SubState::running);
  exit_main(7);
  EXPECT_EQ(s.sub_state(), SubState::failed) << "7 prevents the restart";
}

TEST_F(ServiceTest, StopDuringAutoRestartCancelsIt) {
  ServiceConfig c = make_config("x.service");
  c.restart = RestartPolicy::always;
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  exit_main(1);
  ASSERT_EQ(s.sub_state(), SubState::auto_restart);
  EXPECT_EQ(s.stop(), StopOutcome::already_inactive);
  EXPECT_EQ(s.sub_state(), SubState::dead);
  port_.advance(60 * kUsecPerSec);
  EXPECT_EQ(s.sub_state(), SubState::dead);
}

TEST_F(ServiceTest, ExplicitStopNeverRestarts) {
  ServiceConfig c = make_config("x.service");
  c.restart = RestartPolicy::always;
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  ASSERT_EQ(s.stop(), StopOutcome::stopping);
  kill_main(SIGTERM);
  EXPECT_EQ(s.sub_state(), SubState::dead);
}

TEST_F(ServiceTest, NotifyWaitsForReady) {
  ServiceConfig c = make_config("n.service", ServiceType::notify);
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  EXPECT_EQ(s.sub_state(), SubState::start);
  EXPECT_EQ(s.active_state(), ActiveState::activating);
  const auto& env = ops_.last_spawn()->environment;
  EXPECT_NE(std::find(env.begin(), env.end(), "NOTIFY_SOCKET=/run/notify"), env.end());

  NotifyMessage from_stranger;
  from_stranger.ready = true;
  s.on_notify(4242, from_stranger, false);
  EXPECT_EQ(s.sub_state(), SubState::start) << "NotifyAccess=main refuses other PIDs";

  NotifyMessage ready;
  ready.ready = true;
  ready.status = "serving";
  ready.errno_value = 11;
  s.on_notify(s.main_pid(), ready, false);
  EXPECT_EQ(s.sub_state(), SubState::running);
  EXPECT_EQ(s.status_text(), "serving");
  EXPECT_EQ(s.status_errno(), 11);
}

// The fd store (systemd 252's service_add_fd_store(), _remove_fd_store(),
// service_release_resources(); end to end against systemd in the
// conformance case fd-store).
std::vector<unique_fd> open_fds(std::initializer_list<const char*> paths) {
  std::vector<unique_fd> fds;
  for (const char* path : paths) fds.emplace_back(::open(path, O_RDONLY | O_CLOEXEC));
  return fds;
}

std::vector<std::string> stored_names(const Service& s) {
  std::vector<std::string> names;
  for (const auto& stored : s.fd_store()) names.push_back(stored.name);
  return names;
}

TEST_F(ServiceTest, TheFdStoreKeepsWhatFitsNewestFirstOnceEach) {
  ServiceConfig c = make_config("n.service", ServiceType::notify);
  c.file_descriptor_store_max = 3;
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  NotifyMessage store;
  store.fd_store = true;
  store.fd_name = "a";
  auto fds = open_fds({"/dev/null", "/dev/zero"});
  const int null_fd = fds[0].get();
  s.on_notify(s.main_pid(), store, false, &fds);
  EXPECT_FALSE(fds[0] || fds[1]) << "both taken";
  // The same open file again is closed, not stored twice.
  std::vector<unique_fd> again;
  again.emplace_back(::dup(null_fd));
  store.fd_name = "not:valid";
  auto more = open_fds({"/dev/full", "/dev/urandom"});
  again.push_back(std::move(more[0]));
  again.push_back(std::move(more[1]));
  s.on_notify(s.main_pid(), store, false, &again);
  EXPECT_EQ(stored_names(s), (std::vector<std::string>{"stored", "a", "a"}))
      << "an invalid FDNAME= is \"stored\"; the dup is not kept; the last is one too many";
  EXPECT_TRUE(again[2]) << "left to the caller to close";
  EXPECT_NE(std::find(listener_.messages.begin(), listener_.messages.end(), "Passed FDNAME= name is invalid, ignoring."),
            listener_.messages.end());
  EXPECT_NE(std::find(listener_.messages.begin(), listener_.messages.end(),
                      "Cannot store more fds than FileDescriptorStoreMax=3, closing remaining."),
            listener_.messages.end());

  NotifyMessage remove;
  remove.fd_store_remove = true;
  remove.fd_name = "a";
  s.on_notify(s.main_pid(), remove, false);
  EXPECT_EQ(stored_names(s), (std::vector<std::string>{"stored"}));
  remove.fd_name.reset();
  s.on_notify(s.main_pid(), remove, false);
  EXPECT_EQ(listener_.messages.back(), "FDSTOREREMOVE=1 requested, but no valid file descriptor name passed, ignoring.");
}

TEST_F(ServiceTest, TheFdStoreTakesNothingFromARefusedSenderOrWithoutAMaximum) {
  ServiceConfig c = make_config("n.service", ServiceType::notify);
  c.file_descriptor_store_max = 2;
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  NotifyMessage store;
  store.fd_store = true;
  auto fds = open_fds({"/dev/null"});
  s.on_notify(4242, store, false, &fds);
  EXPECT_TRUE(fds[0]) << "NotifyAccess=main refuses another PID";
  EXPECT_TRUE(s.fd_store().empty());

  ServiceConfig none = make_config("m.service", ServiceType::simple);
  Service& t = make(none);
  ASSERT_EQ(t.start(), StartOutcome::started);
  t.on_notify(t.main_pid(), store, false, &fds);
  EXPECT_TRUE(fds[0]) << "without FileDescriptorStoreMax= nobody may notify a simple service";
  EXPECT_TRUE(t.fd_store().empty());
}

// EXEC_PASS_FDS: ExecStart= gets the store, a forking service's too; the
// other command lists do not.
TEST_F(ServiceTest, OnlyExecStartGetsTheFdStore) {
  ServiceConfig c = make_config("f.service", ServiceType::forking);
  c.file_descriptor_store_max = 2;
  c.pid_file = "/run/f.pid";
  c.exec_start_pre.push_back(c.exec_start[0]);
  c.exec_start_pre[0].path = "/bin/pre";
  Service& s = make(c);
  // A first run fills the store (its forked daemon is the main process).
  ASSERT_EQ(s.start(), StartOutcome::started);
  exit_control();  // ExecStartPre=
  pid_t daemon = ops_.add_process("f.service");
  ops_.pid_files["/run/f.pid"] = daemon;
  exit_control();  // the forking parent
  ASSERT_EQ(s.sub_state(), SubState::running);
  NotifyMessage store;
  store.fd_store = true;
  store.fd_name = "sock";
  auto fds = open_fds({"/dev/null"});
  s.on_notify(s.main_pid(), store, false, &fds);
  ASSERT_EQ(s.fd_store().size(), 1u);
  ASSERT_EQ(s.stop(StopReason::restart), StopOutcome::stopping);
  exit_main(0);
  ops_.pid_files.erase("/run/f.pid");
  const std::size_t before = ops_.spawns.size();
  ASSERT_EQ(s.start(), StartOutcome::started);
  ASSERT_EQ(ops_.spawns.size(), before + 1);
  EXPECT_EQ(ops_.spawns.back().path, "/bin/pre");
  EXPECT_TRUE(ops_.spawns.back().stored_fd_names.empty()) << "ExecStartPre= gets none";
  exit_control();
  EXPECT_EQ(ops_.spawns.back().stored_fd_names, std::vector<std::string>{"sock"}) << "the forking ExecStart= does";
}

// Down for good is down however it came: a stop during the restart delay,
// or the start limit, let the store go too.
TEST_F(ServiceTest, TheFdStoreGoesWhenAnAutomaticRestartIsCalledOff) {
  ServiceConfig c = make_config("n.service", ServiceType::simple);
  c.file_descriptor_store_max = 1;
  c.restart = RestartPolicy::always;
  c.start_limit_burst = 2;  // two starts asked for, the automatic third is refused
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  NotifyMessage store;
  store.fd_store = true;
  auto fds = open_fds({"/dev/null"});
  s.on_notify(s.main_pid(), store, false, &fds);
  exit_main(1);
  ASSERT_EQ(s.sub_state(), SubState::auto_restart);
  EXPECT_EQ(s.fd_store().size(), 1u);
  ASSERT_EQ(s.stop(), StopOutcome::already_inactive);
  EXPECT_EQ(s.sub_state(), SubState::dead);
  EXPECT_TRUE(s.fd_store().empty());

  ASSERT_EQ(s.start(), StartOutcome::started);
  auto more = open_fds({"/dev/zero"});
  s.on_notify(s.main_pid(), store, false, &more);
  EXPECT_EQ(s.fd_store().size(), 1u);
  exit_main(1);  // the restart is one start too many
  port_.advance(c.restart_sec + kUsecPerSec);
  EXPECT_EQ(s.sub_state(), SubState::failed) << "the start limit was hit";
  EXPECT_TRUE(s.fd_store().empty());
}

TEST_F(ServiceTest, TheFdStoreOutlivesARestartNotAStop) {
  ServiceConfig c = make_config("n.service", ServiceType::simple);
  c.file_descriptor_store_max = 1;
  c.restart = RestartPolicy::on_failure;
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  EXPECT_EQ(c.effective_notify_access(), NotifyAccess::main) << "an fd store needs someone to fill it";
  NotifyMessage store;
  store.fd_store = true;
  auto fds = open_fds({"/dev/null"});
  s.on_notify(s.main_pid(), store, false, &fds);
  ASSERT_EQ(s.fd_store().size(), 1u);
  exit_main(3);  // on-failure: restarts
  EXPECT_EQ(s.sub_state(), SubState::auto_restart);
  EXPECT_EQ(s.fd_store().size(), 1u);
  port_.advance(c.restart_sec + kUsecPerSec);
  ASSERT_EQ(s.sub_state(), SubState::running);
  ASSERT_EQ(s.stop(StopReason::restart), StopOutcome::stopping);
  exit_main(0);
  EXPECT_EQ(s.fd_store().size(), 1u) << "a restart job keeps it";
  ASSERT_EQ(s.start(), StartOutcome::started);
  ASSERT_EQ(s.stop(), StopOutcome::stopping);
  exit_main(0);
  EXPECT_TRUE(s.fd_store().empty()) << "down for good";
}

// The cgroup filters (DevicePolicy=, IPAddressDeny=, ...): put on before
// the first process; a run they must have and cannot get does not start;
// a reload re-applies them to a live cgroup when they change, or when the
// last try fell short.
TEST_F(ServiceTest, CgroupFiltersComeFirstAndARefusalStopsTheStart) {
  ops_.filter_outcome.refused = true;
  ops_.filter_outcome.complete = false;
  ops_.filter_outcome.warnings = {"cannot be enforced"};
  Service& s = make(make_config("f.service", ServiceType::simple));
  (void)s.start();
  EXPECT_EQ(ops_.spawns.size(), 0u) << "nothing ran";
  EXPECT_EQ(s.sub_state(), SubState::failed);
  EXPECT_EQ(s.result(), ServiceResult::resources);
  EXPECT_NE(std::find(listener_.messages.begin(), listener_.messages.end(), "cannot be enforced"),
            listener_.messages.end());
}

TEST_F(ServiceTest, AReloadReappliesChangedOrIncompleteCgroupFilters) {
  ServiceConfig c = make_config("f.service", ServiceType::simple);
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  ASSERT_EQ(ops_.filter_calls.size(), 1u);
  EXPECT_FALSE(ops_.filter_calls[0].second);
  s.replace_config(std::make_shared<ServiceConfig>(c));
  EXPECT_EQ(ops_.filter_calls.size(), 1u) << "nothing changed";
  ServiceConfig closed = c;
  closed.device_policy = DevicePolicy::closed;
  ops_.filter_outcome.complete = false;
  s.replace_config(std::make_shared<ServiceConfig>(closed));
  ASSERT_EQ(ops_.filter_calls.size(), 2u);
  EXPECT_TRUE(ops_.filter_calls[1].second) << "in place of what is there";
  ops_.filter_outcome.complete = true;
  s.replace_config(std::make_shared<ServiceConfig>(closed));
  EXPECT_EQ(ops_.filter_calls.size(), 3u) << "the last try fell short: once more";
  s.replace_config(std::make_shared<ServiceConfig>(closed));
  EXPECT_EQ(ops_.filter_calls.size(), 3u);
}

// StatusText goes out as a D-Bus string, and a signal sd-bus cannot send
// closes the watcher's link: bytes that are not UTF-8 are escaped.
TEST_F(ServiceTest, StatusTextThatIsNotUtf8IsEscaped) {
  Service& s = make(make_config("n.service", ServiceType::notify));
  ASSERT_EQ(s.start(), StartOutcome::started);
  NotifyMessage status;
  status.status = std::string("half \xff done\0!", 13);
  s.on_notify(s.main_pid(), status, true);
  EXPECT_EQ(s.status_text(), "half \\xff done\\x00!");
}

TEST_F(ServiceTest, NotifyAccessAllAcceptsAnyProcessOfTheService) {
  ServiceConfig c = make_config("n.service", ServiceType::notify);
  c.notify_access = NotifyAccess::all;
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  pid_t helper = ops_.add_process("n.service");
  NotifyMessage ready;
  ready.ready = true;
  s.on_notify(helper, ready, true);
  EXPECT_EQ(s.sub_state(), SubState::running);
}

TEST_F(ServiceTest, NotifyStartTimeout) {
  ServiceConfig c = make_config("n.service", ServiceType::notify);
  c.timeout_start = 3 * kUsecPerSec;
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  port_.advance(3 * kUsecPerSec);
  EXPECT_EQ(s.sub_state(), SubState::stop_sigterm);
  kill_main(SIGTERM);
  EXPECT_EQ(s.sub_state(), SubState::failed);
  EXPECT_EQ(s.result(), ServiceResult::timeout);
}

// systemd's service_exec_needs_notify_socket() (recorded:
// tests/conformance/cases/notify-socket-env): ExecStart= gets
// $NOTIFY_SOCKET whenever NotifyAccess= is not none, the control processes
// only with exec or all.
TEST_F(ServiceTest, ControlProcessesGetTheNotifySocketOnlyWhenTheyMayNotify) {
  auto has_socket = [](const testing::SpawnRecord& spawn) {
    return std::find(spawn.environment.begin(), spawn.environment.end(), "NOTIFY_SOCKET=/run/notify") !=
           spawn.environment.end();
  };
  for (NotifyAccess access : {NotifyAccess::main, NotifyAccess::exec, NotifyAccess::all}) {
    ops_.spawns.clear();
    ServiceConfig c = make_config("n.service", ServiceType::notify);
    c.notify_access = access;
    c.exec_start_pre.push_back(make_command("/bin/pre"));
    Service& s = make(c);
    ASSERT_EQ(s.start(), StartOutcome::started);
    exit_control(0);
    ASSERT_EQ(ops_.spawns.size(), 2u);
    EXPECT_EQ(has_socket(ops_.spawns[0]), access != NotifyAccess::main) << to_string(access);
    EXPECT_TRUE(has_socket(ops_.spawns[1])) << "the main process, NotifyAccess=" << to_string(access);
  }
  ops_.spawns.clear();
  ServiceConfig forking = make_config("f.service", ServiceType::forking);
  forking.notify_access = NotifyAccess::main;
  Service& f = make(forking);
  ASSERT_EQ(f.start(), StartOutcome::started);
  ASSERT_EQ(ops_.spawns.size(), 1u);
  EXPECT_EQ(ops_.spawns[0].role, ProcessRole::control);
  EXPECT_TRUE(has_socket(ops_.spawns[0])) << "a forking service's ExecStart= is no control command here";
  ops_.spawns.clear();
  Service& none = make(make_config("s.service"));
  ASSERT_EQ(none.start(), StartOutcome::started);
  EXPECT_FALSE(has_socket(ops_.spawns.at(0))) << "NotifyAccess=none";
}

// systemd.exec(5) "Environment Variables Set or Propagated by the Service
// Manager" (recorded: tests/conformance/cases/manager-environment):
// WATCHDOG_USEC= and WATCHDOG_PID= (the process itself) for what ExecStart=
// runs, a forking service's included; MAINPID= for control processes while
// a main process is known.
TEST_F(ServiceTest, WatchdogVariablesGoToExecStartOnly) {
  auto has = [](const testing::SpawnRecord& spawn, const std::string& entry) {
    return std::find(spawn.environment.begin(), spawn.environment.end(), entry) != spawn.environment.end();
  };
  auto has_key = [](const testing::SpawnRecord& spawn, const std::string& key) {
    return std::any_of(spawn.environment.begin(), spawn.environment.end(),
                       [&](const std::string& e) { return e.starts_with(key + "="); });
  };
  ServiceConfig c = make_config("w.service");
  c.watchdog_usec = 100 * kUsecPerSec;
  c.exec_start_pre.push_back(make_command("/bin/pre"));
  c.exec_start_post.push_back(make_command("/bin/post"));
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  exit_control(0);
  ASSERT_EQ(ops_.spawns.size(), 3u);
  const auto& pre = ops_.spawns[0];
  const auto& started = ops_.spawns[1];
  const auto& post = ops_.spawns[2];
  EXPECT_FALSE(has_key(pre, "WATCHDOG_USEC") || has_key(pre, "WATCHDOG_PID") || has_key(pre, "MAINPID"));
  EXPECT_TRUE(has(started, "WATCHDOG_USEC=100000000"));
  EXPECT_TRUE(has(started, "WATCHDOG_PID=" + std::to_string(started.pid)));
  EXPECT_FALSE(has_key(started, "MAINPID"));
  EXPECT_FALSE(has_key(post, "WATCHDOG_USEC") || has_key(post, "WATCHDOG_PID"));
  EXPECT_TRUE(has(post, "MAINPID=" + std::to_string(started.pid)));

  ops_.spawns.clear();
  ServiceConfig forking = make_config("f.service", ServiceType::forking);
  forking.watchdog_usec = 100 * kUsecPerSec;
  Service& f = make(forking);
  ASSERT_EQ(f.start(), StartOutcome::started);
  ASSERT_EQ(ops_.spawns.size(), 1u);
  EXPECT_TRUE(has(ops_.spawns[0], "WATCHDOG_USEC=100000000"));
  EXPECT_TRUE(has(ops_.spawns[0], "WATCHDOG_PID=" + std::to_string(ops_.spawns[0].pid)));
}

NotifyMessage extend_by(usec_t span) {
  NotifyMessage m;
  m.extend_timeout_usec = span;
  return m;
}

// EXTEND_TIMEOUT_USEC= (sd_notify(3), systemd's service_extend_timeout()):
// the start timeout ends no earlier than now+N; a shorter extension, 0 and
// infinity leave the later deadline.
TEST_F(ServiceTest, ExtendTimeoutPushesTheStartTimeoutOutNeverIn) {
  ServiceConfig c = make_config("n.service", ServiceType::notify);
  c.timeout_start = 3 * kUsecPerSec;
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  port_.advance(2 * kUsecPerSec);
  s.on_notify(s.main_pid(), extend_by(5 * kUsecPerSec), false);  // now ends at 7 s
  s.on_notify(s.main_pid(), extend_by(1 * kUsecPerSec), false);  // not shortened to 3 s
  s.on_notify(s.main_pid(), extend_by(0), false);
  s.on_notify(s.main_pid(), extend_by(kUsecInfinity), false);
  port_.advance(5 * kUsecPerSec - 1);
  EXPECT_EQ(s.sub_state(), SubState::start) << "3 s of TimeoutStartSec= became 7 s";
  port_.advance(1);
  EXPECT_EQ(s.sub_state(), SubState::stop_sigterm);
  kill_main(SIGTERM);
  EXPECT_EQ(s.result(), ServiceResult::timeout);
}

// Subject to NotifyAccess= like any notification: from a process that may
// not notify it changes nothing.
TEST_F(ServiceTest, ExtendTimeoutFromAProcessThatMayNotNotifyIsRefused) {
  ServiceConfig c = make_config("n.service", ServiceType::notify);  // NotifyAccess=main
  c.timeout_start = 3 * kUsecPerSec;
  c.exec_start_pre.push_back(make_command("/bin/pre"));
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  ASSERT_EQ(s.sub_state(), SubState::start_pre);
  s.on_notify(s.control_pid(), extend_by(10 * kUsecPerSec), true);
  port_.advance(3 * kUsecPerSec);
  EXPECT_EQ(s.sub_state(), SubState::stop_sigterm) << "the control process may not notify";

  c.notify_access = NotifyAccess::exec;
  Service& t = make(c);
  ASSERT_EQ(t.start(), StartOutcome::started);
  t.on_notify(t.control_pid(), extend_by(10 * kUsecPerSec), true);
  port_.advance(3 * kUsecPerSec);
  EXPECT_EQ(t.sub_state(), SubState::start_pre) << "ExecStartPre= extended its own phase";
  port_.advance(7 * kUsecPerSec);
  EXPECT_EQ(t.sub_state(), SubState::stop_sigterm);
}

// The same for the other phases with a timeout: stop (TimeoutStopSec=),
// reload, and running's RuntimeMaxSec=; and the watchdog.
TEST_F(ServiceTest, ExtendTimeoutAppliesToStopReloadRuntimeAndWatchdog) {
  ServiceConfig c = make_config("x.service", ServiceType::notify);
  c.notify_access = NotifyAccess::all;
  c.timeout_stop = 2 * kUsecPerSec;
  c.timeout_start = 2 * kUsecPerSec;
  c.runtime_max = 10 * kUsecPerSec;
  c.watchdog_usec = 3 * kUsecPerSec;
  c.exec_reload.push_back(make_command("/bin/reload"));
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  NotifyMessage ready;
  ready.ready = true;
  ready.extend_timeout_usec = 20 * kUsecPerSec;  // applied after READY=1: to running's timers
  s.on_notify(s.main_pid(), ready, false);
  ASSERT_EQ(s.sub_state(), SubState::running);
  port_.advance(19 * kUsecPerSec);
  EXPECT_EQ(s.sub_state(), SubState::running) << "RuntimeMaxSec= and WatchdogSec= both extended";

  NotifyMessage ping;
  ping.watchdog_ping = true;
  s.on_notify(s.main_pid(), ping, false);
  ASSERT_EQ(s.reload(), ReloadOutcome::reloading);
  port_.advance(1 * kUsecPerSec);
  s.on_notify(s.control_pid(), extend_by(4 * kUsecPerSec), true);
  port_.advance(2 * kUsecPerSec);
  EXPECT_EQ(s.sub_state(), SubState::reload) << "2 s of reload became 5 s";
  s.on_notify(s.main_pid(), ping, false);
  exit_control(0);
  EXPECT_EQ(s.sub_state(), SubState::running);
  EXPECT_FALSE(s.last_reload_failed());

  pid_t main = s.main_pid();
  ASSERT_EQ(s.stop(), StopOutcome::stopping);
  ASSERT_EQ(s.sub_state(), SubState::stop_sigterm);
  port_.advance(1 * kUsecPerSec);
  s.on_notify(main, extend_by(5 * kUsecPerSec), false);
  port_.advance(5 * kUsecPerSec - 1);
  EXPECT_EQ(s.sub_state(), SubState::stop_sigterm) << "2 s of TimeoutStopSec= became 6 s";
  EXPECT_FALSE(ops_.was_signalled(main, SIGKILL));
  port_.advance(1);
  EXPECT_EQ(s.sub_state(), SubState::stop_sigkill);
}

// Without an armed timer (a oneshot's start has none by default) there is
// nothing to extend: no timeout appears.
TEST_F(ServiceTest, ExtendTimeoutAddsNoTimeoutWhereThereIsNone) {
  ServiceConfig c = make_config("o.service", ServiceType::oneshot);
  c.timeout_start = kUsecInfinity;
  c.notify_access = NotifyAccess::main;
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  s.on_notify(s.main_pid(), extend_by(1 * kUsecPerSec), false);
  EXPECT_EQ(port_.next_deadline(), kUsecInfinity);
  port_.advance(100 * kUsecPerSec);
  EXPECT_EQ(s.sub_state(), SubState::start);
}

TEST_F(ServiceTest, NotifyExitBeforeReadyIsAProtocolFailure) {
  Service& s = make(make_config("n.service", ServiceType::notify));
  ASSERT_EQ(s.start(), StartOutcome::started);
  exit_main(0);
  EXPECT_EQ(s.sub_state(), SubState::failed);
  EXPECT_EQ(s.result(), ServiceResult::protocol);
}

// systemd 252's service_sigchld_event(): with RemainAfterExit= and a
// NotifyAccess= beyond main, another process may still send READY=1.
TEST_F(ServiceTest, NotifyExitBeforeReadyWaitsWhenAnotherProcessMayReport) {
  ServiceConfig c = make_config("n.service", ServiceType::notify);
  c.remain_after_exit = true;
  c.notify_access = NotifyAccess::all;
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  pid_t helper = ops_.add_process("n.service");
  exit_main(0);
  EXPECT_EQ(s.sub_state(), SubState::start);
  NotifyMessage ready;
  ready.ready = true;
  s.on_notify(helper, ready, true);
  EXPECT_EQ(s.sub_state(), SubState::exited);
  EXPECT_EQ(s.result(), ServiceResult::success);
}

// Type=dbus (systemd 252's service_enter_start(), service_bus_name_owner_
// change(), service_good()): started once its BusName= has an owner, stopped
// (with success) when the name goes while it runs.
TEST_F(ServiceTest, DbusWaitsForItsNameAndStopsWhenItGoes) {
  ServiceConfig c = make_config("d.service", ServiceType::dbus);
  c.bus_name.mut() = "org.example.D";
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  EXPECT_EQ(s.sub_state(), SubState::start);
  EXPECT_EQ(s.active_state(), ActiveState::activating);
  s.on_bus_name_owner(true);
  EXPECT_EQ(s.sub_state(), SubState::running);
  s.on_bus_name_owner(false);
  EXPECT_EQ(s.sub_state(), SubState::stop_sigterm);
  kill_main(SIGTERM);
  EXPECT_EQ(s.sub_state(), SubState::dead);
  EXPECT_EQ(s.result(), ServiceResult::success);
}

TEST_F(ServiceTest, DbusNameOwnedBeforeTheStartIsNoReadiness) {
  ServiceConfig c = make_config("d.service", ServiceType::dbus);
  c.bus_name.mut() = "org.example.D";
  c.timeout_start = 2 * kUsecPerSec;
  Service& s = make(c);
  s.on_bus_name_owner(true);  // an old owner: only a change counts
  ASSERT_EQ(s.start(), StartOutcome::started);
  EXPECT_EQ(s.sub_state(), SubState::start);
  port_.advance(2 * kUsecPerSec);
  EXPECT_EQ(s.sub_state(), SubState::stop_sigterm);
  kill_main(SIGTERM);
  EXPECT_EQ(s.sub_state(), SubState::failed);
  EXPECT_EQ(s.result(), ServiceResult::timeout);
}

// A main process that exits before the name appears: judged as a running
// service's (service_enter_running()): a failure fails it, a clean exit stops
// it, or leaves it exited with RemainAfterExit=.
TEST_F(ServiceTest, DbusMainExitBeforeItsName) {
  ServiceConfig c = make_config("d.service", ServiceType::dbus);
  c.bus_name.mut() = "org.example.D";
  Service& clean = make(c);
  ASSERT_EQ(clean.start(), StartOutcome::started);
  exit_main(0);
  EXPECT_EQ(clean.sub_state(), SubState::dead);
  EXPECT_EQ(clean.result(), ServiceResult::success);
  ASSERT_EQ(clean.start(), StartOutcome::started);
  exit_main(3);
  EXPECT_EQ(clean.sub_state(), SubState::failed);
  EXPECT_EQ(clean.result(), ServiceResult::exit_code);
}

TEST_F(ServiceTest, DbusRemainAfterExitWithoutMainIsExited) {
  ServiceConfig c = make_config("d.service", ServiceType::dbus);
  c.bus_name.mut() = "org.example.D";
  c.remain_after_exit = true;
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  exit_main(0);
  EXPECT_EQ(s.sub_state(), SubState::exited);
}

TEST_F(ServiceTest, NotifyReloadingAndStopping) {
  Service& s = make(make_config("n.service", ServiceType::notify));
  ASSERT_EQ(s.start(), StartOutcome::started);
  NotifyMessage m;
  m.ready = true;
  s.on_notify(s.main_pid(), m, false);
  NotifyMessage reloading;
  reloading.reloading = true;
  s.on_notify(s.main_pid(), reloading, false);
  EXPECT_EQ(s.active_state(), ActiveState::reloading);
  s.on_notify(s.main_pid(), m, false);
  EXPECT_EQ(s.active_state(), ActiveState::active);
  NotifyMessage stopping;
  stopping.stopping = true;
  s.on_notify(s.main_pid(), stopping, false);
  EXPECT_EQ(s.active_state(), ActiveState::deactivating);
  exit_main(0);
  EXPECT_EQ(s.sub_state(), SubState::dead);
}

TEST_F(ServiceTest, WatchdogTimeoutAbortsAndRestarts) {
  ServiceConfig c = make_config("w.service", ServiceType::notify);
  c.watchdog_usec = 2 * kUsecPerSec;
  c.restart = RestartPolicy::on_watchdog;
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  const auto& env = ops_.last_spawn()->environment;
  EXPECT_NE(std::find(env.begin(), env.end(), "WATCHDOG_USEC=2000000"), env.end());
  NotifyMessage m;
  m.ready = true;
  s.on_notify(s.main_pid(), m, false);
  NotifyMessage ping;
  ping.watchdog_ping = true;
  port_.advance(1'500'000);
  s.on_notify(s.main_pid(), ping, false);
  port_.advance(1'500'000);
  EXPECT_EQ(s.sub_state(), SubState::running) << "the ping moved the deadline";
  pid_t main = s.main_pid();
  port_.advance(kUsecPerSec);
  EXPECT_EQ(s.sub_state(), SubState::stop_watchdog);
  EXPECT_TRUE(ops_.was_signalled(main, SIGABRT));
  exit_process(main, CLD_DUMPED, SIGABRT);
  EXPECT_EQ(s.result(), ServiceResult::watchdog);
  EXPECT_EQ(s.sub_state(), SubState::auto_restart);
}

// $INVOCATION_ID (systemd.exec(5)): every command of one activation sees
// the same id, a new start (also an automatic restart) a fresh one.
TEST_F(ServiceTest, EveryCommandOfOneActivationHasItsInvocationId) {
  ServiceConfig c = make_config("i.service");
  c.exec_start_pre.push_back(make_command("/bin/pre"));
  c.exec_stop_post.push_back(make_command("/bin/post"));
  c.restart = RestartPolicy::always;
  Service& s = make(c);
  EXPECT_EQ(s.invocation_id(), "");
  auto id_of_last_spawn = [&] {
    for (const auto& e : ops_.last_spawn()->environment)
      if (e.starts_with("INVOCATION_ID=")) return e.substr(14);
    return std::string();
  };
  ASSERT_EQ(s.start(), StartOutcome::started);
  std::string first = id_of_last_spawn();
  EXPECT_EQ(first.size(), 32u);
  EXPECT_EQ(first, s.invocation_id());
  exit_control(0);
  EXPECT_EQ(id_of_last_spawn(), first) << "ExecStart=";
  exit_main(1);
  EXPECT_EQ(id_of_last_spawn(), first) << "ExecStopPost=";
  exit_control(0);
  ASSERT_EQ(s.sub_state(), SubState::auto_restart);
  port_.advance(c.restart_sec);
  std::string second = id_of_last_spawn();
  EXPECT_EQ(second.size(), 32u);
  EXPECT_NE(second, first) << "an automatic restart is a new activation";
  EXPECT_EQ(second, s.invocation_id());
}

// RuntimeMaxSec= (systemd.service(5)): active longer than that, the service
// is stopped with result timeout; the limit counts from when it became
// active, not from the last return to running (a reload).
TEST_F(ServiceTest, RuntimeMaxSecStopsWithResultTimeout) {
  ServiceConfig c = make_config("r.service");
  c.runtime_max = 3 * kUsecPerSec;
  c.exec_reload.push_back(make_command("/bin/reload"));
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  pid_t main = s.main_pid();
  port_.advance(2 * kUsecPerSec);
  ASSERT_EQ(s.reload(), ReloadOutcome::reloading);
  exit_control(0);
  EXPECT_EQ(s.sub_state(), SubState::running);
  port_.advance(999'999);
  EXPECT_EQ(s.sub_state(), SubState::running);
  port_.advance(1);
  EXPECT_EQ(s.sub_state(), SubState::stop_sigterm) << "3 s after it became active, reload or not";
  EXPECT_TRUE(ops_.was_signalled(main, SIGTERM));
  kill_main(SIGTERM);
  EXPECT_EQ(s.sub_state(), SubState::failed);
  EXPECT_EQ(s.result(), ServiceResult::timeout);
}

// RuntimeRandomizedExtraSec=: the limit lies somewhere in [max, max + extra).
TEST_F(ServiceTest, RuntimeRandomizedExtraSecLengthensTheLimit) {
  ServiceConfig c = make_config("r.service");
  c.runtime_max = 3 * kUsecPerSec;
  c.runtime_randomized_extra = 2 * kUsecPerSec;
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  port_.advance(3 * kUsecPerSec - 1);
  EXPECT_EQ(s.sub_state(), SubState::running);
  port_.advance(2 * kUsecPerSec);
  EXPECT_EQ(s.sub_state(), SubState::stop_sigterm);
  EXPECT_EQ(s.result(), ServiceResult::timeout);
}

TEST_F(ServiceTest, RuntimeMaxSecDoesNotLimitAnExitedOneshot) {
  ServiceConfig c = make_config("o.service", ServiceType::oneshot);
  c.runtime_max = kUsecPerSec;
  c.remain_after_exit = true;
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  port_.advance(5 * kUsecPerSec);
  exit_main(0);
  EXPECT_EQ(s.sub_state(), SubState::exited);
  port_.advance(5 * kUsecPerSec);
  EXPECT_EQ(s.sub_state(), SubState::exited);
  EXPECT_EQ(s.result(), ServiceResult::success);
}

// A watchdog timeout sends WatchdogSignal= and waits TimeoutAbortSec=
// (not TimeoutStopSec=) before SIGKILL; the result stays watchdog.
TEST_F(ServiceTest, WatchdogAbortUsesWatchdogSignalAndTimeoutAbortSec) {
  ServiceConfig c = make_config("w.service");
  c.watchdog_usec = kUsecPerSec;
  c.watchdog_signal = SIGUSR1;
  c.timeout_stop = 60 * kUsecPerSec;
  c.timeout_abort = 2 * kUsecPerSec;
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  pid_t main = s.main_pid();
  port_.advance(kUsecPerSec);
  EXPECT_EQ(s.sub_state(), SubState::stop_watchdog);
  EXPECT_TRUE(ops_.was_signalled(main, SIGUSR1));
  EXPECT_FALSE(ops_.was_signalled(main, SIGABRT));
  port_.advance(2 * kUsecPerSec);
  EXPECT_EQ(s.sub_state(), SubState::stop_sigkill);
  EXPECT_TRUE(ops_.was_signalled(main, SIGKILL));
  kill_main(SIGKILL);
  EXPECT_EQ(s.sub_state(), SubState::failed);
  EXPECT_EQ(s.result(), ServiceResult::watchdog);
}

TEST_F(ServiceTest, WatchdogAbortWaitsTimeoutStopSecWithoutTimeoutAbortSec) {
  ServiceConfig c = make_config("w.service");
  c.watchdog_usec = kUsecPerSec;
  c.timeout_stop = 5 * kUsecPerSec;
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  pid_t main = s.main_pid();
  port_.advance(kUsecPerSec);
  EXPECT_TRUE(ops_.was_signalled(main, SIGABRT));
  port_.advance(5 * kUsecPerSec - 1);
  EXPECT_EQ(s.sub_state(), SubState::stop_watchdog);
  port_.advance(1);
  EXPECT_EQ(s.sub_state(), SubState::stop_sigkill);
}

// STATUS= and MAINPID= change what the service reports without changing its
// state: the listener hears of them, before what the same message does to
// the state, and only when something changed.
TEST_F(ServiceTest, StatusTextAndMainPidChangesAreToldApartFromTheState) {
  ServiceConfig c = make_config("n.service", ServiceType::notify);
  c.notify_access = NotifyAccess::all;
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  const pid_t first = s.main_pid();
  NotifyMessage starting;
  starting.status = "starting up";
  s.on_notify(first, starting, false);
  s.on_notify(first, starting, false);
  NotifyMessage stranger;
  stranger.status = "not yours";
  s.on_notify(4242, stranger, false);
  EXPECT_EQ(listener_.properties, std::vector<std::string>{"starting up (pid " + std::to_string(first) + ") while start"})
      << "the same text again, and a refused message, change nothing";

  listener_.transitions.clear();
  pid_t worker = ops_.add_process("n.service");
  NotifyMessage ready;
  ready.ready = true;
  ready.status = "ready";
  ready.main_pid = worker;
  s.on_notify(first, ready, false);
  ASSERT_EQ(listener_.properties.size(), 2u);
  EXPECT_EQ(listener_.properties[1], "ready (pid " + std::to_string(worker) + ") while start")
      << "told before READY=1 moved the state";
  ASSERT_EQ(listener_.transitions.size(), 1u);
  EXPECT_EQ(listener_.transitions[0].to, SubState::running);

  NotifyMessage same_pid;
  same_pid.main_pid = worker;
  s.on_notify(worker, same_pid, true);
  EXPECT_EQ(listener_.properties.size(), 2u);
}

TEST_F(ServiceTest, AnAdoptedMainThatIsNotOurChildIsWatchedThroughItsPidfd) {
  ServiceConfig c = make_config("n.service", ServiceType::notify);
  c.notify_access = NotifyAccess::all;
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  pid_t grandchild = ops_.add_process("n.service");
  NotifyMessage m;
  m.ready = true;
  m.main_pid = grandchild;
  s.on_notify(grandchild, m, true);
  ASSERT_EQ(s.main_pid(), grandchild);
  ASSERT_EQ(s.sub_state(), SubState::running);
  // Its parent reaps it: no SIGCHLD for us, only the pidfd.
  ops_.live.erase(grandchild);
  port_.make_readable(ops_.pidfds[grandchild]);
  EXPECT_EQ(s.main_pid(), 0);
  EXPECT_NE(s.sub_state(), SubState::running);
}

TEST_F(ServiceTest, AnAdoptedMainThatIsOurChildWaitsForSigchld) {
  ServiceConfig c = make_config("n.service", ServiceType::notify);
  c.notify_access = NotifyAccess::all;
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  pid_t orphan = ops_.add_process("n.service");
  ops_.own_children.insert(orphan);
  NotifyMessage m;
  m.ready = true;
  m.main_pid = orphan;
  s.on_notify(orphan, m, true);
  port_.make_readable(ops_.pidfds[orphan]);
  EXPECT_EQ(s.main_pid(), orphan) << "the status comes with SIGCHLD";
  exit_process(orphan, CLD_EXITED, 3);
  EXPECT_EQ(s.result(), ServiceResult::exit_code);
}

TEST_F(ServiceTest, OneshotRunsCommandsInTurnAndRemainsAfterExit) {
  ServiceConfig c = make_config("setup.service", ServiceType::oneshot);
  c.exec_start.push_back(make_command("/bin/second"));
  c.remain_after_exit = true;
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  EXPECT_EQ(s.active_state(), ActiveState::activating);
  exit_main(0);
  EXPECT_EQ(ops_.last_spawn()->path, "/bin/second");
  EXPECT_EQ(s.active_state(), ActiveState::activating);
  exit_main(0);
  EXPECT_EQ(s.active_state(), ActiveState::active);
  EXPECT_EQ(s.sub_state(), SubState::exited);
  ASSERT_EQ(s.stop(), StopOutcome::stopping);
  EXPECT_EQ(s.sub_state(), SubState::dead);
}

// ExecStart=-... (systemd.service(5) "Command lines"): a failing main
// process counts as a success, for a oneshot's commands in turn and for a
// daemon's main process; ExecMain* still say how it ended (recorded:
// tests/conformance/cases/exec-main-status, os-ignore).
TEST_F(ServiceTest, DashOnExecStartIgnoresTheMainProcessFailure) {
  ServiceConfig c = make_config("o.service", ServiceType::oneshot);
  c.exec_start[0].ignore_failure = true;
  c.exec_start.push_back(make_command("/bin/second"));
  c.remain_after_exit = true;
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  exit_main(6);
  EXPECT_EQ(ops_.last_spawn()->path, "/bin/second") << "the next command runs";
  EXPECT_EQ(s.exec_main_status().status, 6);
  exit_main(7);
  EXPECT_EQ(s.sub_state(), SubState::failed) << "only the first had '-'";
  EXPECT_EQ(s.result(), ServiceResult::exit_code);

  ServiceConfig daemon = make_config("d.service");
  daemon.exec_start[0].ignore_failure = true;
  daemon.restart = RestartPolicy::on_failure;
  Service& d = make(daemon);
  ASSERT_EQ(d.start(), StartOutcome::started);
  kill_main(SIGKILL);
  EXPECT_EQ(d.sub_state(), SubState::dead) << "no failure, so no restart either";
  EXPECT_EQ(d.result(), ServiceResult::success);
  EXPECT_EQ(d.exec_main_status().code, CLD_KILLED);
  EXPECT_EQ(d.exec_main_status().status, SIGKILL);
}

TEST_F(ServiceTest, OneshotWithoutRemainAfterExitEndsInactive) {
  Service& s = make(make_config("job.service", ServiceType::oneshot));
  ASSERT_EQ(s.start(), StartOutcome::started);
  exit_main(0);
  EXPECT_EQ(s.sub_state(), SubState::dead);
  EXPECT_EQ(s.result(), ServiceResult::success);
}

TEST_F(ServiceTest, ForkingTakesMainPidFromPidFile) {
  ServiceConfig c = make_config("d.service", ServiceType::forking);
  c.pid_file = "/run/d.pid";
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  EXPECT_EQ(s.sub_state(), SubState::start);
  pid_t daemon = ops_.add_process("d.service");
  ops_.pid_files["/run/d.pid"] = daemon;
  exit_control(0);
  EXPECT_EQ(s.sub_state(), SubState::running);
  EXPECT_EQ(s.main_pid(), daemon);
  exit_process(daemon, CLD_EXITED, 3);
  EXPECT_EQ(s.result(), ServiceResult::exit_code);
}

TEST_F(ServiceTest, ForkingWithoutReadablePidFileFails) {
  ServiceConfig c = make_config("d.service", ServiceType::forking);
  c.pid_file = "/run/missing.pid";
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  exit_control(0);
  EXPECT_EQ(s.sub_state(), SubState::failed);
  EXPECT_EQ(s.result(), ServiceResult::protocol);
}

// Issue 12: a daemon that writes its PID file a moment after its parent
// exited. systemd waits (inotify) while the service has processes.
TEST_F(ServiceTest, ForkingWaitsForAPidFileWrittenLater) {
  ServiceConfig c = make_config("d.service", ServiceType::forking);
  c.pid_file = "/run/d.pid";
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  pid_t daemon = ops_.add_process("d.service");
  exit_control(0);
  EXPECT_EQ(s.sub_state(), SubState::start) << "still waiting for the PID file";
  ASSERT_EQ(ops_.path_watches.count("/run/d.pid"), 1u);
  ops_.pid_files["/run/d.pid"] = daemon;
  port_.make_readable(ops_.path_watches["/run/d.pid"]);
  EXPECT_EQ(s.sub_state(), SubState::running);
  EXPECT_EQ(s.main_pid(), daemon);
}

TEST_F(ServiceTest, ForkingPidFileNeverWrittenFailsOnceTheProcessesAreGone) {
  ServiceConfig c = make_config("d.service", ServiceType::forking);
  c.pid_file = "/run/d.pid";
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  pid_t daemon = ops_.add_process("d.service");
  exit_control(0);
  ASSERT_EQ(s.sub_state(), SubState::start);
  EXPECT_TRUE(s.watches_scope());
  end_other(daemon);
  EXPECT_EQ(s.sub_state(), SubState::failed);
  EXPECT_EQ(s.result(), ServiceResult::protocol);
}

TEST_F(ServiceTest, ForkingPidFileWaitEndsAtTheStartTimeout) {
  ServiceConfig c = make_config("d.service", ServiceType::forking);
  c.pid_file = "/run/d.pid";
  c.timeout_start = 5 * kUsecPerSec;
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  pid_t daemon = ops_.add_process("d.service");
  exit_control(0);
  port_.advance(5 * kUsecPerSec);
  EXPECT_EQ(s.sub_state(), SubState::stop_sigterm);
  end_other(daemon);
  EXPECT_EQ(s.sub_state(), SubState::failed);
  EXPECT_EQ(s.result(), ServiceResult::timeout);
}

// systemd's service_load_pid_file(): a PID outside the service is taken
// only from a file root owns; refused, the service waits for a better file
// (here until the start timeout). Inside the service any owner will do.
TEST_F(ServiceTest, ForkingRefusesAForeignPidFromAFileRootDoesNotOwn) {
  ServiceConfig c = make_config("d.service", ServiceType::forking);
  c.pid_file = "/run/d.pid";
  c.timeout_start = 5 * kUsecPerSec;
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  pid_t daemon = ops_.add_process("d.service");
  pid_t stranger = ops_.add_process("other.service");
  ops_.pid_files["/run/d.pid"] = stranger;
  ops_.pid_file_owners["/run/d.pid"] = 65534;
  exit_control(0);
  EXPECT_EQ(s.sub_state(), SubState::start) << "refused: still waiting";
  EXPECT_EQ(s.main_pid(), 0);
  EXPECT_NE(std::find(listener_.messages.begin(), listener_.messages.end(),
                      "new main PID " + std::to_string(stranger) +
                          " does not belong to service, and PID file is not owned by root, refusing"),
            listener_.messages.end());
  port_.advance(5 * kUsecPerSec);
  end_other(daemon);
  EXPECT_EQ(s.result(), ServiceResult::timeout);
}

// CHASE_SAFE: a root-owned file reached through another user's symlink or
// directory does not vouch for a PID outside the service; one inside is fine.
TEST_F(ServiceTest, ForkingRefusesAForeignPidThroughAnUnsafePath) {
  ServiceConfig c = make_config("d.service", ServiceType::forking);
  c.pid_file = "/run/d.pid";
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  pid_t own = ops_.add_process("d.service");
  pid_t stranger = ops_.add_process("other.service");
  ops_.pid_files["/run/d.pid"] = stranger;
  ops_.unsafe_pid_file_paths.insert("/run/d.pid");
  exit_control(0);
  EXPECT_EQ(s.sub_state(), SubState::start) << "refused: still waiting";
  ops_.pid_files["/run/d.pid"] = own;
  port_.make_readable(ops_.path_watches["/run/d.pid"]);
  EXPECT_EQ(s.sub_state(), SubState::running);
  EXPECT_EQ(s.main_pid(), own);
}

TEST_F(ServiceTest, ForkingTakesAForeignPidFromRootsFileAndItsOwnFromAnyones) {
  ServiceConfig c = make_config("d.service", ServiceType::forking);
  c.pid_file = "/run/d.pid";
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  pid_t stranger = ops_.add_process("other.service");
  ops_.pid_files["/run/d.pid"] = stranger;
  exit_control(0);
  EXPECT_EQ(s.sub_state(), SubState::running);
  EXPECT_EQ(s.main_pid(), stranger);

  ServiceConfig e = make_config("e.service", ServiceType::forking);
  e.pid_file = "/run/e.pid";
  Service& t = make(e);
  ASSERT_EQ(t.start(), StartOutcome::started);
  pid_t own = ops_.add_process("e.service");
  ops_.pid_files["/run/e.pid"] = own;
  ops_.pid_file_owners["/run/e.pid"] = 65534;
  exit_control(0);
  EXPECT_EQ(t.sub_state(), SubState::running);
  EXPECT_EQ(t.main_pid(), own);
}

TEST_F(ServiceTest, ForkingGuessesItsMainPid) {
  ServiceConfig c = make_config("d.service", ServiceType::forking);
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  pid_t daemon = ops_.add_process("d.service");
  ops_.reparented.insert(daemon);
  exit_control(0);
  EXPECT_EQ(s.sub_state(), SubState::running);
  EXPECT_EQ(s.main_pid(), daemon);
  exit_process(daemon, CLD_EXITED, 3);
  EXPECT_EQ(s.result(), ServiceResult::exit_code);
}

TEST_F(ServiceTest, ForkingWithoutGuessLivesAsLongAsItsProcesses) {
  ServiceConfig c = make_config("d.service", ServiceType::forking);
  c.guess_main_pid = false;
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  pid_t daemon = ops_.add_process("d.service");
  ops_.reparented.insert(daemon);
  exit_control(0);
  EXPECT_EQ(s.sub_state(), SubState::running);
  EXPECT_EQ(s.main_pid(), 0);
  end_other(daemon);
  EXPECT_EQ(s.sub_state(), SubState::dead);
  EXPECT_EQ(s.result(), ServiceResult::success) << "its status is nobody's";
}

// Issue 12: KillMode=mixed, a main process with a child: SIGTERM to main
// only, then SIGKILL to the rest as soon as main has exited.
TEST_F(ServiceTest, KillModeMixedKillsTheRestOnceMainHasExited) {
  ServiceConfig c = make_config("m.service");
  c.kill_mode = KillMode::mixed;
  c.timeout_stop = 6 * kUsecPerSec;
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  pid_t child = ops_.add_process("m.service");
  pid_t main = s.main_pid();
  ASSERT_EQ(s.stop(), StopOutcome::stopping);
  EXPECT_TRUE(ops_.was_signalled(main, SIGTERM));
  EXPECT_FALSE(ops_.scope_was_signalled("m.service", SIGTERM));
  kill_main(SIGTERM);
  EXPECT_TRUE(ops_.scope_was_signalled("m.service", SIGKILL));
  EXPECT_EQ(s.sub_state(), SubState::final_sigkill);
  end_other(child);
  EXPECT_EQ(s.sub_state(), SubState::dead);
  EXPECT_EQ(s.result(), ServiceResult::success);
}

TEST_F(ServiceTest, KillSignalsFollowTheStep) {
  ServiceConfig c = make_config("k.service");
  c.restart_kill_signal = SIGUSR1;
  c.final_kill_signal = SIGQUIT;
  c.send_sighup = true;
  c.timeout_stop = kUsecPerSec;
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  pid_t main = s.main_pid();
  ASSERT_EQ(s.stop(StopReason::restart), StopOutcome::stopping);
  EXPECT_TRUE(ops_.was_signalled(main, SIGUSR1)) << "a restart's stop";
  EXPECT_FALSE(ops_.was_signalled(main, SIGHUP)) << "SendSIGHUP= is not for a restart's stop (KILL_RESTART)";
  EXPECT_TRUE(ops_.was_signalled(main, SIGCONT));
  EXPECT_FALSE(ops_.was_signalled(main, SIGTERM));
  port_.advance(kUsecPerSec);
  EXPECT_TRUE(ops_.was_signalled(main, SIGQUIT)) << "FinalKillSignal= instead of SIGKILL";
  EXPECT_FALSE(ops_.was_signalled(main, SIGKILL));
}

TEST_F(ServiceTest, StopCommandsSeeHowTheMainProcessEnded) {
  ServiceConfig c = make_config("e.service");
  c.exec_stop_post.push_back(make_command("/bin/post"));
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  kill_main(SIGKILL);
  ASSERT_EQ(s.sub_state(), SubState::stop_post);
  const auto& env = ops_.last_spawn()->environment;
  for (const char* expected : {"SERVICE_RESULT=signal", "EXIT_CODE=killed", "EXIT_STATUS=KILL"})
    EXPECT_NE(std::find(env.begin(), env.end(), expected), env.end()) << expected;
  exit_control(0);
  ASSERT_EQ(s.start(), StartOutcome::started);
  exit_main(3);
  const auto& env3 = ops_.last_spawn()->environment;
  for (const char* expected : {"SERVICE_RESULT=exit-code", "EXIT_CODE=exited", "EXIT_STATUS=3"})
    EXPECT_NE(std::find(env3.begin(), env3.end(), expected), env3.end()) << expected;
}

// Issue 12: the watchdog of a oneshot does not run before its main process
// has exited (systemd starts it in start-post).
TEST_F(ServiceTest, OneshotWatchdogWaitsForTheMainProcess) {
  ServiceConfig c = make_config("o.service", ServiceType::oneshot);
  c.watchdog_usec = kUsecPerSec;
  c.remain_after_exit = true;
  c.timeout_start = kUsecInfinity;
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  port_.advance(10 * kUsecPerSec);
  EXPECT_EQ(s.sub_state(), SubState::start);
  exit_main(0);
  EXPECT_EQ(s.sub_state(), SubState::exited);
  port_.advance(10 * kUsecPerSec);
  EXPECT_EQ(s.sub_state(), SubState::exited);
  EXPECT_EQ(s.result(), ServiceResult::success);
}

TEST_F(ServiceTest, RuntimeDirectoryPreserveDecidesItsRemoval) {
  ServiceConfig c = make_config("r.service");
  c.runtime_directory_preserve = DirectoryPreserve::yes;
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  ASSERT_EQ(s.stop(), StopOutcome::stopping);
  kill_main(SIGTERM);
  EXPECT_TRUE(ops_.removed_runtime_directories.empty());
  ServiceConfig no = make_config("n.service");
  Service& n = make(no);
  ASSERT_EQ(n.start(), StartOutcome::started);
  ASSERT_EQ(n.stop(), StopOutcome::stopping);
  kill_main(SIGTERM);
  EXPECT_EQ(ops_.removed_runtime_directories, std::vector<std::string>{"n.service"});
}

// The listener hears of each run with the configuration it runs with: a
// reload in between counts from the next run on, an automatic restart is a
// run (the manager fixes the run's log labels then).
TEST_F(ServiceTest, EachRunBeginsWithItsConfiguration) {
  ServiceConfig c = make_config("web.service");
  c.description = "first";
  c.restart = RestartPolicy::always;
  c.restart_sec = kUsecPerSec;
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  ServiceConfig next = c;
  next.description = "second";
  s.replace_config(std::make_shared<ServiceConfig>(next));
  EXPECT_EQ(listener_.runs, std::vector<std::string>{"web.service first"}) << "a reload alone begins no run";
  exit_main(1);
  port_.advance(kUsecPerSec);
  EXPECT_EQ(listener_.runs, (std::vector<std::string>{"web.service first", "web.service second"}));
}

// PrivateNetwork=, PrivateIPC=: one namespace storage each per run, given to
// every process of it (so they share one namespace), dropped once dead; a
// restart gets fresh ones (systemd's exec_runtime, unref'ed in
// service_enter_dead()).
TEST_F(ServiceTest, PrivateNetworkAndIpcAreOnePerRun) {
  ServiceConfig c = make_config("n.service");
  c.private_network = true;
  c.private_ipc = true;
  c.restart = RestartPolicy::on_failure;
  c.restart_sec = kUsecPerSec;
  c.exec_start_pre.push_back(make_command("/bin/pre"));
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  exit_control(0);
  exit_main(1);  // a restart, after RestartSec=
  port_.advance(kUsecPerSec);
  exit_control(0);
  ASSERT_EQ(s.sub_state(), SubState::running);
  ASSERT_EQ(ops_.spawns.size(), 4u);
  const auto& spawns = ops_.spawns;
  EXPECT_NE(spawns[0].network_namespace, 0u);
  EXPECT_NE(spawns[0].ipc_namespace, 0u);
  EXPECT_NE(spawns[0].network_namespace, spawns[0].ipc_namespace) << "one storage per namespace";
  EXPECT_EQ(spawns[1].network_namespace, spawns[0].network_namespace) << "ExecStart= joins ExecStartPre='s";
  EXPECT_EQ(spawns[1].ipc_namespace, spawns[0].ipc_namespace);
  EXPECT_NE(spawns[2].network_namespace, spawns[0].network_namespace) << "the restart's run has its own";
  EXPECT_EQ(spawns[3].network_namespace, spawns[2].network_namespace);

  ServiceConfig plain = make_config("plain.service");
  Service& p = make(plain);
  ASSERT_EQ(p.start(), StartOutcome::started);
  EXPECT_EQ(ops_.spawns.back().network_namespace, 0u);
  EXPECT_EQ(ops_.spawns.back().ipc_namespace, 0u);
}

// PrivateTmp=: one pair of directories per run, given to every process of
// it, removed once dead; a restart gets fresh ones (systemd's
// service_enter_dead()).
TEST_F(ServiceTest, PrivateTmpIsOnePerRunAndGoesWhenDead) {
  ServiceConfig c = make_config("p.service");
  c.private_tmp = true;
  c.restart = RestartPolicy::on_failure;
  c.restart_sec = kUsecPerSec;
  c.exec_start_pre.push_back(make_command("/bin/pre"));
  c.exec_stop_post.push_back(make_command("/bin/post"));
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  ASSERT_EQ(ops_.created_private_tmp.size(), 1u);
  const std::string first = ops_.created_private_tmp.front();
  exit_control(0);
  exit_main(1);  // crashes: ExecStopPost= runs, then dead, then a restart
  ASSERT_EQ(s.sub_state(), SubState::stop_post);
  exit_control(0);
  EXPECT_EQ(ops_.removed_private_tmp, std::vector<std::string>{first});
  port_.advance(kUsecPerSec);
  ASSERT_EQ(ops_.created_private_tmp.size(), 2u);
  const std::string second = ops_.created_private_tmp.back();
  EXPECT_NE(second, first);
  exit_control(0);  // the second run's ExecStartPre=
  ASSERT_EQ(s.sub_state(), SubState::running);
  std::vector<std::string> seen;
  for (const auto& spawn : ops_.spawns) seen.push_back(spawn.private_tmp);
  EXPECT_EQ(seen, (std::vector<std::string>{first, first, first, second, second}));

  // Without it, none; when they cannot be made, the start fails (resources).
  ops_.private_tmp_error = -ENOSPC;
  ServiceConfig broken = make_config("b.service");
  broken.private_tmp = true;
  Service& b = make(broken);
  (void)b.start();
  EXPECT_EQ(b.result(), ServiceResult::resources);
  EXPECT_EQ(b.active_state(), ActiveState::failed);
}

TEST_F(ServiceTest, StartPreFailureSkipsMainButRunsStopPost) {
  ServiceConfig c = make_config("pre.service");
  c.exec_start_pre.push_back(make_command("/bin/check"));
  c.exec_stop_post.push_back(make_command("/bin/cleanup"));
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  EXPECT_EQ(s.sub_state(), SubState::start_pre);
  exit_control(1);
  EXPECT_EQ(s.sub_state(), SubState::stop_post);
  EXPECT_EQ(ops_.last_spawn()->path, "/bin/cleanup");
  exit_control(0);
  EXPECT_EQ(s.sub_state(), SubState::failed);
  EXPECT_EQ(s.result(), ServiceResult::exit_code);
  for (const auto& spawn : ops_.spawns) EXPECT_NE(spawn.role, ProcessRole::main);
}

TEST_F(ServiceTest, DashPrefixIgnoresFailure) {
  ServiceConfig c = make_config("pre.service");
  c.exec_start_pre.push_back(make_command("/bin/maybe", true));
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  exit_control(1);
  EXPECT_EQ(s.sub_state(), SubState::running);
}

// ExecCondition= (systemd 252's service_enter_condition()): its commands
// run one after another before ExecStartPre=, in sub-state condition.
TEST_F(ServiceTest, ExecConditionRunsBeforeStartPre) {
  ServiceConfig c = make_config("c.service");
  c.exec_condition.push_back(make_command("/bin/cond1"));
  c.exec_condition.push_back(make_command("/bin/cond2"));
  c.exec_start_pre.push_back(make_command("/bin/pre"));
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  EXPECT_EQ(s.sub_state(), SubState::condition);
  EXPECT_EQ(s.active_state(), ActiveState::activating);
  EXPECT_EQ(ops_.last_spawn()->path, "/bin/cond1");
  EXPECT_EQ(ops_.last_spawn()->role, ProcessRole::control);
  exit_control(0);
  EXPECT_EQ(s.sub_state(), SubState::condition);
  EXPECT_EQ(ops_.last_spawn()->path, "/bin/cond2");
  exit_control(0);
  EXPECT_EQ(s.sub_state(), SubState::start_pre);
  exit_control(0);
  EXPECT_EQ(s.sub_state(), SubState::running);
  EXPECT_EQ(s.result(), ServiceResult::success);
}

// An exit status of 1-254 (203, a command that could not be executed,
// included) skips the unit: no further command starts, the stop path runs
// (ExecStopPost= sees SERVICE_RESULT=exec-condition), the end is dead.
// Recorded: tests/conformance/cases/exec-condition.
TEST_F(ServiceTest, ExecConditionExit1To254SkipsTheUnit) {
  for (int status : {1, 203, 254}) {
    ops_.spawns.clear();
    ServiceConfig c = make_config("c.service");
    c.exec_condition.push_back(make_command("/bin/cond1"));
    c.exec_condition.push_back(make_command("/bin/cond2"));
    c.exec_start_pre.push_back(make_command("/bin/pre"));
    c.exec_stop.push_back(make_command("/bin/stop"));
    c.exec_stop_post.push_back(make_command("/bin/stop-post"));
    Service& s = make(c);
    ASSERT_EQ(s.start(), StartOutcome::started);
    exit_control(status);
    EXPECT_EQ(s.sub_state(), SubState::stop_post) << status;
    const auto& env = ops_.last_spawn()->environment;
    EXPECT_NE(std::find(env.begin(), env.end(), "SERVICE_RESULT=exec-condition"), env.end()) << status;
    exit_control(0);
    EXPECT_EQ(s.sub_state(), SubState::dead) << status;
    EXPECT_EQ(s.active_state(), ActiveState::inactive) << status;
    EXPECT_EQ(s.result(), ServiceResult::exec_condition) << status;
    std::vector<std::string> paths;
    for (const auto& spawn : ops_.spawns) paths.push_back(spawn.path);
    EXPECT_EQ(paths, (std::vector<std::string>{"/bin/cond1", "/bin/stop-post"})) << status;
  }
}

// 255, a signal or a core dump fail the unit as a failing ExecStartPre=
// would (systemd keeps 255 for "the condition could not be checked").
TEST_F(ServiceTest, ExecConditionExit255OrSignalFailsTheUnit) {
  const std::vector<std::pair<ExitInfo, ServiceResult>> ends = {
      {{CLD_EXITED, 255}, ServiceResult::exit_code},
      {{CLD_KILLED, SIGTERM}, ServiceResult::signal},
      {{CLD_DUMPED, SIGSEGV}, ServiceResult::core_dump},
  };
  for (const auto& [end, result] : ends) {
    ServiceConfig c = make_config("c.service");
    c.exec_condition.push_back(make_command("/bin/cond"));
    Service& s = make(c);
    ASSERT_EQ(s.start(), StartOutcome::started);
    exit_process(s.control_pid(), end.code, end.status);
    EXPECT_EQ(s.sub_state(), SubState::failed) << to_string(result);
    EXPECT_EQ(s.result(), result);
    for (const auto& spawn : ops_.spawns) EXPECT_NE(spawn.role, ProcessRole::main);
  }
}

TEST_F(ServiceTest, ExecConditionDashPrefixGoesOnWhateverTheEnd) {
  ServiceConfig c = make_config("c.service");
  c.exec_condition.push_back(make_command("/bin/one", true));
  c.exec_condition.push_back(make_command("/bin/two-five-five", true));
  c.exec_condition.push_back(make_command("/bin/killed", true));
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  exit_control(1);
  exit_control(255);
  exit_process(s.control_pid(), CLD_KILLED, SIGKILL);
  EXPECT_EQ(s.sub_state(), SubState::running);
  EXPECT_EQ(s.result(), ServiceResult::success);
}

// systemd 252's service_shall_restart(): no Restart= setting restarts a
// skip, Restart=always included (recorded:
// tests/conformance/cases/exec-condition-restart); 255 is a failure.
TEST_F(ServiceTest, ExecConditionSkipIsNeverRestarted) {
  for (RestartPolicy policy : {RestartPolicy::always, RestartPolicy::on_failure, RestartPolicy::on_abnormal,
                               RestartPolicy::on_success}) {
    ServiceConfig c = make_config("c.service");
    c.restart = policy;
    c.exec_condition.push_back(make_command("/bin/cond"));
    Service& s = make(c);
    ASSERT_EQ(s.start(), StartOutcome::started);
    exit_control(1);
    EXPECT_EQ(s.sub_state(), SubState::dead) << static_cast<int>(policy);
  }
  ServiceConfig c = make_config("c.service");
  c.restart = RestartPolicy::on_failure;
  c.exec_condition.push_back(make_command("/bin/cond"));
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  exit_control(255);
  EXPECT_EQ(s.sub_state(), SubState::auto_restart);
  EXPECT_EQ(s.result(), ServiceResult::exit_code);
}

TEST_F(ServiceTest, ExecConditionTimesOutWithTimeoutStartSec) {
  ServiceConfig c = make_config("c.service");
  c.timeout_start = 2 * kUsecPerSec;
  c.exec_condition.push_back(make_command("/bin/slow"));
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  port_.advance(2 * kUsecPerSec);
  EXPECT_EQ(s.sub_state(), SubState::stop_sigterm);
  exit_process(s.control_pid(), CLD_KILLED, SIGTERM);
  EXPECT_EQ(s.sub_state(), SubState::failed);
  EXPECT_EQ(s.result(), ServiceResult::timeout);
}

// A stop while ExecCondition= runs goes straight to the signals; the
// command's death by SIGTERM is a control process failing, so the unit
// ends failed with result signal (recorded from systemd 252:
// tests/conformance/cases/exec-condition, slow.service).
TEST_F(ServiceTest, StopDuringExecConditionEndsFailedBySignal) {
  ServiceConfig c = make_config("c.service");
  c.exec_condition.push_back(make_command("/bin/slow"));
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  pid_t control = s.control_pid();
  ASSERT_EQ(s.stop(), StopOutcome::stopping);
  EXPECT_EQ(s.sub_state(), SubState::stop_sigterm);
  EXPECT_TRUE(ops_.was_signalled(control, SIGTERM));
  exit_process(control, CLD_KILLED, SIGTERM);
  EXPECT_EQ(s.sub_state(), SubState::failed);
  EXPECT_EQ(s.result(), ServiceResult::signal);
}

// A forking service's ExecStart= process is judged as a daemon (systemd's
// EXIT_CLEAN_DAEMON): stopped by SIGTERM while it runs, it is no failure.
TEST_F(ServiceTest, StopDuringForkingStartEndsDeadOnACleanSignal) {
  ServiceConfig c = make_config("f.service", ServiceType::forking);
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  pid_t control = s.control_pid();
  ASSERT_EQ(s.stop(), StopOutcome::stopping);
  exit_process(control, CLD_KILLED, SIGTERM);
  EXPECT_EQ(s.sub_state(), SubState::dead);
  EXPECT_EQ(s.result(), ServiceResult::success);
}

// systemd's service_enter_condition(): when the first command cannot even
// be spawned the unit goes to dead at once (failed, resources).
TEST_F(ServiceTest, ExecConditionSpawnFailureFailsWithResources) {
  ServiceConfig c = make_config("c.service");
  c.exec_condition.push_back(make_command("/bin/cond"));
  c.exec_stop_post.push_back(make_command("/bin/stop-post"));
  Service& s = make(c);
  ops_.fail_spawns = true;
  ASSERT_EQ(s.start(), StartOutcome::started);
  EXPECT_EQ(s.sub_state(), SubState::failed);
  EXPECT_EQ(s.result(), ServiceResult::resources);
  ASSERT_GE(listener_.transitions.size(), 2u);
  EXPECT_EQ(listener_.transitions[0].to, SubState::condition) << "watchers see the attempt";
}

TEST_F(ServiceTest, ExecStopRunsBeforeSignalsAndGetsMainPid) {
  ServiceConfig c = make_config("s.service");
  c.exec_stop.push_back(make_command("/bin/graceful"));
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  pid_t main = s.main_pid();
  ASSERT_EQ(s.stop(), StopOutcome::stopping);
  EXPECT_EQ(s.sub_state(), SubState::stop);
  const auto& env = ops_.last_spawn()->environment;
  EXPECT_NE(std::find(env.begin(), env.end(), "MAINPID=" + std::to_string(main)), env.end());
  exit_process(main, CLD_EXITED, 0);  // the graceful stop worked
  exit_control(0);
  EXPECT_EQ(s.sub_state(), SubState::dead);
}

TEST_F(ServiceTest, KillModeProcessSignalsOnlyTheMainProcess) {
  ServiceConfig c = make_config("k.service");
  c.kill_mode = KillMode::process;
  c.kill_signal = SIGINT;
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  ops_.add_process("k.service");
  pid_t main = s.main_pid();
  ASSERT_EQ(s.stop(), StopOutcome::stopping);
  EXPECT_TRUE(ops_.was_signalled(main, SIGINT));
  EXPECT_FALSE(ops_.scope_was_signalled("k.service", SIGINT));
  kill_main(SIGINT);
  EXPECT_EQ(s.sub_state(), SubState::dead) << "KillMode=process leaves the rest alone";
}

TEST_F(ServiceTest, ReloadRunsExecReload) {
  ServiceConfig c = make_config("r.service");
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  EXPECT_EQ(s.reload(), ReloadOutcome::not_reloadable);
  ASSERT_EQ(s.stop(), StopOutcome::stopping);
  kill_main(SIGTERM);

  c.exec_reload.push_back(make_command("/bin/kill"));
  s.replace_config(std::make_shared<ServiceConfig>(c));
  EXPECT_EQ(s.reload(), ReloadOutcome::not_active);
  ASSERT_EQ(s.start(), StartOutcome::started);
  ASSERT_EQ(s.reload(), ReloadOutcome::reloading);
  EXPECT_EQ(s.active_state(), ActiveState::reloading);
  exit_control(0);
  EXPECT_EQ(s.sub_state(), SubState::running);
}

// An assert that fails fails the start (the job's result "assert") and
// leaves the unit as it was; its outcome shows in Asserts and AssertResult.
// Asserts are tested only when the conditions hold.
TEST_F(ServiceTest, AFailedAssertFailsTheStartAndLeavesTheUnitDead) {
  ServiceConfig c = make_config("assert.service");
  c.asserts.push_back({ConditionType::kernel_version, ">=99", false, false});
  c.conditions.push_back(path_exists("/etc/ready", false, false));
  ops_.condition_results[">=99"] = 0;
  Service& s = make(c);
  EXPECT_EQ(s.start(), StartOutcome::condition_failed);
  EXPECT_EQ(s.condition_statuses(/*asserts=*/true).at(0).state, 0) << "not reached";
  ops_.existing_paths.insert("/etc/ready");
  EXPECT_EQ(s.start(), StartOutcome::assert_failed);
  EXPECT_EQ(s.sub_state(), SubState::dead);
  EXPECT_TRUE(s.condition_result());
  EXPECT_FALSE(s.assert_result());
  auto asserts = s.condition_statuses(/*asserts=*/true);
  ASSERT_EQ(asserts.size(), 1u);
  EXPECT_EQ(asserts[0].type, "AssertKernelVersion");
  EXPECT_EQ(asserts[0].state, -1);
  ops_.condition_results[">=99"] = 1;
  EXPECT_EQ(s.start(), StartOutcome::started);
  EXPECT_TRUE(s.assert_result());
}

// A condition that cannot be tested (-errno) counts as not met, negated or not.
TEST_F(ServiceTest, AConditionThatCannotBeTestedFailsEvenNegated) {
  ServiceConfig c = make_config("cpus.service");
  c.conditions.push_back({ConditionType::cpus, "1k", false, /*negate=*/true});
  ops_.condition_results["1k"] = -EINVAL;
  Service& s = make(c);
  EXPECT_EQ(s.start(), StartOutcome::condition_failed);
  EXPECT_EQ(s.condition_statuses().at(0).state, -1);
}

TEST_F(ServiceTest, ConditionPathExists) {
  ServiceConfig c = make_config("cond.service");
  c.conditions.push_back(path_exists("/etc/ready", /*trigger=*/false, /*negate=*/false));
  Service& s = make(c);
  EXPECT_EQ(s.start(), StartOutcome::condition_failed);
  EXPECT_EQ(s.sub_state(), SubState::dead);
  ops_.existing_paths.insert("/etc/ready");
  EXPECT_EQ(s.start(), StartOutcome::started);
}

// A restart that a condition stops keeps NRestarts for the next start
// (systemd 252: the unit goes dead without service_enter_dead(), so its
// flush_n_restarts stays off), while a stop for good flushes it.
TEST_F(ServiceTest, ARestartStoppedByAConditionKeepsTheRestartCount) {
  ServiceConfig c = make_config("cond.service");
  c.restart = RestartPolicy::always;
  c.restart_sec = 100'000;
  c.conditions.push_back(path_exists("/etc/ready", /*trigger=*/false, /*negate=*/false));
  ops_.existing_paths.insert("/etc/ready");
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  exit_main(1);
  port_.advance(100'000);
  ASSERT_EQ(s.n_restarts(), 1u);
  ops_.existing_paths.erase("/etc/ready");
  exit_main(1);
  port_.advance(100'000);
  ASSERT_EQ(s.sub_state(), SubState::dead) << "the condition failed at the restart";
  EXPECT_EQ(s.n_restarts(), 2u);
  ops_.existing_paths.insert("/etc/ready");
  ASSERT_EQ(s.start(), StartOutcome::started);
  EXPECT_EQ(s.n_restarts(), 2u) << "not flushed";
  ASSERT_EQ(s.stop(), StopOutcome::stopping);
  kill_main(SIGTERM);
  ASSERT_EQ(s.start(), StartOutcome::started);
  EXPECT_EQ(s.n_restarts(), 0u) << "a stop for good flushes it at the next start";
}

TEST_F(ServiceTest, SpawnFailureIsAResourcesFailure) {
  Service& s = make(make_config("x.service"));
  ops_.fail_spawns = true;
  ASSERT_EQ(s.start(), StartOutcome::started);
  EXPECT_EQ(s.sub_state(), SubState::failed);
  EXPECT_EQ(s.result(), ServiceResult::resources);
}

TEST_F(ServiceTest, NewConfigTakesEffectAtNextStart) {
  ServiceConfig c = make_config("x.service");
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  c.exec_start[0] = make_command("/usr/bin/newer");
  s.replace_config(std::make_shared<ServiceConfig>(c));
  ASSERT_EQ(s.stop(), StopOutcome::stopping);
  kill_main(SIGTERM);
  ASSERT_EQ(s.start(), StartOutcome::started);
  EXPECT_EQ(ops_.last_spawn()->path, "/usr/bin/newer");
}

TEST_F(ServiceTest, BadSettingNeverStarts) {
  ServiceConfig c = make_config("bad.service");
  c.load_state = LoadState::bad_setting;
  Service& s = make(c);
  EXPECT_EQ(s.start(), StartOutcome::not_loaded);
  EXPECT_TRUE(ops_.spawns.empty());
}

// exec_status_exit(): every process of the service, control or main, has
// its end told (UtmpIdentifier='s DEAD_PROCESS record); others are not.
TEST_F(ServiceTest, EachMainAndControlProcessExitIsRecorded) {
  ServiceConfig c = make_config("tty.service", ServiceType::simple);
  c.exec_start_pre.push_back(make_command("/bin/pre"));
  c.exec_stop.push_back(make_command("/bin/stop"));
  Service& s = make(std::move(c));
  ASSERT_EQ(s.start(), StartOutcome::started);
  const pid_t pre = s.control_pid();
  exit_control(0);
  const pid_t main = s.main_pid();
  ASSERT_EQ(s.stop(), StopOutcome::stopping);
  const pid_t stop = s.control_pid();
  exit_control(0);
  kill_main(SIGTERM);
  end_other(9999);
  EXPECT_EQ(ops_.recorded_exits,
            (std::vector<std::string>{"tty.service " + std::to_string(pre) + " 1/0",
                                      "tty.service " + std::to_string(stop) + " 1/0",
                                      "tty.service " + std::to_string(main) + " 2/15"}));
}

// TimeoutStopFailureMode=kill without SendSIGKILL=: an ExecStop= still
// running when the stop times out is no longer watched once ExecStopPost=
// starts (service_enter_stop_post() unwatches the control PID).
TEST_F(ServiceTest, AControlProcessLeftByATimeoutIsForgottenBeforeStopPost) {
  ServiceConfig c = make_config("slow.service");
  c.exec_stop.push_back(make_command("/bin/slow-stop"));
  c.exec_stop_post.push_back(make_command("/bin/post"));
  c.timeout_stop = kUsecPerSec;
  c.timeout_stop_failure_mode = TimeoutFailureMode::kill;
  c.send_sigkill = false;
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  ASSERT_EQ(s.stop(), StopOutcome::stopping);
  const pid_t slow_stop = s.control_pid();
  ASSERT_GT(slow_stop, 0);
  port_.advance(kUsecPerSec);
  ASSERT_EQ(s.sub_state(), SubState::stop_post);
  EXPECT_NE(s.control_pid(), slow_stop);
  EXPECT_FALSE(ops_.was_signalled(slow_stop, SIGKILL));
  EXPECT_FALSE(service_->on_process_exited(slow_stop, {CLD_EXITED, 0})) << "no longer the service's control process";
}

// KillMode=none: what is left is waited for once; without SendSIGKILL= the
// end of that wait still lets Restart= act, as systemd's end of the wait
// (service_enter_signal() finding nothing to signal) does.
TEST_F(ServiceTest, KillModeNonesTimedOutWaitStillRestarts) {
  ServiceConfig c = make_config("n.service");
  c.kill_mode = KillMode::none;
  c.send_sigkill = false;
  c.restart = RestartPolicy::on_failure;
  c.timeout_stop = kUsecPerSec;
  Service& s = make(c);
  ASSERT_EQ(s.start(), StartOutcome::started);
  (void)ops_.add_process("n.service");
  exit_main(1);
  ASSERT_EQ(s.sub_state(), SubState::final_sigterm);
  port_.advance(kUsecPerSec);
  EXPECT_EQ(s.sub_state(), SubState::auto_restart);
}

}  // namespace
}  // namespace vermilion
