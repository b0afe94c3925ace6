#include "units/process_environment.h"

#include <gtest/gtest.h>

namespace vermilion {
namespace {

using std::optional;
using std::string;

TEST(ProcessEnvironment, ReadsTheVariablesThatMatter) {
  const char* envp[] = {"HOME=/home/alice",
                        "XDG_CONFIG_HOME=/home/alice/cfg",
                        "XDG_DATA_HOME=/home/alice/data",
                        "XDG_RUNTIME_DIR=/run/user/1000",
                        "LANG=de_DE.UTF-8",
                        "JOURNAL_STREAM=8:1234",
                        "DBUS_SYSTEM_BUS_ADDRESS=unix:path=/run/dbus/system_bus_socket",
                        "DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus",
                        "UNRELATED=/x",
                        nullptr};
  ProcessEnvironment env = ProcessEnvironment::parse(envp);
  EXPECT_EQ(env.home, optional<string>("/home/alice"));
  EXPECT_EQ(env.xdg_config_home, optional<string>("/home/alice/cfg"));
  EXPECT_EQ(env.xdg_data_home, optional<string>("/home/alice/data"));
  EXPECT_EQ(env.xdg_runtime_dir, optional<string>("/run/user/1000"));
  EXPECT_EQ(env.lang, optional<string>("de_DE.UTF-8"));
  EXPECT_EQ(env.journal_stream, optional<string>("8:1234"));
  EXPECT_EQ(env.dbus_system_bus_address, optional<string>("unix:path=/run/dbus/system_bus_socket"));
  EXPECT_EQ(env.dbus_session_bus_address, optional<string>("unix:path=/run/user/1000/bus"));
}

// The XDG Base Directory rule, for every path variable alike: a relative
// path is invalid and ignored, an empty one is as if unset.
TEST(ProcessEnvironment, PathsCountOnlyWhenAbsolute) {
  const char* relative[] = {"HOME=home/alice", "XDG_CONFIG_HOME=.config", "XDG_DATA_HOME=~/data",
                            "XDG_RUNTIME_DIR=run/user/1000", nullptr};
  ProcessEnvironment env = ProcessEnvironment::parse(relative);
  EXPECT_EQ(env.home, std::nullopt);
  EXPECT_EQ(env.xdg_config_home, std::nullopt);
  EXPECT_EQ(env.xdg_data_home, std::nullopt);
  EXPECT_EQ(env.xdg_runtime_dir, std::nullopt);

  const char* empty[] = {"HOME=", "XDG_CONFIG_HOME=", "XDG_DATA_HOME=", "XDG_RUNTIME_DIR=", nullptr};
  env = ProcessEnvironment::parse(empty);
  EXPECT_EQ(env.home, std::nullopt);
  EXPECT_EQ(env.xdg_config_home, std::nullopt);
  EXPECT_EQ(env.xdg_data_home, std::nullopt);
  EXPECT_EQ(env.xdg_runtime_dir, std::nullopt);
}

TEST(ProcessEnvironment, EmptyValuesAreUnset) {
  const char* envp[] = {"LANG=", "JOURNAL_STREAM=", "DBUS_SYSTEM_BUS_ADDRESS=", "DBUS_SESSION_BUS_ADDRESS=", nullptr};
  ProcessEnvironment env = ProcessEnvironment::parse(envp);
  EXPECT_EQ(env.lang, std::nullopt);
  EXPECT_EQ(env.journal_stream, std::nullopt);
  EXPECT_EQ(env.dbus_system_bus_address, std::nullopt);
  EXPECT_EQ(env.dbus_session_bus_address, std::nullopt);
}

TEST(ProcessEnvironment, FirstOfTwoWinsAsForGetenv) {
  // Even when the first is invalid: getenv() would not look further either.
  const char* envp[] = {"LANG=C.UTF-8", "XDG_CONFIG_HOME=relative", "LANG=fr_FR", "XDG_CONFIG_HOME=/abs", nullptr};
  ProcessEnvironment env = ProcessEnvironment::parse(envp);
  EXPECT_EQ(env.lang, optional<string>("C.UTF-8"));
  EXPECT_EQ(env.xdg_config_home, std::nullopt);
}

TEST(ProcessEnvironment, NamesMatchExactlyAndOddEntriesAreSkipped) {
  const char* envp[] = {"LANGUAGE=de", "XLANG=x", "HOME", "=value", "LANG=C", nullptr};
  ProcessEnvironment env = ProcessEnvironment::parse(envp);
  EXPECT_EQ(env.lang, optional<string>("C"));
  EXPECT_EQ(env.home, std::nullopt);
}

TEST(ProcessEnvironment, NullOrEmptyBlockIsEmpty) {
  ProcessEnvironment env = ProcessEnvironment::parse(nullptr);
  EXPECT_EQ(env.home, std::nullopt);
  EXPECT_EQ(env.lang, std::nullopt);
  const char* none[] = {nullptr};
  env = ProcessEnvironment::parse(none);
  EXPECT_EQ(env.xdg_runtime_dir, std::nullopt);
}

TEST(ProcessEnvironment, ValuesMayContainEqualsSigns) {
  const char* envp[] = {"DBUS_SESSION_BUS_ADDRESS=unix:path=/tmp/a,guid=42", nullptr};
  EXPECT_EQ(ProcessEnvironment::parse(envp).dbus_session_bus_address,
            optional<string>("unix:path=/tmp/a,guid=42"));
}

}  // namespace
}  // namespace vermilion
