// A cgroup's device filter: an eBPF program of type
// BPF_PROG_TYPE_CGROUP_DEVICE that the kernel runs on every open() or
// mknod() of a device node by a process in the cgroup (and below it).
// Built instruction for instruction as systemd 252 builds it
// (src/core/bpf-devices.c), so that it passes the same verifier.
#pragma once

#include <linux/bpf.h>

#include <optional>
#include <string>
#include <vector>

namespace vermilion {

// Access bits as the kernel passes them (BPF_DEVCG_ACC_READ/WRITE/MKNOD).
inline constexpr unsigned kDeviceRead = BPF_DEVCG_ACC_READ;
inline constexpr unsigned kDeviceWrite = BPF_DEVCG_ACC_WRITE;
inline constexpr unsigned kDeviceMknod = BPF_DEVCG_ACC_MKNOD;

// One allowed pattern: a device type ('c' or 'b'), a major (none: every
// major) and a minor (none: every minor of the major), and the access
// allowed (a non-empty combination of the kDevice* bits).
struct DeviceRule {
  char type = 'c';
  std::optional<unsigned> major, minor;
  unsigned access = 0;
  bool operator==(const DeviceRule&) const = default;
};

// The program: deny_everything without rules (strict with nothing
// allowed), else allow what a rule matches and deny the rest. An empty
// `rules` with deny_everything false is not a filter systemd builds
// (cgroup_apply_devices() turns it into deny_everything).
[[nodiscard]] std::vector<bpf_insn> build_device_program(const std::vector<DeviceRule>& rules, bool deny_everything);

// Loads `program` into the kernel and attaches it to the cgroup directory
// `cgroup_fd` (BPF_CGROUP_DEVICE, BPF_F_ALLOW_MULTI). With `replace`, then
// detaches every other device program attached there before (one an
// earlier run of a reused cgroup left), so the cgroup is never without a
// filter; an empty `program` then only detaches. 0, or -errno from bpf(2)
// (-EPERM without CAP_SYS_ADMIN/CAP_BPF, -EINVAL where the kernel lacks the
// program type); `error` then says which step failed, with the verifier's
// log for a program it refused.
[[nodiscard]] int install_device_program(int cgroup_fd, const std::vector<bpf_insn>& program, bool replace,
                                         std::string& error);

}  // namespace vermilion
