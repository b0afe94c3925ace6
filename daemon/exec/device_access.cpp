#include "exec/device_access.h"

#include <fnmatch.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "units/value_parsers.h"

namespace vermilion {
namespace {

constexpr unsigned kAll = kDeviceRead | kDeviceWrite | kDeviceMknod;
// systemd's DEVICE_MAJOR_VALID(), DEVICE_MINOR_VALID().
constexpr unsigned long long kMajorMax = (1u << 12) - 1, kMinorMax = (1u << 20) - 1;

class Planner {
 public:
  Planner(DeviceFilterPlan& plan, const std::function<int(std::string&)>& read_proc_devices)
      : plan_(plan), read_proc_devices_(read_proc_devices) {}

  // bpf_devices_allow_list_device(): true if the node gave a rule.
  bool node(const std::string& path, unsigned access) {
    DeviceRule rule;
    const int r = device_path_rule(path, access, rule);
    if (r == 0) {
      plan_.rules.push_back(rule);
      return true;
    }
    if (r != -ENODEV) {
      plan_.warnings.push_back("Couldn't parse major/minor from device path '" + path + "': " + std::strerror(-r));
      return false;
    }
    struct stat st {};
    if (stat(path.c_str(), &st) < 0) {
      const int e = errno;
      plan_.warnings.push_back("Couldn't stat device " + path + ": " + std::strerror(e));
      return false;
    }
    if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode)) {
      plan_.warnings.push_back(path + " is not a device.");
      return false;
    }
    plan_.rules.push_back(DeviceRule{S_ISCHR(st.st_mode) ? 'c' : 'b', major(st.st_rdev), minor(st.st_rdev), access});
    return true;
  }

  // bpf_devices_allow_list_major(); a name that matches nothing is only
  // a debug message in systemd.
  bool major_name(const std::string& name, char type, unsigned access) {
    std::vector<DeviceRule> rules;
    if (name == "*" || parse_systemd_unsigned(name, kMajorMax)) {
      rules = device_rules_for_major(name, type, access, "");
    } else {
      if (proc_devices_error_ == 1) proc_devices_error_ = read_proc_devices_(proc_devices_);
      if (proc_devices_error_ < 0) {
        plan_.warnings.push_back("Cannot open /proc/devices to resolve " + name + ": " +
                                 std::strerror(-proc_devices_error_));
        return false;
      }
      rules = device_rules_for_major(name, type, access, proc_devices_);
    }
    plan_.rules.insert(plan_.rules.end(), rules.begin(), rules.end());
    return !rules.empty();
  }

 private:
  DeviceFilterPlan& plan_;
  const std::function<int(std::string&)>& read_proc_devices_;
  int proc_devices_error_ = 1;  // 1: not read yet
  std::string proc_devices_;
};

}  // namespace

int device_path_rule(std::string_view node, unsigned access, DeviceRule& out) {
  if (node == "/run/systemd/inaccessible/chr" || node == "/run/systemd/inaccessible/blk") {
    out = DeviceRule{node.back() == 'r' ? 'c' : 'b', 0u, 0u, access};
    return 0;
  }
  char type = 0;
  if (node.starts_with("/dev/char/")) {
    type = 'c';
    node.remove_prefix(10);
  } else if (node.starts_with("/dev/block/")) {
    type = 'b';
    node.remove_prefix(11);
  } else {
    return -ENODEV;
  }
  // parse_devnum(): decimal digits, ':', then the minor.
  const std::size_t digits = std::min(node.find_first_not_of("0123456789"), node.size());
  if (digits == 0 || digits >= node.size() || node[digits] != ':') return -EINVAL;
  auto major = parse_systemd_unsigned(node.substr(0, digits), UINT_MAX);
  auto minor = parse_systemd_unsigned(node.substr(digits + 1), UINT_MAX);
  if (!major || !minor) return -EINVAL;
  if (*major > kMajorMax || *minor > kMinorMax) return -ERANGE;
  out = DeviceRule{type, static_cast<unsigned>(*major), static_cast<unsigned>(*minor), access};
  return 0;
}

