#include "units/systemd_unit_dirs.h"

#include <gtest/gtest.h>

namespace vermilion {
namespace {

using Dirs = std::vector<std::string>;

// As `systemd-analyze --system unit-paths` (systemd 252, Debian 12) lists
// them, without the directories only systemd writes.
TEST(SystemdUnitDirs, System) {
  RuntimeIdentity id = RuntimeIdentity::for_tests(RuntimeScope::system);
  EXPECT_EQ(systemd_unit_dirs(RuntimeScope::system, id, {}),
            (Dirs{"/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system",
                  "/lib/systemd/system", "/usr/lib/systemd/system"}));
}

// As `systemd-analyze --user unit-paths` lists them with HOME=/home/user and
// XDG_RUNTIME_DIR=/run/user/1000 and no other XDG variable.
TEST(SystemdUnitDirs, UserWithXdgDefaults) {
  RuntimeIdentity id = RuntimeIdentity::for_tests(RuntimeScope::user);
  id.runtime_dir = "/run/user/1000";
  EXPECT_EQ(systemd_unit_dirs(RuntimeScope::user, id, {}),
            (Dirs{"/home/user/.config/systemd/user", "/etc/xdg/systemd/user", "/etc/systemd/user",
                  "/run/user/1000/systemd/user", "/run/systemd/user", "/home/user/.local/share/systemd/user",
                  "/usr/local/share/systemd/user", "/usr/share/systemd/user", "/usr/local/lib/systemd/user",
                  "/usr/lib/systemd/user"}));
}

// XDG_CONFIG_DIRS and XDG_DATA_DIRS replace their defaults; relative
// entries are ignored (XDG Base Directory specification); duplicates go.
TEST(SystemdUnitDirs, UserXdgListsAreFollowed) {
  RuntimeIdentity id = RuntimeIdentity::for_tests(RuntimeScope::user);
  id.runtime_dir = "/run/user/1000";
  id.config_home = "/c";
  id.data_home = "/d";
  ProcessEnvironment env;
  env.xdg_config_dirs = "/x1:relative::/etc";
  env.xdg_data_dirs = "/usr/share:/y";
  EXPECT_EQ(systemd_unit_dirs(RuntimeScope::user, id, env),
            (Dirs{"/c/systemd/user", "/x1/systemd/user", "/etc/systemd/user", "/run/user/1000/systemd/user",
                  "/run/systemd/user", "/d/systemd/user", "/usr/share/systemd/user", "/y/systemd/user",
                  "/usr/local/lib/systemd/user", "/usr/lib/systemd/user"}));
}

}  // namespace
}  // namespace vermilion
