// org.vermilion1 end to end: a private dbus-daemon, the real vermiliond, the
// bridge it supervises, and real clients: the generated sdbus-c++ proxies,
// busctl, gdbus, a GLib program, and a raw sd-bus signal subscriber.
#include <gtest/gtest.h>
#include <signal.h>
#include <systemd/sd-bus.h>

#include <sdbus-c++/sdbus-c++.h>

#include <string>
#include <vector>

#include "bridge_fixture.h"
#include "org.vermilion1.proxy.h"

namespace vermilion::testing {
namespace {

const std::string kHelpers = VERMILION_TEST_HELPER_DIR;

class ManagerProxy final : public sdbus::ProxyInterfaces<org::vermilion1::Manager_proxy> {
 public:
  explicit ManagerProxy(sdbus::IConnection& bus) : ProxyInterfaces(bus, "org.vermilion1", "/org/vermilion1") {
    registerProxy();
  }
  ~ManagerProxy() { unregisterProxy(); }

 private:
  void onServiceStateChanged(const std::string&, const std::string&, const std::string&) override {}
  void onUnitFilesChanged() override {}
};

class ServiceProxy final : public sdbus::ProxyInterfaces<org::vermilion1::Service_proxy> {
 public:
  ServiceProxy(sdbus::IConnection& bus, const std::string& path) : ProxyInterfaces(bus, "org.vermilion1", path) {
    registerProxy();
  }
  ~ServiceProxy() { unregisterProxy(); }
};

StackFiles example_files() {
  StackFiles files;
  files.units = {
      kSleeperUnit,
      {"talker.service",
       "[Unit]\nDescription=Says hello, then sleeps\n[Service]\n"
       "ExecStart=/bin/sh -c 'echo hello from talker; echo second line; exec sleep infinity'\n"
       "[Install]\nWantedBy=default.target\n"},
      {"broken.service", "[Unit]\nDescription=Always fails\n[Service]\nType=oneshot\nExecStart=/bin/false\n"},
      {"notifier.service",
       "[Service]\nType=notify\nExecStart=" + kHelpers + "/vermilion-test-notify status-on-usr1\n"},
  };
  return files;
}

class BridgeBusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(stack_.ok()) << stack_.error();
    bus_ = sdbus::createSessionBusConnectionWithAddress(stack_.bus().address());
    manager_ = std::make_unique<ManagerProxy>(*bus_);
    // Boot units are started, not necessarily active yet: wait for them.
    wait_active("sleeper.service");
    wait_active("talker.service");
  }

  std::string active_state(const std::string& name) {
    ServiceProxy service(*bus_, manager_->GetService(name));
    return service.ActiveState();
  }

  // Waits for a PropertiesChanged that makes `name` active (after checking
  // the property, with the match already installed: nothing is missed).
  void wait_active(const std::string& name) {
    sd_bus* raw = nullptr;
    ASSERT_GE(sd_bus_new(&raw), 0);
    SdBusPtr watcher(raw);
    ASSERT_GE(sd_bus_set_address(raw, stack_.bus().address().c_str()), 0);
    sd_bus_set_bus_client(raw, 1);
    ASSERT_GE(sd_bus_start(raw), 0);
    ASSERT_GE(sd_bus_add_match(raw, nullptr,
                               "type='signal',sender='org.vermilion1',interface='org.freedesktop.DBus.Properties'",
                               nullptr, nullptr),
              0);
    long long deadline = monotonic_ms() + 20000;
    while (active_state(name) != "active") {
      ASSERT_LT(monotonic_ms(), deadline) << name << " never became active\n" << stack_.log();
      // Any PropertiesChanged is a reason to look again; the bound is short
      // so a change that raced the match is seen at the next check.
      sd_bus_process(raw, nullptr);
      sd_bus_wait(raw, 200 * 1000);
    }
  }

  BridgeStack stack_{example_files()};
  std::unique_ptr<sdbus::IConnection> bus_;
  std::unique_ptr<ManagerProxy> manager_;
};

