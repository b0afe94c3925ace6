#include "process_setup.h"

#include <sys/prctl.h>
#include <sys/resource.h>

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
  // As systemd does (main.c, bump_rlimit_nofile): vermiliond holds every
  // link, pipe, pidfd and socket of every service, so it takes all the fds
  // the hard limit allows. Services get the soft limit back down to
  // FD_SETSIZE before exec (exec/exec_child.cpp), so select() keeps working.
  rlimit nofile{};
  if (getrlimit(RLIMIT_NOFILE, &nofile) < 0) return -errno;
  if (nofile.rlim_cur < nofile.rlim_max) {
    nofile.rlim_cur = nofile.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &nofile) < 0) return -errno;
  }
  options.reap = ReapScope::every_child;
  options.handle_signals = true;
  return 0;
}

}  // namespace vermilion
