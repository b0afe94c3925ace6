#include "exec/linux_system_ops.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <pwd.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "daemon/spawn_test_support.h"
#include "exec/exec_environment.h"

namespace vermilion {
namespace {

bool exists(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0;
}

using namespace vermilion::test;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

struct ProcessRun {
  std::string output;
  Exit exit;
  pid_t pid = 0;
};

class LinuxSystemOpsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char name[] = "/tmp/vermilion-spawn-XXXXXX";
    ASSERT_NE(mkdtemp(name), nullptr);
    temp_ = name;
    chmod(temp_.c_str(), 0755);
    LinuxSystemOpsOptions options;
    options.backend = ScopeBackend::session;
    options.runtime_root = temp_ + "/run";
    options.lang = "C.UTF-8";
    ASSERT_EQ(LinuxSystemOps::create(options, ops_), 0);
    config_.name = "test.service";
  }
  void TearDown() override {
    std::string command = "rm -rf '" + temp_ + "'";
    ASSERT_EQ(system(command.c_str()), 0);
  }

  ProcessRun run(const ExecCommand& command, SpawnRequest request = {}) {
    fd_pair log;
    EXPECT_EQ(make_pipe(log), 0);
    request.config = &config_;
    request.command = &command;
    request.log_fd = log.second.get();
    SpawnedProcess process;
    ProcessRun result;
    EXPECT_EQ(ops_->spawn(request, process), 0);
    if (process.pid <= 0) return result;
    result.pid = process.pid;
    EXPECT_FALSE(process.pidfd.valid());  // a child of ours needs none (system_ops.h)
    log.second.reset();
    result.output = read_until_eof(log.first.get());
    result.exit = reap(process);
    return result;
  }
  ProcessRun report(std::vector<std::string> extra_args = {}, SpawnRequest request = {}) {
    std::vector<std::string> argv = {kProbe, "report"};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    return run(command_of(argv), std::move(request));
  }
  static std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  std::string temp_;
  std::unique_ptr<LinuxSystemOps> ops_;
  ServiceConfig config_;
};

// systemd 252's order (tests/conformance/cases/environment-precedence):
// what the manager sets, then the unit's own, which wins; Vermilion's fd
// variables last.
TEST_F(LinuxSystemOpsTest, EnvironmentIsFreshThenManagerThenUnitThenExtra) {
  setenv("VERMILION_TEST_LEAK", "1", 1);
  config_.environment = {"A=unit", "B=unit", "INVOCATION_ID=unit"};
  SpawnRequest request;
  request.manager_environment = {"INVOCATION_ID=manager", "MAINPID=7"};
  request.extra_environment = {"B=extra"};
  ProcessRun r = report({}, request);
  unsetenv("VERMILION_TEST_LEAK");
  EXPECT_EQ(r.exit.code, CLD_EXITED);
  EXPECT_EQ(r.exit.status, 0);
  EXPECT_THAT(lines_with_prefix(r.output, "env="),
              ElementsAre(std::string("PATH=") + std::string(kDefaultExecPath), "LANG=C.UTF-8",
                          "INVOCATION_ID=unit", "MAINPID=7", "A=unit", "B=extra"));
}

// WATCHDOG_PID= names the process itself, which only the child knows
// (recorded: tests/conformance/cases/manager-environment); one the unit's
// Environment= sets wins, as over anything the manager sets.
TEST_F(LinuxSystemOpsTest, WatchdogPidIsTheChildsOwn) {
  SpawnRequest request;
  request.manager_environment = {"WATCHDOG_USEC=5000000"};
  request.set_watchdog_pid = true;
  ProcessRun r = report({}, request);
  ASSERT_GT(r.pid, 0);
  EXPECT_THAT(lines_with_prefix(r.output, "env="), ::testing::Contains("WATCHDOG_PID=" + std::to_string(r.pid)));
  config_.environment = {"WATCHDOG_PID=1"};
  r = report({}, request);
  auto env = lines_with_prefix(r.output, "env=");
  EXPECT_EQ(std::count_if(env.begin(), env.end(), [](const std::string& e) { return e.starts_with("WATCHDOG_PID="); }), 1);
  EXPECT_THAT(env, ::testing::Contains("WATCHDOG_PID=1"));
  config_.environment.clear();
  r = report({}, SpawnRequest{});
  EXPECT_THAT(lines_with_prefix(r.output, "env="), ::testing::Not(::testing::Contains(::testing::StartsWith("WATCHDOG_PID="))));
}

