#include "units/bridge_unit.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "units/unit_loader.h"

namespace vermilion {
namespace {

RuntimeIdentity identity(RuntimeScope scope) {
  RuntimeIdentity id;
  id.scope = scope;
  id.user_name = scope == RuntimeScope::system ? "root" : "alice";
  id.uid = scope == RuntimeScope::system ? 0 : 1000;
  id.home = scope == RuntimeScope::system ? "/root" : "/home/alice";
  id.runtime_dir = scope == RuntimeScope::system ? "/run" : "/run/user/1000";
  id.host_name = "testhost";
  return id;
}

// The generated text goes through the same loader as unit files.
ServiceConfig load(const BridgeOptions& options, RuntimeScope scope, Diagnostics& diags) {
  UnitLoader loader({}, identity(scope));
  return loader.load_text(std::string(kBridgeUnitName), std::string(kBridgeUnitSource),
                          bridge_unit_text(options, scope), diags);
}

std::string formatted(const Diagnostics& diags) {
  std::string out;
  for (const auto& d : diags.items()) out += format_diagnostic(d) + "\n";
  return out;
}

TEST(BridgeUnit, SystemScopeRunsAsTheBridgeUser) {
  Diagnostics diags;
  ServiceConfig config = load({"/usr/libexec/vermilion/vermilion-bridge", {}}, RuntimeScope::system, diags);
  EXPECT_TRUE(diags.items().empty()) << formatted(diags);
  ASSERT_EQ(config.load_state, LoadState::loaded);
  EXPECT_EQ(config.name, "vermilion-bridge.service");
  EXPECT_EQ(config.description, "Vermilion D-Bus bridge (org.vermilion1)");
  EXPECT_FALSE(config.default_dependencies) << "it does not go down with basic.target or shutdown.target";
  EXPECT_EQ(config.type, ServiceType::notify);
  EXPECT_EQ(config.effective_notify_access(), NotifyAccess::main);
  ASSERT_EQ(config.exec_start.size(), 1u);
  EXPECT_EQ(config.exec_start[0].path, "/usr/libexec/vermilion/vermilion-bridge");
  EXPECT_EQ(config.exec_start[0].argv,
            (std::vector<std::string>{"/usr/libexec/vermilion/vermilion-bridge", "--system"}));
  EXPECT_EQ(config.restart, RestartPolicy::always);
  EXPECT_EQ(config.restart_sec, 100'000u);
  EXPECT_EQ(config.user, "vermilion-bridge");
  EXPECT_EQ(config.group, "vermilion-bridge");
  EXPECT_TRUE(config.environment.empty());
  // No [Install]: default.target wants it by vermiliond's own doing (supervisor.cpp).
  EXPECT_TRUE(config.wanted_by.empty());
}

TEST(BridgeUnit, UserScopeRunsAsTheInvokingUser) {
  Diagnostics diags;
  ServiceConfig config = load({"/opt/v/vermilion-bridge", {"DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus",
                                                           "XDG_RUNTIME_DIR=/run/user/1000"}},
                              RuntimeScope::user, diags);
  EXPECT_TRUE(diags.items().empty()) << formatted(diags);
  ASSERT_EQ(config.load_state, LoadState::loaded);
  EXPECT_EQ(config.exec_start.at(0).argv, (std::vector<std::string>{"/opt/v/vermilion-bridge", "--user"}));
  EXPECT_EQ(config.user, "");
  EXPECT_EQ(config.group, "");
  EXPECT_EQ(config.environment, (std::vector<std::string>{"DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus",
                                                          "XDG_RUNTIME_DIR=/run/user/1000"}));
  EXPECT_TRUE(config.wanted_by.empty());
}

TEST(BridgeUnit, SystemdCompatIsPassedOn) {
  Diagnostics diags;
  BridgeOptions options{"/usr/libexec/vermilion/vermilion-bridge", {}};
  options.systemd_compat = true;
  ServiceConfig config = load(options, RuntimeScope::system, diags);
  EXPECT_TRUE(diags.items().empty()) << formatted(diags);
  EXPECT_EQ(config.exec_start.at(0).argv,
            (std::vector<std::string>{"/usr/libexec/vermilion/vermilion-bridge", "--system", "--systemd-compat"}));
}

// Paths and addresses may hold anything a program path (systemd refuses
// quotes, backslashes and control characters there) or an environment value
// can: they must load back byte for byte, never as specifiers, variables,
// several words or several assignments.
TEST(BridgeUnit, ValuesLoadBackExactly) {
  const std::string path = "/opt/my dir/100%/$HOME/semi;colon/@-+!:/vermilion-bridge";
  const std::string address =
      "DBUS_SYSTEM_BUS_ADDRESS=unix:path=/run/a b;tcp:host=x,%i=$USER\\\"'\t\n\x01\x7f\xc3\xa9";
  Diagnostics diags;
  ServiceConfig config = load({path, {address, "X=two words", "EMPTY="}}, RuntimeScope::system, diags);
  EXPECT_TRUE(diags.items().empty()) << formatted(diags);
  ASSERT_EQ(config.load_state, LoadState::loaded);
  ASSERT_EQ(config.exec_start.size(), 1u);
  EXPECT_EQ(config.exec_start[0].path, path);
  EXPECT_EQ(config.exec_start[0].argv, (std::vector<std::string>{path, "--system"}));
  EXPECT_FALSE(config.exec_start[0].expand_environment) << "$HOME stays as written in argv[0]";
  EXPECT_EQ(config.environment, (std::vector<std::string>{address, "X=two words", "EMPTY="}));
}

TEST(BridgeUnit, Quoting) {
  EXPECT_EQ(quote_unit_value("a $b%c"), "\"a $b%%c\"");
  EXPECT_EQ(quote_unit_value("\"\\\n"), "\"\\\"\\\\\\x0a\"");
}

TEST(BridgeUnit, EnvironmentPassedThroughDependsOnScope) {
  const char* both[] = {"DBUS_SYSTEM_BUS_ADDRESS=unix:path=/tmp/system",
                        "DBUS_SESSION_BUS_ADDRESS=unix:path=/tmp/session", "XDG_RUNTIME_DIR=", nullptr};
  ProcessEnvironment env = ProcessEnvironment::parse(both);
  EXPECT_EQ(bridge_environment(RuntimeScope::system, env),
            (std::vector<std::string>{"DBUS_SYSTEM_BUS_ADDRESS=unix:path=/tmp/system"}));
  EXPECT_EQ(bridge_environment(RuntimeScope::user, env),
            (std::vector<std::string>{"DBUS_SESSION_BUS_ADDRESS=unix:path=/tmp/session"}));

  const char* runtime_only[] = {"XDG_RUNTIME_DIR=/run/user/7", nullptr};
  env = ProcessEnvironment::parse(runtime_only);
  EXPECT_EQ(bridge_environment(RuntimeScope::user, env), (std::vector<std::string>{"XDG_RUNTIME_DIR=/run/user/7"}));
  EXPECT_TRUE(bridge_environment(RuntimeScope::system, env).empty());

  const char* relative_runtime[] = {"XDG_RUNTIME_DIR=run/user/7", nullptr};
  EXPECT_TRUE(bridge_environment(RuntimeScope::user, ProcessEnvironment::parse(relative_runtime)).empty())
      << "a relative XDG_RUNTIME_DIR is no runtime dir, for the bridge too";
}

}  // namespace
}  // namespace vermilion
