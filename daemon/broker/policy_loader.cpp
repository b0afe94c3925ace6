#include "broker/policy_loader.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

#include "common/regular_file.h"

namespace vermilion {
namespace {

// Far above any real policy; keeps a stray huge file from eating memory.
constexpr std::size_t kMaxPolicyFileSize = 1024 * 1024;
constexpr std::string_view kPolicySuffix = ".policy";

struct DirListing {
  std::vector<std::string> names;  // *.policy, not hidden
  int error = 0;                   // errno; 0 also when the directory is missing
};

DirListing list_policy_files(const std::string& dir) {
  DirListing listing;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    if (errno != ENOENT) listing.error = errno;
    return listing;
  }
  while (dirent* entry = ::readdir(d)) {
    std::string_view name = entry->d_name;
    if (name.front() == '.' || !name.ends_with(kPolicySuffix) || name.size() == kPolicySuffix.size()) continue;
    listing.names.emplace_back(name);
  }
  ::closedir(d);
  return listing;
}

bool is_masked(const std::string& path) {
  char resolved[PATH_MAX];
  return ::realpath(path.c_str(), resolved) != nullptr && std::strcmp(resolved, "/dev/null") == 0;
}

// The file's text, or an error message.
bool read_policy_file(const std::string& path, std::string& text, std::string& error) {
  int r = read_regular_file(path, kMaxPolicyFileSize, text);
  if (r < 0) error = read_error_text(r, kMaxPolicyFileSize);
  return r == 0;
}

}  // namespace

std::vector<std::string> default_policy_dirs(const RuntimeIdentity& identity) {
  if (identity.scope == RuntimeScope::system) return {"/etc/vermilion/policy", "/usr/lib/vermilion/policy"};
  return {identity.config_home + "/vermilion/policy"};
}

PolicySet load_policies(const std::vector<std::string>& dirs, Diagnostics& diags) {
  std::map<std::string, std::string> by_file_name;  // sorted; first directory wins
  for (const auto& dir : dirs) {
    auto listing = list_policy_files(dir);
    if (listing.error != 0)
      diags.error({dir, 0}, std::string("Cannot read policy directory: ") + std::strerror(listing.error));
    for (auto& name : listing.names) by_file_name.emplace(name, dir + "/" + name);
  }

  PolicySet set;
  for (const auto& [name, path] : by_file_name) {
    if (is_masked(path)) continue;
    std::string text;
    std::string error;
    if (!read_policy_file(path, text, error)) {
      diags.error({path, 0}, "Cannot read policy file: " + error + "; none of its grants are in effect");
      continue;
    }
    auto file = parse_policy_text(path, text, diags);
    for (auto& grant : file.grants) set.grants.push_back(std::move(grant));
    for (auto& rule : file.bus_rules) set.bus_rules.push_back(std::move(rule));
    for (auto& f : file.files) set.files.push_back(std::move(f));
  }
  return set;
}

}  // namespace vermilion
