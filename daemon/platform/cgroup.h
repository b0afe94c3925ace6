// cgroup v2 discovery and the daemon's own subtree. The v2 hierarchy is
// found through /proc/self/mountinfo (hybrid layouts mount it at
// /sys/fs/cgroup/unified), our place in it through /proc/self/cgroup. Each
// daemon works below <own cgroup>/vermilion-<pid>/, so several daemons
// (parallel tests) never share a directory.
#pragma once

#include <sys/types.h>

#include <map>
#include <set>
#include <memory>
#include <string>
#include <string_view>

#include "common/unique_fd.h"

namespace vermilion {

struct CgroupLocation {
  std::string mount_point;   // where cgroup2 is mounted, e.g. /sys/fs/cgroup/unified
  std::string own_cgroup;    // our cgroup as /proc/self/cgroup names it, e.g. "/" or "/a/b"
  std::string own_directory; // the directory of own_cgroup under mount_point
  bool writable = false;     // we may create children and move processes
};

// From the text of /proc/self/mountinfo: the first cgroup2 mount, its mount
// point (octal escapes resolved) and the root of the hierarchy it shows.
// 0 or -ENOENT.
[[nodiscard]] int find_cgroup2_mount(std::string_view mountinfo, std::string& mount_point,
                                     std::string& mount_root);
// From the text of /proc/PID/cgroup: the path of the "0::" line. 0 or -ENOENT.
[[nodiscard]] int parse_unified_cgroup(std::string_view proc_cgroup, std::string& out);
// Where our cgroup lives and whether we can manage children there.
// -ENOENT / -ENOMEDIUM when there is no usable cgroup v2.
[[nodiscard]] int discover_cgroup(CgroupLocation& out);

// A unit name as a cgroup directory name: systemd's cg_escape, which
// prefixes '_' to names that could clash with cgroupfs's own files.
[[nodiscard]] std::string escape_cgroup_name(std::string_view name);

// <own cgroup>/vermilion-<pid>/ and one child per service. Shared between the
// system ops and every scope, so the directory outlives the last scope; the
// subtree is removed (if empty) when the last owner lets go.
//
// The owner holds flock(LOCK_EX) on its subtree's directory for as long as
// it lives. A subtree nobody holds is a dead daemon's (SIGKILLed, or it left
// KillMode=none processes that later exited): create() removes such trees
// once they are empty. The lock, not the pid in the name, says who is alive:
// pids repeat across pid namespaces that share a cgroup parent, and a
// daemon that finds its name locked takes vermilion-<pid>-<n>.
class CgroupTree {
 public:
  // 0, or -errno from mkdir/open/flock.
  [[nodiscard]] static int create(const CgroupLocation& location, pid_t owner, std::shared_ptr<CgroupTree>& out);
  CgroupTree(const CgroupTree&) = delete;
  CgroupTree& operator=(const CgroupTree&) = delete;
  ~CgroupTree();

  [[nodiscard]] const std::string& directory() const { return directory_; }
  // directory() relative to the hierarchy root, as /proc/PID/cgroup shows it.
  [[nodiscard]] const std::string& cgroup_path() const { return cgroup_path_; }

  // Creates (or reuses, when a previous run left processes behind) the
  // service's child cgroup; `reused` says which. Every acquire needs one
  // release; the last release removes the directory if it is empty.
  [[nodiscard]] int acquire_child(const std::string& service_name, std::string& name_in_tree, bool& reused);
  void release_child(const std::string& name_in_tree);

  // A child cgroup's cgroup.kill was written. Linux (seen on 6.18) then
  // SIGKILLs every process later cloned into that cgroup with
  // CLONE_INTO_CGROUP (its kill sequence number is compared with the
  // parent's cgroup's), while one moved in through cgroup.procs lives: such
  // a cgroup takes no more clones until its directory is gone.
  void note_killed(const std::string& name_in_tree) { killed_.insert(name_in_tree); }
  [[nodiscard]] bool was_killed(const std::string& name_in_tree) const { return killed_.count(name_in_tree) > 0; }

 private:
  CgroupTree(std::string directory, std::string cgroup_path, unique_fd lock)
      : directory_(std::move(directory)), cgroup_path_(std::move(cgroup_path)), lock_(std::move(lock)) {}

  std::string directory_;
  std::string cgroup_path_;
  std::map<std::string, unsigned> users_;
  std::set<std::string> killed_;  // note_killed(), until the directory is removed
  unique_fd lock_;  // the subtree's directory, flock()ed: we are alive
};

}  // namespace vermilion
