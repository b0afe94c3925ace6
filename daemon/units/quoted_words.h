// systemd's word splitting for command lines and Environment= (its
// extract_first_word with EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE): whitespace
// separates words, '...' and "..." quote (anywhere in a word, concatenating),
// and C escapes are resolved inside and outside quotes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "units/value_parsers.h"

namespace vermilion {

struct QuotedWord {
  std::string text;
  // The word was a bare unquoted, unescaped ";" (command separator in Exec
  // lines; "\;" gives a literal ";" word with this false).
  bool is_lone_semicolon = false;
};

// Escapes: \a \b \f \n \r \t \v \\ \" \' \s (space), \xNN, \NNN (octal),
// \uNNNN, \UNNNNNNNN, \; (a literal ';'), and a backslash before whitespace. Anything else, a
// NUL byte, or an unterminated quote is an error. '$' is left alone: variable
// expansion is the spawner's job.
[[nodiscard]] ParseResult<std::vector<QuotedWord>> split_quoted_words(std::string_view s);

}  // namespace vermilion
