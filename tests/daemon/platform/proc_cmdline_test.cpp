#include "platform/proc_cmdline.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

namespace vermilion {
namespace {

TEST(ProcCmdline, ArgumentsJoinedBySpaces) {
  using namespace std::string_literals;
  EXPECT_EQ(format_cmdline("/bin/sleep\0infinity\0"s, "sleep\n"), "/bin/sleep infinity");
  EXPECT_EQ(format_cmdline("nginx: worker process\0"s, "nginx\n"), "nginx: worker process");
}

TEST(ProcCmdline, WithoutArgumentsTheCommandNameInBrackets) {
  EXPECT_EQ(format_cmdline("", "kthreadd\n"), "[kthreadd]");
}

TEST(ProcCmdline, ReadsALiveProcessAndNotAGoneOne) {
  std::string line;
  ASSERT_EQ(read_proc_cmdline(getpid(), line), 0);
  EXPECT_NE(line.find("proc_cmdline_test"), std::string::npos) << line;
  EXPECT_LT(read_proc_cmdline(0x3fffffff, line), 0);
}

}  // namespace
}  // namespace vermilion
