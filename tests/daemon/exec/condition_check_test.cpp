#include "exec/condition_check.h"

#include <spawn.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "exec/exec_environment.h"
#include "units/host_facts.h"

extern char** environ;

namespace vermilion {
namespace {

// What `systemd-analyze condition EXPRESSION` says: whether the unit would
// start, and whether it could not tell ("Couldn't determine result").
struct Verdict {
  bool holds = false;
  bool error = false;
  std::string output;
};

std::optional<Verdict> systemd_verdict(const std::string& expression) {
  int pipe_fds[2];
  if (pipe(pipe_fds) < 0) return std::nullopt;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  std::array<char*, 4> argv{const_cast<char*>("systemd-analyze"), const_cast<char*>("condition"),
                            const_cast<char*>(expression.c_str()), nullptr};
  pid_t pid = 0;
  const int r = posix_spawnp(&pid, "systemd-analyze", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  if (r != 0) {
    close(pipe_fds[0]);
    return std::nullopt;
  }
  Verdict v;
  char buffer[4096];
  for (ssize_t n; (n = read(pipe_fds[0], buffer, sizeof buffer)) > 0;) v.output.append(buffer, static_cast<std::size_t>(n));
  close(pipe_fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) == 127) return std::nullopt;
  v.holds = WEXITSTATUS(status) == 0;
  v.error = v.output.find("Couldn't determine result") != std::string::npos;
  return v;
}

// "ConditionX=|!value" as the unit file parser takes it (no specifiers or
// path checks here: every expression below is already in final form).
UnitCondition parse(const std::string& expression) {
  const auto eq = expression.find('=');
  auto key = condition_key_from_name(expression.substr(0, eq));
  EXPECT_TRUE(key) << expression;
  UnitCondition c;
  if (key) c.type = key->type;
  std::string_view value = std::string_view(expression).substr(eq + 1);
  if (value.starts_with('|')) c.trigger = true, value.remove_prefix(1);
  if (value.starts_with('!')) c.negate = true, value.remove_prefix(1);
  c.parameter = std::string(value);
  return c;
}

class ConditionCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!systemd_verdict("ConditionPathExists=/")) GTEST_SKIP() << "systemd-analyze is not installed: nothing to compare with";
    char dir_template[] = "/tmp/vermilion-conditions-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    dir_ = dir_template;
    mkdir((dir_ + "/hidden-only").c_str(), 0755);
    std::ofstream(dir_ + "/hidden-only/.hidden") << "x";
    std::ofstream(dir_ + "/hidden-only/backup~") << "x";
    std::ofstream(dir_ + "/hidden-only/x.dpkg-old") << "x";
    mkdir((dir_ + "/one-file").c_str(), 0755);
    std::ofstream(dir_ + "/one-file/file") << "x";
    std::ofstream(dir_ + "/empty-file");
  }
  void TearDown() override {
    if (!dir_.empty()) std::system(("rm -rf " + dir_).c_str());
  }
  std::string dir_;
};

