// Who the service manager runs as. Specifiers (%u %U %h %t %H) and the
// default search path depend on it; the caller decides it once (main() from
// the real process, tests from a literal) and passes it down.
#pragma once

#include <sys/types.h>

#include <string>

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

  // From getuid()/getgid(), the password database, $HOME/$XDG_RUNTIME_DIR and
  // gethostname(). A system manager is always "root" with home /root, as
  // systemd resolves %u/%h for the system manager.
  [[nodiscard]] static RuntimeIdentity current(RuntimeScope scope);
};

}  // namespace vermilion
