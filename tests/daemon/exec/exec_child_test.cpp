// run_exec_child() in real forked children, execing the probe helper
// (tests/helpers/probe.c), which reports what it was started with.
#include "exec/exec_child.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "blocked_in_poll.h"
#include "common/unique_fd.h"
#include "exec/exit_status.h"
#include "pty.h"
#include "temp_dir.h"

namespace vermilion {
namespace {

using testing::TempDir;

const std::string kProbe = std::string(VERMILION_TEST_HELPER_DIR) + "/vermilion-test-probe";

// Strings the plan points into, kept alive by the test.
struct Words {
  explicit Words(std::vector<std::string> words) : strings(std::move(words)) {
    for (auto& s : strings) pointers.push_back(s.data());
    pointers.push_back(nullptr);
  }
  std::vector<std::string> strings;
  std::vector<char*> pointers;
};

struct Outcome {
  pid_t pid = -1;
  int status = -1;     // wait status
  std::string output;  // stdout and stderr, through the log pipe

  [[nodiscard]] int exit_code() const { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }
  [[nodiscard]] bool has_line(const std::string& line) const {
    std::istringstream lines(output);
    for (std::string l; std::getline(lines, l);)
      if (l == line) return true;
    return false;
  }
};

// In a test's child: CAP leaves the effective and permitted sets, as for a
// manager that lacks it (exit 90/91 where that fails).
void lose_capability(unsigned cap) {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  if (syscall(SYS_capget, &header, data) < 0) _exit(90);
  data[cap / 32].effective &= ~(1u << (cap % 32));
  data[cap / 32].permitted &= ~(1u << (cap % 32));
  if (syscall(SYS_capset, &header, data) < 0) _exit(91);
}

class ExecChildTest : public ::testing::Test {
 protected:
  ExecChildTest() : argv_({kProbe, "report"}), env_({"FOO=bar"}) {
    plan_.service_name = "test.service";
    plan_.program = kProbe.c_str();
    plan_.program_as_written = kProbe.c_str();
    plan_.argv = argv_.pointers.data();
    plan_.envp = env_.pointers.data();
  }

  // Forks, lets `in_child` change the child first (what the supervisor's
  // process would be like), runs the plan, and collects the output and the
  // exit status. Output goes through a pipe, as to the journal.
  Outcome run(const std::function<void()>& in_child = {}) {
    unique_fd log;
    pid_t pid = start(log, in_child);
    return finish(pid, log);
  }

  // run() in two halves, for a test that acts while the child runs: the
  // child's pid, and the read end of its output in `log`.
  pid_t start(unique_fd& log, const std::function<void()>& in_child = {}) {
    fd_pair pipe;
    EXPECT_EQ(make_pipe(pipe), 0);
    plan_.log_fd = pipe.second.get();
    pid_t pid = fork();
    if (pid == 0) {
      if (in_child) in_child();
      run_exec_child(plan_);
    }
    log = std::move(pipe.first);
    return pid;
  }

  Outcome finish(pid_t pid, unique_fd& log) {
    Outcome out;
    out.pid = pid;
    char buffer[4096];
    for (ssize_t n; (n = read(log.get(), buffer, sizeof buffer)) > 0;)
      out.output.append(buffer, static_cast<std::size_t>(n));
    EXPECT_EQ(waitpid(out.pid, &out.status, 0), out.pid);
    return out;
  }

