// Type=dbus end to end (systemd.service(5) BusName=): a private dbus-daemon,
// the real vermiliond and the bridge it supervises, which tells vermiliond
// who owns which names on the bus (manager right bus-names). A service is
// active once its name has an owner, and stops when the name goes, also
// when it went while the bridge was down.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "bridge_fixture.h"
#include "common/unit_name.h"

namespace vermilion::testing {
namespace {

const std::string kHelpers = VERMILION_TEST_HELPER_DIR;

// Waits for `done`, looking again every 20 ms, for 20 s at most.
template <typename Done>
bool eventually(Done done) {
  long long deadline = monotonic_ms() + 20000;
  while (!done()) {
    if (monotonic_ms() > deadline) return false;
    usleep(20 * 1000);
  }
  return true;
}

bool exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

// A service whose main process is a shell; the name is taken, once DIR/go
// exists, by a child whose PID goes to DIR/holder, so that the name can go
// while the main process runs on.
std::string named_unit(const std::string& dir) {
  return "[Service]\nBusName=org.vermilion1.test.Named\nPassEnvironment=DBUS_SESSION_BUS_ADDRESS\n"
         "ExecStart=/bin/sh -c 'touch " + dir + "/waiting; while [ ! -e " + dir + "/go ]; do sleep 0.05; done; " +
         kHelpers + "/vermilion-test-bus_peer \"$$DBUS_SESSION_BUS_ADDRESS\" own org.vermilion1.test.Named serve & "
         "echo $$! >" + dir + "/holder; exec sleep infinity'\n";
}

class BridgeTypeDbusTest : public ::testing::Test {
 protected:
  BridgeTypeDbusTest()
      : stack_(StackFiles{{{"named.service", named_unit(dir_.file(""))},
                           {"never.service",
                            "[Service]\nType=dbus\nBusName=org.vermilion1.test.Never\nTimeoutStartSec=1\n"
                            "ExecStart=/bin/sleep infinity\n"}},
                          {},
                          {},
                          ""}) {}

  CommandResult busctl(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"/usr/bin/busctl", stack_.address_option()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv);
  }
  std::string property(const std::string& service, const std::string& name) {
    auto path = "/org/vermilion1/service/" + bus_label_escape(service);
    return busctl({"get-property", "org.vermilion1", path, "org.vermilion1.Service", name}).output;
  }
  std::vector<std::string> start_command(const std::string& service) {
    return {"/usr/bin/busctl", stack_.address_option(), "call", "org.vermilion1", "/org/vermilion1",
            "org.vermilion1.Manager", "StartService", "s", service};
  }
  pid_t holder() {
    pid_t pid = 0;
    std::ifstream(dir_.file("holder")) >> pid;
    return pid;
  }
  // Starts named.service; it waits, starting, for DIR/go. Returns the
  // start call, which replies when the job is done.
  std::unique_ptr<Subprocess> begin_named() {
    auto start = std::make_unique<Subprocess>(start_command("named.service"));
    EXPECT_TRUE(eventually([&] { return exists(dir_.file("waiting")); })) << stack_.log();
    EXPECT_EQ(property("named.service", "SubState"), "s \"start\"\n") << "no name yet: still starting";
    EXPECT_EQ(property("named.service", "ActiveState"), "s \"activating\"\n");
    EXPECT_FALSE(start->wait_exit(200) >= 0) << "the start job ended before the name appeared";
    return start;
  }
  // Lets it take its name.
  void go() {
    std::ofstream(dir_.file("go")).put('\n');
    ASSERT_TRUE(eventually([&] { return holder() > 0; }));
  }
  void start_named() {
    auto start = begin_named();
    go();
    EXPECT_EQ(start->wait_exit(), 0) << start->output() << stack_.log();
    EXPECT_EQ(property("named.service", "SubState"), "s \"running\"\n");
  }
  pid_t bridge_pid() {
    auto pid = busctl({"get-property", "org.vermilion1", "/org/vermilion1/service/vermilion_2dbridge_2eservice",
                       "org.vermilion1.Service", "MainPID"})
                   .output;
    return pid.size() > 2 ? std::stoi(pid.substr(2)) : 0;
  }
  // Freezes the bridge (it sees nothing from here on), runs `meanwhile`,
  // then kills it; returns once its successor serves.
  template <typename Meanwhile>
  void with_bridge_down(Meanwhile meanwhile) {
    pid_t bridge = bridge_pid();
    ASSERT_GT(bridge, 1);
    ASSERT_EQ(kill(bridge, SIGSTOP), 0);
    meanwhile();
    ASSERT_EQ(kill(bridge, SIGKILL), 0);
    ASSERT_TRUE(stack_.bus().wait_for_owner("org.vermilion1", 20000, stack_.owner()).has_value()) << stack_.log();
  }

