#include "platform/version_compare.h"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

namespace vermilion {
namespace {

// systemd's own vectors for strverscmp_improved() (src/test/
// test-string-util.c): each version is older than every one after it.
TEST(CompareVersions, SystemdsOrdering) {
  const std::vector<std::string_view> ordered = {
      "~1",      "",        "ab",       "abb",     "abc",        "0001",       "002",     "12",
      "122",     "122.9",   "123~rc1",  "123",     "123-a",      "123-a.1",    "123-a1",  "123-a1.1",
      "123-3",   "123-3.1", "123^patch1", "123^1", "123.a-1",    "123.1-1",    "123a-1",  "124",
  };
  for (std::size_t i = 0; i < ordered.size(); ++i) {
    EXPECT_EQ(compare_versions(ordered[i], ordered[i]), 0) << ordered[i];
    for (std::size_t j = i + 1; j < ordered.size(); ++j) {
      EXPECT_LT(compare_versions(ordered[i], ordered[j]), 0) << ordered[i] << " < " << ordered[j];
      EXPECT_GT(compare_versions(ordered[j], ordered[i]), 0) << ordered[j] << " > " << ordered[i];
    }
  }
}

TEST(CompareVersions, CornerCases) {
  EXPECT_GT(compare_versions("123.", "123"), 0) << "one more segment";
  EXPECT_LT(compare_versions("12_3", "123"), 0);
  EXPECT_GT(compare_versions("12_3", "12"), 0);
  EXPECT_GT(compare_versions("12_3", "12.3"), 0);
  EXPECT_GT(compare_versions("123.0", "123"), 0);
  EXPECT_GT(compare_versions("123_0", "123"), 0);
  EXPECT_LT(compare_versions("123..0", "123.0"), 0);
  EXPECT_EQ(compare_versions("0001", "1"), 0) << "leading zeros";
  EXPECT_EQ(compare_versions("", ""), 0);
}

TEST(CompareOperator, TakesTheLongestAndHonoursTheFlags) {
  std::string_view text = ">=5";
  EXPECT_EQ(take_compare_operator(text, {}), CompareOperator::greater_or_equal);
  EXPECT_EQ(text, "5");
  text = "!=5";
  EXPECT_EQ(take_compare_operator(text, {}), CompareOperator::unequal);
  text = "!=5";
  EXPECT_EQ(take_compare_operator(text, {.allow_fnmatch = false, .equal_by_string = true}),
            CompareOperator::string_unequal);
  text = "$=5*";
  EXPECT_EQ(take_compare_operator(text, {}), std::nullopt) << "a glob where none is allowed";
  EXPECT_EQ(text, "$=5*");
  text = "!$=5*";
  EXPECT_EQ(take_compare_operator(text, {.allow_fnmatch = true, .equal_by_string = false}),
            CompareOperator::fnmatch_unequal);
  EXPECT_EQ(text, "5*");
  text = "5";
  EXPECT_EQ(take_compare_operator(text, {}), std::nullopt);
  EXPECT_TRUE(version_or_fnmatch_compare(CompareOperator::fnmatch_equal, "6.1.0-13-amd64", "6.1.*"));
  EXPECT_TRUE(version_or_fnmatch_compare(CompareOperator::lower, "6.1.0-13-amd64", "6.10"));
  EXPECT_FALSE(version_or_fnmatch_compare(CompareOperator::string_equal, "12", "12.0"));
  EXPECT_TRUE(version_or_fnmatch_compare(CompareOperator::equal, "12", "012"));
}

}  // namespace
}  // namespace vermilion
