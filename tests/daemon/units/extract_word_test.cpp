#include "units/extract_word.h"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

namespace vermilion {
namespace {

struct Split {
  std::vector<std::string> words;
  bool invalid = false;
  bool operator==(const Split&) const = default;
};

Split split(std::string_view s, unsigned flags) {
  Split out;
  while (true) {
    auto w = extract_first_word(s, flags);
    if (w.status == ExtractStatus::word) {
      out.words.push_back(w.word);
      continue;
    }
    out.invalid = w.status == ExtractStatus::invalid;
    return out;
  }
}

std::optional<std::string> first(std::string_view s, unsigned flags, std::string* rest = nullptr) {
  auto w = extract_first_word(s, flags);
  if (rest) *rest = std::string(s);
  if (w.status != ExtractStatus::word) return std::nullopt;
  return w.word;
}

constexpr unsigned kUnquoteCunescape = kExtractUnquote | kExtractCunescape;

// Vectors from systemd 252 src/test/test-extract-word.c.
TEST(ExtractWord, SystemdVectors) {
  std::string rest;
  EXPECT_EQ(first("foo bar waldo", kExtractPlain, &rest), "foo");
  EXPECT_EQ(rest, "bar waldo");
  EXPECT_EQ(first("\"foobar\" 'waldo'", kExtractPlain, &rest), "\"foobar\"");
  EXPECT_EQ(first("\"foobar\" 'waldo'", kExtractUnquote, &rest), "foobar");
  EXPECT_EQ(rest, "'waldo'");
  EXPECT_EQ(first("\"", kExtractUnquote), std::nullopt);
  EXPECT_EQ(first("'", kExtractUnquote), std::nullopt);
  EXPECT_EQ(first("\\", kExtractPlain), std::nullopt);
  EXPECT_EQ(first("\\", kExtractCunescape), std::nullopt);
  EXPECT_EQ(first("\\", kExtractCunescape | kExtractCunescapeRelax), "\\");
  EXPECT_EQ(first("\"\\", kExtractUnquote | kExtractCunescapeRelax), std::nullopt);
  EXPECT_EQ(first("foo\\ bar", kExtractPlain), "foo bar");
  EXPECT_EQ(first("fooo\\ bar quux", kExtractPlain, &rest), "fooo bar");
  EXPECT_EQ(rest, "quux");
  EXPECT_EQ(first("\\w\\a\\t\\b", kExtractPlain), "watb");
  EXPECT_EQ(first("\\w\\a\\t\\b", kExtractCunescape), std::nullopt);
  EXPECT_EQ(first("\\w", kExtractCunescape | kExtractCunescapeRelax), "\\w");
  EXPECT_EQ(first("fooo\"\\w\"", kExtractUnquote | kExtractCunescape | kExtractCunescapeRelax), "fooo\\w");
  EXPECT_EQ(first("foo\\ra", kExtractCunescape), "foo\ra");
  EXPECT_EQ(first("foo\\a\\x00", kExtractCunescape), std::nullopt);  // no NUL
  EXPECT_EQ(first("a\\x3db", kExtractCunescape), "a=b");
  EXPECT_EQ(first("\\u00e9\\U0001f600", kExtractCunescape), "\xc3\xa9\xf0\x9f\x98\x80");
  EXPECT_EQ(first("\\101\\377", kExtractCunescape), "A\xff");
  EXPECT_EQ(first("\\400", kExtractCunescape), std::nullopt);
  EXPECT_EQ(first("\"fooo\"bar", kExtractUnquote), "fooobar");
  EXPECT_EQ(first("fooo\"bar\"", kExtractUnquote), "fooobar");
  EXPECT_EQ(first("\"\"", kExtractUnquote), "");
  EXPECT_EQ(first("   ", kExtractUnquote), std::nullopt);
  EXPECT_EQ(first("", kExtractUnquote), std::nullopt);
  EXPECT_EQ(first("'fooo' 'bar", kExtractUnquote, &rest), "fooo");
  EXPECT_EQ(first("\"a \\\"b\\\" c\"", kUnquoteCunescape), "a \"b\" c");
}

TEST(ExtractWord, RetainEscapeKeepsUnitNameEscapes) {
  EXPECT_EQ(split("echo@x-y\\x2dz.service  b.service", kExtractRetainEscape),
            (Split{{"echo@x-y\\x2dz.service", "b.service"}, false}));
  // Quotes are plain characters without kExtractUnquote.
  EXPECT_EQ(split("\"a b\"", kExtractRetainEscape), (Split{{"\"a", "b\""}, false}));
}

TEST(ExtractWord, UnbalancedQuotesFail) {
  EXPECT_EQ(split("a \"b", kUnquoteCunescape), (Split{{"a"}, true}));
  EXPECT_EQ(split("a 'b\\'", kUnquoteCunescape | kExtractCunescapeRelax), (Split{{"a"}, true}));
}

// Vectors from systemd 252 src/test/test-escape.c (cunescape).
TEST(ExtractWord, CunescapeOne) {
  auto one = [](std::string_view s) -> std::optional<std::pair<std::string, std::size_t>> {
    std::string out;
    std::size_t used = cunescape_one(s, out);
    if (used == 0) return std::nullopt;
    return std::pair{out, used};
  };
  EXPECT_EQ(one("x41"), (std::pair<std::string, std::size_t>{"A", 3}));
  EXPECT_EQ(one("s"), (std::pair<std::string, std::size_t>{" ", 1}));
  EXPECT_EQ(one("u0041"), (std::pair<std::string, std::size_t>{"A", 5}));
  EXPECT_EQ(one("U00000041"), (std::pair<std::string, std::size_t>{"A", 9}));
  EXPECT_EQ(one("0"), std::nullopt);
  EXPECT_EQ(one("000"), std::nullopt);
  EXPECT_EQ(one("x0"), std::nullopt);
  EXPECT_EQ(one("xzz"), std::nullopt);
  EXPECT_EQ(one("u000"), std::nullopt);
  EXPECT_EQ(one("U00110000"), std::nullopt);
  EXPECT_EQ(one(";"), std::nullopt);
  EXPECT_EQ(one(" "), std::nullopt);
  EXPECT_EQ(one("q"), std::nullopt);
}

// systemd's test-escape.c (test_cunescape): whole strings, NUL only with
// UNESCAPE_ACCEPT_NUL (SetCredential= uses it).
TEST(Cunescape, SystemdVectors) {
  std::string out;
  EXPECT_FALSE(cunescape("abc\\\\\\\"\\b\\f\\a\\n\\r\\t\\v\\003\\177\\234\\313\\000\\x00", out));
  ASSERT_TRUE(cunescape("abc\\\\\\\"\\b\\f\\a\\n\\r\\t\\v\\003\\177\\234\\313\\000\\x00", out, true));
  EXPECT_EQ(out, std::string("abc\\\"\b\f\a\n\r\t\v\003\177\234\313\000\000", 18));
  EXPECT_FALSE(cunescape("\\", out));
  EXPECT_FALSE(cunescape("\\w", out));
  ASSERT_TRUE(cunescape("\\u00DF\\U000000df\\u03a0\\U00000041", out));
  EXPECT_EQ(out, "\xc3\x9f\xc3\x9f\xce\xa0" "A");
  EXPECT_FALSE(cunescape("\\u0000", out));
  ASSERT_TRUE(cunescape("\\u0000", out, true));
  EXPECT_EQ(out, std::string(1, '\0'));
  ASSERT_TRUE(cunescape("plain: text", out));
  EXPECT_EQ(out, "plain: text");
}

}  // namespace
}  // namespace vermilion
