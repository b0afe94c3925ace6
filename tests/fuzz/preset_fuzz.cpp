// Feeds arbitrary text through the preset-file parser, then asks it about a
// few names (plain, template, instance, one the text itself names) as the
// property and `systemctl preset` do. Checks that a query never fails for
// a valid name and that a template's instances are instances of it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "units/unit_presets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vermilion;
  std::string text(reinterpret_cast<const char*>(data), size);
  Diagnostics diags;
  UnitPresets presets;
  presets.add_file("fuzz.preset", text, diags);
  for (const auto& d : diags.items()) (void)format_diagnostic(d);

  std::vector<std::string> names = {"web.service", "getty@.service", "getty@tty1.service", "a.target", "x"};
  for (const PresetRule& rule : presets.rules()) names.push_back(rule.pattern);
  for (const std::string& name : names) {
    auto action = presets.query(name);
    auto decision = presets.decide(name);
    if (action.has_value() != decision.has_value()) std::abort();
    if (!decision) continue;
    (void)to_state_word(*action);
    for (const std::string& instance : decision->instances) {
      // "T@.service" with instance I is "T@I.service": same prefix and suffix.
      auto at = name.find('@');
      if (at == std::string::npos || instance.compare(0, at + 1, name, 0, at + 1) != 0) std::abort();
    }
  }
  return 0;
}