  TempDir dir_;
  BridgeStack stack_;
};

TEST_F(BridgeTypeDbusTest, ActiveOnceItsNameHasAnOwnerStoppedWhenItGoes) {
  ASSERT_TRUE(stack_.ok()) << stack_.error();
  start_named();
  ASSERT_EQ(kill(holder(), SIGKILL), 0);
  ASSERT_TRUE(eventually([&] { return property("named.service", "ActiveState") == "s \"inactive\"\n"; }))
      << property("named.service", "ActiveState") << stack_.log();
  EXPECT_EQ(property("named.service", "Result"), "s \"success\"\n");
}

TEST_F(BridgeTypeDbusTest, ANameThatNeverComesIsAStartTimeout) {
  ASSERT_TRUE(stack_.ok()) << stack_.error();
  auto start = run_command(start_command("never.service"));
  EXPECT_NE(start.status, 0);
  EXPECT_NE(start.output.find("timeout"), std::string::npos) << start.output;
  EXPECT_EQ(property("never.service", "Result"), "s \"timeout\"\n");
}

// Only the bus daemon's NameOwnerChanged counts: one a client sends to the
// bridge stops nothing.
TEST_F(BridgeTypeDbusTest, AForgedNameOwnerChangedIsIgnored) {
  ASSERT_TRUE(stack_.ok()) << stack_.error();
  start_named();
  auto forged = busctl({"emit", "--destination=" + stack_.owner(), "/org/freedesktop/DBus", "org.freedesktop.DBus",
                        "NameOwnerChanged", "sss", "org.vermilion1.test.Named", ":1.1", ""});
  ASSERT_EQ(forged.status, 0) << forged.output;
  // Through the same bridge connection and then the link: after the signal.
  auto logs = busctl({"call", "org.vermilion1", "/org/vermilion1", "org.vermilion1.Manager", "GetLogs", "su",
                      "named.service", "1"});
  ASSERT_EQ(logs.status, 0) << logs.output;
  EXPECT_EQ(property("named.service", "SubState"), "s \"running\"\n") << stack_.log();
}

// The bridge, restarted, sends every owned name as one complete list: a
// name that went while it was down stops the service then...
TEST_F(BridgeTypeDbusTest, ANameLostWhileTheBridgeIsDownIsSeenWhenItIsBack) {
  ASSERT_TRUE(stack_.ok()) << stack_.error();
  start_named();
  with_bridge_down([&] {
    ASSERT_EQ(kill(holder(), SIGKILL), 0);
    ASSERT_TRUE(stack_.bus().wait_for_no_owner("org.vermilion1.test.Named"));
  });
  ASSERT_TRUE(eventually([&] { return property("named.service", "ActiveState") == "s \"inactive\"\n"; }))
      << property("named.service", "ActiveState") << stack_.log();
}

// ... and a name that came while it was down ends the start.
TEST_F(BridgeTypeDbusTest, ANameThatCameWhileTheBridgeWasDownEndsTheStart) {
  ASSERT_TRUE(stack_.ok()) << stack_.error();
  auto start = begin_named();
  with_bridge_down([&] {
    go();
    ASSERT_TRUE(stack_.bus().wait_for_owner("org.vermilion1.test.Named").has_value());
  });
  // The start call went through the bridge that was killed: its reply is
  // lost with it; the state says how the job ended.
  ASSERT_TRUE(eventually([&] { return property("named.service", "SubState") == "s \"running\"\n"; }))
      << property("named.service", "SubState") << stack_.log();
}

// A restarted bridge finding the name still owned changes nothing.
TEST_F(BridgeTypeDbusTest, ARestartedBridgeLeavesARunningServiceRunning) {
  ASSERT_TRUE(stack_.ok()) << stack_.error();
  start_named();
  with_bridge_down([] {});
  // The complete list went out before the bridge took its name; a call
  // that goes through vermiliond (GetLogs) comes after it on the link, and
  // its reply after the state changes the list made.
  auto logs = busctl({"call", "org.vermilion1", "/org/vermilion1", "org.vermilion1.Manager", "GetLogs", "su",
                      "named.service", "1"});
  ASSERT_EQ(logs.status, 0) << logs.output;
  EXPECT_EQ(property("named.service", "ActiveState"), "s \"active\"\n") << stack_.log();
  EXPECT_EQ(property("named.service", "SubState"), "s \"running\"\n");
}

}  // namespace
}  // namespace vermilion::testing
