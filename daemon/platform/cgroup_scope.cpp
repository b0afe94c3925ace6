#include "platform/cgroup_scope.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <set>

#include "platform/cgroup_accounting.h"
#include "platform/file_io.h"

namespace vermilion {
namespace {

// Enough rounds to catch processes forked while we signal, without looping
// forever on a fork bomb.
constexpr int kMaxSignalRounds = 16;

}  // namespace

int CgroupScope::create(std::shared_ptr<CgroupTree> tree, const std::string& service_name,
                        std::unique_ptr<CgroupScope>& out, std::shared_ptr<ScopeOwners> owners) {
  std::string name;
  bool reused = false;
  int r = tree->acquire_child(service_name, name, reused);
  if (r < 0) return r;
  std::string procs = tree->directory() + "/" + name + "/cgroup.procs";
  unique_fd procs_fd(open(procs.c_str(), O_WRONLY | O_CLOEXEC));
  if (!procs_fd) {
    r = -errno;
    tree->release_child(name);
    return r;
  }
  out.reset(new CgroupScope(std::move(tree), std::move(name), std::move(procs_fd), std::move(owners), service_name));
  // A cgroup an earlier run left behind has counted CPU time already: this
  // run's counts from here (systemd's cpu_usage_base). A new one starts at 0,
  // so the common path reads nothing.
  out->reused_ = reused;
  if (reused) {
    const std::uint64_t base = read_cgroup_accounting(out->directory()).cpu_usage_nsec;
    if (base != ResourceUsage::kUnknown) out->cpu_usage_base_nsec_ = base;
  }
  return 0;
}

CgroupScope::CgroupScope(std::shared_ptr<CgroupTree> tree, std::string name, unique_fd procs_fd,
                         std::shared_ptr<ScopeOwners> owners, const std::string& service_name)
    : tree_(std::move(tree)),
      name_in_tree_(std::move(name)),
      procs_fd_(std::move(procs_fd)),
      owners_(std::move(owners)) {
  if (owners_) owners_->add_cgroup(control_group(), service_name);
}

int CgroupScope::open_directory(unique_fd& out) const {
  out.reset(open(directory().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  return out ? 0 : -errno;
}

std::string CgroupScope::directory() const { return tree_->directory() + "/" + name_in_tree_; }

std::string CgroupScope::control_group() const { return tree_->cgroup_path() + "/" + name_in_tree_; }

CgroupScope::~CgroupScope() {
  if (owners_) owners_->remove_cgroup(control_group());
  procs_fd_.reset();
  tree_->release_child(name_in_tree_);
}

int CgroupScope::read_pids(std::vector<pid_t>& out) const {
  std::string text;
  int r = read_text_file(directory() + "/cgroup.procs", text);
  if (r < 0) return r;
  std::vector<pid_t> pids;
  const char* p = text.data();
  const char* end = text.data() + text.size();
  while (p < end) {
    pid_t pid = 0;
    auto [next, ec] = std::from_chars(p, end, pid);
    if (ec == std::errc() && pid > 0) pids.push_back(pid);
    p = std::find(next, end, '\n');
    if (p < end) ++p;
  }
  out = std::move(pids);
  return 0;
}

int CgroupScope::signal_all(int sig) {
  std::set<pid_t> signalled;
  if (sig == SIGKILL) {
    std::vector<pid_t> pids;
    int r = read_pids(pids);
    if (r < 0) return r;
    if (write_text_file(directory() + "/cgroup.kill", "1") == 0) {
      tree_->note_killed(name_in_tree_);
      return static_cast<int>(pids.size());
    }
    // No cgroup.kill (kernels before 5.14): fall through to one by one.
  }
  for (int round = 0; round < kMaxSignalRounds; ++round) {
    std::vector<pid_t> pids;
    int r = read_pids(pids);
    if (r < 0) return signalled.empty() ? r : static_cast<int>(signalled.size());
    bool any_new = false;
    for (pid_t pid : pids) {
      if (!signalled.insert(pid).second) continue;
      any_new = true;
      // ESRCH: it exited meanwhile, which is what we wanted anyway.
      if (kill(pid, sig) < 0 && errno != ESRCH) signalled.erase(pid);
    }
    if (!any_new) break;
  }
  return static_cast<int>(signalled.size());
}

bool CgroupScope::empty() {
  std::string events;
  // A cgroup we cannot read counts as empty: otherwise the supervisor would
  // wait forever for processes it can no longer see.
  if (read_text_file(directory() + "/cgroup.events", events) < 0) return true;
  return events.find("populated 1") == std::string::npos;
}

bool CgroupScope::contains(pid_t pid) {
  if (pid <= 0) return false;
  std::string text, path;
  if (read_text_file("/proc/" + std::to_string(pid) + "/cgroup", text) < 0) return false;
  if (parse_unified_cgroup(text, path) < 0) return false;
  return path == control_group();
}

void CgroupScope::adopt(pid_t) {}

int CgroupScope::join_fd() const {
  if (!procs_fd_) procs_fd_.reset(open((directory() + "/cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC));
  return procs_fd_.get();
}

void CgroupScope::on_spawned(pid_t pid) {
  // The child writes itself in too; doing it here as well means the scope is
  // populated before the child has even been scheduled.
  std::string text = std::to_string(pid);
  if (procs_fd_)
    (void)!write(procs_fd_.get(), text.data(), text.size());
  else
    (void)write_text_file(directory() + "/cgroup.procs", text);
  procs_fd_.reset();
  directory_fd_.reset();
}

int CgroupScope::clone_into_fd() const {
  if (tree_->was_killed(name_in_tree_)) return -1;  // CgroupTree::note_killed(): the caller moves the child in
  if (!directory_fd_) directory_fd_.reset(open(directory().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  return directory_fd_.get();
}

void CgroupScope::on_spawned_inside(pid_t) {
  procs_fd_.reset();
  directory_fd_.reset();
}

ResourceUsage CgroupScope::resource_usage() const {
  ResourceUsage usage = read_cgroup_accounting(directory());
  if (usage.cpu_usage_nsec != ResourceUsage::kUnknown)
    usage.cpu_usage_nsec = usage.cpu_usage_nsec > cpu_usage_base_nsec_ ? usage.cpu_usage_nsec - cpu_usage_base_nsec_ : 0;
  return usage;
}

}  // namespace vermilion
