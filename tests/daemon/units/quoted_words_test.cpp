#include "units/quoted_words.h"

#include <gtest/gtest.h>

namespace vermilion {
namespace {

std::vector<std::string> texts(std::string_view s) {
  auto r = split_quoted_words(s);
  EXPECT_TRUE(r.ok()) << r.error;
  std::vector<std::string> out;
  if (r.ok())
    for (auto& w : *r.value) out.push_back(w.text);
  return out;
}

using V = std::vector<std::string>;

TEST(QuotedWords, WhitespaceAndQuotes) {
  EXPECT_EQ(texts("  a  b\tc "), (V{"a", "b", "c"}));
  EXPECT_EQ(texts("\"a b\" 'c d'"), (V{"a b", "c d"}));
  EXPECT_EQ(texts("x\"a b\"y'z'"), (V{"xa byz"}));  // quotes concatenate within a word
  EXPECT_EQ(texts("\"\""), (V{""}));
  EXPECT_EQ(texts("'it\"s'"), (V{"it\"s"}));
  EXPECT_TRUE(texts("").empty());
}

TEST(QuotedWords, CEscapes) {
  EXPECT_EQ(texts(R"(a\nb \t \\ \" \' \x41 \101 \u00e9 \s)"),
            (V{"a\nb", "\t", "\\", "\"", "'", "A", "A", "\xc3\xa9", " "}));
  EXPECT_EQ(texts(R"("in \"quotes\"")"), (V{"in \"quotes\""}));
  EXPECT_EQ(texts(R"(a\ b)"), (V{"a b"}));
  EXPECT_EQ(texts(R"(\U0001F600)"), (V{"\xf0\x9f\x98\x80"}));
}

TEST(QuotedWords, DollarIsKept) {
  EXPECT_EQ(texts("$FOO ${BAR} $$ \"${X} y\""), (V{"$FOO", "${BAR}", "$$", "${X} y"}));
}

TEST(QuotedWords, LoneSemicolon) {
  auto r = split_quoted_words("a ; \\; \";\" b;");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.value->size(), 5u);
  EXPECT_TRUE((*r.value)[1].is_lone_semicolon);
  EXPECT_FALSE((*r.value)[2].is_lone_semicolon);
  EXPECT_EQ((*r.value)[2].text, ";");
  EXPECT_FALSE((*r.value)[3].is_lone_semicolon);
  EXPECT_FALSE((*r.value)[4].is_lone_semicolon);
}

TEST(QuotedWords, Errors) {
  for (auto s : {"\"open", "'open", "trailing\\", R"(\q)", R"(\x4)", R"(\x00)", R"(\000)", R"(\u12)", R"(\uD800)"}) {
    auto r = split_quoted_words(s);
    EXPECT_FALSE(r.ok()) << s;
    EXPECT_FALSE(r.error.empty());
  }
  EXPECT_EQ(split_quoted_words("\"open").error, "unterminated double quote");
}

}  // namespace
}  // namespace vermilion
