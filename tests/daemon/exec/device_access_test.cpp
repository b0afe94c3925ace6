// Which rules DevicePolicy= and DeviceAllow= make (systemd 252's
// cgroup_apply_devices()), on this machine's /dev/null and friends.
#include "exec/device_access.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace vermilion {
namespace {

constexpr unsigned kAll = kDeviceRead | kDeviceWrite | kDeviceMknod;

const char kProcDevices[] =
    "Character devices:\n"
    "  1 mem\n"
    "  4 /dev/vc/0\n"
    "  4 tty\n"
    "  5 /dev/tty\n"
    " 10 misc\n"
    "136 pts\n"
    "254 ndctl\n"
    "\n"
    "Block devices:\n"
    "  7 loop\n"
    "259 blkext\n";

DeviceFilterPlan plan(DevicePolicy policy, std::vector<DeviceAllow> allow, int* reads = nullptr,
                      bool readable = true) {
  return plan_device_filter(policy, allow, [reads, readable](std::string& text) {
    if (reads) ++*reads;
    if (!readable) return -EACCES;
    text = kProcDevices;
    return 0;
  });
}

DeviceRule rule_of(std::string_view node, unsigned access, int expected = 0) {
  DeviceRule rule;
  EXPECT_EQ(device_path_rule(node, access, rule), expected) << node;
  return rule;
}

// device_path_parse_major_minor(), parse_devnum(): numbers as safe_atou()
// reads them after a decimal major.
TEST(DeviceAccess, NamesThatCarryTheirNumbers) {
  EXPECT_EQ(rule_of("/dev/char/1:3", kDeviceRead), (DeviceRule{'c', 1u, 3u, kDeviceRead}));
  EXPECT_EQ(rule_of("/dev/block/7:0", kAll), (DeviceRule{'b', 7u, 0u, kAll}));
  EXPECT_EQ(rule_of("/dev/char/1:0x10", kAll), (DeviceRule{'c', 1u, 16u, kAll}));
  EXPECT_EQ(rule_of("/run/systemd/inaccessible/chr", kAll), (DeviceRule{'c', 0u, 0u, kAll}));
  EXPECT_EQ(rule_of("/run/systemd/inaccessible/blk", kAll), (DeviceRule{'b', 0u, 0u, kAll}));
  (void)rule_of("/dev/null", kAll, -ENODEV);
  (void)rule_of("/dev/char/1", kAll, -EINVAL);
  (void)rule_of("/dev/char/x:1", kAll, -EINVAL);
  (void)rule_of("/dev/char/4096:1", kAll, -ERANGE);
}

TEST(DeviceAccess, MajorsByNumberGlobOrName) {
  EXPECT_EQ(device_rules_for_major("*", 'c', kAll, kProcDevices),
            (std::vector<DeviceRule>{DeviceRule{'c', std::nullopt, std::nullopt, kAll}}));
  EXPECT_EQ(device_rules_for_major("136", 'c', kAll, ""), (std::vector<DeviceRule>{DeviceRule{'c', 136u, {}, kAll}}));
  EXPECT_EQ(device_rules_for_major("010", 'c', kAll, ""), (std::vector<DeviceRule>{DeviceRule{'c', 8u, {}, kAll}}))
      << "octal, as safe_atou() reads it";
  EXPECT_EQ(device_rules_for_major("pts", 'c', kDeviceRead, kProcDevices),
            (std::vector<DeviceRule>{DeviceRule{'c', 136u, {}, kDeviceRead}}));
  EXPECT_EQ(device_rules_for_major("/dev/*", 'c', kAll, kProcDevices),
            (std::vector<DeviceRule>{DeviceRule{'c', 4u, {}, kAll}, DeviceRule{'c', 5u, {}, kAll}}));
  EXPECT_EQ(device_rules_for_major("loop", 'b', kAll, kProcDevices),
            (std::vector<DeviceRule>{DeviceRule{'b', 7u, {}, kAll}}));
  EXPECT_TRUE(device_rules_for_major("loop", 'c', kAll, kProcDevices).empty()) << "only its own section";
  EXPECT_TRUE(device_rules_for_major("no-such", 'c', kAll, kProcDevices).empty());
}

TEST(DeviceAccess, UnparsableAndUnreadableAreNamed) {
  auto p = plan(DevicePolicy::strict, {DeviceAllow{"/dev/char/4096:0", true, false, false},
                                       DeviceAllow{"char-misc", true, false, false}},
                nullptr, false);
  EXPECT_EQ(p.warnings, (std::vector<std::string>{"Couldn't parse major/minor from device path '/dev/char/4096:0': "
                                                  "Numerical result out of range",
                                                  "Cannot open /proc/devices to resolve misc: Permission denied",
                                                  "No devices matched by device filter."}));
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
