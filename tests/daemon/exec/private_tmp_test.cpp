// exec/private_tmp.h: the directories systemd 252's setup_tmp_dirs() makes,
// and the namespace a process of the run enters (root only).
#include "exec/private_tmp.h"

#include "exec/mount_namespace.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "temp_dir.h"

namespace vermilion {
namespace {

namespace fs = std::filesystem;

mode_t mode_of(const std::string& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0 ? st.st_mode & 07777 : 0;
}

TEST(PrivateTmpTest, MakesSystemdsDirectoriesAndRemovesThem) {
  testing::TempDir tmp, var_tmp;
  PrivateTmp dirs;
  ASSERT_EQ(create_private_tmp("web.service", dirs, tmp.path(), var_tmp.path()), 0);
  const std::string name = fs::path(dirs.tmp_root).filename();
  EXPECT_TRUE(name.starts_with("systemd-private-")) << name;
  EXPECT_NE(name.find("-web.service-"), std::string::npos) << name;
  EXPECT_EQ(name.size(), std::string("systemd-private-").size() + 32 + std::string("-web.service-XXXXXX").size());
  EXPECT_EQ(fs::path(dirs.tmp_root).parent_path(), tmp.path());
  EXPECT_EQ(fs::path(dirs.var_tmp_root).parent_path(), var_tmp.path());
  EXPECT_EQ(mode_of(dirs.tmp_root), 0700u);
  EXPECT_EQ(mode_of(dirs.tmp()), 01777u);
  EXPECT_EQ(mode_of(dirs.var_tmp()), 01777u);

  // What the service left there goes (in a child), but never what a
  // symlink points at.
  std::ofstream(dirs.tmp() + "/left") << "x";
  fs::create_directories(dirs.var_tmp() + "/a/b");
  fs::create_directories(tmp.file("outside"));
  std::ofstream(tmp.file("outside/file")) << "keep";
  fs::create_directory_symlink(tmp.file("outside"), dirs.tmp() + "/link");
  ASSERT_GT(waitpid(remove_private_tmp(dirs), nullptr, 0), 0);
  EXPECT_FALSE(fs::exists(dirs.tmp_root));
  EXPECT_FALSE(fs::exists(dirs.var_tmp_root));
  EXPECT_TRUE(fs::exists(tmp.file("outside/file")));

  // A second run gets other names.
  PrivateTmp again;
  ASSERT_EQ(create_private_tmp("web.service", again, tmp.path(), var_tmp.path()), 0);
  EXPECT_NE(again.tmp_root, dirs.tmp_root);
  ASSERT_GT(waitpid(remove_private_tmp(again), nullptr, 0), 0);
}

TEST(PrivateTmpTest, NothingIsLeftWhenOneCannotBeMade) {
  testing::TempDir tmp;
  PrivateTmp dirs;
  EXPECT_EQ(create_private_tmp("web.service", dirs, tmp.path(), tmp.file("missing")), -ENOENT);
  EXPECT_TRUE(fs::is_empty(tmp.path()));
}

TEST(PrivateTmpTest, TheProcessSeesItsOwnTmpAndTheHostDoesNotSeeIt) {
  if (geteuid() != 0) GTEST_SKIP() << "mount namespaces need root";
  testing::TempDir tmp, var_tmp;
  PrivateTmp dirs;
  ASSERT_EQ(create_private_tmp("ns.service", dirs, tmp.path(), var_tmp.path()), 0);
  std::ofstream(dirs.tmp() + "/mine") << "tmp";
  std::ofstream(dirs.var_tmp() + "/mine") << "var";
  const std::string host_file = "/tmp/vermilion-private-tmp-test-" + std::to_string(getpid());
  pid_t pid = fork();
  if (pid == 0) {
    const std::string tmp_dir = dirs.tmp(), var_tmp_dir = dirs.var_tmp();
    // /var/tmp first: this test's directories both lie below the host's /tmp.
    const ExecMount mounts[] = {{"/var/tmp", var_tmp_dir.c_str(), MountMode::bind, false},
                                {"/tmp", tmp_dir.c_str(), MountMode::bind, false}};
    if (enter_mount_namespace(mounts, 2) < 0) _exit(10);
    std::ifstream t("/tmp/mine"), v("/var/tmp/mine");
    std::string a, b;
    t >> a;
    v >> b;
    if (a != "tmp" || b != "var") _exit(11);
    std::ofstream(host_file) << "inside";  // lands in the private /tmp
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_FALSE(fs::exists(host_file));
  EXPECT_TRUE(fs::exists(dirs.tmp() + "/" + fs::path(host_file).filename().string()));
  ASSERT_GT(waitpid(remove_private_tmp(dirs), nullptr, 0), 0);
}

}  // namespace
}  // namespace vermilion
