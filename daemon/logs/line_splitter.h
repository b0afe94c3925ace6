// Turns a byte stream into log lines the way journald does for a service's
// stdout: split on '\n', a trailing '\r' dropped, a line longer than
// line_max cut into pieces of line_max bytes. Bytes are kept as they are,
// NUL included. Pure logic, no I/O, so it can be tested and fuzzed alone.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace vermilion {

class LineSplitter {
 public:
  static constexpr std::size_t kDefaultLineMax = 4096;
  using Emit = std::function<void(std::string_view line)>;

  // line_max 0 is treated as 1 so every call makes progress.
  explicit LineSplitter(std::size_t line_max = kDefaultLineMax)
      : line_max_(line_max == 0 ? 1 : line_max) {}

  // Emits every line that `chunk` completes; keeps the unfinished rest.
  void feed(std::string_view chunk, const Emit& emit);
  // Emits the unfinished rest as a line of its own, if there is one.
  void flush(const Emit& emit);

  [[nodiscard]] bool has_partial() const { return !pending_.empty(); }

 private:
  std::size_t line_max_;
  std::string pending_;  // never holds a '\n'; at most line_max (+1 for a '\r') bytes
};

}  // namespace vermilion