std::vector<DeviceRule> device_rules_for_major(std::string_view name, char type, unsigned access,
                                               std::string_view proc_devices) {
  if (name == "*") return {DeviceRule{type, std::nullopt, std::nullopt, access}};
  if (auto major = parse_systemd_unsigned(name, kMajorMax))
    return {DeviceRule{type, static_cast<unsigned>(*major), std::nullopt, access}};
  std::vector<DeviceRule> out;
  const std::string pattern(name);
  const std::string_view section = type == 'c' ? "Character devices:" : "Block devices:";
  bool good = false;
  while (!proc_devices.empty()) {
    const std::size_t eol = proc_devices.find('\n');
    std::string_view line = proc_devices.substr(0, eol);
    proc_devices.remove_prefix(eol == std::string_view::npos ? proc_devices.size() : eol + 1);
    if (line == section) {
      good = true;
      continue;
    }
    if (line.empty()) {
      good = false;
      continue;
    }
    if (!good) continue;
    // "  1 mem": the major, whitespace, the name.
    const std::size_t start = line.find_first_not_of(" \t");
    if (start == std::string_view::npos) continue;
    line.remove_prefix(start);
    const std::size_t gap = line.find_first_of(" \t");
    if (gap == std::string_view::npos) continue;
    auto major = parse_systemd_unsigned(line.substr(0, gap), UINT_MAX);
    if (!major || *major == 0) continue;
    std::string_view device = line.substr(gap);
    device.remove_prefix(std::min(device.find_first_not_of(" \t"), device.size()));
    while (!device.empty() && (device.back() == ' ' || device.back() == '\t')) device.remove_suffix(1);
    if (fnmatch(pattern.c_str(), std::string(device).c_str(), 0) != 0) continue;
    out.push_back(DeviceRule{type, static_cast<unsigned>(*major), std::nullopt, access});
  }
  return out;
}

DeviceFilterPlan plan_device_filter(DevicePolicy policy, const std::vector<DeviceAllow>& allow,
                                    const std::function<int(std::string&)>& proc_devices) {
  DeviceFilterPlan plan;
  if (policy == DevicePolicy::automatic && allow.empty()) return plan;
  plan.filtered = true;
  Planner planner(plan, proc_devices);
  bool any = false;
  // bpf_devices_allow_list_static(): what every closed service may use.
  if (policy == DevicePolicy::closed || policy == DevicePolicy::automatic) {
    for (const char* node : {"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty",
                             "/dev/ptmx", "/run/systemd/inaccessible/chr", "/run/systemd/inaccessible/blk"})
      (void)planner.node(node, kAll);
    (void)planner.major_name("pts", 'c', kDeviceRead | kDeviceWrite);
    any = true;
  }
  for (const DeviceAllow& entry : allow) {
    const unsigned access = (entry.read ? kDeviceRead : 0u) | (entry.write ? kDeviceWrite : 0u) |
                            (entry.mknod ? kDeviceMknod : 0u);
    if (access == 0) continue;
    bool matched = false;
    // Other paths (/run/systemd/inaccessible/...) only come through the
    // static list; systemd ignores them here.
    if (entry.path == "/dev" || entry.path.starts_with("/dev/"))
      matched = planner.node(entry.path, access);
    else if (entry.path.starts_with("block-"))
      matched = planner.major_name(entry.path.substr(6), 'b', access);
    else if (entry.path.starts_with("char-"))
      matched = planner.major_name(entry.path.substr(5), 'c', access);
    any = any || matched;
  }
  if (!any) {
    // The verifier refuses a filter with rules of nothing to allow and an
    // "allow" at the end it cannot reach: systemd makes it strict.
    plan.warnings.push_back("No devices matched by device filter.");
    policy = DevicePolicy::strict;
  }
  plan.deny_everything = policy == DevicePolicy::strict && !any;
  return plan;
}

}  // namespace vermilion
