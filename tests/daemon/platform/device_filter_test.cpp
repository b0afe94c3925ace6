// The device program, instruction for instruction as systemd 252's
// bpf-devices.c builds it, and the rules read from device names and
// /proc/devices. (The kernel's verdicts: tests/integration/device_filter_kernel_test.cpp.)
#include "platform/device_filter.h"

#include <gtest/gtest.h>

namespace vermilion {
namespace {

constexpr unsigned kAll = kDeviceRead | kDeviceWrite | kDeviceMknod;

bool is_pass_jump(const bpf_insn& insn) { return insn.code == (BPF_JMP | BPF_JA); }

TEST(DeviceFilter, StrictWithNothingAllowedDeniesEverything) {
  auto p = build_device_program({}, true);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].code, BPF_ALU64 | BPF_MOV | BPF_K);
  EXPECT_EQ(p[0].imm, 0) << "deny";
  EXPECT_EQ(p[1].code, BPF_JMP | BPF_EXIT);
}

TEST(DeviceFilter, EachRuleHasSystemdsShapeAndJumpsToTheFinalAllow) {
  // A device with part of the rights (7 instructions), a whole major with
  // all of them (3), a whole class with part (5).
  auto p = build_device_program({DeviceRule{'c', 1u, 3u, kDeviceRead}, DeviceRule{'b', 7u, std::nullopt, kAll},
                                 DeviceRule{'c', std::nullopt, std::nullopt, kDeviceWrite}},
                                false);
  // prologue 6 + 7 + 3 + 5 + deny 2 + allow 2
  ASSERT_EQ(p.size(), 25u);
  // Rule 1: access check, then type, major, minor, pass.
  EXPECT_EQ(p[8].code, BPF_JMP | BPF_JNE | BPF_X);
  EXPECT_EQ(p[8].off, 4);
  EXPECT_EQ(p[9].imm, BPF_DEVCG_DEV_CHAR);
  EXPECT_EQ(p[9].off, 3);
  EXPECT_EQ(p[10].imm, 1);
  EXPECT_EQ(p[11].imm, 3);
  EXPECT_EQ(p[11].off, 1);
  ASSERT_TRUE(is_pass_jump(p[12]));
  // Rule 2: no access check.
  EXPECT_EQ(p[13].imm, BPF_DEVCG_DEV_BLOCK);
  EXPECT_EQ(p[13].off, 2);
  EXPECT_EQ(p[14].imm, 7);
  ASSERT_TRUE(is_pass_jump(p[15]));
  // Rule 3: access, type, pass.
  EXPECT_EQ(p[18].off, 2);
  EXPECT_EQ(p[19].off, 1);
  ASSERT_TRUE(is_pass_jump(p[20]));
  // Every pass lands on "r0 = 1; exit"; falling through denies.
  for (std::size_t i : {12u, 15u, 20u}) EXPECT_EQ(i + 1 + p[i].off, 23u) << i;
  EXPECT_EQ(p[21].imm, 0);
  EXPECT_EQ(p[22].off, 1);
  EXPECT_EQ(p[23].imm, 1);
  EXPECT_EQ(p[24].code, BPF_JMP | BPF_EXIT);
}

TEST(DeviceFilter, NamesThatCarryTheirNumbers) {
  EXPECT_EQ(device_rule_from_name("/dev/char/1:3", kDeviceRead), (DeviceRule{'c', 1u, 3u, kDeviceRead}));
  EXPECT_EQ(device_rule_from_name("/dev/block/7:0", kAll), (DeviceRule{'b', 7u, 0u, kAll}));
  EXPECT_EQ(device_rule_from_name("/run/systemd/inaccessible/chr", kAll), (DeviceRule{'c', 0u, 0u, kAll}));
  EXPECT_EQ(device_rule_from_name("/run/systemd/inaccessible/blk", kAll), (DeviceRule{'b', 0u, 0u, kAll}));
  EXPECT_FALSE(device_rule_from_name("/dev/null", kAll));
  EXPECT_FALSE(device_rule_from_name("/dev/char/1", kAll));
  EXPECT_FALSE(device_rule_from_name("/dev/char/x:1", kAll));
  EXPECT_FALSE(device_rule_from_name("/dev/char/4096:1", kAll)) << "majors are below 4096";
}

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

TEST(DeviceFilter, MajorsByNumberGlobOrName) {
  EXPECT_EQ(device_rules_for_major("*", 'c', kAll, kProcDevices),
            (std::vector<DeviceRule>{DeviceRule{'c', std::nullopt, std::nullopt, kAll}}));
  EXPECT_EQ(device_rules_for_major("136", 'c', kAll, ""), (std::vector<DeviceRule>{DeviceRule{'c', 136u, {}, kAll}}));
  EXPECT_EQ(device_rules_for_major("pts", 'c', kDeviceRead, kProcDevices),
            (std::vector<DeviceRule>{DeviceRule{'c', 136u, {}, kDeviceRead}}));
  EXPECT_EQ(device_rules_for_major("/dev/*", 'c', kAll, kProcDevices),
            (std::vector<DeviceRule>{DeviceRule{'c', 4u, {}, kAll}, DeviceRule{'c', 5u, {}, kAll}}));
  EXPECT_EQ(device_rules_for_major("loop", 'b', kAll, kProcDevices),
            (std::vector<DeviceRule>{DeviceRule{'b', 7u, {}, kAll}}));
  EXPECT_TRUE(device_rules_for_major("loop", 'c', kAll, kProcDevices).empty()) << "only its own section";
  EXPECT_TRUE(device_rules_for_major("no-such", 'c', kAll, kProcDevices).empty());
}

}  // namespace
}  // namespace vermilion
