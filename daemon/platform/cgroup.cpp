#include "platform/cgroup.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <vector>

#include "platform/file_io.h"
#include "platform/mountinfo.h"

namespace vermilion {
namespace {

std::string_view next_line(std::string_view& text) {
  auto end = text.find('\n');
  std::string_view line = text.substr(0, end);
  text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
  return line;
}


std::string join_cgroup_path(const std::string& parent, std::string_view child) {
  std::string path = parent;
  if (path.empty() || path.back() != '/') path += '/';
  path += child;
  return path;
}

}  // namespace

int find_cgroup2_mount(std::string_view mountinfo, std::string& mount_point, std::string& mount_root) {
  while (!mountinfo.empty()) {
    std::string_view line = next_line(mountinfo);
    auto separator = line.find(" - ");
    if (separator == std::string_view::npos) continue;
    std::string_view after = line.substr(separator + 3);
    if (after.substr(0, after.find(' ')) != "cgroup2") continue;
    // Fields before the separator: id parent major:minor root mount-point ...
    std::array<std::string_view, 5> fields{};
    std::string_view before = line.substr(0, separator);
    std::size_t count = 0;
    while (count < fields.size() && !before.empty()) {
      auto end = before.find(' ');
      fields[count++] = before.substr(0, end);
      before = end == std::string_view::npos ? std::string_view() : before.substr(end + 1);
    }
    if (count < fields.size()) continue;
    mount_root = unescape_mountinfo(fields[3]);
    mount_point = unescape_mountinfo(fields[4]);
    return 0;
  }
  return -ENOENT;
}

int parse_unified_cgroup(std::string_view proc_cgroup, std::string& out) {
  while (!proc_cgroup.empty()) {
    std::string_view line = next_line(proc_cgroup);
    if (line.substr(0, 3) == "0::") {
      out = line.substr(3);
      return 0;
    }
  }
  return -ENOENT;
}

int discover_cgroup(CgroupLocation& out) {
  std::string mountinfo, own;
  int r = read_text_file("/proc/self/mountinfo", mountinfo);
  if (r < 0) return r;
  std::string mount_point, mount_root;
  r = find_cgroup2_mount(mountinfo, mount_point, mount_root);
  if (r < 0) return r;
  std::string proc_cgroup;
  r = read_text_file("/proc/self/cgroup", proc_cgroup);
  if (r < 0) return r;
  r = parse_unified_cgroup(proc_cgroup, own);
  if (r < 0) return r;
  // The mount may show only part of the hierarchy; our cgroup must lie in it.
  std::string relative;
  if (mount_root == "/") {
    relative = own;
  } else if (own == mount_root || own.starts_with(mount_root + "/")) {
    relative = own.substr(mount_root.size());
  } else {
    return -ENOMEDIUM;
  }
  CgroupLocation location;
  location.mount_point = mount_point;
  location.own_cgroup = own;
  location.own_directory = relative.empty() || relative == "/" ? mount_point : mount_point + relative;
  // Moving a process between two children needs write access to the
  // cgroup.procs of their common ancestor, which is our own cgroup.
  location.writable = access(location.own_directory.c_str(), W_OK) == 0 &&
                      access((location.own_directory + "/cgroup.procs").c_str(), W_OK) == 0;
  out = std::move(location);
  return 0;
}

std::string escape_cgroup_name(std::string_view name) {
  static constexpr std::array<std::string_view, 4> kReserved = {"notify_on_release", "release_agent", "tasks",
                                                                "cgroup.procs"};
  bool needs_prefix = name.empty() || name[0] == '_' || name[0] == '.';
  for (auto reserved : kReserved) needs_prefix = needs_prefix || name == reserved;
  // Names like "cgroup.x" or "memory.x" look like controller files.
  auto dot = name.find('.');
  if (!needs_prefix && dot != std::string_view::npos) {
    static constexpr std::array<std::string_view, 11> kControllers = {
        "cgroup", "cpu", "cpuset", "io", "memory", "pids", "rdma", "hugetlb", "misc", "freezer", "blkio"};
    for (auto controller : kControllers) needs_prefix = needs_prefix || name.substr(0, dot) == controller;
  }
  std::string out;
  if (needs_prefix) out += '_';
  out += name;
  return out;
}

namespace {

bool is_tree_name(std::string_view name) {
  constexpr std::string_view kPrefix = "vermilion-";
  if (name.substr(0, kPrefix.size()) != kPrefix || name.size() == kPrefix.size()) return false;
  for (char c : name.substr(kPrefix.size()))
    if ((c < '0' || c > '9') && c != '-') return false;
  return true;
}

// Empty child cgroups first, then `directory` itself; a populated one stays
// (EBUSY), and so do its parents. Depth is bounded by what cgroupfs allows.
void remove_empty_cgroups(const std::string& directory) {
  if (DIR* dir = opendir(directory.c_str())) {
    std::vector<std::string> children;
    while (const dirent* entry = readdir(dir))
      if (entry->d_type == DT_DIR && entry->d_name[0] != '.') children.push_back(directory + "/" + entry->d_name);
    closedir(dir);
    for (const auto& child : children) remove_empty_cgroups(child);
  }
  rmdir(directory.c_str());
}

// Trees beside ours whose owner is gone: their lock can be taken.
void remove_stale_trees(const std::string& parent) {
  DIR* dir = opendir(parent.c_str());
  if (!dir) return;
  std::vector<std::string> candidates;
  while (const dirent* entry = readdir(dir))
    if (entry->d_type == DT_DIR && is_tree_name(entry->d_name)) candidates.push_back(parent + "/" + entry->d_name);
  closedir(dir);
  for (const auto& tree : candidates) {
    unique_fd lock(open(tree.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!lock || flock(lock.get(), LOCK_EX | LOCK_NB) < 0) continue;
    remove_empty_cgroups(tree);
  }
}

// Makes (or takes over) `directory` and locks it. 0, -EWOULDBLOCK when a
// live daemon holds it, or -errno.
int make_and_lock(const std::string& directory, unique_fd& lock) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (mkdir(directory.c_str(), 0755) < 0 && errno != EEXIST) return -errno;
    unique_fd fd(open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd) {
      if (errno == ENOENT) continue;  // a cleaner took it between mkdir and open
      return -errno;
    }
    if (flock(fd.get(), LOCK_EX | LOCK_NB) < 0) return -errno;
    // A cleaner may have removed it after our open and before our lock:
    // then what we hold is no longer the directory at that path.
    struct stat held{}, named{};
    if (fstat(fd.get(), &held) < 0) return -errno;
    if (stat(directory.c_str(), &named) < 0 || held.st_ino != named.st_ino || held.st_dev != named.st_dev) continue;
    lock = std::move(fd);
    return 0;
  }
  return -EAGAIN;
}

}  // namespace

