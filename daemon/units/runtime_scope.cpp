#include "units/runtime_scope.h"

#include <pwd.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <vector>

namespace vermilion {
namespace {

std::string env_or(const char* name, std::string fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && value[0] != '\0' ? std::string(value) : std::move(fallback);
}

}  // namespace

RuntimeIdentity RuntimeIdentity::current(RuntimeScope scope) {
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
  id.home = env_or("HOME", id.home);
  id.runtime_dir = env_or("XDG_RUNTIME_DIR", "/run/user/" + std::to_string(id.uid));
  return id;
}

}  // namespace vermilion
