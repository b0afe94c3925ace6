// Enablement as systemd's install.c does it (systemctl enable, disable,
// reenable, mask, unmask, is-enabled; systemctl(1), systemd.unit(5)
// "[Install] Section Options"): symlinks in the first unit directory, never
// a change to a unit file.
//
//   enable   WantedBy=T   -> CONFIG/T.wants/NAME   -> the unit file
//            RequiredBy=T -> CONFIG/T.requires/NAME -> the unit file
//            Alias=A      -> CONFIG/A              -> the unit file
//            Also=U       -> U enabled as well
//   A template enabled without an instance uses DefaultInstance=; a
//   template target (foo@.target) takes the unit's instance.
//   disable  removes every link in CONFIG named after the unit (or its
//            aliases and Also= units) or pointing at it; masks stay.
//   mask     CONFIG/NAME -> /dev/null; unmask removes such a link.
//
// The unit's state (is-enabled) follows unit_file_lookup_state(): masked,
// alias, linked, enabled (links found in CONFIG; -runtime in the runtime
// directory), else disabled (it has WantedBy=/RequiredBy=/Alias=), indirect
// (only Also=) or static.
//
// systemctl --root=DIR gives the same answers without a running systemd:
// the tests' expectations were recorded with it (tests/data/install).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "units/diagnostics.h"
#include "units/install_section.h"

namespace vermilion {

enum class UnitFileState {
  enabled,
  enabled_runtime,
  linked,
  linked_runtime,
  alias,
  masked,
  masked_runtime,
  static_,
  indirect,
  disabled,
};

// systemd's words: "enabled", "enabled-runtime", "static", ...
[[nodiscard]] const char* to_string(UnitFileState state);

// What enablement does to unit files.
enum class UnitFileOperation { enable, disable, reenable, mask, unmask };
[[nodiscard]] const char* to_string(UnitFileOperation op);  // "enable", ...

struct InstallPaths {
  std::vector<std::string> search_path;  // unit directories; the first holding a name wins
  std::string config;                    // where links are written: /etc/systemd/system
  std::string runtime_config;            // links here are "-runtime" ("" = none)
};

struct InstallChange {
  enum class Kind { symlink, unlink };
  Kind kind = Kind::symlink;
  std::string path;    // the link
  std::string target;  // what a new link points to
};

// systemctl's report of a change: "Created symlink A → B." / "Removed "A".".
[[nodiscard]] std::string describe(const InstallChange& change);

class UnitInstaller {
 public:
  // The largest unit file read for its [Install] section.
  static constexpr std::size_t kMaxUnitFileBytes = 4 * 1024 * 1024;

  explicit UnitInstaller(InstallPaths paths) : paths_(std::move(paths)) {}

  // Each returns 0 or the first -errno; every problem is also in `diags`,
  // naming the unit and the file. What was done before an error stays done
  // and is in `changes` (as systemctl does).
  //   -ENOENT  no unit file of that name
  //   -ERFKILL the unit is masked (enable)
  //   -EEXIST  a different file or link is in the way
  //   -EINVAL  an invalid unit name
  [[nodiscard]] int enable(const std::vector<std::string>& names, std::vector<InstallChange>& changes,
                           Diagnostics& diags) const;
  [[nodiscard]] int disable(const std::vector<std::string>& names, std::vector<InstallChange>& changes,
                            Diagnostics& diags) const;
  // disable, then enable.
  [[nodiscard]] int reenable(const std::vector<std::string>& names, std::vector<InstallChange>& changes,
                             Diagnostics& diags) const;
  [[nodiscard]] int mask(const std::vector<std::string>& names, std::vector<InstallChange>& changes,
                         Diagnostics& diags) const;
  [[nodiscard]] int unmask(const std::vector<std::string>& names, std::vector<InstallChange>& changes,
                           Diagnostics& diags) const;
  // systemctl set-default NAME (SetDefaultTarget): CONFIG/default.target
  // -> the target's file. With `force` (systemctl always sends it) a link
  // to something else is replaced, reported as its removal, then the link.
  // -EINVAL for a name that is not a target's, or default.target; -ENOENT,
  // -ERFKILL as enable; -EEXIST for a file (not a link) in the way, or a
  // link without `force`.
  [[nodiscard]] int set_default(const std::string& name, bool force, std::vector<InstallChange>& changes,
                                Diagnostics& diags) const;
  // The links disable would remove (GetUnitFileLinks: systemd's dry run of
  // unit_file_disable()), in CONFIG, or with `runtime` in the runtime
  // directory. -EINVAL for an invalid name.
  [[nodiscard]] int links_of(const std::vector<std::string>& names, bool runtime, std::vector<std::string>& out,
                             Diagnostics& diags) const;
  // The one of the above that `op` names.
  [[nodiscard]] int change(UnitFileOperation op, const std::vector<std::string>& names,
                           std::vector<InstallChange>& changes, Diagnostics& diags) const;

  // nullopt: no unit file of that name.
  [[nodiscard]] std::optional<UnitFileState> state(const std::string& name) const;
  // systemd's unit_file_get_default(): the unit default.target is, links
  // followed ("multi-user.target"), or "default.target" for a file of its
  // own. -ENOENT without a default.target file, -ERFKILL when it is masked.
  [[nodiscard]] int default_target(std::string& out) const;
  // Every unit file in the search path (the first directory wins), by name.
  [[nodiscard]] std::map<std::string, UnitFileState> list() const;
  // The same files as systemd's ListUnitFiles gives them: the path where the
  // search path holds each name (not following links), and its state.
  [[nodiscard]] std::vector<std::pair<std::string, UnitFileState>> list_paths() const;

 private:
  struct Found;
  [[nodiscard]] std::optional<Found> find(const std::string& name) const;
  [[nodiscard]] int install(const std::string& name, std::vector<std::string>& visited,
                            std::vector<InstallChange>& changes, Diagnostics& diags) const;
  [[nodiscard]] int link(const std::string& path, const std::string& target, std::vector<InstallChange>& changes,
                         Diagnostics& diags) const;
  [[nodiscard]] InstallSection install_section(const Found& found, Diagnostics& diags) const;
  // The names disable removes links of: the units, their aliases, Also=.
  void collect_names(const std::string& name, std::vector<std::string>& names, Diagnostics& diags) const;
  enum class Linked { none, exact, instances };
  [[nodiscard]] Linked linked_in(const std::string& dir, const Found& found, const std::string& name,
                                 const std::string& default_instance) const;

  InstallPaths paths_;
};

}  // namespace vermilion
