// The firewall's rules from IPAddressAllow=/IPAddressDeny= (systemd 252's
// bpf_firewall_prepare_access_maps()): each set reduced; "any" (both
// families' /0) needs no map.
#include "exec/ip_access.h"

#include <gtest/gtest.h>

namespace vermilion {
namespace {

std::vector<IPAddressPrefix> set_of(const char* text) {
  std::vector<IPAddressPrefix> set;
  std::vector<std::string> invalid;
  EXPECT_TRUE(add_ip_address_prefixes(set, text, invalid));
  EXPECT_TRUE(invalid.empty());
  return set;
}

TEST(IPAccess, AnyIsAFlagTheRestArePrefixes) {
  auto rules = plan_ip_firewall(set_of("any"), set_of("10.0.0.0/8 10.1.2.3 fe80::/10"));
  EXPECT_TRUE(rules.allow_any);
  EXPECT_TRUE(rules.allow.empty());
  EXPECT_FALSE(rules.deny_any);
  ASSERT_EQ(rules.deny.size(), 2u) << "10.1.2.3 is inside 10.0.0.0/8";
  EXPECT_FALSE(rules.deny[0].ipv6);
  EXPECT_EQ(rules.deny[0].prefixlen, 8u);
  EXPECT_EQ(rules.deny[0].address[0], 10);
  EXPECT_TRUE(rules.deny[1].ipv6);
  EXPECT_EQ(rules.deny[1].prefixlen, 10u);
  EXPECT_EQ(rules.deny[1].address[0], 0xfe);
  EXPECT_EQ(rules.deny[1].address[1], 0x80);
}

TEST(IPAccess, OneFamilysZeroPrefixIsNoAny) {
  auto rules = plan_ip_firewall({}, set_of("0.0.0.0/0 ::1"));
  EXPECT_FALSE(rules.deny_any);
  ASSERT_EQ(rules.deny.size(), 2u);
  EXPECT_EQ(rules.deny[0].prefixlen, 0u);
  EXPECT_TRUE(plan_ip_firewall({}, {}).empty());
}

}  // namespace
}  // namespace vermilion
