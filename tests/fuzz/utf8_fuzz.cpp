// Service output is arbitrary bytes and goes onto D-Bus strings after
// escape_invalid_utf8; a string sd-bus refuses would fail a whole GetLogs.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string escaped = vermilion::escape_invalid_utf8(input);
  // No NUL survives; what comes out is valid (escaping it again changes
  // nothing); valid input is kept as it is.
  if (escaped.find('\0') != std::string::npos) std::abort();
  if (vermilion::escape_invalid_utf8(escaped) != escaped) std::abort();
  if (escaped.size() < input.size()) std::abort();
  if (escaped.size() == input.size() && escaped != input) std::abort();
  return 0;
}
