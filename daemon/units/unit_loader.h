// Finds .service and .target files in a search path and loads them into
// ServiceConfig: symlink aliases, template instances, drop-ins, the
// .wants/.requires directories, specifiers, and systemd's checks; also
// built-in units whose text vermiliond supplies. Load time only; nothing
// here spawns anything.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "units/diagnostics.h"
#include "units/runtime_scope.h"
#include "units/unit_config.h"
#include "units/unit_name_map.h"

namespace vermilion {

// system: /etc/vermilion/system, /usr/lib/vermilion/system.
// user: identity.config_home/vermilion/user, then
// identity.data_home/vermilion/user ($XDG_CONFIG_HOME and $XDG_DATA_HOME,
// defaults ~/.config and ~/.local/share: runtime_scope.h).
[[nodiscard]] std::vector<std::string> default_unit_dirs(RuntimeScope scope, const RuntimeIdentity& identity);

class UnitLoader {
 public:
  UnitLoader(std::vector<std::string> search_path, RuntimeIdentity identity);

  // A unit defined by vermiliond itself (vermilion-bridge.service). It loads
  // like a file named `source_name` placed after the whole search path: a
  // file of the same name anywhere in the search path replaces it, a
  // symlink to /dev/null masks it, and drop-ins (NAME.service.d/*.conf)
  // apply to it. Diagnostics name `source_name` ("<built-in>/NAME").
  void add_builtin(std::string name, std::string source_name, std::string text);

  // Whatever loads as `unit` (a file or a built-in unit, under its own name
  // or an alias) also Wants= `wanted`, as if unit.wants/wanted existed.
  // For vermiliond's own units (the bridge), which start at boot without
  // being enabled; a mask of `wanted` still keeps it from starting.
  void add_builtin_want(std::string unit, std::string wanted);

  // Names of every loadable non-template .service and .target in the search
  // path (first directory wins for the same file name), sorted. Symlink aliases and
  // masked units (symlinks to /dev/null) are not listed; an instance
  // symlinked to its template ("getty@tty1.service -> getty@.service") is.
  [[nodiscard]] std::vector<std::string> list_units() const;

  // Loads by normalized name ("web.service", "multi-user.target"; an
  // instance "getty@tty1.service" falls back to "getty@.service"). Resolves
  // symlink aliases (to a unit of the same type): the result's `name` is the
  // canonical name and `aliases` lists symlink names and [Install] Alias=
  // names. Applies drop-ins (NAME.service.d/*.conf and the template's
  // prefix@.service.d/*.conf in every search directory; the first
  // directory wins for the same file name; applied in file-name order), then
  // adds the NAME.wants/ and NAME.requires/ entries (dependency_dirs.h) and
  // built-in wants to Wants=/Requires=.
  // Never fails hard: problems go to diags and set load_state
  // (not_found / bad_setting / error).
  [[nodiscard]] ServiceConfig load(const std::string& name, Diagnostics& diags) const;

  // Whether the files `loaded` came from changed on disk since it was loaded,
  // so that a daemon-reload would load it differently (systemd 252's
  // unit_need_daemon_reload(), systemctl's "changed on disk" warning): its
  // fragment is gone, newer, or no longer /dev/null; its drop-ins are other
  // files now, or one is newer. A fragment that now shadows it from an
  // earlier directory does not count, as in systemd. Never true for a
  // built-in unit without drop-ins. stat(2)s and lists the unit's drop-in
  // directories: O(directories of the search path).
  [[nodiscard]] bool need_daemon_reload(const ServiceConfig& loaded) const;
  // The directories whose changes can make need_daemon_reload() true: the
  // search path's directories that exist and their drop-in directories
  // (*.d), for an inotify watch.
  [[nodiscard]] std::vector<std::string> watched_directories() const;

  // For `vermiliond --verify FILE`: loads the file at this path, name = its
  // file name, with the drop-ins in its own directory (NAME.service.d/*.conf
  // and a template's prefix@.service.d/*.conf), as systemd-analyze verify
  // 252 applies them; their problems carry their own file:line. A link
  // to /dev/null is reported as "Unit NAME is masked." and fails; a
  // template file loads as the instance "i" (t@.service as t@i.service).
  [[nodiscard]] ServiceConfig load_file(const std::string& path, Diagnostics& diags) const;

  // Loads from text already in memory (tests, fuzzing). Messages name
  // path_for_messages.
  [[nodiscard]] ServiceConfig load_text(const std::string& name, const std::string& path_for_messages,
                                        const std::string& text, Diagnostics& diags) const;

 private:
  struct Builtin {
    std::string source_name;
    std::string text;
  };
  struct Fragment {
    std::string name;  // canonical name the unit is loaded as
    std::string path;  // file to read, or a built-in unit's source name
    bool masked = false;
    const Builtin* builtin = nullptr;  // the text, when no file defines the unit
  };
  struct FileResult {
    bool syntax_ok = true;
    bool values_ok = true;
  };

  // Re-reads the search path if it changed (UnitNameMap) and then finds
  // every symlink alias again. Called by each public entry point.
  void refresh() const;
  [[nodiscard]] std::optional<std::string> find_in_search_path(const std::string& file_name) const;
  [[nodiscard]] std::optional<Fragment> resolve(const std::string& name, int depth) const;
  [[nodiscard]] std::vector<std::string> symlink_aliases_of(const std::string& canonical) const;
  [[nodiscard]] std::vector<std::string> drop_in_paths(const ServiceConfig& config,
                                                     const std::vector<std::string>& search_path) const;
  // Applies config.drop_in_paths in order, folding their results into `result`.
  void apply_drop_ins(ServiceConfig& config, FileResult& result, Diagnostics& diags) const;
  // The .wants/.requires entries and built-in wants, added to config.
  void add_directory_dependencies(ServiceConfig& config, Diagnostics& diags) const;
  FileResult apply_file(const std::string& path_for_messages, const std::string& text,
                        ServiceConfig& config, Diagnostics& diags) const;
  [[nodiscard]] ServiceConfig finish(ServiceConfig config, FileResult result, Diagnostics& diags) const;

  std::vector<std::string> search_path_;
  RuntimeIdentity identity_;
  std::map<std::string, Builtin> builtins_;  // by unit name
  std::map<std::string, std::vector<std::string>> builtin_wants_;  // unit -> wanted units
  // Caches of the search path's contents, kept current by refresh().
  mutable UnitNameMap names_;
  mutable std::map<std::string, std::vector<std::string>> aliases_;  // canonical name -> symlink names
};

}  // namespace vermilion
