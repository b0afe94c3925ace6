// Who the service manager runs as. Specifiers (%u %U %h %t %H) and the
// default search paths depend on it; the caller decides it once (main() from
// the real process, tests from a literal) and passes it down.
#pragma once

#include <sys/types.h>

#include <string>

#include "units/process_environment.h"

namespace vermilion {

enum class RuntimeScope { system, user };

struct RuntimeIdentity {
  RuntimeScope scope = RuntimeScope::system;
  std::string user_name;
  uid_t uid = 0;
  gid_t gid = 0;
  std::string home;
  std::string runtime_dir;  // /run for system, $XDG_RUNTIME_DIR for user
  std::string host_name;
  // User scope only (empty for system): $XDG_CONFIG_HOME, default
  // home/.config, and $XDG_DATA_HOME, default home/.local/share.
  std::string config_home;
  std::string data_home;

  // From getuid()/getgid(), the password database, gethostname() and the
  // environment main() read. A system manager is always "root" with home
  // /root and runtime dir /run, as systemd resolves %u/%h for the system
  // manager. A user manager's home is env.home, else the password
  // database's; its runtime dir env.xdg_runtime_dir, else /run/user/UID.
  // The environment's paths are already filtered (process_environment.h):
  // this is the only place their defaults are applied.
  [[nodiscard]] static RuntimeIdentity current(RuntimeScope scope, const ProcessEnvironment& env);
};

}  // namespace vermilion
