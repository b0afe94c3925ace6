// Debian's own systemctl (systemd 252) driving vermiliond through
// org.freedesktop.systemd1 (vermiliond --systemd-compat), as root against a
// private system-style bus and with --user against a session-style one.
//
// System scope needs what a booted machine has: systemctl checks
// sd_booted() (/run/systemd/system) and, as root, tries
// /run/systemd/private before the system bus. Each test runs in a mount
// namespace of its own with a tmpfs on /run/systemd (the machine's is never
// touched), where vermiliond creates /run/systemd/system and removes it
// when it exits; no /run/systemd/private exists there, so systemctl falls
// back to the bus at DBUS_SYSTEM_BUS_ADDRESS: the test's.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "bridge_fixture.h"
#include "private_run_systemd.h"
#include "run_as.h"

namespace vermilion::testing {
namespace {

const std::pair<std::string, std::string> kFailsUnit{
    "fails.service", "[Unit]\nDescription=Fails at once\n[Service]\nType=oneshot\nExecStart=/bin/false\n"};
const std::pair<std::string, std::string> kOneshotUnit{
    "once.service", "[Unit]\nDescription=Runs once\n[Service]\nType=oneshot\nExecStart=/bin/true\n"};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class SystemctlSystemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root: a mount namespace, and the bridge's system user";
    if (!user_identity("vermilion-bridge")) GTEST_SKIP() << "no user vermilion-bridge (scripts/setup-debian.sh)";
    std::string why;
    ASSERT_TRUE(private_run_systemd(why)) << why;
  }
  void start(const std::vector<std::pair<std::string, std::string>>& units) {
    StackFiles files;
    files.units = units;
    files.vermiliond_options = {"--systemd-compat"};
    files.also_wait_for = "org.freedesktop.systemd1";
    stack_ = std::make_unique<BridgeStack>(files, BusFlavour::system);
    ASSERT_TRUE(stack_->ok()) << stack_->error();
  }
  static std::vector<std::string> systemctl(std::vector<std::string> args) {
    args.insert(args.begin(), {"/usr/bin/systemctl", "--no-pager", "--no-ask-password"});
    return args;
  }
  CommandResult as_root(const std::vector<std::string>& args) { return run_command(systemctl(args)); }
  CommandResult as_nobody(const std::vector<std::string>& args) { return run_command(run_as(nobody(), systemctl(args))); }

  std::unique_ptr<BridgeStack> stack_;
};

TEST_F(SystemctlSystemTest, VermiliondMakesTheMachineLookBootedAndCleansUp) {
  ASSERT_FALSE(std::filesystem::exists("/run/systemd/system"));
  start({kSleeperUnit});
  EXPECT_TRUE(std::filesystem::is_directory("/run/systemd/system"));
  EXPECT_TRUE(contains(stack_->log(), "created /run/systemd/system")) << stack_->log();
  stack_.reset();
  EXPECT_FALSE(std::filesystem::exists("/run/systemd/system"));
}

TEST_F(SystemctlSystemTest, ADirectoryThatIsNotOursMeansAnotherManagerRuns) {
  ASSERT_EQ(mkdir("/run/systemd/system", 0755), 0);
  StackFiles files;
  files.units = {kSleeperUnit};
  files.vermiliond_options = {"--systemd-compat"};
  BridgeStack stack(files, BusFlavour::system);
  ASSERT_TRUE(stack.ok()) << stack.error();  // org.vermilion1 is served all the same
  EXPECT_TRUE(contains(stack.log(), "/run/systemd/system exists and vermiliond did not create it")) << stack.log();
  auto owner = run_command({"/usr/bin/busctl", stack.address_option(), "status", "org.freedesktop.systemd1"});
  EXPECT_NE(owner.status, 0) << owner.output;
  // And it is left alone.
  EXPECT_TRUE(std::filesystem::is_directory("/run/systemd/system"));
}

TEST_F(SystemctlSystemTest, ListStatusShowIsActive) {
  start({kSleeperUnit, kFailsUnit});
  auto list = as_root({"list-units"});
  EXPECT_EQ(list.status, 0) << list.output;
  EXPECT_TRUE(contains(list.output, "sleeper.service")) << list.output;
  EXPECT_TRUE(contains(list.output, "Sleeps until stopped")) << list.output;
  EXPECT_FALSE(contains(list.output, "fails.service")) << list.output;  // inactive: only with --all

  auto all = as_root({"list-units", "--all"});
  EXPECT_TRUE(contains(all.output, "fails.service")) << all.output;
  auto pattern = as_root({"list-units", "--all", "sleep*"});
  EXPECT_TRUE(contains(pattern.output, "sleeper.service")) << pattern.output;
  EXPECT_FALSE(contains(pattern.output, "fails.service")) << pattern.output;
  auto state = as_root({"list-units", "--all", "--state=inactive"});
  EXPECT_TRUE(contains(state.output, "fails.service")) << state.output;
  EXPECT_FALSE(contains(state.output, "sleeper.service")) << state.output;
  auto type = as_root({"list-units", "--type=service"});
  EXPECT_TRUE(contains(type.output, "sleeper.service")) << type.output;

  auto status = as_root({"status", "sleeper"});
  EXPECT_EQ(status.status, 0) << status.output;
  EXPECT_TRUE(contains(status.output, "sleeper.service - Sleeps until stopped")) << status.output;
  EXPECT_TRUE(contains(status.output, "Active: active (running) since")) << status.output;
  EXPECT_TRUE(contains(status.output, "Main PID: ")) << status.output;
  EXPECT_FALSE(contains(status.output, "Failed")) << status.output;

  auto missing = as_root({"status", "nosuch"});
  EXPECT_EQ(missing.status, 4) << missing.output;
  EXPECT_TRUE(contains(missing.output, "Unit nosuch.service could not be found.")) << missing.output;

  auto show = as_root({"show", "-p", "ActiveState,SubState", "sleeper"});
  EXPECT_EQ(show.output, "ActiveState=active\nSubState=running\n");
  auto value = as_root({"show", "-p", "LoadState", "--value", "nosuch.service"});
  EXPECT_EQ(value.output, "not-found\n");

  EXPECT_EQ(as_root({"is-active", "sleeper"}).status, 0);
  auto inactive = as_root({"is-active", "fails"});
  EXPECT_EQ(inactive.status, 3);
  EXPECT_EQ(inactive.output, "inactive\n");
}