// Every type, each with inputs that hold, that do not and that cannot be
// told, compared with systemd 252 on this same machine.
TEST_F(ConditionCheckTest, AgreesWithSystemdAnalyzeCondition) {
  utsname uts{};
  ASSERT_EQ(uname(&uts), 0);
  const HostFacts host = HostFacts::read();
  std::string upper_host = host.host_name;
  for (char& ch : upper_host) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  const std::string release = uts.release;
  std::vector<std::string> expressions = {
      "ConditionPathExists=/etc", "ConditionPathExists=/nonexistent", "ConditionPathExists=!/nonexistent",
      "ConditionPathExistsGlob=/etc/host*", "ConditionPathExistsGlob=/nonexistent*", "ConditionPathExistsGlob=/etc/{passwd,nope}",
      "ConditionPathIsDirectory=/etc", "ConditionPathIsDirectory=/etc/hostname", "ConditionPathIsDirectory=/nonexistent",
      "ConditionPathIsSymbolicLink=/bin", "ConditionPathIsSymbolicLink=/etc",
      "ConditionPathIsMountPoint=/", "ConditionPathIsMountPoint=/proc", "ConditionPathIsMountPoint=/etc",
      "ConditionPathIsMountPoint=/nonexistent",
      "ConditionPathIsReadWrite=/", "ConditionPathIsReadWrite=/proc/sys", "ConditionPathIsReadWrite=/nonexistent",
      "ConditionPathIsEncrypted=/", "ConditionPathIsEncrypted=/nonexistent",
      "ConditionDirectoryNotEmpty=/etc", "ConditionDirectoryNotEmpty=/nonexistent",
      "ConditionDirectoryNotEmpty=/etc/hostname", "ConditionDirectoryNotEmpty=" + dir_ + "/hidden-only",
      "ConditionDirectoryNotEmpty=" + dir_ + "/one-file",
      "ConditionFileNotEmpty=/etc/passwd", "ConditionFileNotEmpty=/dev/null", "ConditionFileNotEmpty=" + dir_ + "/empty-file",
      "ConditionFileNotEmpty=/etc",
      "ConditionFileIsExecutable=/bin/sh", "ConditionFileIsExecutable=/etc/passwd", "ConditionFileIsExecutable=/bin",
      "ConditionNeedsUpdate=/etc", "ConditionNeedsUpdate=/var", "ConditionNeedsUpdate=/proc/sys",
      "ConditionArchitecture=native", "ConditionArchitecture=x86-64", "ConditionArchitecture=arm64",
      "ConditionArchitecture=foo", "ConditionArchitecture=!" + host.architecture,
      "ConditionFirmware=uefi", "ConditionFirmware=device-tree", "ConditionFirmware=foo",
      "ConditionFirmware=device-tree-compatible(foo)", "ConditionFirmware=device-tree-compatible(foo",
      "ConditionVirtualization=yes", "ConditionVirtualization=no", "ConditionVirtualization=vm",
      "ConditionVirtualization=container", "ConditionVirtualization=docker", "ConditionVirtualization=kvm",
      "ConditionVirtualization=private-users", "ConditionVirtualization=foo",
      "ConditionHost=" + host.host_name, "ConditionHost=" + upper_host, "ConditionHost=nomatch*",
      "ConditionHost=*", "ConditionHost=" + host.machine_id.value_or("00000000000000000000000000000001"),
      "ConditionHost=00000000-0000-0000-0000-000000000001",
      "ConditionKernelCommandLine=console", "ConditionKernelCommandLine=quiet", "ConditionKernelCommandLine=init",
      "ConditionKernelCommandLine=BOOT_IMAGE", "ConditionKernelCommandLine=nope=1",
      "ConditionKernelVersion=" + release, "ConditionKernelVersion=>=3", "ConditionKernelVersion=<3",
      "ConditionKernelVersion=$=" + release.substr(0, 2) + "*", "ConditionKernelVersion=!$=1*",
      "ConditionKernelVersion=" + release.substr(0, 1) + ".*", "ConditionKernelVersion=>= 3",
      "ConditionKernelVersion=>=3 <999", "ConditionKernelVersion=>=3 < 999", "ConditionKernelVersion=<>3",
      "ConditionKernelVersion===" + release, "ConditionKernelVersion==" + release, "ConditionKernelVersion=!=3",
      "ConditionKernelVersion=>", "ConditionKernelVersion='>=3' '<999'", "ConditionKernelVersion=\"unterminated",
      "ConditionCredential=foo", "ConditionCredential=../x",
      "ConditionSecurity=audit", "ConditionSecurity=apparmor", "ConditionSecurity=selinux", "ConditionSecurity=smack",
      "ConditionSecurity=ima", "ConditionSecurity=tomoyo", "ConditionSecurity=uefi-secureboot",
      "ConditionSecurity=tpm2", "ConditionSecurity=bogus",
      "ConditionCapability=CAP_SYS_ADMIN", "ConditionCapability=cap_chown", "ConditionCapability=CAP_FOO",
      "ConditionCapability=12", "ConditionCapability=!CAP_SYS_ADMIN",
      "ConditionACPower=true", "ConditionACPower=false", "ConditionACPower=maybe",
      "ConditionMemory=1", "ConditionMemory=>=1K", "ConditionMemory=!=5", "ConditionMemory=<1",
      "ConditionMemory=>99999G", "ConditionMemory=x", "ConditionMemory=1.5G", "ConditionMemory=<=1E",
      "ConditionCPUs=>=1", "ConditionCPUs=1k", "ConditionCPUs=<1", "ConditionCPUs=>1000", "ConditionCPUs=0x1",
      "ConditionEnvironment=PATH", "ConditionEnvironment=NOPE", "ConditionEnvironment=PATH=/nope",
      "ConditionCPUFeature=sse2", "ConditionCPUFeature=pclmul", "ConditionCPUFeature=bogus",
      "ConditionCPUFeature=SSE2", "ConditionCPUFeature=constant_tsc", "ConditionCPUFeature=avx2",
      "ConditionOSRelease=ID=debian", "ConditionOSRelease=VERSION_ID>=11", "ConditionOSRelease=ID = debian",
      "ConditionOSRelease=ID$=deb*", "ConditionOSRelease=ID!=debian", "ConditionOSRelease=NOPE=x",
      "ConditionOSRelease=VERSION_ID<12", "ConditionOSRelease=ID=debian VERSION_ID=12", "ConditionOSRelease=ID",
      "ConditionOSRelease=1D=x", "ConditionOSRelease=NOPE!=x",
      "ConditionMemoryPressure=50%", "ConditionMemoryPressure=x", "ConditionCPUPressure=user.slice:1%",
      "ConditionIOPressure=100%/10sec", "ConditionIOPressure=10%/2min", "ConditionMemoryPressure=101%",
      "ConditionFirstBoot=yes", "ConditionFirstBoot=no", "ConditionFirstBoot=maybe",
      "ConditionUser=root", "ConditionUser=0", "ConditionUser=@system", "ConditionUser=" + std::to_string(getuid()),
      "ConditionUser=12345", "ConditionUser=nobody-here",
      "ConditionGroup=root", "ConditionGroup=0", "ConditionGroup=12345", "ConditionGroup=" + std::to_string(getgid()),
      "ConditionControlGroupController=v1", "ConditionControlGroupController=v2",
      "ConditionControlGroupController=memory", "ConditionControlGroupController=cpu memory",
      "ConditionControlGroupController=bogus", "ConditionControlGroupController=hugetlb",
      "ConditionControlGroupController=bpf-firewall", "ConditionControlGroupController=io",
      "AssertPathExists=/nonexistent", "AssertPathExists=/etc",
      // What a review found differing (each was wrong once).
      "ConditionFirmware=device-tree-compatible(", "ConditionFirmware=device-tree-compatible()",
      "ConditionControlGroupController=cpuset", "ConditionMemory=>= 1G", "ConditionMemory=1G 512M",
      "ConditionMemory=1K 1G", "ConditionMemory=+1G", "ConditionMemory=10.M", "ConditionMemory=1.0000000001G",
      "ConditionCPUs=+1", "ConditionMemoryPressure=:10%", "ConditionMemoryPressure=500‰",
      "ConditionMemoryPressure=5‱", "ConditionMemoryPressure=10.55%", "ConditionMemoryPressure=10.555%",
      "ConditionMemoryPressure=10%/", "ConditionCPUPressure=foo:10%", "ConditionIOPressure=user.slice:0%/1min",
      "ConditionMemoryPressure=99999999999999999999%", "ConditionOSRelease=NOPE>~1", "ConditionOSRelease=NOPE>=_",
      "ConditionOSRelease=NOPE<_", "ConditionOSRelease=VERSION_ID>12~rc1", "ConditionOSRelease=VERSION_ID<12.0",
  };
  ConditionContext context = ConditionContext::current(std::nullopt, std::nullopt, std::nullopt);
  context.environment = manager_environment(nullptr, std::nullopt);
  int compared = 0;
  for (const std::string& expression : expressions) {
    auto verdict = systemd_verdict(expression);
    ASSERT_TRUE(verdict) << expression;
    const UnitCondition c = parse(expression);
    const int tested = test_condition(c, context);
    EXPECT_EQ(condition_holds(tested, c.negate), verdict->holds)
        << expression << ": we tested " << tested << "; systemd said\n" << verdict->output;
    EXPECT_EQ(tested < 0, verdict->error) << expression << ": we tested " << tested << "; systemd said\n" << verdict->output;
    ++compared;
  }
  EXPECT_EQ(compared, static_cast<int>(expressions.size()));
}

