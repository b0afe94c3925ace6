// systemd 252's word splitting (extract_first_word(), src/basic/
// extract-word.c) and C unescaping (cunescape_one(), src/basic/escape.c),
// with the flags unit files use. Separators are whitespace (" \t\n\r").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace vermilion {

enum ExtractFlags : unsigned {
  kExtractPlain = 0,
  // '...' and "..." quote anywhere in a word (concatenating); quotes removed.
  kExtractUnquote = 1u << 0,
  // Backslash escapes are C escapes (cunescape_one); an invalid one fails
  // the word, unless kExtractCunescapeRelax keeps it as written.
  kExtractCunescape = 1u << 1,
  kExtractCunescapeRelax = 1u << 2,
  // Backslashes stay in the word, escaping nothing (unit names: "\x2d").
  kExtractRetainEscape = 1u << 3,
};

enum class ExtractStatus { word, end, invalid };

struct ExtractedWord {
  ExtractStatus status = ExtractStatus::end;
  std::string word;  // for ExtractStatus::word; may be empty ("" or '')
};

// Takes the first word off `rest`, which then holds what follows it (empty
// at the end, or after a failure). Without kExtractCunescape a backslash
// makes the next character literal (and is dropped). Fails (invalid) on an
// unterminated quote, and with kExtractCunescape on an invalid escape or a
// trailing backslash unless kExtractCunescapeRelax is given.
[[nodiscard]] ExtractedWord extract_first_word(std::string_view& rest, unsigned flags);

// Resolves one C escape, `s` starting after the backslash: \a \b \f \n \r
// \t \v \\ \" \' \s (space), \xNN, \uNNNN, \UNNNNNNNN, \NNN (octal, at most
// 255). NUL (\x00, \000, \u0000) and code points that are not Unicode
// scalar values are invalid, NUL unless `accept_nul` (UNESCAPE_ACCEPT_NUL).
// Appends the result (UTF-8 for \u and \U, the byte for \x and octal) and
// returns the number of characters consumed after the backslash, or 0 when
// the escape is invalid.
[[nodiscard]] std::size_t cunescape_one(std::string_view s, std::string& out, bool accept_nul = false);

// systemd's cunescape(): every C escape of `s` resolved into `out`. False
// on an invalid escape or a trailing backslash.
[[nodiscard]] bool cunescape(std::string_view s, std::string& out, bool accept_nul = false);

// True for ' ', '\t', '\n', '\r' (systemd's WHITESPACE).
[[nodiscard]] inline bool is_unit_whitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace vermilion
