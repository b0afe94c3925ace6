#include "platform/session_scope.h"

#include <signal.h>
#include "platform/pidfd.h"
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "common/unique_fd.h"

namespace vermilion {
namespace {

constexpr int kMaxSignalRounds = 16;

}  // namespace

SessionScope::SessionScope(std::shared_ptr<ScopeOwners> owners, std::string service_name)
    : owners_(std::move(owners)), service_name_(std::move(service_name)) {}

SessionScope::~SessionScope() {
  if (!owners_) return;
  for (pid_t session : sessions_) owners_->remove_session(session);
  for (const auto& [pid, _] : known_) owners_->remove_process(pid);
}

void SessionScope::remember(pid_t pid) {
  ProcStat stat;
  if (read_proc_stat(pid, stat) < 0) return;
  auto [it, inserted] = known_.insert_or_assign(pid, stat.start_time);
  if (owners_) {
    if (!inserted) owners_->remove_process(pid);
    owners_->add_process(pid, it->second, service_name_);
  }
}

void SessionScope::add_session(pid_t session) {
  if (sessions_.insert(session).second && owners_) owners_->add_session(session, service_name_);
}

void SessionScope::set_known(std::map<pid_t, std::uint64_t> known) {
  if (owners_) {
    for (const auto& [pid, _] : known_) owners_->remove_process(pid);
    for (const auto& [pid, start_time] : known) owners_->add_process(pid, start_time, service_name_);
  }
  known_ = std::move(known);
}

void SessionScope::on_spawned(pid_t pid) {
  add_session(pid);  // the child's setsid() makes its PID a session ID
  remember(pid);
}

void SessionScope::adopt(pid_t pid) {
  if (pid > 0) remember(pid);
}

int SessionScope::members(std::vector<ProcStat>& out) {
  std::vector<ProcStat> all;
  int r = list_processes(all);
  if (r < 0) return r;
  const pid_t self = getpid();
  std::map<pid_t, std::vector<std::size_t>> children;
  std::vector<std::size_t> queue;
  std::vector<bool> member(all.size(), false);
  std::set<pid_t> live_sessions;
  for (std::size_t i = 0; i < all.size(); ++i) {
    const ProcStat& p = all[i];
    live_sessions.insert(p.session);
    live_sessions.insert(p.pid);
    if (p.state == 'Z' || p.pid == self || p.pid == 1) continue;
    children[p.ppid].push_back(i);
    auto known = known_.find(p.pid);
    if (sessions_.count(p.session) > 0 || (known != known_.end() && known->second == p.start_time)) {
      member[i] = true;
      queue.push_back(i);
    }
  }
  while (!queue.empty()) {
    std::size_t i = queue.back();
    queue.pop_back();
    auto it = children.find(all[i].pid);
    if (it == children.end()) continue;
    for (std::size_t child : it->second) {
      if (member[child]) continue;
      member[child] = true;
      queue.push_back(child);
    }
  }
  std::vector<ProcStat> result;
  std::map<pid_t, std::uint64_t> known;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (!member[i]) continue;
    result.push_back(all[i]);
    known[all[i].pid] = all[i].start_time;
  }
  // Remembering today's members keeps a daemon that later loses its parent.
  set_known(std::move(known));
  std::erase_if(sessions_, [&](pid_t session) {
    if (live_sessions.count(session) > 0) return false;
    if (owners_) owners_->remove_session(session);
    return true;
  });
  out = std::move(result);
  return 0;
}

int SessionScope::signal_all(int sig) {
  std::map<pid_t, std::uint64_t> attempted;
  int signalled = 0;
  for (int round = 0; round < kMaxSignalRounds; ++round) {
    std::vector<ProcStat> current;
    int r = members(current);
    if (r < 0) return signalled == 0 ? r : signalled;
    bool any_new = false;
    for (const ProcStat& p : current) {
      auto it = attempted.find(p.pid);
      if (it != attempted.end() && it->second == p.start_time) continue;
      any_new = true;
      attempted[p.pid] = p.start_time;
      // The pidfd pins the process; checking the start time after opening it
      // proves it is the one the scan saw, not a new owner of the PID.
      unique_fd pidfd(pidfd_open(p.pid, 0));
      if (!pidfd) continue;
      ProcStat now;
      if (read_proc_stat(p.pid, now) < 0 || now.start_time != p.start_time) continue;
      if (pidfd_send_signal(pidfd.get(), sig, nullptr, 0) == 0) ++signalled;
    }
    if (!any_new) break;
  }
  return signalled;
}

bool SessionScope::empty() {
  std::vector<ProcStat> current;
  if (members(current) < 0) return true;
  return current.empty();
}

bool SessionScope::contains(pid_t pid) {
  std::vector<ProcStat> current;
  if (members(current) < 0) return false;
  for (const ProcStat& p : current) {
    if (p.pid == pid) return true;
  }
  return false;
}

int SessionScope::list(std::vector<pid_t>& out) {
  std::vector<ProcStat> found;
  int r = members(found);
  if (r < 0) return r;
  out.clear();
  for (const ProcStat& p : found) out.push_back(p.pid);
  return 0;
}

}  // namespace vermilion
