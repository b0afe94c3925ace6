#include "ctl/ctl_table.h"

#include <gtest/gtest.h>

namespace vermilion::ctl {
namespace {

TEST(CtlTable, PadsEveryColumnButTheLast) {
  EXPECT_EQ(format_table({"UNIT", "LOAD", "DESCRIPTION"},
                         {{"web.service", "loaded", "Serves"}, {"a.service", "not-found", ""}}),
            "UNIT        LOAD      DESCRIPTION\n"
            "web.service loaded    Serves\n"
            "a.service   not-found\n");
}

TEST(CtlTable, NoHeaderLineWhenHeaderIsEmpty) {
  EXPECT_EQ(format_table({}, {{"a", "b"}, {"ccc", "d"}}), "a   b\nccc d\n");
  EXPECT_EQ(format_table({"X"}, {}), "X\n");
  EXPECT_EQ(format_table({}, {}), "");
}

TEST(CtlTable, ShortRowsGetEmptyCells) {
  EXPECT_EQ(format_table({"A", "B", "C"}, {{"1"}}), "A B C\n1\n");
}

TEST(CtlTable, WidthCountsCharactersNotBytes) {
  EXPECT_EQ(display_width("abc"), 3u);
  EXPECT_EQ(display_width("\u25CF"), 1u);
  EXPECT_EQ(display_width("Gr\u00FC\u00DFe"), 5u);
  EXPECT_EQ(format_table({"\u00FC\u00FC", "X"}, {{"abc", "y"}}),
            "\u00FC\u00FC  X\n"
            "abc y\n");
}

}  // namespace
}  // namespace vermilion::ctl
