// The lexical layer of systemd's unit-file format (systemd.syntax(7)):
// "[Section]" headers, "Key=Value" assignments, '#'/';' comment lines and
// backslash continuations. It knows nothing about what keys mean; the key
// handlers in service_keys.h give them meaning.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "units/diagnostics.h"

namespace vermilion {

struct UnitSectionHeader {
  std::string name;
  unsigned line = 0;
};

struct UnitAssignment {
  std::string section;  // "" when the assignment came before any section
  std::string key;
  std::string value;    // trimmed; continuation lines joined with a space
  unsigned line = 0;    // first physical line of the assignment
};

struct UnitFileSyntax {
  std::vector<UnitSectionHeader> sections;  // in file order, repeats included
  std::vector<UnitAssignment> assignments;  // in file order
};

// Never fails hard: malformed lines are reported as errors at path:line and
// skipped, so one pass reports every problem. Assignments outside any
// section are a warning and dropped, as systemd does.
[[nodiscard]] UnitFileSyntax parse_unit_file_syntax(std::string_view text, const std::string& path,
                                                    Diagnostics& diags);

}  // namespace vermilion
