// Preset policy (systemd.preset(5)), read as systemd 252's install.c reads
// it (read_presets(), query_presets(), unit_file_query_preset()): which
// units `systemctl preset` enables and which it disables, and what
// org.freedesktop.systemd1's Unit.UnitFilePreset says ("enabled" or
// "disabled"; systemctl status: "preset: enabled").
//
// Files: every NAME.preset in the preset directories; of files with the same
// name the one in the earliest directory wins (/etc over /run over /usr/lib),
// and all are read in order of their names, whatever their directory.
// Lines, each stripped of whitespace:
//   # or ; first    a comment; empty lines are skipped
//   enable GLOB     fnmatch(3) glob on the unit's name (FNM_NOESCAPE)
//   enable T@.service A B ...
//                   a template with instances: `systemctl preset T@.service`
//                   enables T@A.service, T@B.service (the glob is T@.service)
//   disable GLOB
// The first rule whose glob matches decides; with none, the unit is enabled
// (systemd: "Preset files don't specify rule for X. Enabling."). systemd 252
// knows no other directive: "ignore" (systemd 254) is a line it cannot parse,
// and so it is here (a warning, the line skipped).
//
// What systemd does not do and Vermilion does: a file that cannot be read,
// is not a regular file or is larger than kMaxFileBytes is a diagnostic
// (file, and line where there is one) and is skipped, never a reason to
// fail the others (systemd fails the whole read). A link to /dev/null masks
// the file of that name silently, as its empty content does in systemd.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "units/diagnostics.h"
#include "units/runtime_scope.h"

namespace vermilion {

enum class PresetAction { enable, disable };

// systemd's words for Unit.UnitFilePreset: "enabled", "disabled".
[[nodiscard]] const char* to_state_word(PresetAction action);

// What `systemctl preset` (PresetUnitFilesWithMode) may do: both, only
// enable, only disable (systemd's unit_file_preset_mode_from_string()).
enum class PresetMode { full, enable_only, disable_only };
// "full", "enable-only", "disable-only"; "" means full (as systemd's
// method_preset_unit_files_with_mode()); nullopt for anything else.
[[nodiscard]] std::optional<PresetMode> parse_preset_mode(std::string_view word);

struct PresetRule {
  std::string pattern;                 // a glob, or T@.service with instances
  PresetAction action = PresetAction::enable;
  std::vector<std::string> instances;  // only for "enable T@.service A B"
};

// The decision of `systemctl preset NAME`: enable (the unit, or for a
// template with listed instances those instances), or disable.
struct PresetDecision {
  PresetAction action = PresetAction::enable;
  std::vector<std::string> instances;  // unit names to enable instead of NAME ("T@A.service")
};

class UnitPresets {
 public:
  // The largest preset file read (systemd reads lines of up to 1 MiB).
  static constexpr std::size_t kMaxFileBytes = 1024 * 1024;

  // Every *.preset file of `dirs` (first directory first), read in order of
  // their names. Problems go to `diags`; nothing here fails.
  [[nodiscard]] static UnitPresets read(const std::vector<std::string>& dirs, Diagnostics& diags);
  // Adds the rules of one file's text (`path` names it in diagnostics).
  void add_file(const std::string& path, std::string_view text, Diagnostics& diags);

  // Unit.UnitFilePreset of a unit whose file is named `name` (systemd's
  // unit_file_query_preset(); an instance list plays no part there).
  // nullopt for an invalid unit name (systemd answers "").
  [[nodiscard]] std::optional<PresetAction> query(std::string_view name) const;
  // What `systemctl preset NAME` does (query_presets() with an instance
  // list): for the template T@.service under "enable T@.service A B", enable
  // T@A.service and T@B.service; for the instance T@A.service, enable it.
  // nullopt for an invalid unit name.
  [[nodiscard]] std::optional<PresetDecision> decide(std::string_view name) const;

  [[nodiscard]] const std::vector<PresetRule>& rules() const { return rules_; }

 private:
  std::vector<PresetRule> rules_;
};

// systemd 252's preset directories on Debian (split /usr: /lib too;
// `strings libsystemd-shared-252.so`):
//   system: /etc/systemd/system-preset, /run/systemd/system-preset,
//           /usr/local/lib/systemd/system-preset,
//           /usr/lib/systemd/system-preset, /lib/systemd/system-preset
//   user:   /etc/systemd/user-preset, /run/systemd/user-preset,
//           /usr/local/lib/systemd/user-preset, /usr/lib/systemd/user-preset
// for `vermiliond --systemd-paths`.
[[nodiscard]] std::vector<std::string> systemd_preset_dirs(RuntimeScope scope);

// Vermilion's own, for its own unit directories (the default, or
// --unit-dir): beside its default unit directories, as systemd's are beside
// its own:
//   system: /etc/vermilion/system-preset, /usr/lib/vermilion/system-preset
//   user:   CONFIG_HOME/vermilion/user-preset, DATA_HOME/vermilion/user-preset
[[nodiscard]] std::vector<std::string> default_preset_dirs(RuntimeScope scope, const RuntimeIdentity& identity);

}  // namespace vermilion
