#include "platform/cgroup_accounting.h"

#include <gtest/gtest.h>

#include "platform/cgroup.h"
#include "temp_dir.h"

namespace vermilion {
namespace {

using testing::TempDir;

TEST(CgroupAccountingTest, ReadsTheThreeCounters) {
  TempDir dir;
  dir.write("memory.current", "1843200\n");
  dir.write("pids.current", "3\n");
  dir.write("cpu.stat", "usage_usec 12345\nuser_usec 10000\nsystem_usec 2345\n");
  ResourceUsage usage = read_cgroup_accounting(dir.path());
  EXPECT_EQ(usage.memory_current_bytes, 1843200u);
  EXPECT_EQ(usage.tasks_current, 3u);
  EXPECT_EQ(usage.cpu_usage_nsec, 12345000u);
}

// A cgroup whose memory and pids controllers are not enabled has no such
// files (systemd's -ENODATA): those counters stay unknown, CPU does not.
TEST(CgroupAccountingTest, AMissingControllerFileLeavesItsCounterUnknown) {
  TempDir dir;
  dir.write("cpu.stat", "usage_usec 7\n");
  ResourceUsage usage = read_cgroup_accounting(dir.path());
  EXPECT_EQ(usage.memory_current_bytes, ResourceUsage::kUnknown);
  EXPECT_EQ(usage.tasks_current, ResourceUsage::kUnknown);
  EXPECT_EQ(usage.cpu_usage_nsec, 7000u);
}

TEST(CgroupAccountingTest, AGoneDirectoryIsAllUnknown) {
  ResourceUsage usage = read_cgroup_accounting("/nonexistent/vermilion/cgroup");
  EXPECT_EQ(usage.memory_current_bytes, ResourceUsage::kUnknown);
  EXPECT_EQ(usage.tasks_current, ResourceUsage::kUnknown);
  EXPECT_EQ(usage.cpu_usage_nsec, ResourceUsage::kUnknown);
}

TEST(CgroupAccountingTest, MalformedValuesAreUnknownNotGuessed) {
  TempDir dir;
  dir.write("memory.current", "max\n");
  dir.write("pids.current", "-1\n");
  dir.write("cpu.stat", "usage_usec 18446744073709551615\n");  // * 1000 would overflow
  ResourceUsage usage = read_cgroup_accounting(dir.path());
  EXPECT_EQ(usage.memory_current_bytes, ResourceUsage::kUnknown);
  EXPECT_EQ(usage.tasks_current, ResourceUsage::kUnknown);
  EXPECT_EQ(usage.cpu_usage_nsec, ResourceUsage::kUnknown);
}

TEST(CgroupAccountingTest, KeyedValueMatchesWholeKeysOnly) {
  std::uint64_t v = 0;
  EXPECT_TRUE(keyed_value("usage_usec 5\nuser_usec 3\n", "user_usec", v));
  EXPECT_EQ(v, 3u);
  EXPECT_FALSE(keyed_value("usage_usec_x 5\n", "usage_usec", v));
  EXPECT_FALSE(keyed_value("usage_usec\n", "usage_usec", v));
  EXPECT_FALSE(keyed_value("usage_usec 5x\n", "usage_usec", v));
  EXPECT_FALSE(keyed_value("", "usage_usec", v));
  EXPECT_TRUE(keyed_value("usage_usec 9", "usage_usec", v));  // no final newline
  EXPECT_EQ(v, 9u);
}

// The real thing: our own cgroup's cpu.stat counts the CPU this test used.
TEST(CgroupAccountingTest, OwnCgroupCountsCpu) {
  CgroupLocation location;
  if (discover_cgroup(location) < 0) GTEST_SKIP() << "no cgroup v2";
  ResourceUsage usage = read_cgroup_accounting(location.own_directory);
  ASSERT_NE(usage.cpu_usage_nsec, ResourceUsage::kUnknown);
  EXPECT_GT(usage.cpu_usage_nsec, 0u);
}

}  // namespace
}  // namespace vermilion
