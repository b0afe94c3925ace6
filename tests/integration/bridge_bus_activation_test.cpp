// D-Bus activation through org.freedesktop.systemd1 (vermiliond
// --systemd-compat): a private dbus-daemon with --systemd-activation and a
// service directory, as Debian's system bus runs. A call to a name that is
// not on the bus makes the bus daemon ask org.freedesktop.systemd1 for the
// unit its service file names (SystemdService=); the bridge starts it, the
// call is delivered once the unit owns the name. A unit that cannot start
// fails the call with systemd's error.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "bridge_fixture.h"
#include "common/unit_name.h"
#include "temp_dir.h"

namespace vermilion::testing {
namespace {

const std::string kHelpers = VERMILION_TEST_HELPER_DIR;

std::string service_file(const std::string& name, const std::string& unit) {
  return "[D-BUS Service]\nName=" + name + "\nExec=/bin/false\nSystemdService=" + unit + "\n";
}

class BridgeBusActivationTest : public ::testing::Test {
 protected:
  BridgeBusActivationTest() : stack_(files()) {}

  StackFiles files() {
    dir_.write("services/org.vermilion1.test.Activated.service",
               service_file("org.vermilion1.test.Activated", "activated.service"));
    dir_.write("services/org.vermilion1.test.Missing.service",
               service_file("org.vermilion1.test.Missing", "missing.service"));
    dir_.write("services/org.vermilion1.test.Refused.service",
               service_file("org.vermilion1.test.Refused", "refused.service"));
    dir_.write("services/org.vermilion1.test.Needy.service", service_file("org.vermilion1.test.Needy", "needy.service"));
    StackFiles files;
    files.units = {
        {"activated.service",
         "[Service]\nType=dbus\nBusName=org.vermilion1.test.Activated\nPassEnvironment=DBUS_SESSION_BUS_ADDRESS\n"
         "ExecStart=/bin/sh -c 'exec " + kHelpers +
             "/vermilion-test-bus_peer \"$$DBUS_SESSION_BUS_ADDRESS\" own org.vermilion1.test.Activated serve'\n"},
        {"refused.service", "[Unit]\nRefuseManualStart=yes\n[Service]\nExecStart=/bin/sleep infinity\n"},
        {"needy.service", "[Unit]\nRequires=nosuch.service\n[Service]\nExecStart=/bin/sleep infinity\n"},
    };
    files.vermiliond_options = {"--systemd-compat"};
    files.also_wait_for = "org.freedesktop.systemd1";
    files.bus_config = "<servicedir>" + dir_.file("services") + "</servicedir>";
    files.systemd_activation = true;
    return files;
  }

  CommandResult busctl(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"/usr/bin/busctl", stack_.address_option()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv);
  }
  CommandResult who_am_i(const std::string& name) {
    return busctl({"call", name, "/org/vermilion1", "org.vermilion1.Test", "WhoAmI"});
  }
  std::string active_state(const std::string& unit) {
    return busctl({"get-property", "org.freedesktop.systemd1", "/org/freedesktop/systemd1/unit/" + bus_label_escape(unit),
                   "org.freedesktop.systemd1.Unit", "ActiveState"})
        .output;
  }

  TempDir dir_;
  BridgeStack stack_;
};

TEST_F(BridgeBusActivationTest, ACallToAnActivatableNameStartsItsUnit) {
  ASSERT_TRUE(stack_.ok()) << stack_.error();
  EXPECT_EQ(active_state("activated.service"), "s \"inactive\"\n");
  auto call = who_am_i("org.vermilion1.test.Activated");
  EXPECT_EQ(call.status, 0) << call.output << stack_.log() << stack_.bus().log();
  EXPECT_EQ(call.output.rfind("s \"dbus ", 0), 0u) << call.output;
  EXPECT_EQ(active_state("activated.service"), "s \"active\"\n");
}

// signal_activation_request()'s refusals, as ActivationFailure: the bus
// daemon fails the call with the error systemd would give.
TEST_F(BridgeBusActivationTest, AUnitThatCannotStartFailsTheCallWithSystemdsError) {
  ASSERT_TRUE(stack_.ok()) << stack_.error();
  auto missing = who_am_i("org.vermilion1.test.Missing");
  EXPECT_NE(missing.status, 0);
  EXPECT_NE(missing.output.find("Unit missing.service not found."), std::string::npos) << missing.output;
  auto refused = who_am_i("org.vermilion1.test.Refused");
  EXPECT_NE(refused.status, 0);
  EXPECT_NE(refused.output.find("Operation refused, refused.service may be requested by dependency only"),
            std::string::npos)
      << refused.output;
  EXPECT_EQ(active_state("refused.service"), "s \"inactive\"\n");
  // Refused by vermiliond (what it requires does not load), not by the
  // bridge: told back at once all the same, not after the bus daemon's 25 s.
  long long before = monotonic_ms();
  auto needy = who_am_i("org.vermilion1.test.Needy");
  EXPECT_NE(needy.status, 0);
  EXPECT_NE(needy.output.find("nosuch.service"), std::string::npos) << needy.output;
  EXPECT_LT(monotonic_ms() - before, 10000) << needy.output;
}

// Only the bus daemon may ask: a client that sends ActivationRequest to
// org.freedesktop.systemd1 itself starts nothing.
TEST_F(BridgeBusActivationTest, AForgedActivationRequestStartsNothing) {
  ASSERT_TRUE(stack_.ok()) << stack_.error();
  auto forged = busctl({"emit", "--destination=org.freedesktop.systemd1", "/org/freedesktop/DBus",
                        "org.freedesktop.systemd1.Activator", "ActivationRequest", "s", "activated.service"});
  ASSERT_EQ(forged.status, 0) << forged.output;
  // A call after it on the same bus, answered by the same connection: the
  // signal was handled before (one connection, messages in order).
  EXPECT_EQ(active_state("activated.service"), "s \"inactive\"\n");
  auto again = busctl({"emit", "--destination=org.freedesktop.systemd1", "/org/freedesktop/DBus",
                       "org.freedesktop.systemd1.Activator", "ActivationRequest", "s", "activated.service"});
  EXPECT_EQ(active_state("activated.service"), "s \"inactive\"\n");
}

}  // namespace
}  // namespace vermilion::testing
