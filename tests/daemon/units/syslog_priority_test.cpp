#include "units/syslog_priority.h"

#include <gtest/gtest.h>

namespace vermilion {
namespace {

// systemd 252's syslog_parse_priority(with_facility=false): "<0>".."<7>",
// up to three digits; anything else is text.
TEST(SyslogPriority, LevelPrefixes) {
  for (auto [input, level, rest] : {std::tuple{"<0>x", 0, "x"}, {"<7>", 7, ""}, {"<04>y", 4, "y"}, {"<004>z", 4, "z"}}) {
    std::string_view text = input;
    EXPECT_EQ(take_level_prefix(text), level) << input;
    EXPECT_EQ(text, rest) << input;
  }
  for (const char* input : {"<8>x", "<12>x", "<0004>x", "<>x", "<a>x", "<3", "x<3>", ""}) {
    std::string_view text = input;
    EXPECT_EQ(take_level_prefix(text), std::nullopt) << input;
    EXPECT_EQ(text, input);
  }
}

TEST(SyslogPriority, LevelAndFacilityNames) {
  EXPECT_EQ(parse_syslog_level("warning"), 4);
  EXPECT_EQ(parse_syslog_level("debug"), 7);
  EXPECT_EQ(parse_syslog_level("3"), 3);
  EXPECT_EQ(parse_syslog_level("8"), std::nullopt);
  EXPECT_EQ(parse_syslog_level("warn"), std::nullopt) << "not one of systemd's names";
  EXPECT_EQ(parse_syslog_facility("daemon"), 3);
  EXPECT_EQ(parse_syslog_facility("local7"), 23);
  EXPECT_EQ(parse_syslog_facility("13"), 13);
  EXPECT_EQ(parse_syslog_facility("24"), std::nullopt);
  EXPECT_EQ(parse_syslog_facility("security"), std::nullopt);
}

}  // namespace
}  // namespace vermilion
