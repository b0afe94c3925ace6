// A service's processes as one cgroup v2 directory: nothing escapes it by
// forking, setsid() or double-forking, and the kernel says (cgroup.events,
// "populated") whether any process is left.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "platform/cgroup.h"
#include "platform/process_scope.h"
#include "platform/scope_owners.h"
#include "common/unique_fd.h"

namespace vermilion {

class CgroupScope final : public LinuxProcessScope {
 public:
  // `owners` (may be null) learns of the scope's cgroup for as long as the
  // scope lives, so a notify sender is found without asking every scope.
  [[nodiscard]] static int create(std::shared_ptr<CgroupTree> tree, const std::string& service_name,
                                  std::unique_ptr<CgroupScope>& out,
                                  std::shared_ptr<ScopeOwners> owners = nullptr);
  ~CgroupScope() override;

  // SIGKILL goes through cgroup.kill where the kernel has it, which also
  // catches processes forked while we kill. Other signals go to each PID in
  // cgroup.procs, re-reading until no new PID shows up.
  int signal_all(int sig) override;
  [[nodiscard]] bool empty() override;
  [[nodiscard]] bool contains(pid_t pid) override;
  // Membership is the cgroup's; a process outside it is not ours to kill.
  void adopt(pid_t pid) override;
  [[nodiscard]] int list(std::vector<pid_t>& out) override { return read_pids(out); }

  // cgroup.procs is open only from join_fd() until on_spawned(): a service
  // that runs costs vermiliond no fd for its cgroup (10 000 services must
  // fit the fd limit). -1 if it cannot be opened; on_spawned() then writes
  // the child in by path.
  [[nodiscard]] int join_fd() const override;
  void on_spawned(pid_t pid) override;
  // The directory, open only from here until on_spawned_inside(); -1
  // once cgroup.kill was written (CgroupTree::note_killed()).
  [[nodiscard]] int clone_into_fd() const override;
  void on_spawned_inside(pid_t pid) override;

  // Made from the tree's and the scope's names at each call: not kept per
  // running service (issue 10: memory per service).
  [[nodiscard]] std::string directory() const;
  [[nodiscard]] std::string control_group() const override;
  [[nodiscard]] ResourceUsage resource_usage() const override;

  // Whether an earlier run left this cgroup behind (with its processes,
  // and whatever device filter it had).
  [[nodiscard]] bool reused() const { return reused_; }
  // The cgroup's directory open for reading, as bpf(2) takes a cgroup
  // (O_PATH will not do). 0 or -errno.
  [[nodiscard]] int open_directory(unique_fd& out) const;

 private:
  CgroupScope(std::shared_ptr<CgroupTree> tree, std::string name, unique_fd procs_fd,
              std::shared_ptr<ScopeOwners> owners, const std::string& service_name);
  [[nodiscard]] int read_pids(std::vector<pid_t>& out) const;

  std::shared_ptr<CgroupTree> tree_;
  std::string name_in_tree_;
  mutable unique_fd procs_fd_;
  mutable unique_fd directory_fd_;
  std::shared_ptr<ScopeOwners> owners_;
  std::uint64_t cpu_usage_base_nsec_ = 0;  // a reused cgroup's CPU time before this run
  bool reused_ = false;
};

}  // namespace vermilion
