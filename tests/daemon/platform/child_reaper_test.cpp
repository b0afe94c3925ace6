#include "platform/child_reaper.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <map>

#include "loop_wait.h"
#include "platform/event_source.h"
#include "platform/pidfd.h"

namespace vermilion {
namespace {

using testing::run_until;

// A child that exits with `status` once the gate (a pipe) reads end-of-file:
// the test decides when, by closing its write end.
pid_t fork_gated(const fd_pair& gate, int status) {
  pid_t pid = fork();
  if (pid == 0) {
    close(gate.second.get());
    char byte;
    while (read(gate.first.get(), &byte, 1) > 0) {
    }
    _exit(status);
  }
  return pid;
}

pid_t fork_exiting(int status) {
  pid_t pid = fork();
  if (pid == 0) _exit(status);
  return pid;
}

// Blocks until the child has exited, without reaping it (WNOWAIT): the
// status is still there for whoever reaps.
void wait_exited_unreaped(pid_t pid) {
  siginfo_t info{};
  ASSERT_EQ(waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT), 0);
}

class ChildReaperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sd_event* e = nullptr;
    ASSERT_GE(sd_event_new(&e), 0);
    loop_.reset(e);
  }
  [[nodiscard]] int create(ReapScope scope) {
    return ChildReaper::create(loop_.get(), scope, SD_EVENT_PRIORITY_NORMAL,
                               [this](const ChildExit& exit) { exits_[exit.pid] = exit; }, reaper_);
  }
  [[nodiscard]] bool reaped(pid_t pid) {
    return run_until(loop_.get(), [&] { return exits_.count(pid) == 1; });
  }

  EventLoopPtr loop_;
  std::unique_ptr<ChildReaper> reaper_;
  std::map<pid_t, ChildExit> exits_;
};

TEST_F(ChildReaperTest, ForkedChildrenReportsHowEachEnded) {
  ASSERT_EQ(create(ReapScope::forked_children), 0);
  pid_t exits = fork_exiting(3);
  reaper_->forked(exits);
  pid_t killed = fork();
  if (killed == 0) {
    raise(SIGKILL);
    _exit(0);
  }
  reaper_->forked(killed);
  EXPECT_EQ(reaper_->pending(), 2u);

  ASSERT_TRUE(reaped(exits));
  ASSERT_TRUE(reaped(killed));
  EXPECT_EQ(exits_[exits].code, CLD_EXITED);
  EXPECT_EQ(exits_[exits].status, 3);
  EXPECT_EQ(exits_[killed].code, CLD_KILLED);
  EXPECT_EQ(exits_[killed].status, SIGKILL);
  EXPECT_EQ(reaper_->pending(), 0u);
  EXPECT_EQ(waitpid(exits, nullptr, WNOHANG), -1) << "reaped: no zombie left";
}

// The point of forked_children: a program that runs a supervisor keeps its
// own children, even ones that exit while the supervisor's loop runs.
TEST_F(ChildReaperTest, ForkedChildrenLeavesOtherChildrenAlone) {
  ASSERT_EQ(create(ReapScope::forked_children), 0);
  fd_pair gate;
  ASSERT_EQ(make_pipe(gate), 0);
  pid_t mine = fork_gated(gate, 0);
  pid_t not_told = fork_exiting(4);
  wait_exited_unreaped(not_told);
  reaper_->forked(mine);
  gate.second.reset();  // now `mine` exits, while the loop runs
  ASSERT_TRUE(reaped(mine));

  EXPECT_EQ(exits_.count(not_told), 0u);
  int status = 0;
  ASSERT_EQ(waitpid(not_told, &status, WNOHANG), not_told) << "still ours to reap";
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 4);
}

TEST_F(ChildReaperTest, OnExitMayForkAndTellOfTheNewChild) {
  // What a supervisor does: a service restarts from its exit handler.
  pid_t second = -1;
  ASSERT_EQ(ChildReaper::create(loop_.get(), ReapScope::forked_children, SD_EVENT_PRIORITY_NORMAL,
                                [&](const ChildExit& exit) {
                                  exits_[exit.pid] = exit;
                                  if (second < 0) {
                                    second = fork_exiting(6);
                                    reaper_->forked(second);
                                  }
                                },
                                reaper_),
            0);
  pid_t first = fork_exiting(5);
  reaper_->forked(first);
  ASSERT_TRUE(reaped(first));
  ASSERT_GT(second, 0);
  ASSERT_TRUE(reaped(second));
  EXPECT_EQ(exits_[second].status, 6);
}

TEST_F(ChildReaperTest, WithoutAPidfdAChildIsPolled) {
  // No fd left to open a pidfd with: the child is polled by PID instead.
  // The loop's monotonic timerfd is made first, while fds can still be had.
  sd_event_source* timer = nullptr;
  ASSERT_GE(sd_event_add_time_relative(loop_.get(), &timer, CLOCK_MONOTONIC, 3'600'000'000ULL, 0, nullptr, nullptr), 0);
  EventSourcePtr keep(timer);
  ASSERT_EQ(create(ReapScope::forked_children), 0);

  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
  int lowest_free = fcntl(sd_event_get_fd(loop_.get()), F_DUPFD, 0);
  ASSERT_GE(lowest_free, 0);
  close(lowest_free);
  rlimit none = saved;
  none.rlim_cur = static_cast<rlim_t>(lowest_free);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &none), 0);
  pid_t child = fork_exiting(8);
  const int pidfd = pidfd_open(child, 0);
  const int pidfd_errno = errno;
  reaper_->forked(child);
  bool was_reaped = reaped(child);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &saved), 0);

  ASSERT_EQ(pidfd, -1) << "the limit holds";
  EXPECT_EQ(pidfd_errno, EMFILE);
  ASSERT_TRUE(was_reaped);
  EXPECT_EQ(exits_[child].status, 8);
  EXPECT_EQ(reaper_->pending(), 0u);
}

TEST_F(ChildReaperTest, EveryChildNeedsSigchldBlocked) {
  sigset_t saved;
  ASSERT_EQ(sigprocmask(SIG_SETMASK, nullptr, &saved), 0);
  sigset_t unblocked = saved;
  sigdelset(&unblocked, SIGCHLD);
  ASSERT_EQ(sigprocmask(SIG_SETMASK, &unblocked, nullptr), 0);
  EXPECT_EQ(create(ReapScope::every_child), -EBUSY) << "main() must block SIGCHLD first";
  EXPECT_EQ(reaper_, nullptr);
  ASSERT_EQ(sigprocmask(SIG_SETMASK, &saved, nullptr), 0);
}

TEST_F(ChildReaperTest, EveryChildReapsChildrenNobodyToldOf) {
  sigset_t saved, chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  ASSERT_EQ(sigprocmask(SIG_BLOCK, &chld, &saved), 0);
  ASSERT_EQ(create(ReapScope::every_child), 0);
  pid_t a = fork_exiting(1);
  pid_t b = fork_exiting(2);
  reaper_->forked(a);  // makes no difference here
  EXPECT_EQ(reaper_->pending(), 0u);
  ASSERT_TRUE(reaped(a));
  ASSERT_TRUE(reaped(b));
  EXPECT_EQ(exits_[a].status, 1);
  EXPECT_EQ(exits_[b].status, 2);
  reaper_.reset();
  ASSERT_EQ(sigprocmask(SIG_SETMASK, &saved, nullptr), 0);
}

}  // namespace
}  // namespace vermilion
