#include "ctl/ctl_time.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <time.h>

namespace vermilion::ctl {
namespace {

constexpr std::uint64_t kSec = 1'000'000;
constexpr std::uint64_t kMin = 60 * kSec;
constexpr std::uint64_t kHour = 60 * kMin;
constexpr std::uint64_t kDay = 24 * kHour;
// Tue 2024-11-26 10:05:46 UTC
constexpr std::uint64_t kNovember = 1732615546 * kSec;
// Mon 2024-07-01 10:00:00 UTC
constexpr std::uint64_t kJuly = 1719828000 * kSec;

// A POSIX TZ rule needs no zoneinfo files: Central European Time.
class CtlTime : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1);
    tzset();
  }
};

TEST_F(CtlTime, TimestampLikeSystemctl) {
  EXPECT_EQ(format_timestamp(kNovember), "Tue 2024-11-26 11:05:46 CET");
  EXPECT_EQ(format_timestamp(kJuly + 123456), "Mon 2024-07-01 12:00:00 CEST");
}

TEST_F(CtlTime, LogTimeLikeJournalctlShort) {
  EXPECT_EQ(format_log_time(kNovember), "Nov 26 11:05:46");
  // Days are zero-padded, as journalctl's.
  EXPECT_EQ(format_log_time(kJuly), "Jul 01 12:00:00");
}

TEST_F(CtlTime, RelativeFollowsSystemdsSteps) {
  const std::uint64_t now = kNovember;
  auto ago = [&](std::uint64_t d) { return format_relative(now - d, now); };
  EXPECT_EQ(ago(0), "now");
  EXPECT_EQ(ago(7), "7us ago");
  EXPECT_EQ(ago(1500), "1ms ago");
  EXPECT_EQ(ago(42 * kSec + 999999), "42s ago");
  EXPECT_EQ(ago(kMin + 5 * kSec), "1min 5s ago");
  EXPECT_EQ(ago(4 * kMin + 59 * kSec), "4min 59s ago");
  EXPECT_EQ(ago(5 * kMin + 59 * kSec), "5min ago");
  EXPECT_EQ(ago(2 * kHour + 3 * kMin), "2h 3min ago");
  EXPECT_EQ(ago(6 * kHour + 59 * kMin), "6h ago");
  EXPECT_EQ(ago(24 * kHour + 30 * kMin), "24h ago");
  EXPECT_EQ(ago(25 * kHour), "1 day 1h ago");
  EXPECT_EQ(ago(47 * kHour), "1 day 23h ago");
  EXPECT_EQ(ago(2 * kDay), "2 days ago");
  EXPECT_EQ(ago(8 * kDay), "1 week 1 day ago");
  EXPECT_EQ(ago(14 * kDay), "2 weeks 0 days ago");
  EXPECT_EQ(ago(31 * kDay), "1 month 0 days ago");
  EXPECT_EQ(ago(64 * kDay), "2 months 3 days ago");
  EXPECT_EQ(ago(366 * kDay), "1 year 0 months ago");
  EXPECT_EQ(ago(800 * kDay), "2 years 2 months ago");
}

TEST_F(CtlTime, FutureIsLeft) {
  EXPECT_EQ(format_relative(kNovember + 90 * kSec, kNovember), "1min 30s left");
}

TEST(CtlClock, RealtimeNowIsPlausible) {
  const std::uint64_t now = realtime_now_usec();
  EXPECT_GT(now, kNovember);  // after this test was written
  EXPECT_LE(now, realtime_now_usec());
}

}  // namespace
}  // namespace vermilion::ctl
