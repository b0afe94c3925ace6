#include "logs/log_buffer.h"

#include <algorithm>
#include <utility>

namespace vermilion {

const LogLine& LogBuffer::append(std::uint64_t realtime_usec, std::string text) {
  lines_.push_back(LogLine{realtime_usec, std::move(text)});
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

}  // namespace vermilion
