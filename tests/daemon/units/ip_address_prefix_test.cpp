// IPAddressAllow=/IPAddressDeny= sets as systemd 252 parses and reduces them
// (src/shared/in-addr-prefix-util.c; values checked with `systemd --test`).
#include "units/ip_address_prefix.h"

#include <gtest/gtest.h>

namespace vermilion {
namespace {

std::vector<std::string> shown(const std::vector<IPAddressPrefix>& set) {
  std::vector<std::string> out;
  for (const IPAddressPrefix& p : set) out.push_back(to_string(p));
  return out;
}

TEST(IPAddressPrefix, WordsNamesAndPrefixes) {
  std::vector<IPAddressPrefix> set;
  std::vector<std::string> invalid;
  EXPECT_TRUE(add_ip_address_prefixes(
      set, "nonsense 127.0.0.2/32 10.0.0.0/33 ::1/129 1.2.3.4/ 1.2.3.4/08 LOCALHOST foo.localhost 10.1.2.3/010",
      invalid));
  EXPECT_EQ(invalid, (std::vector<std::string>{"nonsense", "10.0.0.0/33", "::1/129", "1.2.3.4/", "1.2.3.4/08"}));
  // Masked to the prefix, one of each, IPv4 first.
  EXPECT_EQ(shown(set), (std::vector<std::string>{"10.0.0.0/8", "127.0.0.0/8", "127.0.0.2/32", "::1/128"}));

  set.clear();
  EXPECT_TRUE(add_ip_address_prefixes(set, "any link-local multicast fe80::1/64", invalid));
  EXPECT_EQ(shown(set), (std::vector<std::string>{"0.0.0.0/0", "169.254.0.0/16", "224.0.0.0/4", "::/0", "fe80::/64",
                                                  "ff00::/8"}));
  EXPECT_TRUE(ip_address_prefixes_are_any(set));

  EXPECT_FALSE(add_ip_address_prefixes(set, "10.0.0.1 trailing\\", invalid)) << "a trailing backslash";
}

TEST(IPAddressPrefix, ReduceDropsWhatAShorterPrefixCovers) {
  std::vector<IPAddressPrefix> set;
  std::vector<std::string> invalid;
  ASSERT_TRUE(add_ip_address_prefixes(set, "10.0.0.0/8 10.1.0.0/16 10.1.2.3 11.0.0.1 ::1 fe80::/10 fe80::1", invalid));
  reduce_ip_address_prefixes(set);
  EXPECT_EQ(shown(set), (std::vector<std::string>{"10.0.0.0/8", "11.0.0.1/32", "::1/128", "fe80::/10"}));
  EXPECT_FALSE(ip_address_prefixes_are_any(set));

  ASSERT_TRUE(add_ip_address_prefixes(set, "0.0.0.0/0", invalid));
  reduce_ip_address_prefixes(set);
  EXPECT_EQ(shown(set), (std::vector<std::string>{"0.0.0.0/0", "::1/128", "fe80::/10"}));
  EXPECT_FALSE(ip_address_prefixes_are_any(set)) << "IPv6 is not all covered";
}

}  // namespace
}  // namespace vermilion
