#include "platform/taint.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "temp_dir.h"

namespace vermilion {
namespace {

using testing::TempDir;

// 2026-12-01 00:00:00 UTC.
constexpr usec_t kNow = 1'796'083'200ULL * kUsecPerSec;

TEST(TaintTest, NoFlagIsTheEmptyString) { EXPECT_EQ(taint_string(TaintFacts{}), ""); }

TEST(TaintTest, EveryFlagInSystemdsOrder) {
  TaintFacts all;
  all.usr_empty = true;
  all.usr_merged = false;
  all.proc_cgroups = false;
  all.cgroups_v1 = true;
  all.local_hwclock = true;
  all.support_ended = true;
  all.var_run_link = false;
  all.overflowuid = "65533";
  all.overflowgid = "4294967294";
  all.kernel_release = "4.14.336-1";
  all.uid_range_short = true;
  all.gid_range_short = true;
  EXPECT_EQ(taint_string(all),
            "split-usr:unmerged-usr:cgroups-missing:cgroupsv1:local-hwclock:support-ended:var-run-bad:"
            "overflowuid-not-65534:overflowgid-not-65534:old-kernel:short-uid-range:short-gid-range");
}

TEST(TaintTest, OldKernelIsBelowFourFifteen) {
  TaintFacts facts;
  for (const char* release : {"4.15.0", "4.19.0-26-amd64", "6.1.0-13-amd64", "10.0"}) {
    facts.kernel_release = release;
    EXPECT_EQ(taint_string(facts), "") << release;
  }
  for (const char* release : {"4.14.336", "3.10.0-1160.el7.x86_64", "2.6.32"}) {
    facts.kernel_release = release;
    EXPECT_EQ(taint_string(facts), "old-kernel") << release;
  }
}

// A system tree whose files say: /usr not mounted, no /proc/cgroups, a
// hardware clock in local time, support ended, an odd overflow UID.
TEST(TaintTest, ProbeReadsTheFilesAsSystemd) {
  TempDir root;
  std::filesystem::create_directories(root.file("usr"));
  ASSERT_EQ(symlink("usr/bin", root.file("bin").c_str()), 0);
  std::filesystem::create_directories(root.file("var"));
  ASSERT_EQ(symlink("../run", root.file("var/run").c_str()), 0);
  root.write("etc/adjtime", "0.000000 1700000000 0.000000\r\n1700000000\r\nLOCAL\r\n");  // read_line() ends lines at \r too
  root.write("etc/os-release", "NAME=\"Old Linux\"\n  SUPPORT_END = \"2026-11-29\"  \n");
  root.write("proc/sys/kernel/overflowuid", "65533\n");
  root.write("proc/sys/kernel/overflowgid", "65534\n");
  // A user namespace that maps root and 1000 IDs from 1000 on: nobody is out.
  root.write("proc/self/uid_map", "         0     100000          1\n      1000     101000       1000\n");
  // Two ranges that meet cover it all.
  root.write("proc/self/gid_map", "     30000     130000      40000\n         0     100000      30000\n");
  TaintFacts facts = probe_taint(root.path(), kNow);
  EXPECT_TRUE(facts.usr_empty);
  EXPECT_TRUE(facts.usr_merged);
  EXPECT_FALSE(facts.proc_cgroups);
  EXPECT_FALSE(facts.cgroups_v1) << "no tmpfs with cgroup hierarchies under this root";
  facts.kernel_release = "6.1.0";
  EXPECT_EQ(taint_string(facts),
            "split-usr:cgroups-missing:local-hwclock:support-ended:overflowuid-not-65534:short-uid-range");
}

TEST(TaintTest, ProbeOfAnUnmergedSystemWithSupportLeft) {
  TempDir root;
  root.write("usr/bin/true", "");
  std::filesystem::create_directories(root.file("bin"));  // a directory, not the link
  root.write("proc/cgroups", "#subsys_name\n");
  root.write("etc/adjtime", "0.0 0 0.0\n0\nUTC\n");
  root.write("usr/lib/os-release", "SUPPORT_END=2026-12-02\n");  // tomorrow: not ended yet
  root.write("proc/self/uid_map", "0 0 4294967295\n");
  TaintFacts facts = probe_taint(root.path(), kNow);
  facts.kernel_release = "6.1.0";
  EXPECT_EQ(taint_string(facts), "unmerged-usr:var-run-bad");
}

// A FIFO where a configuration file should be neither blocks nor counts.
TEST(TaintTest, AFifoInPlaceOfAFileDoesNotBlock) {
  TempDir root;
  std::filesystem::create_directories(root.file("etc"));
  ASSERT_EQ(mkfifo(root.file("etc/adjtime").c_str(), 0644), 0);
  ASSERT_EQ(mkfifo(root.file("etc/os-release").c_str(), 0644), 0);
  TaintFacts facts = probe_taint(root.path(), kNow);
  EXPECT_FALSE(facts.local_hwclock);
  EXPECT_FALSE(facts.support_ended);
}

}  // namespace
}  // namespace vermilion
