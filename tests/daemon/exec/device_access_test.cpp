// Which rules DevicePolicy= and DeviceAllow= make (systemd 252's
// cgroup_apply_devices()), on this machine's /dev/null and friends.
#include "exec/device_access.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace vermilion {
namespace {

const char kProcDevices[] = "Character devices:\n  1 mem\n 10 misc\n136 pts\n\nBlock devices:\n  7 loop\n";

DeviceFilterPlan plan(DevicePolicy policy, std::vector<DeviceAllow> allow, int* reads = nullptr) {
  return plan_device_filter(policy, allow, [reads] {
    if (reads) ++*reads;
    return std::string(kProcDevices);
  });
}

TEST(DeviceAccess, AutoWithNothingAllowedIsNoFilter) {
  int reads = 0;
  auto p = plan(DevicePolicy::automatic, {}, &reads);
  EXPECT_FALSE(p.filtered);
  EXPECT_EQ(reads, 0) << "/proc/devices is not read";
}

TEST(DeviceAccess, ClosedHasThePseudoDevicesAndPts) {
  int reads = 0;
  auto p = plan(DevicePolicy::closed, {DeviceAllow{"char-misc", true, false, false}, DeviceAllow{"block-loop", true, true, false}},
                &reads);
  EXPECT_TRUE(p.filtered);
  EXPECT_FALSE(p.deny_everything);
  EXPECT_EQ(reads, 1) << "read once for all the names";
  constexpr unsigned kAll = kDeviceRead | kDeviceWrite | kDeviceMknod;
  EXPECT_NE(std::find(p.rules.begin(), p.rules.end(), DeviceRule{'c', 1u, 3u, kAll}), p.rules.end()) << "/dev/null";
  EXPECT_NE(std::find(p.rules.begin(), p.rules.end(), DeviceRule{'c', 0u, 0u, kAll}), p.rules.end())
      << "/run/systemd/inaccessible/chr";
  EXPECT_NE(std::find(p.rules.begin(), p.rules.end(), DeviceRule{'c', 136u, {}, kDeviceRead | kDeviceWrite}),
            p.rules.end())
      << "pts";
  EXPECT_NE(std::find(p.rules.begin(), p.rules.end(), DeviceRule{'c', 10u, {}, kDeviceRead}), p.rules.end());
  EXPECT_NE(std::find(p.rules.begin(), p.rules.end(), DeviceRule{'b', 7u, {}, kDeviceRead | kDeviceWrite}),
            p.rules.end());
}

TEST(DeviceAccess, StrictHasOnlyItsList) {
  auto p = plan(DevicePolicy::strict, {DeviceAllow{"/dev/null", true, true, false}});
  EXPECT_EQ(p.rules, (std::vector<DeviceRule>{DeviceRule{'c', 1u, 3u, kDeviceRead | kDeviceWrite}}));
  EXPECT_FALSE(p.deny_everything);
  EXPECT_TRUE(p.warnings.empty());
}

TEST(DeviceAccess, NothingMatchedIsStrictAndSaysSo) {
  auto p = plan(DevicePolicy::strict, {DeviceAllow{"/dev/no-such-node", true, false, false},
                                       DeviceAllow{"char-no-such", true, false, false}, DeviceAllow{"/tmp", true, false, false}});
  EXPECT_TRUE(p.filtered);
  EXPECT_TRUE(p.rules.empty());
  EXPECT_TRUE(p.deny_everything);
  EXPECT_EQ(p.warnings, (std::vector<std::string>{"Couldn't stat device /dev/no-such-node: No such file or directory",
                                                  "No devices matched by device filter."}));
}

TEST(DeviceAccess, ANodeThatIsNoDeviceIsNamed) {
  auto p = plan(DevicePolicy::strict, {DeviceAllow{"/dev", true, false, false}});
  EXPECT_EQ(p.warnings, (std::vector<std::string>{"/dev is not a device.", "No devices matched by device filter."}));
}

}  // namespace
}  // namespace vermilion
