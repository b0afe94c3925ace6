// systemd's unit search path (systemd.unit(5) "Unit File Load Path", as
// `systemd-analyze unit-paths` prints it for systemd 252 on Debian), for
// `vermiliond --systemd-paths`: so that the units packages install, and the
// links `systemctl enable` makes, are what vermiliond sees. Left out are the
// directories only systemd itself writes (*.control, *.attached,
// transient), which Vermilion neither fills nor reads; the generators'
// output directories join this list in the supervisor
// (units/generators.h: with_generator_output).
#pragma once

#include <string>
#include <vector>

#include "units/process_environment.h"
#include "units/runtime_scope.h"

namespace vermilion {

// First wins; enablement links go into the first (UnitInstaller).
//   system: /etc/systemd/system, /run/systemd/system,
//           /usr/local/lib/systemd/system, /lib/systemd/system,
//           /usr/lib/systemd/system
//   user:   CONFIG_HOME/systemd/user, each of $XDG_CONFIG_DIRS (default
//           /etc/xdg) + /systemd/user, /etc/systemd/user,
//           RUNTIME_DIR/systemd/user, /run/systemd/user,
//           DATA_HOME/systemd/user, each of $XDG_DATA_DIRS (default
//           /usr/local/share:/usr/share) + /systemd/user,
//           /usr/local/lib/systemd/user, /usr/lib/systemd/user
// CONFIG_HOME, DATA_HOME and RUNTIME_DIR are the identity's
// ($XDG_CONFIG_HOME, $XDG_DATA_HOME, $XDG_RUNTIME_DIR with their defaults);
// relative entries of the XDG lists are ignored (XDG Base Directory
// specification), and a directory that appears twice is listed once.
[[nodiscard]] std::vector<std::string> systemd_unit_dirs(RuntimeScope scope, const RuntimeIdentity& identity,
                                                         const ProcessEnvironment& env);

}  // namespace vermilion
