// A service's processes without cgroups (non-root, or cgroup v2 not
// writable): every process the supervisor spawns calls setsid(), so the
// service is
//   - every process whose session is one of the scope's sessions,
//   - every process the scope knows by (PID, start time): spawned or adopted
//     ones, and every member seen by an earlier scan,
//   - and every descendant of those,
// found by scanning /proc. Zombies do not count, as in a cgroup.
//
// Limits, which a cgroup does not have:
//   - a process that calls setsid() itself and whose parent exits before any
//     scan saw it is lost (it is re-parented to the subreaper, the
//     supervisor, and no longer descends from a member) unless the service
//     names it (MAINPID=, PIDFile= -> adopt());
//   - a scan is a snapshot: a process forked between the scan and the signal
//     survives a round, so signal_all re-scans until nothing new appears;
//   - session IDs are PIDs: a session whose processes are all gone is
//     dropped, so a later unrelated process cannot inherit it;
//   - the cost is one /proc walk per call.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "platform/proc_stat.h"
#include "platform/process_scope.h"
#include "platform/scope_owners.h"

namespace vermilion {

class SessionScope final : public LinuxProcessScope {
 public:
  SessionScope() = default;
  // `owners` (may be null) learns of the scope's sessions and known
  // processes as of each scan, under `service_name`, while the scope lives.
  SessionScope(std::shared_ptr<ScopeOwners> owners, std::string service_name);
  ~SessionScope() override;
  SessionScope(const SessionScope&) = delete;
  SessionScope& operator=(const SessionScope&) = delete;

  int signal_all(int sig) override;
  [[nodiscard]] bool empty() override;
  [[nodiscard]] bool contains(pid_t pid) override;
  void adopt(pid_t pid) override;
  [[nodiscard]] int list(std::vector<pid_t>& out) override;

  [[nodiscard]] int join_fd() const override { return -1; }
  void on_spawned(pid_t pid) override;

  // The current members (after a fresh scan). -errno when /proc is unreadable.
  [[nodiscard]] int members(std::vector<ProcStat>& out);

 private:
  void remember(pid_t pid);
  void add_session(pid_t session);
  // Replaces known_, telling owners_ what changed.
  void set_known(std::map<pid_t, std::uint64_t> known);

  std::set<pid_t> sessions_;
  std::map<pid_t, std::uint64_t> known_;  // PID -> start time
  std::shared_ptr<ScopeOwners> owners_;
  std::string service_name_;
};

}  // namespace vermilion
