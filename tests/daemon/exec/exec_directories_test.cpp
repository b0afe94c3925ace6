#include "exec/exec_directories.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>

#include "temp_dir.h"

namespace vermilion {
namespace {

using testing::TempDir;

mode_t mode_of(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 ? st.st_mode & 07777 : 0;
}

TEST(ExecDirectories, RootsPerScopeAreSystemd252s) {
  auto system = system_exec_directory_roots();
  EXPECT_EQ(system[static_cast<std::size_t>(ExecDirectoryType::state)], "/var/lib");
  EXPECT_EQ(system[static_cast<std::size_t>(ExecDirectoryType::logs)], "/var/log");
  auto user = user_exec_directory_roots("/run/user/1", "/h/.config", "/h/.cache");
  EXPECT_EQ(user[static_cast<std::size_t>(ExecDirectoryType::runtime)], "/run/user/1");
  EXPECT_EQ(user[static_cast<std::size_t>(ExecDirectoryType::state)], "/h/.config");
  EXPECT_EQ(user[static_cast<std::size_t>(ExecDirectoryType::cache)], "/h/.cache");
  EXPECT_EQ(user[static_cast<std::size_t>(ExecDirectoryType::logs)], "/h/.config/log");
  EXPECT_EQ(user[static_cast<std::size_t>(ExecDirectoryType::configuration)], "/h/.config");
  EXPECT_STREQ(exec_directory_variable(ExecDirectoryType::logs), "LOGS_DIRECTORY");
  EXPECT_EQ(static_cast<int>(exec_directory_exit_status(ExecDirectoryType::configuration)), 241);
}

TEST(ExecDirectories, PathsStayBelowTheirRoot) {
  ServiceConfig c;
  c.directory(ExecDirectoryType::state).names = {"a", "b/c"};
  std::vector<std::string> out;
  ASSERT_EQ(exec_directory_paths(c, ExecDirectoryType::state, system_exec_directory_roots(), out), 0);
  EXPECT_EQ(out, (std::vector<std::string>{"/var/lib/a", "/var/lib/b/c"}));
  c.directory(ExecDirectoryType::state).names = {"a/../../etc"};
  EXPECT_EQ(exec_directory_paths(c, ExecDirectoryType::state, system_exec_directory_roots(), out), -EINVAL);
}

TEST(ExecDirectories, ModeIsSetExactlyWhateverTheUmask) {
  TempDir dir;
  mode_t old = umask(077);
  std::string what;
  std::string path = dir.file("x/y/run");
  ASSERT_EQ(set_up_exec_directory(path, ExecDirectoryType::runtime, 02755, static_cast<uid_t>(-1),
                                  static_cast<gid_t>(-1), what),
            0)
      << what;
  umask(old);
  EXPECT_EQ(mode_of(path), 02755u);
  EXPECT_EQ(mode_of(dir.file("x/y")), 0700u) << "parents are 0755 less the umask, as systemd's mkdir_parents()";
  // Again on an existing directory with another mode: it is set again.
  chmod(path.c_str(), 0700);
  ASSERT_EQ(set_up_exec_directory(path, ExecDirectoryType::runtime, 02755, static_cast<uid_t>(-1),
                                  static_cast<gid_t>(-1), what),
            0);
  EXPECT_EQ(mode_of(path), 02755u);
}

TEST(ExecDirectories, AnExistingConfigurationDirectoryIsLeftAlone) {
  TempDir dir;
  std::string path = dir.file("etc-dir");
  ASSERT_EQ(mkdir(path.c_str(), 0750), 0);
  std::string what;
  ASSERT_EQ(set_up_exec_directory(path, ExecDirectoryType::configuration, 0700, static_cast<uid_t>(-1),
                                  static_cast<gid_t>(-1), what),
            0);
  EXPECT_EQ(mode_of(path), 0750u);
}

TEST(ExecDirectories, ASymlinkInItsPlaceIsRefused) {
  TempDir dir;
  std::string path = dir.file("link");
  ASSERT_EQ(symlink("/", path.c_str()), 0);
  std::string what;
  EXPECT_EQ(set_up_exec_directory(path, ExecDirectoryType::state, 0755, static_cast<uid_t>(-1),
                                  static_cast<gid_t>(-1), what),
            -ENOTDIR);
}

// "name:link" (systemd's create_many_symlinks()): relative symlinks below
// the same root, parents made; the same link again is fine, anything else
// in the way is -EEXIST.
TEST(ExecDirectories, SymlinksAreRelativeAndIdempotent) {
  ServiceConfig c;
  c.directory(ExecDirectoryType::runtime).names = {"r1"};
  c.directory(ExecDirectoryType::runtime).symlinks["r1"] = {"r1-link", "sub/r1-link2"};
  auto roots = user_exec_directory_roots("/run/user/1", "/h/.config", "/h/.cache");
  std::vector<ExecDirectorySymlink> links;
  ASSERT_EQ(exec_directory_symlinks(c, ExecDirectoryType::runtime, roots, links), 0);
  ASSERT_EQ(links.size(), 2u);
  EXPECT_EQ(links[0].link, "/run/user/1/r1-link");
  EXPECT_EQ(links[0].target, "/run/user/1/r1");
  EXPECT_EQ(exec_directory_symlink_target(links[0].link, links[0].target), "r1");
  EXPECT_EQ(exec_directory_symlink_target(links[1].link, links[1].target), "../r1");
  EXPECT_EQ(exec_directory_symlink_target("/a/b/c/link", "/a/x/y"), "../../x/y");
  c.directory(ExecDirectoryType::runtime).symlinks["r1"] = {"../escape"};
  EXPECT_EQ(exec_directory_symlinks(c, ExecDirectoryType::runtime, roots, links), -EINVAL);

  TempDir dir;
  std::string what;
  ExecDirectorySymlink nested{dir.file("sub/deeper/link"), dir.file("r1")};
  ASSERT_EQ(set_up_exec_directory_symlink(nested, what), 0) << what;
  char target[256] = {};
  ASSERT_GT(readlink(nested.link.c_str(), target, sizeof target - 1), 0);
  EXPECT_STREQ(target, "../../r1");
  EXPECT_EQ(set_up_exec_directory_symlink(nested, what), 0) << "already there: fine";
  ExecDirectorySymlink elsewhere{nested.link, dir.file("other")};
  EXPECT_EQ(set_up_exec_directory_symlink(elsewhere, what), -EEXIST);
  ExecDirectorySymlink onto_directory{dir.file("sub"), dir.file("r1")};
  EXPECT_EQ(set_up_exec_directory_symlink(onto_directory, what), -EEXIST);
}

TEST(ExecDirectories, OwnershipGoesToTheOwnerWithEverythingInside) {
  if (geteuid() != 0) GTEST_SKIP() << "chown needs root";
  TempDir dir;
  std::string path = dir.file("state");
  ASSERT_EQ(mkdir(path.c_str(), 0755), 0);
  std::ofstream(path + "/file") << "x";
  std::string what;
  ASSERT_EQ(set_up_exec_directory(path, ExecDirectoryType::state, 02750, 65534, 65534, what), 0) << what;
  struct stat st {};
  ASSERT_EQ(stat((path + "/file").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 65534u);
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 65534u);
  EXPECT_EQ(st.st_mode & 07777, 02750u) << "the setgid bit survives the chown";
  // Once the top is owned, the tree is not walked again (systemd's shortcut).
  ASSERT_EQ(chown((path + "/file").c_str(), 0, 0), 0);
  ASSERT_EQ(set_up_exec_directory(path, ExecDirectoryType::state, 02750, 65534, 65534, what), 0) << what;
  ASSERT_EQ(stat((path + "/file").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 0u);
}

}  // namespace
}  // namespace vermilion
