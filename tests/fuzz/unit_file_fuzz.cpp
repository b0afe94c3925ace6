// Feeds arbitrary text through the unit-file syntax parser, every key
// handler and the whole-unit checks. The first byte picks the unit name so
// instance specifiers (%i %I %f) are exercised too.
#include <cstddef>
#include <cstdint>
#include <string>

#include "units/unit_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vermilion;
  // Every specifier resolves (host facts included), as on a real host.
  static const RuntimeIdentity identity = RuntimeIdentity::for_tests(RuntimeScope::user);
  UnitLoader loader({}, identity);

  std::string text(reinterpret_cast<const char*>(data), size);
  std::string name = size > 0 && (data[0] & 1) ? "getty@dev-tty\\x2d1.service" : "fuzz.service";
  Diagnostics diags;
  auto config = loader.load_text(name, "fuzz.service", text, diags);
  for (const auto& d : diags.items()) (void)format_diagnostic(d);
  (void)config;
  return 0;
}
