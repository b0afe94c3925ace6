#include "ctl/ctl_follow.h"

#include <algorithm>

namespace vermilion::ctl {

LogFollower::LogFollower(std::size_t remembered) : remembered_(std::max<std::size_t>(remembered, 1)) {}

std::optional<std::size_t> LogFollower::new_from(const std::vector<LogEntry>& window) const {
  if (seen_.empty()) return std::nullopt;
  const std::size_t t = seen_.size();
  // Try the remembered tail's end after window[p - 1], longest first.
  for (std::size_t p = window.size(); p > 0; --p) {
    const std::size_t overlap = std::min(p, t);
    bool match = true;
    for (std::size_t k = 0; k < overlap && match; ++k) match = window[p - 1 - k] == seen_[t - 1 - k];
    if (match) return p;
  }
  return std::nullopt;
}

bool LogFollower::overlaps(const std::vector<LogEntry>& window) const { return new_from(window).has_value(); }

std::vector<LogEntry> LogFollower::advance(const std::vector<LogEntry>& window) {
  const std::size_t from = new_from(window).value_or(0);
  std::vector<LogEntry> fresh(window.begin() + static_cast<std::ptrdiff_t>(from), window.end());
  for (const auto& entry : fresh) {
    seen_.push_back(entry);
    if (seen_.size() > remembered_) seen_.pop_front();
  }
  return fresh;
}

}  // namespace vermilion::ctl
