// A GDBus program doing what KDE's SystemdGenie does with
// org.freedesktop.systemd1 (tests/helpers/gdbus_genie.c) against vermiliond
// --systemd-compat on a private system-style bus, as root (Genie's actions
// run in its root helper), in a mount namespace with a tmpfs on
// /run/systemd as the systemctl tests do.
#include <gtest/gtest.h>
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

const std::string kGenie = std::string(VERMILION_TEST_HELPER_DIR) + "/vermilion-test-gdbus_genie";

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class GdbusGenieTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root: a mount namespace, and the bridge's system user";
    if (!user_identity("vermilion-bridge")) GTEST_SKIP() << "no user vermilion-bridge (scripts/setup-debian.sh)";
    std::string why;
    ASSERT_TRUE(private_run_systemd(why)) << why;
    StackFiles files;
    files.units = {kSleeperUnit};
    files.vermiliond_options = {"--systemd-compat"};
    files.also_wait_for = "org.freedesktop.systemd1";
    stack_ = std::make_unique<BridgeStack>(files, BusFlavour::system);
    ASSERT_TRUE(stack_->ok()) << stack_->error();
  }
  CommandResult genie(const std::vector<std::string>& parts) {
    std::vector<std::string> argv = {kGenie, stack_->bus().address(), "sleeper.service"};
    argv.insert(argv.end(), parts.begin(), parts.end());
    return run_command(argv, 100000);
  }
  // The Manager methods given that the bridge answers with NotSupported.
  std::string unserved(const std::vector<std::vector<std::string>>& probes) {
    std::string names;
    for (const auto& probe : probes) {
      std::vector<std::string> argv = {"/usr/bin/busctl", stack_->address_option(), "call",
                                       "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                       "org.freedesktop.systemd1.Manager"};
      argv.insert(argv.end(), probe.begin(), probe.end());
      auto result = run_command(argv);
      if (result.status != 0 && contains(result.output, "does not support")) names += " " + probe[0];
    }
    return names;
  }

  std::unique_ptr<BridgeStack> stack_;
};

TEST_F(GdbusGenieTest, ListsActsWithModeReplaceAndHearsTheSignals) {
  auto run = genie({"units", "jobs"});
  const std::string& out = run.output;
  EXPECT_EQ(run.status, 0) << out;
  EXPECT_TRUE(contains(out, "subscribed\n")) << out;
  EXPECT_TRUE(contains(out, "unit sleeper.service loaded active running\n")) << out;
  // Each action's job: its JobNew first, its JobRemoved "done", and the
  // unit's PropertiesChanged with the state Genie then shows.
  EXPECT_TRUE(contains(out, "job stop done active=inactive new=yes properties=yes\n")) << out;
  EXPECT_TRUE(contains(out, "job start done active=active new=yes properties=yes\n")) << out;
  EXPECT_TRUE(contains(out, "job restart done active=active new=yes properties=yes\n")) << out;
  EXPECT_TRUE(contains(out, "restarted pid-changed=yes\n")) << out;
  EXPECT_FALSE(contains(out, "error ")) << out;
  EXPECT_FALSE(contains(out, "timeout ")) << out;
  EXPECT_TRUE(contains(out, "done\n")) << out;
}

// Genie's refresh is ListUnits then ListUnitFiles (its UnitsFetchJob gives
// up on the whole list when ListUnitFiles fails), and its helper follows
// Enable/DisableUnitFiles with Reload.
TEST_F(GdbusGenieTest, ListsUnitFilesAndEnablesAsSystemdGenie) {
  const std::string names = unserved({{"ListUnitFiles"},
                                      {"GetUnitFileState", "s", "sleeper.service"},
                                      {"EnableUnitFiles", "asbb", "0", "false", "true"},
                                      {"DisableUnitFiles", "asb", "0", "false"}});
  if (!names.empty())
    GTEST_SKIP() << "org.freedesktop.systemd1 answers NotSupported for" << names
                 << ": SystemdGenie's unit list and enablement cannot work without them";
  auto run = genie({"units", "files", "enablement"});
  const std::string& out = run.output;
  EXPECT_EQ(run.status, 0) << out;
  EXPECT_TRUE(contains(out, "unit sleeper.service loaded active running\n")) << out;
  // Enabled by the fixture (WantedBy=default.target).
  EXPECT_TRUE(contains(out, "unit-file sleeper.service enabled\n")) << out;
  EXPECT_TRUE(contains(out, "file-state enabled\n")) << out;
  // Each call, then Reload, heard as Reloading(false); the file state follows.
  EXPECT_TRUE(contains(out, "disabled\nreloading false\nfile-state disabled\n")) << out;
  EXPECT_TRUE(contains(out, "enabled\nreloading false\nfile-state enabled\n")) << out;
  EXPECT_TRUE(std::filesystem::is_symlink(stack_->dir().file("units/default.target.wants/sleeper.service")))
      << out;
  EXPECT_FALSE(contains(out, "error ")) << out;
  EXPECT_FALSE(contains(out, "timeout ")) << out;
  EXPECT_TRUE(contains(out, "done\n")) << out;
}

}  // namespace
}  // namespace vermilion::testing
