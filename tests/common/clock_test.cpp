#include "common/clock.h"

#include <gtest/gtest.h>

namespace vermilion {
namespace {

TEST(DeadlineAfter, AddsTheSpan) {
  EXPECT_EQ(deadline_after(1'000, 500), 1'500u);
  EXPECT_EQ(deadline_after(0, 0), 0u);
}

TEST(DeadlineAfter, SaturatesAtInfinity) {
  EXPECT_EQ(deadline_after(1'000, kUsecInfinity), kUsecInfinity) << "no timeout stays no timeout";
  EXPECT_EQ(deadline_after(kUsecInfinity - 10, 11), kUsecInfinity) << "overflow is never";
  EXPECT_EQ(deadline_after(kUsecInfinity - 10, 10), kUsecInfinity);
  EXPECT_EQ(deadline_after(kUsecInfinity - 10, 9), kUsecInfinity - 1);
}

TEST(ClockNowUsec, MatchesTheKernelsClockInMicroseconds) {
  timespec before{}, after{};
  ASSERT_EQ(clock_gettime(CLOCK_MONOTONIC, &before), 0);
  usec_t now = clock_now_usec(CLOCK_MONOTONIC);
  ASSERT_EQ(clock_gettime(CLOCK_MONOTONIC, &after), 0);
  auto usec = [](const timespec& ts) {
    return static_cast<usec_t>(ts.tv_sec) * kUsecPerSec + static_cast<usec_t>(ts.tv_nsec) / 1000;
  };
  EXPECT_GE(now, usec(before));
  EXPECT_LE(now, usec(after));
}

TEST(ClockNowUsec, ReadsEachTimeAndNeverGoesBack) {
  usec_t first = clock_now_usec(CLOCK_MONOTONIC);
  usec_t second = clock_now_usec(CLOCK_MONOTONIC);
  EXPECT_LE(first, second);
  // Realtime is wall-clock µs since the epoch: after 2023-01-01.
  EXPECT_GT(clock_now_usec(CLOCK_REALTIME), 1'672'531'200ULL * kUsecPerSec);
}

}  // namespace
}  // namespace vermilion
