// systemd 252's %-specifiers in unit files (systemd.unit(5) "Specifiers";
// src/core/unit-printf.c, src/shared/specifier.c):
//   %n full unit name        %N without the type suffix   %p prefix
//   %P prefix, unescaped     %i instance (as written)     %I instance, unescaped
//   %j last '-' part of the prefix, %J unescaped          %f "/" + unescaped
//   instance (or prefix) as a path   %y/%Y the fragment's real path/its directory
//   %C %E %L %S %t cache/config/logs/state/runtime dir of the manager
//   %d credentials dir (%t/credentials/UNIT)
//   %u %U %g %G %h %s the manager's user, uid, group, gid, home, shell
//   %H %l %q host name, short, pretty   %m machine id   %b boot id
//   %v kernel release   %a architecture   %o %w %W %B %M %A os-release fields
//   %T %V temporary directories         %% a literal '%'
// Values come from RuntimeIdentity (read once at start-up) and the unit's
// name; nothing is looked up while expanding.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "units/runtime_scope.h"

namespace vermilion {

// Which specifiers a key accepts. systemd expands unit names in dependency
// keys with unit_name_printf: only %i %j %n %N %p, the host's and the
// user's (%a %A %b %B %H %l %m %M %o %q %v %w %W, %g %G %u %U). Every other
// key gets the full table (unit_full_printf, unit_path_printf).
enum class SpecifierSet { unit_name, full };

// The longest result systemd accepts: a unit name (UNIT_NAME_MAX - 1), a
// path (PATH_MAX - 1), any other value (LONG_LINE_MAX).
inline constexpr std::size_t kMaxUnitNameExpansion = 255;
inline constexpr std::size_t kMaxPathExpansion = 4095;
inline constexpr std::size_t kMaxValueExpansion = 1024 * 1024;

struct SpecifierExpansion {
  std::string text;
  // Empty on success, else systemd's reason (its %m): "Invalid slot" for a
  // letter or digit that is no specifier here, "Invalid argument" for %f %I
  // %J %P of a name that does not unescape, "No such file or directory"
  // for %m %b %y %Y %o... whose source is missing, "File name too long".
  std::string error;
  [[nodiscard]] bool ok() const { return error.empty(); }
};

class SpecifierResolver {
 public:
  // unit_name: the name the unit is loaded as ("getty@tty1.service").
  // fragment_path: the file it was loaded from, for %y and %Y ("" if none).
  SpecifierResolver(std::string_view unit_name, const RuntimeIdentity& identity,
                    const std::string& fragment_path = {});

  // systemd's specifier_printf: "%%" is '%', a '%' before a character that
  // is neither a letter nor a digit stays as written ("%," is "%,"), as does
  // a '%' at the end; an empty value adds nothing.
  [[nodiscard]] SpecifierExpansion expand(std::string_view text, SpecifierSet set = SpecifierSet::full,
                                          std::size_t max_length = kMaxValueExpansion) const;

 private:
  struct Value {
    std::optional<std::string> text;  // nullopt: resolving fails with `error`
    const char* error = "Invalid slot";
    bool in_name_set = false;
  };
  void set(char letter, std::optional<std::string> text, bool in_name_set, const char* error = "Invalid argument");

  std::array<Value, 128> values_;
};

}  // namespace vermilion
