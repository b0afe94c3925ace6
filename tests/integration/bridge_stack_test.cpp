// The test stack itself (tests/support/bridge_fixture.h): whatever happened
// to its vermiliond, it leaves no process and no cgroup on the machine.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <fstream>
#include <iterator>
#include <string>

#include "bridge_fixture.h"

namespace vermilion::testing {
namespace {

bool exists(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0;
}

// Running, not a zombie that init has yet to reap.
bool running(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), {});
  auto close = text.rfind(')');
  return close != std::string::npos && close + 2 < text.size() && text[close + 2] != 'Z';
}

TEST(BridgeStackTest, ASigkilledVermiliondLeavesNoBridgeAndNoCgroup) {
  const std::string cgroups = own_cgroup_directory();
  if (cgroups.empty()) GTEST_SKIP() << "no cgroup v2 here";
  std::string tree;
  pid_t bridge = 0;
  {
    BridgeStack stack{StackFiles{}};
    ASSERT_TRUE(stack.ok()) << stack.error();
    tree = cgroups + "/vermilion-" + std::to_string(stack.daemon().pid());
    if (!exists(tree)) GTEST_SKIP() << "vermiliond runs without cgroups here";
    const std::string bridge_procs = tree + "/vermilion-bridge.service/cgroup.procs";
    std::ifstream(bridge_procs) >> bridge;
    ASSERT_GT(bridge, 0) << "the bridge runs in " << bridge_procs;
    // As under ASan when the bridge's exit outlasts the stop: vermiliond is
    // gone first and the bridge is an orphan.
    kill(stack.daemon().pid(), SIGKILL);
  }
  EXPECT_FALSE(exists(tree)) << tree << " was left behind";
  EXPECT_FALSE(running(bridge)) << "bridge " << bridge << " was left running";
}

}  // namespace
}  // namespace vermilion::testing
