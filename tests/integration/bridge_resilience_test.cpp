// What the bridge does when things go wrong: a signal subscriber sees every
// change, a bridge killed with SIGKILL comes back and clients recover, bad
// input gets a D-Bus error and everything keeps running, a reload adds and
// removes objects with InterfacesAdded/InterfacesRemoved.
#include <gtest/gtest.h>
#include <signal.h>
#include <systemd/sd-bus.h>

#include <string>
#include <vector>

#include "bridge_fixture.h"

namespace vermilion::testing {
namespace {

StackFiles files() {
  StackFiles f;
  f.units = {kSleeperUnit};
  return f;
}

// A raw sd-bus client that records the signals org.vermilion1 sends.
class Subscriber {
 public:
  explicit Subscriber(const std::string& address) {
    sd_bus* raw = nullptr;
    if (sd_bus_new(&raw) < 0) return;
    bus_.reset(raw);
    sd_bus_set_address(raw, address.c_str());
    sd_bus_set_bus_client(raw, 1);
    if (sd_bus_start(raw) < 0) return;
    sd_bus_add_match(raw, nullptr, "type='signal',sender='org.vermilion1'", &Subscriber::on_signal, this);
  }
  // Processes signals until `seen` returns true or 20 s pass.
  bool wait_for(const std::function<bool(const std::vector<std::string>&)>& seen) {
    long long deadline = monotonic_ms() + 20000;
    for (;;) {
      while (sd_bus_process(bus_.get(), nullptr) > 0) {
      }
      if (seen(lines_)) return true;
      long long left = deadline - monotonic_ms();
      if (left <= 0) return false;
      sd_bus_wait(bus_.get(), static_cast<std::uint64_t>(left) * 1000);
    }
  }
  [[nodiscard]] const std::vector<std::string>& lines() const { return lines_; }
  [[nodiscard]] sd_bus* bus() const { return bus_.get(); }

