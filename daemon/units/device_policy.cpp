#include "units/device_policy.h"

namespace vermilion {
namespace {

// systemd's path_startswith() for a prefix of whole components: "/dev" is
// below "/dev/" (the rest is empty), "/devices" is not.
bool starts_with_components(std::string_view path, std::string_view prefix) {
  if (prefix.ends_with('/')) prefix.remove_suffix(1);
  if (!path.starts_with(prefix)) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '/';
}

// systemd's path_is_normalized() on an absolute path: no "." or ".."
// component and no "//".
bool is_normalized(std::string_view path) {
  std::size_t pos = 0;
  while (pos <= path.size()) {
    std::size_t end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view part = path.substr(pos, end - pos);
    if (part == "." || part == "..") return false;
    if (part.empty() && pos != 0 && end != path.size()) return false;  // "//"
    pos = end + 1;
  }
  return true;
}

}  // namespace

std::optional<DevicePolicy> device_policy_from_string(std::string_view text) {
  if (text == "auto") return DevicePolicy::automatic;
  if (text == "closed") return DevicePolicy::closed;
  if (text == "strict") return DevicePolicy::strict;
  return std::nullopt;
}

const char* device_policy_to_string(DevicePolicy policy) {
  switch (policy) {
    case DevicePolicy::closed: return "closed";
    case DevicePolicy::strict: return "strict";
    case DevicePolicy::automatic: break;
  }
  return "auto";
}

std::string device_rights_string(const DeviceAllow& entry) {
  std::string out;
  if (entry.read) out += 'r';
  if (entry.write) out += 'w';
  if (entry.mknod) out += 'm';
  return out;
}

bool is_valid_device_node_path(std::string_view path) {
  if (!starts_with_components(path, "/dev/") && !starts_with_components(path, "/run/systemd/inaccessible/"))
    return false;
  if (path.ends_with('/')) return false;
  return is_normalized(path);
}

}  // namespace vermilion
