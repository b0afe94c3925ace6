// The device program, instruction for instruction as systemd 252's
// bpf-devices.c builds it. (The kernel's verdicts: tests/integration/cgroup_filters_kernel_test.cpp.)
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

}  // namespace
}  // namespace vermilion
