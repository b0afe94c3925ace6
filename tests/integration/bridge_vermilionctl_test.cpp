// vermilionctl against the real stack: vermiliond, the bridge it supervises,
// a private session bus. Output and exit codes as systemctl's.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "bridge_fixture.h"

namespace vermilion::testing {
namespace {

StackFiles files() {
  StackFiles f;
  f.units = {kSleeperUnit,
             {"talker.service",
              "[Unit]\nDescription=Says hello\n[Service]\nType=oneshot\nRemainAfterExit=yes\n"
              "ExecStart=/bin/echo hello from talker\n"},
             {"broken.service", "[Service]\nExecStart=/bin/true\nUser=bad:name\n"},
             {"needy.service", "[Unit]\nRequisite=talker.service\n[Service]\nExecStart=/bin/sleep 1000\n"},
             {"needs-ghost.service", "[Unit]\nRequires=ghost.service\n[Service]\nExecStart=/bin/sleep 1000\n"},
             {"fails.service", "[Service]\nType=oneshot\nExecStart=/bin/false\n"},
             {"talk.target", "[Unit]\nDescription=Talking\nWants=talker.service\n"}};
  return f;
}

// With one more unit, spare.service, in `vendor`: a unit directory searched
// after the stack's own units/, as /usr/lib/systemd/system after
// /etc/systemd/system, so that enablement's links and masks have the name
// free in the first. Not enabled, so not started at boot.
StackFiles files_with_spare(const TempDir& vendor) {
  vendor.write("spare.service",
               "[Unit]\nDescription=Spare\n[Service]\nExecStart=/bin/sleep infinity\n"
               "[Install]\nWantedBy=default.target\n");
  StackFiles f = files();
  f.vermiliond_options = {"--unit-dir", vendor.path()};
  return f;
}

class VermilionctlTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(stack_.ok()) << stack_.error(); }
  CommandResult ctl(std::vector<std::string> args) {
    args.insert(args.begin(), {VERMILIONCTL_PATH, "--user"});
    return run_command(args);
  }
  TempDir vendor_;
  BridgeStack stack_{files_with_spare(vendor_)};
};

TEST_F(VermilionctlTest, ListShowsEveryServiceLikeSystemctl) {
  auto list = ctl({"list"});
  ASSERT_EQ(list.status, 0) << list.output;
  EXPECT_NE(list.output.find("UNIT"), std::string::npos);
  EXPECT_NE(list.output.find("sleeper.service"), std::string::npos) << list.output;
  EXPECT_NE(list.output.find("Sleeps until stopped"), std::string::npos);
  EXPECT_NE(list.output.find("vermilion-bridge.service"), std::string::npos);
  EXPECT_NE(list.output.find("loaded units listed."), std::string::npos);
}

TEST_F(VermilionctlTest, StopStartStatusAndIsActive) {
  ASSERT_EQ(ctl({"start", "sleeper"}).status, 0);  // a no-op when it already runs
  auto status = ctl({"status", "sleeper"});
  EXPECT_EQ(status.status, 0) << status.output;
  EXPECT_NE(status.output.find("sleeper.service - Sleeps until stopped"), std::string::npos) << status.output;
  EXPECT_NE(status.output.find("Active: active (running)"), std::string::npos) << status.output;
  EXPECT_NE(status.output.find("Main PID: "), std::string::npos);

  auto stop = ctl({"stop", "sleeper"});
  EXPECT_EQ(stop.status, 0) << stop.output;
  auto inactive = ctl({"is-active", "sleeper"});
  EXPECT_EQ(inactive.status, 3);
  EXPECT_EQ(inactive.output, "inactive\n");
  EXPECT_EQ(ctl({"status", "sleeper"}).status, 3);

  EXPECT_EQ(ctl({"restart", "sleeper"}).status, 0);
  auto active = ctl({"is-active", "sleeper"});
  EXPECT_EQ(active.status, 0);
  EXPECT_EQ(active.output, "active\n");
}

// --job-mode= reaches the manager (org.vermilion1's EnqueueServiceJob):
// ignore-dependencies starts a unit whose Requires= unit does not exist.
TEST_F(VermilionctlTest, JobModes) {
  auto refused = ctl({"start", "needs-ghost"});
  EXPECT_NE(refused.status, 0) << refused.output;
  EXPECT_NE(refused.output.find("ghost.service"), std::string::npos) << refused.output;
  auto alone = ctl({"start", "--job-mode=ignore-dependencies", "needs-ghost"});
  EXPECT_EQ(alone.status, 0) << alone.output;
  EXPECT_EQ(ctl({"is-active", "needs-ghost"}).output, "active\n");
  auto bad = ctl({"stop", "--job-mode=sometimes", "needs-ghost"});
  EXPECT_NE(bad.status, 0);
  EXPECT_NE(bad.output.find("--job-mode"), std::string::npos) << bad.output;
  EXPECT_EQ(ctl({"stop", "--job-mode=fail", "needs-ghost"}).status, 0);
}

