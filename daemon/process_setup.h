// What vermiliond's main() does to its own process before it creates the
// Supervisor: the only process-wide state the daemon has. In one function so
// that a test which wants the whole daemon's behaviour in-process (signals
// sent to itself, orphans reparented to it) does exactly what main() does.
#pragma once

#include "supervisor.h"

namespace vermilion {

// Makes the calling process a child subreaper (PR_SET_CHILD_SUBREAPER:
// orphans of services are reparented to it, and their exit statuses come
// with them) and blocks SIGCHLD, SIGTERM, SIGINT and SIGHUP in the calling
// thread (the loop takes them through signalfd; call it before any thread
// is started, so that threads inherit the mask), and raises its
// RLIMIT_NOFILE as systemd does: the hard limit to 524288 (or fs.nr_open if
// lower) where the process may (CAP_SYS_RESOURCE), then the soft limit to
// the hard one (services get FD_SETSIZE back, exec/exec_child.h). Then
// tells the options so:
// reap = every_child, handle_signals = true. Returns 0 or -errno; on
// failure the options are unchanged.
[[nodiscard]] int set_up_supervisor_process(SupervisorOptions& options);

}  // namespace vermilion