TEST_F(LinuxSystemOpsTest, EnvironmentFileIsReadAtSpawn) {
  std::string path = temp_ + "/env";
  std::ofstream(path) << "# settings\nFROM_FILE=\"quoted value\"\nA=file\n";
  config_.environment = {"A=unit"};
  config_.environment_files = {{path, false}, {temp_ + "/missing", true}};
  ProcessRun r = report();
  EXPECT_EQ(value_of(r.output, "env=FROM_FILE"), "quoted value");
  EXPECT_EQ(value_of(r.output, "env=A"), "file");
}

TEST_F(LinuxSystemOpsTest, MissingRequiredEnvironmentFileFailsTheSpawn) {
  config_.environment_files = {{temp_ + "/missing", false}};
  ExecCommand command = command_of({kProbe, "report"});
  SpawnRequest request;
  request.config = &config_;
  request.command = &command;
  SpawnedProcess process;
  EXPECT_EQ(ops_->spawn(request, process), -ENOENT);
  EXPECT_EQ(process.pid, -1);
}

TEST_F(LinuxSystemOpsTest, ArgumentsAreExpanded) {
  config_.environment = {"ARGS=-x 'y z'", "W=w"};
  ProcessRun r = report({"$ARGS", "pre${W}post", "$$W", "$UNSET", "${UNSET}"});
  EXPECT_THAT(lines_with_prefix(r.output, "arg="), ElementsAre(kProbe, "report", "-x", "y z", "prewpost", "$W", ""));
}

TEST_F(LinuxSystemOpsTest, ExpansionCanBeTurnedOff) {
  config_.environment = {"W=w"};
  ExecCommand command = command_of({kProbe, "report", "$W", "${W}"});
  command.expand_environment = false;
  ProcessRun r = run(command);
  EXPECT_THAT(lines_with_prefix(r.output, "arg="), ElementsAre(kProbe, "report", "$W", "${W}"));
}

// systemd 252's find_executable_full(..., exec_search_path, false): a bare
// command name is looked up in ExecSearchPath= (which is also PATH=), else
// the default path, never in the unit's own PATH=.
TEST_F(LinuxSystemOpsTest, BareCommandIsFoundInExecSearchPathNotInTheUnitsPath) {
  std::string dir = kProbe.substr(0, kProbe.rfind('/'));
  config_.environment = {"PATH=/nonexistent:" + dir};
  ProcessRun r = run(command_of({"vermilion-test-probe", "report"}));
  EXPECT_EQ(r.exit.status, 203) << r.output;

  config_.environment.clear();
  config_.exec_search_path = {"/nonexistent", dir};
  r = run(command_of({"vermilion-test-probe", "report"}));
  EXPECT_EQ(r.exit.status, 0) << r.output;
  EXPECT_EQ(value_of(r.output, "arg"), "vermilion-test-probe");
  EXPECT_EQ(value_of(r.output, "env=PATH"), "/nonexistent:" + dir) << r.output;
}

TEST_F(LinuxSystemOpsTest, OnlyStdioAndPassedFdsSurvive) {
  int leaked = open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC
  ASSERT_GE(leaked, 0);
  fd_pair passed_a, passed_b;
  ASSERT_EQ(make_pipe(passed_a), 0);
  ASSERT_EQ(make_pipe(passed_b), 0);
  SpawnRequest request;
  request.pass_fds = {passed_b.first.get(), passed_a.second.get()};
  ProcessRun r = report({}, request);
  close(leaked);
  EXPECT_EQ(value_of(r.output, "fds"), "0,1,2,3,4");
}

TEST_F(LinuxSystemOpsTest, PassedFdsKeepTheirOrderAndObject) {
  fd_pair passed;
  ASSERT_EQ(make_pipe(passed), 0);
  SpawnRequest request;
  request.pass_fds = {passed.second.get()};
  // The child writes through fd 3; we read it from the pipe we passed.
  ExecCommand command = command_of({"/bin/sh", "-c", "echo through-three >&3"});
  ProcessRun r = run(command, request);
  passed.second.reset();
  EXPECT_EQ(r.exit.status, 0) << r.output;
  EXPECT_EQ(read_until_eof(passed.first.get()), "through-three\n");
}

