#include "platform/invocation_id.h"

#include <gtest/gtest.h>

#include <set>

namespace vermilion {
namespace {

// As systemd's $INVOCATION_ID: 32 lowercase hex digits of a v4 UUID.
TEST(InvocationId, IsAVersion4UuidIn32LowercaseHexDigits) {
  InvocationId id = make_invocation_id();
  std::string text = to_string(id);
  ASSERT_EQ(text.size(), 32u);
  EXPECT_EQ(text.find_first_not_of("0123456789abcdef"), std::string::npos) << text;
  EXPECT_EQ(text[12], '4') << "version 4: " << text;
  EXPECT_NE(std::string("89ab").find(text[16]), std::string::npos) << "RFC 4122 variant: " << text;
}

TEST(InvocationId, EachIsFresh) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(to_string(make_invocation_id()));
  EXPECT_EQ(seen.size(), 100u);
}

TEST(InvocationId, RandomBelowStaysInItsRange) {
  EXPECT_EQ(random_below(0), 0u);
  EXPECT_EQ(random_below(1), 0u);
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 200; ++i) {
    std::uint64_t v = random_below(4);
    EXPECT_LT(v, 4u);
    seen.insert(v);
  }
  EXPECT_EQ(seen.size(), 4u) << "every value comes up in 200 draws";
}

TEST(InvocationId, TheZeroIdIsNone) {
  EXPECT_EQ(to_string(InvocationId{}), "");
  InvocationId one{};
  one[15] = 0xAB;
  EXPECT_EQ(to_string(one), "000000000000000000000000000000ab");
}

}  // namespace
}  // namespace vermilion