TEST_F(BridgeBusTest, ListsServicesThroughTheGeneratedProxy) {
  auto services = manager_->ListServices();
  std::map<std::string, sdbus::Struct<std::string, std::string, std::string, std::string, sdbus::ObjectPath>> by_name;
  for (const auto& row : services) by_name.emplace(row.get<0>(), row);
  ASSERT_TRUE(by_name.contains("sleeper.service"));
  ASSERT_TRUE(by_name.contains("vermilion-bridge.service"));
  const auto& sleeper = by_name.at("sleeper.service");
  EXPECT_EQ(sleeper.get<1>(), "Sleeps until stopped");
  EXPECT_EQ(sleeper.get<2>(), "active");
  EXPECT_EQ(sleeper.get<3>(), "running");
  EXPECT_EQ(std::string(sleeper.get<4>()), "/org/vermilion1/service/sleeper_2eservice");
  EXPECT_EQ(by_name.at("broken.service").get<2>(), "inactive");
  EXPECT_EQ(std::string(manager_->GetService("sleeper")), "/org/vermilion1/service/sleeper_2eservice");
  EXPECT_FALSE(manager_->Version().empty());
}

TEST_F(BridgeBusTest, JobsReplyWhenFinishedWithTheStateAlreadyVisible) {
  ServiceProxy sleeper(*bus_, manager_->GetService("sleeper.service"));
  std::uint32_t first_pid = sleeper.MainPID();
  EXPECT_GT(first_pid, 0u);
  EXPECT_GT(sleeper.ActiveEnterTimestamp(), 0u);
  EXPECT_EQ(sleeper.LoadState(), "loaded");
  EXPECT_EQ(sleeper.Name(), "sleeper.service");

  manager_->StopService("sleeper");
  EXPECT_EQ(sleeper.ActiveState(), "inactive");
  EXPECT_EQ(sleeper.SubState(), "dead");
  EXPECT_EQ(sleeper.MainPID(), 0u);
  EXPECT_GT(sleeper.InactiveEnterTimestamp(), 0u);

  manager_->StartService("sleeper.service");
  EXPECT_EQ(sleeper.ActiveState(), "active");
  std::uint32_t second_pid = sleeper.MainPID();
  EXPECT_GT(second_pid, 0u);

  manager_->RestartService("sleeper.service");
  EXPECT_EQ(sleeper.ActiveState(), "active");
  EXPECT_NE(sleeper.MainPID(), second_pid);

  sleeper.Stop();
  EXPECT_EQ(sleeper.ActiveState(), "inactive");
  sleeper.Start();
  EXPECT_EQ(sleeper.ActiveState(), "active");
}

TEST_F(BridgeBusTest, FailedStartSaysWhy) {
  try {
    manager_->StartService("broken.service");
    FAIL() << "starting broken.service succeeded";
  } catch (const sdbus::Error& error) {
    EXPECT_EQ(error.getName(), "org.vermilion1.Error.StartFailed");
    EXPECT_NE(error.getMessage().find("exit-code"), std::string::npos) << error.getMessage();
  }
  ServiceProxy broken(*bus_, manager_->GetService("broken"));
  EXPECT_EQ(broken.ActiveState(), "failed");
  EXPECT_EQ(broken.Result(), "exit-code");
  EXPECT_EQ(broken.ExecMainStatus(), 1);
}

