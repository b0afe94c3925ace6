#include "platform/scope_owners.h"

#include <cerrno>

#include "platform/cgroup.h"
#include "platform/file_io.h"

namespace vermilion {
namespace {

int read_proc_cgroup(pid_t pid, std::string& out) {
  return read_text_file("/proc/" + std::to_string(pid) + "/cgroup", out);
}

template <typename Map, typename Key>
void release(Map& map, const Key& key) {
  auto it = map.find(key);
  if (it == map.end()) return;
  if (--it->second.users == 0) map.erase(it);
}

}  // namespace

ScopeOwners::ScopeOwners(pid_t self) : ScopeOwners(self, read_proc_cgroup, read_proc_stat) {}

ScopeOwners::ScopeOwners(pid_t self, CgroupReader read_cgroup, StatReader read_stat)
    : self_(self), read_cgroup_(std::move(read_cgroup)), read_stat_(std::move(read_stat)) {}

void ScopeOwners::add_cgroup(const std::string& cgroup_path, const std::string& service) {
  Entry& e = cgroups_[cgroup_path];
  e.service = service;
  ++e.users;
}

void ScopeOwners::remove_cgroup(const std::string& cgroup_path) { release(cgroups_, cgroup_path); }

void ScopeOwners::add_session(pid_t session, const std::string& service) {
  Entry& e = sessions_[session];
  e.service = service;
  ++e.users;
}

void ScopeOwners::remove_session(pid_t session) { release(sessions_, session); }

void ScopeOwners::add_process(pid_t pid, std::uint64_t start_time, const std::string& service) {
  Known& k = processes_[pid];
  k.start_time = start_time;
  k.service = service;
  ++k.users;
}

void ScopeOwners::remove_process(pid_t pid) { release(processes_, pid); }

int ScopeOwners::find(pid_t pid, std::string& service) const {
  if (pid <= 0) return -ESRCH;
  // Both kinds can be live at once: a service whose cgroup could not be
  // made falls back to a session scope (LinuxSystemOps::create_scope).
  int r = -ESRCH;
  if (!cgroups_.empty()) {
    r = find_by_cgroup(pid, service);
    if (r != -ESRCH) return r;
  }
  if (!sessions_.empty() || !processes_.empty()) r = find_by_session(pid, service);
  return r;
}

int ScopeOwners::find_by_cgroup(pid_t pid, std::string& service) const {
  std::string text, path;
  ++proc_reads_;
  int r = read_cgroup_(pid, text);
  if (r < 0) return r;
  if (parse_unified_cgroup(text, path) < 0) return -ESRCH;
  auto it = cgroups_.find(path);
  if (it == cgroups_.end()) return -ESRCH;
  service = it->second.service;
  return 0;
}

int ScopeOwners::find_by_session(pid_t pid, std::string& service) const {
  // The sender itself, then its ancestors: SessionScope counts a process
  // whose session is the scope's, one it knows, and their descendants.
  for (int step = 0; step <= kMaxAncestors; ++step) {
    if (pid <= 1 || pid == self_) return -ESRCH;
    ProcStat stat;
    ++proc_reads_;
    int r = read_stat_(pid, stat);
    if (r < 0) return step == 0 ? r : -ESRCH;
    // Zombies are no members (as in SessionScope::members()); a zombie
    // sends nothing, but its parent chain is not ours to follow either.
    if (stat.state == 'Z') return -ESRCH;
    if (auto s = sessions_.find(stat.session); s != sessions_.end()) {
      service = s->second.service;
      return 0;
    }
    if (auto k = processes_.find(pid); k != processes_.end() && k->second.start_time == stat.start_time) {
      service = k->second.service;
      return 0;
    }
    pid = stat.ppid;
  }
  return -ESRCH;
}

}  // namespace vermilion
