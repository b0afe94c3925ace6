#include "process_setup.h"

#include <sys/prctl.h>
#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <string>

#include "platform/file_io.h"

namespace vermilion {
namespace {

// systemd's HIGH_RLIMIT_NOFILE: the hard limit a system manager gives its
// services by default (DefaultLimitNOFILE=1024:524288), and so the most we
// raise our own to, since services inherit it.
constexpr rlim_t kHighNofile = 512 * 1024;

// fs.nr_open, the kernel's ceiling for RLIMIT_NOFILE; its default when
// unreadable, as systemd's read_nr_open() assumes.
rlim_t nr_open() {
  std::string text;
  if (read_text_file("/proc/sys/fs/nr_open", text) == 0) {
    try {
      return static_cast<rlim_t>(std::stoull(text));
    } catch (...) {
    }
  }
  return 1024 * 1024;
}

}  // namespace

int set_up_supervisor_process(SupervisorOptions& options) {
  // We reap whatever a service leaves behind: orphans are reparented to us.
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) return -errno;
  sigset_t mask;
  sigemptyset(&mask);
  for (int sig : {SIGCHLD, SIGTERM, SIGINT, SIGHUP}) sigaddset(&mask, sig);
  if (sigprocmask(SIG_BLOCK, &mask, nullptr) < 0) return -errno;
  // As systemd does (main.c, bump_rlimit_nofile): vermiliond holds every
  // link, pipe, pidfd and socket of every service (a few fds each: 10 000
  // services need more than a shell's usual hard limit), so it raises the
  // hard limit where it may (CAP_SYS_RESOURCE; otherwise it stays) and takes
  // all the fds that allows. Services get the soft limit back down to
  // FD_SETSIZE before exec (exec/exec_child.cpp), so select() keeps working.
  rlimit nofile{};
  if (getrlimit(RLIMIT_NOFILE, &nofile) < 0) return -errno;
  if (rlim_t high = std::min(nr_open(), kHighNofile); nofile.rlim_max < high) {
    rlimit raised{high, high};
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) nofile = raised;
  }
  if (nofile.rlim_cur < nofile.rlim_max) {
    nofile.rlim_cur = nofile.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &nofile) < 0) return -errno;
  }
  options.reap = ReapScope::every_child;
  options.handle_signals = true;
  return 0;
}

}  // namespace vermilion
