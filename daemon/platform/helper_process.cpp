#include "platform/helper_process.h"

#include <signal.h>
#include <unistd.h>

namespace vermilion {

pid_t fork_helper(unsigned deadline_sec) noexcept {
  const pid_t pid = fork();
  if (pid != 0) return pid;
  close_range(3, ~0U, 0);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  signal(SIGALRM, SIG_DFL);
  if (deadline_sec > 0) alarm(deadline_sec);
  return 0;
}

}  // namespace vermilion
