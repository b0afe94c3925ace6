#include "units/process_environment.h"

#include <cstring>
#include <string_view>

namespace vermilion {
namespace {

std::optional<std::string> non_empty_or_none(const char* value) {
  if (value == nullptr || value[0] == '\0') return std::nullopt;
  return std::string(value);
}

// The XDG Base Directory rule: "If an implementation encounters a relative
// path in any of these variables it should consider the path invalid and
// ignore it."
std::optional<std::string> absolute_path_or_none(const char* value) {
  if (value == nullptr || value[0] != '/') return std::nullopt;
  return std::string(value);
}

}  // namespace

ProcessEnvironment ProcessEnvironment::parse(const char* const* envp) {
  struct Variable {
    std::string_view name;
    std::optional<std::string> ProcessEnvironment::*field;
    bool path;
  };
  static constexpr Variable kVariables[] = {
      {"HOME", &ProcessEnvironment::home, true},
      {"XDG_CONFIG_HOME", &ProcessEnvironment::xdg_config_home, true},
      {"XDG_DATA_HOME", &ProcessEnvironment::xdg_data_home, true},
      {"XDG_RUNTIME_DIR", &ProcessEnvironment::xdg_runtime_dir, true},
      {"XDG_CACHE_HOME", &ProcessEnvironment::xdg_cache_home, true},
      {"SHELL", &ProcessEnvironment::shell, true},
      {"CREDENTIALS_DIRECTORY", &ProcessEnvironment::credentials_directory, true},
      {"ENCRYPTED_CREDENTIALS_DIRECTORY", &ProcessEnvironment::encrypted_credentials_directory, true},
      {"USER", &ProcessEnvironment::user, false},
      {"XDG_CONFIG_DIRS", &ProcessEnvironment::xdg_config_dirs, false},
      {"XDG_DATA_DIRS", &ProcessEnvironment::xdg_data_dirs, false},
      {"LANG", &ProcessEnvironment::lang, false},
      {"JOURNAL_STREAM", &ProcessEnvironment::journal_stream, false},
      {"DBUS_SYSTEM_BUS_ADDRESS", &ProcessEnvironment::dbus_system_bus_address, false},
      {"DBUS_SESSION_BUS_ADDRESS", &ProcessEnvironment::dbus_session_bus_address, false},
  };

  // systemd's tmp_dir(): the first of these that is set and valid.
  static constexpr std::string_view kTmpVariables[] = {"TMPDIR", "TEMP", "TMP"};

  ProcessEnvironment env;
  bool seen[std::size(kVariables)] = {};
  std::optional<std::string> tmp[std::size(kTmpVariables)];
  for (; envp != nullptr && *envp != nullptr; ++envp) {
    const char* entry = *envp;
    const char* equals = std::strchr(entry, '=');
    if (equals == nullptr) continue;
    std::string_view name(entry, static_cast<std::size_t>(equals - entry));
    for (std::size_t i = 0; i < std::size(kTmpVariables); ++i)
      if (name == kTmpVariables[i] && !tmp[i]) tmp[i] = absolute_path_or_none(equals + 1);
    for (std::size_t i = 0; i < std::size(kVariables); ++i) {
      const Variable& v = kVariables[i];
      if (seen[i] || name != v.name) continue;
      seen[i] = true;
      env.*v.field = v.path ? absolute_path_or_none(equals + 1) : non_empty_or_none(equals + 1);
    }
  }
  for (auto& candidate : tmp)
    if (candidate && !env.tmpdir) env.tmpdir = candidate;
  return env;
}

}  // namespace vermilion
