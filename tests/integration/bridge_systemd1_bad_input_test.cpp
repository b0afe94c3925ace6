// Bad input to org.freedesktop.systemd1: members Vermilion does not
// implement, wrong signatures, odd and huge names, jobs and modes that do
// not exist. Each gets a D-Bus error with systemd's name (gdbus prints it),
// nothing crashes or hangs, and the bridge and the services are as before.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "bridge_fixture.h"

namespace vermilion::testing {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class Systemd1BadInputTest : public ::testing::Test {
 protected:
  Systemd1BadInputTest() : stack_({{kSleeperUnit}, {}, {"--systemd-compat"}, "org.freedesktop.systemd1"}) {}

  CommandResult call(const std::string& path, const std::string& method, const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"/usr/bin/gdbus", "call", "--address", stack_.bus().address(), "--dest",
                                     "org.freedesktop.systemd1", "--object-path", path, "--method", method};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, 20000);
  }
  CommandResult manager(const std::string& member, const std::vector<std::string>& args = {}) {
    return call("/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager." + member, args);
  }
  std::string property(const std::string& name) {
    return run_command({"/usr/bin/busctl", stack_.address_option(), "get-property", "org.freedesktop.systemd1",
                        "/org/freedesktop/systemd1/unit/sleeper_2eservice", "org.freedesktop.systemd1.Unit", name})
        .output;
  }

  BridgeStack stack_;
};

