// utmp and wtmp records of a service's processes (systemd.exec(5):
// UtmpIdentifier=, UtmpMode=), as systemd 252's utmp-wtmp.c writes them:
// each process of a unit with UtmpIdentifier= gets an INIT_PROCESS record
// (and LOGIN_PROCESS, USER_PROCESS for UtmpMode=login, user) from the child
// itself before it execs, and a DEAD_PROCESS record once it has exited.
// Failures are not reported, as systemd ignores them: a machine without
// utmp (no file: ENOENT), or a user manager that may not write it.
//
// glibc's utmp functions wait up to 10 s for the file's lock, with an
// alarm(): vermiliond never calls them itself, only a child does
// (put_init_process() in the service's process, put_dead_process_async()).
#pragma once

#include <sys/types.h>

#include <string>

#include "units/unit_config.h"

namespace vermilion {

// Where the records go; the defaults are glibc's (_PATH_UTMPX, _PATH_WTMPX:
// /var/run/utmp, /var/log/wtmp). Tests name files of their own.
struct UtmpFiles {
  const char* utmp = nullptr;  // null: _PATH_UTMPX
  const char* wtmp = nullptr;  // null: _PATH_WTMPX
};

// systemd's utmp_put_init_process(): records `pid` (its session `sid`) under
// `id` (its last 4 bytes if longer: ut_id's size), on terminal `line`
// (TTYPath= without "/dev/"; null: none), as INIT_PROCESS, then for
// UtmpMode=login and user also LOGIN_PROCESS, and for user USER_PROCESS
// with `user` (not null then). In utmp and in wtmp. For the forked child
// before it execs; 0 or -errno (the caller goes on either way).
int put_init_process(const UtmpFiles& files, const char* id, pid_t pid, pid_t sid, const char* line, UtmpMode mode,
                     const char* user) noexcept;

// systemd's utmp_put_dead_process(): if utmp's record under `id` is
// `pid`'s, it becomes DEAD_PROCESS with how the process ended (`code`:
// CLD_EXITED, CLD_KILLED, CLD_DUMPED; `status`: exit status or signal),
// and wtmp gets the same with the current time. 0 (also when there is no
// such record) or -errno. May wait for the file's lock: see above.
int put_dead_process(const UtmpFiles& files, const char* id, pid_t pid, int code, int status) noexcept;

// put_dead_process() in a forked process, so that the caller never waits
// for utmp's lock. Returns that process's PID for the caller to reap; 0
// when none could be forked (the record is then not written).
[[nodiscard]] pid_t put_dead_process_async(const UtmpFiles& files, const std::string& id, pid_t pid, int code,
                                           int status) noexcept;

}  // namespace vermilion
