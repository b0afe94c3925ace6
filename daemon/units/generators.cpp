#include "units/generators.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <map>
#include <system_error>

namespace vermilion {

GeneratorOutput generator_output_dirs(RuntimeScope scope, const RuntimeIdentity& identity) {
  std::string base = (scope == RuntimeScope::system ? std::string("/run") : identity.runtime_dir) + "/systemd/generator";
  return {base, base + ".early", base + ".late"};
}

std::vector<std::string> generator_search_dirs(RuntimeScope scope) {
  std::string kind = scope == RuntimeScope::system ? "system-generators" : "user-generators";
  return {"/run/systemd/" + kind, "/etc/systemd/" + kind, "/usr/local/lib/systemd/" + kind,
          "/lib/systemd/" + kind, "/usr/lib/systemd/" + kind};
}

std::vector<std::string> find_generators(const std::vector<std::string>& dirs) {
  std::map<std::string, std::string> first;  // name -> path ("" when masked)
  for (const auto& dir : dirs) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      std::string name = entry.path().filename().string();
      if (name.starts_with('.') || first.contains(name)) continue;
      std::string path = entry.path().string();
      std::error_code ignored;
      bool masked = std::filesystem::is_symlink(entry.symlink_status(ignored)) &&
                    std::filesystem::read_symlink(entry.path(), ignored) == "/dev/null";
      struct stat st {};
      if (!masked && ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0) masked = true;
      if (masked) {
        first[name] = "";
        continue;
      }
      if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || ::access(path.c_str(), X_OK) != 0) continue;
      first[name] = path;
    }
  }
  std::vector<std::string> out;
  for (auto& [name, path] : first)
    if (!path.empty()) out.push_back(path);
  return out;
}

int reset_generator_output(const GeneratorOutput& out) {
  for (const auto* dir : {&out.normal, &out.early, &out.late}) {
    std::error_code ec;
    std::filesystem::remove_all(*dir, ec);
    if (ec) return -ec.value();
    std::filesystem::create_directories(*dir, ec);
    if (ec) return -ec.value();
  }
  return 0;
}

std::vector<std::string> with_generator_output(std::vector<std::string> unit_dirs, const GeneratorOutput& out) {
  auto it = std::find_if(unit_dirs.begin(), unit_dirs.end(),
                         [](const std::string& d) { return d == "/run/systemd/system" || d == "/run/systemd/user"; });
  if (it != unit_dirs.end()) ++it;
  unit_dirs.insert(it, out.normal);
  unit_dirs.insert(unit_dirs.begin(), out.early);
  unit_dirs.push_back(out.late);
  return unit_dirs;
}

}  // namespace vermilion
