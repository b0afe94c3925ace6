// set_rlimit_closest() and set_priority_closest() (exec_child.h): what exec
// does where the kernel refuses a limit or a nice level, as systemd 252's
// setrlimit_closest()/setpriority_closest(). Each case runs in a forked
// child that has given up CAP_SYS_RESOURCE and CAP_SYS_NICE, as a
// container's root or a user manager has.
#include <linux/capability.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>

#include <functional>

#include "exec/exec_child.h"

namespace vermilion {
namespace {

void drop_privileges_for_limits() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  if (syscall(SYS_capget, &header, data) != 0) return;
  for (int cap : {CAP_SYS_RESOURCE, CAP_SYS_NICE}) {
    data[cap / 32].effective &= ~(1u << (cap % 32));
    data[cap / 32].permitted &= ~(1u << (cap % 32));
  }
  (void)syscall(SYS_capset, &header, data);
}

// Runs body in a child; its return value is the child's exit status.
int in_child(const std::function<int()>& body) {
  pid_t pid = fork();
  if (pid == 0) {
    drop_privileges_for_limits();
    _exit(body());
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

TEST(ExecLimits, ALimitAboveTheHardLimitIsClampedToIt) {
  EXPECT_EQ(in_child([] {
              rlimit low{256, 512};
              if (setrlimit(RLIMIT_NOFILE, &low) < 0) return 1;
              if (set_rlimit_closest(RLIMIT_NOFILE, rlimit{65535, 65535}) < 0) return 2;
              rlimit now{};
              getrlimit(RLIMIT_NOFILE, &now);
              return now.rlim_cur == 512 && now.rlim_max == 512 ? 0 : 3;
            }),
            0);
  EXPECT_EQ(in_child([] {
              rlimit low{256, 512};
              if (setrlimit(RLIMIT_NOFILE, &low) < 0) return 1;
              if (set_rlimit_closest(RLIMIT_NOFILE, rlimit{100, 100000}) < 0) return 2;
              rlimit now{};
              getrlimit(RLIMIT_NOFILE, &now);
              return now.rlim_cur == 100 && now.rlim_max == 512 ? 0 : 3;
            }),
            0)
      << "the soft limit asked for stays when it fits";
}

TEST(ExecLimits, ALimitThatFitsIsSetExactly) {
  EXPECT_EQ(in_child([] {
              rlimit low{256, 512};
              if (setrlimit(RLIMIT_NOFILE, &low) < 0) return 1;
              if (set_rlimit_closest(RLIMIT_NOFILE, rlimit{300, 400}) < 0) return 2;
              rlimit now{};
              getrlimit(RLIMIT_NOFILE, &now);
              return now.rlim_cur == 300 && now.rlim_max == 400 ? 0 : 3;
            }),
            0);
}

TEST(ExecLimits, NiceBelowWhatIsAllowedStopsAtTheLowestAllowed) {
  EXPECT_EQ(in_child([] {
              rlimit nice_limit{0, 0};  // RLIMIT_NICE 0: nothing below the current level
              setrlimit(RLIMIT_NICE, &nice_limit);
              int before = getpriority(PRIO_PROCESS, 0);
              if (set_priority_closest(-5) < 0) return 2;
              return getpriority(PRIO_PROCESS, 0) == before ? 0 : 3;
            }),
            0);
  // From whatever level the test runs at (`nice ctest` runs it at 10).
  EXPECT_EQ(in_child([] {
              int higher = std::min(getpriority(PRIO_PROCESS, 0) + 3, 19);
              return set_priority_closest(higher) == 0 && getpriority(PRIO_PROCESS, 0) == higher ? 0 : 1;
            }),
            0)
      << "raising the level is always allowed";
}

}  // namespace
}  // namespace vermilion
