#include "units/capability_set.h"

#include <linux/capability.h>
#include <sys/capability.h>

#include <string>

#include "units/extract_word.h"

namespace vermilion {

std::uint64_t capability_set_from_string(std::string_view text) {
  std::uint64_t set = 0;
  for (std::string_view rest = text;;) {
    ExtractedWord w = extract_first_word(rest, kExtractUnquote);
    if (w.status != ExtractStatus::word) break;
    cap_value_t value = 0;
    // Names of the capabilities libcap knows, or numbers 0-63, as systemd
    // 252's capability_from_name().
    if (cap_from_name(w.word.c_str(), &value) < 0 || value < 0 || value > 63) continue;
    set |= std::uint64_t{1} << value;
  }
  return set;
}

std::uint64_t apply_capability_assignment(std::uint64_t current, std::uint64_t initial, std::string_view value) {
  const bool invert = value.starts_with('~');
  if (invert) value.remove_prefix(1);
  const std::uint64_t sum = capability_set_from_string(value);
  if (sum == 0 || current == initial) return invert ? ~sum : sum;
  return invert ? current & ~sum : current | sum;
}

}  // namespace vermilion