int CgroupTree::create(const CgroupLocation& location, pid_t owner, std::shared_ptr<CgroupTree>& out) {
  remove_stale_trees(location.own_directory);
  std::string name = "vermilion-" + std::to_string(owner);
  unique_fd lock;
  int r = make_and_lock(location.own_directory + "/" + name, lock);
  for (int n = 2; r == -EWOULDBLOCK && n < 64; ++n) {
    name = "vermilion-" + std::to_string(owner) + "-" + std::to_string(n);
    r = make_and_lock(location.own_directory + "/" + name, lock);
  }
  if (r < 0) return r;
  out.reset(new CgroupTree(location.own_directory + "/" + name, join_cgroup_path(location.own_cgroup, name),
                           std::move(lock)));
  return 0;
}

CgroupTree::~CgroupTree() {
  for (const auto& [name, users] : users_) rmdir((directory_ + "/" + name).c_str());
  rmdir(directory_.c_str());
}

int CgroupTree::acquire_child(const std::string& service_name, std::string& name_in_tree, bool& reused) {
  std::string name = escape_cgroup_name(service_name);
  if (name.find('/') != std::string::npos || name == "." || name == "..") return -EINVAL;
  std::string path = directory_ + "/" + name;
  reused = false;
  if (mkdir(path.c_str(), 0755) < 0) {
    if (errno != EEXIST) return -errno;
    reused = true;
    // Left by a run of ours or of an earlier vermiliond: whether its
    // cgroup.kill was written is not known, so it counts as written.
    killed_.insert(name);
  } else {
    killed_.erase(name);
  }
  ++users_[name];
  name_in_tree = std::move(name);
  return 0;
}

void CgroupTree::release_child(const std::string& name_in_tree) {
  auto it = users_.find(name_in_tree);
  if (it == users_.end()) return;
  if (--it->second > 0) return;
  users_.erase(it);
  // EBUSY when processes are left: the directory stays for the next run.
  if (rmdir((directory_ + "/" + name_in_tree).c_str()) == 0 || errno == ENOENT) killed_.erase(name_in_tree);
}

}  // namespace vermilion
