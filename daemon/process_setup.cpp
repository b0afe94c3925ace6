#include "process_setup.h"

#include <sys/prctl.h>

#include <cerrno>
#include <csignal>

namespace vermilion {

int set_up_supervisor_process(SupervisorOptions& options) {
  // We reap whatever a service leaves behind: orphans are reparented to us.
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) return -errno;
  sigset_t mask;
  sigemptyset(&mask);
  for (int sig : {SIGCHLD, SIGTERM, SIGINT, SIGHUP}) sigaddset(&mask, sig);
  if (sigprocmask(SIG_BLOCK, &mask, nullptr) < 0) return -errno;
  options.reap = ReapScope::every_child;
  options.handle_signals = true;
  return 0;
}

}  // namespace vermilion