TEST_F(LinuxSystemOpsTest, SignalsAreResetAndOwnSessionStarted) {
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGTERM);
  sigaddset(&block, SIGCHLD);
  ASSERT_EQ(sigprocmask(SIG_BLOCK, &block, &old), 0);
  struct sigaction ignore {}, previous {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGUSR1, &ignore, &previous);
  ProcessRun r = report();
  sigaction(SIGUSR1, &previous, nullptr);
  sigprocmask(SIG_SETMASK, &old, nullptr);
  EXPECT_EQ(value_of(r.output, "blocked"), "0");
  EXPECT_EQ(value_of(r.output, "ignored"), "13");  // SIGPIPE: IgnoreSIGPIPE= defaults to yes
  EXPECT_EQ(value_of(r.output, "sid_is_pid"), "1");
}

TEST_F(LinuxSystemOpsTest, LimitsUmaskDirectoryAndNoNewPrivileges) {
  config_.limits[RLIMIT_NOFILE] = {100, 200};
  config_.umask = 0077;
  config_.working_directory = temp_;
  config_.no_new_privileges = true;
  ProcessRun r = report();
  EXPECT_EQ(r.exit.status, 0) << r.output;
  EXPECT_EQ(value_of(r.output, "nofile"), "100:200");
  EXPECT_EQ(value_of(r.output, "umask"), "0077");
  EXPECT_EQ(value_of(r.output, "cwd"), temp_);
  EXPECT_EQ(value_of(r.output, "nnp"), "1");
}

// NoNewPrivileges= is part of the sandboxing (systemd 252's exec_child()):
// not for a "+" command, nor for a control process under
// PermissionsStartOnly=, but for ExecStart= (a forking one's too, which
// runs in the control role yet is no EXEC_IS_CONTROL command).
TEST_F(LinuxSystemOpsTest, NoNewPrivilegesOnlyWhereTheSandboxingApplies) {
  config_.no_new_privileges = true;
  ExecCommand privileged = command_of({kProbe, "report"});
  privileged.full_privileges = true;
  ProcessRun plus = run(privileged, {});
  EXPECT_EQ(value_of(plus.output, "nnp"), "0") << plus.output;
  config_.permissions_start_only = true;
  SpawnRequest control;
  control.role = ProcessRole::control;
  control.exec_is_control = true;
  EXPECT_EQ(value_of(report({}, control).output, "nnp"), "0") << "ExecStartPre= and the like";
  SpawnRequest forking_start;
  forking_start.role = ProcessRole::control;
  EXPECT_EQ(value_of(report({}, forking_start).output, "nnp"), "1") << "a forking service's ExecStart=";
}

TEST_F(LinuxSystemOpsTest, DefaultsAreRootDirectoryAndNoNoNewPrivileges) {
  ProcessRun r = report();
  EXPECT_EQ(value_of(r.output, "cwd"), "/");
  EXPECT_EQ(value_of(r.output, "umask"), "0022");
  EXPECT_EQ(value_of(r.output, "nnp"), "0");
}

TEST_F(LinuxSystemOpsTest, DropsToUserNobody) {
  if (getuid() != 0) GTEST_SKIP() << "needs root";
  config_.user = "nobody";
  config_.working_directory = "~";
  config_.working_directory_optional = true;  // nobody's home does not exist
  ProcessRun r = report();
  EXPECT_EQ(r.exit.status, 0) << r.output;
  EXPECT_EQ(value_of(r.output, "uid"), "65534");
  EXPECT_EQ(value_of(r.output, "gid"), "65534");
  EXPECT_EQ(value_of(r.output, "groups"), "65534");
  EXPECT_EQ(value_of(r.output, "env=USER"), "nobody");
  EXPECT_EQ(value_of(r.output, "env=HOME"), "/nonexistent");
  EXPECT_EQ(value_of(r.output, "cwd"), "/");
}

TEST_F(LinuxSystemOpsTest, GroupAndSupplementaryGroups) {
  if (getuid() != 0) GTEST_SKIP() << "needs root";
  config_.user = "nobody";
  config_.group = "root";
  config_.supplementary_groups = {"4"};
  ProcessRun r = report();
  EXPECT_EQ(value_of(r.output, "uid"), "65534");
  EXPECT_EQ(value_of(r.output, "gid"), "0");
  // As initgroups(user, Group=): the primary group given, then the rest.
  EXPECT_EQ(value_of(r.output, "groups"), "0,4");
}

