// What DevicePolicy= and DeviceAllow= ask of a run's cgroup, as systemd 252's
// cgroup_apply_devices() and bpf_devices_allow_list_*() work it out
// (src/core/cgroup.c, src/core/bpf-devices.c): the device rules of the
// filter (platform/device_filter.h), and the warnings systemd logs for
// entries that match nothing.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
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
// stat()ed (except the names device_path_rule() reads); `read_proc_devices`
// reads /proc/devices into its argument (0 or -errno), asked at most once,
// only when a "char-"/"block-" name or the closed policy's pts needs it.
[[nodiscard]] DeviceFilterPlan plan_device_filter(DevicePolicy policy, const std::vector<DeviceAllow>& allow,
                                                  const std::function<int(std::string&)>& read_proc_devices);

// systemd's device_path_parse_major_minor(): /dev/char/MAJ:MIN,
// /dev/block/MAJ:MIN (numbers as safe_atou() reads them),
// /run/systemd/inaccessible/chr and .../blk name a device without a node
// being there. -ENODEV for any other path (it is to be stat()ed), -EINVAL
// or -ERANGE for such a name that does not parse.
[[nodiscard]] int device_path_rule(std::string_view node, unsigned access, DeviceRule& out);

// The rules for "char-NAME"/"block-NAME" (bpf_devices_allow_list_major()):
// NAME "*" is every device of the type, a number (safe_atou()) its major,
// anything else a glob (fnmatch(3)) over the names in `proc_devices` (the
// text of /proc/devices) under "Character devices:" or "Block devices:".
// Empty when nothing matches.
[[nodiscard]] std::vector<DeviceRule> device_rules_for_major(std::string_view name, char type, unsigned access,
                                                           std::string_view proc_devices);

}  // namespace vermilion
