// Finds and loads *.policy files from the policy directories. Files are read
// in file-name order across all directories; a file name present in several
// directories is read only from the first one (an override, as systemd's
// drop-ins), and a file symlinked to /dev/null there masks it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "units/diagnostics.h"
#include "units/runtime_scope.h"
#include "broker/policy.h"

namespace vermilion {

// system: /etc/vermilion/policy, /usr/lib/vermilion/policy.
// user: $XDG_CONFIG_HOME/vermilion/policy (default $HOME/.config/...). Reads
// the environment; main() calls it once.
[[nodiscard]] std::vector<std::string> default_policy_dirs(RuntimeScope scope);
// The same from explicit values (tests): xdg_config_home is used when
// absolute, else home + "/.config".
[[nodiscard]] std::vector<std::string> default_policy_dirs(RuntimeScope scope, std::string_view xdg_config_home,
                                                           std::string_view home);

// Loads every policy file found. A directory that does not exist is skipped
// quietly (the defaults often do not); any other problem with a directory or
// file is an error, and a file with errors contributes nothing (see
// parse_policy_text). Never stops at the first bad file.
[[nodiscard]] PolicySet load_policies(const std::vector<std::string>& dirs, Diagnostics& diags);

}  // namespace vermilion
