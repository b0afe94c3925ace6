#include "units/runtime_scope.h"

#include <pwd.h>
#include <unistd.h>

#include <climits>
#include <vector>

namespace vermilion {

RuntimeIdentity RuntimeIdentity::current(RuntimeScope scope, const ProcessEnvironment& env) {
  RuntimeIdentity id;
  id.scope = scope;
  char host[HOST_NAME_MAX + 1] = {};
  if (gethostname(host, sizeof host - 1) == 0) id.host_name = host;

  if (scope == RuntimeScope::system) {
    id.user_name = "root";
    id.home = "/root";
    id.runtime_dir = "/run";
    return id;
  }

  id.uid = getuid();
  id.gid = getgid();
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  if (getpwuid_r(id.uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr) {
    id.user_name = found->pw_name;
    id.home = found->pw_dir;
  } else {
    id.user_name = std::to_string(id.uid);
  }
  id.home = env.home.value_or(id.home);
  id.runtime_dir = env.xdg_runtime_dir.value_or("/run/user/" + std::to_string(id.uid));
  id.config_home = env.xdg_config_home.value_or(id.home + "/.config");
  id.data_home = env.xdg_data_home.value_or(id.home + "/.local/share");
  return id;
}

}  // namespace vermilion
