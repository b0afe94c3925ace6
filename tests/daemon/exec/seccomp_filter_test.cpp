// load_seccomp_filter() in forked children: each key's rules refuse what
// systemd 252's do (src/shared/seccomp-util.c) and let the rest through.
#include "exec/seccomp_filter.h"

#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <functional>
#include <string>

#include "temp_dir.h"

namespace vermilion {
namespace {

// Runs `probe` in a child under PLAN's filter: its return value is the
// child's exit status (0: as expected; 100+: the filter did not load).
int under_filter(const SeccompPlan& plan, const std::function<int()>& probe) {
  pid_t pid = fork();
  if (pid == 0) {
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) _exit(100);
    if (load_seccomp_filter(plan) < 0) _exit(101);
    _exit(probe());
  }
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

// 0 when `result` is -1 with EPERM, else `code`.
int refused(int result, int code) { return result == -1 && errno == EPERM ? 0 : code; }

TEST(SeccompFilterTest, AnEmptyPlanLoadsNothing) {
  EXPECT_EQ(under_filter({}, [] { return prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 0 ? 0 : 1; }), 0);
}

TEST(SeccompFilterTest, RestrictRealtimeRefusesRealTimePoliciesOnly) {
  SeccompPlan plan;
  plan.restrict_realtime = true;
  EXPECT_EQ(under_filter(plan,
                         [] {
                           sched_param param{};
                           param.sched_priority = 1;
                           if (int r = refused(sched_setscheduler(0, SCHED_FIFO, &param), 1)) return r;
                           if (int r = refused(sched_setscheduler(0, SCHED_RR, &param), 2)) return r;
                           param.sched_priority = 0;
                           // Past SCHED_IDLE (SCHED_DEADLINE, RESET_ON_FORK'ed ones) too.
                           if (int r = refused(sched_setscheduler(0, SCHED_OTHER | SCHED_RESET_ON_FORK, &param), 3))
                             return r;
                           if (sched_setscheduler(0, SCHED_BATCH, &param) < 0) return 4;
                           if (sched_setscheduler(0, SCHED_IDLE, &param) < 0) return 5;
                           return prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 2 ? 0 : 6;
                         }),
            0);
}

TEST(SeccompFilterTest, LockPersonalityAllowsOnlyTheCurrentOne) {
  SeccompPlan plan;
  plan.lock_personality = true;
  EXPECT_EQ(under_filter(plan,
                         [] {
                           if (personality(PER_LINUX) < 0) return 1;
                           if (int r = refused(personality(static_cast<unsigned long>(PER_LINUX) | ADDR_NO_RANDOMIZE), 2)) return r;
                           if (int r = refused(personality(PER_LINUX32), 3)) return r;
                           // systemd 252 refuses the query too.
                           return refused(personality(0xffffffff), 4);
                         }),
            0);
}

TEST(SeccompFilterTest, ProtectHostnameRefusesSettingTheNames) {
  SeccompPlan plan;
  plan.protect_hostname = true;
  EXPECT_EQ(under_filter(plan,
                         [] {
                           // A UTS namespace of its own first, so that an
                           // unfiltered call would change nothing outside.
                           if (unshare(CLONE_NEWUTS) < 0 && errno != EPERM) return 9;
                           if (int r = refused(sethostname("x", 1), 1)) return r;
                           return refused(setdomainname("x", 1), 2);
                         }),
            0);
}

TEST(SeccompFilterTest, RestrictSuidSgidRefusesOnlySetIdModes) {
  testing::TempDir dir;
  const std::string file = dir.file("f"), made = dir.file("made"), plain = dir.file("plain");
  SeccompPlan plan;
  plan.restrict_suid_sgid = true;
  EXPECT_EQ(under_filter(plan,
                         [&] {
                           int fd = open(file.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
                           if (fd < 0) return 1;
                           if (int r = refused(fchmod(fd, 04755), 2)) return r;
                           if (int r = refused(chmod(file.c_str(), 02755), 3)) return r;
                           if (chmod(file.c_str(), 0750) < 0) return 4;
                           if (int r = refused(open(made.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 04644), 5)) return r;
                           if (int r = refused(mkdir(made.c_str(), 02755), 6)) return r;
                           // openat2() cannot be checked: refused with ENOSYS.
                           if (syscall(SYS_openat2, AT_FDCWD, made.c_str(), nullptr, 0) != -1 || errno != ENOSYS)
                             return 8;
                           return mkdir(plain.c_str(), 0755) < 0 ? 7 : 0;
                         }),
            0);
}

// ProtectKernelModules=, ProtectKernelLogs=, ProtectClock=: their calls
// (the conformance case "protect-kernel-modules-clock" has them under
// systemd) fail EPERM, others do not.
TEST(SeccompFilterTest, ProtectKernelModulesLogsAndClockRefuseTheirCalls) {
  SeccompPlan plan;
  plan.protect_kernel_logs = true;
  EXPECT_EQ(under_filter(plan,
                         [] {
                           if (int r = refused(static_cast<int>(syscall(SYS_syslog, 10, nullptr, 0)), 1)) return r;
                           return syscall(SYS_getppid) > 0 ? 0 : 2;
                         }),
            0);
  plan = {};
  plan.protect_kernel_modules = true;
  EXPECT_EQ(under_filter(plan,
                         [] {
                           return refused(static_cast<int>(syscall(SYS_delete_module, "vermilion_none", 0)), 1);
                         }),
            0);
  plan = {};
  plan.protect_clock = true;
  EXPECT_EQ(under_filter(plan,
                         [] {
                           timespec now{};
                           if (int r = refused(clock_settime(CLOCK_REALTIME, &now), 1)) return r;
                           return clock_gettime(CLOCK_REALTIME, &now) == 0 ? 0 : 2;
                         }),
            0);
}

// PrivateDevices=: @raw-io (here ioperm(), asking to turn nothing on).
TEST(SeccompFilterTest, PrivateDevicesRefusesRawIo) {
  SeccompPlan plan;
  plan.private_devices = true;
  EXPECT_EQ(under_filter(plan, [] { return refused(static_cast<int>(syscall(SYS_ioperm, 0x80, 1, 0)), 1); }), 0);
}

// RestrictNamespaces=net: only a network namespace may be made; clone3()
// says ENOSYS so that callers fall back to clone().
TEST(SeccompFilterTest, RestrictNamespacesRefusesTheOthers) {
  SeccompPlan plan;
  plan.namespaces_retained = CLONE_NEWNET;
  EXPECT_EQ(under_filter(plan,
                         [] {
                           if (int r = refused(unshare(CLONE_NEWUTS), 1)) return r;
                           if (int r = refused(unshare(CLONE_NEWNET | CLONE_NEWIPC), 2)) return r;
                           if (int r = refused(setns(-1, 0), 3)) return r;
                           if (syscall(SYS_clone3, nullptr, 0) != -1 || errno != ENOSYS) return 4;
                           // Let through, this reaches the kernel, which refuses
                           // the stray flag with EINVAL (a filter would say EPERM).
                           return unshare(CLONE_NEWNET | 0x1) == -1 && errno == EINVAL ? 0 : 5;
                         }),
            0);
}

TEST(SeccompFilterTest, MemoryDenyWriteExecuteRefusesWritableCode) {
  SeccompPlan plan;
  plan.memory_deny_write_execute = true;
  EXPECT_EQ(under_filter(plan,
                         [] {
                           const int flags = MAP_PRIVATE | MAP_ANONYMOUS;
                           if (mmap(nullptr, 4096, PROT_WRITE | PROT_EXEC, flags, -1, 0) != MAP_FAILED ||
                               errno != EPERM)
                             return 1;
                           void* page = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, flags, -1, 0);
                           if (page == MAP_FAILED) return 2;
                           if (int r = refused(mprotect(page, 4096, PROT_READ | PROT_EXEC), 3)) return r;
                           return mprotect(page, 4096, PROT_READ) == 0 ? 0 : 4;
                         }),
            0);
}

TEST(SeccompFilterTest, RestrictAddressFamiliesRefusesOtherFamilies) {
  AddressFamilies families;
  families.assigned = families.allow_list = true;
  families.families = {AF_UNIX, AF_INET6};
  SeccompPlan plan;
  plan.address_families = &families;
  auto refused_family = [](int family) {
    int fd = socket(family, SOCK_DGRAM, 0);
    if (fd >= 0) close(fd);
    return fd < 0 && errno == EAFNOSUPPORT;
  };
  EXPECT_EQ(under_filter(plan,
                         [&] {
                           if (refused_family(AF_UNIX) || refused_family(AF_INET6)) return 1;
                           if (!refused_family(AF_INET) || !refused_family(AF_NETLINK)) return 2;
                           return refused_family(AF_MAX + 5) ? 0 : 3;  // past the last: refused too
                         }),
            0);
}

SyscallFilter parsed(std::string_view value) {
  SyscallFilter filter;
  apply_syscall_filter_assignment(filter, value, [](const std::string& warning) { ADD_FAILURE() << warning; });
  return filter;
}

TEST(SeccompFilterTest, ADenyListRefusesItsCallsWithTheirErrno) {
  const SyscallFilter filter = parsed("~chroot:EACCES umask");
  SeccompPlan plan;
  plan.syscall_filter = &filter;
  plan.syscall_error_number = EROFS;
  EXPECT_EQ(under_filter(plan,
                         [] {
                           if (chroot("/") != -1 || errno != EACCES) return 1;
                           if (syscall(SYS_umask, 022) != -1 || errno != EROFS) return 2;
                           return getppid() > 0 ? 0 : 3;
                         }),
            0);
}

TEST(SeccompFilterTest, AnAllowListRefusesEverythingElse) {
  // Broad enough for the process itself (an ASan build maps memory as it
  // goes); chroot() is in none of it.
  const SyscallFilter filter = parsed("@system-service");
  SeccompPlan plan;
  plan.syscall_filter = &filter;
  plan.syscall_error_number = EPERM;
  EXPECT_EQ(under_filter(plan, [] { return getppid() > 0 && chroot("/") == -1 && errno == EPERM ? 0 : 1; }), 0);
  // Without an errno, a refused call kills the process with SIGSYS.
  plan.syscall_error_number = kSyscallKill;
  pid_t pid = fork();
  if (pid == 0) {
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || load_seccomp_filter(plan) < 0) _exit(100);
    (void)!chroot("/");
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS) << status;
}

#if defined(__x86_64__)
// Whether this kernel has the 32-bit entry point at all: without
// IA32_EMULATION (or with ia32_emulation=0) int $0x80 is a SIGSEGV, and
// there is nothing for a filter to cover.
bool has_compat_entry_point() {
  pid_t pid = fork();
  if (pid == 0) {
    long result = 20;  // x86's getpid
    asm volatile("int $0x80" : "+a"(result) : : "memory");
    _exit(result > 0 ? 0 : 1);
  }
  int status = 0;
  return waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// The 32-bit entry point (int $0x80, x86's sethostname is 74) is filtered
// as the native one.
TEST(SeccompFilterTest, TheCompatEntryPointIsFilteredToo) {
  if (!has_compat_entry_point()) GTEST_SKIP() << "this kernel has no 32-bit entry point";
  SeccompPlan plan;
  plan.protect_hostname = true;
  EXPECT_EQ(under_filter(plan,
                         [] {
                           if (unshare(CLONE_NEWUTS) < 0 && errno != EPERM) return 9;
                           long result = 74;
                           const char name[] = "x";
                           asm volatile("int $0x80" : "+a"(result) : "b"(name), "c"(1L) : "memory");
                           return result == -EPERM ? 0 : 1;
                         }),
            0);
}
#endif

#if defined(__x86_64__)
// MemoryDenyWriteExecute= through the 32-bit entry point: x86's own
// mprotect (125) is filtered too.
TEST(SeccompFilterTest, MemoryDenyWriteExecuteHoldsOnTheCompatEntryPoint) {
  if (!has_compat_entry_point()) GTEST_SKIP() << "this kernel has no 32-bit entry point";
  SeccompPlan plan;
  plan.memory_deny_write_execute = true;
  EXPECT_EQ(under_filter(plan,
                         [] {
                           // Below 4 GiB, where a 32-bit call can name it.
                           void* page = mmap(nullptr, 4096, PROT_READ | PROT_WRITE,
                                             MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
                           if (page == MAP_FAILED) return 9;
                           long result = 125;
                           asm volatile("int $0x80"
                                        : "+a"(result)
                                        : "b"(reinterpret_cast<long>(page)), "c"(4096L), "d"(long{PROT_READ | PROT_EXEC})
                                        : "memory");
                           if (result == -ENOSYS) return 0;  // no 32-bit entry point in this kernel
                           return result == -EPERM ? 0 : 1;
                         }),
            0);
}
#endif

// SystemCallArchitectures= naming one this machine does not run is no error.
TEST(SeccompFilterTest, AForeignArchitectureIsIgnored) {
  const std::uint32_t archs[] = {SCMP_ARCH_NATIVE, SCMP_ARCH_S390X, SCMP_ARCH_MIPS};
  SeccompPlan plan;
  plan.architectures = archs;
  plan.architecture_count = 3;
  EXPECT_EQ(under_filter(plan, [] { return getppid() > 0 ? 0 : 1; }), 0);
}

TEST(SeccompFilterTest, NativeArchitectureOnlyStillRunsNativeCalls) {
  const std::uint32_t native = seccomp_arch_native();
  SeccompPlan plan;
  plan.architectures = &native;
  plan.architecture_count = 1;
  EXPECT_FALSE(plan.empty());
  EXPECT_EQ(under_filter(plan, [] { return prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 2 && getppid() > 0 ? 0 : 1; }), 0);
}

}  // namespace
}  // namespace vermilion