TEST_F(SystemctlSystemTest, JobsWaitAndReportAsSystemds) {
  start({kSleeperUnit, kFailsUnit, kOneshotUnit});
  EXPECT_EQ(as_root({"stop", "sleeper"}).status, 0);
  EXPECT_EQ(as_root({"is-active", "sleeper"}).output, "inactive\n");
  EXPECT_EQ(as_root({"start", "sleeper"}).status, 0);
  EXPECT_EQ(as_root({"is-active", "sleeper"}).output, "active\n");
  EXPECT_EQ(as_root({"restart", "sleeper"}).status, 0);
  EXPECT_EQ(as_root({"try-restart", "sleeper"}).status, 0);
  EXPECT_EQ(as_root({"try-restart", "once"}).status, 0);  // inactive: nothing to do, done
  EXPECT_EQ(as_root({"is-active", "once"}).output, "inactive\n");
  EXPECT_EQ(as_root({"start", "once"}).status, 0);  // a oneshot's start waits for it to finish

  auto failed = as_root({"start", "fails"});
  EXPECT_EQ(failed.status, 1) << failed.output;
  EXPECT_TRUE(contains(failed.output, "Job for fails.service failed because the control process exited with error code."))
      << failed.output;
  EXPECT_EQ(as_root({"is-failed", "fails"}).output, "failed\n");

  auto unknown = as_root({"start", "nosuch"});
  EXPECT_EQ(unknown.status, 5) << unknown.output;
  EXPECT_TRUE(contains(unknown.output, "Unit nosuch.service not found.")) << unknown.output;

  EXPECT_EQ(as_root({"kill", "sleeper"}).status, 0);
  auto reload = as_root({"daemon-reload"});
  EXPECT_EQ(reload.status, 0) << reload.output;
  auto jobs = as_root({"list-jobs"});
  EXPECT_EQ(jobs.status, 0) << jobs.output;
  EXPECT_TRUE(contains(jobs.output, "No jobs running.")) << jobs.output;
}

TEST_F(SystemctlSystemTest, AnUnprivilegedCallerReadsButMayNotAct) {
  start({kSleeperUnit});
  auto status = as_nobody({"status", "sleeper"});
  EXPECT_EQ(status.status, 0) << status.output;
  EXPECT_TRUE(contains(status.output, "Active: active (running)")) << status.output;
  auto list = as_nobody({"list-units"});
  EXPECT_TRUE(contains(list.output, "sleeper.service")) << list.output;

  auto stop = as_nobody({"stop", "sleeper"});
  EXPECT_EQ(stop.status, 4) << stop.output;
  // systemctl prints every AccessDenied as this (bus_error_message()).
  EXPECT_TRUE(contains(stop.output, "Failed to stop sleeper.service: Access denied")) << stop.output;
  EXPECT_EQ(as_root({"is-active", "sleeper"}).output, "active\n");
  auto reload = as_nobody({"daemon-reload"});
  EXPECT_EQ(reload.status, 1) << reload.output;  // systemctl's daemon-reload exits 1 on any error
  EXPECT_TRUE(contains(reload.output, "Reload daemon failed: Access denied")) << reload.output;
}

// --user: systemctl tries $XDG_RUNTIME_DIR/systemd/private, then the
// session bus.
TEST(SystemctlUserTest, DrivesAUserVermiliond) {
  StackFiles files;
  files.units = {kSleeperUnit};
  files.vermiliond_options = {"--systemd-compat"};
  files.also_wait_for = "org.freedesktop.systemd1";
  BridgeStack stack(files, BusFlavour::session);
  ASSERT_TRUE(stack.ok()) << stack.error();
  TempDir runtime;  // no systemd/private in it
  setenv("XDG_RUNTIME_DIR", runtime.path().c_str(), 1);
  auto sc = [](std::vector<std::string> args) {
    args.insert(args.begin(), {"/usr/bin/systemctl", "--user", "--no-pager"});
    return run_command(args);
  };
  auto list = sc({"list-units"});
  EXPECT_EQ(list.status, 0) << list.output;
  EXPECT_TRUE(contains(list.output, "sleeper.service")) << list.output;
  EXPECT_EQ(sc({"stop", "sleeper"}).status, 0);
  EXPECT_EQ(sc({"is-active", "sleeper"}).output, "inactive\n");
  EXPECT_EQ(sc({"start", "sleeper"}).status, 0);
  auto status = sc({"status", "sleeper"});
  EXPECT_EQ(status.status, 0) << status.output;
  EXPECT_TRUE(contains(status.output, "Active: active (running)")) << status.output;
  unsetenv("XDG_RUNTIME_DIR");
}

}  // namespace
}  // namespace vermilion::testing
