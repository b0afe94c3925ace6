#include "platform/virtualization.h"

#if defined(__i386__) || defined(__x86_64__)
#include <cpuid.h>
#endif
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "common/regular_file.h"

namespace vermilion {
namespace {

constexpr std::size_t kSmallFileBytes = 64 * 1024;

// read_one_line_file(): the first line, without its newline; "" when the
// file cannot be read.
std::string first_line(const std::string& path, std::size_t max = kSmallFileBytes) {
  std::string text;
  if (read_regular_file(path, max, text) < 0) return {};
  if (auto nl = text.find('\n'); nl != std::string::npos) text.resize(nl);
  return text;
}

bool exists(const char* path) { return access(path, F_OK) == 0; }

Virtualization vm(std::string id) { return {VirtualizationKind::vm, std::move(id)}; }
Virtualization container(std::string id) { return {VirtualizationKind::container, std::move(id)}; }

// --- containers (detect_container()) ----------------------------------------

Virtualization container_files() {
  if (exists("/run/.containerenv")) return container("podman");
  if (exists("/.dockerenv")) return container("docker");  // last: an image may carry it by mistake
  return {};
}

// The $container value a container manager sets, as systemd names it.
Virtualization container_named(const std::string& name) {
  if (name == "oci") {
    Virtualization found = container_files();
    return found.kind == VirtualizationKind::none ? container("container-other") : found;
  }
  for (const char* known : {"lxc", "lxc-libvirt", "systemd-nspawn", "docker", "podman", "rkt", "wsl", "proot", "pouch"})
    if (name == known) return container(name);
  return container("container-other");
}

// "container=" from PID 1's environment; "" when unreadable (it needs
// CAP_SYS_PTRACE over PID 1) or unset.
std::string pid1_container_variable() {
  std::string environ_text;
  if (read_regular_file("/proc/1/environ", kSmallFileBytes, environ_text) < 0) return {};
  std::string_view rest = environ_text;
  while (!rest.empty()) {
    std::string_view entry = rest.substr(0, rest.find('\0'));
    rest.remove_prefix(std::min(rest.size(), entry.size() + 1));
    if (entry.starts_with("container=")) return std::string(entry.substr(10));
  }
  return {};
}

bool cgroup_v2_only() {
  // statfs() would say it directly; the files tell the same and need no magic numbers.
  return exists("/sys/fs/cgroup/cgroup.controllers");
}

bool running_in_cgroup_namespace() {
  if (!exists("/proc/self/ns/cgroup")) return false;
  if (cgroup_v2_only()) {
    if (!exists("/sys/fs/cgroup/cgroup.events")) return false;  // only nested cgroups have it
    if (exists("/sys/fs/cgroup/cgroup.type")) return true;      // never in the root cgroup
    return !exists("/sys/kernel/cgroup/features");
  }
  if (!exists("/sys/fs/cgroup/systemd")) return false;
  return !exists("/sys/fs/cgroup/systemd/release_agent");  // only in the root cgroup
}

Virtualization detect_container() {
  if (exists("/proc/vz") && !exists("/proc/bc")) return container("openvz");
  std::string release = first_line("/proc/sys/kernel/osrelease");
  if (release.find("Microsoft") != std::string::npos || release.find("WSL") != std::string::npos)
    return container("wsl");
  // proot traces the processes it runs and uses no PID namespace.
  std::string status;
  if (read_regular_file("/proc/self/status", kSmallFileBytes, status) == 0) {
    if (auto at = status.find("\nTracerPid:"); at != std::string::npos) {
      std::string_view rest = std::string_view(status).substr(at + 11);
      rest.remove_prefix(std::min(rest.size(), rest.find_first_not_of(" \t")));
      pid_t tracer = 0;
      std::from_chars(rest.data(), rest.data() + rest.size(), tracer);
      if (tracer > 0 && first_line("/proc/" + std::to_string(tracer) + "/comm").starts_with("proot"))
        return container("proot");
    }
  }
  if (std::string manager = first_line("/run/host/container-manager"); !manager.empty())
    return container_named(manager);
  if (getpid() == 1) {
    const char* variable = std::getenv("container");
    if (variable != nullptr) return *variable == '\0' ? Virtualization{} : container_named(variable);
  } else {
    if (std::string name = first_line("/run/systemd/container"); !name.empty()) return container_named(name);
    if (std::string name = pid1_container_variable(); !name.empty()) return container_named(name);
  }
  if (Virtualization found = container_files(); found.kind != VirtualizationKind::none) return found;
  if (running_in_cgroup_namespace()) return container("container-other");
  return {};
}

// --- virtual machines (detect_vm()) -----------------------------------------

Virtualization vm_cpuid() {
#if defined(__i386__) || defined(__x86_64__)
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) == 0 || (ecx & 0x80000000U) == 0) return {};
  __cpuid(0x40000000U, eax, ebx, ecx, edx);
  std::array<char, 13> signature{};
  std::memcpy(signature.data(), &ebx, 4);
  std::memcpy(signature.data() + 4, &ecx, 4);
  std::memcpy(signature.data() + 8, &edx, 4);
  const std::string_view text(signature.data());
  static constexpr std::array<std::pair<std::string_view, const char*>, 10> kSignatures{{
      {"XenVMMXenVMM", "xen"},
      {"KVMKVMKVM", "kvm"},
      {"Linux KVM Hv", "kvm"},  // KVM with Hyper-V enlightenments
      {"SRESRESRESRE", "sre"},
      {"TCGTCGTCGTCG", "qemu"},
      {"VMwareVMware", "vmware"},
      {"Microsoft Hv", "microsoft"},
      {"bhyve bhyve ", "bhyve"},
      {"QNXQVMBSQG", "qnx"},
      {"ACRNACRNACRN", "acrn"},
  }};
  for (const auto& [sig, id] : kSignatures)
    if (text == sig) return vm(id);
  return vm("vm-other");
#else
  return {};
#endif
}

