#include "platform/session_scope.h"

#include <gtest/gtest.h>

#include "daemon/scope_test_support.h"

namespace vermilion {
namespace {

using namespace vermilion::test;

class SessionScopeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    LinuxSystemOpsOptions options;
    options.backend = ScopeBackend::session;
    ASSERT_EQ(LinuxSystemOps::create(options, ops_), 0);
    ASSERT_FALSE(ops_->uses_cgroups());
    auto scope = ops_->create_scope("tree.service");
    scope_.reset(dynamic_cast<SessionScope*>(scope.release()));
    ASSERT_NE(scope_, nullptr);
  }

  std::unique_ptr<LinuxSystemOps> ops_;
  std::unique_ptr<SessionScope> scope_;
};

TEST_F(SessionScopeTest, KillReachesEveryProcessInTheSession) {
  EXPECT_TRUE(scope_->empty());
  SpawnedTree tree = spawn_tree(*ops_, *scope_, false);
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
  EXPECT_TRUE(scope_->empty());  // the unreaped main process is a zombie
  Exit e = reap(tree.main);
  EXPECT_EQ(e.code, CLD_KILLED);
}

TEST_F(SessionScopeTest, DaemonSeenOnceStaysAMemberAfterLeavingTheSession) {
  // The setsid'ed daemon's parent exits at once; whether a scan sees it
  // before that is a race, so adopt it as MAINPID= would.
  SpawnedTree tree = spawn_tree(*ops_, *scope_, true);
  ASSERT_EQ(tree.pids.size(), 4u);
  pid_t daemon = tree.pids.back();
  scope_->adopt(daemon);
  for (pid_t pid : tree.pids) EXPECT_TRUE(scope_->contains(pid)) << pid;
  // 4, or 5 while the daemon\'s short-lived middle parent has not exited yet.
  int signalled = scope_->signal_all(SIGTERM);
  EXPECT_GE(signalled, 4);
  EXPECT_LE(signalled, 5);
  for (pid_t pid : tree.pids) EXPECT_TRUE(wait_exited(pid)) << pid;
  EXPECT_TRUE(scope_->empty());
  reap(tree.main);
}

TEST_F(SessionScopeTest, AdoptedOutsiderIsCoveredAndItsChildrenToo) {
  fd_pair ready;
  ASSERT_EQ(make_pipe(ready), 0);
  pid_t outsider = fork();
  if (outsider == 0) {
    pid_t child = fork();
    if (child == 0) {
      for (;;) pause();
    }
    (void)!write(ready.second.get(), &child, sizeof child);
    for (;;) pause();
  }
  pid_t grandchild = 0;
  ASSERT_TRUE(wait_readable(ready.first.get(), now_ms() + kDeadlineMs));
  ASSERT_EQ(read(ready.first.get(), &grandchild, sizeof grandchild), static_cast<ssize_t>(sizeof grandchild));
  EXPECT_FALSE(scope_->contains(outsider));
  scope_->adopt(outsider);
  EXPECT_TRUE(scope_->contains(outsider));
  EXPECT_TRUE(scope_->contains(grandchild));
  EXPECT_EQ(scope_->signal_all(SIGKILL), 2);
  EXPECT_TRUE(wait_exited(grandchild));
  SpawnedProcess process;
  process.pid = outsider;
  EXPECT_EQ(reap(process).code, CLD_KILLED);
  EXPECT_TRUE(scope_->empty());
}

}  // namespace
}  // namespace vermilion
