// platform/remove_tree.h: a tree goes, what its symlinks point at stays.
#include "platform/remove_tree.h"

#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "temp_dir.h"

namespace vermilion {
namespace {

namespace fs = std::filesystem;

TEST(RemoveTreeTest, RemovesEverythingBelowButNeverFollowsASymlink) {
  testing::TempDir dir;
  fs::create_directories(dir.file("tree/a/b/c"));
  std::ofstream(dir.file("tree/a/b/c/file")) << "x";
  std::ofstream(dir.file("tree/top")) << "x";
  fs::create_directories(dir.file("outside/kept"));
  std::ofstream(dir.file("outside/kept/file")) << "keep";
  fs::create_directory_symlink(dir.file("outside"), dir.file("tree/a/link-to-dir"));
  fs::create_symlink(dir.file("outside/kept/file"), dir.file("tree/link-to-file"));
  remove_tree(dir.file("tree"));
  EXPECT_FALSE(fs::exists(fs::symlink_status(dir.file("tree"))));
  EXPECT_TRUE(fs::exists(dir.file("outside/kept/file")));
}

TEST(RemoveTreeTest, ASymlinkGivenAsTheTopIsNotFollowed) {
  testing::TempDir dir;
  fs::create_directories(dir.file("real"));
  std::ofstream(dir.file("real/file")) << "keep";
  fs::create_directory_symlink(dir.file("real"), dir.file("link"));
  remove_tree(dir.file("link"));
  EXPECT_TRUE(fs::exists(dir.file("real/file")));
}

// Root only, in a mount namespace of its own: a bind mount below (same file
// system) is neither crossed nor removed.
TEST(RemoveTreeTest, AMountPointBelowIsLeftAlone) {
  if (geteuid() != 0) GTEST_SKIP() << "mounting needs root";
  testing::TempDir dir;
  fs::create_directories(dir.file("tree/mnt"));
  fs::create_directories(dir.file("outside"));
  std::ofstream(dir.file("outside/file")) << "keep";
  const std::string tree = dir.file("tree"), mnt = dir.file("tree/mnt"), outside = dir.file("outside");
  pid_t pid = fork();
  if (pid == 0) {
    if (unshare(CLONE_NEWNS) < 0 || mount(nullptr, "/", nullptr, MS_PRIVATE | MS_REC, nullptr) < 0) _exit(10);
    if (mount(outside.c_str(), mnt.c_str(), nullptr, MS_BIND, nullptr) < 0) _exit(11);
    remove_tree(tree);
    _exit(fs::exists(outside + "/file") ? 0 : 12);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "exit " << WEXITSTATUS(status);
  EXPECT_TRUE(fs::exists(dir.file("outside/file")));
}

TEST(RemoveTreeTest, TheAsyncOneRemovesInAChild) {
  testing::TempDir dir;
  fs::create_directories(dir.file("one/x"));
  fs::create_directories(dir.file("two/y"));
  pid_t remover = remove_trees_async({dir.file("one"), dir.file("two")});
  ASSERT_GT(remover, 0) << "a child does the work";
  int status = 0;
  ASSERT_EQ(waitpid(remover, &status, 0), remover);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(remove_trees_async({}), 0) << "nothing to do, no child";
  EXPECT_FALSE(fs::exists(dir.file("one")));
  EXPECT_FALSE(fs::exists(dir.file("two")));
}

}  // namespace
}  // namespace vermilion
