#include "common/bus_name.h"

namespace vermilion {
namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool is_valid_bus_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxBusNameLength) return false;
  const bool unique = name.front() == ':';
  bool dot = true;  // at the start of an element
  bool found_dot = false;
  for (char c : name.substr(unique ? 1 : 0)) {
    if (c == '.') {
      if (dot) return false;
      found_dot = dot = true;
      continue;
    }
    if (!(is_alpha(c) || ((!dot || unique) && is_digit(c)) || c == '_' || c == '-')) return false;
    dot = false;
  }
  return !dot && found_dot;
}

bool is_well_known_bus_name(std::string_view name) { return is_valid_bus_name(name) && name.front() != ':'; }

bool is_unique_bus_name(std::string_view name) { return is_valid_bus_name(name) && name.front() == ':'; }

}  // namespace vermilion
