// The seccomp filter a process gets from its unit's sandboxing keys
// (systemd.exec(5) "System Call Filtering" and "Sandboxing"), with the
// rules systemd 252's exec_child() loads for them (src/core/execute.c
// apply_restrict_realtime() and its siblings, src/shared/seccomp-util.c).
// A filter covers the native architecture and the secondary ones a process
// could switch to (x86 and x32 on x86-64), as systemd's loop over
// seccomp_local_archs[] does, so that no 32-bit entry point goes around it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "units/address_families.h"
#include "units/namespace_types.h"
#include "units/syscall_filter.h"

namespace vermilion {

struct SeccompPlan {
  // RestrictRealtime=: sched_setscheduler() to any policy but SCHED_OTHER,
  // SCHED_BATCH or SCHED_IDLE (SCHED_RESET_ON_FORK included) fails EPERM.
  bool restrict_realtime = false;
  // LockPersonality=: personality() with any value but the one the process
  // has (PER_LINUX, or PER_LINUX32 for a 32-bit one; systemd's
  // opinionated_personality()) fails EPERM, a query (0xffffffff) too.
  bool lock_personality = false;
  // ProtectHostname=: sethostname() and setdomainname() fail EPERM (the UTS
  // namespace the key also asks for is exec_child's).
  bool protect_hostname = false;
  // RestrictSUIDSGID=: making a file set-user-ID or set-group-ID (chmod,
  // fchmod, fchmodat, mkdir, mkdirat, mknod, mknodat, open, openat, creat
  // with S_ISUID or S_ISGID in the mode) fails EPERM; openat2() fails
  // ENOSYS (its mode cannot be seen).
  bool restrict_suid_sgid = false;
  // ProtectKernelModules= (@module), ProtectKernelLogs= (syslog()),
  // ProtectClock= (@clock): those calls fail EPERM.
  bool protect_kernel_modules = false, protect_kernel_logs = false, protect_clock = false;
  bool private_devices = false;  // PrivateDevices=: @raw-io fails EPERM
  // ProtectKernelTunables=: _sysctl() fails EPERM (seccomp_protect_sysctl()).
  bool protect_kernel_tunables = false;
  // RestrictNamespaces= (the CLONE_NEW* flags retained; all of them, or
  // never given: no rule): unshare(), clone() and setns() with another
  // flag fail EPERM, clone3() ENOSYS (its flags cannot be seen; callers
  // fall back to clone()); with none retained, every setns().
  unsigned long namespaces_retained = kNamespaceFlagsInitial;
  // MemoryDenyWriteExecute=: no mapping writable and executable at once,
  // none made executable later (a filter per architecture, as their
  // mmap() calls differ).
  bool memory_deny_write_execute = false;
  // RestrictAddressFamilies= (null or inactive: none): socket() in another
  // family fails EAFNOSUPPORT, on the architectures whose socket() is a
  // call of its own (not x86's socketcall(); systemd leaves those alone).
  const AddressFamilies* address_families = nullptr;
  [[nodiscard]] bool restricts_namespaces() const {
    return (namespaces_retained & namespace_flags_all()) != namespace_flags_all();
  }
  // SystemCallArchitectures=: system calls of any other architecture than
  // these (and the native one, which systemd 252 keeps) kill the process.
  const std::uint32_t* architectures = nullptr;
  std::size_t architecture_count = 0;
  // SystemCallFilter= (null or inactive: none) and SystemCallErrorNumber=
  // (an errno, or kSyscallKill): loaded last, as a filter of its own, since
  // an allow list's default action refuses.
  const SyscallFilter* syscall_filter = nullptr;
  int syscall_error_number = kSyscallKill;

  [[nodiscard]] bool empty() const {
    return !restrict_realtime && !lock_personality && !protect_hostname && !restrict_suid_sgid &&
           !protect_kernel_modules && !protect_kernel_logs && !protect_clock && !private_devices &&
           !protect_kernel_tunables && !restricts_namespaces() && !memory_deny_write_execute &&
           !(address_families && address_families->active()) &&
           architecture_count == 0 && !(syscall_filter && syscall_filter->active());
  }
};

// Whether the kernel filters system calls (prctl(PR_GET_SECCOMP) works):
// where it does not, systemd skips each of these keys with a note
// (skip_seccomp_unavailable()), and so does exec_child.
[[nodiscard]] bool seccomp_available() noexcept;

// Loads PLAN's filter into the calling process: 0, or -errno (the process
// then fails with 228/SECCOMP, as systemd's does). As systemd, only a load
// the kernel refuses with EPERM, EACCES, ENOMEM or EFAULT is an error; a
// filter it cannot run otherwise is skipped. Loading needs
// CAP_SYS_ADMIN or no_new_privs set first (-EACCES otherwise). Allocates
// (libseccomp builds the filter): for the forked child of the
// single-threaded vermiliond, or a test.
[[nodiscard]] int load_seccomp_filter(const SeccompPlan& plan) noexcept;

}  // namespace vermilion
