// Targets (systemd.target(5)): units without processes that group others
// through their dependencies and act as synchronisation points. What is
// particular to them at load time lives here: the targets vermiliond
// provides itself, and which unit is "the default target" it starts at boot.
// (Their keys are the [Unit] and [Install] keys of any unit: unit_keys.h;
// their state machine is the service's, without processes: service.h;
// the ordering DefaultDependencies= adds: dependency_graph.h.)
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "units/runtime_scope.h"

namespace vermilion {

// What vermiliond starts at boot, and nothing else (with what it pulls in
// through Wants=/Requires= and the .wants/.requires directories), as
// systemd starts default.target (systemd.special(7)).
inline constexpr std::string_view kDefaultTarget = "default.target";
// The system's normal target (systemd.special(7)); in system scope the
// built-in default.target requires it, as graphical.target and a
// default.target linked to multi-user.target do in systemd.
inline constexpr std::string_view kMultiUserTarget = "multi-user.target";

struct BuiltinTarget {
  std::string name;         // "default.target"
  std::string source_name;  // "<built-in>/default.target": diagnostics name it
  std::string text;         // the unit file's text
};

// The targets vermiliond provides when no unit file (or mask) of the name
// exists, loaded like files placed after the whole search path
// (UnitLoader::add_builtin):
//   system: multi-user.target (Description=Multi-User System), and
//           default.target with Requires=multi-user.target and
//           After=multi-user.target;
//   user:   default.target (Description=Main User Target).
[[nodiscard]] std::vector<BuiltinTarget> builtin_targets(RuntimeScope scope);

}  // namespace vermilion
