// One Exec*= value (ExecStart=, ExecStop=, ...) turned into commands, with
// systemd 252's rules: prefixes "-@:+!" (and "!!") on the first word, '@'
// taking the second word as argv[0], quoting and C escapes as in
// quoted_words.h, and lone ";" words separating several commands on one line
// ("\;" is a literal ";" argument). Specifiers must already be expanded;
// $VAR/${VAR}/$$ stay as written for the spawner.
#pragma once

#include <string_view>
#include <vector>

#include "units/unit_config.h"
#include "units/value_parsers.h"

namespace vermilion {

[[nodiscard]] ParseResult<std::vector<ExecCommand>> parse_exec_line(std::string_view value,
                                                                    const SourceLocation& where);

}  // namespace vermilion
