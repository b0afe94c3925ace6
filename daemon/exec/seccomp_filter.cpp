#include "exec/seccomp_filter.h"

#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/personality.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/stat.h>

#include <cerrno>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "units/syscall_groups.h"

namespace vermilion {
namespace {

using Filter = std::unique_ptr<void, decltype(&seccomp_release)>;
Filter new_filter(std::uint32_t default_action, bool other_archs_allowed = true);

// The architectures besides the native one a process of this machine may
// call in (systemd's seccomp_local_archs[]).
std::span<const std::uint32_t> secondary_archs() {
  static constexpr std::uint32_t kX86_64[] = {SCMP_ARCH_X86, SCMP_ARCH_X32};
  static constexpr std::uint32_t kAarch64[] = {SCMP_ARCH_ARM};
  static constexpr std::uint32_t kS390x[] = {SCMP_ARCH_S390};
  static constexpr std::uint32_t kPpc64[] = {SCMP_ARCH_PPC};
  switch (seccomp_arch_native()) {
    case SCMP_ARCH_X86_64: return kX86_64;
    case SCMP_ARCH_AARCH64: return kAarch64;
    case SCMP_ARCH_S390X: return kS390x;
    case SCMP_ARCH_PPC64: return kPpc64;
    default: return {};
  }
}

bool is_local_arch(std::uint32_t arch) {
  if (arch == SCMP_ARCH_NATIVE || arch == seccomp_arch_native()) return true;
  for (std::uint32_t local : secondary_archs())
    if (arch == local) return true;
  return false;
}

// The native architecture, then the secondary ones: the architectures
// systemd loads one filter each for (SECCOMP_FOREACH_LOCAL_ARCH).
std::vector<std::uint32_t> local_archs() {
  std::vector<std::uint32_t> archs{seccomp_arch_native()};
  for (std::uint32_t arch : secondary_archs()) archs.push_back(arch);
  return archs;
}

int add_secondary_archs(scmp_filter_ctx filter) {
  for (std::uint32_t arch : secondary_archs()) {
    int r = seccomp_arch_add(filter, arch);
    if (r < 0 && r != -EEXIST) return r;
  }
  return 0;
}

// seccomp_load(), as systemd treats its result (ERRNO_IS_SECCOMP_FATAL):
// the kernel refusing for want of privilege or memory fails the process;
// any other refusal (a filter this kernel cannot run) skips this one.
int load(scmp_filter_ctx filter) {
  int r = seccomp_load(filter);
  if (r == -EPERM || r == -EACCES || r == -ENOMEM || r == -EFAULT) return r;
  return 0;
}

// One rule; a system call an architecture lacks (open() on some) is no
// error, as systemd logs and skips it.
int deny(scmp_filter_ctx filter, int syscall, unsigned count, const scmp_arg_cmp* args) {
  if (syscall == __NR_SCMP_ERROR) return 0;  // unknown to this libseccomp
  int r = seccomp_rule_add_array(filter, SCMP_ACT_ERRNO(EPERM), syscall, count, args);
  return r == -EDOM || r == -EOPNOTSUPP ? 0 : r;
}

int deny(scmp_filter_ctx filter, const char* name) {
  return deny(filter, seccomp_syscall_resolve_name(name), 0, nullptr);
}

int deny(scmp_filter_ctx filter, const char* name, scmp_arg_cmp arg) {
  return deny(filter, seccomp_syscall_resolve_name(name), 1, &arg);
}

int deny(scmp_filter_ctx filter, const char* name, scmp_arg_cmp first, scmp_arg_cmp second) {
  const scmp_arg_cmp args[2] = {first, second};
  return deny(filter, seccomp_syscall_resolve_name(name), 2, args);
}

// seccomp_load_syscall_filter_set(ALLOW, group, ERRNO(EPERM)): each call
// of the group this machine knows.
int deny_group(scmp_filter_ctx filter, std::string_view group) {
  auto calls = expand_syscall_group(group);
  if (!calls) return -EINVAL;
  for (const auto& name : *calls)
    if (int r = deny(filter, name.c_str()); r < 0) return r;
  return 0;
}

// A filter for one architecture only (seccomp_init_for_arch()), for rules
// whose calls differ between architectures.
Filter filter_for_arch(std::uint32_t arch) {
  Filter filter = new_filter(SCMP_ACT_ALLOW);
  const std::uint32_t native = seccomp_arch_native();
  if (filter && arch != native &&
      (seccomp_arch_add(filter.get(), arch) < 0 || seccomp_arch_remove(filter.get(), native) < 0))
    filter.reset();
  return filter;
}

// One rule for the call NAME in a one-architecture filter (libseccomp
// translates the native number, or pseudo-number, to that architecture's).
int deny_exact(scmp_filter_ctx filter, const char* name, unsigned count, const scmp_arg_cmp* arg) {
  const int number = seccomp_syscall_resolve_name(name);
  if (number == __NR_SCMP_ERROR) return -EDOM;
  return seccomp_rule_add_exact_array(filter, SCMP_ACT_ERRNO(EPERM), number, count, arg);
}

// seccomp_memory_deny_write_execute(), one filter per architecture: mmap()
// (mmap2() where there is one, old mmap() refused outright) of memory both
// writable and executable, mprotect()/pkey_mprotect() to executable, and
// shmat() with SHM_EXEC fail EPERM. As systemd, an architecture where a
// rule cannot be added goes without the filter.
int memory_deny_write_execute() {
  for (std::uint32_t arch : local_archs()) {
    const char* filtered = "mmap";
    bool block_mmap = false, shmat = true;
    switch (arch) {
      // shmat() goes through the ipc() multiplexer on these: not filtered,
      // as systemd (and libseccomp refuses an argument rule on it, which
      // would cost the architecture its whole filter).
      case SCMP_ARCH_X86:
      case SCMP_ARCH_S390:
        filtered = "mmap2";
        block_mmap = true;
        shmat = false;
        break;
      case SCMP_ARCH_PPC:
      case SCMP_ARCH_PPC64:
      case SCMP_ARCH_PPC64LE:
      case SCMP_ARCH_S390X:
        shmat = false;
        break;
      case SCMP_ARCH_ARM:
        filtered = "mmap2";
        break;
      default:
        break;
    }
    Filter filter = filter_for_arch(arch);
    if (!filter) return -ENOMEM;
    const scmp_datum_t write_exec = PROT_WRITE | PROT_EXEC, exec = PROT_EXEC, shm_exec = SHM_EXEC;
    const scmp_arg_cmp mapping{2, SCMP_CMP_MASKED_EQ, write_exec, write_exec};
    const scmp_arg_cmp protection{2, SCMP_CMP_MASKED_EQ, exec, exec};
    const scmp_arg_cmp attach{2, SCMP_CMP_MASKED_EQ, shm_exec, shm_exec};
    int r = deny_exact(filter.get(), filtered, 1, &mapping);
    if (r == 0 && block_mmap) r = deny_exact(filter.get(), "mmap", 0, nullptr);
    if (r == 0) r = deny_exact(filter.get(), "mprotect", 1, &protection);
    if (r == 0) r = deny_exact(filter.get(), "pkey_mprotect", 1, &protection);
    if (r == 0 && shmat) r = deny_exact(filter.get(), "shmat", 1, &attach);
    if (r < 0) continue;
    if (int loaded = load(filter.get()); loaded < 0) return loaded;
  }
  return 0;
}

// seccomp_restrict_address_families(): for an allow list, socket() below
// its first family, above its last, and in each gap fails; for a deny list,
// in each family listed.
int restrict_address_families(const AddressFamilies& families) {
  const std::uint32_t refuse = SCMP_ACT_ERRNO(EAFNOSUPPORT);
  const int socket = seccomp_syscall_resolve_name("socket");
  for (std::uint32_t arch : local_archs()) {
    switch (arch) {
      case SCMP_ARCH_X86_64:
      case SCMP_ARCH_X32:
      case SCMP_ARCH_ARM:
      case SCMP_ARCH_AARCH64:
      case SCMP_ARCH_MIPSEL64N32:
      case SCMP_ARCH_MIPS64N32:
      case SCMP_ARCH_MIPSEL64:
      case SCMP_ARCH_MIPS64:
      case SCMP_ARCH_RISCV64:
        break;
      default:
        continue;  // socketcall(), or unknown: not filtered, as systemd
    }
    Filter filter = filter_for_arch(arch);
    if (!filter) return -ENOMEM;
    auto rule = [&](unsigned count, scmp_compare op, int family) {
      const scmp_arg_cmp arg{0, op, static_cast<scmp_datum_t>(family), 0};
      return seccomp_rule_add_exact_array(filter.get(), refuse, socket, count, &arg);
    };
    int r = 0;
    if (families.allow_list) {
      int first = 0, last = 0;
      for (int family : families.families) {
        if (family <= 0 || family >= address_family_max()) continue;
        if (first == 0 || family < first) first = family;
        if (last == 0 || family > last) last = family;
      }
      if (first == 0) {
        r = rule(0, SCMP_CMP_EQ, 0);
      } else {
        r = rule(1, SCMP_CMP_LT, first);
        if (r == 0) r = rule(1, SCMP_CMP_GT, last);
        for (int family = 1; family < last && r == 0; ++family)
          if (!families.families.contains(family)) r = rule(1, SCMP_CMP_EQ, family);
      }
    } else {
      for (int family : families.families)
        if (r == 0) r = rule(1, SCMP_CMP_EQ, family);
    }
    if (r < 0) continue;  // as systemd: that architecture goes without
    if (int loaded = load(filter.get()); loaded < 0) return loaded;
  }
  return 0;
}

// seccomp_restrict_namespaces().
int restrict_namespaces(scmp_filter_ctx filter, unsigned long retained) {
  const int clone3 = seccomp_syscall_resolve_name("clone3");
  if (clone3 != __NR_SCMP_ERROR) {
    int r = seccomp_rule_add(filter, SCMP_ACT_ERRNO(ENOSYS), clone3, 0);
    if (r < 0 && r != -EDOM) return r;
  }
  const bool none = (retained & namespace_flags_all()) == 0;
  if (int r = none ? deny(filter, "setns") : deny(filter, "setns", scmp_arg_cmp{1, SCMP_CMP_EQ, 0, 0}); r < 0)
    return r;
  // s390's clone() takes the stack first and the flags second.
  const std::uint32_t native = seccomp_arch_native();
  const unsigned clone_flags = native == SCMP_ARCH_S390X || native == SCMP_ARCH_S390 ? 1 : 0;
  for (const auto& type : kNamespaceTypes) {
    if ((retained & type.flag) == type.flag) continue;
    const scmp_datum_t flag = type.flag;
    if (int r = deny(filter, "unshare", scmp_arg_cmp{0, SCMP_CMP_MASKED_EQ, flag, flag}); r < 0) return r;
    if (int r = deny(filter, "clone", scmp_arg_cmp{clone_flags, SCMP_CMP_MASKED_EQ, flag, flag}); r < 0) return r;
    if (!none) {
      if (int r = deny(filter, "setns", scmp_arg_cmp{1, SCMP_CMP_MASKED_EQ, flag, flag}); r < 0) return r;
    }
  }
  return 0;
}

// seccomp_restrict_realtime(): each policy below the highest permitted one
// that is not permitted, and everything above it (unsigned: a negative
// policy too).
int restrict_realtime(scmp_filter_ctx filter) {
  constexpr int kMax = SCHED_IDLE;
  for (int policy = 0; policy < kMax; ++policy) {
    if (policy == SCHED_OTHER || policy == SCHED_BATCH) continue;
    if (int r = deny(filter, "sched_setscheduler", scmp_arg_cmp{1, SCMP_CMP_EQ, static_cast<scmp_datum_t>(policy), 0}); r < 0)
      return r;
  }
  // (scmp_arg_cmp in full: the SCMP_A*() macros leave datum_b out.)
  return deny(filter, "sched_setscheduler", scmp_arg_cmp{1, SCMP_CMP_GT, static_cast<scmp_datum_t>(kMax), 0});
}

// systemd's opinionated_personality(): PER_LINUX32 stays, anything else is
// PER_LINUX.
int lock_personality(scmp_filter_ctx filter) {
  const int current = personality(0xffffffff);
  if (current < 0) return -errno;
  const unsigned long locked = (static_cast<unsigned long>(current) & PER_MASK) == PER_LINUX32 ? PER_LINUX32 : PER_LINUX;
  return deny(filter, "personality", scmp_arg_cmp{0, SCMP_CMP_NE, locked, 0});
}

int protect_hostname(scmp_filter_ctx filter) {
  if (int r = deny(filter, "sethostname"); r < 0) return r;
  return deny(filter, "setdomainname");
}

// seccomp_restrict_sxid(): the mode argument of each call that sets one.
int restrict_sxid(scmp_filter_ctx filter, scmp_datum_t bit) {
  struct ModeArgument {
    const char* name;
    unsigned mode;  // which argument holds the mode
  };
  for (ModeArgument call : {ModeArgument{"chmod", 1}, {"fchmod", 1}, {"fchmodat", 2}, {"mkdir", 1}, {"mkdirat", 2},
                            {"mknod", 1}, {"mknodat", 2}, {"creat", 1}}) {
    if (int r = deny(filter, call.name, scmp_arg_cmp{call.mode, SCMP_CMP_MASKED_EQ, bit, bit}); r < 0) return r;
  }
  const scmp_datum_t create = O_CREAT;
  if (int r = deny(filter, "open", SCMP_A1(SCMP_CMP_MASKED_EQ, create, create), SCMP_A2(SCMP_CMP_MASKED_EQ, bit, bit));
      r < 0)
    return r;
  if (int r = deny(filter, "openat", SCMP_A2(SCMP_CMP_MASKED_EQ, create, create), SCMP_A3(SCMP_CMP_MASKED_EQ, bit, bit));
      r < 0)
    return r;
  // openat2() holds its mode in a structure no filter can read: refused
  // outright with ENOSYS, so that callers fall back to openat().
  const int openat2 = seccomp_syscall_resolve_name("openat2");
  if (openat2 == __NR_SCMP_ERROR) return 0;
  int r = seccomp_rule_add(filter, SCMP_ACT_ERRNO(ENOSYS), openat2, 0);
  return r == -EDOM || r == -EEXIST ? 0 : r;
}

// A filter whose no_new_privs is exec_child's to set (NoNewPrivileges=, or
// implied without CAP_SYS_ADMIN), not libseccomp's; the kernel's own errno
// on a refused load; and (seccomp_init_for_arch()) calls of architectures
// it does not cover allowed, which only SystemCallArchitectures= forbids.
Filter new_filter(std::uint32_t default_action, bool other_archs_allowed) {
  Filter filter(seccomp_init(default_action), &seccomp_release);
  if (filter && (seccomp_attr_set(filter.get(), SCMP_FLTATR_CTL_NNP, 0) < 0 ||
                 seccomp_attr_set(filter.get(), SCMP_FLTATR_API_SYSRAWRC, 1) < 0 ||
                 (other_archs_allowed && seccomp_attr_set(filter.get(), SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ALLOW) < 0)))
    filter.reset();
  return filter;
}

// systemd's scmp_act_kill_process(): the whole process, where the kernel
// can (API level 3, Linux 4.14), else the thread.
std::uint32_t kill_action() { return seccomp_api_get() >= 3 ? SCMP_ACT_KILL_PROCESS : SCMP_ACT_KILL; }

// seccomp_restrict_archs(): no rules, only the architectures (those of
// this machine; another is no error), the native one always; x32's vDSO
// needs x86-64's calls. Calls of any other architecture kill.
int restrict_architectures(const std::uint32_t* archs, std::size_t count) {
  Filter filter = new_filter(SCMP_ACT_ALLOW, false);
  if (!filter) return -ENOMEM;
  bool x32 = seccomp_arch_native() == SCMP_ARCH_X32;
  for (std::size_t i = 0; i < count; ++i) {
    if (!is_local_arch(archs[i])) continue;
    x32 = x32 || archs[i] == SCMP_ARCH_X32;
    int r = seccomp_arch_add(filter.get(), archs[i]);
    if (r < 0 && r != -EEXIST) return r;
  }
  if (x32) {
    int r = seccomp_arch_add(filter.get(), SCMP_ARCH_X86_64);
    if (r < 0 && r != -EEXIST) return r;
  }
  return load(filter.get());
}

// apply_syscall_filter() and seccomp_load_syscall_filter_set_raw(): an
// allow list refuses by default and allows its calls; a deny list allows
// by default and refuses its calls. A call with an errno (or kill) of its
// own gets that in either.
int load_syscall_filter(const SyscallFilter& syscalls, int error_number) {
  const std::uint32_t refuse = error_number == kSyscallKill ? kill_action()
                                                            : SCMP_ACT_ERRNO(static_cast<std::uint16_t>(error_number));
  Filter filter = new_filter(syscalls.allow_list ? refuse : SCMP_ACT_ALLOW);
  if (!filter) return -ENOMEM;
  if (int r = add_secondary_archs(filter.get()); r < 0) return r;
  for (const auto& [number, error] : syscalls.calls) {
    const std::uint32_t action = error == kSyscallKill          ? kill_action()
                                 : error >= 0                   ? SCMP_ACT_ERRNO(static_cast<std::uint16_t>(error))
                                 : syscalls.allow_list          ? SCMP_ACT_ALLOW
                                                                : refuse;
    int r = seccomp_rule_add(filter.get(), action, number, 0);
    // A call an architecture of the filter lacks is no error (-EDOM), as
    // systemd's; nor one whose action is the default already.
    if (r < 0 && r != -EDOM && r != -EACCES) return r;
  }
  return load(filter.get());
}

}  // namespace

bool seccomp_available() noexcept { return prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0; }

int load_seccomp_filter(const SeccompPlan& plan) noexcept {
  const bool restrictions = plan.restrict_realtime || plan.lock_personality || plan.protect_hostname ||
                            plan.restrict_suid_sgid || plan.protect_kernel_modules || plan.protect_kernel_logs ||
                            plan.protect_clock || plan.private_devices || plan.protect_kernel_tunables ||
                            plan.restricts_namespaces();
  if (restrictions) {
    Filter filter = new_filter(SCMP_ACT_ALLOW);
    if (!filter) return -ENOMEM;
    int r = add_secondary_archs(filter.get());
    if (r == 0 && plan.restrict_realtime) r = restrict_realtime(filter.get());
    if (r == 0 && plan.lock_personality) r = lock_personality(filter.get());
    if (r == 0 && plan.protect_hostname) r = protect_hostname(filter.get());
    if (r == 0 && plan.restrict_suid_sgid) r = restrict_sxid(filter.get(), S_ISUID);
    if (r == 0 && plan.restrict_suid_sgid) r = restrict_sxid(filter.get(), S_ISGID);
    if (r == 0 && plan.protect_kernel_modules) r = deny_group(filter.get(), "@module");
    if (r == 0 && plan.protect_kernel_logs) r = deny(filter.get(), "syslog");
    if (r == 0 && plan.protect_clock) r = deny_group(filter.get(), "@clock");
    if (r == 0 && plan.private_devices) r = deny_group(filter.get(), "@raw-io");
    if (r == 0 && plan.protect_kernel_tunables) r = deny(filter.get(), "_sysctl");
    if (r == 0 && plan.restricts_namespaces()) r = restrict_namespaces(filter.get(), plan.namespaces_retained);
    if (r == 0) r = load(filter.get());
    if (r < 0) return r;
  }
  if (plan.address_families && plan.address_families->active()) {
    if (int r = restrict_address_families(*plan.address_families); r < 0) return r;
  }
  if (plan.memory_deny_write_execute) {
    if (int r = memory_deny_write_execute(); r < 0) return r;
  }
  if (plan.architecture_count > 0) {
    if (int r = restrict_architectures(plan.architectures, plan.architecture_count); r < 0) return r;
  }
  if (plan.syscall_filter && plan.syscall_filter->active()) {
    if (int r = load_syscall_filter(*plan.syscall_filter, plan.syscall_error_number); r < 0) return r;
  }
  return 0;
}

}  // namespace vermilion