  Words argv_, env_;
  ExecChildPlan plan_;
};

TEST_F(ExecChildTest, ExecsTheProgramWithItsArgumentsAndOnlyItsEnvironment) {
  Outcome out = run();
  EXPECT_EQ(out.exit_code(), 0) << out.output;
  EXPECT_TRUE(out.has_line("arg=" + kProbe));
  EXPECT_TRUE(out.has_line("arg=report"));
  EXPECT_TRUE(out.has_line("env=FOO=bar"));
  EXPECT_EQ(out.output.find("env=PATH="), std::string::npos) << "nothing from the parent's environment";
}

TEST_F(ExecChildTest, OnlyStdioAndThePassedFdsSurvive) {
  int leaked = ::open("/dev/null", O_RDONLY);  // no O_CLOEXEC: close_range must get it
  ASSERT_GE(leaked, 0);
  fd_pair first, second;
  ASSERT_EQ(make_pipe(first), 0);
  ASSERT_EQ(make_pipe(second), 0);
  const int pass[] = {second.first.get(), first.first.get()};
  plan_.pass_fds = pass;
  plan_.pass_fd_count = 2;
  Outcome out = run();
  ::close(leaked);
  EXPECT_TRUE(out.has_line("fds=0,1,2,3,4")) << out.output;
}

// The manager's idle pipe as supervision/idle_pipe.h makes it: `first`'s
// read end is the waiting end, `second`'s write end the "tired" one.
struct IdlePipeEnds {
  fd_pair first, second;
  int ends[4] = {-1, -1, -1, -1};
};

void make_idle_pipe(IdlePipeEnds& pipe, ExecChildPlan& plan) {
  ASSERT_EQ(make_pipe(pipe.first, O_NONBLOCK), 0);
  ASSERT_EQ(make_pipe(pipe.second, O_NONBLOCK), 0);
  const int ends[4] = {pipe.first.first.get(), pipe.first.second.get(), pipe.second.first.get(),
                       pipe.second.second.get()};
  std::copy(ends, ends + 4, pipe.ends);
  std::copy(ends, ends + 4, plan.idle_pipe);
}

// Type=idle (systemd's do_idle_pipe_dance()): the child waits for the
// manager to close its end of the idle pipe before it sets anything up.
TEST_F(ExecChildTest, AnIdleProcessWaitsUntilTheManagerClosesItsEnd) {
  IdlePipeEnds pipe;
  make_idle_pipe(pipe, plan_);
  plan_.wait_for_idle = true;
  plan_.idle_timeout_usec = 600'000'000;  // longer than the test
  unique_fd log;
  pid_t pid = start(log);
  while (!testing::blocked_in_poll(pid)) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, WNOHANG), 0) << "the child went ahead with the pipe open";
    sched_yield();
  }
  pipe.first.second.reset();  // the last job is done
  Outcome out = finish(pid, log);
  EXPECT_EQ(out.exit_code(), 0) << out.output;
  EXPECT_TRUE(out.has_line("arg=report")) << out.output;
  char byte = 0;
  EXPECT_EQ(read(pipe.second.first.get(), &byte, 1), -1) << "it did not say it was tired of waiting";
}

TEST_F(ExecChildTest, AnIdleProcessTiredOfWaitingSaysSoAndGoesAhead) {
  IdlePipeEnds pipe;
  make_idle_pipe(pipe, plan_);
  plan_.wait_for_idle = true;
  plan_.idle_timeout_usec = 20'000;
  plan_.idle_timeout2_usec = 20'000;
  Outcome out = run();  // the manager's end stays open
  EXPECT_EQ(out.exit_code(), 0) << out.output;
  char byte = 0;
  EXPECT_EQ(read(pipe.second.first.get(), &byte, 1), 1);
  EXPECT_EQ(byte, 'x');
}

// Every child, idle or not, lets go of the manager's ends at once: one
// holding them would keep every idle process waiting.
TEST_F(ExecChildTest, EveryProcessClosesTheManagersEndsOfTheIdlePipeFirst) {
  IdlePipeEnds pipe;
  make_idle_pipe(pipe, plan_);
  plan_.prepare_context = pipe.ends;
  plan_.prepare = [](ExecChildPlan& plan, void* context) {
    const int* fds = static_cast<const int*>(context);
    for (int i : {1, 2})
      if (fcntl(fds[i], F_GETFD) != -1) plan.credential_failure_status = 217;
  };
  Outcome out = run();
  EXPECT_EQ(out.exit_code(), 0) << out.output;
}

TEST_F(ExecChildTest, TheProcessIsSetUpAsPlanned) {
  ExecLimitPlan limit{RLIMIT_NOFILE, {100, 200}};
  plan_.limits = &limit;
  plan_.limit_count = 1;
  plan_.umask = 0027;
  plan_.working_directory = "/tmp";
  plan_.no_new_privileges = true;
  plan_.apply_sandboxing = true;  // NoNewPrivileges= is part of it
  // The supervisor's own process blocks and ignores signals: none of that
  // reaches the service.
  Outcome out = run([] {
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, nullptr);
    signal(SIGUSR1, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
  });
  EXPECT_EQ(out.exit_code(), 0) << out.output;
  EXPECT_TRUE(out.has_line("nofile=100:200")) << out.output;
  EXPECT_TRUE(out.has_line("umask=0027"));
  EXPECT_TRUE(out.has_line("cwd=/tmp"));
  EXPECT_TRUE(out.has_line("nnp=1"));
  EXPECT_TRUE(out.has_line("sid_is_pid=1")) << "a session of its own";
  EXPECT_TRUE(out.has_line("blocked=0"));
  EXPECT_TRUE(out.has_line("ignored=13")) << "IgnoreSIGPIPE=yes, the default: only SIGPIPE";

  plan_.ignore_sigpipe = false;
  out = run([] { signal(SIGPIPE, SIG_IGN); });
  EXPECT_TRUE(out.has_line("ignored=")) << out.output;
}

// CPUScheduling*= and IOScheduling*=, as systemd's exec_child() sets them.
TEST_F(ExecChildTest, SchedulingPolicyAndIoPriorityAreSetBeforeExec) {
  plan_.has_cpu_sched = true;
  plan_.cpu_sched_policy = SCHED_BATCH | SCHED_RESET_ON_FORK;
  plan_.cpu_sched_priority = 0;
  plan_.has_ioprio = true;
  plan_.ioprio = ioprio_value(kIoprioClassBestEffort, 7);
  Outcome out = run();
  EXPECT_EQ(out.exit_code(), 0) << out.output;
  EXPECT_TRUE(out.has_line("sched=" + std::to_string(SCHED_BATCH | SCHED_RESET_ON_FORK) + ":0")) << out.output;
  EXPECT_TRUE(out.has_line("ioprio=" + std::to_string(ioprio_value(kIoprioClassBestEffort, 7)))) << out.output;
}

