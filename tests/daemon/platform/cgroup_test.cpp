#include "platform/cgroup.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>

#include <string>

namespace vermilion {
namespace {

bool is_directory(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// A cgroup of the test's own below ours, as the place its daemon trees go:
// every CgroupTree::create() in a parallel test (ctest -j, or a vermiliond
// an integration test starts) scans the shared cgroup for stale trees and
// briefly locks each to tell, so a stale tree made there may be seen as
// live by the scan of this test. Removed (when empty) at the end.
class PrivateCgroup {
 public:
  explicit PrivateCgroup(const char* name) {
    if (discover_cgroup(location) < 0 || !location.writable) return;
    const std::string leaf = std::string("test-") + name + "-" + std::to_string(getpid());
    if (mkdir((location.own_directory + "/" + leaf).c_str(), 0755) < 0) return;
    location.own_directory += "/" + leaf;
    location.own_cgroup = (location.own_cgroup == "/" ? "" : location.own_cgroup) + "/" + leaf;
    made_ = true;
  }
  ~PrivateCgroup() {
    if (made_) rmdir(location.own_directory.c_str());
  }
  PrivateCgroup(const PrivateCgroup&) = delete;
  PrivateCgroup& operator=(const PrivateCgroup&) = delete;
  [[nodiscard]] bool usable() const { return made_; }

  CgroupLocation location;

 private:
  bool made_ = false;
};

TEST(CgroupDiscovery, FindsUnifiedMountInHybridLayout) {
  const char* mountinfo =
      "25 30 0:23 / /sys rw,nosuid - sysfs sysfs rw\n"
      "31 25 0:26 / /sys/fs/cgroup ro,nosuid shared:9 - tmpfs tmpfs ro,mode=755\n"
      "32 31 0:27 / /sys/fs/cgroup/unified rw,nosuid shared:10 - cgroup2 cgroup2 rw,nsdelegate\n"
      "33 31 0:28 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,name=systemd\n";
  std::string point, root;
  ASSERT_EQ(find_cgroup2_mount(mountinfo, point, root), 0);
  EXPECT_EQ(point, "/sys/fs/cgroup/unified");
  EXPECT_EQ(root, "/");
}

TEST(CgroupDiscovery, UnescapesMountPointAndSkipsCgroupV1) {
  std::string point, root;
  EXPECT_EQ(find_cgroup2_mount("33 31 0:28 / /sys/fs/cgroup/x rw - cgroup cgroup rw\n", point, root), -ENOENT);
  ASSERT_EQ(find_cgroup2_mount("40 1 0:30 /sub /mnt/with\\040space rw - cgroup2 none rw\n", point, root), 0);
  EXPECT_EQ(point, "/mnt/with space");
  EXPECT_EQ(root, "/sub");
}

TEST(CgroupDiscovery, ParsesUnifiedLineOfProcCgroup) {
  std::string path;
  ASSERT_EQ(parse_unified_cgroup("9:name=systemd:/\n4:memory:/x\n0::/user.slice/a.scope\n", path), 0);
  EXPECT_EQ(path, "/user.slice/a.scope");
  EXPECT_EQ(parse_unified_cgroup("4:memory:/x\n", path), -ENOENT);
}

TEST(CgroupDiscovery, EscapesNamesThatLookLikeCgroupFiles) {
  EXPECT_EQ(escape_cgroup_name("web.service"), "web.service");
  EXPECT_EQ(escape_cgroup_name("getty@tty1.service"), "getty@tty1.service");
  EXPECT_EQ(escape_cgroup_name("cgroup.service"), "_cgroup.service");
  EXPECT_EQ(escape_cgroup_name("memory.service"), "_memory.service");
  EXPECT_EQ(escape_cgroup_name("_x.service"), "__x.service");
  EXPECT_EQ(escape_cgroup_name("tasks"), "_tasks");
}

TEST(CgroupDiscovery, DiscoversThisMachine) {
  CgroupLocation location;
  int r = discover_cgroup(location);
  if (r < 0) GTEST_SKIP() << "no cgroup v2 here";
  EXPECT_TRUE(is_directory(location.own_directory)) << location.own_directory;
  EXPECT_EQ(location.own_cgroup.substr(0, 1), "/");
}

TEST(CgroupTree, CreatesSubtreeAndChildrenAndRemovesThem) {
  PrivateCgroup cgroup("created");
  if (!cgroup.usable()) GTEST_SKIP() << "cgroup v2 not writable";
  const CgroupLocation& location = cgroup.location;
  std::string subtree, child_directory;
  {
    std::shared_ptr<CgroupTree> tree;
    ASSERT_EQ(CgroupTree::create(location, getpid(), tree), 0);
    subtree = tree->directory();
    EXPECT_TRUE(is_directory(subtree));
    EXPECT_EQ(tree->cgroup_path().substr(tree->cgroup_path().rfind('/')), "/vermilion-" + std::to_string(getpid()));
    std::string first, second;
    bool reused = true;
    ASSERT_EQ(tree->acquire_child("web.service", first, reused), 0);
    EXPECT_FALSE(reused) << "made now";
    ASSERT_EQ(tree->acquire_child("web.service", second, reused), 0);
    EXPECT_TRUE(reused) << "it was there";
    EXPECT_EQ(first, second);
    child_directory = subtree + "/" + first;
    EXPECT_TRUE(is_directory(child_directory));
    tree->release_child(first);
    EXPECT_TRUE(is_directory(child_directory)) << "still used by the second acquire";
    tree->release_child(second);
    EXPECT_FALSE(is_directory(child_directory));
    ASSERT_EQ(tree->acquire_child("db.service", first, reused), 0);
  }
  EXPECT_FALSE(is_directory(subtree)) << "the last owner removes the subtree";
}


// A dead daemon's tree (nobody holds its lock) goes when the next daemon
// starts, with its empty service cgroups; a live one's and a populated one
// stay.
TEST(CgroupTree, RemovesStaleTreesOfDeadDaemonsOnly) {
  PrivateCgroup cgroup("stale");
  if (!cgroup.usable()) GTEST_SKIP() << "cgroup v2 not writable";
  const CgroupLocation& location = cgroup.location;
  // A pid no daemon has here: the tree is stale by its lock, not its name.
  const std::string stale = location.own_directory + "/vermilion-999999999";
  ASSERT_EQ(mkdir(stale.c_str(), 0755), 0);
  ASSERT_EQ(mkdir((stale + "/m.service").c_str(), 0755), 0);
  std::shared_ptr<CgroupTree> live;
  ASSERT_EQ(CgroupTree::create(location, getpid(), live), 0);
  EXPECT_FALSE(is_directory(stale)) << "a dead daemon's empty tree is removed";

  // Another daemon with our pid (another pid namespace): the lock tells them
  // apart, and neither removes the other's tree.
  std::shared_ptr<CgroupTree> twin;
  ASSERT_EQ(CgroupTree::create(location, getpid(), twin), 0);
  EXPECT_NE(twin->directory(), live->directory());
  EXPECT_TRUE(is_directory(live->directory())) << "a live daemon's tree stays";
  EXPECT_EQ(twin->directory(), live->directory() + "-2");
  std::string unused;
  bool reused_unused = false;
  EXPECT_EQ(live->acquire_child("web.service", unused, reused_unused), 0);
  live->release_child(unused);
}

TEST(CgroupTree, LeavesAStaleTreeWithProcessesUntilTheyAreGone) {
  PrivateCgroup cgroup("leftover");
  if (!cgroup.usable()) GTEST_SKIP() << "cgroup v2 not writable";
  const CgroupLocation& location = cgroup.location;
  const std::string stale = location.own_directory + "/vermilion-999999998";
  const std::string leftover = stale + "/kept.service";  // KillMode=none left it
  ASSERT_EQ(mkdir(stale.c_str(), 0755), 0);
  ASSERT_EQ(mkdir(leftover.c_str(), 0755), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    pause();
    _exit(0);
  }
  {
    std::FILE* procs = std::fopen((leftover + "/cgroup.procs").c_str(), "w");
    ASSERT_NE(procs, nullptr);
    std::fprintf(procs, "%d\n", static_cast<int>(child));
    ASSERT_EQ(std::fclose(procs), 0) << "moved into the leftover cgroup";
  }
  {
    std::shared_ptr<CgroupTree> first;
    ASSERT_EQ(CgroupTree::create(location, getpid(), first), 0);
    EXPECT_TRUE(is_directory(leftover)) << "its processes are not ours to kill";
  }
  kill(child, SIGKILL);
  ASSERT_EQ(waitpid(child, nullptr, 0), child);
  // The cgroup empties once the zombie is reaped; the next daemon removes it.
  std::shared_ptr<CgroupTree> second;
  ASSERT_EQ(CgroupTree::create(location, getpid(), second), 0);
  EXPECT_FALSE(is_directory(stale));
}

}  // namespace
}  // namespace vermilion
