#include "ctl/ctl_follow.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vermilion::ctl {
namespace {

// A service's kept output; window(n) is what GetLogs(name, n) returns.
struct FakeBuffer {
  std::vector<LogEntry> lines;
  std::uint64_t clock = 1000;
  void add(const std::string& text) { lines.push_back({clock++, text}); }
  // Lines of one read share its timestamp.
  void add_batch(const std::vector<std::string>& texts) {
    for (const auto& t : texts) lines.push_back({clock, t});
    ++clock;
  }
  std::vector<LogEntry> window(std::size_t n) const {
    if (n == 0 || n >= lines.size()) return lines;
    return {lines.end() - static_cast<std::ptrdiff_t>(n), lines.end()};
  }
  void evict(std::size_t n) { lines.erase(lines.begin(), lines.begin() + static_cast<std::ptrdiff_t>(n)); }
};

std::vector<std::string> texts(const std::vector<LogEntry>& entries) {
  std::vector<std::string> out;
  for (const auto& e : entries) out.push_back(e.line);
  return out;
}

using Lines = std::vector<std::string>;

TEST(LogFollower, PrintsOnlyWhatIsNew) {
  FakeBuffer buffer;
  for (const char* t : {"a", "b", "c"}) buffer.add(t);
  LogFollower follower;
  EXPECT_EQ(texts(follower.advance(buffer.window(2))), (Lines{"b", "c"}));
  EXPECT_TRUE(follower.advance(buffer.window(10)).empty());
  buffer.add("d");
  buffer.add("e");
  EXPECT_TRUE(follower.overlaps(buffer.window(10)));
  EXPECT_EQ(texts(follower.advance(buffer.window(10))), (Lines{"d", "e"}));
  EXPECT_TRUE(follower.advance(buffer.window(10)).empty());
}

TEST(LogFollower, NothingSeenYetMeansEverythingIsNew) {
  FakeBuffer buffer;
  LogFollower follower;
  EXPECT_TRUE(follower.advance(buffer.window(10)).empty());
  EXPECT_FALSE(follower.overlaps(buffer.window(10)));
  buffer.add("first");
  EXPECT_EQ(texts(follower.advance(buffer.window(10))), (Lines{"first"}));
}

TEST(LogFollower, RepeatedTextIsNotMistakenForOldLines) {
  FakeBuffer buffer;
  buffer.add("tick");
  LogFollower follower;
  EXPECT_EQ(texts(follower.advance(buffer.window(10))), (Lines{"tick"}));
  buffer.add("tick");
  buffer.add("tick");
  EXPECT_EQ(texts(follower.advance(buffer.window(10))), (Lines{"tick", "tick"}));
}

TEST(LogFollower, IdenticalLinesOfOneReadArePrintedOnce) {
  FakeBuffer buffer;
  buffer.add_batch({"x", "x", "x"});
  LogFollower follower;
  EXPECT_EQ(follower.advance(buffer.window(10)).size(), 3u);
  EXPECT_TRUE(follower.advance(buffer.window(2)).empty());
  buffer.add_batch({"x", "x"});
  EXPECT_EQ(texts(follower.advance(buffer.window(4))), (Lines{"x", "x"}));
}

TEST(LogFollower, AWindowTooSmallDoesNotOverlap) {
  FakeBuffer buffer;
  buffer.add("old");
  LogFollower follower;
  (void)follower.advance(buffer.window(10));
  for (int i = 0; i < 5; ++i) buffer.add("new" + std::to_string(i));
  // Five new lines, a window of three: the caller must widen.
  EXPECT_FALSE(follower.overlaps(buffer.window(3)));
  EXPECT_TRUE(follower.overlaps(buffer.window(0)));
  EXPECT_EQ(texts(follower.advance(buffer.window(0))), (Lines{"new0", "new1", "new2", "new3", "new4"}));
}

TEST(LogFollower, EvictedBeforeReadMeansAllIsNew) {
  FakeBuffer buffer;
  buffer.add("a");
  LogFollower follower;
  (void)follower.advance(buffer.window(10));
  buffer.add("b");
  buffer.add("c");
  buffer.evict(2);  // "a" and "b" are gone
  EXPECT_FALSE(follower.overlaps(buffer.window(0)));
  EXPECT_EQ(texts(follower.advance(buffer.window(0))), (Lines{"c"}));
  buffer.add("d");
  EXPECT_EQ(texts(follower.advance(buffer.window(0))), (Lines{"d"}));
}

TEST(LogFollower, RemembersOnlyTheNewestButStillAligns) {
  FakeBuffer buffer;
  for (int i = 0; i < 20; ++i) buffer.add(std::to_string(i));
  LogFollower follower(4);
  EXPECT_EQ(follower.advance(buffer.window(0)).size(), 20u);
  // A window wider than what is remembered still lines up.
  EXPECT_TRUE(follower.advance(buffer.window(0)).empty());
  buffer.add("20");
  EXPECT_EQ(texts(follower.advance(buffer.window(0))), (Lines{"20"}));
  // And one narrower than it too.
  buffer.add("21");
  EXPECT_EQ(texts(follower.advance(buffer.window(2))), (Lines{"21"}));
}

}  // namespace
}  // namespace vermilion::ctl
