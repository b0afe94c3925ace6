#include "exec/device_access.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cerrno>
#include <cstring>
#include <optional>

namespace vermilion {
namespace {

class Planner {
 public:
  Planner(DeviceFilterPlan& plan, const std::function<std::string()>& proc_devices)
      : plan_(plan), proc_devices_(proc_devices) {}

  // bpf_devices_allow_list_device(): true if the node gave a rule.
  bool node(const std::string& path, unsigned access) {
    if (auto rule = device_rule_from_name(path, access)) {
      plan_.rules.push_back(*rule);
      return true;
    }
    struct stat st {};
    if (stat(path.c_str(), &st) < 0) {
      plan_.warnings.push_back("Couldn't stat device " + path + ": " + std::strerror(errno));
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
    if (!proc_devices_text_) proc_devices_text_ = proc_devices_();
    auto rules = device_rules_for_major(name, type, access, *proc_devices_text_);
    plan_.rules.insert(plan_.rules.end(), rules.begin(), rules.end());
    return !rules.empty();
  }

 private:
  DeviceFilterPlan& plan_;
  const std::function<std::string()>& proc_devices_;
  std::optional<std::string> proc_devices_text_;
};

constexpr unsigned kAll = kDeviceRead | kDeviceWrite | kDeviceMknod;

}  // namespace

DeviceFilterPlan plan_device_filter(DevicePolicy policy, const std::vector<DeviceAllow>& allow,
                                    const std::function<std::string()>& proc_devices) {
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
