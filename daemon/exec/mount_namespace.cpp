#include "exec/mount_namespace.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace vermilion {
namespace {

void add(std::vector<MountEntry>& out, std::string path, MountMode mode, bool ignore_missing, std::string source = {}) {
  out.push_back({std::move(path), std::move(source), mode, ignore_missing});
}

bool below(const std::string& path, const std::string& parent) {
  if (parent == "/") return path != "/";
  return path.size() > parent.size() && path.compare(0, parent.size(), parent) == 0 && path[parent.size()] == '/';
}

// systemd 252's protect_system_*_table[] and protect_home_*_table[].
void add_protect_system(std::vector<MountEntry>& out, ProtectSystem p) {
  switch (p) {
    case ProtectSystem::no: return;
    case ProtectSystem::strict:
      add(out, "/", MountMode::read_only, false);
      for (const char* path : {"/proc", "/sys", "/dev"}) add(out, path, MountMode::read_write_implicit, true);
      for (const char* path : {"/home", "/run/user", "/root"}) add(out, path, MountMode::read_write_implicit, true);
      return;
    case ProtectSystem::full:
      add(out, "/etc", MountMode::read_only, false);
      [[fallthrough]];
    case ProtectSystem::yes:
      add(out, "/usr", MountMode::read_only, false);
      add(out, "/boot", MountMode::read_only, true);
      add(out, "/efi", MountMode::read_only, true);
      return;
  }
}

// protect_kernel_tunables_proc_table[] and _sys_table[].
void add_protect_kernel_tunables(std::vector<MountEntry>& out) {
  for (const char* path : {"/proc/acpi", "/proc/apm", "/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq",
                           "/proc/latency_stats", "/proc/mtrr", "/proc/scsi", "/proc/sys", "/proc/sysrq-trigger",
                           "/proc/timer_stats", "/sys/fs/bpf", "/sys/kernel/debug", "/sys/kernel/tracing"})
    add(out, path, MountMode::read_only, true);
  for (const char* path : {"/proc/kallsyms", "/proc/kcore"}) add(out, path, MountMode::inaccessible, true);
  add(out, "/sys", MountMode::read_only, false);
  // ProtectControlGroups= decides about these.
  add(out, "/sys/fs/cgroup", MountMode::read_write_implicit, false);
  add(out, "/sys/fs/selinux", MountMode::read_write_implicit, true);
}

void add_protect_home(std::vector<MountEntry>& out, ProtectHome p) {
  if (p == ProtectHome::no) return;
  const MountMode mode = p == ProtectHome::yes         ? MountMode::inaccessible
                         : p == ProtectHome::read_only ? MountMode::read_only
                                                       : MountMode::tmpfs;
  for (const char* path : {"/home", "/run/user", "/root"}) add(out, path, mode, true);
}

int set_read_only(const char* path, bool read_only) noexcept {
  mount_attr attr{};
  (read_only ? attr.attr_set : attr.attr_clr) = MOUNT_ATTR_RDONLY;
  return mount_setattr(AT_FDCWD, path, AT_RECURSIVE, &attr, sizeof attr) < 0 ? -errno : 0;
}

}  // namespace

int make_inaccessible_file(const std::string& dir, std::string& out) {
  const std::string parent = dir + "/inaccessible";
  if (mkdir(parent.c_str(), 0755) < 0 && errno != EEXIST) return -errno;
  const std::string path = parent + "/reg";
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0);
  if (fd < 0) return -errno;
  struct stat st {};
  int r = fstat(fd, &st) < 0 ? -errno : 0;
  if (r == 0 && !S_ISREG(st.st_mode)) r = -EEXIST;
  if (r == 0 && (st.st_mode & 07777) != 0 && fchmod(fd, 0) < 0) r = -errno;
  if (r == 0 && st.st_size != 0 && ftruncate(fd, 0) < 0) r = -errno;
  close(fd);
  if (r == 0) out = path;
  return r;
}

std::vector<MountEntry> namespace_mounts(const ServiceConfig& config, const PrivateTmp* private_tmp,
                                         const std::vector<std::string>& writable_directories,
                                         const std::string& inaccessible_file) {
  std::vector<MountEntry> out;
  add_protect_system(out, config.protect_system);
  add_protect_home(out, config.protect_home);
  if (config.protect_kernel_tunables) add_protect_kernel_tunables(out);
  if (config.protect_control_groups) add(out, "/sys/fs/cgroup", MountMode::read_only, false);
  for (const auto& p : config.read_only_paths) add(out, p.path, MountMode::read_only, p.ignore_missing);
  for (const auto& p : config.read_write_paths) add(out, p.path, MountMode::read_write, p.ignore_missing);
  for (const auto& p : config.inaccessible_paths) add(out, p.path, MountMode::inaccessible, p.ignore_missing);
  // compile_read_write_paths(): the exec directories stay writable.
  if (!out.empty())
    for (const auto& dir : writable_directories) add(out, dir, MountMode::read_write, false);
  if (private_tmp) {
    add(out, "/tmp", MountMode::bind, false, private_tmp->tmp());
    add(out, "/var/tmp", MountMode::bind, false, private_tmp->var_tmp());
  }
  std::stable_sort(out.begin(), out.end(), [](const MountEntry& a, const MountEntry& b) {
    return a.path != b.path ? a.path < b.path : a.mode < b.mode;
  });
  // For one path the first (strongest) stays; nothing below an
  // inaccessible or tmpfs path (drop_duplicates(), drop_inaccessible()).
  std::vector<MountEntry> kept;
  for (auto& entry : out) {
    if (!kept.empty() && kept.back().path == entry.path) continue;
    bool hidden = std::any_of(kept.begin(), kept.end(), [&](const MountEntry& k) {
      return (k.mode == MountMode::inaccessible || k.mode == MountMode::tmpfs) && below(entry.path, k.path);
    });
    if (hidden) continue;
    if (entry.mode == MountMode::inaccessible) entry.source = inaccessible_file;
    kept.push_back(std::move(entry));
  }
  return kept;
}

