// The recent output of one service, kept in memory for `status` and
// GetLogs. Bounded by bytes, not lines, so a service printing huge lines
// cannot make the daemon grow; the oldest lines go first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace vermilion {

struct LogLine {
  std::uint64_t realtime_usec = 0;  // CLOCK_REALTIME when the line was read
  std::string text;                 // without '\n'; may contain any byte, NUL included
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

  [[nodiscard]] std::size_t line_count() const { return lines_.size(); }
  [[nodiscard]] std::size_t used_bytes() const { return used_bytes_; }
  [[nodiscard]] std::size_t max_bytes() const { return max_bytes_; }

 private:
  static std::size_t cost(const LogLine& line) { return line.text.size() + kLineOverheadBytes; }

  std::size_t max_bytes_;
  std::size_t used_bytes_ = 0;
  std::deque<LogLine> lines_;
};

}  // namespace vermilion
