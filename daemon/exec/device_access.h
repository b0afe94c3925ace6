// What DevicePolicy= and DeviceAllow= ask of a run's cgroup, as systemd 252's
// cgroup_apply_devices() and bpf_devices_allow_list_*() work it out
// (src/core/cgroup.c, src/core/bpf-devices.c): the device rules of the
// filter (platform/device_filter.h), and the warnings systemd logs for
// entries that match nothing.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "platform/device_filter.h"
#include "units/device_policy.h"

namespace vermilion {

struct DeviceFilterPlan {
  bool filtered = false;  // false: no filter at all (auto, nothing allowed)
  std::vector<DeviceRule> rules;
  bool deny_everything = false;
  std::vector<std::string> warnings;
};

// `allow` newest first (as ServiceConfig holds it). Device nodes are
// stat()ed (except the names device_rule_from_name() reads); `proc_devices`
// gives the text of /proc/devices, asked for at most once, only when a
// "char-"/"block-" name or the closed policy's pts needs it.
[[nodiscard]] DeviceFilterPlan plan_device_filter(DevicePolicy policy, const std::vector<DeviceAllow>& allow,
                                                  const std::function<std::string()>& proc_devices);

}  // namespace vermilion
