// platform/helper_process.h: what a helper process of vermiliond's starts with.
#include "platform/helper_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace vermilion {
namespace {

int wait_status(pid_t pid) {
  int status = 0;
  EXPECT_EQ(waitpid(pid, &status, 0), pid);
  return status;
}

TEST(HelperProcessTest, HoldsNoFdOfTheCallersAndNoBlockedSignal) {
  int fds[2];
  ASSERT_EQ(pipe2(fds, O_CLOEXEC), 0);
  sigset_t usr1, old;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  sigaddset(&usr1, SIGALRM);
  ASSERT_EQ(sigprocmask(SIG_BLOCK, &usr1, &old), 0);
  const pid_t pid = fork_helper();
  if (pid == 0) {
    sigset_t mask;
    sigprocmask(SIG_SETMASK, nullptr, &mask);
    const bool closed = fcntl(fds[0], F_GETFD) < 0 && fcntl(fds[1], F_GETFD) < 0;
    _exit(closed && !sigismember(&mask, SIGUSR1) && !sigismember(&mask, SIGALRM) ? 0 : 1);
  }
  sigprocmask(SIG_SETMASK, &old, nullptr);
  ASSERT_GT(pid, 0);
  const int status = wait_status(pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  close(fds[0]);
  close(fds[1]);
}

TEST(HelperProcessTest, EndsAtItsDeadlineWhateverItWaitsFor) {
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  struct sigaction old {};
  ASSERT_EQ(sigaction(SIGALRM, &ignore, &old), 0);  // as a caller might have it
  const pid_t pid = fork_helper(1);
  if (pid == 0) {
    pause();
    _exit(0);
  }
  sigaction(SIGALRM, &old, nullptr);
  ASSERT_GT(pid, 0);
  const int status = wait_status(pid);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) << status;
}

}  // namespace
}  // namespace vermilion