TEST_F(VermilionctlTest, KillLogsCapsAndReloadConfig) {
  ASSERT_EQ(ctl({"start", "talker"}).status, 0);
  auto logs = ctl({"logs", "-n", "5", "talker"});
  EXPECT_EQ(logs.status, 0) << logs.output;
  EXPECT_NE(logs.output.find("talker.service: hello from talker"), std::string::npos) << logs.output;

  auto kill = ctl({"kill", "-s", "KILL", "sleeper"});
  EXPECT_EQ(kill.status, 0) << kill.output;
  auto bad_signal = ctl({"kill", "-s", "NOPE", "sleeper"});
  EXPECT_NE(bad_signal.status, 0);

  auto caps = ctl({"caps", "vermilion-bridge"});
  EXPECT_EQ(caps.status, 0) << caps.output;
  EXPECT_NE(caps.output.find("manager"), std::string::npos) << caps.output;

  EXPECT_EQ(ctl({"reload-config"}).status, 0);
}

TEST_F(VermilionctlTest, UnknownServicesAndFailures) {
  auto status = ctl({"status", "no-such"});
  EXPECT_EQ(status.status, 4) << status.output;
  auto start = ctl({"start", "no-such"});
  EXPECT_EQ(start.status, 4) << start.output;
  EXPECT_NE(start.output.find("not found"), std::string::npos) << start.output;
  auto unknown = ctl({"is-active", "no-such"});
  EXPECT_EQ(unknown.status, 3);
  EXPECT_EQ(unknown.output, "inactive\n");
}

// What systemctl says for each, through vermiliond, the link, the bridge and
// org.vermilion1: a unit that exists but does not load, or whose requisite
// is down, is no unknown unit (exit 1, not 4).
TEST_F(VermilionctlTest, BadSettingAndInactiveRequisiteAreNotUnknownUnits) {
  auto bad = ctl({"start", "broken"});
  EXPECT_EQ(bad.status, 1) << bad.output;
  EXPECT_EQ(bad.output,
            "Failed to start broken.service: Unit broken.service has a bad unit file setting.\n"
            "See vermiliond's log and 'vermilionctl --user status broken.service' for details.\n");

  auto needy = ctl({"start", "needy"});
  EXPECT_EQ(needy.status, 1) << needy.output;
  EXPECT_EQ(needy.output,
            "A dependency job for needy.service failed. See 'vermilionctl --user status needy.service' for details.\n");
  EXPECT_EQ(ctl({"is-active", "talker"}).output, "inactive\n") << "a requisite is not started for us";
  ASSERT_EQ(ctl({"start", "talker"}).status, 0);
  EXPECT_EQ(ctl({"start", "needy"}).status, 0) << "with its requisite active it starts";

  auto missing = ctl({"start", "needs-ghost"});
  EXPECT_EQ(missing.status, 4) << missing.output;
  EXPECT_EQ(missing.output, "Failed to start needs-ghost.service: Unit ghost.service not found.\n")
      << "the unit that is missing, not the one asked for";
}

