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
// user: identity.config_home/vermilion/policy ($XDG_CONFIG_HOME, default
// ~/.config: runtime_scope.h).
[[nodiscard]] std::vector<std::string> default_policy_dirs(const RuntimeIdentity& identity);

// Loads every policy file found. A directory that does not exist is skipped
// quietly (the defaults often do not); any other problem with a directory or
// file is an error, and a file with errors contributes nothing (see
// parse_policy_text). Never stops at the first bad file.
[[nodiscard]] PolicySet load_policies(const std::vector<std::string>& dirs, Diagnostics& diags);

}  // namespace vermilion
