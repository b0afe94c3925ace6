// The composition root in-process: a real Supervisor with real processes,
// waited on through its loop (supervisor_fixture.h). Needs root (system
// scope puts services in cgroups).
#include "supervisor.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "supervisor_fixture.h"

namespace vermilion {
namespace {

using testing::TempDir;

class SupervisorTest : public testing::SupervisorFixture {
 protected:
  static bool is_subreaper() {
    int flag = 0;
    return prctl(PR_GET_CHILD_SUBREAPER, &flag) == 0 && flag != 0;
  }
  static bool same_mask(const sigset_t& a, const sigset_t& b) {
    for (int sig = 1; sig < NSIG; ++sig)
      if (sigismember(&a, sig) != sigismember(&b, sig)) return false;
    return true;
  }
  bool has_line(const std::string& unit, const std::string& line) {
    auto lines = log_lines(unit);
    return std::find(lines.begin(), lines.end(), line) != lines.end();
  }
};

TEST_F(SupervisorTest, InProcessItChangesNoProcessWideState) {
  sigset_t before, after;
  ASSERT_EQ(sigprocmask(SIG_SETMASK, nullptr, &before), 0);
  ASSERT_FALSE(is_subreaper()) << "the test starts clean";
  unit("sleeper.service", "[Service]\nExecStart=/bin/sleep 1000\n");
  boot();
  ASSERT_EQ(run_job(JobType::start, "sleeper"), JobResult::done);
  ASSERT_EQ(run_job(JobType::stop, "sleeper"), JobResult::done);
  ASSERT_EQ(sigprocmask(SIG_SETMASK, nullptr, &after), 0);
  EXPECT_TRUE(same_mask(before, after)) << "no signal blocked";
  EXPECT_FALSE(is_subreaper()) << "orphans are not redirected to the test";
}

// Issue 8: a test that forks its own helper and waitpid()s it gets it, even
// when the helper exits while the supervisor's loop reaps services.
TEST_F(SupervisorTest, TheProgramKeepsItsOwnChildren) {
  unit("quick.service", "[Service]\nType=oneshot\nExecStart=/bin/true\n");
  boot();
  fd_pair gate;
  ASSERT_EQ(make_pipe(gate), 0);
  pid_t own = fork();
  ASSERT_GE(own, 0);
  if (own == 0) {
    close(gate.second.get());
    char byte;
    while (read(gate.first.get(), &byte, 1) > 0) {
    }
    _exit(7);
  }
  gate.second.reset();  // the helper exits now, while the supervisor runs below
  siginfo_t info{};
  ASSERT_EQ(waitid(P_PID, static_cast<id_t>(own), &info, WEXITED | WNOWAIT), 0) << "exited, still unreaped";

  // Services exit and are reaped: the loop handles child exits.
  ASSERT_EQ(run_job(JobType::start, "quick"), JobResult::done);
  EXPECT_EQ(service("quick").result(), ServiceResult::success);

  int status = 0;
  ASSERT_EQ(waitpid(own, &status, WNOHANG), own) << "the supervisor did not take the test's child";
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 7);
}

TEST_F(SupervisorTest, AServicesLastOutputIsReadBeforeItsExitIsHandled) {
  unit("talker.service", "[Service]\nExecStart=/bin/sh -c 'echo one; echo two; echo three >&2; exit 3'\n");
  boot();
  std::vector<std::string> lines_when_failed;
  ASSERT_EQ(run_job(JobType::start, "talker"), JobResult::done);
  ASSERT_TRUE(wait_for([&] {
    if (service("talker").active_state() != ActiveState::failed) return false;
    lines_when_failed = log_lines("talker");
    return true;
  }));
  EXPECT_EQ(lines_when_failed, (std::vector<std::string>{"one", "two", "three"}));
  EXPECT_EQ(service("talker").result(), ServiceResult::exit_code);
  EXPECT_TRUE(wait_daemon_log({"talker.service: state failed/failed", "result=exit-code"})) << daemon_log();
}

TEST_F(SupervisorTest, AServiceWithCapabilitiesGetsALinkThatGoesWithIt) {
  unit("holder.service", "[Service]\nExecStart=/bin/sleep 1000\n");
  unit("plain.service", "[Service]\nExecStart=/bin/sleep 1000\n");
  policy("holder.policy", "[Grant]\nTo=holder\nCapability=service:plain\nRights=status\n");
  boot();
  ASSERT_EQ(run_job(JobType::start, "plain"), JobResult::done);
  EXPECT_EQ(supervisor_->link_count(), 0u) << "no grants, no link";
  ASSERT_EQ(run_job(JobType::start, "holder"), JobResult::done);
  EXPECT_EQ(supervisor_->link_count(), 1u);
  ASSERT_EQ(run_job(JobType::stop, "holder"), JobResult::done);
  EXPECT_TRUE(wait_for([&] { return supervisor_->link_count() == 0; })) << "a closed link is swept";
}

TEST_F(SupervisorTest, ReloadPicksUpNewUnitsAndPolicies) {
  unit("first.service", "[Service]\nExecStart=/bin/sleep 1000\n");
  boot();
  EXPECT_EQ(supervisor_->manager().find("second"), nullptr);
  EXPECT_FALSE(supervisor_->broker().has_capabilities("first.service"));
  unit("second.service", "[Service]\nExecStart=/bin/sleep 1000\n");
  policy("first.policy", "[Grant]\nTo=first\nCapability=service:second\nRights=status\n");
  supervisor_->reload();  // what SIGHUP does, for a process that takes it
  EXPECT_NE(supervisor_->manager().find("second"), nullptr);
  EXPECT_TRUE(supervisor_->broker().has_capabilities("first.service"));
}

TEST_F(SupervisorTest, ClaimsOnTheProcessMustBeTrue) {
  // reap = every_child and handle_signals say main() blocked the signals;
  // here nobody did, and the supervisor says so rather than miss them.
  sigset_t mask;
  ASSERT_EQ(sigprocmask(SIG_SETMASK, nullptr, &mask), 0);
  ASSERT_EQ(sigismember(&mask, SIGCHLD), 0);
  ASSERT_EQ(sigismember(&mask, SIGTERM), 0);
  SupervisorOptions options;
  options.unit_dirs = {units_.path()};
  options.policy_dirs = {policies_.path()};
  options.runtime_dir = runtime_.file("vermilion");
  options.use_journal = false;
  int log = ::open(scratch_.file("refused.log").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  ASSERT_GE(log, 0);
  options.log_fd = log;
  std::unique_ptr<Supervisor> refused;
  options.reap = ReapScope::every_child;
  EXPECT_EQ(Supervisor::create(options, refused), -EBUSY);
  options.reap = ReapScope::forked_children;
  options.handle_signals = true;
  EXPECT_EQ(Supervisor::create(options, refused), -EBUSY);
  EXPECT_EQ(refused, nullptr);
  ::close(log);
  std::string said = testing::read_file(scratch_.file("refused.log"));
  EXPECT_NE(said.find("SIGCHLD must be blocked"), std::string::npos) << said;
  EXPECT_NE(said.find("cannot take SIGTERM"), std::string::npos) << said;
}

// main() reads the environment into options.environment; from there it
// reaches every module: the user manager's search paths and policy
// directory (XDG_CONFIG_HOME; XDG_DATA_HOME relative, hence its default),
// the runtime dir (XDG_RUNTIME_DIR), services' LANG, and the log's
// JOURNAL_STREAM.
TEST_F(SupervisorTest, TheEnvironmentMainReadFeedsTheModules) {
  TempDir home;
  std::filesystem::create_directories(home.file("cfg/vermilion/user"));
  std::filesystem::create_directories(home.file("cfg/vermilion/policy"));
  std::filesystem::create_directories(home.file(".local/share/vermilion/user"));
  home.write("cfg/vermilion/user/env.service", "[Service]\nType=oneshot\nExecStart=/usr/bin/env\n");
  home.write(".local/share/vermilion/user/data.service", "[Service]\nExecStart=/bin/sleep 1000\n");
  home.write("cfg/vermilion/policy/env.policy", "[Grant]\nTo=env\nCapability=service:data\nRights=status\n");

  log_fd_ = ::open(scratch_.file("vermiliond.log").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  ASSERT_GE(log_fd_, 0);
  struct stat st {};
  ASSERT_EQ(::fstat(log_fd_, &st), 0);
  const std::string home_var = "HOME=" + home.path();
  const std::string config_var = "XDG_CONFIG_HOME=" + home.file("cfg");
  const std::string runtime_var = "XDG_RUNTIME_DIR=" + home.file("run");
  const std::string stream_var = "JOURNAL_STREAM=" + std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  const char* envp[] = {home_var.c_str(), config_var.c_str(),  "XDG_DATA_HOME=relative/data",
                        runtime_var.c_str(), stream_var.c_str(), "LANG=eo.UTF-8",
                        nullptr};

  SupervisorOptions options;
  options.scope = RuntimeScope::user;
  options.environment = ProcessEnvironment::parse(envp);
  options.use_journal = false;
  options.log_fd = log_fd_;
  ASSERT_EQ(Supervisor::create(options, supervisor_), 0) << daemon_log();
  supervisor_->start();

  struct stat notify {};
  EXPECT_EQ(::stat(home.file("run/vermilion/notify").c_str(), &notify), 0) << "the notify socket under $XDG_RUNTIME_DIR";
  EXPECT_TRUE(S_ISSOCK(notify.st_mode));
  EXPECT_NE(supervisor_->manager().find("data"), nullptr) << "from ~/.local/share: XDG_DATA_HOME was relative";
  EXPECT_TRUE(supervisor_->broker().has_capabilities("env.service")) << "policy from $XDG_CONFIG_HOME";
  ASSERT_EQ(run_job(JobType::start, "env"), JobResult::done);
  EXPECT_TRUE(has_line("env", "LANG=eo.UTF-8"));
  EXPECT_TRUE(has_line("env", "XDG_RUNTIME_DIR=" + home.file("run")));
  EXPECT_TRUE(wait_daemon_log({"<6>env.service: state"})) << "journal priority prefixes:\n" << daemon_log();
}

}  // namespace
}  // namespace vermilion