// Enablement through org.vermilion1 and vermiliond's manager capability:
// systemctl's words and exit codes; the links land in the first unit
// directory, and reload-config makes vermiliond read them.
TEST_F(VermilionctlTest, EnableDisableMaskAndIsEnabled) {
  const std::string units = stack_.dir().file("units");
  const std::string vendor = vendor_.path();
  auto files = ctl({"list-unit-files"});
  EXPECT_EQ(files.status, 0) << files.output;
  EXPECT_EQ(files.output.rfind("UNIT FILE", 0), 0u) << files.output;
  EXPECT_NE(files.output.find("sleeper.service     enabled\n"), std::string::npos) << files.output;
  EXPECT_NE(files.output.find("spare.service       disabled\n"), std::string::npos) << files.output;
  EXPECT_NE(files.output.find("talker.service      static\n"), std::string::npos) << files.output;
  EXPECT_NE(files.output.find("unit files listed."), std::string::npos) << files.output;

  auto disabled = ctl({"is-enabled", "spare"});
  EXPECT_EQ(disabled.status, 1);
  EXPECT_EQ(disabled.output, "disabled\n");
  auto is_static = ctl({"is-enabled", "talker"});
  EXPECT_EQ(is_static.status, 0) << "static counts as enabled, as with systemctl";
  EXPECT_EQ(is_static.output, "static\n");
  auto nosuch = ctl({"is-enabled", "no-such"});
  EXPECT_EQ(nosuch.status, 1);
  EXPECT_NE(nosuch.output.find("Failed to get unit file state for no-such.service:"), std::string::npos)
      << nosuch.output;

  EXPECT_EQ(ctl({"is-active", "spare"}).output, "inactive\n") << "not enabled, not started at boot";
  auto enable = ctl({"enable", "--now", "spare"});
  EXPECT_EQ(enable.status, 0) << enable.output;
  EXPECT_EQ(enable.output, "Created symlink " + units + "/default.target.wants/spare.service \u2192 " + vendor +
                               "/spare.service.\n");
  EXPECT_EQ(ctl({"is-active", "spare"}).output, "active\n") << "--now starts it";
  auto enabled = ctl({"is-enabled", "-q", "spare", "talker"});
  EXPECT_EQ(enabled.status, 0);
  EXPECT_EQ(enabled.output, "");
  EXPECT_EQ(ctl({"is-enabled", "spare"}).output, "enabled\n");

  auto disable = ctl({"disable", "--now", "spare"});
  EXPECT_EQ(disable.status, 0) << disable.output;
  EXPECT_EQ(disable.output, "Removed \"" + units + "/default.target.wants/spare.service\".\n");
  EXPECT_EQ(ctl({"is-active", "spare"}).output, "inactive\n") << "--now stops it";
  EXPECT_EQ(ctl({"reenable", "spare"}).status, 0);
  EXPECT_EQ(ctl({"is-enabled", "spare"}).output, "enabled\n");

  auto mask = ctl({"mask", "spare"});
  EXPECT_EQ(mask.status, 0) << mask.output;
  EXPECT_EQ(mask.output, "Created symlink " + units + "/spare.service \u2192 /dev/null.\n");
  auto masked = ctl({"is-enabled", "spare"});
  EXPECT_EQ(masked.status, 1);
  EXPECT_EQ(masked.output, "masked\n");
  auto enable_masked = ctl({"enable", "spare"});
  EXPECT_EQ(enable_masked.status, 1);
  EXPECT_EQ(enable_masked.output.rfind("Failed to enable unit: ", 0), 0u) << enable_masked.output;
  auto in_the_way = ctl({"mask", "sleeper"});
  EXPECT_EQ(in_the_way.status, 1) << "a unit file is in the way in the first directory";
  EXPECT_EQ(in_the_way.output.rfind("Failed to mask unit: ", 0), 0u) << in_the_way.output;
  EXPECT_EQ(ctl({"unmask", "spare"}).status, 0);
  EXPECT_EQ(ctl({"is-enabled", "spare"}).output, "enabled\n");

  auto missing = ctl({"enable", "no-such"});
  EXPECT_EQ(missing.status, 1);
  EXPECT_EQ(missing.output, "Failed to enable unit: Unit file no-such.service does not exist.\n");
  EXPECT_NE(ctl({"enable", "bad/name"}).status, 0);
}

TEST_F(VermilionctlTest, ResetFailed) {
  ASSERT_EQ(ctl({"start", "fails"}).status, 1);
  EXPECT_EQ(ctl({"is-active", "fails"}).output, "failed\n");
  auto reset = ctl({"reset-failed", "fails"});
  EXPECT_EQ(reset.status, 0) << reset.output;
  EXPECT_EQ(reset.output, "");
  EXPECT_EQ(ctl({"is-active", "fails"}).output, "inactive\n");
  EXPECT_EQ(ctl({"reset-failed", "sleeper"}).status, 0);
  EXPECT_EQ(ctl({"is-active", "sleeper"}).output, "active\n") << "a unit that did not fail is left as it is";
  EXPECT_EQ(ctl({"reset-failed", "no-such"}).status, 4);
}

// A target is a unit vermilionctl names as it is ("talk.target", not
// "talk.target.service"); status shows no logs (a target has no processes).
TEST_F(VermilionctlTest, StartsAndShowsATarget) {
  auto start = ctl({"start", "talk.target"});
  EXPECT_EQ(start.status, 0) << start.output;
  EXPECT_EQ(ctl({"is-active", "talk.target"}).output, "active\n");
  EXPECT_EQ(ctl({"is-active", "talker"}).output, "active\n") << "pulled in by Wants=";
  auto status = ctl({"status", "talk.target"});
  EXPECT_EQ(status.status, 0) << status.output;
  EXPECT_NE(status.output.find("talk.target - Talking"), std::string::npos) << status.output;
  EXPECT_EQ(status.output.find("Logs of"), std::string::npos) << status.output;
  EXPECT_EQ(ctl({"stop", "talk.target"}).status, 0);
  EXPECT_EQ(ctl({"is-active", "talk.target"}).output, "inactive\n");
}

}  // namespace
}  // namespace vermilion::testing
