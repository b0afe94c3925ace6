// The real supervisor, in-process, running real services: every event comes
// from the kernel (SIGCHLD, the notify socket, pipes, signals sent to us).
// Waits are on the loop with a deadline, never sleeps.
#include <fcntl.h>

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <thread>

#include "pty.h"
#include "supervisor_fixture.h"

namespace vermilion {
namespace {

using testing::kHelpers;
using testing::process_exists;
using testing::read_file;
using testing::children_of;

class SupervisionTest : public testing::SupervisorFixture {};

TEST_F(SupervisionTest, RestartsACrashedService) {
  unit("crashy.service",
       "[Service]\nExecStart=/bin/sleep 1000\nRestart=on-failure\nRestartSec=50ms\n");
  boot();
  ASSERT_EQ(run_job(JobType::start, "crashy"), JobResult::done);
  pid_t first = service("crashy").main_pid();
  ASSERT_TRUE(process_exists(first));
  kill(first, SIGKILL);
  ASSERT_TRUE(wait_for([&] {
    return service("crashy").n_restarts() == 1 && service("crashy").sub_state() == SubState::running;
  }));
  EXPECT_NE(service("crashy").main_pid(), first);
  EXPECT_TRUE(process_exists(service("crashy").main_pid()));
  EXPECT_FALSE(process_exists(first)) << "the crashed process was reaped";
}

TEST_F(SupervisionTest, CrashLoopEndsInStartLimitHit) {
  unit("loop.service",
       "[Unit]\nStartLimitIntervalSec=60\nStartLimitBurst=3\n"
       "[Service]\nExecStart=/bin/false\nRestart=always\nRestartSec=10ms\n");
  boot();
  (void)run_job(JobType::start, "loop");
  ASSERT_TRUE(wait_state("loop.service", ActiveState::failed, SubState::failed));
  // The crash's exit-code stays the result, as in systemd 252
  // (conformance case on-failure-after-restarts).
  EXPECT_EQ(service("loop").result(), ServiceResult::exit_code);
  EXPECT_EQ(service("loop").n_restarts(), 3u);
  EXPECT_EQ(service("loop").main_pid(), 0);
}

TEST_F(SupervisionTest, NotifyServiceBecomesActiveOnReady) {
  unit("notifier.service", "[Service]\nType=notify\nExecStart=" + kHelpers + "/vermilion-test-notify\n");
  boot();
  ASSERT_EQ(run_job(JobType::start, "notifier"), JobResult::done);
  Service& s = service("notifier");
  EXPECT_EQ(s.active_state(), ActiveState::active);
  EXPECT_EQ(s.status_text(), "ready");
  EXPECT_TRUE(process_exists(s.main_pid()));
  ASSERT_EQ(run_job(JobType::stop, "notifier"), JobResult::done);
  EXPECT_EQ(s.result(), ServiceResult::success) << "it exits 0 on SIGTERM";
}

TEST_F(SupervisionTest, NotifyAccessDecidesWhoMayReport) {
  // The helper runs as a child of the main shell and reports READY=1 and
  // MAINPID=<itself> from its own PID.
  const std::string child = "ExecStart=/bin/sh -c '" + kHelpers + "/vermilion-test-notify & wait'\n";
  unit("open.service", "[Service]\nType=notify\nNotifyAccess=all\n" + child);
  unit("strict.service", "[Service]\nType=notify\nTimeoutStartSec=1s\n" + child);
  // The helpers outlive their shells: orphans, whose exits only a subreaper
  // sees (and whose zombies would keep the cgroup populated).
  as_main_process_ = true;
  boot();
  ASSERT_EQ(run_job(JobType::start, "open"), JobResult::done);
  EXPECT_EQ(service("open").status_text(), "ready");
  pid_t helper = service("open").main_pid();
  EXPECT_NE(read_file("/proc/" + std::to_string(helper) + "/cmdline").find("vermilion-test-notify"),
            std::string::npos)
      << "MAINPID= from a process of the service moved the main PID to it";

  EXPECT_EQ(run_job(JobType::start, "strict"), JobResult::failed)
      << "NotifyAccess=main refuses a child's READY=1; the start times out";
  EXPECT_EQ(service("strict").result(), ServiceResult::timeout);
}

TEST_F(SupervisionTest, NotifyWatchdogKeepsAServiceAliveOnlyWhilePinged) {
  unit("pinger.service", "[Service]\nType=notify\nWatchdogSec=1s\nExecStart=" + kHelpers +
                             "/vermilion-test-notify watchdog\n");
  unit("silent.service", "[Service]\nType=notify\nWatchdogSec=300ms\nExecStart=" + kHelpers +
                             "/vermilion-test-notify\n");
  boot();
  ASSERT_EQ(run_job(JobType::start, "pinger"), JobResult::done);
  ASSERT_EQ(run_job(JobType::start, "silent"), JobResult::done);
  ASSERT_TRUE(wait_state("silent.service", ActiveState::failed, SubState::failed));
  EXPECT_EQ(service("silent").result(), ServiceResult::watchdog);
  EXPECT_EQ(service("pinger").sub_state(), SubState::running) << "pings held the watchdog off";
}

TEST_F(SupervisionTest, StopTimeoutKillsATermIgnoringServiceAndAllItsChildren) {
  // The shell ignores SIGTERM, and so do its children (ignored signals are
  // inherited); one child even leaves the session.
  unit("stubborn.service",
       "[Service]\nExecStart=/bin/sh -c 'trap \"\" TERM; sleep 1000 & setsid sleep 1001 & "
       "echo up; wait'\nTimeoutStopSec=500ms\n");
  as_main_process_ = true;  // the children are orphans once the shell is killed: ours to reap
  boot();
  ASSERT_EQ(run_job(JobType::start, "stubborn"), JobResult::done);
  pid_t main = service("stubborn").main_pid();
  ASSERT_TRUE(wait_for([&] { return !log_lines("stubborn").empty(); })) << "both children forked";
  std::set<pid_t> children = children_of(main);

  ASSERT_EQ(run_job(JobType::stop, "stubborn"), JobResult::done);
  EXPECT_EQ(service("stubborn").active_state(), ActiveState::failed);
  EXPECT_EQ(service("stubborn").result(), ServiceResult::timeout);
  EXPECT_FALSE(process_exists(main));
  for (pid_t child : children) EXPECT_FALSE(process_exists(child)) << "child " << child << " survived";
}

TEST_F(SupervisionTest, ForkingDaemonIsTrackedThroughItsPidFile) {
  std::string pid_file = scratch_.file("daemon.pid");
  unit("daemon.service", "[Service]\nType=forking\nPIDFile=" + pid_file +
                             "\nExecStart=/bin/sh -c 'sleep 1000 & echo $! > " + pid_file + "'\n");
  as_main_process_ = true;  // the daemon is an orphan: its status comes to a subreaper
  boot();
  ASSERT_EQ(run_job(JobType::start, "daemon"), JobResult::done);
  pid_t daemon = std::atoi(read_file(pid_file).c_str());
  EXPECT_EQ(service("daemon").main_pid(), daemon);
  EXPECT_EQ(service("daemon").sub_state(), SubState::running);
  kill(daemon, SIGKILL);
  ASSERT_TRUE(wait_state("daemon.service", ActiveState::failed, SubState::failed));
  EXPECT_EQ(service("daemon").result(), ServiceResult::signal);
}

TEST_F(SupervisionTest, OneshotWithRemainAfterExit) {
  std::string marker = scratch_.file("done");
  unit("setup.service", "[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/touch " + marker +
                            "\nExecStop=/bin/rm " + marker + "\n");
  boot();
  ASSERT_EQ(run_job(JobType::start, "setup"), JobResult::done);
  EXPECT_EQ(service("setup").active_state(), ActiveState::active);
  EXPECT_EQ(service("setup").sub_state(), SubState::exited);
  EXPECT_EQ(access(marker.c_str(), F_OK), 0);
  ASSERT_EQ(run_job(JobType::stop, "setup"), JobResult::done);
  EXPECT_EQ(service("setup").active_state(), ActiveState::inactive);
  EXPECT_NE(access(marker.c_str(), F_OK), 0) << "ExecStop= ran";
}

TEST_F(SupervisionTest, DependenciesStartInOrderAndFailuresPropagate) {
  unit("db.service", "[Service]\nType=notify\nExecStart=" + kHelpers + "/vermilion-test-notify\n");
  unit("web.service", "[Unit]\nRequires=db.service\nAfter=db.service\n[Service]\nExecStart=/bin/sleep 1000\n");
  unit("broken.service", "[Service]\nType=oneshot\nExecStart=/bin/false\n");
  unit("needs-broken.service",
       "[Unit]\nRequires=broken.service\nAfter=broken.service\n[Service]\nExecStart=/bin/sleep 1000\n");
  boot();
  ASSERT_EQ(run_job(JobType::start, "web"), JobResult::done);
  EXPECT_LE(service("db").active_enter_timestamp(), service("web").inactive_exit_timestamp())
      << "web started only after db was ready";

  EXPECT_EQ(run_job(JobType::start, "needs-broken"), JobResult::dependency);
  EXPECT_EQ(service("broken").active_state(), ActiveState::failed);
  EXPECT_EQ(service("needs-broken").inactive_exit_timestamp(), 0u) << "never started";

  // Stopping db takes web down with it, web first.
  ASSERT_EQ(run_job(JobType::stop, "db"), JobResult::done);
  EXPECT_EQ(service("web").active_state(), ActiveState::inactive);
  EXPECT_LE(service("web").inactive_enter_timestamp(), service("db").inactive_enter_timestamp());
}

TEST_F(SupervisionTest, SighupReloadsUnits) {
  unit("old.service", "[Service]\nExecStart=/bin/sleep 1000\n");
  unit("changing.service", "[Service]\nExecStart=/bin/sh -c 'echo first; exec sleep 1000'\n");
  unit("running.service", "[Service]\nExecStart=/bin/sleep 1000\n");
  as_main_process_ = true;  // SIGHUP is the process's
  boot();
  ASSERT_EQ(run_job(JobType::start, "changing"), JobResult::done);
  ASSERT_EQ(run_job(JobType::start, "running"), JobResult::done);
  unlink(units_.file("old.service").c_str());
  unlink(units_.file("running.service").c_str());
  unit("new.service", "[Service]\nExecStart=/bin/sleep 1000\n");
  unit("changing.service", "[Service]\nExecStart=/bin/sh -c 'echo second; exec sleep 1000'\n");

  kill(getpid(), SIGHUP);
  ASSERT_TRUE(wait_for([&] { return supervisor_->manager().find("new") != nullptr; }));
  EXPECT_EQ(supervisor_->manager().find("old"), nullptr) << "removed while stopped: gone";
  ASSERT_NE(supervisor_->manager().find("running"), nullptr) << "removed but running: stays";
  ASSERT_TRUE(wait_for([&] { return log_lines("changing").size() == 1; }));
  EXPECT_EQ(log_lines("changing")[0], "first") << "the running process is untouched";
  ASSERT_EQ(run_job(JobType::restart, "changing"), JobResult::done);
  ASSERT_TRUE(wait_for([&] { return log_lines("changing").size() == 2; }));
  EXPECT_EQ(log_lines("changing")[1], "second") << "the new ExecStart= took effect";

  ASSERT_EQ(run_job(JobType::stop, "running"), JobResult::done);
  EXPECT_EQ(supervisor_->manager().find("running"), nullptr);
}

TEST_F(SupervisionTest, LogsAreCapturedAcrossARestart) {
  // "$$" is a literal "$" in ExecStart= (as in systemd): "$$$$" is the shell's $$.
  unit("chatty.service",
       "[Service]\nExecStart=/bin/sh -c 'echo \"hello from $$$$\"; echo to-stderr >&2; "
       "exec sleep 1000'\nRestart=always\nRestartSec=10ms\n");
  unit("partial.service", "[Service]\nType=oneshot\nExecStart=/usr/bin/printf 'first\\nno-newline'\n");
  boot();
  ASSERT_EQ(run_job(JobType::start, "chatty"), JobResult::done);
  pid_t first = service("chatty").main_pid();
  ASSERT_TRUE(wait_for([&] { return log_lines("chatty").size() >= 2; }));
  kill(first, SIGKILL);
  ASSERT_TRUE(wait_for([&] { return service("chatty").n_restarts() == 1 && log_lines("chatty").size() >= 4; }));
  auto lines = log_lines("chatty");
  EXPECT_EQ(lines[0], "hello from " + std::to_string(first));
  EXPECT_EQ(lines[1], "to-stderr");
  EXPECT_EQ(lines[2], "hello from " + std::to_string(service("chatty").main_pid()));
  EXPECT_EQ(lines[3], "to-stderr");

  ASSERT_EQ(run_job(JobType::start, "partial"), JobResult::done);
  EXPECT_EQ(log_lines("partial"), (std::vector<std::string>{"first", "no-newline"}))
      << "a partial line is kept when its writer is gone";
}

TEST_F(SupervisionTest, ServicesStartWithACleanEnvironmentAndNoStrayFds) {
  // An fd the supervisor's process has open without O_CLOEXEC must not leak.
  int leaky = open("/dev/null", O_RDONLY);
  ASSERT_GE(leaky, 0);
  unit("probe.service",
       "[Service]\nType=oneshot\nEnvironment=GREETING=hi\n"
       "ExecStart=/bin/sh -c 'ls /proc/self/fd | tr \"\\\\n\" \" \"; echo; env | sort'\n");
  setenv("VERMILION_TEST_SECRET", "leak", 1);
  boot();
  ASSERT_EQ(run_job(JobType::start, "probe"), JobResult::done);
  unsetenv("VERMILION_TEST_SECRET");
  close(leaky);
  ASSERT_TRUE(wait_for([&] { return log_lines("probe").size() >= 3; }));
  auto lines = log_lines("probe");
  // ls itself opens one fd for the directory it lists (3).
  EXPECT_EQ(lines[0], "0 1 2 3 ");
  bool greeting = false;
  for (const auto& line : lines) {
    EXPECT_EQ(line.find("VERMILION_TEST_SECRET"), std::string::npos) << line;
    greeting = greeting || line == "GREETING=hi";
  }
  EXPECT_TRUE(greeting);
}

// StandardInput=tty (systemd.exec(5)): the main process gets the terminal
// as stdin, stdout, stderr and controlling terminal, with $TERM; a control
// process writes to it but reads /dev/null; once the service is dead the
// terminal is root's again (exec_context_revert_tty()).
TEST_F(SupervisionTest, AServiceOnATerminalGetsItAndHandsItBackWhenDead) {
  if (geteuid() != 0) GTEST_SKIP() << "handing the terminal back needs root";
  testing::Pty pty;
  ASSERT_TRUE(pty.ok());
  ASSERT_EQ(chown(pty.path().c_str(), 65534, 65534), 0);  // as a previous user left it
  testing::TempDir dir;
  const std::string report = dir.file("report");
  // TTYReset= flushes what the terminal holds at each start and once the
  // service is dead, as systemd does: what the test reads from it is
  // written after the last start and read (by a thread, while the loop runs
  // the job) before the main process, which waits for a line from the test,
  // ends. The control process tells what it got in a file. The test holds
  // the terminal open, so that the master does not read as hung up while
  // no service has it.
  unit("console.service", "[Service]\nType=oneshot\nStandardInput=tty\nTTYPath=" + pty.path() +
                              "\nTTYReset=yes\nExecStartPre=/bin/sh -c 'test -t 1 && out=stdout-terminal; { test -t 0 || "
                              "echo stdin-not-terminal; echo $$out; } >" + dir.file("pre") + "'\n"
                              "ExecStart=/bin/sh -c '" + kHelpers + "/vermilion-test-probe terminal " + report +
                              " && read ack'\n");
  const int held = open(pty.path().c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
  ASSERT_GE(held, 0);
  boot();
  std::string on_terminal;
  std::thread reader([&] {
    on_terminal = pty.read_until("hello");
    (void)!write(pty.master(), "\n", 1);
  });
  EXPECT_EQ(run_job(JobType::start, "console"), JobResult::done);
  reader.join();
  close(held);
  EXPECT_NE(on_terminal.find("hello"), std::string::npos) << on_terminal;
  EXPECT_EQ(read_file(dir.file("pre")), "stdin-not-terminal\nstdout-terminal\n");
  const std::string device = std::to_string(major(pty.device())) + ":" + std::to_string(minor(pty.device()));
  const std::string r = read_file(report);
  EXPECT_NE(r.find("fd0=" + device + " tty=1\n"), std::string::npos) << r;
  EXPECT_NE(r.find("fd2=" + device + " tty=1\n"), std::string::npos) << r;
  EXPECT_NE(r.find("ctty_is_stdin=1\n"), std::string::npos) << r;
  EXPECT_NE(r.find("term=vt220\n"), std::string::npos) << r;
  ASSERT_TRUE(wait_state("console.service", ActiveState::inactive, SubState::dead));
  struct stat st {};
  ASSERT_EQ(stat(pty.path().c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 0u);
  EXPECT_EQ(st.st_gid, 5u);
  EXPECT_EQ(st.st_mode & 07777, 0620u);
}

TEST_F(SupervisionTest, SigtermStopsEverythingInReverseOrder) {
  unit("base.service", "[Service]\nExecStart=/bin/sleep 1000\n[Install]\nWantedBy=multi-user.target\n");
  unit("top.service",
       "[Unit]\nRequires=base.service\nAfter=base.service\n[Service]\nExecStart=/bin/sleep 1000\n"
       "[Install]\nWantedBy=multi-user.target\n");
  enable({"base.service", "top.service"});
  as_main_process_ = true;  // SIGTERM is the process's
  boot();
  ASSERT_TRUE(wait_state("top.service", ActiveState::active, SubState::running));
  ASSERT_TRUE(wait_state("base.service", ActiveState::active, SubState::running));
  pid_t base = service("base").main_pid(), top = service("top").main_pid();
  kill(getpid(), SIGTERM);
  ASSERT_TRUE(wait_for([&] { return sd_event_get_state(supervisor_->loop()) == SD_EVENT_FINISHED; }));
  EXPECT_FALSE(process_exists(base));
  EXPECT_FALSE(process_exists(top));
  EXPECT_LE(service("top").inactive_enter_timestamp(), service("base").inactive_enter_timestamp());
  supervisor_.reset();
}

}  // namespace
}  // namespace vermilion
