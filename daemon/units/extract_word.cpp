#include "units/extract_word.h"

namespace vermilion {
namespace {

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

}  // namespace

std::size_t cunescape_one(std::string_view s, std::string& out, bool accept_nul) {
  if (s.empty()) return 0;
  char c = s[0];
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
    case 's': out += ' '; return 1;  // systemd's extension of the XDG syntax
    case 'x': {
      if (s.size() < 3) return 0;
      int hi = hex_digit(s[1]), lo = hex_digit(s[2]);
      if (hi < 0 || lo < 0 || (hi == 0 && lo == 0 && !accept_nul)) return 0;
      out += static_cast<char>(hi * 16 + lo);
      return 3;
    }
    case 'u':
    case 'U': {
      std::size_t digits = c == 'u' ? 4 : 8;
      if (s.size() < digits + 1) return 0;
      char32_t cp = 0;
      for (std::size_t i = 1; i <= digits; ++i) {
        int d = hex_digit(s[i]);
        if (d < 0) return 0;
        cp = cp * 16 + static_cast<char32_t>(d);
      }
      if ((cp == 0 && !accept_nul) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
      append_utf8(out, cp);
      return digits + 1;
    }
    default:
      break;
  }
  if (c >= '0' && c <= '7') {
    if (s.size() < 3) return 0;
    int value = 0;
    for (std::size_t i = 0; i < 3; ++i) {
      if (s[i] < '0' || s[i] > '7') return 0;
      value = value * 8 + (s[i] - '0');
    }
    if ((value == 0 && !accept_nul) || value > 255) return 0;
    out += static_cast<char>(value);
    return 3;
  }
  return 0;
}

bool cunescape(std::string_view s, std::string& out, bool accept_nul) {
  out.clear();
  for (std::size_t pos = 0; pos < s.size();) {
    if (s[pos] != '\\') {
      out += s[pos++];
      continue;
    }
    const std::size_t used = cunescape_one(s.substr(pos + 1), out, accept_nul);
    if (used == 0) return false;
    pos += 1 + used;
  }
  return true;
}

ExtractedWord extract_first_word(std::string_view& rest, unsigned flags) {
  ExtractedWord result;
  std::size_t pos = 0;
  while (pos < rest.size() && is_unit_whitespace(rest[pos])) ++pos;
  if (pos >= rest.size()) {
    rest = {};
    return result;  // end
  }
  auto fail = [&] {
    rest = {};
    return ExtractedWord{ExtractStatus::invalid, {}};
  };

  std::string& word = result.word;
  char quote = 0;
  while (pos < rest.size()) {
    char c = rest[pos];
    if (c == '\\' && !(flags & kExtractRetainEscape)) {
      ++pos;
      if (pos >= rest.size()) {  // trailing backslash
        if ((flags & kExtractCunescapeRelax) && quote == 0) {
          word += '\\';
          break;
        }
        return fail();
      }
      if (flags & kExtractCunescape) {
        std::size_t used = cunescape_one(rest.substr(pos), word);
        if (used == 0) {
          if (!(flags & kExtractCunescapeRelax)) return fail();
          word += '\\';
          word += rest[pos];
          used = 1;
        }
        pos += used;
      } else {
        word += rest[pos++];
      }
      continue;
    }
    if (quote != 0) {
      if (c == quote) quote = 0;
      else word += c;
      ++pos;
      continue;
    }
    if ((c == '\'' || c == '"') && (flags & kExtractUnquote)) {
      quote = c;
      ++pos;
      continue;
    }
    if (is_unit_whitespace(c)) break;
    word += c;
    ++pos;
  }
  if (quote != 0) return fail();
  while (pos < rest.size() && is_unit_whitespace(rest[pos])) ++pos;
  rest.remove_prefix(pos);
  result.status = ExtractStatus::word;
  return result;
}

}  // namespace vermilion