TEST_F(Systemd1BadInputTest, EachGetsAnErrorAndNothingChanges) {
  ASSERT_TRUE(stack_.ok()) << stack_.error();
  const std::string owner = stack_.bus().wait_for_owner("org.freedesktop.systemd1").value_or("");
  const std::string before = property("ActiveState");
  ASSERT_EQ(before, "s \"active\"\n");

  struct Case {
    CommandResult result;
    const char* error;
  };
  const std::string huge(65536, 'a');
  std::vector<Case> cases = {
      {manager("PowerOff"), "org.freedesktop.DBus.Error.NotSupported: Vermilion does not support"},
      {manager("SetEnvironment", {"['A=b']"}), "org.freedesktop.DBus.Error.NotSupported"},
      // gdbus converts arguments to the introspected signature; busctl sends what it is told.
      {run_command({"/usr/bin/busctl", stack_.address_option(), "call", "org.freedesktop.systemd1",
                    "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager", "GetUnit", "u", "42"}),
       "Invalid arguments 'u' to call org.freedesktop.systemd1.Manager.GetUnit(), expecting 's'."},
      {manager("GetUnit", {"nosuch.service"}), "org.freedesktop.systemd1.NoSuchUnit: Unit nosuch.service not loaded."},
      {manager("GetUnit", {huge}), "org.freedesktop.systemd1.NoSuchUnit"},
      {manager("LoadUnit", {huge + ".service"}), "org.freedesktop.DBus.Error.InvalidArgs"},
      {manager("LoadUnit", {"../../etc/passwd"}), "org.freedesktop.DBus.Error.InvalidArgs"},
      {manager("LoadUnit", {"we\xc3\xa9ird.service"}), "org.freedesktop.DBus.Error.InvalidArgs"},
      {manager("GetJob", {"12345"}), "org.freedesktop.systemd1.NoSuchJob: Job 12345 does not exist."},
      {manager("CancelJob", {"0"}), "org.freedesktop.systemd1.NoSuchJob"},
      {manager("StartUnit", {"sleeper.service", "bogus"}), "org.freedesktop.DBus.Error.InvalidArgs: Job mode bogus invalid"},
      {manager("StartUnit", {"sleeper.service", "isolate"}), "org.freedesktop.systemd1.NoIsolation"},
      {manager("StopUnit", {"sleeper.service", "isolate"}), "Isolate is only valid for start."},
      {manager("StartUnit", {"nosuch.service", "replace"}), "org.freedesktop.systemd1.NoSuchUnit"},
      {manager("StartUnit", {"multi-user.target", "replace"}), "org.freedesktop.systemd1.NoSuchUnit"},
      {manager("StopUnit", {huge, "replace"}), "org.freedesktop.DBus.Error.InvalidArgs"},
      {manager("KillUnit", {"sleeper.service", "control", "15"}), "org.freedesktop.systemd1.NoSuchProcess: No control process to kill"},
      {manager("KillUnit", {"sleeper.service", "everyone", "15"}), "org.freedesktop.DBus.Error.InvalidArgs"},
      {manager("KillUnit", {"sleeper.service", "all", "999"}), "org.freedesktop.DBus.Error.InvalidArgs"},
      {manager("Unsubscribe"), "org.freedesktop.systemd1.NotSubscribed"},
      {manager("EnableUnitFiles", {"['nosuch.service']", "false", "false"}),
       "org.freedesktop.systemd1.NoSuchUnit: Unit file nosuch.service does not exist."},
      {manager("EnableUnitFiles", {"['" + huge + ".service']", "false", "false"}),
       "org.freedesktop.DBus.Error.InvalidArgs"},
      {manager("MaskUnitFiles", {"['../../etc/passwd']", "false", "false"}), "org.freedesktop.DBus.Error.InvalidArgs"},
      {manager("EnableUnitFiles", {"['sleeper.service']", "true", "false"}), "org.freedesktop.DBus.Error.NotSupported"},
      {manager("EnableUnitFilesWithFlags", {"['sleeper.service']", "uint64 64"}),
       "org.freedesktop.DBus.Error.InvalidArgs"},
      {manager("DisableUnitFilesWithFlags", {"['sleeper.service']", "uint64 2"}),
       "org.freedesktop.DBus.Error.InvalidArgs"},
      {manager("GetUnitFileState", {"nosuch.service"}), "org.freedesktop.DBus.Error.FileNotFound"},
      {manager("GetUnitFileState", {huge}), "org.freedesktop.DBus.Error.InvalidArgs"},
      {manager("ResetFailedUnit", {"nosuch.service"}), "org.freedesktop.systemd1.NoSuchUnit"},
      {manager("ResetFailedUnit", {huge}), "org.freedesktop.systemd1.NoSuchUnit"},
      {manager("NoSuchMethod"), "org.freedesktop.DBus.Error.UnknownMethod"},
      {call("/org/freedesktop/systemd1/job/999", "org.freedesktop.systemd1.Job.Cancel", {}),
       "org.freedesktop.DBus.Error.UnknownObject"},
      {call("/org/freedesktop/systemd1/unit/not_a_unit", "org.freedesktop.systemd1.Unit.Start", {"replace"}),
       "org.freedesktop.DBus.Error.UnknownObject"},
      // What waits for the counters checks its arguments as sd-bus does.
      {call("/org/freedesktop/systemd1/unit/sleeper_2eservice", "org.freedesktop.DBus.Properties.Get",
            {"org.freedesktop.systemd1.Service"}),
       "org.freedesktop.DBus.Error.InvalidArgs"},
      {call("/org/freedesktop/systemd1/unit/sleeper_2eservice", "org.freedesktop.DBus.Properties.Get",
            {"org.freedesktop.systemd1.Service", "NoSuchCounter"}),
       "org.freedesktop.DBus.Error.UnknownProperty"},
      {call("/org/freedesktop/systemd1/unit/not_a_unit", "org.freedesktop.DBus.Properties.GetAll", {""}),
       "org.freedesktop.DBus.Error.UnknownObject"},
      {call("/org/freedesktop/systemd1/unit/not_a_unit", "org.freedesktop.DBus.Properties.Get",
            {"org.freedesktop.systemd1.Service", "CPUUsageNSec"}),
       "org.freedesktop.DBus.Error.UnknownObject"},
      {call("/org/freedesktop/systemd1/unit/sleeper_2eservice", "org.freedesktop.DBus.Properties.Set",
            {"org.freedesktop.systemd1.Unit", "Description", "<'x'>"}),
       "org.freedesktop.DBus.Error.PropertyReadOnly"},
      {call("/org/freedesktop/systemd1", "org.freedesktop.DBus.Properties.Set",
            {"org.freedesktop.systemd1.Manager", "LogLevel", "<'debug'>"}),
       "org.freedesktop.DBus.Error.NotSupported"},
  };
  for (const auto& c : cases) {
    EXPECT_NE(c.result.status, 0) << c.error;
    EXPECT_TRUE(contains(c.result.output, c.error)) << c.result.output;
    EXPECT_LT(c.result.output.size(), 4096u) << "a caller's input is not echoed unbounded";
  }

  // The bridge kept its name (no restart), and nothing happened to the service.
  EXPECT_EQ(stack_.bus().wait_for_owner("org.freedesktop.systemd1").value_or(""), owner);
  EXPECT_EQ(property("ActiveState"), before);
}

}  // namespace
}  // namespace vermilion::testing
