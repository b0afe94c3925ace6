#include "logs/line_splitter.h"

#include <utility>

namespace vermilion {

namespace {

std::string_view without_trailing_cr(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

}  // namespace

void LineSplitter::feed(std::string_view chunk, const Emit& emit) {
  if (chunk.empty()) return;
  pending_.append(chunk);
  std::string_view rest(pending_);
  for (;;) {
    const std::size_t newline = rest.find('\n');
    if (newline != std::string_view::npos) {
      const std::string_view line = without_trailing_cr(rest.substr(0, newline));
      if (line.size() <= line_max_) {
        emit(line);
        rest.remove_prefix(newline + 1);
        continue;
      }
    }
    // No complete line that fits: cut when there is more than a line's
    // worth. A '\r' just past line_max may wait, since it may belong to a
    // "\r\n" whose '\n' has not arrived yet.
    const bool may_be_line_end = rest.size() == line_max_ + 1 && rest.back() == '\r';
    if (rest.size() > line_max_ && !may_be_line_end) {
      emit(rest.substr(0, line_max_));
      rest.remove_prefix(line_max_);
      continue;
    }
    break;
  }
  pending_.erase(0, pending_.size() - rest.size());
}

void LineSplitter::flush(const Emit& emit) {
  if (pending_.empty()) return;
  // Moved out first so emit may feed more data in. What is pending never
  // exceeds line_max once a trailing '\r' is gone (see feed).
  const std::string line = std::move(pending_);
  pending_.clear();
  emit(without_trailing_cr(line));
}

}  // namespace vermilion
