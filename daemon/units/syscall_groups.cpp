#include "units/syscall_groups.h"

#include <algorithm>
#include <set>

namespace vermilion {
namespace {

// systemd 252's syscall_filter_sets[] (src/shared/seccomp-util.c), as the
// 252.39 that Debian 12 ships prints it with `systemd-analyze
// syscall-filter`: the stable releases added a few syscalls since v252,
// marked below. Lists other architectures' syscalls too, as systemd does.

// futex_waitv, riscv_hwprobe and uretprobe came with the 252.x stable
// releases (not in v252's table).
constexpr std::string_view kDefault[] = {
    "arch_prctl", "brk", "cacheflush", "clock_getres", "clock_getres_time64", "clock_gettime",
    "clock_gettime64", "clock_nanosleep", "clock_nanosleep_time64", "execve", "exit", "exit_group", "futex",
    "futex_time64", "futex_waitv", "get_robust_list", "get_thread_area", "getegid", "getegid32", "geteuid",
    "geteuid32", "getgid", "getgid32", "getgroups", "getgroups32", "getpgid", "getpgrp", "getpid", "getppid",
    "getrandom", "getresgid", "getresgid32", "getresuid", "getresuid32", "getrlimit", "getsid", "gettid",
    "gettimeofday", "getuid", "getuid32", "membarrier", "mmap", "mmap2", "mprotect", "munmap", "nanosleep",
    "pause", "prlimit64", "restart_syscall", "riscv_flush_icache", "riscv_hwprobe", "rseq", "rt_sigreturn",
    "sched_getaffinity", "sched_yield", "set_robust_list", "set_thread_area", "set_tid_address", "set_tls",
    "sigreturn", "time", "ugetrlimit", "uretprobe",
};
constexpr std::string_view kAio[] = {
    "io_cancel", "io_destroy", "io_getevents", "io_pgetevents", "io_pgetevents_time64", "io_setup",
    "io_submit", "io_uring_enter", "io_uring_register", "io_uring_setup",
};
constexpr std::string_view kBasicIo[] = {
    "_llseek", "close", "close_range", "dup", "dup2", "dup3", "lseek", "pread64", "preadv", "preadv2",
    "pwrite64", "pwritev", "pwritev2", "read", "readv", "write", "writev",
};
constexpr std::string_view kChown[] = {
    "chown", "chown32", "fchown", "fchown32", "fchownat", "lchown", "lchown32",
};
constexpr std::string_view kClock[] = {
    "adjtimex", "clock_adjtime", "clock_adjtime64", "clock_settime", "clock_settime64", "settimeofday",
};
constexpr std::string_view kCpuEmulation[] = {
    "modify_ldt", "subpage_prot", "switch_endian", "vm86", "vm86old",
};
// s390_runtime_instr, and the s390 pair in @raw-io: v252 listed them only when
// built for s390; 252.x lists them everywhere (libseccomp skips them elsewhere).
constexpr std::string_view kDebug[] = {
    "lookup_dcookie", "perf_event_open", "pidfd_getfd", "ptrace", "rtas", "s390_runtime_instr",
    "sys_debug_setcontext",
};
// fchmodat2 came with the 252.x stable releases.
constexpr std::string_view kFileSystem[] = {
    "access", "chdir", "chmod", "close", "creat", "faccessat", "faccessat2", "fallocate", "fchdir", "fchmod",
    "fchmodat", "fchmodat2", "fcntl", "fcntl64", "fgetxattr", "flistxattr", "fremovexattr", "fsetxattr",
    "fstat", "fstat64", "fstatat64", "fstatfs", "fstatfs64", "ftruncate", "ftruncate64", "futimesat",
    "getcwd", "getdents", "getdents64", "getxattr", "inotify_add_watch", "inotify_init", "inotify_init1",
    "inotify_rm_watch", "lgetxattr", "link", "linkat", "listxattr", "llistxattr", "lremovexattr", "lsetxattr",
    "lstat", "lstat64", "mkdir", "mkdirat", "mknod", "mknodat", "newfstatat", "oldfstat", "oldlstat",
    "oldstat", "open", "openat", "openat2", "readlink", "readlinkat", "removexattr", "rename", "renameat",
    "renameat2", "rmdir", "setxattr", "stat", "stat64", "statfs", "statfs64", "statx", "symlink", "symlinkat",
    "truncate", "truncate64", "unlink", "unlinkat", "utime", "utimensat", "utimensat_time64", "utimes",
};
constexpr std::string_view kIoEvent[] = {
    "_newselect", "epoll_create", "epoll_create1", "epoll_ctl", "epoll_ctl_old", "epoll_pwait",
    "epoll_pwait2", "epoll_wait", "epoll_wait_old", "eventfd", "eventfd2", "poll", "ppoll", "ppoll_time64",
    "pselect6", "pselect6_time64", "select",
};
constexpr std::string_view kIpc[] = {
    "ipc", "memfd_create", "mq_getsetattr", "mq_notify", "mq_open", "mq_timedreceive",
    "mq_timedreceive_time64", "mq_timedsend", "mq_timedsend_time64", "mq_unlink", "msgctl", "msgget",
    "msgrcv", "msgsnd", "pipe", "pipe2", "process_madvise", "process_vm_readv", "process_vm_writev", "semctl",
    "semget", "semop", "semtimedop", "semtimedop_time64", "shmat", "shmctl", "shmdt", "shmget",
};
constexpr std::string_view kKeyring[] = {
    "add_key", "keyctl", "request_key",
};
constexpr std::string_view kMemlock[] = {
    "mlock", "mlock2", "mlockall", "munlock", "munlockall",
};
constexpr std::string_view kModule[] = {
    "delete_module", "finit_module", "init_module",
};
constexpr std::string_view kMount[] = {
    "chroot", "fsconfig", "fsmount", "fsopen", "fspick", "mount", "mount_setattr", "move_mount", "open_tree",
    "pivot_root", "umount", "umount2",
};
constexpr std::string_view kNetworkIo[] = {
    "accept", "accept4", "bind", "connect", "getpeername", "getsockname", "getsockopt", "listen", "recv",
    "recvfrom", "recvmmsg", "recvmmsg_time64", "recvmsg", "send", "sendmmsg", "sendmsg", "sendto",
    "setsockopt", "shutdown", "socket", "socketcall", "socketpair",
};
constexpr std::string_view kObsolete[] = {
    "_sysctl", "afs_syscall", "bdflush", "break", "create_module", "ftime", "get_kernel_syms", "getpmsg",
    "gtty", "idle", "lock", "mpx", "prof", "profil", "putpmsg", "query_module", "security", "sgetmask",
    "ssetmask", "stime", "stty", "sysfs", "tuxcall", "ulimit", "uselib", "ustat", "vserver",
};
constexpr std::string_view kPkey[] = {
    "pkey_alloc", "pkey_free", "pkey_mprotect",
};
// quotactl_fd came with the 252.x stable releases. setuid and friends are
// listed one by one, not as @setuid: setgid() needs no privilege.
constexpr std::string_view kPrivileged[] = {
    "@chown", "@clock", "@module", "@raw-io", "@reboot", "@swap", "_sysctl", "acct", "bpf", "capset",
    "chroot", "fanotify_init", "fanotify_mark", "nfsservctl", "open_by_handle_at", "pivot_root", "quotactl",
    "quotactl_fd", "setdomainname", "setfsuid", "setfsuid32", "setgroups", "setgroups32", "sethostname",
    "setresuid", "setresuid32", "setreuid", "setreuid32", "setuid", "setuid32", "vhangup",
};
constexpr std::string_view kProcess[] = {
    "capget", "clone", "clone3", "execveat", "fork", "getrusage", "kill", "pidfd_open", "pidfd_send_signal",
    "prctl", "rt_sigqueueinfo", "rt_tgsigqueueinfo", "setns", "swapcontext", "tgkill", "times", "tkill",
    "unshare", "vfork", "wait4", "waitid", "waitpid",
};
constexpr std::string_view kRawIo[] = {
    "ioperm", "iopl", "pciconfig_iobase", "pciconfig_read", "pciconfig_write", "s390_pci_mmio_read",
    "s390_pci_mmio_write",
};
constexpr std::string_view kReboot[] = {
    "kexec_file_load", "kexec_load", "reboot",
};
// set_mempolicy_home_node came with the 252.x stable releases.
constexpr std::string_view kResources[] = {
    "ioprio_set", "mbind", "migrate_pages", "move_pages", "nice", "sched_setaffinity", "sched_setattr",
    "sched_setparam", "sched_setscheduler", "set_mempolicy", "set_mempolicy_home_node", "setpriority",
    "setrlimit",
};
constexpr std::string_view kSetuid[] = {
    "setgid", "setgid32", "setgroups", "setgroups32", "setregid", "setregid32", "setresgid", "setresgid32",
    "setresuid", "setresuid32", "setreuid", "setreuid32", "setuid", "setuid32",
};
constexpr std::string_view kSignal[] = {
    "rt_sigaction", "rt_sigpending", "rt_sigprocmask", "rt_sigsuspend", "rt_sigtimedwait",
    "rt_sigtimedwait_time64", "sigaction", "sigaltstack", "signal", "signalfd", "signalfd4", "sigpending",
    "sigprocmask", "sigsuspend",
};
constexpr std::string_view kSwap[] = {
    "swapoff", "swapon",
};
constexpr std::string_view kSync[] = {
    "fdatasync", "fsync", "msync", "sync", "sync_file_range", "sync_file_range2", "syncfs",
};
// arm_fadvise64_64 came with the 252.x stable releases.
constexpr std::string_view kSystemService[] = {
    "@aio", "@basic-io", "@chown", "@default", "@file-system", "@io-event", "@ipc", "@keyring", "@memlock",
    "@network-io", "@process", "@resources", "@setuid", "@signal", "@sync", "@timer", "arm_fadvise64_64",
    "capget", "capset", "copy_file_range", "fadvise64", "fadvise64_64", "flock", "get_mempolicy", "getcpu",
    "getpriority", "ioctl", "ioprio_get", "kcmp", "madvise", "mremap", "name_to_handle_at", "oldolduname",
    "olduname", "personality", "readahead", "readdir", "remap_file_pages", "sched_get_priority_max",
    "sched_get_priority_min", "sched_getattr", "sched_getparam", "sched_getscheduler",
    "sched_rr_get_interval", "sched_rr_get_interval_time64", "sched_yield", "sendfile", "sendfile64",
    "setfsgid", "setfsgid32", "setfsuid", "setfsuid32", "setpgid", "setsid", "splice", "sysinfo", "tee",
    "umask", "uname", "userfaultfd", "vmsplice",
};
constexpr std::string_view kTimer[] = {
    "alarm", "getitimer", "setitimer", "timer_create", "timer_delete", "timer_getoverrun", "timer_gettime",
    "timer_gettime64", "timer_settime", "timer_settime64", "timerfd_create", "timerfd_gettime",
    "timerfd_gettime64", "timerfd_settime", "timerfd_settime64", "times",
};

constexpr SyscallGroup kGroups[] = {
    {"@default", "System calls that are always permitted", kDefault},
    {"@aio", "Asynchronous IO", kAio},
    {"@basic-io", "Basic IO", kBasicIo},
    {"@chown", "Change ownership of files and directories", kChown},
    {"@clock", "Change the system time", kClock},
    {"@cpu-emulation", "System calls for CPU emulation functionality", kCpuEmulation},
    {"@debug", "Debugging, performance monitoring and tracing functionality", kDebug},
    {"@file-system", "File system operations", kFileSystem},
    {"@io-event", "Event loop system calls", kIoEvent},
    {"@ipc", "SysV IPC, POSIX Message Queues or other IPC", kIpc},
    {"@keyring", "Kernel keyring access", kKeyring},
    {"@memlock", "Memory locking control", kMemlock},
    {"@module", "Loading and unloading of kernel modules", kModule},
    {"@mount", "Mounting and unmounting of file systems", kMount},
    {"@network-io", "Network or Unix socket IO, should not be needed if not network facing", kNetworkIo},
    {"@obsolete", "Unusual, obsolete or unimplemented system calls", kObsolete},
    {"@pkey", "System calls used for memory protection keys", kPkey},
    {"@privileged", "All system calls which need super-user capabilities", kPrivileged},
    {"@process", "Process control, execution, namespacing operations", kProcess},
    {"@raw-io", "Raw I/O port access", kRawIo},
    {"@reboot", "Reboot and reboot preparation/kexec", kReboot},
    {"@resources", "Alter resource settings", kResources},
    {"@setuid", "Operations for changing user/group credentials", kSetuid},
    {"@signal", "Process signal handling", kSignal},
    {"@swap", "Enable/disable swap devices", kSwap},
    {"@sync", "Synchronize files and memory to storage", kSync},
    {"@system-service", "General system service operations", kSystemService},
    {"@timer", "Schedule operations by time", kTimer},
    // systemd generates @known at build time (the kernel's syscall list, with
    // @obsolete); see the header.
    {"@known", "All known syscalls declared in the kernel", {}},
};

}  // namespace

std::span<const SyscallGroup> syscall_groups() noexcept { return kGroups; }

const SyscallGroup* find_syscall_group(std::string_view name) noexcept {
  for (const SyscallGroup& group : kGroups)
    if (group.name == name) return &group;
  return nullptr;
}

std::optional<std::vector<std::string>> expand_syscall_group(std::string_view name) {
  const SyscallGroup* top = find_syscall_group(name);
  if (!top) return std::nullopt;
  // A worklist, not recursion: each group is opened once, so a reference
  // cycle (systemd's table has none) could not loop.
  std::vector<const SyscallGroup*> pending{top};
  std::set<std::string_view> opened{top->name};
  std::vector<std::string> syscalls;
  while (!pending.empty()) {
    const SyscallGroup* group = pending.back();
    pending.pop_back();
    for (std::string_view member : group->members) {
      if (!member.starts_with('@')) {
        syscalls.emplace_back(member);
        continue;
      }
      // Every reference in the table names a group (the test checks), so
      // none is dropped here.
      const SyscallGroup* nested = find_syscall_group(member);
      if (nested && opened.insert(nested->name).second) pending.push_back(nested);
    }
  }
  std::sort(syscalls.begin(), syscalls.end());
  syscalls.erase(std::unique(syscalls.begin(), syscalls.end()), syscalls.end());
  return syscalls;
}

}  // namespace vermilion
