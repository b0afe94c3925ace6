#include "units/systemd_unit_dirs.h"

#include <algorithm>
#include <string_view>

namespace vermilion {
namespace {

// The absolute entries of a ':'-separated list, or `fallback` when unset.
std::vector<std::string> path_list(const std::optional<std::string>& value, std::string_view fallback) {
  std::string_view list = value ? std::string_view(*value) : fallback;
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= list.size()) {
    auto end = list.find(':', pos);
    if (end == std::string_view::npos) end = list.size();
    std::string_view entry = list.substr(pos, end - pos);
    if (entry.starts_with('/')) out.emplace_back(entry);
    pos = end + 1;
  }
  return out;
}

}  // namespace

std::vector<std::string> systemd_unit_dirs(RuntimeScope scope, const RuntimeIdentity& identity,
                                           const ProcessEnvironment& env) {
  std::vector<std::string> dirs;
  if (scope == RuntimeScope::system) {
    dirs = {"/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system",
            "/lib/systemd/system", "/usr/lib/systemd/system"};
  } else {
    dirs.push_back(identity.config_home + "/systemd/user");
    for (const auto& d : path_list(env.xdg_config_dirs, "/etc/xdg")) dirs.push_back(d + "/systemd/user");
    dirs.push_back("/etc/systemd/user");
    if (!identity.runtime_dir.empty()) dirs.push_back(identity.runtime_dir + "/systemd/user");
    dirs.push_back("/run/systemd/user");
    dirs.push_back(identity.data_home + "/systemd/user");
    for (const auto& d : path_list(env.xdg_data_dirs, "/usr/local/share:/usr/share"))
      dirs.push_back(d + "/systemd/user");
    dirs.push_back("/usr/local/lib/systemd/user");
    dirs.push_back("/usr/lib/systemd/user");
  }
  std::vector<std::string> unique;
  for (auto& d : dirs)
    if (std::find(unique.begin(), unique.end(), d) == unique.end()) unique.push_back(std::move(d));
  return unique;
}

}  // namespace vermilion
