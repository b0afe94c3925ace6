// A unit file's [Install] section, read as systemd's install.c reads it:
// apart from the rest of the unit, only by enable/disable/is-enabled, never
// when the unit is loaded to run (systemd.unit(5), "[Install] Section
// Options"). Keys: Alias=, WantedBy=, RequiredBy=, Also=, DefaultInstance=.
// Other sections and unknown keys are ignored here: loading the unit reports
// those.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "units/diagnostics.h"

namespace vermilion {

struct InstallSection {
  std::vector<std::string> alias;        // names this unit is also known by
  std::vector<std::string> wanted_by;    // units whose .wants/ gets a link
  std::vector<std::string> required_by;  // units whose .requires/ gets a link
  std::vector<std::string> also;         // units enabled and disabled with this one
  std::string default_instance;          // for a template enabled without one

  // Nothing to install: such a unit is "static" (or "indirect" with Also=).
  [[nodiscard]] bool has_rules() const { return !alias.empty() || !wanted_by.empty() || !required_by.empty(); }
};

// Parses the [Install] section of `text`, the file of unit `name` (which
// fills in the specifiers %n %N %p %i %j %%, as install.c's
// install_name_printf does; a specifier Vermilion does not expand there is
// an error naming it). Values are whitespace-separated names; an empty
// assignment empties the list; invalid names are warnings at path:line and
// skipped, as systemd does.
[[nodiscard]] InstallSection parse_install_section(std::string_view name, std::string_view text,
                                                   const std::string& path, Diagnostics& diags);

}  // namespace vermilion
