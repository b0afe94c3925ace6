#include "process_setup.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>

#include <gtest/gtest.h>

namespace vermilion {
namespace {

// Each check runs in a child (a death test), so the test process itself
// keeps its mask and stays no subreaper.

void set_up_and_check() {
  rlimit lowered{};
  getrlimit(RLIMIT_NOFILE, &lowered);
  lowered.rlim_cur = lowered.rlim_max > 64 ? 64 : lowered.rlim_max;  // as a shell may start us
  setrlimit(RLIMIT_NOFILE, &lowered);
  // Whether this process may raise its hard limit (CAP_SYS_RESOURCE; root
  // in a container may lack it): tried, then put back.
  const rlimit before = lowered;
  rlimit probe{before.rlim_max + 1, before.rlim_max + 1};
  const bool may_raise = setrlimit(RLIMIT_NOFILE, &probe) == 0;
  setrlimit(RLIMIT_NOFILE, &before);
  SupervisorOptions options;
  if (options.reap != ReapScope::forked_children || options.handle_signals) _exit(1);
  if (set_up_supervisor_process(options) != 0) _exit(2);
  int subreaper = 0;
  if (prctl(PR_GET_CHILD_SUBREAPER, &subreaper) < 0 || subreaper != 1) _exit(3);
  sigset_t mask;
  sigprocmask(SIG_SETMASK, nullptr, &mask);
  for (int sig : {SIGCHLD, SIGTERM, SIGINT, SIGHUP})
    if (sigismember(&mask, sig) != 1) _exit(4);
  if (sigismember(&mask, SIGUSR1) != 0) _exit(5);
  if (options.reap != ReapScope::every_child || !options.handle_signals) _exit(6);
  rlimit nofile{};
  if (getrlimit(RLIMIT_NOFILE, &nofile) < 0 || nofile.rlim_cur != nofile.rlim_max) _exit(7);
  // Whoever may raise the hard limit gets systemd's 524288 (or fs.nr_open).
  if (may_raise) {
    unsigned long long nr_open = 0;
    if (FILE* f = fopen("/proc/sys/fs/nr_open", "r")) {
      if (fscanf(f, "%llu", &nr_open) != 1) nr_open = 0;
      fclose(f);
    }
    rlim_t expected = nr_open > 0 && nr_open < 524288 ? nr_open : 524288;
    if (nofile.rlim_max < expected) _exit(8);
  }
  _exit(0);
}

TEST(ProcessSetup, MakesTheProcessASubreaperWithItsSignalsBlocked) {
  EXPECT_EXIT(set_up_and_check(), ::testing::ExitedWithCode(0), "");
}

// An orphan's exit reaches the process that called it: what vermiliond
// needs to learn how a double-forked daemon ended.
void orphan_comes_to_us() {
  SupervisorOptions options;
  if (set_up_supervisor_process(options) != 0) _exit(1);
  int ready[2];
  if (pipe(ready) < 0) _exit(2);
  pid_t middle = fork();
  if (middle == 0) {
    pid_t orphan = fork();
    if (orphan == 0) {
      close(ready[1]);
      char byte;
      (void)read(ready[0], &byte, 1);  // until the middle process is gone
      _exit(42);
    }
    _exit(0);
  }
  if (waitpid(middle, nullptr, 0) != middle) _exit(3);
  close(ready[1]);
  close(ready[0]);
  int status = 0;
  pid_t reaped = waitpid(-1, &status, 0);  // the orphan, reparented to us
  if (reaped <= 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 42) _exit(4);
  _exit(0);
}

TEST(ProcessSetup, OrphansAreReparentedToTheProcess) {
  EXPECT_EXIT(orphan_comes_to_us(), ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace vermilion
