#include "common/utf8.h"

#include <gtest/gtest.h>

namespace vermilion {
namespace {

TEST(EscapeInvalidUtf8, ValidTextIsUnchanged) {
  EXPECT_EQ(escape_invalid_utf8("plain"), "plain");
  EXPECT_EQ(escape_invalid_utf8("\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 tab\there"),
            "\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 tab\there");
}

TEST(EscapeInvalidUtf8, BadBytesBecomeEscapes) {
  EXPECT_EQ(escape_invalid_utf8(std::string("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(escape_invalid_utf8("\xff\xfe"), "\\xff\\xfe");
  EXPECT_EQ(escape_invalid_utf8("\xc3"), "\\xc3");                   // truncated
  EXPECT_EQ(escape_invalid_utf8("\xc0\xaf"), "\\xc0\\xaf");          // overlong '/'
  EXPECT_EQ(escape_invalid_utf8("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate
  EXPECT_EQ(escape_invalid_utf8("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");  // above U+10FFFF
  EXPECT_EQ(escape_invalid_utf8("ok\xe2\x82x"), "ok\\xe2\\x82x");
}

}  // namespace
}  // namespace vermilion
