#include "units/quoted_words.h"

namespace vermilion {
namespace {

using Words = ParseResult<std::vector<QuotedWord>>;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Resolves the escape whose character after the backslash is s[pos].
// Returns the number of characters consumed after the backslash, 0 on error.
std::size_t unescape_one(std::string_view s, std::size_t pos, std::string& out) {
  char c = s[pos];
  switch (c) {
    case 'a': out += '\a'; return 1;
    case 'b': out += '\b'; return 1;
    case 'f': out += '\f'; return 1;
    case 'n': out += '\n'; return 1;
    case 'r': out += '\r'; return 1;
    case 't': out += '\t'; return 1;
    case 'v': out += '\v'; return 1;
    case '\\': out += '\\'; return 1;
    case '"': out += '"'; return 1;
    case '\'': out += '\''; return 1;
    case 's': out += ' '; return 1;
    case ';': out += ';'; return 1;  // "\;": a literal ";" word in Exec lines
    case 'x': {
      if (pos + 2 >= s.size()) return 0;
      int hi = hex_digit(s[pos + 1]), lo = hex_digit(s[pos + 2]);
      if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) return 0;
      out += static_cast<char>(hi * 16 + lo);
      return 3;
    }
    case 'u':
    case 'U': {
      std::size_t digits = c == 'u' ? 4 : 8;
      if (pos + digits >= s.size()) return 0;
      char32_t cp = 0;
      for (std::size_t i = 1; i <= digits; ++i) {
        int d = hex_digit(s[pos + i]);
        if (d < 0) return 0;
        cp = cp * 16 + static_cast<char32_t>(d);
      }
      if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
      append_utf8(out, cp);
      return digits + 1;
    }
    default:
      break;
  }
  if (c >= '0' && c <= '7') {
    if (pos + 2 >= s.size()) return 0;
    int value = 0;
    for (std::size_t i = 0; i < 3; ++i) {
      char d = s[pos + i];
      if (d < '0' || d > '7') return 0;
      value = value * 8 + (d - '0');
    }
    if (value == 0 || value > 255) return 0;
    out += static_cast<char>(value);
    return 3;
  }
  if (is_space(c)) {
    out += c;
    return 1;
  }
  return 0;
}

}  // namespace

ParseResult<std::vector<QuotedWord>> split_quoted_words(std::string_view s) {
  std::vector<QuotedWord> words;
  std::size_t pos = 0;
  while (true) {
    while (pos < s.size() && is_space(s[pos])) ++pos;
    if (pos >= s.size()) break;

    QuotedWord word;
    bool plain_semicolon = s[pos] == ';';  // stays true only for an unquoted, unescaped ";"
    char quote = 0;
    while (pos < s.size()) {
      char c = s[pos];
      if (quote == 0 && is_space(c)) break;
      if (c == '\0') return Words::failure("NUL byte in value");
      if (c == '\\') {
        plain_semicolon = false;
        if (pos + 1 >= s.size()) return Words::failure("trailing backslash");
        std::size_t used = unescape_one(s, pos + 1, word.text);
        if (used == 0) return Words::failure("invalid escape sequence '\\" + std::string(1, s[pos + 1]) + "'");
        pos += 1 + used;
        continue;
      }
      if (quote != 0 && c == quote) {
        quote = 0;
        ++pos;
        continue;
      }
      if (quote == 0 && (c == '"' || c == '\'')) {
        plain_semicolon = false;
        quote = c;
        ++pos;
        continue;
      }
      word.text += c;
      ++pos;
    }
    if (quote != 0) return Words::failure(std::string("unterminated ") + (quote == '"' ? "double" : "single") + " quote");
    word.is_lone_semicolon = plain_semicolon && word.text == ";";
    words.push_back(std::move(word));
  }
  return Words::success(std::move(words));
}

}  // namespace vermilion
