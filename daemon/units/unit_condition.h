// The conditions and asserts of a unit (systemd.unit(5) "Conditions and
// Asserts"): Condition*= and Assert*= keys of [Unit], held as systemd 252
// holds them (src/shared/condition.h). Testing them is exec/condition_check.h.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vermilion {

// systemd 252's ConditionType, in its order.
enum class ConditionType {
  architecture,
  firmware,
  virtualization,
  host,
  kernel_command_line,
  kernel_version,
  credential,
  security,
  capability,
  ac_power,
  memory,
  cpus,
  environment,
  cpu_feature,
  os_release,
  memory_pressure,
  cpu_pressure,
  io_pressure,
  needs_update,
  first_boot,
  path_exists,
  path_exists_glob,
  path_is_directory,
  path_is_symbolic_link,
  path_is_mount_point,
  path_is_read_write,
  path_is_encrypted,
  directory_not_empty,
  file_not_empty,
  file_is_executable,
  user,
  group,
  control_group_controller,
};

struct UnitCondition {
  ConditionType type = ConditionType::path_exists;
  std::string parameter;  // specifiers expanded; a simplified absolute path for path types
  bool trigger = false;   // "|": any trigger condition holding is enough
  bool negate = false;    // "!"

  friend bool operator==(const UnitCondition&, const UnitCondition&) = default;
};

// The key's type: "ConditionPathExists" and "AssertPathExists" are both
// path_exists, `is_assert` says which family. nullopt: not a key of
// systemd 252 (ConditionNull is gone since v244).
struct ConditionKey {
  ConditionType type;
  bool is_assert;
};
[[nodiscard]] std::optional<ConditionKey> condition_key_from_name(std::string_view key);
// "ConditionPathExists" / "AssertPathExists".
[[nodiscard]] std::string condition_key_name(ConditionType type, bool is_assert);

// Whether the parameter is a path, checked when loading (systemd's
// config_parse_unit_condition_path(): absolute and normalized, else the
// assignment is ignored); the others are strings tested as they are.
[[nodiscard]] bool condition_takes_path(ConditionType type);

}  // namespace vermilion