// What the kernel refuses fails the process with systemd's statuses: an
// invalid priority for the policy (SCHED_OTHER takes only 0) is
// 214/SETSCHEDULER, an invalid I/O level 211/IOPRIO.
TEST_F(ExecChildTest, RefusedSchedulingFailsWithSystemdsStatuses) {
  plan_.has_cpu_sched = true;
  plan_.cpu_sched_policy = SCHED_OTHER;
  plan_.cpu_sched_priority = 5;
  Outcome out = run();
  EXPECT_EQ(out.exit_code(), 214) << out.output;
  EXPECT_NE(out.output.find("failed to set up CPU scheduling"), std::string::npos) << out.output;

  plan_.has_cpu_sched = false;
  plan_.has_ioprio = true;
  plan_.ioprio = ioprio_value(7, 0);  // no such class
  out = run();
  EXPECT_EQ(out.exit_code(), 211) << out.output;
}

// vermiliond runs with its soft fd limit raised to the hard one; a service
// gets systemd's default soft limit, FD_SETSIZE, with the hard one kept.
// CPUAffinity=, TimerSlackNSec=, Personality=, CoredumpFilter= are in
// place before exec; a CPU set the kernel refuses (no such CPU online) is
// 215/CPUAFFINITY, as in systemd 252.
TEST_F(ExecChildTest, ProcessAttributesAreSetBeforeExecAndARefusedCpuSetFails) {
  const unsigned long cpu0[1] = {1UL};
  plan_.cpu_affinity = cpu0;
  plan_.cpu_affinity_words = 1;
  plan_.has_timer_slack = true;
  plan_.timer_slack_nsec = 1'000'000;
  plan_.has_personality = true;
  plan_.personality = PER_LINUX32;
  plan_.has_coredump_filter = true;
  plan_.coredump_filter = 0x13;
  Outcome out = run();
  EXPECT_EQ(out.exit_code(), 0) << out.output;
  EXPECT_TRUE(out.has_line("cpus=0")) << out.output;
  EXPECT_TRUE(out.has_line("timerslack=1000000")) << out.output;
  EXPECT_TRUE(out.has_line("personality=8")) << out.output;
  EXPECT_TRUE(out.has_line("coredump_filter=00000013")) << out.output;

  unsigned long far_away[64] = {};
  far_away[63] = 1UL << 63;  // CPU 4095
  plan_.cpu_affinity = far_away;
  plan_.cpu_affinity_words = 64;
  out = run();
  EXPECT_EQ(out.exit_code(), static_cast<int>(ExecExitStatus::cpuaffinity)) << out.output;
}

TEST_F(ExecChildTest, TheSoftFdLimitIsFdSetSizeUnlessTheUnitSaysOtherwise) {
  rlimit own{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &own), 0);
  if (own.rlim_max <= FD_SETSIZE) GTEST_SKIP() << "the hard limit leaves nothing to raise";
  auto raise = [] {
    rlimit raised{};
    getrlimit(RLIMIT_NOFILE, &raised);
    raised.rlim_cur = raised.rlim_max;  // what vermiliond does at start
    setrlimit(RLIMIT_NOFILE, &raised);
  };
  plan_.apply_sandboxing = true;
  Outcome out = run(raise);
  EXPECT_EQ(out.exit_code(), 0) << out.output;
  EXPECT_TRUE(out.has_line("nofile=" + std::to_string(FD_SETSIZE) + ":" + std::to_string(own.rlim_max)))
      << out.output;
  // A '+' command keeps vermiliond's limits, LimitNOFILE= too (systemd
  // 252: limits are part of the sandboxing).
  const ExecLimitPlan given[] = {{RLIMIT_NOFILE, {100, 100}}};
  plan_.limits = given;
  plan_.limit_count = 1;
  plan_.apply_sandboxing = false;
  out = run(raise);
  EXPECT_TRUE(out.has_line("nofile=" + std::to_string(own.rlim_max) + ":" + std::to_string(own.rlim_max)))
      << out.output;
}

TEST_F(ExecChildTest, ListenPidIsTheChildsOwn) {
  Words env({"LISTEN_FDS=0", "LISTEN_PID=" + std::string(15, '0')});
  plan_.envp = env.pointers.data();
  plan_.listen_pid_value = env.strings[1].data() + std::string("LISTEN_PID=").size();
  Outcome out = run();
  EXPECT_TRUE(out.has_line("env=LISTEN_PID=" + std::to_string(out.pid))) << out.output;
}

