#include "logs/log_buffer.h"

#include <algorithm>
#include <utility>

namespace vermilion {

const LogLine& LogBuffer::append(std::uint64_t realtime_usec, std::string text) {
  lines_.push_back(LogLine{next_seq_++, realtime_usec, std::move(text)});
  used_bytes_ += cost(lines_.back());
  while (used_bytes_ > max_bytes_ && lines_.size() > 1) {
    used_bytes_ -= cost(lines_.front());
    lines_.pop_front();
  }
  return lines_.back();
}

std::vector<LogLine> LogBuffer::tail(std::size_t n) const {
  const std::size_t count = std::min(n, lines_.size());
  return {lines_.end() - static_cast<std::ptrdiff_t>(count), lines_.end()};
}

LinesAfter LogBuffer::lines_after(std::uint64_t after_seq, std::size_t max_lines) const {
  LinesAfter out;
  if (lines_.empty() || after_seq >= lines_.back().seq) return out;
  const std::uint64_t first_held = lines_.front().seq;
  std::size_t start = 0;
  if (after_seq + 1 < first_held) {
    out.missed = first_held - (after_seq + 1);
  } else {
    start = static_cast<std::size_t>(after_seq + 1 - first_held);
  }
  const std::size_t count = std::min(max_lines, lines_.size() - start);
  const auto begin = lines_.begin() + static_cast<std::ptrdiff_t>(start);
  out.lines.assign(begin, begin + static_cast<std::ptrdiff_t>(count));
  return out;
}

}  // namespace vermilion
