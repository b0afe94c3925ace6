#include "platform/sd_event_port.h"

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "common/unique_fd.h"
#include "loop_wait.h"
#include "platform/event_source.h"
#include "platform/pidfd.h"

namespace vermilion {
namespace {

using testing::run_until;

constexpr usec_t kMs = 1000;

class SdEventPortTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sd_event* e = nullptr;
    ASSERT_GE(sd_event_new(&e), 0);
    loop_.reset(e);
    port_ = std::make_unique<SdEventPort>(loop_.get());
  }
  // Runs the loop through one more event that the test arms: whatever was
  // going to fire by then has.
  void run_past(usec_t span) {
    bool passed = false;
    auto marker = port_->make_timer([&] { passed = true; });
    marker->arm(port_->now_monotonic() + span);
    ASSERT_TRUE(run_until(loop_.get(), [&] { return passed; }));
  }

  EventLoopPtr loop_;
  std::unique_ptr<SdEventPort> port_;
};

TEST_F(SdEventPortTest, ClocksAreTheKernelsInMicroseconds) {
  usec_t before = clock_now_usec(CLOCK_MONOTONIC);
  usec_t now = port_->now_monotonic();
  EXPECT_GE(now + 1, before) << "sd-event's cached time or a fresh read, never behind the caller";
  EXPECT_LE(now, clock_now_usec(CLOCK_MONOTONIC));
  usec_t wall = port_->now_realtime();
  EXPECT_GE(clock_now_usec(CLOCK_REALTIME), wall);
  EXPECT_GT(wall, 1'672'531'200ULL * kUsecPerSec);
}

TEST_F(SdEventPortTest, ATimerFiresOnceAtItsDeadline) {
  int fired = 0;
  usec_t fired_at = 0;
  auto timer = port_->make_timer([&] {
    ++fired;
    fired_at = clock_now_usec(CLOCK_MONOTONIC);
  });
  usec_t deadline = port_->now_monotonic() + 20 * kMs;
  timer->arm(deadline);
  EXPECT_EQ(fired, 0) << "never from inside arm()";
  ASSERT_TRUE(run_until(loop_.get(), [&] { return fired > 0; }));
  EXPECT_GE(fired_at, deadline);
  EXPECT_LT(fired_at, deadline + 50 * kMs) << "within a millisecond's accuracy, plus scheduling";
  run_past(30 * kMs);
  EXPECT_EQ(fired, 1) << "one-shot";
}

TEST_F(SdEventPortTest, ReArmingReplacesTheDeadlineAndDisarmCancels) {
  int early = 0, late = 0;
  auto rearmed = port_->make_timer([&] { ++early; });
  rearmed->arm(port_->now_monotonic() + 3600 * kUsecPerSec);
  rearmed->arm(port_->now_monotonic() + 5 * kMs);
  auto cancelled = port_->make_timer([&] { ++late; });
  cancelled->arm(port_->now_monotonic() + 5 * kMs);
  cancelled->disarm();
  run_past(30 * kMs);
  EXPECT_EQ(early, 1);
  EXPECT_EQ(late, 0);
  cancelled->arm(port_->now_monotonic() + 1 * kMs);  // usable again after disarm
  ASSERT_TRUE(run_until(loop_.get(), [&] { return late == 1; }));
}

TEST_F(SdEventPortTest, ATimerTellsItsDeadlineWhileArmed) {
  bool fired = false;
  usec_t seen_while_firing = 0;
  std::unique_ptr<Timer> timer;
  timer = port_->make_timer([&] {
    fired = true;
    seen_while_firing = timer->deadline();
  });
  EXPECT_EQ(timer->deadline(), kUsecInfinity) << "never armed";
  usec_t deadline = port_->now_monotonic() + 3600 * kUsecPerSec;
  timer->arm(deadline);
  EXPECT_EQ(timer->deadline(), deadline);
  timer->disarm();
  EXPECT_EQ(timer->deadline(), kUsecInfinity);
  timer->arm(port_->now_monotonic() + 1 * kMs);
  ASSERT_TRUE(run_until(loop_.get(), [&] { return fired; }));
  EXPECT_EQ(seen_while_firing, kUsecInfinity) << "a fired one-shot is no longer armed";
  EXPECT_EQ(timer->deadline(), kUsecInfinity);
}

TEST_F(SdEventPortTest, ATimerMayDestroyItselfWhenItFires) {
  std::unique_ptr<Timer> timer;
  bool fired = false;
  timer = port_->make_timer([&] {
    fired = true;
    timer.reset();
  });
  timer->arm(port_->now_monotonic() + 1 * kMs);
  ASSERT_TRUE(run_until(loop_.get(), [&] { return fired; }));
  EXPECT_EQ(timer, nullptr);
}

TEST_F(SdEventPortTest, ADestroyedTimerNeverFires) {
  bool fired = false;
  auto timer = port_->make_timer([&] { fired = true; });
  timer->arm(port_->now_monotonic() + 1 * kMs);
  timer.reset();
  run_past(20 * kMs);
  EXPECT_FALSE(fired);
}

TEST_F(SdEventPortTest, AWatchFiresOnceWhenTheFdBecomesReadable) {
  fd_pair pipe;
  ASSERT_EQ(make_pipe(pipe), 0);
  int ready = 0;
  auto watch = port_->watch_readable(pipe.first.get(), [&] { ++ready; });
  ASSERT_NE(watch, nullptr);
  run_past(5 * kMs);
  EXPECT_EQ(ready, 0) << "nothing to read yet";
  ASSERT_EQ(write(pipe.second.get(), "x", 1), 1);
  ASSERT_TRUE(run_until(loop_.get(), [&] { return ready > 0; }));
  run_past(10 * kMs);  // still readable: a level-triggered watch would fire again
  EXPECT_EQ(ready, 1);
}

TEST_F(SdEventPortTest, APidfdWatchTellsOfTheProcessExit) {
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    pause();
    _exit(0);
  }
  unique_fd pidfd(pidfd_open(child, 0));
  ASSERT_TRUE(pidfd);
  bool exited = false;
  auto watch = port_->watch_readable(pidfd.get(), [&] { exited = true; });
  run_past(5 * kMs);
  EXPECT_FALSE(exited);
  ASSERT_EQ(kill(child, SIGKILL), 0);
  ASSERT_TRUE(run_until(loop_.get(), [&] { return exited; }));
  EXPECT_EQ(waitpid(child, nullptr, 0), child);
}

TEST_F(SdEventPortTest, AWatchMayBeDestroyedFromItsCallbackOrBefore) {
  fd_pair pipe;
  ASSERT_EQ(make_pipe(pipe), 0);
  ASSERT_EQ(write(pipe.second.get(), "x", 1), 1);
  std::unique_ptr<FdWatch> self_destroying;
  bool fired = false;
  self_destroying = port_->watch_readable(pipe.first.get(), [&] {
    fired = true;
    self_destroying.reset();
  });
  fd_pair other;
  ASSERT_EQ(make_pipe(other), 0);
  ASSERT_EQ(write(other.second.get(), "x", 1), 1);
  bool gone_fired = false;
  auto gone = port_->watch_readable(other.first.get(), [&] { gone_fired = true; });
  ASSERT_NE(gone, nullptr);
  gone.reset();
  ASSERT_TRUE(run_until(loop_.get(), [&] { return fired; }));
  run_past(5 * kMs);
  EXPECT_FALSE(gone_fired) << "a destroyed watch never calls";
}

TEST_F(SdEventPortTest, AnInvalidFdGivesNoWatch) {
  EXPECT_EQ(port_->watch_readable(-1, [] {}), nullptr);
}

}  // namespace
}  // namespace vermilion
