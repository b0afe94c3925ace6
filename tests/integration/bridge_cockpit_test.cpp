// Cockpit 287's Services page (Debian's cockpit-ws, cockpit-bridge,
// cockpit-system) in headless Chromium, driven over the DevTools protocol by
// tests/integration/cockpit_services.py, against vermiliond --systemd-compat
// on a private system-style bus, as root in a mount namespace with a tmpfs
// on /run/systemd (as the systemctl tests). cockpit-ws serves without login
// (--local-session=cockpit-bridge) and finds the bus through
// DBUS_SYSTEM_BUS_ADDRESS, which the stack exports.
//
// The packages are not build dependencies: where one is missing (a machine
// that did not run scripts/setup-debian.sh) the test skips, saying which.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "bridge_fixture.h"
#include "private_run_systemd.h"
#include "run_as.h"

namespace vermilion::testing {
namespace {

const std::string kScript = std::string(VERMILION_SOURCE_DIR) + "/tests/integration/cockpit_services.py";

// What the page needs from Debian, by the file the test uses of each.
const std::vector<std::pair<std::string, std::string>> kPackages = {
    {"cockpit-ws", "/usr/lib/cockpit/cockpit-ws"},
    {"cockpit-bridge", "/usr/bin/cockpit-bridge"},
    {"cockpit-system", "/usr/share/cockpit/systemd/services.html"},
    {"chromium", "/usr/bin/chromium"},
};

// Enabled (the fixture links WantedBy=), so active after boot.
const std::pair<std::string, std::string> kRunningUnit = kSleeperUnit;
const std::string kRunningDescription = "Sleeps until stopped";
// Disabled and inactive: RequiredBy=, which the fixture does not link, of a
// target nothing starts, so only the page's switch (enable, then start)
// makes it run.
const std::pair<std::string, std::string> kIdleUnit{
    "idle.service", "[Unit]\nDescription=Waits to be started\n[Service]\nExecStart=/bin/sleep infinity\n"
                    "[Install]\nRequiredBy=vermilion-cockpit-test.target\n"};
const std::string kIdleLink = "vermilion-cockpit-test.target.requires/idle.service";
const std::string kIdleDescription = "Waits to be started";

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The Manager methods the page calls that the bridge answers with
// NotSupported (asked harmlessly: the file operations with no files).
std::vector<std::string> unserved_methods(const BridgeStack& stack) {
  const std::vector<std::vector<std::string>> probes = {
      {"ListUnitFiles", ""},
      {"EnableUnitFiles", "asbb", "0", "false", "false"},
      {"DisableUnitFiles", "asb", "0", "false"},
  };
  std::vector<std::string> unserved;
  for (const auto& probe : probes) {
    std::vector<std::string> argv = {"/usr/bin/busctl", stack.address_option(), "call", "org.freedesktop.systemd1",
                                     "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager"};
    argv.insert(argv.end(), probe.begin(), probe.end());
    if (probe[1].empty()) argv.pop_back();  // no signature: no arguments
    auto result = run_command(argv);
    if (result.status != 0 && contains(result.output, "does not support")) unserved.push_back(probe[0]);
  }
  return unserved;
}

// What both cases need; empty when they can run, else why not.
std::string missing_prerequisites() {
  if (geteuid() != 0) return "needs root: a mount namespace, and the bridge's system user";
  if (!user_identity("vermilion-bridge")) return "no user vermilion-bridge (scripts/setup-debian.sh)";
  std::string missing;
  for (const auto& [package, file] : kPackages)
    if (!std::filesystem::exists(file)) missing += " " + package + " (" + file + ")";
  if (!missing.empty())
    return "Debian packages for Cockpit's Services page are not installed:" + missing +
           "; scripts/setup-debian.sh installs them";
  return "";
}

// Cockpit as someone the shipped [Bus] rules let read but not act (nobody):
// the page lists and opens units (read-only, as Cockpit shows them to a
// user who is no administrator), the StopUnit its Stop sends through
// cockpit-bridge gets AccessDenied, and the service goes on running.
TEST(CockpitServicesTest, AnUnprivilegedUserReadsButCannotStop) {
  if (auto why = missing_prerequisites(); !why.empty()) GTEST_SKIP() << why;
  std::string why;
  ASSERT_TRUE(private_run_systemd(why)) << why;
  StackFiles files;
  files.units = {kRunningUnit, kIdleUnit};
  files.vermiliond_options = {"--systemd-compat"};
  files.also_wait_for = "org.freedesktop.systemd1";
  BridgeStack stack(files, BusFlavour::system);
  ASSERT_TRUE(stack.ok()) << stack.error();
  const std::string artifacts = stack.dir().file("cockpit");
  auto page = run_command({"/usr/bin/python3", "-B", kScript, "--unit-dir", stack.dir().file("units"), "--artifacts",
                           artifacts, "--link", kIdleLink, "--as-user", "nobody", kRunningUnit.first,
                           kRunningDescription, kIdleUnit.first, kIdleDescription},
                          110000);
  const std::string& out = page.output;
  EXPECT_TRUE(contains(out, "step list ok sleeper.service Running Enabled, idle.service Not running Disabled"))
      << out;
  EXPECT_TRUE(contains(out, "step open ok sleeper.service (read-only)")) << out;
  EXPECT_TRUE(contains(out, "step stop-denied ok sleeper.service active")) << out;
  EXPECT_TRUE(contains(out, "org.freedesktop.DBus.Error.AccessDenied: uid 65534 may not stop sleeper.service")) << out;
  EXPECT_EQ(page.status, 0) << out;
}

TEST(CockpitServicesTest, ListsOpensAndActsOnTheRealServices) {
  if (auto why = missing_prerequisites(); !why.empty()) GTEST_SKIP() << why;
  std::string why;
  ASSERT_TRUE(private_run_systemd(why)) << why;
  StackFiles files;
  files.units = {kRunningUnit, kIdleUnit};
  files.vermiliond_options = {"--systemd-compat"};
  files.also_wait_for = "org.freedesktop.systemd1";
  BridgeStack stack(files, BusFlavour::system);
  ASSERT_TRUE(stack.ok()) << stack.error();

  // Without ListUnitFiles the page stops at "Listing unit files"; without
  // Enable/DisableUnitFiles its switch shows an error. Say which are missing
  // rather than time out on the page (issue 9: the compat face gains them).
  if (auto unserved = unserved_methods(stack); !unserved.empty()) {
    std::string names;
    for (const auto& name : unserved) names += " " + name;
    GTEST_SKIP() << "org.freedesktop.systemd1 answers NotSupported for" << names
                 << ": Cockpit's Services page cannot run without them";
  }

  const std::string artifacts = stack.dir().file("cockpit");
  auto page = run_command({"/usr/bin/python3", "-B", kScript, "--unit-dir", stack.dir().file("units"), "--artifacts",
                           artifacts, "--link", kIdleLink, kRunningUnit.first, kRunningDescription,
                           kIdleUnit.first, kIdleDescription},
                          110000);
  const std::string& out = page.output;
  EXPECT_TRUE(contains(out, "step list ok sleeper.service Running Enabled, idle.service Not running Disabled"))
      << out;
  EXPECT_TRUE(contains(out, "step open ok sleeper.service")) << out;
  EXPECT_TRUE(contains(out, "step stop ok sleeper.service inactive")) << out;
  EXPECT_TRUE(contains(out, "step start ok sleeper.service active")) << out;
  EXPECT_TRUE(contains(out, "step restart ok sleeper.service active")) << out;
  EXPECT_TRUE(contains(out, "step enable ok idle.service enabled")) << out;
  EXPECT_TRUE(contains(out, "step badge ok idle.service Running Enabled")) << out;
  EXPECT_TRUE(contains(out, "step disable ok idle.service disabled and inactive")) << out;
  EXPECT_EQ(page.status, 0) << out;
  if (page.status != 0) {
    // Keep the screenshot and the browser's and cockpit-ws's logs.
    const auto kept =
        std::filesystem::temp_directory_path() / ("vermilion-cockpit-failure-" + std::to_string(getpid()));
    std::error_code ignored;
    std::filesystem::copy(artifacts, kept, std::filesystem::copy_options::recursive, ignored);
    ADD_FAILURE() << "screenshot and logs kept in " << kept.string() << "\nvermiliond:\n" << stack.log();
  }
}

}  // namespace
}  // namespace vermilion::testing
