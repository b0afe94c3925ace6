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
// What DefaultDependencies=yes ties units to (systemd.special(7),
// systemd.service(5) and systemd.target(5) "Default Dependencies"): a
// service requires sysinit.target in system scope (basic.target in user
// scope, which has no sysinit.target) and starts after basic.target; every
// service and target but shutdown.target itself conflicts with
// shutdown.target and stops before it.
inline constexpr std::string_view kSysinitTarget = "sysinit.target";
inline constexpr std::string_view kBasicTarget = "basic.target";
inline constexpr std::string_view kShutdownTarget = "shutdown.target";

struct BuiltinTarget {
  std::string name;         // "default.target"
  std::string source_name;  // "<built-in>/default.target": diagnostics name it
  std::string text;         // the unit file's text
};

// The targets vermiliond provides when no unit file (or mask) of the name
// exists, loaded like files placed after the whole search path
// (UnitLoader::add_builtin), as systemd 252 ships them less the units
// vermiliond does not run (so that the default dependencies above resolve
// without systemd installed):
//   system: sysinit.target; basic.target (Requires=, After=sysinit.target);
//           multi-user.target (Requires=, After=basic.target);
//           default.target (Requires=, After=multi-user.target);
//           shutdown.target (DefaultDependencies=no);
//   user:   basic.target; default.target (Description=Main User Target,
//           Requires=, After=basic.target); shutdown.target
//           (DefaultDependencies=no).
[[nodiscard]] std::vector<BuiltinTarget> builtin_targets(RuntimeScope scope);

}  // namespace vermilion
