#include "logs/line_splitter.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vermilion {
namespace {

struct Collected {
  LineSplitter splitter;
  std::vector<std::string> lines;

  explicit Collected(std::size_t line_max = LineSplitter::kDefaultLineMax) : splitter(line_max) {}
  void feed(std::string_view chunk) {
    splitter.feed(chunk, [this](std::string_view line) { lines.emplace_back(line); });
  }
  void flush() {
    splitter.flush([this](std::string_view line) { lines.emplace_back(line); });
  }
};

using Lines = std::vector<std::string>;

TEST(LineSplitter, SplitsOnNewline) {
  Collected c;
  c.feed("one\ntwo\n\nthree\n");
  EXPECT_EQ(c.lines, (Lines{"one", "two", "", "three"}));
  EXPECT_FALSE(c.splitter.has_partial());
}

TEST(LineSplitter, LineAcrossSeveralChunks) {
  Collected c;
  c.feed("hel");
  c.feed("lo wo");
  EXPECT_TRUE(c.lines.empty());
  EXPECT_TRUE(c.splitter.has_partial());
  c.feed("rld\nnext");
  EXPECT_EQ(c.lines, (Lines{"hello world"}));
  c.feed("\n");
  EXPECT_EQ(c.lines, (Lines{"hello world", "next"}));
}

TEST(LineSplitter, StripsOneTrailingCarriageReturn) {
  Collected c;
  c.feed("dos\r\nmid\rdle\r\r\n");
  EXPECT_EQ(c.lines, (Lines{"dos", "mid\rdle\r"}));
  c.feed("split\r");
  c.feed("\n");
  EXPECT_EQ(c.lines.back(), "split");
}

TEST(LineSplitter, KeepsNulBytes) {
  Collected c;
  c.feed(std::string_view("a\0b\n\0\n", 6));
  EXPECT_EQ(c.lines, (Lines{std::string("a\0b", 3), std::string("\0", 1)}));
}

TEST(LineSplitter, CutsLongLines) {
  Collected c(4);
  c.feed("abcdefghij\nxy\n");
  EXPECT_EQ(c.lines, (Lines{"abcd", "efgh", "ij", "xy"}));
}

TEST(LineSplitter, CutsLongLineArrivingInPieces) {
  Collected c(4);
  c.feed("abc");
  c.feed("def");
  EXPECT_EQ(c.lines, (Lines{"abcd"}));
  c.feed("ghij");
  EXPECT_EQ(c.lines, (Lines{"abcd", "efgh"}));
  c.feed("\n");
  EXPECT_EQ(c.lines, (Lines{"abcd", "efgh", "ij"}));
}

TEST(LineSplitter, LineOfExactlyLineMaxIsNotCut) {
  Collected c(4);
  c.feed("abcd\n");
  c.feed("efgh\r");
  c.feed("\n");
  EXPECT_EQ(c.lines, (Lines{"abcd", "efgh"}));
}

TEST(LineSplitter, FlushEmitsPartialLine) {
  Collected c;
  c.flush();
  EXPECT_TRUE(c.lines.empty());
  c.feed("done\nno newline\r");
  c.flush();
  EXPECT_EQ(c.lines, (Lines{"done", "no newline"}));
  EXPECT_FALSE(c.splitter.has_partial());
  c.flush();
  EXPECT_EQ(c.lines.size(), 2u);
}

TEST(LineSplitter, ByteByByteMatchesWholeChunk) {
  const std::string input = "x\r\nlong line here\n\r\n\rq\nabcdefg\r";
  Collected whole(5), bytewise(5);
  whole.feed(input);
  whole.flush();
  for (char ch : input) bytewise.feed(std::string_view(&ch, 1));
  bytewise.flush();
  EXPECT_EQ(whole.lines, bytewise.lines);
  EXPECT_EQ(whole.lines, (Lines{"x", "long ", "line ", "here", "", "\rq", "abcde", "fg"}));
}

}  // namespace
}  // namespace vermilion
