// Splitting a service's output must not depend on how the kernel chunked
// the reads: feeding the input whole or in arbitrary pieces gives the same
// lines, and no line is ever longer than line_max.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "logs/line_splitter.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::size_t line_max = 1 + data[0] % 16;
  const std::size_t piece = 1 + data[1] % 7;
  const std::string_view input(reinterpret_cast<const char*>(data + 2), size - 2);

  auto run = [&](std::size_t step) {
    vermilion::LineSplitter splitter(line_max);
    std::vector<std::string> lines;
    auto emit = [&](std::string_view line) {
      if (line.size() > line_max) std::abort();
      lines.emplace_back(line);
    };
    for (std::size_t at = 0; at < input.size(); at += step) splitter.feed(input.substr(at, step), emit);
    splitter.flush(emit);
    return lines;
  };
  if (run(input.size() + 1) != run(piece)) std::abort();
  return 0;
}
