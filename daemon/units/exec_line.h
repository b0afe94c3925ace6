// One Exec*= value (ExecStart=, ExecStop=, ...) turned into commands, as
// systemd 252's config_parse_exec (src/core/load-fragment.c) does it:
//  - words split with quotes and C escapes (extract_word.h); an unknown
//    escape is kept as written with a warning ("Ignoring unknown escape
//    sequences"), unbalanced quoting is an error;
//  - prefixes "-@:+!" (and "!!") on the first word, '@' taking the next
//    word as argv[0];
//  - specifiers expanded in each word after splitting, so a value with
//    spaces stays one argument and "%i" of a plain unit is an empty one;
//  - a lone unquoted ";" separates commands (extra ones are skipped), "\;"
//    alone is a literal ";" argument;
//  - the program must be an absolute path or a bare file name, without
//    quotes, backslashes or control characters, not ending in '/'.
// $VAR/${VAR}/$$ stay as written for the spawner.
#pragma once

#include <string_view>
#include <vector>

#include "units/diagnostics.h"
#include "units/specifiers.h"
#include "units/unit_config.h"

namespace vermilion {

enum class ExecLineResult {
  ok,       // every command parsed (warnings may have been given)
  ignored,  // a problem in a command with the '-' prefix, or in its first
            // word: reported as a warning, the rest of the line dropped
  fatal,    // reported as an error: the unit must not load (bad-setting)
};

// Appends the commands of `value` to `out` as they are parsed (commands
// before a problem stay, as in systemd). Messages go to diags at `where`.
[[nodiscard]] ExecLineResult parse_exec_line(std::string_view value, const SourceLocation& where,
                                             const SpecifierResolver& specifiers, std::vector<ExecCommand>& out,
                                             Diagnostics& diags);

}  // namespace vermilion
