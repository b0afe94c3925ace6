#include "rights.h"

#include <gtest/gtest.h>

namespace vermilion {
namespace {

TEST(Rights, AllowedRightsPerKind) {
  EXPECT_EQ(rights_to_string(allowed_rights(CapabilityKind::service)), "status start stop restart kill logs");
  EXPECT_EQ(rights_to_string(allowed_rights(CapabilityKind::manager)), "list watch reload");
  EXPECT_EQ(rights_to_string(allowed_rights(CapabilityKind::endpoint)), "connect grant");
  EXPECT_EQ(rights_to_string(allowed_rights(CapabilityKind::fd)), "use");
}

TEST(Rights, KindsAreDisjointAndCoverEveryBit) {
  Rights all = 0;
  for (auto kind : {CapabilityKind::service, CapabilityKind::manager, CapabilityKind::endpoint,
                    CapabilityKind::fd}) {
    EXPECT_EQ(all & allowed_rights(kind), 0u) << to_string(kind);
    all |= allowed_rights(kind);
  }
  EXPECT_EQ(all, 4095u);
}

TEST(Rights, KindNamesRoundTrip) {
  for (auto kind : {CapabilityKind::service, CapabilityKind::manager, CapabilityKind::endpoint,
                    CapabilityKind::fd})
    EXPECT_EQ(parse_kind(to_string(kind)), kind);
  EXPECT_FALSE(parse_kind("Service"));
  EXPECT_FALSE(parse_kind(""));
  EXPECT_FALSE(parse_kind("service:web"));
}

TEST(Rights, ParsesWordsWithAnyWhitespaceAndRepeats) {
  auto r = parse_rights(CapabilityKind::service, "  status\trestart  status ");
  ASSERT_TRUE(r.rights) << r.error;
  EXPECT_EQ(*r.rights, rights::status | rights::restart);
  EXPECT_TRUE(r.error.empty());
}

TEST(Rights, RejectsRightsOfAnotherKindNamingThem) {
  auto r = parse_rights(CapabilityKind::service, "status connect use");
  EXPECT_FALSE(r.rights);
  EXPECT_EQ(r.error, "not a right of service capabilities: connect use "
                     "(service allows: status start stop restart kill logs)");
}

TEST(Rights, RejectsUnknownWords) {
  auto r = parse_rights(CapabilityKind::endpoint, "connect Grant everything");
  EXPECT_FALSE(r.rights);
  EXPECT_EQ(r.error, "unknown right(s): Grant everything (endpoint allows: connect grant)");
}

TEST(Rights, RejectsNoRights) {
  auto r = parse_rights(CapabilityKind::fd, "   ");
  EXPECT_FALSE(r.rights);
  EXPECT_EQ(r.error, "no rights given (fd allows: use)");
}

TEST(Rights, ToStringAndSubset) {
  EXPECT_EQ(rights_to_string(0), "");
  EXPECT_EQ(rights_to_string(rights::use | rights::status), "status use");
  EXPECT_TRUE(is_subset(0, 0));
  EXPECT_TRUE(is_subset(rights::status, rights::status | rights::stop));
  EXPECT_FALSE(is_subset(rights::status | rights::kill, rights::status | rights::stop));
}

}  // namespace
}  // namespace vermilion