TEST_F(ExecChildTest, JoiningTheScopeWritesZeroToItsProcsFile) {
  fd_pair procs;  // stands for cgroup.procs
  ASSERT_EQ(make_pipe(procs), 0);
  plan_.cgroup_procs_fd = procs.second.get();
  Outcome out = run();
  procs.second.reset();
  char buffer[8] = {};
  EXPECT_EQ(read(procs.first.get(), buffer, sizeof buffer), 1);
  EXPECT_STREQ(buffer, "0");
  EXPECT_EQ(out.exit_code(), 0);
}

TEST_F(ExecChildTest, AProgramThatWasNotFoundExitsWithExecStatusAndSaysSo) {
  plan_.program = nullptr;
  plan_.program_lookup_errno = ENOENT;
  plan_.program_as_written = "no-such-program";
  Outcome out = run();
  EXPECT_EQ(out.exit_code(), static_cast<int>(ExecExitStatus::exec));
  EXPECT_EQ(out.output, "vermiliond: test.service: failed to execute no-such-program: No such file or directory\n");
}

TEST_F(ExecChildTest, ExecveFailureIsTheExecStatusToo) {
  TempDir dir;
  dir.write("not-executable", "#!/bin/sh\n");
  std::string path = dir.file("not-executable");
  plan_.program = path.c_str();
  Outcome out = run();
  EXPECT_EQ(out.exit_code(), static_cast<int>(ExecExitStatus::exec));
  EXPECT_EQ(out.output, "vermiliond: test.service: failed to execute " + path + ": Permission denied\n");
}

TEST_F(ExecChildTest, AMissingWorkingDirectoryFailsUnlessOptional) {
  plan_.working_directory = "/nonexistent-vermilion-dir";
  Outcome out = run();
  EXPECT_EQ(out.exit_code(), static_cast<int>(ExecExitStatus::chdir));
  EXPECT_NE(out.output.find("failed to change directory to /nonexistent-vermilion-dir"), std::string::npos)
      << out.output;

  plan_.working_directory_optional = true;  // WorkingDirectory=-/...
  out = run();
  EXPECT_EQ(out.exit_code(), 0);
  EXPECT_TRUE(out.has_line("cwd=/"));
}

TEST_F(ExecChildTest, ACredentialFailureFoundBeforeForkIsReportedWithItsStatus) {
  plan_.credential_failure_status = static_cast<int>(ExecExitStatus::user);
  plan_.credential_failure_errno = ESRCH;
  plan_.credential_failure_what = "determine user nobody-here";
  Outcome out = run();
  EXPECT_EQ(out.exit_code(), 217);
  EXPECT_EQ(out.output, "vermiliond: test.service: failed to determine user nobody-here: No such process\n");
}

TEST_F(ExecChildTest, CredentialsChangeToThePlannedUser) {
  if (geteuid() != 0) GTEST_SKIP() << "changing user needs root";
  const gid_t groups[] = {65534};
  plan_.change_credentials = true;
  plan_.set_groups = true;
  plan_.uid = 65534;
  plan_.gid = 65534;
  plan_.groups = groups;
  plan_.group_count = 1;
  Outcome out = run();
  EXPECT_EQ(out.exit_code(), 0) << out.output;
  EXPECT_TRUE(out.has_line("uid=65534"));
  EXPECT_TRUE(out.has_line("gid=65534"));
  EXPECT_TRUE(out.has_line("groups=65534"));
}

// CapabilityBoundingSet=/AmbientCapabilities= across a change of user, as
// systemd 252's exec_child() (the conformance case "capabilities" has the
// rest: a user manager refuses User=).
TEST_F(ExecChildTest, AmbientCapabilitiesSurviveTheChangeOfUser) {
  if (geteuid() != 0) GTEST_SKIP() << "changing user needs root";
  constexpr std::uint64_t kNetBindService = std::uint64_t{1} << 10, kNetRaw = std::uint64_t{1} << 13,
                          kSysAdmin = std::uint64_t{1} << 21;
  plan_.change_credentials = true;
  plan_.uid = 65534;
  plan_.gid = 65534;
  plan_.apply_sandboxing = true;
  plan_.capability_bounding_set = kNetBindService | kNetRaw;
  plan_.ambient_capabilities = kNetBindService | kSysAdmin;  // not bounded: left out
  Outcome out = run();
  EXPECT_EQ(out.exit_code(), 0) << out.output;
  EXPECT_TRUE(out.has_line("uid=65534"));
  EXPECT_TRUE(out.has_line("capbnd=0000000000002400")) << out.output;
  EXPECT_TRUE(out.has_line("capinh=0000000000000400")) << out.output;
  EXPECT_TRUE(out.has_line("capamb=0000000000000400")) << out.output;
  EXPECT_TRUE(out.has_line("capeff=0000000000000400")) << out.output;

  // Without them, nothing survives leaving root.
  plan_.ambient_capabilities = 0;
  out = run();
  EXPECT_TRUE(out.has_line("capeff=0000000000000000")) << out.output;
  EXPECT_TRUE(out.has_line("capbnd=0000000000002400")) << out.output;

  // Full privileges ('+'): no set applies.
  plan_.apply_sandboxing = false;
  plan_.change_credentials = false;
  out = run();
  EXPECT_FALSE(out.has_line("capbnd=0000000000002400")) << out.output;
}

