// A short-lived process of vermiliond's own, forked to do what could keep
// the manager waiting (a lock, a name service, a large tree): it holds none
// of the manager's fds past stdio (a link's peer would not see it close, an
// idle pipe would stay open), and its signals are the defaults again (the
// manager blocks the ones it takes through signalfd; glibc's utmp lock
// wait ends with a SIGALRM that must get through).
#pragma once

#include <sys/types.h>

namespace vermilion {

// fork(): in the child, fds from 3 up are closed, the signal mask is empty
// and SIGALRM has its default action; with `deadline_sec` > 0 the child
// ends (SIGALRM) after that many seconds, whatever it waits for. Returns as
// fork() does: the child's PID to the caller (to reap), 0 in the child,
// -1 with errno when no process could be forked.
[[nodiscard]] pid_t fork_helper(unsigned deadline_sec = 0) noexcept;

}  // namespace vermilion