// PrivateUsers= with User=: root and the service's IDs map to themselves,
// the groups it was given stay (set before the namespace, where setgroups
// is denied) but show as nobody's where unmapped (systemd 252's
// setup_private_users(), after enforce_groups()).
TEST_F(LinuxSystemOpsTest, PrivateUsersMapsRootAndTheServicesIds) {
  if (getuid() != 0) GTEST_SKIP() << "needs root";
  config_.user = "daemon";
  config_.group = "root";
  config_.supplementary_groups = {"4"};
  config_.private_users = true;
  ProcessRun r = run(command_of({"/bin/sh", "-c",
                                 "tr -s ' ' < /proc/self/uid_map; tr -s ' ' < /proc/self/gid_map; "
                                 "cat /proc/self/setgroups; id -u; id -G"}));
  if (r.exit.status == 217 && r.output.find("Operation not permitted") != std::string::npos)
    GTEST_SKIP() << "this machine refuses user namespaces: " << r.output;
  EXPECT_EQ(r.exit.status, 0) << r.output;
  EXPECT_EQ(r.output, " 0 0 1\n 1 1 1\n 0 0 1\ndeny\n1\n0 65534\n") << "gid 4 is not mapped";
  // '+' goes without it.
  ExecCommand plus = command_of({"/bin/sh", "-c", "tr -s ' ' < /proc/self/uid_map"});
  plus.full_privileges = true;
  EXPECT_EQ(run(plus).output, " 0 0 4294967295\n");
}

// PrivateNetwork=/PrivateIPC= with User= and PrivateUsers=: the namespace
// storage survives the fd clean-up until the namespaces are joined (after
// User= is resolved, outside them), and nothing of it reaches the program.
TEST_F(LinuxSystemOpsTest, PrivateNetworkWithUserAndPrivateUsersLeaksNoFd) {
  if (getuid() != 0) GTEST_SKIP() << "needs root";
  config_.user = "daemon";
  config_.private_network = true;
  config_.private_ipc = true;
  config_.private_users = true;
  NamespaceStorage network, ipc;
  ASSERT_EQ(create_namespace_storage(network), 0);
  ASSERT_EQ(create_namespace_storage(ipc), 0);
  SpawnRequest request;
  request.network_namespace = &network;
  request.ipc_namespace = &ipc;
  struct stat host_net {};
  ASSERT_EQ(stat("/proc/self/ns/net", &host_net), 0);
  ProcessRun r = run(command_of({"/bin/sh", "-c",
                                 "stat -L -c %i /proc/self/ns/net; ls /sys/class/net | wc -l; ls /proc/self/fd | wc -l; "
                                 "id -u; stat -f -c %T /dev/mqueue"}),
                     request);
  if (r.exit.status == 217 || r.output.find("ignoring") != std::string::npos)
    GTEST_SKIP() << "this machine refuses namespaces: " << r.output;
  EXPECT_EQ(r.exit.status, 0) << r.output;
  std::istringstream lines(r.output);
  std::string inode, interfaces, fds, uid, mqueue;
  lines >> inode >> interfaces >> fds >> uid >> mqueue;
  EXPECT_NE(inode, std::to_string(host_net.st_ino)) << "a network namespace of its own";
  EXPECT_EQ(fds, "4") << "0, 1, 2 and ls's own directory fd: " << r.output;
  EXPECT_EQ(uid, "1");
  EXPECT_EQ(mqueue, "mqueue") << "PrivateIPC= mounts the IPC namespace's own queues";
}

TEST_F(LinuxSystemOpsTest, PrivilegedCommandKeepsOurIdentity) {
  if (getuid() != 0) GTEST_SKIP() << "needs root";
  config_.user = "nobody";
  ExecCommand command = command_of({kProbe, "report"});
  command.full_privileges = true;
  ProcessRun r = run(command);
  EXPECT_EQ(value_of(r.output, "uid"), "0");
}

TEST_F(LinuxSystemOpsTest, UnknownUserExits217WithAMessage) {
  config_.user = "no-such-user-vermilion";
  ProcessRun r = report();
  EXPECT_EQ(r.exit.code, CLD_EXITED);
  EXPECT_EQ(r.exit.status, 217);
  EXPECT_EQ(r.output, "vermiliond: test.service: failed to resolve user no-such-user-vermilion: No such process\n");
}