 private:
  static int on_signal(sd_bus_message* m, void* self, sd_bus_error*) {
    auto* me = static_cast<Subscriber*>(self);
    std::string member = sd_bus_message_get_member(m);
    std::string line = member + " " + sd_bus_message_get_path(m);
    if (member == "PropertiesChanged") {
      const char* interface = nullptr;
      sd_bus_message_read(m, "s", &interface);
      sd_bus_message_enter_container(m, 'a', "{sv}");
      while (sd_bus_message_enter_container(m, 'e', "sv") > 0) {
        const char* key = nullptr;
        sd_bus_message_read(m, "s", &key);
        const char* contents = nullptr;
        sd_bus_message_peek_type(m, nullptr, &contents);
        if (contents && std::string(contents) == "s") {
          const char* value = nullptr;
          sd_bus_message_read(m, "v", "s", &value);
          line += std::string(" ") + key + "=" + value;
        } else {
          sd_bus_message_skip(m, "v");
          line += std::string(" ") + key;
        }
        sd_bus_message_exit_container(m);
      }
    } else if (member == "ServiceStateChanged") {
      const char *name, *active, *sub;
      if (sd_bus_message_read(m, "sss", &name, &active, &sub) > 0)
        line += std::string(" ") + name + " " + active + " " + sub;
    } else if (member == "InterfacesAdded" || member == "InterfacesRemoved") {
      const char* path = nullptr;
      sd_bus_message_read(m, "o", &path);
      line += std::string(" ") + path;
    }
    me->lines_.push_back(line);
    return 0;
  }
  SdBusPtr bus_;
  std::vector<std::string> lines_;
};

bool contains(const std::vector<std::string>& lines, const std::string& text) {
  for (const auto& line : lines) {
    if (line.find(text) != std::string::npos) return true;
  }
  return false;
}

CommandResult busctl(BridgeStack& stack, std::vector<std::string> args) {
  std::vector<std::string> argv{"/usr/bin/busctl", stack.address_option()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv);
}

CommandResult call_manager(BridgeStack& stack, const std::string& method, std::vector<std::string> args) {
  std::vector<std::string> argv{"call", "org.vermilion1", "/org/vermilion1", "org.vermilion1.Manager", method};
  argv.insert(argv.end(), args.begin(), args.end());
  return busctl(stack, argv);
}

std::string bridge_pid(BridgeStack& stack) {
  auto result = busctl(stack, {"get-property", "org.vermilion1", "/org/vermilion1/service/vermilion_2dbridge_2eservice",
                               "org.vermilion1.Service", "MainPID"});
  return result.output.substr(result.output.find(' ') + 1, result.output.size() - result.output.find(' ') - 2);
}

TEST(BridgeSignals, SubscriberSeesPropertiesChangedAndServiceStateChanged) {
  BridgeStack stack(files());
  ASSERT_TRUE(stack.ok()) << stack.error();
  Subscriber subscriber(stack.bus().address());
  ASSERT_EQ(call_manager(stack, "StopService", {"s", "sleeper"}).status, 0) << stack.log();
  ASSERT_TRUE(subscriber.wait_for([](const auto& lines) {
    return contains(lines, "ServiceStateChanged /org/vermilion1 sleeper.service inactive dead") &&
           contains(lines, "PropertiesChanged /org/vermilion1/service/sleeper_2eservice ActiveState=inactive");
  })) << ::testing::PrintToString(subscriber.lines());
  // Every transition is a ServiceStateChanged, in order: deactivating first.
  EXPECT_TRUE(contains(subscriber.lines(), "sleeper.service deactivating"))
      << ::testing::PrintToString(subscriber.lines());
  ASSERT_EQ(call_manager(stack, "StartService", {"s", "sleeper"}).status, 0);
  ASSERT_TRUE(subscriber.wait_for([](const auto& lines) {
    return contains(lines, "PropertiesChanged /org/vermilion1/service/sleeper_2eservice ActiveState=active");
  }));
  EXPECT_TRUE(contains(subscriber.lines(), "MainPID")) << ::testing::PrintToString(subscriber.lines());
}

TEST(BridgeRecovery, BridgeKilledComesBackAndClientsRecover) {
  BridgeStack stack(files());
  ASSERT_TRUE(stack.ok()) << stack.error();
  std::string pid = bridge_pid(stack);
  ASSERT_GT(std::stoi(pid), 1) << pid;
  ASSERT_EQ(kill(std::stoi(pid), SIGKILL), 0);
  // The name goes with the old connection, then the restarted bridge owns it.
  auto owner = stack.bus().wait_for_owner("org.vermilion1", 20000, stack.owner());
  ASSERT_TRUE(owner.has_value()) << stack.log();
  EXPECT_NE(*owner, stack.owner());
  // A client that used the old bridge simply calls again.
  auto list = call_manager(stack, "ListServices", {});
  EXPECT_EQ(list.status, 0) << list.output;
  EXPECT_NE(list.output.find("sleeper.service"), std::string::npos);
  auto stop = call_manager(stack, "StopService", {"s", "sleeper"});
  EXPECT_EQ(stop.status, 0) << stop.output << stack.log();
  EXPECT_NE(bridge_pid(stack), pid);
  auto restarts = busctl(stack, {"get-property", "org.vermilion1", "/org/vermilion1/service/vermilion_2dbridge_2eservice",
                                 "org.vermilion1.Service", "NRestarts"});
  EXPECT_EQ(restarts.output, "u 1\n");
}

TEST(BridgeBadInput, EveryBadCallGetsAnErrorAndNothingStops) {
  BridgeStack stack(files());
  ASSERT_TRUE(stack.ok()) << stack.error();
  // Wrong argument types: refused by sd-bus's signature check before any
  // code of ours runs. busctl sends exactly what it is told.
  for (const auto& args : std::vector<std::vector<std::string>>{{"i", "5"}, {"ss", "a", "b"}, {}}) {
    auto result = call_manager(stack, "StopService", args);
    EXPECT_NE(result.status, 0);
    EXPECT_NE(result.output.find("nvalid arg"), std::string::npos) << result.output;
  }
  // Bad values: gdbus prints the D-Bus error name. (One argv string may not
  // exceed 128 KiB, so "huge" is 100 000 bytes.)
  const std::string huge(100000, 'x');
  struct Case {
    std::string method;
    std::vector<std::string> args;  // GVariant text
    std::string error;
  };
  const std::vector<Case> cases = {
      {"StopService", {"'no-such'"}, "org.vermilion1.Error.NoSuchService"},
      {"StartService", {"'../etc/passwd'"}, "org.freedesktop.DBus.Error.InvalidArgs"},
      {"StartService", {"'a\\u0001b\\u007f'"}, "org.freedesktop.DBus.Error.InvalidArgs"},
      {"StartService", {"'\\u00e9t\\u00e9'"}, "org.freedesktop.DBus.Error.InvalidArgs"},
      {"StartService", {"''"}, "org.freedesktop.DBus.Error.InvalidArgs"},
      {"StartService", {"'" + huge + "'"}, "org.freedesktop.DBus.Error.InvalidArgs"},
      {"GetService", {"'" + huge + ".service'"}, "org.freedesktop.DBus.Error.InvalidArgs"},
      {"KillService", {"'sleeper'", "0"}, "org.freedesktop.DBus.Error.InvalidArgs"},
      {"KillService", {"'sleeper'", "-9"}, "org.freedesktop.DBus.Error.InvalidArgs"},
      {"KillService", {"'sleeper'", "4096"}, "org.freedesktop.DBus.Error.InvalidArgs"},
      {"GetLogs", {"'no-such'", "5"}, "org.vermilion1.Error.NoSuchService"},
      {"GetCapabilities", {"'no-such'"}, "org.vermilion1.Error.NoSuchService"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> argv{"/usr/bin/gdbus", "call", "--address", stack.bus().address(), "--dest",
                                  "org.vermilion1", "--object-path", "/org/vermilion1", "--method",
                                  "org.vermilion1.Manager." + c.method, "--"};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    auto result = run_command(argv);
    EXPECT_NE(result.status, 0) << c.method;
    EXPECT_NE(result.output.find(c.error), std::string::npos)
        << c.method << " " << c.args[0].substr(0, 40) << ": " << result.output.substr(0, 300);
    // The message quotes the caller's name bounded and escaped, not in full.
    EXPECT_LT(result.output.size(), 1000u) << c.method;
  }
  // Same bridge, same vermiliond, everything still served.
  EXPECT_EQ(stack.bus().wait_for_owner("org.vermilion1", 1000).value_or(""), stack.owner());
  EXPECT_EQ(kill(stack.daemon().pid(), 0), 0);
  auto state = busctl(stack, {"get-property", "org.vermilion1", "/org/vermilion1/service/sleeper_2eservice",
                              "org.vermilion1.Service", "ActiveState"});
  EXPECT_EQ(state.output, "s \"active\"\n");
}

TEST(BridgeReload, NewUnitsAppearAndRemovedOnesVanishWithSignals) {
  BridgeStack stack(files());
  ASSERT_TRUE(stack.ok()) << stack.error();
  Subscriber subscriber(stack.bus().address());
  stack.dir().write("units/extra.service", "[Unit]\nDescription=Added later\n[Service]\nExecStart=/bin/sleep infinity\n");
  ASSERT_EQ(call_manager(stack, "Reload", {}).status, 0) << stack.log();
  ASSERT_TRUE(subscriber.wait_for([](const auto& lines) {
    return contains(lines, "InterfacesAdded /org/vermilion1 /org/vermilion1/service/extra_2eservice");
  })) << ::testing::PrintToString(subscriber.lines());
  auto description = busctl(stack, {"get-property", "org.vermilion1", "/org/vermilion1/service/extra_2eservice",
                                    "org.vermilion1.Service", "Description"});
  EXPECT_EQ(description.output, "s \"Added later\"\n");

  std::filesystem::remove(stack.dir().file("units/extra.service"));
  ASSERT_EQ(call_manager(stack, "Reload", {}).status, 0);
  ASSERT_TRUE(subscriber.wait_for([](const auto& lines) {
    return contains(lines, "InterfacesRemoved /org/vermilion1 /org/vermilion1/service/extra_2eservice");
  })) << ::testing::PrintToString(subscriber.lines());
  auto gone = call_manager(stack, "GetService", {"s", "extra"});
  EXPECT_NE(gone.status, 0);
}

}  // namespace
}  // namespace vermilion::testing