// The names ConditionUser=/ConditionGroup= compare with are resolved once;
// $USER, when set, names the user, as systemd's getusername_malloc().
TEST(ConditionContext, UserNameComesFromUserOrThePasswordDatabase) {
  const ConditionContext named = ConditionContext::current(std::string("someone"), std::nullopt, std::nullopt);
  EXPECT_EQ(named.user_name, "someone");
  EXPECT_EQ(test_condition({ConditionType::user, "someone", false, false}, named), getpid() == 1 ? 0 : 1);
  const ConditionContext looked_up = ConditionContext::current(std::nullopt, std::nullopt, std::nullopt);
  EXPECT_FALSE(looked_up.user_name.empty());
  EXPECT_FALSE(looked_up.group_names.empty());
}

TEST(ConditionContext, CredentialsAreLookedForInTheManagersDirectories) {
  char dir_template[] = "/tmp/vermilion-credentials-XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  const std::string dir = dir_template;
  std::ofstream(dir + "/token") << "secret";
  const ConditionContext context = ConditionContext::current(std::nullopt, std::nullopt, dir);
  EXPECT_EQ(test_condition({ConditionType::credential, "token", false, false}, context), 1);
  EXPECT_EQ(test_condition({ConditionType::credential, "other", false, false}, context), 0);
  EXPECT_EQ(test_condition({ConditionType::credential, "../token", false, false}, context), 0) << "not a valid name";
  std::system(("rm -rf " + dir).c_str());
}

TEST(ConditionContext, EnvironmentMatchesANameOrAWholeAssignment) {
  ConditionContext context;
  context.environment = {"PATH=/usr/bin", "EMPTY="};
  EXPECT_EQ(test_condition({ConditionType::environment, "PATH", false, false}, context), 1);
  EXPECT_EQ(test_condition({ConditionType::environment, "PAT", false, false}, context), 0);
  EXPECT_EQ(test_condition({ConditionType::environment, "PATH=/usr/bin", false, false}, context), 1);
  EXPECT_EQ(test_condition({ConditionType::environment, "PATH=/usr", false, false}, context), 0);
  EXPECT_EQ(test_condition({ConditionType::environment, "EMPTY=", false, false}, context), 1);
}

}  // namespace
}  // namespace vermilion