TEST_F(LinuxSystemOpsTest, UserManagerRefusesAnotherUser) {
  SpawnRequest request;
  request.user_manager = true;
  config_.user = getuid() == 0 ? "nobody" : "root";
  ProcessRun r = report({}, request);
  EXPECT_EQ(r.exit.status, 217);
  EXPECT_THAT(r.output, HasSubstr("Operation not permitted"));
}

TEST_F(LinuxSystemOpsTest, ExecFailureExits203WithAMessage) {
  ProcessRun r = run(command_of({"/bin/nope"}));
  EXPECT_EQ(r.exit.code, CLD_EXITED);
  EXPECT_EQ(r.exit.status, 203);
  EXPECT_EQ(r.output, "vermiliond: test.service: failed to execute /bin/nope: No such file or directory\n");
  r = run(command_of({"no-such-program-vermilion"}));
  EXPECT_EQ(r.exit.status, 203);
  EXPECT_THAT(r.output, HasSubstr("failed to execute no-such-program-vermilion"));
}

TEST_F(LinuxSystemOpsTest, MissingWorkingDirectoryExits200UnlessOptional) {
  config_.working_directory = temp_ + "/missing";
  ProcessRun r = report();
  EXPECT_EQ(r.exit.status, 200);
  EXPECT_THAT(r.output, HasSubstr("failed to change directory to " + temp_ + "/missing"));
  config_.working_directory_optional = true;
  r = report();
  EXPECT_EQ(r.exit.status, 0);
  EXPECT_EQ(value_of(r.output, "cwd"), "/");
}

TEST_F(LinuxSystemOpsTest, FileOutputOverwritesFromTheStartAppendAppends) {
  std::string out = temp_ + "/out", err = temp_ + "/err";
  std::ofstream(out) << "0123456789ABCDEF\n";
  std::ofstream(err) << "old\n";
  config_.standard_output = {OutputKind::file, out};
  config_.standard_error = {OutputKind::append, err};
  ProcessRun r = run(command_of({kProbe, "echo", "hi", "oops"}));
  EXPECT_EQ(r.exit.status, 0);
  EXPECT_EQ(r.output, "");
  EXPECT_EQ(read_file(out), "hi\n3456789ABCDEF\n");
  EXPECT_EQ(read_file(err), "old\noops\n");
}

TEST_F(LinuxSystemOpsTest, StderrInheritsFileStdoutAndSameFileSharesOffset) {
  std::string out = temp_ + "/both";
  config_.standard_output = {OutputKind::file, out};
  ProcessRun r = run(command_of({kProbe, "echo", "one", "two"}));
  EXPECT_EQ(read_file(out), "one\ntwo\n");
  config_.standard_error = {OutputKind::file, out};
  unlink(out.c_str());
  r = run(command_of({kProbe, "echo", "three", "four"}));
  EXPECT_EQ(read_file(out), "three\nfour\n");
}

TEST_F(LinuxSystemOpsTest, NullAndJournalOutputs) {
  config_.standard_output = {OutputKind::null, {}};
  config_.standard_error = {OutputKind::journal, {}};
  ProcessRun r = run(command_of({kProbe, "echo", "to-null", "to-log"}));
  EXPECT_EQ(r.output, "to-log\n");
}

TEST_F(LinuxSystemOpsTest, SignalAndOpenProcessUsePidfds) {
  ExecCommand command = command_of({"/bin/sleep", "1000"});
  SpawnRequest request;
  request.config = &config_;
  request.command = &command;
  SpawnedProcess process;
  ASSERT_EQ(ops_->spawn(request, process), 0);
  SpawnedProcess opened;
  ASSERT_EQ(ops_->open_process(process.pid, opened), 0);
  EXPECT_EQ(opened.pid, process.pid);
  EXPECT_EQ(ops_->signal_process(opened, SIGTERM), 0);
  Exit e = reap(process);
  EXPECT_EQ(e.code, CLD_KILLED);
  EXPECT_EQ(e.status, SIGTERM);
  // The pidfd refers to the reaped process: no PID reuse can be hit.
  EXPECT_EQ(ops_->signal_process(opened, SIGTERM), -ESRCH);
  EXPECT_EQ(ops_->open_process(process.pid, opened), -ESRCH);
}

