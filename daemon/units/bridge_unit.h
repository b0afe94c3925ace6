// The built-in unit that runs vermilion-bridge, vermiliond's unprivileged
// D-Bus face (see ARCHITECTURE.md). vermiliond generates its unit text and
// loads it through the unit loader like a file, so the bridge is supervised
// by the same machinery as every service, and a file of the same name in the
// unit directories replaces it (a symlink to /dev/null disables it), as
// systemd does with the units it ships.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "units/process_environment.h"
#include "units/runtime_scope.h"

namespace vermilion {

inline constexpr std::string_view kBridgeUnitName = "vermilion-bridge.service";
// Diagnostics about the generated text name this "file".
inline constexpr std::string_view kBridgeUnitSource = "<built-in>/vermilion-bridge.service";
// System scope: the bridge's own account and group (scripts/setup-debian.sh,
// sysusers.d/vermilion.conf). In user scope it runs as the invoking user.
inline constexpr std::string_view kBridgeUser = "vermilion-bridge";

struct BridgeOptions {
  std::string executable;  // absolute path of vermilion-bridge
  // "NAME=value" assignments set in the bridge's environment (services start
  // with a fresh one); main() passes vermiliond's own bus addresses through
  // with bridge_environment().
  std::vector<std::string> environment;
  // `vermiliond --systemd-compat`: the bridge also serves
  // org.freedesktop.systemd1 (its --systemd-compat).
  bool systemd_compat = false;
};

// The unit's text:
//   [Unit] Description=Vermilion D-Bus bridge (org.vermilion1)
//   [Service] Type=notify, NotifyAccess=main,
//             ExecStart=:<executable> --system|--user [--systemd-compat]
//             (':': no $VAR expansion, so the path is taken as it is), Restart=always,
//             RestartSec=100ms, User=/Group=vermilion-bridge (system scope
//             only), Environment= for each assignment
//   no [Install]: the Supervisor makes default.target want it.
// Values are quoted so that they load back exactly, whatever they contain.
[[nodiscard]] std::string bridge_unit_text(const BridgeOptions& options, RuntimeScope scope);

// The variables the bridge needs to find its bus, as vermiliond's own
// environment has them: DBUS_SYSTEM_BUS_ADDRESS (system scope), or
// DBUS_SESSION_BUS_ADDRESS and XDG_RUNTIME_DIR (user scope), as
// "NAME=value". Ones `env` lacks are left out.
[[nodiscard]] std::vector<std::string> bridge_environment(RuntimeScope scope, const ProcessEnvironment& env);

// One word of a unit file value, in double quotes, that extract_word.h
// splits back into exactly `text`: backslash and double quote escaped,
// control characters as \xNN, '%' doubled (specifiers). '$' is left alone:
// Environment= does not expand it, and the ExecStart= above turns expansion off.
[[nodiscard]] std::string quote_unit_value(std::string_view text);

}  // namespace vermilion