int enter_mount_namespace(const ExecMount* mounts, std::size_t count) noexcept {
  if (count > kMaxMountEntries) return -E2BIG;
  if (unshare(CLONE_NEWNS) < 0) {
    if (errno == EPERM || errno == EACCES || errno == EOPNOTSUPP || errno == ENOSYS) return kNamespaceRefused;
    return -errno;
  }
  if (mount(nullptr, "/", nullptr, MS_SLAVE | MS_REC, nullptr) < 0) return -errno;
  // Writable entries keep their mounts as they are now: each is cloned
  // before anything is made read-only and put back on top in its turn.
  int clones[kMaxMountEntries];
  std::fill(clones, clones + count, -1);
  auto close_clones = [&] {
    for (std::size_t i = 0; i < count; ++i)
      if (clones[i] >= 0) close(clones[i]);
  };
  int r = 0;
  for (std::size_t i = 0; i < count && r == 0; ++i) {
    const ExecMount& m = mounts[i];
    if (m.mode != MountMode::read_write && m.mode != MountMode::read_write_implicit) continue;
    clones[i] = open_tree(AT_FDCWD, m.path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
    if (clones[i] < 0 && !(errno == ENOENT && m.ignore_missing)) r = -errno;
  }
  for (std::size_t i = 0; i < count && r == 0; ++i) {
    const ExecMount& m = mounts[i];
    switch (m.mode) {
      case MountMode::read_only:
        // "/" is a mount point already, and one bound over it would not be
        // seen by this process (its root stays the one below).
        if (m.path[0] == '/' && m.path[1] == '\0') {
          r = set_read_only(m.path, true);
          break;
        }
        if (mount(m.path, m.path, nullptr, MS_BIND | MS_REC, nullptr) < 0) {
          if (errno != ENOENT || !m.ignore_missing) r = -errno;
          break;
        }
        r = set_read_only(m.path, true);
        break;
      case MountMode::read_write:
      case MountMode::read_write_implicit:
        if (clones[i] >= 0 && move_mount(clones[i], "", AT_FDCWD, m.path, MOVE_MOUNT_F_EMPTY_PATH) < 0) r = -errno;
        break;
      case MountMode::inaccessible: {
        // Empty, mode 0 and read-only, as systemd's "inaccessible" nodes:
        // a directory gets such a tmpfs, anything else `source` (an empty
        // regular file of mode 0, made by the manager) bound over it.
        struct stat st {};
        if (stat(m.path, &st) < 0) {
          if (errno != ENOENT || !m.ignore_missing) r = -errno;
          break;
        }
        if (S_ISDIR(st.st_mode)) {
          if (mount("tmpfs", m.path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=000") < 0)
            r = -errno;
        } else if (!m.source || !*m.source) {
          r = -ENOTDIR;  // no node to bind
        } else if (mount(m.source, m.path, nullptr, MS_BIND, nullptr) < 0) {
          r = -errno;
        } else {
          r = set_read_only(m.path, true);
        }
        break;
      }
      case MountMode::tmpfs:
        // As systemd 252 mounts it for ProtectHome=tmpfs: an empty,
        // writable tmpfs with tmpfs's own defaults (1777).
        if (mount("tmpfs", m.path, "tmpfs", 0, nullptr) < 0 && (errno != ENOENT || !m.ignore_missing)) r = -errno;
        break;
      case MountMode::bind:
        if (mount(m.source, m.path, nullptr, MS_BIND | MS_REC, nullptr) < 0) {
          r = -errno;
          break;
        }
        // A bind copies the flags of the mount it comes from, which may
        // have just been made read-only; where the host's is locked
        // read-only, it stays so.
        if (int e = set_read_only(m.path, false); e < 0 && e != -EPERM) r = e;
        break;
    }
  }
  close_clones();
  if (r < 0) return r;
  // Shared again inside, as systemd's default MountFlags=shared leaves it.
  return mount(nullptr, "/", nullptr, MS_SHARED | MS_REC, nullptr) < 0 ? -errno : 0;
}

}  // namespace vermilion
