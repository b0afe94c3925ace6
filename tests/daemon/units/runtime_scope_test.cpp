#include "units/runtime_scope.h"

#include <pwd.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace vermilion {
namespace {

// The password database's home of the user running the test.
std::string passwd_home() {
  passwd* entry = getpwuid(getuid());
  return entry != nullptr ? entry->pw_dir : "";
}

TEST(RuntimeIdentity, SystemIsRootWhateverTheEnvironment) {
  const char* envp[] = {"HOME=/home/alice", "XDG_RUNTIME_DIR=/run/user/1000", "XDG_CONFIG_HOME=/cfg", nullptr};
  auto id = RuntimeIdentity::current(RuntimeScope::system, ProcessEnvironment::parse(envp));
  EXPECT_EQ(id.scope, RuntimeScope::system);
  EXPECT_EQ(id.user_name, "root");
  EXPECT_EQ(id.uid, 0u);
  EXPECT_EQ(id.home, "/root");
  EXPECT_EQ(id.runtime_dir, "/run");
  EXPECT_EQ(id.config_home, "") << "the system manager has no XDG directories";
  EXPECT_FALSE(id.host_name.empty());
}

TEST(RuntimeIdentity, UserTakesTheEnvironmentsPaths) {
  const char* envp[] = {"HOME=/home/alice", "XDG_RUNTIME_DIR=/run/user/1000", "XDG_CONFIG_HOME=/home/alice/cfg",
                        "XDG_DATA_HOME=/srv/data", nullptr};
  auto id = RuntimeIdentity::current(RuntimeScope::user, ProcessEnvironment::parse(envp));
  EXPECT_EQ(id.uid, getuid());
  EXPECT_EQ(id.gid, getgid());
  EXPECT_FALSE(id.user_name.empty());
  EXPECT_EQ(id.home, "/home/alice");
  EXPECT_EQ(id.runtime_dir, "/run/user/1000");
  EXPECT_EQ(id.config_home, "/home/alice/cfg");
  EXPECT_EQ(id.data_home, "/srv/data");
}

// The one XDG rule, end to end: relative or empty variables fall back to
// the defaults under HOME, and HOME itself to the password database.
TEST(RuntimeIdentity, RelativeOrEmptyXdgFallsBackToTheDefaults) {
  const char* relative[] = {"HOME=/home/alice", "XDG_CONFIG_HOME=cfg", "XDG_DATA_HOME=./data",
                            "XDG_RUNTIME_DIR=run", nullptr};
  auto id = RuntimeIdentity::current(RuntimeScope::user, ProcessEnvironment::parse(relative));
  EXPECT_EQ(id.config_home, "/home/alice/.config");
  EXPECT_EQ(id.data_home, "/home/alice/.local/share");
  EXPECT_EQ(id.runtime_dir, "/run/user/" + std::to_string(getuid()));

  const char* empty[] = {"HOME=/home/alice", "XDG_CONFIG_HOME=", "XDG_DATA_HOME=", "XDG_RUNTIME_DIR=", nullptr};
  id = RuntimeIdentity::current(RuntimeScope::user, ProcessEnvironment::parse(empty));
  EXPECT_EQ(id.config_home, "/home/alice/.config");
  EXPECT_EQ(id.data_home, "/home/alice/.local/share");
  EXPECT_EQ(id.runtime_dir, "/run/user/" + std::to_string(getuid()));
}

TEST(RuntimeIdentity, HomeFallsBackToThePasswordDatabase) {
  const char* relative_home[] = {"HOME=alice", nullptr};
  auto id = RuntimeIdentity::current(RuntimeScope::user, ProcessEnvironment::parse(relative_home));
  EXPECT_EQ(id.home, passwd_home());
  EXPECT_EQ(id.config_home, passwd_home() + "/.config");

  id = RuntimeIdentity::current(RuntimeScope::user, ProcessEnvironment{});
  EXPECT_EQ(id.home, passwd_home());
  EXPECT_EQ(id.data_home, passwd_home() + "/.local/share");
}

}  // namespace
}  // namespace vermilion
