#include "units/device_policy.h"

#include "units/value_parsers.h"

namespace vermilion {
namespace {

// systemd's path_startswith() for a prefix of whole components: "/dev" is
// below "/dev/" (the rest is empty), "/devices" is not.
bool starts_with_components(std::string_view path, std::string_view prefix) {
  if (prefix.ends_with('/')) prefix.remove_suffix(1);
  if (!path.starts_with(prefix)) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '/';
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
  return path_is_normalized(path);
}

}  // namespace vermilion
