// Writing a number in decimal without allocating, for the forked child
// between fork and exec, where only async-signal-safe code may run.
#pragma once

#include <cstddef>

namespace vermilion {

// Writes `value`'s digits to `out` (no terminating NUL; at most 20
// characters for 64 bits) and returns how many.
inline std::size_t write_decimal(char* out, unsigned long long value) noexcept {
  char digits[20];
  std::size_t n = 0;
  do {
    digits[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value > 0);
  for (std::size_t i = 0; i < n; ++i) out[i] = digits[n - 1 - i];
  return n;
}

}  // namespace vermilion
