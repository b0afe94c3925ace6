#include "platform/proc_stat.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

namespace vermilion {
namespace {

TEST(ProcStat, ParsesFieldsAroundAnAwkwardCommandName) {
  ProcStat stat;
  ASSERT_TRUE(parse_proc_stat(
      "1234 (a (b) c) S 1 1234 1200 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 200 "
      "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0",
      stat));
  EXPECT_EQ(stat.pid, 1234);
  EXPECT_EQ(stat.state, 'S');
  EXPECT_EQ(stat.ppid, 1);
  EXPECT_EQ(stat.session, 1200);
  EXPECT_EQ(stat.start_time, 987654u);
}

TEST(ProcStat, RejectsTruncatedText) {
  ProcStat stat;
  EXPECT_FALSE(parse_proc_stat("1 (x) S 0 1", stat));
  EXPECT_FALSE(parse_proc_stat("garbage", stat));
}

TEST(ProcStat, ReadsOwnProcess) {
  ProcStat stat;
  ASSERT_EQ(read_proc_stat(getpid(), stat), 0);
  EXPECT_EQ(stat.pid, getpid());
  EXPECT_EQ(stat.ppid, getppid());
  EXPECT_EQ(stat.session, getsid(0));
  EXPECT_GT(stat.start_time, 0u);
}

TEST(ProcStat, ListIncludesOwnProcess) {
  std::vector<ProcStat> all;
  ASSERT_EQ(list_processes(all), 0);
  EXPECT_TRUE(std::any_of(all.begin(), all.end(), [](const ProcStat& s) { return s.pid == getpid(); }));
}

}  // namespace
}  // namespace vermilion