TEST_F(BridgeBusTest, LogsAndCapabilitiesThroughTheManager) {
  std::vector<sdbus::Struct<std::uint64_t, std::string>> logs;
  // The first line may still be on its way through the log pipe.
  long long deadline = monotonic_ms() + 20000;
  while ((logs = manager_->GetLogs("talker", 0)).size() < 2 && monotonic_ms() < deadline) {
    ServiceProxy(*bus_, manager_->GetService("talker")).ActiveState();
  }
  ASSERT_EQ(logs.size(), 2u) << stack_.log();
  EXPECT_EQ(logs[0].get<1>(), "hello from talker");
  EXPECT_GT(logs[0].get<0>(), 0u);
  EXPECT_EQ(manager_->GetLogs("talker", 1).size(), 1u);

  auto capabilities = manager_->GetCapabilities("vermilion-bridge.service");
  bool manager_capability = false;
  for (const auto& row : capabilities) {
    if (row.get<1>() == "manager") manager_capability = true;
  }
  EXPECT_TRUE(manager_capability);
  EXPECT_TRUE(manager_->GetCapabilities("sleeper").empty());
}

TEST_F(BridgeBusTest, BusctlTreeIntrospectCallAndGetProperty) {
  auto tree = run_command({"/usr/bin/busctl", stack_.address_option(), "tree", "org.vermilion1"});
  ASSERT_EQ(tree.status, 0) << tree.output;
  EXPECT_NE(tree.output.find("/org/vermilion1/service/sleeper_2eservice"), std::string::npos) << tree.output;

  auto introspect = run_command({"/usr/bin/busctl", stack_.address_option(), "introspect", "org.vermilion1",
                                 "/org/vermilion1/service/sleeper_2eservice"});
  ASSERT_EQ(introspect.status, 0) << introspect.output;
  EXPECT_NE(introspect.output.find(".ActiveState"), std::string::npos);
  EXPECT_NE(introspect.output.find("emits-change"), std::string::npos);

  auto stop = run_command({"/usr/bin/busctl", stack_.address_option(), "call", "org.vermilion1", "/org/vermilion1",
                           "org.vermilion1.Manager", "StopService", "s", "sleeper.service"});
  EXPECT_EQ(stop.status, 0) << stop.output;
  auto state = run_command({"/usr/bin/busctl", stack_.address_option(), "get-property", "org.vermilion1",
                            "/org/vermilion1/service/sleeper_2eservice", "org.vermilion1.Service", "ActiveState"});
  EXPECT_EQ(state.output, "s \"inactive\"\n");
  auto list = run_command({"/usr/bin/busctl", stack_.address_option(), "call", "org.vermilion1", "/org/vermilion1",
                           "org.vermilion1.Manager", "ListServices"});
  EXPECT_EQ(list.status, 0);
  EXPECT_NE(list.output.find("\"sleeper.service\" \"Sleeps until stopped\" \"inactive\" \"dead\""),
            std::string::npos)
      << list.output;
}

TEST_F(BridgeBusTest, GdbusIntrospectAndCall) {
  auto introspect = run_command({"/usr/bin/gdbus", "introspect", "--address", stack_.bus().address(), "--dest",
                                 "org.vermilion1", "--object-path", "/org/vermilion1"});
  ASSERT_EQ(introspect.status, 0) << introspect.output;
  EXPECT_NE(introspect.output.find("interface org.vermilion1.Manager"), std::string::npos);
  EXPECT_NE(introspect.output.find("ListServices"), std::string::npos);
  EXPECT_NE(introspect.output.find("interface org.freedesktop.DBus.ObjectManager"), std::string::npos);

  auto restart = run_command({"/usr/bin/gdbus", "call", "--address", stack_.bus().address(), "--dest",
                              "org.vermilion1", "--object-path", "/org/vermilion1", "--method",
                              "org.vermilion1.Manager.RestartService", "talker"});
  EXPECT_EQ(restart.status, 0) << restart.output;
  auto managed = run_command({"/usr/bin/gdbus", "call", "--address", stack_.bus().address(), "--dest",
                              "org.vermilion1", "--object-path", "/org/vermilion1", "--method",
                              "org.freedesktop.DBus.ObjectManager.GetManagedObjects"});
  ASSERT_EQ(managed.status, 0) << managed.output;
  EXPECT_NE(managed.output.find("'/org/vermilion1/service/talker_2eservice': {"), std::string::npos)
      << managed.output;
  EXPECT_NE(managed.output.find("'ActiveState': <'active'>"), std::string::npos);
}

