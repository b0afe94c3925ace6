// RestrictAddressFamilies= values, as systemd 252's
// config_parse_address_families() (the conformance case
// "restrict-address-families" has what the filter then does).
#include "units/address_families.h"

#include <sys/socket.h>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vermilion {
namespace {

struct Applied {
  AddressFamilies families;
  std::vector<std::string> warnings;
  void operator()(std::string_view value) {
    apply_address_families_assignment(families, value, [this](const std::string& w) { warnings.push_back(w); });
  }
};

TEST(AddressFamiliesTest, TheFirstAssignmentDecidesLaterOnesAddOrTakeOut) {
  Applied a;
  a("AF_UNIX AF_INET AF_INET6");
  a("~AF_INET");
  a("AF_BOGUS AF_LOCAL");
  EXPECT_TRUE(a.families.allow_list);
  EXPECT_EQ(a.families.families, (std::set<int>{AF_UNIX, AF_INET6}));
  EXPECT_EQ(a.warnings, (std::vector<std::string>{"Failed to parse address family, ignoring: AF_BOGUS"}));

  Applied deny;
  deny("~AF_INET6 AF_NETLINK");
  deny("AF_NETLINK");  // allowed again
  EXPECT_FALSE(deny.families.allow_list);
  EXPECT_EQ(deny.families.families, (std::set<int>{AF_INET6}));
}

TEST(AddressFamiliesTest, NoneAllowsNothingAndEmptyResets) {
  Applied a;
  a("AF_UNIX");
  a("none");
  EXPECT_TRUE(a.families.allow_list);
  EXPECT_TRUE(a.families.families.empty());
  EXPECT_TRUE(a.families.active());
  a("");
  EXPECT_FALSE(a.families.active());
  a("~AF_UNIX");  // a fresh first assignment
  EXPECT_FALSE(a.families.allow_list);

  Applied after_none;  // "none" leaves the next assignment to decide afresh
  after_none("none");
  after_none("~AF_PACKET");
  EXPECT_FALSE(after_none.families.allow_list);
  EXPECT_EQ(after_none.families.families, (std::set<int>{AF_PACKET}));
  Applied quoted;
  quoted("\"AF_UNIX\" 'AF_INET'");
  EXPECT_EQ(quoted.families.families, (std::set<int>{AF_UNIX, AF_INET}));
}

TEST(AddressFamiliesTest, NamesAreTheHeadersWithAliases) {
  EXPECT_EQ(address_family_from_name("AF_UNIX"), AF_UNIX);
  EXPECT_EQ(address_family_from_name("AF_LOCAL"), AF_UNIX);
  EXPECT_EQ(address_family_from_name("AF_ROUTE"), AF_NETLINK);
  EXPECT_EQ(address_family_from_name("AF_UNSPEC"), std::nullopt);
  EXPECT_EQ(address_family_from_name("af_unix"), std::nullopt);
  EXPECT_EQ(address_family_name(AF_UNIX), "AF_UNIX");
  EXPECT_EQ(address_family_name(AF_NETLINK), "AF_NETLINK");
  EXPECT_EQ(address_family_max(), AF_MAX);
}

}  // namespace
}  // namespace vermilion
