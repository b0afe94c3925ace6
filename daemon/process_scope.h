// What LinuxSystemOps needs from a ProcessScope beyond the seam's interface:
// how a freshly forked child joins it, and how the supervisor can learn that
// it became empty without polling.
#pragma once

#include <sys/types.h>

#include <string>

#include "system_ops.h"

namespace vermilion {

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