TEST_F(LinuxSystemOpsTest, ReadPidFileValidates) {
  std::string path = temp_ + "/pid";
  pid_t pid = 0;
  std::ofstream(path) << getpid() << "\n";
  PidFileFacts owner{1, true};
  ASSERT_EQ(ops_->read_pid_file(path, pid, owner), 0);
  EXPECT_EQ(owner.owner, geteuid());
  EXPECT_FALSE(owner.unsafe_path);
  EXPECT_EQ(pid, getpid());
  for (const char* bad : {"abc\n", "0\n", "-5\n", "12x\n", ""}) {
    std::ofstream(path, std::ios::trunc) << bad;
    EXPECT_EQ(ops_->read_pid_file(path, pid, owner), -EBADMSG) << bad;
  }
  pid_t gone = fork();
  if (gone == 0) _exit(0);
  siginfo_t info{};
  ASSERT_EQ(waitid(P_PID, static_cast<id_t>(gone), &info, WEXITED), 0);
  std::ofstream(path, std::ios::trunc) << gone;
  EXPECT_EQ(ops_->read_pid_file(path, pid, owner), -ESRCH);
  EXPECT_EQ(ops_->read_pid_file(temp_ + "/missing", pid, owner), -ENOENT);
}

TEST_F(LinuxSystemOpsTest, ReadPidFileNeverBlocksAndIsBounded) {
  alarm(20);  // a blocking open fails the test instead of hanging it
  std::string fifo = temp_ + "/fifo.pid";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  pid_t pid = 0;
  PidFileFacts owner;
  EXPECT_EQ(ops_->read_pid_file(fifo, pid, owner), -EBADFD);
  EXPECT_EQ(ops_->read_pid_file("/dev/zero", pid, owner), -EBADFD);
  std::string big = temp_ + "/big.pid";
  std::ofstream(big) << std::string(kPidFileMaxBytes, ' ') << getpid() << "\n";
  EXPECT_EQ(ops_->read_pid_file(big, pid, owner), -E2BIG);
  alarm(0);
}

// Conditions go to condition_check.h with the manager's environment, which
// create() fills in (PATH as services get it).
TEST_F(LinuxSystemOpsTest, TestsConditionsAgainstTheMachineAndTheManagersEnvironment) {
  EXPECT_EQ(ops_->test_condition({ConditionType::path_exists, temp_, false, false}), 1);
  EXPECT_EQ(ops_->test_condition({ConditionType::path_exists, temp_ + "/missing", false, false}), 0);
  EXPECT_EQ(ops_->test_condition({ConditionType::environment, "PATH", false, false}), 1);
  EXPECT_EQ(ops_->test_condition({ConditionType::environment, "VERMILION_NEVER_SET", false, false}), 0);
}

TEST_F(LinuxSystemOpsTest, RuntimeDirectoriesAreCreatedOwnedExportedAndRemoved) {
  config_.directory(ExecDirectoryType::runtime).names = {"web", "nested/dir"};
  config_.directory(ExecDirectoryType::runtime).mode = 02750;
  if (getuid() == 0) config_.user = "nobody";
  ASSERT_EQ(ops_->check_exec_directories(config_), 0);
  EXPECT_FALSE(exists(temp_ + "/run/web")) << "made by the service's processes, not before";
  ProcessRun r = report();
  for (const char* name : {"/run/web", "/run/nested/dir"}) {
    struct stat st {};
    ASSERT_EQ(stat((temp_ + name).c_str(), &st), 0) << name;
    EXPECT_TRUE(S_ISDIR(st.st_mode));
    EXPECT_EQ(st.st_mode & 07777, 02750u) << "RuntimeDirectoryMode= exactly, setgid included";
  }
  struct stat parent {};
  ASSERT_EQ(stat((temp_ + "/run/nested").c_str(), &parent), 0);
  EXPECT_EQ(parent.st_mode & 07777, 0755u);
  EXPECT_EQ(value_of(r.output, "env=RUNTIME_DIRECTORY"), temp_ + "/run/web:" + temp_ + "/run/nested/dir");
  // The service's process gives them to User=, where User= is resolved (in
  // the child: vermiliond makes no name lookup).
  for (const char* name : {"/run/web", "/run/nested/dir"}) {
    struct stat st {};
    ASSERT_EQ(stat((temp_ + name).c_str(), &st), 0) << name;
    if (getuid() == 0) {
      EXPECT_EQ(st.st_uid, 65534u) << name;
    }
  }
  std::ofstream(temp_ + "/run/web/file") << "x";
  ops_->remove_runtime_directories(config_);
  EXPECT_FALSE(exists(temp_ + "/run/web"));
  EXPECT_FALSE(exists(temp_ + "/run/nested/dir"));
}

