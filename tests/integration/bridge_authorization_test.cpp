// Who may do what, on a bus configured like the system bus (system.conf's
// deny-by-default plus dbus-1/system.d/org.vermilion1.conf): vermiliond in
// system scope runs the bridge as the dedicated user vermilion-bridge, the
// shipped [Bus] defaults give everyone read access and root control, and a
// test policy gives members of group 4242 restart on sleeper.service only.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <string>
#include <vector>

#include "bridge_fixture.h"
#include "run_as.h"

namespace vermilion::testing {
namespace {

StackFiles files() {
  StackFiles f;
  f.units = {kSleeperUnit};
  f.policies = {{"50-operators.policy",
                 "# Members of group 4242 may restart sleeper.service, nothing more.\n"
                 "[Bus]\nGroup=4242\nService=sleeper\nRights=status restart\n"}};
  return f;
}

class BridgeAuthorizationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root: vermiliond in system scope, clients as other users";
    bridge_user_ = user_identity("vermilion-bridge");
    if (!bridge_user_) GTEST_SKIP() << "no user vermilion-bridge (scripts/setup-debian.sh creates it)";
    stack_ = std::make_unique<BridgeStack>(files(), BusFlavour::system);
    ASSERT_TRUE(stack_->ok()) << stack_->error() << stack_->bus().log();
  }

  CommandResult call(const Identity& who, const std::string& method, const std::string& name) {
    return run_command(run_as(who, {"/usr/bin/gdbus", "call", "--address", stack_->bus().address(), "--dest",
                                    "org.vermilion1", "--object-path", "/org/vermilion1", "--method",
                                    "org.vermilion1.Manager." + method, name}));
  }
  std::string property(const Identity& who, const std::string& name) {
    return run_command(run_as(who, {"/usr/bin/busctl", stack_->address_option(), "get-property", "org.vermilion1",
                                    "/org/vermilion1/service/sleeper_2eservice", "org.vermilion1.Service", name}))
        .output;
  }

  std::optional<Identity> bridge_user_;
  std::unique_ptr<BridgeStack> stack_;
  const Identity root_{0, 0, {0}};
};

TEST_F(BridgeAuthorizationTest, UnprivilegedUserReadsButMayNotStop) {
  Identity nobody_user = nobody();
  auto list = run_command(run_as(nobody_user, {"/usr/bin/busctl", stack_->address_option(), "call", "org.vermilion1",
                                               "/org/vermilion1", "org.vermilion1.Manager", "ListServices"}));
  EXPECT_EQ(list.status, 0) << list.output;
  EXPECT_NE(list.output.find("sleeper.service"), std::string::npos);
  EXPECT_EQ(property(nobody_user, "ActiveState"), "s \"active\"\n");
  auto tree = run_command(run_as(nobody_user, {"/usr/bin/busctl", stack_->address_option(), "tree", "org.vermilion1"}));
  EXPECT_NE(tree.output.find("/org/vermilion1/service/sleeper_2eservice"), std::string::npos) << tree.output;

  for (const char* method : {"StopService", "RestartService", "StartService", "GetLogs"}) {
    auto denied = std::string(method) == "GetLogs"
                      ? run_command(run_as(nobody_user, {"/usr/bin/gdbus", "call", "--address",
                                                         stack_->bus().address(), "--dest", "org.vermilion1",
                                                         "--object-path", "/org/vermilion1", "--method",
                                                         "org.vermilion1.Manager.GetLogs", "sleeper", "5"}))
                      : call(nobody_user, method, "sleeper");
    EXPECT_NE(denied.status, 0) << method;
    EXPECT_NE(denied.output.find("org.freedesktop.DBus.Error.AccessDenied"), std::string::npos)
        << method << ": " << denied.output;
  }
  auto reload = run_command(run_as(nobody_user, {"/usr/bin/gdbus", "call", "--address", stack_->bus().address(),
                                                 "--dest", "org.vermilion1", "--object-path", "/org/vermilion1",
                                                 "--method", "org.vermilion1.Manager.Reload"}));
  EXPECT_NE(reload.output.find("AccessDenied"), std::string::npos) << reload.output;
  EXPECT_EQ(property(nobody_user, "ActiveState"), "s \"active\"\n");
}

TEST_F(BridgeAuthorizationTest, RootMayStop) {
  auto stop = call(root_, "StopService", "sleeper");
  EXPECT_EQ(stop.status, 0) << stop.output;
  EXPECT_EQ(property(nobody(), "ActiveState"), "s \"inactive\"\n");
}

TEST_F(BridgeAuthorizationTest, GroupRuleGrantsRestartToItsMembersOnly) {
  Identity member{65534, 65534, {4242}};
  std::string before = property(member, "MainPID");
  auto restart = call(member, "RestartService", "sleeper");
  EXPECT_EQ(restart.status, 0) << restart.output;
  EXPECT_NE(property(member, "MainPID"), before);
  auto stop = call(member, "StopService", "sleeper");
  EXPECT_NE(stop.output.find("AccessDenied"), std::string::npos) << stop.output;
  auto outsider = call(Identity{65534, 65534, {4243}}, "RestartService", "sleeper");
  EXPECT_NE(outsider.output.find("AccessDenied"), std::string::npos) << outsider.output;
}

TEST_F(BridgeAuthorizationTest, TheBridgeCannotKillAServiceYetStopsItThroughItsCapability) {
  // The bridge runs as vermilion-bridge with no capabilities at all...
  std::string bridge_pid = property(root_, "MainPID");  // sleeper's, for later
  auto bridge = run_command({"/usr/bin/busctl", stack_->address_option(), "get-property", "org.vermilion1",
                             "/org/vermilion1/service/vermilion_2dbridge_2eservice", "org.vermilion1.Service",
                             "MainPID"});
  std::string pid = bridge.output.substr(2, bridge.output.size() - 3);
  std::ifstream status_file("/proc/" + pid + "/status");
  std::string status((std::istreambuf_iterator<char>(status_file)), {});
  EXPECT_NE(status.find("Uid:\t" + std::to_string(bridge_user_->uid) + "\t"), std::string::npos) << status;
  EXPECT_NE(status.find("CapEff:\t0000000000000000"), std::string::npos) << status;

  // ...so with its identity kill(2) on the service's process is refused,
  std::string sleeper_pid = bridge_pid.substr(2, bridge_pid.size() - 3);
  auto direct = run_command(run_as(*bridge_user_, {"/bin/kill", "-TERM", sleeper_pid}));
  EXPECT_NE(direct.status, 0);
  EXPECT_NE(direct.output.find("Operation not permitted"), std::string::npos) << direct.output;
  EXPECT_EQ(property(root_, "ActiveState"), "s \"active\"\n");

  // ...yet the same bridge stops it through its capability when root asks.
  auto stop = call(root_, "StopService", "sleeper");
  EXPECT_EQ(stop.status, 0) << stop.output;
  EXPECT_EQ(property(root_, "ActiveState"), "s \"inactive\"\n");
}

}  // namespace
}  // namespace vermilion::testing
