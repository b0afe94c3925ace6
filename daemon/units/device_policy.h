// DevicePolicy= and DeviceAllow= (systemd.resource-control(5)): which
// device nodes a service's processes may open, as systemd 252 holds them
// (src/core/cgroup.h CGroupDevicePolicy, CGroupDeviceAllow). The filter
// itself is built and attached per run (exec/device_access.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vermilion {

// automatic ("auto"): no filter unless DeviceAllow= names something, then
// as closed. closed: the pseudo devices (/dev/null, /dev/zero, /dev/full,
// /dev/random, /dev/urandom, /dev/tty, /dev/ptmx, pts) and DeviceAllow=.
// strict: only DeviceAllow=.
enum class DevicePolicy : unsigned char { automatic, closed, strict };

[[nodiscard]] std::optional<DevicePolicy> device_policy_from_string(std::string_view text);
[[nodiscard]] const char* device_policy_to_string(DevicePolicy policy);

// One DeviceAllow= entry: a device node path ("/dev/..." or
// "/run/systemd/inaccessible/..."), "char-NAME" or "block-NAME" (a major
// named in /proc/devices, a glob, or a number), and the access it allows.
struct DeviceAllow {
  std::string path;
  bool read = false, write = false, mknod = false;
  bool operator==(const DeviceAllow&) const = default;
};

// The rights as systemctl shows them ("rw", "rwm", "" when none).
[[nodiscard]] std::string device_rights_string(const DeviceAllow& entry);

// systemd's valid_device_node_path(): below /dev/ or
// /run/systemd/inaccessible/, not ending in '/', normalized (no "..",
// ".", "//"). Only the text is looked at.
[[nodiscard]] bool is_valid_device_node_path(std::string_view path);

}  // namespace vermilion