TEST_F(ExecChildTest, ACapabilityThatCannotBeDroppedIsTheCapabilitiesStatus) {
  // Without CAP_SETPCAP the bounding set cannot shrink: 218/CAPABILITIES,
  // as for systemd's user services run by an unprivileged manager.
  plan_.apply_sandboxing = true;
  plan_.capability_bounding_set = 1;
  Outcome out = run([] { lose_capability(CAP_SETPCAP); });
  EXPECT_EQ(out.exit_code(), 218) << out.output;
}

// The seccomp keys (exec/seccomp_filter.h; the conformance case
// "seccomp-sandboxing" has what each rule refuses): the filter is loaded with
// the sandboxing only, and implies no_new_privs where the process, after
// User=, lacks CAP_SYS_ADMIN (systemd 252's context_has_no_new_privileges()).
TEST_F(ExecChildTest, SeccompKeysLoadAFilterAndImplyNoNewPrivsOnlyWithoutCapSysAdmin) {
  if (geteuid() != 0) GTEST_SKIP() << "changing user needs root";
  plan_.apply_sandboxing = true;
  plan_.seccomp.restrict_realtime = true;
  Outcome out = run();
  EXPECT_EQ(out.exit_code(), 0) << out.output;
  EXPECT_TRUE(out.has_line("seccomp=2")) << out.output;
  EXPECT_TRUE(out.has_line("nnp=0")) << out.output;

  plan_.change_credentials = true;
  plan_.uid = 65534;
  plan_.gid = 65534;
  out = run();
  EXPECT_EQ(out.exit_code(), 0) << out.output;
  EXPECT_TRUE(out.has_line("seccomp=2")) << out.output;
  EXPECT_TRUE(out.has_line("nnp=1")) << out.output;

  // Full privileges ('+'): neither.
  plan_.apply_sandboxing = false;
  out = run();
  EXPECT_TRUE(out.has_line("seccomp=0")) << out.output;
  EXPECT_TRUE(out.has_line("nnp=0")) << out.output;
}

// RestrictRealtime= also makes RLIMIT_RTPRIO 0, unless LimitRTPRIO= is given
// (systemd 252's exec_child()).
TEST_F(ExecChildTest, RestrictRealtimeLowersTheRealTimePriorityLimit) {
  rlimit own{};
  ASSERT_EQ(getrlimit(RLIMIT_RTPRIO, &own), 0);
  if (own.rlim_max == 0) GTEST_SKIP() << "RLIMIT_RTPRIO is 0 here already: nothing to see lowered";
  plan_.apply_sandboxing = true;
  plan_.seccomp.restrict_realtime = true;
  Outcome out = run();
  EXPECT_TRUE(out.has_line("rtprio=0:0")) << out.output;
  const ExecLimitPlan given[] = {{RLIMIT_RTPRIO, {1, 1}}};
  plan_.limits = given;
  plan_.limit_count = 1;
  out = run();
  EXPECT_TRUE(out.has_line("rtprio=1:1")) << out.output;
}

TEST_F(ExecChildTest, ProtectHostnameGivesTheProcessAUtsNamespaceOfItsOwn) {
  char own[64] = {};
  ASSERT_GT(readlink("/proc/self/ns/uts", own, sizeof own - 1), 0);
  plan_.apply_sandboxing = true;
  Outcome out = run();
  EXPECT_TRUE(out.has_line(std::string("uts=") + own)) << out.output;
  plan_.private_uts = true;
  out = run();
  EXPECT_EQ(out.exit_code(), 0) << out.output;
  if (geteuid() == 0) {
    EXPECT_FALSE(out.has_line(std::string("uts=") + own)) << out.output;
  }
  // Refused (no CAP_SYS_ADMIN, as in a container): a warning, and the
  // process runs in the namespace it has.
  out = run([] { lose_capability(CAP_SYS_ADMIN); });
  EXPECT_EQ(out.exit_code(), 0) << out.output;
  EXPECT_TRUE(out.has_line(std::string("uts=") + own)) << out.output;
  EXPECT_TRUE(out.has_line("vermiliond: test.service: ProtectHostname=yes is configured, but UTS namespace setup is "
                           "prohibited (container manager?), ignoring namespace setup."))
      << out.output;
}

