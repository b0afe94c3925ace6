#include "units/unit_condition.h"

#include <array>
#include <utility>

namespace vermilion {
namespace {

// The names after "Condition"/"Assert", as systemd 252's
// condition_type_table[] (src/shared/condition.c), in ConditionType's order.
constexpr std::array<std::string_view, 33> kNames{
    "Architecture",   "Firmware",          "Virtualization",    "Host",
    "KernelCommandLine", "KernelVersion",  "Credential",        "Security",
    "Capability",     "ACPower",           "Memory",            "CPUs",
    "Environment",    "CPUFeature",        "OSRelease",         "MemoryPressure",
    "CPUPressure",    "IOPressure",        "NeedsUpdate",       "FirstBoot",
    "PathExists",     "PathExistsGlob",    "PathIsDirectory",   "PathIsSymbolicLink",
    "PathIsMountPoint", "PathIsReadWrite", "PathIsEncrypted",   "DirectoryNotEmpty",
    "FileNotEmpty",   "FileIsExecutable",  "User",              "Group",
    "ControlGroupController",
};
static_assert(kNames.size() == static_cast<std::size_t>(ConditionType::control_group_controller) + 1);

}  // namespace

std::optional<ConditionKey> condition_key_from_name(std::string_view key) {
  bool is_assert = false;
  if (key.starts_with("Condition")) key.remove_prefix(9);
  else if (key.starts_with("Assert")) {
    key.remove_prefix(6);
    is_assert = true;
  } else {
    return std::nullopt;
  }
  for (std::size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i] == key) return ConditionKey{static_cast<ConditionType>(i), is_assert};
  return std::nullopt;
}

std::string condition_key_name(ConditionType type, bool is_assert) {
  return std::string(is_assert ? "Assert" : "Condition") + std::string(kNames[static_cast<std::size_t>(type)]);
}

// systemd 252's load-fragment-gperf.gperf: these use
// config_parse_unit_condition_path, the rest config_parse_unit_condition_string.
bool condition_takes_path(ConditionType type) {
  using T = ConditionType;
  switch (type) {
    case T::needs_update:
    case T::path_exists:
    case T::path_exists_glob:
    case T::path_is_directory:
    case T::path_is_symbolic_link:
    case T::path_is_mount_point:
    case T::path_is_read_write:
    case T::path_is_encrypted:
    case T::directory_not_empty:
    case T::file_not_empty:
    case T::file_is_executable: return true;
    default: return false;
  }
}

}  // namespace vermilion
