#include "platform/version_compare.h"

#include <fnmatch.h>

#include <algorithm>
#include <array>
#include <string>

namespace vermilion {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_version_char(char c) { return is_digit(c) || is_alpha(c) || c == '~' || c == '-' || c == '^' || c == '.'; }

int sign(int v) { return (v > 0) - (v < 0); }
int cmp(bool a, bool b) { return static_cast<int>(a) - static_cast<int>(b); }

}  // namespace

// strverscmp_improved(), segment by segment; a string_view's end stands
// for the NUL the C code looks at. An empty string goes through the same
// loop (systemd compares a missing os-release field as ""): "" > "~1".
int compare_versions(std::string_view a, std::string_view b) {
  auto at = [](std::string_view s, std::size_t i) { return i < s.size() ? s[i] : '\0'; };
  std::size_t i = 0, j = 0;
  for (;;) {
    while (i < a.size() && !is_version_char(a[i])) ++i;
    while (j < b.size() && !is_version_char(b[j])) ++j;
    // '~' before anything: the pre-release is older.
    if (at(a, i) == '~' || at(b, j) == '~') {
      if (int r = cmp(at(a, i) != '~', at(b, j) != '~'); r != 0) return r;
      ++i, ++j;
    }
    // A string that ends is older, unless the other goes on with '~'.
    if (i >= a.size() || j >= b.size()) return cmp(i < a.size(), j < b.size());
    for (char separator : {'-', '^', '.'}) {
      if (at(a, i) == separator || at(b, j) == separator) {
        if (int r = cmp(at(a, i) != separator, at(b, j) != separator); r != 0) return r;
        ++i, ++j;
      }
    }
    std::size_t ii = i, jj = j;
    if (is_digit(at(a, i)) || is_digit(at(b, j))) {
      while (is_digit(at(a, ii))) ++ii;
      while (is_digit(at(b, jj))) ++jj;
      // A number is newer than no number.
      if (int r = cmp(ii != i, jj != j); r != 0) return r;
      while (at(a, i) == '0' && i < ii) ++i;
      while (at(b, j) == '0' && j < jj) ++j;
      if (int r = sign(static_cast<int>(ii - i) - static_cast<int>(jj - j)); r != 0) return r;
      if (int r = sign(a.substr(i, ii - i).compare(b.substr(j, jj - j))); r != 0) return r;
    } else {
      while (is_alpha(at(a, ii))) ++ii;
      while (is_alpha(at(b, jj))) ++jj;
      const std::size_t common = std::min(ii - i, jj - j);
      if (int r = sign(a.substr(i, common).compare(b.substr(j, common))); r != 0) return r;
      if (int r = sign(static_cast<int>(ii - i) - static_cast<int>(jj - j)); r != 0) return r;
    }
    i = ii, j = jj;
  }
}

std::optional<CompareOperator> take_compare_operator(std::string_view& text, CompareOperatorFlags flags) {
  using Op = CompareOperator;
  struct Entry {
    Op op;
    std::string_view token;
    bool needs_fnmatch;  // an error without allow_fnmatch
    bool needs_string;   // skipped without equal_by_string
  };
  // Longer tokens before their prefixes, as systemd's table.
  static constexpr std::array<Entry, 12> kTable{{
      {Op::fnmatch_equal, "$=", true, false},
      {Op::fnmatch_unequal, "!$=", true, false},
      {Op::unequal, "<>", false, false},
      {Op::lower_or_equal, "<=", false, false},
      {Op::greater_or_equal, ">=", false, false},
      {Op::lower, "<", false, false},
      {Op::greater, ">", false, false},
      {Op::equal, "==", false, false},
      {Op::string_equal, "=", false, true},
      {Op::equal, "=", false, false},
      {Op::string_unequal, "!=", false, true},
      {Op::unequal, "!=", false, false},
  }};
  for (const Entry& e : kTable) {
    if (e.needs_string && !flags.equal_by_string) continue;
    if (!text.starts_with(e.token)) continue;
    if (e.needs_fnmatch && !flags.allow_fnmatch) return std::nullopt;
    text.remove_prefix(e.token.size());
    return e.op;
  }
  return std::nullopt;
}

bool test_order(int order, CompareOperator op) {
  switch (op) {
    case CompareOperator::lower: return order < 0;
    case CompareOperator::lower_or_equal: return order <= 0;
    case CompareOperator::equal: return order == 0;
    case CompareOperator::unequal: return order != 0;
    case CompareOperator::greater_or_equal: return order >= 0;
    case CompareOperator::greater: return order > 0;
    default: return false;
  }
}

bool version_or_fnmatch_compare(CompareOperator op, std::string_view a, std::string_view b) {
  switch (op) {
    case CompareOperator::string_equal: return a == b;
    case CompareOperator::string_unequal: return a != b;
    case CompareOperator::fnmatch_equal:
    case CompareOperator::fnmatch_unequal: {
      const bool match = fnmatch(std::string(b).c_str(), std::string(a).c_str(), 0) == 0;
      return match == (op == CompareOperator::fnmatch_equal);
    }
    default: return test_order(compare_versions(a, b), op);
  }
}

}  // namespace vermilion