enum class SmbiosVmBit { set, unset, unknown };

// SMBIOS BIOS Characteristics Extension Byte 2, bit 4: a virtual machine.
SmbiosVmBit smbios_vm_bit() {
  std::string raw;
  if (read_regular_file("/sys/firmware/dmi/entries/0-0/raw", kSmallFileBytes, raw) < 0) return SmbiosVmBit::unknown;
  if (raw.size() < 20 || static_cast<unsigned char>(raw[1]) < 20) return SmbiosVmBit::unknown;
  return (static_cast<unsigned char>(raw[19]) & (1U << 4)) != 0 ? SmbiosVmBit::set : SmbiosVmBit::unset;
}

Virtualization vm_dmi() {
#if defined(__i386__) || defined(__x86_64__) || defined(__arm__) || defined(__aarch64__)
  // As Debian's systemd 252.39 (later entries of virt.c backported there).
  static constexpr std::array<std::pair<std::string_view, const char*>, 17> kVendors{{
      {"KVM", "kvm"},
      {"OpenStack", "kvm"},
      {"KubeVirt", "kvm"},
      {"Amazon EC2", "amazon"},
      {"QEMU", "qemu"},
      {"VMware", "vmware"},
      {"VMW", "vmware"},
      {"innotek GmbH", "oracle"},
      {"Oracle Corporation", "oracle"},
      {"Xen", "xen"},
      {"Bochs", "bochs"},
      {"Parallels", "parallels"},
      {"BHYVE", "bhyve"},
      {"Hyper-V", "microsoft"},
      {"VirtualBox", "oracle"},
      {"Apple Virtualization", "apple"},
      {"Google Compute Engine", "google"},
  }};
  Virtualization found;
  // product_name first: it tells KVM from QEMU.
  for (const char* file : {"/sys/class/dmi/id/product_name", "/sys/class/dmi/id/sys_vendor",
                           "/sys/class/dmi/id/board_vendor", "/sys/class/dmi/id/bios_vendor",
                           "/sys/class/dmi/id/product_version"}) {
    std::string value = first_line(file);
    for (const auto& [vendor, id] : kVendors)
      if (value.starts_with(vendor)) {
        found = vm(id);
        break;
      }
    if (found.kind != VirtualizationKind::none) break;
  }
  // The vendor does not tell EC2 VMs from bare-metal instances; SMBIOS does.
  if (found.id == "amazon") {
    switch (smbios_vm_bit()) {
      case SmbiosVmBit::set: return found;
      case SmbiosVmBit::unset: return {};
      case SmbiosVmBit::unknown: return first_line("/sys/class/dmi/id/product_name").ends_with(".metal") ? Virtualization{} : found;
    }
  }
  if (found.kind == VirtualizationKind::none && smbios_vm_bit() == SmbiosVmBit::set) return vm("vm-other");
  return found;
#else
  return {};
#endif
}

