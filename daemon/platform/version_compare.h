// Comparing versions and sizes the way systemd 252's conditions do
// (ConditionKernelVersion=, ConditionOSRelease=, ConditionMemory=,
// ConditionCPUs=; src/fundamental/string-util-fundamental.c
// strverscmp_improved(), src/basic/compare-operator.c).
#pragma once

#include <optional>
#include <string_view>

namespace vermilion {

// Like strverscmp(3), but '.', '-', '^' and '~' separate segments: "~"
// marks a pre-release (older), '-' a release after the version, numbers
// compare by value, a longer version is newer. <0, 0 or >0.
[[nodiscard]] int compare_versions(std::string_view a, std::string_view b);

enum class CompareOperator {
  fnmatch_equal,    // "$="  (a shell glob)
  fnmatch_unequal,  // "!$="
  lower,            // "<"
  lower_or_equal,   // "<="
  equal,            // "==", or "=" without equal_by_string
  unequal,          // "<>", or "!=" without equal_by_string
  greater_or_equal, // ">="
  greater,          // ">"
  string_equal,     // "=" with equal_by_string
  string_unequal,   // "!=" with equal_by_string
};

struct CompareOperatorFlags {
  bool allow_fnmatch = false;    // "$=" and "!$=" are operators (else an error)
  bool equal_by_string = false;  // "=" and "!=" compare strings
};

// Takes the operator at the start of `text` off it. nullopt when there is
// none, or when it is "$="/"!$=" and globs are not allowed (then `text`
// is left alone).
[[nodiscard]] std::optional<CompareOperator> take_compare_operator(std::string_view& text,
                                                                   CompareOperatorFlags flags);

// Whether `order` (<0, 0, >0, as `a` compared with `b`) satisfies `op`;
// false for the string and glob operators.
[[nodiscard]] bool test_order(int order, CompareOperator op);

// systemd's version_or_fnmatch_compare(): strings and globs as they are,
// the rest with compare_versions(a, b).
[[nodiscard]] bool version_or_fnmatch_compare(CompareOperator op, std::string_view a, std::string_view b);

}  // namespace vermilion
