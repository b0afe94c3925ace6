#include "platform/cgroup_scope.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/inotify.h>
#include <sys/stat.h>

#include "daemon/scope_test_support.h"

namespace vermilion {
namespace {

using namespace vermilion::test;

class CgroupScopeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    LinuxSystemOpsOptions options;
    options.backend = ScopeBackend::cgroup;
    if (LinuxSystemOps::create(options, ops_) < 0) GTEST_SKIP() << "no writable cgroup v2";
    ASSERT_TRUE(ops_->uses_cgroups());
    auto scope = ops_->create_scope("tree.service");
    scope_.reset(dynamic_cast<CgroupScope*>(scope.release()));
    ASSERT_NE(scope_, nullptr);
  }

  // Waits, on inotify of cgroup.events, until the scope reports empty. (The
  // supervisor, a subreaper, learns it from SIGCHLD: process_scope.h. This
  // test is not the reaper of the daemon it spawns.)
  bool wait_empty(int inotify) {
    long long deadline = now_ms() + kDeadlineMs;
    while (!scope_->empty()) {
      if (!wait_readable(inotify, deadline)) return false;
      char buffer[4096];
      (void)!read(inotify, buffer, sizeof buffer);
    }
    return true;
  }

  std::unique_ptr<LinuxSystemOps> ops_;
  std::unique_ptr<CgroupScope> scope_;
};

