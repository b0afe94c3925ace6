#include "logs/log_rate_limit.h"

#include <gtest/gtest.h>

namespace vermilion {
namespace {

constexpr usec_t kStart = 5 * kUsecPerSec;

TEST(LogRateLimitTest, AllowsTheBurstThenCountsWhatItLeavesOut) {
  LogRateLimit limit(10 * kUsecPerSec, 3);
  std::uint64_t suppressed = 99;
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(limit.allow(kStart + i, suppressed)) << i;
    EXPECT_EQ(suppressed, 0u);
  }
  for (int i = 0; i < 1000; ++i) EXPECT_FALSE(limit.allow(kStart + 10 + i, suppressed));
  EXPECT_EQ(limit.pending_suppressed(), 1000u);
  EXPECT_FALSE(limit.allow(kStart + 10 * kUsecPerSec - 1, suppressed)) << "still the same interval";

  ASSERT_TRUE(limit.allow(kStart + 10 * kUsecPerSec, suppressed)) << "a new interval";
  EXPECT_EQ(suppressed, 1001u) << "told once, with the first line allowed";
  EXPECT_EQ(limit.pending_suppressed(), 0u);
  EXPECT_TRUE(limit.allow(kStart + 10 * kUsecPerSec + 1, suppressed));
  EXPECT_EQ(suppressed, 0u) << "and not again";
}

TEST(LogRateLimitTest, AQuietLogIsNeverLimited) {
  LogRateLimit limit(kUsecPerSec, 2);
  std::uint64_t suppressed = 0;
  for (int i = 0; i < 100; ++i) {
    EXPECT_TRUE(limit.allow(kStart + static_cast<usec_t>(i) * kUsecPerSec, suppressed)) << i;
    EXPECT_EQ(suppressed, 0u);
  }
}

TEST(LogRateLimitTest, ZeroBurstWritesNothing) {
  LogRateLimit limit(kUsecPerSec, 0);
  std::uint64_t suppressed = 0;
  EXPECT_FALSE(limit.allow(kStart, suppressed));
  EXPECT_FALSE(limit.allow(kStart + 2 * kUsecPerSec, suppressed));
  EXPECT_EQ(limit.pending_suppressed(), 2u);
}

TEST(LogRateLimitTest, AClockThatGoesBackStartsAFreshInterval) {
  LogRateLimit limit(10 * kUsecPerSec, 1);
  std::uint64_t suppressed = 0;
  EXPECT_TRUE(limit.allow(kStart, suppressed));
  EXPECT_FALSE(limit.allow(kStart + 1, suppressed));
  EXPECT_TRUE(limit.allow(kStart - 1, suppressed));
  EXPECT_EQ(suppressed, 1u);
}

}  // namespace
}  // namespace vermilion
