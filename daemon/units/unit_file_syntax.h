// The lexical layer of systemd's unit-file format (systemd.syntax(7)):
// "[Section]" headers, "Key=Value" assignments, '#'/';' comment lines and
// backslash continuations. It knows nothing about what keys mean; the key
// handlers in service_keys.h give them meaning.
#pragma once

#include <cstddef>
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

// systemd's WHITESPACE (" \t\n\r"), and `s` without it at either end:
// what the unit-file and preset parsers strip from lines and values.
inline constexpr std::string_view kUnitFileWhitespace = " \t\n\r";
[[nodiscard]] std::string_view trim_whitespace(std::string_view s);

// The longest physical line, newline included (systemd's LONG_LINE_MAX).
inline constexpr std::size_t kMaxUnitFileLine = 1024 * 1024;

// Never fails hard: problems are reported at path:line and the line is
// skipped, so one pass reports every problem. As systemd 252
// (src/shared/conf-parser.c): a line without '=' or without a key, and an
// assignment outside any section, are warnings; an invalid section header,
// a line that is not UTF-8 and an over-long line are errors, after which
// the file must not be used (load state "error").
[[nodiscard]] UnitFileSyntax parse_unit_file_syntax(std::string_view text, const std::string& path,
                                                    Diagnostics& diags);

}  // namespace vermilion