// A mount namespace the kernel refuses: the process goes on without it,
// unless it has binds or temporary file systems it cannot do without
// (systemd 252's insist_on_sandboxing()): then 226/NAMESPACE.
TEST_F(ExecChildTest, ARefusedMountNamespaceFailsOnlyWhereBindsNeedIt) {
  plan_.apply_sandboxing = true;
  plan_.mount_namespace = true;  // PrivateMounts=
  Outcome out = run([] { lose_capability(CAP_SYS_ADMIN); });
  EXPECT_EQ(out.exit_code(), 0) << out.output;
  plan_.insist_on_mount_namespace = true;
  out = run([] { lose_capability(CAP_SYS_ADMIN); });
  EXPECT_EQ(out.exit_code(), 226) << out.output;
  EXPECT_NE(out.output.find("set up the mount namespace its binds need"), std::string::npos) << out.output;
}

class ExecChildOutputTest : public ExecChildTest {
 protected:
  ExecChildOutputTest() {
    argv_ = Words({kProbe, "echo", "to-stdout", "to-stderr"});
    plan_.argv = argv_.pointers.data();
  }
  static std::string contents(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
};

TEST_F(ExecChildOutputTest, JournalOutputGoesToTheLogPipeWithStderrAlongside) {
  Outcome out = run();
  EXPECT_EQ(out.output, "to-stdout\nto-stderr\n");
}

TEST_F(ExecChildOutputTest, FileOutputWritesFromTheStartAndAppendAppends) {
  TempDir dir;
  dir.write("out", "0123456789abcdefghijklmnop\n");
  std::string path = dir.file("out");
  plan_.standard_output = {OutputKind::file, path.c_str()};
  plan_.standard_error = {OutputKind::file, path.c_str()};  // the same file: one offset
  Outcome out = run();
  EXPECT_EQ(out.exit_code(), 0);
  EXPECT_EQ(out.output, "") << "nothing to the journal";
  EXPECT_EQ(contents(path), "to-stdout\nto-stderr\nklmnop\n") << "systemd's file: neither truncates nor appends";

  plan_.standard_output = {OutputKind::append, path.c_str()};
  plan_.standard_error = {OutputKind::null, nullptr};
  out = run();
  EXPECT_EQ(contents(path), "to-stdout\nto-stderr\nklmnop\nto-stdout\n");
}

TEST_F(ExecChildOutputTest, AnOutputFileGetsExactlyTheModeUMaskLeaves) {
  TempDir dir;
  std::string path = dir.file("new");
  plan_.umask = 0002;
  plan_.standard_output = {OutputKind::file, path.c_str()};
  const mode_t before = umask(0077);  // what the supervisor's own umask is does not matter
  Outcome out = run();
  umask(before);
  EXPECT_EQ(out.exit_code(), 0);
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0664u);
}

// systemd's exec_child() resolves User= before stdio: a bad one truncates
// nothing, and says why in the service's log.
TEST_F(ExecChildOutputTest, AUserThatCannotBeResolvedOpensNoOutputFile) {
  TempDir dir;
  dir.write("out", "keep me\n");
  std::string path = dir.file("out");
  plan_.standard_output = {OutputKind::truncate, path.c_str()};
  plan_.credential_failure_status = static_cast<int>(ExecExitStatus::user);
  plan_.credential_failure_errno = ESRCH;
  plan_.credential_failure_what = "determine user nobody-here";
  Outcome out = run();
  EXPECT_EQ(out.exit_code(), 217);
  EXPECT_EQ(contents(path), "keep me\n");
  EXPECT_EQ(out.output, "vermiliond: test.service: failed to determine user nobody-here: No such process\n");
}

TEST_F(ExecChildOutputTest, TruncateEmptiesTheFileFirst) {
  TempDir dir;
  dir.write("out", "0123456789abcdefghijklmnop\n");
  std::string path = dir.file("out");
  plan_.standard_output = {OutputKind::truncate, path.c_str()};
  plan_.standard_error = {OutputKind::inherit, nullptr};
  Outcome out = run();
  EXPECT_EQ(out.exit_code(), 0);
  EXPECT_EQ(contents(path), "to-stdout\nto-stderr\n");
}