bool is_directory(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

TEST_F(CgroupScopeTest, KillReachesGrandchildrenAndSetsidDaemon) {
  unique_fd inotify(inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
  ASSERT_TRUE(inotify.valid());
  ASSERT_GE(inotify_add_watch(inotify.get(), (scope_->directory() + "/cgroup.events").c_str(), IN_MODIFY), 0);
  EXPECT_TRUE(scope_->empty());

  SpawnedTree tree = spawn_tree(*ops_, *scope_, true);
  ASSERT_EQ(tree.pids.size(), 4u);
  EXPECT_FALSE(scope_->empty());
  for (pid_t pid : tree.pids) EXPECT_TRUE(scope_->contains(pid)) << pid;
  EXPECT_FALSE(scope_->contains(getpid()));
  expect_owned_by_tree(*ops_, tree);

  // 4, or 5 while the daemon\'s short-lived middle parent has not exited yet.
  int signalled = scope_->signal_all(SIGKILL);
  EXPECT_GE(signalled, 4);
  EXPECT_LE(signalled, 5);
  for (pid_t pid : tree.pids) EXPECT_TRUE(wait_exited(pid)) << pid;
  EXPECT_TRUE(wait_empty(inotify.get()));
  Exit e = reap(tree.main);
  EXPECT_EQ(e.code, CLD_KILLED);
}

// A cgroup that processes of an earlier run kept (rmdir EBUSY) is used
// again; its CPU time counts from this run, as systemd's cpu_usage_base.
TEST_F(CgroupScopeTest, CpuTimeOfAReusedCgroupCountsFromThisRun) {
  SpawnedTree tree = spawn_tree(*ops_, *scope_, false);
  const std::string directory = scope_->directory();
  const std::uint64_t earlier = scope_->resource_usage().cpu_usage_nsec;
  ASSERT_NE(earlier, ResourceUsage::kUnknown);
  ASSERT_GT(earlier, 0u) << "four processes were forked and exec'd in it";
  scope_.reset();
  ASSERT_TRUE(is_directory(directory)) << "its processes keep it";
  auto again = ops_->create_scope("tree.service");
  ASSERT_NE(again, nullptr);
  EXPECT_LT(again->resource_usage().cpu_usage_nsec, earlier) << "the earlier run's time is not this run's";
  EXPECT_GE(again->signal_all(SIGKILL), 4);
  for (pid_t pid : tree.pids) EXPECT_TRUE(wait_exited(pid)) << pid;
  (void)reap(tree.main);
}

TEST_F(CgroupScopeTest, OtherSignalsGoToEveryProcess) {
  unique_fd inotify(inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
  ASSERT_TRUE(inotify.valid());
  ASSERT_GE(inotify_add_watch(inotify.get(), (scope_->directory() + "/cgroup.events").c_str(), IN_MODIFY), 0);
  SpawnedTree tree = spawn_tree(*ops_, *scope_, true);
  ASSERT_EQ(tree.pids.size(), 4u);
  // 4, or 5 while the daemon\'s short-lived middle parent has not exited yet.
  int signalled = scope_->signal_all(SIGTERM);
  EXPECT_GE(signalled, 4);
  EXPECT_LE(signalled, 5);
  for (pid_t pid : tree.pids) EXPECT_TRUE(wait_exited(pid)) << pid;
  Exit e = reap(tree.main);
  EXPECT_EQ(e.code, CLD_KILLED);
  EXPECT_EQ(e.status, SIGTERM);
  // The setsid daemon was reparented to init (the test is no subreaper): it
  // leaves the cgroup when init reaps it, which may be a moment later.
  EXPECT_TRUE(wait_empty(inotify.get()));
}

TEST_F(CgroupScopeTest, ChildCgroupIsRemovedWithTheScopeAndSubtreeWithTheOps) {
  std::string directory = scope_->directory();
  std::string subtree = ops_->cgroup_directory();
  EXPECT_TRUE(is_directory(directory));
  EXPECT_EQ(directory.substr(0, subtree.size()), subtree);
  EXPECT_NE(subtree.find("/vermilion-" + std::to_string(getpid())), std::string::npos);
  scope_.reset();
  EXPECT_FALSE(is_directory(directory));
  ops_.reset();
  EXPECT_FALSE(is_directory(subtree));
}

// The child is created in its cgroup (clone3 CLONE_INTO_CGROUP where the
// kernel has it), and once it runs the scope holds no fd on the cgroup: an
// fd per service would be copied by every later fork (issue 10).
TEST_F(CgroupScopeTest, HoldsNoFdOnceItsChildIsSpawned) {
  unique_fd inotify(inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
  ASSERT_TRUE(inotify.valid());
  ASSERT_GE(inotify_add_watch(inotify.get(), (scope_->directory() + "/cgroup.events").c_str(), IN_MODIFY), 0);
  SpawnedTree tree = spawn_tree(*ops_, *scope_, false);
  ASSERT_EQ(tree.pids.size(), 4u);
  for (pid_t pid : tree.pids) EXPECT_TRUE(scope_->contains(pid)) << pid;
  const std::string directory = scope_->directory();
  DIR* fds = opendir("/proc/self/fd");
  ASSERT_NE(fds, nullptr);
  while (dirent* entry = readdir(fds)) {
    char target[4096];
    std::string link = std::string("/proc/self/fd/") + entry->d_name;
    ssize_t n = readlink(link.c_str(), target, sizeof target - 1);
    if (n <= 0) continue;
    EXPECT_NE(std::string(target, static_cast<std::size_t>(n)).rfind(directory, 0), 0u)
        << "fd " << entry->d_name << " still on the cgroup";
  }
  closedir(fds);
  EXPECT_GE(scope_->signal_all(SIGKILL), 4);
  for (pid_t pid : tree.pids) EXPECT_TRUE(wait_exited(pid)) << pid;
  EXPECT_TRUE(wait_empty(inotify.get()));
  EXPECT_EQ(reap(tree.main).code, CLD_KILLED);
}

// Linux 6.18 SIGKILLs every process cloned into a cgroup (CLONE_INTO_CGROUP)
// once its cgroup.kill was written: what runs after a kill in the same run
// (ExecStopPost=) is moved in instead, and lives.
TEST_F(CgroupScopeTest, ACgroupKilledOnceStillTakesNewProcesses) {
  unique_fd inotify(inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
  ASSERT_TRUE(inotify.valid());
  ASSERT_GE(inotify_add_watch(inotify.get(), (scope_->directory() + "/cgroup.events").c_str(), IN_MODIFY), 0);
  SpawnedTree first = spawn_tree(*ops_, *scope_, false);
  ASSERT_EQ(first.pids.size(), 4u);
  EXPECT_GE(scope_->signal_all(SIGKILL), 4);
  EXPECT_TRUE(wait_empty(inotify.get()));
  EXPECT_EQ(reap(first.main).code, CLD_KILLED);
  EXPECT_LT(scope_->clone_into_fd(), 0);

  SpawnedTree second = spawn_tree(*ops_, *scope_, false);
  ASSERT_EQ(second.pids.size(), 4u) << "the processes spawned after the kill died";
  for (pid_t pid : second.pids) EXPECT_TRUE(scope_->contains(pid)) << pid;
  EXPECT_GE(scope_->signal_all(SIGKILL), 4);
  EXPECT_TRUE(wait_empty(inotify.get()));
  EXPECT_EQ(reap(second.main).code, CLD_KILLED);
}

TEST_F(CgroupScopeTest, AdoptDoesNotWidenTheCgroup) {
  scope_->adopt(getpid());
  EXPECT_FALSE(scope_->contains(getpid()));
  EXPECT_TRUE(scope_->empty());
  EXPECT_EQ(scope_->signal_all(SIGTERM), 0);
}

}  // namespace
}  // namespace vermilion
