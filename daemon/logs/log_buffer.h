// The recent output of one service, kept in memory for `status` and for
// followers. Bounded by bytes, not lines, so a service printing huge lines
// cannot make the daemon grow; the oldest lines go first.
//
// Every line gets a sequence number, one more than the line before, for the
// whole life of the buffer. A follower remembers the last number it saw and
// asks for what came after it: it never sees a line twice, and when lines it
// had not read yet were evicted it is told how many.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace vermilion {

struct LogLine {
  std::uint64_t seq = 0;            // 1 for the first line ever appended
  std::uint64_t realtime_usec = 0;  // CLOCK_REALTIME when the line was read
  std::string text;                 // without '\n'; may contain any byte, NUL included
};

struct LinesAfter {
  std::vector<LogLine> lines;  // in order, no gaps among themselves
  // Lines after the requested seq that were evicted before they were asked
  // for; the follower fell behind by this many.
  std::uint64_t missed = 0;
};

class LogBuffer {
 public:
  // 64 KiB: enough for a screenful of context in `status` and to bridge a
  // slow follower, small enough for hundreds of services.
  static constexpr std::size_t kDefaultMaxBytes = 64 * 1024;
  // Charged per line on top of its text, so a flood of empty lines is
  // bounded too. Roughly what a deque element with a short string costs.
  static constexpr std::size_t kLineOverheadBytes = 48;

  explicit LogBuffer(std::size_t max_bytes = kDefaultMaxBytes) : max_bytes_(max_bytes) {}

  // Appends a line and evicts the oldest until the total fits again. The
  // newest line is always kept, even when it alone is over the budget.
  const LogLine& append(std::uint64_t realtime_usec, std::string text);

  // The last n lines (fewer when fewer are held), oldest first.
  [[nodiscard]] std::vector<LogLine> tail(std::size_t n) const;
  // Lines with seq > after_seq, at most max_lines of them, oldest first.
  [[nodiscard]] LinesAfter lines_after(std::uint64_t after_seq,
                                       std::size_t max_lines = SIZE_MAX) const;

  // Sequence number of the newest line ever appended (0: none yet). A new
  // follower starts from here to see only what comes next.
  [[nodiscard]] std::uint64_t last_seq() const { return next_seq_ - 1; }
  [[nodiscard]] std::size_t line_count() const { return lines_.size(); }
  [[nodiscard]] std::size_t used_bytes() const { return used_bytes_; }
  [[nodiscard]] std::size_t max_bytes() const { return max_bytes_; }

 private:
  static std::size_t cost(const LogLine& line) { return line.text.size() + kLineOverheadBytes; }

  std::size_t max_bytes_;
  std::size_t used_bytes_ = 0;
  std::uint64_t next_seq_ = 1;
  std::deque<LogLine> lines_;  // seqs are consecutive: lines_[i].seq == front.seq + i
};

}  // namespace vermilion