// The StatusText of every PropertiesChanged of one object, in order.
int record_status_text(sd_bus_message* m, void* userdata, sd_bus_error*) {
  auto* texts = static_cast<std::vector<std::string>*>(userdata);
  const char* interface = nullptr;
  if (sd_bus_message_read(m, "s", &interface) < 0) return 0;
  if (sd_bus_message_enter_container(m, 'a', "{sv}") <= 0) return 0;
  while (sd_bus_message_enter_container(m, 'e', "sv") > 0) {
    const char* key = nullptr;
    const char* value = nullptr;
    if (sd_bus_message_read(m, "s", &key) < 0) return 0;
    if (std::string_view(key) == "StatusText") {
      if (sd_bus_message_read(m, "v", "s", &value) < 0) return 0;
      texts->emplace_back(value);
    } else if (sd_bus_message_skip(m, "v") < 0) {
      return 0;
    }
    sd_bus_message_exit_container(m);
  }
  return 0;
}

// A service's STATUS= is its StatusText on the bus: there when its start
// job replies (READY=1 came with STATUS=ready), and announced with
// PropertiesChanged when it changes while the state does not.
TEST_F(BridgeBusTest, StatusTextFollowsTheServicesNotifications) {
  manager_->StartService("notifier.service");
  ServiceProxy notifier(*bus_, manager_->GetService("notifier"));
  EXPECT_EQ(notifier.StatusText(), "ready");

  SdBusPtr watcher = connect_bus(stack_.bus().address());
  ASSERT_TRUE(watcher);
  std::vector<std::string> texts;
  // Synchronous: the bus has the match before the signal is sent.
  ASSERT_GE(sd_bus_match_signal(watcher.get(), nullptr, nullptr, "/org/vermilion1/service/notifier_2eservice",
                                "org.freedesktop.DBus.Properties", "PropertiesChanged", &record_status_text, &texts),
            0);
  ASSERT_EQ(::kill(static_cast<pid_t>(notifier.MainPID()), SIGUSR1), 0);
  long long deadline = monotonic_ms() + 20000;
  while (texts.empty() && monotonic_ms() < deadline) {
    if (sd_bus_process(watcher.get(), nullptr) > 0) continue;
    sd_bus_wait(watcher.get(), static_cast<uint64_t>(deadline - monotonic_ms()) * 1000);
  }
  EXPECT_EQ(texts, std::vector<std::string>{"got SIGUSR1 1"}) << stack_.log();
  EXPECT_EQ(notifier.StatusText(), "got SIGUSR1 1");
  EXPECT_EQ(notifier.ActiveState(), "active") << "the state stayed";
}

TEST_F(BridgeBusTest, GlibClientListsStopsStartsAndSeesSignals) {
  auto client = run_command({kHelpers + "/vermilion-test-gdbus_bridge_client", stack_.bus().address(), "sleeper"});
  ASSERT_EQ(client.status, 0) << client.output;
  const std::string& out = client.output;
  EXPECT_NE(out.find("service sleeper.service active running /org/vermilion1/service/sleeper_2eservice"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("path /org/vermilion1/service/sleeper_2eservice"), std::string::npos);
  EXPECT_NE(out.find("property ActiveState active"), std::string::npos);
  EXPECT_NE(out.find("stopped\n"), std::string::npos);
  EXPECT_NE(out.find("changed ActiveState inactive"), std::string::npos) << out;
  EXPECT_NE(out.find("started\n"), std::string::npos);
  EXPECT_NE(out.find("changed ActiveState active"), std::string::npos) << out;
  EXPECT_NE(out.find("state sleeper.service inactive dead"), std::string::npos) << out;
  EXPECT_NE(out.find("error org.vermilion1.Error.NoSuchService"), std::string::npos) << out;
  EXPECT_EQ(out.find("timeout"), std::string::npos) << out;
}

}  // namespace
}  // namespace vermilion::testing