Virtualization vm_uml() {
  std::string cpuinfo;
  if (read_regular_file("/proc/cpuinfo", 4 * 1024 * 1024, cpuinfo) < 0) return {};
  auto at = cpuinfo.find("vendor_id\t: ");
  if (at != std::string::npos && (at == 0 || cpuinfo[at - 1] == '\n') &&
      std::string_view(cpuinfo).substr(at + 12).starts_with("User Mode Linux"))
    return vm("uml");
  return {};
}

Virtualization vm_hypervisor_type() {
  std::string type = first_line("/sys/hypervisor/type");
  if (type.empty()) return {};
  return vm(type == "xen" ? "xen" : "vm-other");
}

Virtualization vm_device_tree() {
#if defined(__arm__) || defined(__aarch64__) || defined(__powerpc__) || defined(__powerpc64__)
  std::string type = first_line("/proc/device-tree/hypervisor/compatible");
  if (type.empty()) {
    if (exists("/proc/device-tree/ibm,partition-name") && exists("/proc/device-tree/hmc-managed?") &&
        !exists("/proc/device-tree/chosen/qemu,graphic-width"))
      return vm("powervm");
    return {};
  }
  if (type == "linux,kvm") return vm("kvm");
  if (type.find("xen") != std::string::npos) return vm("xen");
  if (type.find("vmware") != std::string::npos) return vm("vmware");
  return vm("vm-other");
#else
  return {};
#endif
}

// A Xen dom0 is the host, not a guest.
bool xen_dom0() {
  std::string features = first_line("/sys/hypervisor/properties/features");
  if (!features.empty()) {
    unsigned long value = 0;
    auto [end, ec] = std::from_chars(features.data(), features.data() + features.size(), value, 16);
    if (ec == std::errc()) return (value & (1UL << 11)) != 0;  // XENFEAT_dom0
  }
  std::string capabilities = first_line("/proc/xen/capabilities");
  return ("," + capabilities + ",").find(",control_d,") != std::string::npos;
}

// The order is systemd's: DMI names that hide behind KVM or Hyper-V first,
// then UML, /proc/xen (Xen PV does not show in CPUID when nested), CPUID,
// the rest of DMI, /sys/hypervisor, the device tree.
Virtualization detect_vm() {
  Virtualization dmi = vm_dmi();
  Virtualization found;
  bool other = false;
  auto settle = [&](Virtualization v) {
    if (v.id == "vm-other") other = true;
    else if (v.kind != VirtualizationKind::none) found = std::move(v);
    return found.kind != VirtualizationKind::none;
  };
  if (dmi.id == "oracle" || dmi.id == "xen" || dmi.id == "amazon" || dmi.id == "parallels") found = dmi;
  else if (!settle(vm_uml()) && !settle(exists("/proc/xen") ? vm("xen") : Virtualization{}) && !settle(vm_cpuid()) &&
           !settle(dmi) && !settle(vm_hypervisor_type()))
    settle(vm_device_tree());
  if (found.id == "xen" && xen_dom0()) return {};
  if (found.kind == VirtualizationKind::none && other) return vm("vm-other");
  return found;
}

int user_namespace_mapping(const char* file) {
  std::string text;
  if (int r = read_regular_file(file, kSmallFileBytes, text); r < 0) return r == -ENOENT ? 0 : r;
  if (text.empty()) return 1;  // not yet mapped
  unsigned long long inside = 1, outside = 1, count = 0;
  if (std::sscanf(text.c_str(), "%llu %llu %llu", &inside, &outside, &count) < 3) return -EBADMSG;
  return inside == 0 && outside == 0 && count == UINT32_MAX ? 0 : 1;
}

}  // namespace

const Virtualization& detect_virtualization() {
  static const Virtualization kFound = [] {
    Virtualization found = detect_container();
    return found.kind == VirtualizationKind::none ? detect_vm() : found;
  }();
  return kFound;
}

int running_in_user_namespace() {
  if (int r = user_namespace_mapping("/proc/self/uid_map"); r != 0) return r;
  if (int r = user_namespace_mapping("/proc/self/gid_map"); r != 0) return r;
  std::string setgroups;
  if (int r = read_regular_file("/proc/self/setgroups", kSmallFileBytes, setgroups); r < 0) return r == -ENOENT ? 0 : r;
  return setgroups.starts_with("deny") ? 1 : 0;
}

}  // namespace vermilion