TEST_F(ExecChildOutputTest, AnOutputPathThatIsASocketIsConnectedTo) {
  TempDir dir;
  const std::string path = dir.file("socket");
  unique_fd listener(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  ASSERT_LT(path.size(), sizeof address.sun_path);
  memcpy(address.sun_path, path.c_str(), path.size());
  ASSERT_EQ(bind(listener.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(listen(listener.get(), 1), 0);
  plan_.standard_output = {OutputKind::append, path.c_str()};
  plan_.standard_error = {OutputKind::inherit, nullptr};
  Outcome out = run();
  EXPECT_EQ(out.exit_code(), 0) << out.output;
  unique_fd peer(accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
  ASSERT_GE(peer.get(), 0);
  std::string got;
  char buffer[256];
  for (ssize_t n; (n = read(peer.get(), buffer, sizeof buffer)) > 0;) got.append(buffer, static_cast<std::size_t>(n));
  EXPECT_EQ(got, "to-stdout\nto-stderr\n");
}

TEST_F(ExecChildOutputTest, AnOutputFileThatCannotBeOpenedIsTheStdoutStatus) {
  plan_.standard_output = {OutputKind::file, "/nonexistent-vermilion-dir/out"};
  Outcome out = run();
  EXPECT_EQ(out.exit_code(), static_cast<int>(ExecExitStatus::stdout_));
}

// StandardInput=file: and data, with cat as the service.
class ExecChildInputTest : public ExecChildTest {
 protected:
  ExecChildInputTest() {
    argv_ = Words({"/bin/sh", "-c", "cat; echo end"});
    plan_.program = "/bin/sh";
    plan_.argv = argv_.pointers.data();
  }
  TempDir dir_;
};

TEST_F(ExecChildInputTest, DataIsReadFromTheStart) {
  const std::string data = std::string("line one\n") + '\0' + "two\n";
  plan_.standard_input = InputKind::data;
  plan_.standard_input_data = data.data();
  plan_.standard_input_data_size = data.size();
  Outcome out = run();
  EXPECT_EQ(out.exit_code(), 0);
  EXPECT_EQ(out.output, data + "end\n");
}

TEST_F(ExecChildInputTest, DataIsASealedMemfdAndNoDataIsDevNull) {
  argv_ = Words({"/bin/sh", "-c", "readlink /proc/self/fd/0; (echo x >&0) 2>/dev/null || echo read-only"});
  plan_.argv = argv_.pointers.data();
  const std::string data = "abc\n";
  plan_.standard_input = InputKind::data;
  plan_.standard_input_data = data.data();
  plan_.standard_input_data_size = data.size();
  Outcome out = run();
  EXPECT_EQ(out.exit_code(), 0);
  EXPECT_EQ(out.output, "/memfd:data-fd (deleted)\nread-only\n");
  plan_.standard_input_data_size = 0;
  out = run();
  EXPECT_EQ(out.output.substr(0, out.output.find('\n')), "/dev/null");
}

TEST_F(ExecChildInputTest, AFileIsReadAndAMissingOneIsTheStdinStatus) {
  dir_.write("in", "from a file\n");
  const std::string path = dir_.file("in");
  plan_.standard_input = InputKind::file;
  plan_.standard_input_file = path.c_str();
  Outcome out = run();
  EXPECT_EQ(out.exit_code(), 0);
  EXPECT_EQ(out.output, "from a file\nend\n");

  const std::string missing = dir_.file("missing");
  plan_.standard_input_file = missing.c_str();
  out = run();
  EXPECT_EQ(out.exit_code(), static_cast<int>(ExecExitStatus::stdin_));
}

TEST_F(ExecChildInputTest, TheSameFileOnStdinAndStdoutIsOneOpenFile) {
  dir_.write("both", "question\n");
  const std::string path = dir_.file("both");
  argv_ = Words({"/bin/sh", "-c", "read line; echo \"answer to $line\""});
  plan_.argv = argv_.pointers.data();
  plan_.standard_input = InputKind::file;
  plan_.standard_input_file = path.c_str();
  plan_.standard_output = {OutputKind::file, path.c_str()};
  Outcome out = run();
  EXPECT_EQ(out.exit_code(), 0) << out.output;
  std::ifstream in(path);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "question\nanswer to question\n")
      << "read and written through one offset (systemd's rw)";
}

// StandardInput=tty and friends on a pseudo-terminal (TTYPath=).
class ExecChildTerminalTest : public ExecChildTest {
 protected:
  ExecChildTerminalTest() {
    report_ = dir_.file("terminal");
    argv_ = Words({kProbe, "terminal", report_});
    plan_.argv = argv_.pointers.data();
    terminal_.path = pty_.path();
    plan_.terminal = &terminal_;
  }
  // The probe's report, one "key=value" per line.
  std::string report() const {
    std::ifstream in(report_);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  std::string device() const {
    dev_t d = pty_.device();
    return std::to_string(major(d)) + ":" + std::to_string(minor(d));
  }

  testing::Pty pty_;
  TempDir dir_;
  std::string report_;
  TerminalSettings terminal_;
};

TEST_F(ExecChildTerminalTest, TheMainProcessGetsTheTerminalOnStdioAsItsControllingTerminal) {
  ASSERT_TRUE(pty_.ok());
  plan_.standard_input = InputKind::tty;
  plan_.terminal_input_configured = true;
  plan_.standard_output = {OutputKind::inherit, nullptr};
  plan_.standard_error = {OutputKind::inherit, nullptr};
  Outcome out = run();
  EXPECT_EQ(out.exit_code(), 0) << out.output;
  const std::string r = report();
  for (const char* fd : {"fd0=", "fd1=", "fd2="})
    EXPECT_NE(r.find(fd + device() + " tty=1\n"), std::string::npos) << fd << "\n" << r;
  EXPECT_NE(r.find("ctty=" + device() + "\n"), std::string::npos) << r;
  EXPECT_NE(r.find("ctty_is_stdin=1\n"), std::string::npos) << r;
  EXPECT_NE(pty_.read_until("hello").find("hello"), std::string::npos);
}

TEST_F(ExecChildTerminalTest, AControlProcessGetsDevNullAndTheTerminalOnlyForOutput) {
  ASSERT_TRUE(pty_.ok());
  plan_.standard_input = InputKind::null;  // what the spawner plans for ExecStartPre= and the like
  plan_.terminal_input_configured = true;
  plan_.standard_output = {OutputKind::inherit, nullptr};
  plan_.standard_error = {OutputKind::inherit, nullptr};
  Outcome out = run();
  EXPECT_EQ(out.exit_code(), 0) << out.output;
  const std::string r = report();
  EXPECT_NE(r.find("fd0=1:3 tty=0\n"), std::string::npos) << "/dev/null\n" << r;
  EXPECT_NE(r.find("fd1=" + device() + " tty=1\n"), std::string::npos) << r;
  EXPECT_NE(r.find("ctty=0:0\n"), std::string::npos) << "not its controlling terminal\n" << r;
}

TEST_F(ExecChildTerminalTest, OutputTtyWithoutATerminalOnStdinOpensIt) {
  ASSERT_TRUE(pty_.ok());
  plan_.standard_output = {OutputKind::journal, nullptr};
  plan_.standard_error = {OutputKind::tty, nullptr};
  Outcome out = run();
  EXPECT_EQ(out.exit_code(), 0) << out.output;
  const std::string r = report();
  EXPECT_NE(r.find("fd2=" + device() + " tty=1\n"), std::string::npos) << r;
  EXPECT_EQ(r.find("fd1=" + device()), std::string::npos) << r;
  EXPECT_EQ(out.output, "hello\n") << "stdout stays the journal's";
}

TEST_F(ExecChildTerminalTest, ATerminalHeldElsewhereFailsTtyFailWithTheStdinStatus) {
  ASSERT_TRUE(pty_.ok());
  testing::TerminalHolder holder(pty_.path());
  ASSERT_TRUE(holder.held());
  plan_.standard_input = InputKind::tty_fail;
  plan_.terminal_input_configured = true;
  Outcome out = run();
  EXPECT_EQ(out.exit_code(), static_cast<int>(ExecExitStatus::stdin_)) << out.output;
}

// systemd's exec_child() resolves User= first: a bad one takes nobody's
// terminal, even with tty-force.
TEST_F(ExecChildTerminalTest, AUserThatCannotBeResolvedFailsBeforeTheTerminalIsTaken) {
  ASSERT_TRUE(pty_.ok());
  testing::TerminalHolder holder(pty_.path());
  ASSERT_TRUE(holder.held());
  const pid_t session = tcgetsid(pty_.master());
  ASSERT_GT(session, 0);
  plan_.standard_input = InputKind::tty_force;
  plan_.terminal_input_configured = true;
  plan_.credential_failure_status = static_cast<int>(ExecExitStatus::user);
  plan_.credential_failure_errno = ESRCH;
  plan_.credential_failure_what = "resolve user nosuchuser";
  Outcome out = run();
  EXPECT_EQ(out.exit_code(), static_cast<int>(ExecExitStatus::user));
  EXPECT_EQ(tcgetsid(pty_.master()), session) << "still the holder's controlling terminal";
}

TEST_F(ExecChildTerminalTest, TheTerminalIsHandedToUserAndTtyResetRunsFirst) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to change user";
  ASSERT_TRUE(pty_.ok());
  plan_.standard_input = InputKind::tty;
  plan_.terminal_input_configured = true;
  plan_.standard_output = {OutputKind::inherit, nullptr};
  plan_.change_credentials = true;
  plan_.uid = 65534;
  plan_.gid = 65534;
  plan_.has_terminal_owner = true;
  plan_.terminal_owner = 65534;
  terminal_.reset = true;
  {
    unique_fd fd(open(pty_.path().c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC));
    termios settings{};
    ASSERT_EQ(tcgetattr(fd.get(), &settings), 0);
    settings.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ASSERT_EQ(tcsetattr(fd.get(), TCSANOW, &settings), 0);
  }
  // The report goes where nobody may write.
  ASSERT_EQ(chmod(dir_.path().c_str(), 0777), 0);
  Outcome out = run();
  EXPECT_EQ(out.exit_code(), 0) << out.output;
  struct stat st {};
  ASSERT_EQ(stat(pty_.path().c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 65534u);
  EXPECT_EQ(st.st_mode & 07777, 0620u);
  unique_fd fd(open(pty_.path().c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC));
  termios settings{};
  ASSERT_EQ(tcgetattr(fd.get(), &settings), 0);
  EXPECT_NE(settings.c_lflag & ECHO, 0u) << "TTYReset=yes";
}

}  // namespace
}  // namespace vermilion
