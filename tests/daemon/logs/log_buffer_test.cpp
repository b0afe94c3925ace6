#include "logs/log_buffer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vermilion {
namespace {

std::vector<std::string> texts(const std::vector<LogLine>& lines) {
  std::vector<std::string> out;
  for (const auto& line : lines) out.push_back(line.text);
  return out;
}

TEST(LogBuffer, AppendKeepsTimeAndText) {
  LogBuffer buffer;
  EXPECT_EQ(buffer.append(10, "a").text, "a");
  EXPECT_EQ(buffer.append(11, "b").realtime_usec, 11u);
  const auto lines = buffer.tail(5);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].realtime_usec, 10u);
  EXPECT_EQ(lines[1].text, "b");
}

TEST(LogBuffer, TailReturnsLastLinesOldestFirst) {
  LogBuffer buffer;
  for (int i = 0; i < 10; ++i) (void)buffer.append(0, std::to_string(i));
  EXPECT_EQ(texts(buffer.tail(3)), (std::vector<std::string>{"7", "8", "9"}));
  EXPECT_EQ(buffer.tail(0).size(), 0u);
  EXPECT_EQ(buffer.tail(100).size(), 10u);
  EXPECT_TRUE(LogBuffer().tail(3).empty());
}

TEST(LogBuffer, EvictsOldestByBytes) {
  const std::size_t line_cost = 10 + LogBuffer::kLineOverheadBytes;
  LogBuffer buffer(3 * line_cost);
  for (char c = 'a'; c <= 'e'; ++c) (void)buffer.append(0, std::string(10, c));
  EXPECT_EQ(buffer.line_count(), 3u);
  EXPECT_EQ(buffer.used_bytes(), 3 * line_cost);
  EXPECT_EQ(texts(buffer.tail(3)),
            (std::vector<std::string>{"cccccccccc", "dddddddddd", "eeeeeeeeee"}));
  // One big line pushes out as many small ones as it needs.
  (void)buffer.append(0, std::string(10 + line_cost, 'x'));
  EXPECT_EQ(buffer.line_count(), 2u);
  EXPECT_LE(buffer.used_bytes(), buffer.max_bytes());
}

TEST(LogBuffer, EmptyLinesAreChargedToo) {
  LogBuffer buffer(10 * LogBuffer::kLineOverheadBytes);
  for (int i = 0; i < 1000; ++i) (void)buffer.append(0, "");
  EXPECT_EQ(buffer.line_count(), 10u);
}

TEST(LogBuffer, NewestLineIsKeptEvenWhenOverBudget) {
  LogBuffer buffer(16);
  (void)buffer.append(0, "small");
  (void)buffer.append(0, std::string(100, 'y'));
  ASSERT_EQ(buffer.line_count(), 1u);
  EXPECT_EQ(buffer.tail(1)[0].text, std::string(100, 'y'));
}

TEST(LogBuffer, KeepsNulBytes) {
  LogBuffer buffer;
  const std::string text("a\0b", 3);
  (void)buffer.append(0, text);
  EXPECT_EQ(buffer.tail(1)[0].text, text);
}

}  // namespace
}  // namespace vermilion
