#include "common/rights.h"

#include <gtest/gtest.h>

namespace vermilion {
namespace {

TEST(CapabilityRights, AllowedRightsPerKind) {
  EXPECT_EQ(rights_to_string(allowed_rights(CapabilityKind::service)),
            "status start stop restart kill logs reload");
  EXPECT_EQ(rights_to_string(allowed_rights(CapabilityKind::manager)), "list watch reload inspect enable isolate bus-names");
  EXPECT_EQ(rights_to_string(allowed_rights(CapabilityKind::endpoint)), "connect grant");
  EXPECT_EQ(rights_to_string(allowed_rights(CapabilityKind::fd)), "use");
  // The kinds split the known rights between them; only `reload` is shared
  // (a service's ExecReload=, the manager's units and policies).
  Rights seen = 0;
  for (auto kind : {CapabilityKind::service, CapabilityKind::manager, CapabilityKind::endpoint,
                    CapabilityKind::fd}) {
    EXPECT_EQ(seen & allowed_rights(kind) & ~rights::reload, 0u) << to_string(kind);
    seen |= allowed_rights(kind);
  }
  EXPECT_EQ(seen, rights::all_known);
  EXPECT_EQ(allowed_rights(CapabilityKind::service) & allowed_rights(CapabilityKind::manager), rights::reload);
}

TEST(CapabilityRights, KindNamesRoundTrip) {
  for (auto kind : {CapabilityKind::service, CapabilityKind::manager, CapabilityKind::endpoint,
                    CapabilityKind::fd}) {
    EXPECT_EQ(parse_kind(to_string(kind)), kind);
  }
  EXPECT_FALSE(parse_kind("Service"));
  EXPECT_FALSE(parse_kind(""));
  EXPECT_FALSE(parse_kind("services"));
}

TEST(CapabilityRights, ParsesWordsInAnyOrder) {
  const auto parsed = parse_rights(CapabilityKind::service, "restart  status\tlogs");
  ASSERT_TRUE(parsed.rights) << parsed.error;
  EXPECT_EQ(*parsed.rights, rights::status | rights::restart | rights::logs);
  EXPECT_TRUE(parsed.error.empty());
  EXPECT_EQ(rights_to_string(*parsed.rights), "status restart logs");
}

TEST(CapabilityRights, RepeatedWordCountsOnce) {
  const auto parsed = parse_rights(CapabilityKind::manager, "list list");
  ASSERT_TRUE(parsed.rights);
  EXPECT_EQ(*parsed.rights, rights::list);
}

TEST(CapabilityRights, EmptyIsTheEmptySet) {
  for (std::string_view words : {"", "   ", " \t "}) {
    const auto parsed = parse_rights(CapabilityKind::endpoint, words);
    ASSERT_TRUE(parsed.rights) << "'" << words << "'";
    EXPECT_EQ(*parsed.rights, 0u);
  }
  EXPECT_EQ(rights_to_string(0), "");
}

TEST(CapabilityRights, RightOfAnotherKindNamesWordAndKind) {
  const auto parsed = parse_rights(CapabilityKind::service, "status connect");
  EXPECT_FALSE(parsed.rights);
  EXPECT_EQ(parsed.error, "'connect' is not a right of service capabilities");
  EXPECT_EQ(parse_rights(CapabilityKind::fd, "use grant").error,
            "'grant' is not a right of fd capabilities");
}

TEST(CapabilityRights, UnknownWordNamesWordAndKind) {
  EXPECT_EQ(parse_rights(CapabilityKind::manager, "list frobnicate").error,
            "'frobnicate' is not a right of manager capabilities");
  // Case matters, and separators other than blanks are part of a word.
  EXPECT_EQ(parse_rights(CapabilityKind::service, "Status").error,
            "'Status' is not a right of service capabilities");
  EXPECT_EQ(parse_rights(CapabilityKind::service, "status,stop").error,
            "'status,stop' is not a right of service capabilities");
}

TEST(CapabilityRights, ToStringUsesFixedOrder) {
  EXPECT_EQ(rights_to_string(rights::use | rights::status | rights::grant), "status grant use");
  EXPECT_EQ(rights_to_string(rights::all_known),
            "status start stop restart kill logs list watch reload connect grant use inspect enable isolate "
            "bus-names");
}

TEST(CapabilityRights, ToStringShowsUnknownBits) {
  EXPECT_EQ(rights_to_string(rights::stop | 0x10000u), "stop 0x10000");
  EXPECT_EQ(rights_to_string(0x30000u), "0x30000");
  EXPECT_EQ(rights_to_string(0x11000u), "inspect 0x10000");
}

TEST(CapabilityRights, ParseAndPrintRoundTrip) {
  for (auto kind : {CapabilityKind::service, CapabilityKind::manager, CapabilityKind::endpoint,
                    CapabilityKind::fd}) {
    const Rights allowed = allowed_rights(kind);
    // Every subset of the kind's rights.
    for (Rights sub = allowed;; sub = (sub - 1) & allowed) {
      const auto parsed = parse_rights(kind, rights_to_string(sub));
      ASSERT_TRUE(parsed.rights) << parsed.error;
      EXPECT_EQ(*parsed.rights, sub);
      if (sub == 0) break;
    }
  }
}

TEST(CapabilityRights, Subset) {
  EXPECT_TRUE(is_subset(0, 0));
  EXPECT_TRUE(is_subset(0, rights::status));
  EXPECT_TRUE(is_subset(rights::status, rights::status | rights::stop));
  EXPECT_TRUE(is_subset(rights::status | rights::stop, rights::status | rights::stop));
  EXPECT_FALSE(is_subset(rights::status | rights::kill, rights::status | rights::stop));
  EXPECT_FALSE(is_subset(rights::status, 0));
}

}  // namespace
}  // namespace vermilion
