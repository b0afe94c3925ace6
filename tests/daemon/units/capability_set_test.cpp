// capability_set.h against systemd 252's capability_set_from_string() and
// config_parse_capability_set() (the conformance case "capabilities" holds
// the same rules against systemd itself).
#include "units/capability_set.h"

#include <linux/capability.h>

#include <gtest/gtest.h>

namespace vermilion {
namespace {

constexpr std::uint64_t bit(int cap) { return std::uint64_t{1} << cap; }

TEST(CapabilitySetTest, NamesInAnyCaseAndNumbersAreCapabilities) {
  EXPECT_EQ(capability_set_from_string("CAP_CHOWN cap_net_bind_service Cap_Kill"),
            bit(CAP_CHOWN) | bit(CAP_NET_BIND_SERVICE) | bit(CAP_KILL));
  EXPECT_EQ(capability_set_from_string("7"), bit(CAP_SETUID));
  EXPECT_EQ(capability_set_from_string("'cap_chown' \"CAP_KILL\""), bit(CAP_CHOWN) | bit(CAP_KILL));
  EXPECT_EQ(capability_set_from_string(""), 0u);
}

TEST(CapabilitySetTest, WhatNamesNoCapabilityIsSkipped) {
  EXPECT_EQ(capability_set_from_string("cap_nonsense CAP_CHOWN chown"), bit(CAP_CHOWN));
  // Numbers: 0-63, as systemd 252's capability_from_name().
  EXPECT_EQ(capability_set_from_string(std::to_string(CAP_LAST_CAP + 1) + " 63"), bit(CAP_LAST_CAP + 1) | bit(63));
  EXPECT_EQ(capability_set_from_string("64 -1"), 0u);
}

TEST(CapabilitySetTest, AssignmentsReplaceAtFirstThenMerge) {
  std::uint64_t bounding = kAllCapabilities;
  bounding = apply_capability_assignment(bounding, kAllCapabilities, "CAP_CHOWN");
  EXPECT_EQ(bounding, bit(CAP_CHOWN));
  bounding = apply_capability_assignment(bounding, kAllCapabilities, "CAP_KILL");
  EXPECT_EQ(bounding, bit(CAP_CHOWN) | bit(CAP_KILL));
  bounding = apply_capability_assignment(bounding, kAllCapabilities, "~CAP_CHOWN");
  EXPECT_EQ(bounding, bit(CAP_KILL));
  // Empty (or "~" alone) replaces: none at all, or every one.
  EXPECT_EQ(apply_capability_assignment(bounding, kAllCapabilities, ""), 0u);
  EXPECT_EQ(apply_capability_assignment(bounding, kAllCapabilities, "~"), kAllCapabilities);
  // "~" on a set still at its default: everything but these.
  EXPECT_EQ(apply_capability_assignment(kAllCapabilities, kAllCapabilities, "~CAP_SYS_ADMIN"),
            ~bit(CAP_SYS_ADMIN));
  // Ambient starts from none.
  std::uint64_t ambient = apply_capability_assignment(0, 0, "CAP_NET_RAW");
  EXPECT_EQ(ambient, bit(CAP_NET_RAW));
  EXPECT_EQ(apply_capability_assignment(ambient, 0, "CAP_KILL"), bit(CAP_NET_RAW) | bit(CAP_KILL));
}

}  // namespace
}  // namespace vermilion
