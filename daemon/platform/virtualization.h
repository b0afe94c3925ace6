// What systemd-detect-virt(1) says: the container or virtual machine this
// process runs in, found as systemd 252's detect_virtualization() finds it
// (src/basic/virt.c): a container first, then a VM. Used by
// ConditionVirtualization= (exec/condition_check.h).
#pragma once

#include <string>

namespace vermilion {

enum class VirtualizationKind { none, vm, container };

struct Virtualization {
  VirtualizationKind kind = VirtualizationKind::none;
  std::string id = "none";  // systemd's name: "kvm", "docker", "vm-other", "container-other", ...
};

// Looked up on the first call and kept for the life of the process, as
// systemd caches it (the answer does not change while a process runs).
// Reads small files in /proc, /sys and /run and asks CPUID; never fails:
// what cannot be read counts as no sign of virtualization.
[[nodiscard]] const Virtualization& detect_virtualization();

// systemd's running_in_userns(): whether /proc/self/uid_map or gid_map map
// less than the whole range, or setgroups is "deny". 1, 0 or -errno.
[[nodiscard]] int running_in_user_namespace();

}  // namespace vermilion