TEST_F(LinuxSystemOpsTest, RuntimeDirectoryMustStayBelowTheRoot) {
  config_.directory(ExecDirectoryType::runtime).names = {"../escape"};
  EXPECT_EQ(ops_->check_exec_directories(config_), -EINVAL);
  config_.directory(ExecDirectoryType::runtime).names = {"/abs"};
  EXPECT_EQ(ops_->check_exec_directories(config_), -EINVAL);
}

}  // namespace
}  // namespace vermilion

namespace vermilion {
namespace {

using namespace vermilion::test;

TEST(LinuxSystemOpsUserScope, RunsInHomeWithOwnLoginAndRuntimeDir) {
  LinuxSystemOpsOptions options;
  options.scope = RuntimeScope::user;
  options.backend = ScopeBackend::session;
  options.runtime_root = "/tmp/vermilion-user-runtime";
  std::unique_ptr<LinuxSystemOps> ops;
  ASSERT_EQ(LinuxSystemOps::create(options, ops), 0);
  ServiceConfig config;
  config.name = "user.service";
  config.working_directory_optional = true;  // the home may not exist here
  ExecCommand command = command_of({kProbe, "report"});
  fd_pair log;
  ASSERT_EQ(make_pipe(log), 0);
  SpawnRequest request;
  request.config = &config;
  request.command = &command;
  request.log_fd = log.second.get();
  SpawnedProcess process;
  ASSERT_EQ(ops->spawn(request, process), 0);
  log.second.reset();
  std::string output = read_until_eof(log.first.get());
  EXPECT_EQ(reap(process).status, 0) << output;
  passwd* self = getpwuid(getuid());
  ASSERT_NE(self, nullptr);
  EXPECT_EQ(value_of(output, "env=HOME"), self->pw_dir);
  EXPECT_EQ(value_of(output, "env=USER"), self->pw_name);
  EXPECT_EQ(value_of(output, "env=XDG_RUNTIME_DIR"), "/tmp/vermilion-user-runtime");
  EXPECT_EQ(value_of(output, "uid"), std::to_string(getuid()));
}

// systemd 252's unit_add_exec_dependencies(): RequiresMountsFor= first,
// then WorkingDirectory= (not with "-", not "~"), the exec directories below
// their roots, and in the system scope /var/tmp for PrivateTmp= (/tmp has
// a weak tmp.mount dependency instead, which vermiliond does not run);
// each path once. (The user scope is recorded from systemd: conformance
// case requires-mounts-for.)
TEST(LinuxSystemOpsSystemScope, MountsRequiredAddWhatOtherKeysImply) {
  LinuxSystemOpsOptions options;
  options.scope = RuntimeScope::system;
  options.backend = ScopeBackend::session;
  options.runtime_root = "/run";
  std::unique_ptr<LinuxSystemOps> ops;
  ASSERT_EQ(LinuxSystemOps::create(options, ops), 0);
  ServiceConfig config;
  config.name = "db.service";
  config.requires_mounts_for = {"/srv/db"};
  config.working_directory = "/srv/db";
  config.directory(ExecDirectoryType::state).names = {"db"};
  config.directory(ExecDirectoryType::runtime).names = {"db"};
  config.private_tmp = true;
  EXPECT_EQ(ops->mounts_required_by(config),
            (std::vector<std::string>{"/srv/db", "/run/db", "/var/lib/db", "/var/tmp"}));
  config.working_directory_optional = true;
  config.working_directory = "/srv/work";
  config.private_tmp = false;
  EXPECT_EQ(ops->mounts_required_by(config), (std::vector<std::string>{"/srv/db", "/run/db", "/var/lib/db"}));
}

TEST(LinuxSystemOpsAutomatic, PrefersCgroupsWhereWritable) {
  CgroupLocation location;
  bool writable = discover_cgroup(location) == 0 && location.writable;
  std::unique_ptr<LinuxSystemOps> ops;
  ASSERT_EQ(LinuxSystemOps::create({}, ops), 0);
  EXPECT_EQ(ops->uses_cgroups(), writable);
  EXPECT_NE(ops->create_scope("web.service"), nullptr);
}

}  // namespace
}  // namespace vermilion
