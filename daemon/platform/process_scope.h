// The processes of one service (ProcessScope, what the state machine asks
// through the SystemOps seam), and what LinuxSystemOps needs beyond that
// (LinuxProcessScope): how a freshly forked child joins it, and how the
// supervisor can learn that it became empty without polling.
#pragma once

#include <sys/types.h>

#include <string>

namespace vermilion {

// All processes of one service: its own cgroup where cgroup v2 is writable,
// otherwise the sessions (setsid) of its processes plus their descendants.
class ProcessScope {
 public:
  virtual ~ProcessScope() = default;
  // Sends sig to every process in the scope. Returns how many were signalled
  // or -errno.
  virtual int signal_all(int sig) = 0;
  // True when no process of the service is left.
  [[nodiscard]] virtual bool empty() = 0;
  // Whether pid belongs to this service (NotifyAccess=all).
  [[nodiscard]] virtual bool contains(pid_t pid) = 0;
  // Remembers a process the service told us about (MAINPID=, PIDFile=) so
  // the fallback scope also covers a daemon that left our session.
  virtual void adopt(pid_t pid) = 0;
};

class LinuxProcessScope : public ProcessScope {
 public:
  // An fd (O_CLOEXEC, open for writing) on the cgroup.procs the child writes
  // "0" into before exec, or -1 when the scope is not a cgroup.
  [[nodiscard]] virtual int join_fd() const = 0;
  // Called in the parent right after fork with the child's PID, before the
  // child may have run at all, so membership never depends on that race.
  virtual void on_spawned(pid_t pid) = 0;
  // A file whose modification (inotify IN_MODIFY) means empty() may have
  // changed: the cgroup's cgroup.events. "" when there is none and empty()
  // must be asked again after each SIGCHLD.
  [[nodiscard]] virtual std::string events_path() const = 0;
};

}  // namespace vermilion
