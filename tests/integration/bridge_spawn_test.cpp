// vermiliond supervising vermilion-bridge: the built-in unit, in-process,
// with a stand-in bridge (tests/helpers/fake_bridge.c) that prints its
// arguments and environment and reports READY=1. Waits are on the loop.
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>

#include "supervisor_fixture.h"

namespace vermilion {
namespace {

using testing::kHelpers;
using testing::process_exists;

const std::string kBridge(kBridgeUnitName);
const std::string kFakeBridge = kHelpers + "/vermilion-test-fake_bridge";

class BridgeSpawnTest : public testing::SupervisorFixture {
 protected:
  // User scope: the bridge runs as whoever runs the test, without User=.
  void use_bridge(RuntimeScope scope, std::vector<std::string> environment = {}) {
    scope_ = scope;
    bridge_ = BridgeOptions{kFakeBridge, std::move(environment)};
    // A unit file beside the built-in one; both start at boot (this one enabled).
    unit("other.service",
         "[Service]\nExecStart=/bin/sleep 1000\n[Install]\nWantedBy=multi-user.target default.target\n");
    enable({"other.service"});
  }
  [[nodiscard]] bool wait_bridge_running() {
    return wait_state(kBridge, ActiveState::active, SubState::running);
  }
};

TEST_F(BridgeSpawnTest, BuiltinUnitStartsAtBootWithUserArgumentsAndEnvironment) {
  use_bridge(RuntimeScope::user,
             {"DBUS_SESSION_BUS_ADDRESS=unix:path=/tmp/a bus;x=%i$HOME", "XDG_RUNTIME_DIR=/run/user/4242"});
  boot();
  ASSERT_TRUE(wait_bridge_running()) << "started at boot, active once READY=1 came";
  ASSERT_TRUE(wait_log(kBridge, "bridge ready"));
  const ServiceConfig& config = service(kBridge).config();
  EXPECT_EQ(config.fragment_path, "<built-in>/vermilion-bridge.service");
  EXPECT_EQ(config.type, ServiceType::notify);
  EXPECT_EQ(config.user, "");
  EXPECT_TRUE(has_log(kBridge, "arg=" + kFakeBridge));
  EXPECT_TRUE(has_log(kBridge, "arg=--user"));
  EXPECT_FALSE(has_log(kBridge, "arg=--system"));
  EXPECT_TRUE(has_log(kBridge, "env=DBUS_SESSION_BUS_ADDRESS=unix:path=/tmp/a bus;x=%i$HOME"));
  EXPECT_TRUE(has_log(kBridge, "env=XDG_RUNTIME_DIR=/run/user/4242"));
  EXPECT_TRUE(has_log(kBridge, "uid=" + std::to_string(getuid())));
  EXPECT_TRUE(wait_state("other.service", ActiveState::active, SubState::running));
}

TEST_F(BridgeSpawnTest, RestartedAfterSigkill) {
  use_bridge(RuntimeScope::user);
  boot();
  ASSERT_TRUE(wait_bridge_running());
  pid_t first = service(kBridge).main_pid();
  ASSERT_TRUE(process_exists(first));
  kill(first, SIGKILL);
  ASSERT_TRUE(wait_for([&] {
    const Service& s = service(kBridge);
    return s.n_restarts() == 1 && s.active_state() == ActiveState::active && s.sub_state() == SubState::running;
  }));
  EXPECT_NE(service(kBridge).main_pid(), first);
  EXPECT_TRUE(process_exists(service(kBridge).main_pid()));
}

TEST_F(BridgeSpawnTest, SystemScopeRunsItAsTheBridgeAccount) {
  use_bridge(RuntimeScope::system, {"DBUS_SYSTEM_BUS_ADDRESS=unix:path=/run/dbus/system_bus_socket"});
  boot();
  const ServiceConfig& config = service(kBridge).config();
  EXPECT_EQ(config.load_state, LoadState::loaded);
  EXPECT_EQ(config.user, "vermilion-bridge");
  EXPECT_EQ(config.group, "vermilion-bridge");
  // Vermilion's own: default.target wants it without an [Install] or a link.
  EXPECT_TRUE(config.wanted_by.empty());
  const auto& wants = service("default.target").config().wants;
  EXPECT_NE(std::find(wants.begin(), wants.end(), kBridge), wants.end());
  ASSERT_EQ(config.exec_start.size(), 1u);
  EXPECT_EQ(config.exec_start[0].argv, (std::vector<std::string>{kFakeBridge, "--system"}));
  EXPECT_EQ(config.environment,
            (std::vector<std::string>{"DBUS_SYSTEM_BUS_ADDRESS=unix:path=/run/dbus/system_bus_socket"}));
  // Started at boot (whether it gets far depends on the account existing).
  EXPECT_TRUE(wait_for([&] { return service(kBridge).active_state() != ActiveState::inactive; }));
}

// Only where scripts/setup-debian.sh (or systemd-sysusers) made the account.
TEST_F(BridgeSpawnTest, SystemScopeBridgeRunsUnprivileged) {
  passwd* account = getpwnam("vermilion-bridge");
  if (account == nullptr) GTEST_SKIP() << "no vermilion-bridge account (scripts/setup-debian.sh creates it)";
  // The account must be able to reach the helper in the build tree.
  for (std::string dir = kHelpers; !dir.empty(); dir = dir.substr(0, dir.rfind('/'))) {
    struct stat st {};
    if (stat(dir.c_str(), &st) < 0 || (st.st_mode & S_IXOTH) == 0)
      GTEST_SKIP() << dir << " is not searchable by other users";
  }
  use_bridge(RuntimeScope::system);
  boot();
  ASSERT_TRUE(wait_bridge_running());
  ASSERT_TRUE(wait_log(kBridge, "bridge ready"));
  EXPECT_TRUE(has_log(kBridge, "uid=" + std::to_string(account->pw_uid)));
  EXPECT_TRUE(has_log(kBridge, "arg=--system"));
}

TEST_F(BridgeSpawnTest, UnitFileOfTheSameNameReplacesIt) {
  use_bridge(RuntimeScope::user);
  // Not enabled, no [Install]: default.target's built-in want names the unit.
  unit(kBridge, "[Unit]\nDescription=site bridge\n[Service]\nExecStart=/bin/sleep 1000\n");
  boot();
  ASSERT_TRUE(wait_bridge_running());
  const ServiceConfig& config = service(kBridge).config();
  EXPECT_EQ(config.fragment_path, units_.file(kBridge));
  EXPECT_EQ(config.description, "site bridge");
  EXPECT_EQ(config.exec_start.at(0).path, "/bin/sleep");
  EXPECT_TRUE(wait_daemon_log({"vermilion-bridge.service: replaced by " + units_.file(kBridge)}));
}

TEST_F(BridgeSpawnTest, DropInsApplyToTheBuiltinUnit) {
  use_bridge(RuntimeScope::user);
  ASSERT_EQ(mkdir(units_.file(kBridge + ".d").c_str(), 0755), 0);
  unit(kBridge + ".d/10-extra.conf", "[Service]\nEnvironment=EXTRA=from-drop-in\n");
  boot();
  ASSERT_TRUE(wait_bridge_running());
  ASSERT_TRUE(wait_log(kBridge, "bridge ready"));
  EXPECT_TRUE(has_log(kBridge, "env=EXTRA=from-drop-in"));
}

TEST_F(BridgeSpawnTest, MaskingDisablesIt) {
  use_bridge(RuntimeScope::user);
  ASSERT_EQ(symlink("/dev/null", units_.file(kBridge).c_str()), 0);
  boot();
  ASSERT_TRUE(wait_state("other.service", ActiveState::active, SubState::running));
  EXPECT_TRUE(wait_daemon_log({"vermilion-bridge.service: masked"}));
  // default.target's want found it masked: known (as systemd lists a masked
  // unit something refers to), never started.
  EXPECT_TRUE(wait_daemon_log({"default.target wants vermilion-bridge.service, which is not loadable"}));
  const Service* bridge = supervisor_->manager().find(kBridge);
  if (bridge) {
    EXPECT_NE(bridge->config().load_state, LoadState::loaded);
    EXPECT_EQ(bridge->active_state(), ActiveState::inactive);
    EXPECT_EQ(bridge->main_pid(), 0);
  }
}

TEST_F(BridgeSpawnTest, ReloadKeepsItRunning) {
  use_bridge(RuntimeScope::user);
  boot();
  ASSERT_TRUE(wait_bridge_running());
  pid_t pid = service(kBridge).main_pid();
  unit("new.service", "[Service]\nExecStart=/bin/sleep 1000\n");
  supervisor_->reload();
  ASSERT_NE(supervisor_->manager().find("new.service"), nullptr) << "the reload happened";
  // Whatever the reload queued has run once a job on another unit finished.
  ASSERT_EQ(run_job(JobType::start, "new.service"), JobResult::done);
  ASSERT_NE(supervisor_->manager().find(kBridge), nullptr) << "not removed as a vanished unit";
  EXPECT_EQ(service(kBridge).main_pid(), pid) << "a running process is never touched by a reload";
  EXPECT_EQ(service(kBridge).config().fragment_path, "<built-in>/vermilion-bridge.service");
  // Still supervised after the reload.
  kill(pid, SIGKILL);
  ASSERT_TRUE(wait_for([&] {
    const Service& s = service(kBridge);
    return s.n_restarts() == 1 && s.sub_state() == SubState::running;
  }));
}

TEST_F(BridgeSpawnTest, MissingExecutableFailsOnlyTheBridgeUnit) {
  use_bridge(RuntimeScope::user);
  bridge_->executable = units_.file("no-such-bridge");
  boot();
  ASSERT_TRUE(wait_daemon_log({"vermilion-bridge.service: bridge executable " + units_.file("no-such-bridge"),
                               "No such file or directory"}));
  ASSERT_TRUE(wait_daemon_log({"vermilion-bridge.service: start request repeated too quickly"}))
      << "each try exits 203 and restarts, until the start limit";
  EXPECT_EQ(service(kBridge).result(), ServiceResult::exit_code) << "the 203's result stays, as in systemd";
  EXPECT_EQ(service(kBridge).active_state(), ActiveState::failed);
  EXPECT_TRUE(wait_daemon_log({"vermilion-bridge.service: main process exited, code=exited, status=203"}));
  EXPECT_EQ(service("other.service").active_state(), ActiveState::active);
  EXPECT_TRUE(process_exists(service("other.service").main_pid()));
}

}  // namespace
}  // namespace vermilion
