// Policy files name rights as words; any text can end up in parse_rights.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/rights.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto kind = static_cast<vermilion::CapabilityKind>(data[0] % 4);
  const std::string_view words(reinterpret_cast<const char*>(data + 1), size - 1);
  const vermilion::RightsParse parsed = vermilion::parse_rights(kind, words);
  // Exactly one of rights and error; rights only of the kind; printing and
  // parsing again gives the same set.
  if (parsed.rights.has_value() == !parsed.error.empty()) std::abort();
  if (!parsed.rights) return 0;
  if (!vermilion::is_subset(*parsed.rights, vermilion::allowed_rights(kind))) std::abort();
  const vermilion::RightsParse again =
      vermilion::parse_rights(kind, vermilion::rights_to_string(*parsed.rights));
  if (again.rights != parsed.rights) std::abort();
  return 0;
}
