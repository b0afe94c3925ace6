// The processes of one service (ProcessScope, what the state machine asks
// through the SystemOps seam), and what LinuxSystemOps needs beyond that
// (LinuxProcessScope): how a freshly forked child joins it.
//
// How the supervisor learns that a scope became empty, without polling:
// from SIGCHLD. vermiliond is a child subreaper, so every process of a
// service is its child or is re-parented to it when its parent dies: the
// exit of the last one is a SIGCHLD to vermiliond, after which the manager
// asks empty() of every scope it waits on. The kernel leaves the cgroup
// (cgroup_exit) before it signals the parent (exit_notify), so empty() is
// already true then. systemd watches cgroup.events with inotify because
// its units also hold processes it never forked (a scope unit's session,
// whose parent is sshd). Every process of a service here descends from
// vermiliond, so inotify would add one case only: a process moved into the
// cgroup from outside, reaped by a live parent elsewhere. Such a stop still
// ends, at the TimeoutStopSec= steps.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/resource_usage.h"

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
  // The PIDs in the scope now (for GuessMainPID=). 0 or -errno.
  [[nodiscard]] virtual int list(std::vector<pid_t>& out) = 0;
  // Its cgroup as /proc/PID/cgroup names it (systemd's ControlGroup);
  // "" for a scope that is no cgroup.
  [[nodiscard]] virtual std::string control_group() const { return {}; }
  // Its counters now (platform/cgroup_accounting.h); all unknown for a
  // scope that is no cgroup, as systemd has none without one.
  [[nodiscard]] virtual ResourceUsage resource_usage() const { return {}; }
};

class LinuxProcessScope : public ProcessScope {
 public:
  // An fd (O_CLOEXEC, open for writing) on the cgroup.procs the child writes
  // "0" into before exec, or -1 when the scope is not a cgroup.
  [[nodiscard]] virtual int join_fd() const = 0;
  // Called in the parent right after fork with the child's PID, before the
  // child may have run at all, so membership never depends on that race.
  virtual void on_spawned(pid_t pid) = 0;
  // An fd (O_PATH directory, O_CLOEXEC) on the cgroup a child can be created
  // in directly (clone3 CLONE_INTO_CGROUP), or -1 when the scope is not a
  // cgroup. Moving a process into a cgroup afterwards (cgroup.procs) waits
  // for an RCU grace period, milliseconds, on every spawn.
  [[nodiscard]] virtual int clone_into_fd() const { return -1; }
  // Instead of on_spawned(): the child was created inside the scope.
  virtual void on_spawned_inside(pid_t pid) { on_spawned(pid); }
};

}  // namespace vermilion
