// Which service a process belongs to, asked once per notify datagram from a
// sender that is no service's main or control process (NotifyAccess=all).
//
// Anyone on the machine may send to the notify socket, so the answer must
// cost the same whether vermiliond runs 3 services or 3000, and must never
// walk /proc: a flood from one sender would otherwise cost (services x file
// reads) or (processes) per datagram. The scopes register what identifies
// their processes here, and a lookup reads at most:
//   - cgroup scopes: /proc/PID/cgroup once, then one map lookup of the
//     cgroup path (each service has its own directory; a process counts
//     only in that exact directory, as CgroupScope::contains() says);
//   - session scopes: /proc/PID/stat once, then one map lookup of its
//     session ID and one of (PID, start time); if neither matches, the same
//     for its ancestors, at most kMaxAncestors of them, since SessionScope
//     also counts the descendants of its members. A process of a service
//     always descends from vermiliond (a child subreaper), so the walk stops
//     there, at PID 1, or after kMaxAncestors steps.
//
// Session scopes register their sessions and known processes as of their
// last scan (SessionScope::members(), which runs on every SIGCHLD): a
// session whose processes all left since then is forgotten only at the next
// scan, whereas SessionScope::contains() rescans /proc first.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>

#include "platform/proc_stat.h"

namespace vermilion {

class ScopeOwners {
 public:
  // How far up a session-tracked sender's ancestry a lookup looks.
  static constexpr int kMaxAncestors = 16;

  // Readers of /proc, replaceable in tests. Each returns 0 or -errno.
  using CgroupReader = std::function<int(pid_t pid, std::string& proc_cgroup_text)>;
  using StatReader = std::function<int(pid_t pid, ProcStat& out)>;

  // `self` ends the ancestor walk (vermiliond's own PID).
  explicit ScopeOwners(pid_t self);
  ScopeOwners(pid_t self, CgroupReader read_cgroup, StatReader read_stat);
  ScopeOwners(const ScopeOwners&) = delete;
  ScopeOwners& operator=(const ScopeOwners&) = delete;

  // Registrations are counted: a service's new scope may register the same
  // key before its old scope lets go of it. A key belongs to one service.
  // cgroup_path as /proc/PID/cgroup shows it ("/a/vermilion-1/web.service").
  void add_cgroup(const std::string& cgroup_path, const std::string& service);
  void remove_cgroup(const std::string& cgroup_path);
  void add_session(pid_t session, const std::string& service);
  void remove_session(pid_t session);
  // A process known by (PID, start time), counted with its descendants.
  void add_process(pid_t pid, std::uint64_t start_time, const std::string& service);
  void remove_process(pid_t pid);

  // The service whose scope holds pid. 0 with `service` set; -ESRCH when no
  // scope holds it; -errno when /proc could not be read (the process is
  // gone: -ENOENT).
  [[nodiscard]] int find(pid_t pid, std::string& service) const;

  // What find() read, for the tests that count it.
  [[nodiscard]] std::uint64_t proc_reads() const { return proc_reads_; }

 private:
  struct Entry {
    std::string service;
    unsigned users = 0;
  };
  struct Known {
    std::uint64_t start_time = 0;
    std::string service;
    unsigned users = 0;
  };
  [[nodiscard]] int find_by_cgroup(pid_t pid, std::string& service) const;
  [[nodiscard]] int find_by_session(pid_t pid, std::string& service) const;

  pid_t self_;
  CgroupReader read_cgroup_;
  StatReader read_stat_;
  // Hashed: a lookup costs the same however many services there are.
  std::unordered_map<std::string, Entry> cgroups_;
  std::unordered_map<pid_t, Entry> sessions_;
  std::unordered_map<pid_t, Known> processes_;
  mutable std::uint64_t proc_reads_ = 0;
};

}  // namespace vermilion
