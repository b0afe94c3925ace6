// systemd's %-specifiers for the subset Vermilion resolves:
//   %n full unit name      %N name without ".service"   %p prefix
//   %i instance (escaped)  %I instance, unescaped        %f "/" + unescaped
//   instance (or prefix)   %u user  %U uid  %h home  %t runtime dir
//   %H host name           %% a literal '%'
// Any other letter after '%' is an error for the key it appears in.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "units/runtime_scope.h"

namespace vermilion {

struct SpecifierExpansion {
  std::string text;
  std::optional<char> unknown;  // the first unresolvable specifier letter
  [[nodiscard]] bool ok() const { return !unknown.has_value(); }
};

class SpecifierResolver {
 public:
  // unit_name: the name the unit is loaded as ("getty@tty1.service").
  SpecifierResolver(std::string_view unit_name, const RuntimeIdentity& identity);

  [[nodiscard]] SpecifierExpansion expand(std::string_view text) const;

 private:
  std::array<std::optional<std::string>, 128> values_;
};

}  // namespace vermilion
