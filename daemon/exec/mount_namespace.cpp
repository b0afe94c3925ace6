#include "exec/mount_namespace.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "platform/file_io.h"
#include "platform/mountinfo.h"

namespace vermilion {
namespace {

void add(std::vector<MountEntry>& out, std::string path, MountMode mode, bool ignore_missing, std::string source = {}) {
  out.push_back({std::move(path), std::move(source), mode, ignore_missing});
}

// mount_entry_noexec(), mount_entry_exec().
bool is_noexec(const MountEntry& e) {
  return e.noexec || e.mode == MountMode::noexec || e.mode == MountMode::inaccessible || e.mode == MountMode::procfs;
}
bool is_exec(const MountEntry& e) { return e.exec || e.mode == MountMode::exec; }

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
      for (const char* path : {"/proc", "/sys", "/dev"}) add(out, path, MountMode::read_write_implicit, false);
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

// What mount_private_dev() takes from the host's /dev, gathered before
// anything is mounted.
struct HostDev {
  struct Node {
    const char* name;
    struct stat st;
    int fd;  // a clone of the host's node (open_tree), moved in where mknod is refused
    bool present;
  };
  // systemd 252's devnodes[], then /dev/ptmx (cloned where it is a device,
  // a symlink to pts/ptmx where it is one).
  Node nodes[7] = {{"null", {}, -1, false},   {"zero", {}, -1, false}, {"full", {}, -1, false},
                   {"random", {}, -1, false}, {"urandom", {}, -1, false}, {"tty", {}, -1, false},
                   {"ptmx", {}, -1, false}};
  bool ptmx_is_symlink = false;
  bool kcore = false;
  // Clones of the host's mounts to bind in: pts, shm, mqueue, hugepages.
  // (pts and shm must bind; mqueue and hugepages only where the host has them.)
  struct Bind {
    const char* name;
    bool required;
    int fd;
    int error;  // open_tree()'s, where fd is -1
  };
  Bind binds[4] = {{"pts", true, -1, 0}, {"shm", true, -1, 0}, {"mqueue", false, -1, 0}, {"hugepages", false, -1, 0}};

  void gather() noexcept {
    char path[64];
    for (Node& node : nodes) {
      std::snprintf(path, sizeof path, "/dev/%s", node.name);
      if (&node == &nodes[6] && lstat(path, &node.st) == 0 && S_ISLNK(node.st.st_mode)) {
        ptmx_is_symlink = true;
        continue;
      }
      node.present = stat(path, &node.st) == 0 && (S_ISCHR(node.st.st_mode) || S_ISBLK(node.st.st_mode));
      if (node.present) node.fd = open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    }
    for (Bind& bind : binds) {
      std::snprintf(path, sizeof path, "/dev/%s", bind.name);
      bind.fd = open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
      if (bind.fd < 0) bind.error = errno;
    }
    struct stat st {};
    kcore = lstat("/proc/kcore", &st) == 0;
  }

  void close_all() noexcept {
    for (Node& node : nodes)
      if (node.fd >= 0) close(node.fd);
    for (Bind& bind : binds)
      if (bind.fd >= 0) close(bind.fd);
  }
};

// A symlink systemd only logs about when it cannot be made.
void symlink_or_not(const char* target, int dir, const char* name) noexcept {
  if (symlinkat(target, dir, name) < 0) return;
}

// A new instance of filesystem TYPE (fsopen()) with the comma-separated
// key=value OPTIONS, put in the place of what is mounted on PATH (all of
// it, submounts too: systemd's umount_recursive()). -EINVAL where an
// option is not known to the kernel; nothing is changed then.
int replace_with_new_instance(const char* path, const char* type, const char* options, unsigned attributes) noexcept {
  const int fs = fsopen(type, FSOPEN_CLOEXEC);
  if (fs < 0) return -errno;
  // Named as mount(2) would name it ("tmpfs", "proc"), not "none".
  int r = fsconfig(fs, FSCONFIG_SET_STRING, "source", type, 0) < 0 ? -errno : 0;
  char option[128];
  for (const char* p = options; r == 0 && p && *p;) {
    const char* end = std::strchr(p, ',');
    const std::size_t length = end ? static_cast<std::size_t>(end - p) : std::strlen(p);
    if (length >= sizeof option) {
      r = -EINVAL;
      break;
    }
    std::memcpy(option, p, length);
    option[length] = '\0';
    char* value = std::strchr(option, '=');
    if (value) *value++ = '\0';
    if (fsconfig(fs, value ? FSCONFIG_SET_STRING : FSCONFIG_SET_FLAG, option, value, 0) < 0) r = -errno;
    p = end ? end + 1 : nullptr;
  }
  if (r == 0 && fsconfig(fs, FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) < 0) r = -errno;
  const int mnt = r == 0 ? fsmount(fs, FSMOUNT_CLOEXEC, attributes) : -1;
  if (r == 0 && mnt < 0) r = -errno;
  close(fs);
  if (r < 0) return r;
  if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL) r = -errno;  // EINVAL: nothing was mounted there
  if (r == 0 && move_mount(mnt, "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH) < 0) r = -errno;
  close(mnt);
  return r;
}

// systemd 252's mount_private_dev() and dev_setup(): a tmpfs in the place
// of the host's /dev on `path` (this process's own namespace already),
// filled from what `host` took before. 0 or -errno.
int mount_private_dev(const char* path, const HostDev& host) noexcept {
  if (int r = replace_with_new_instance(path, "tmpfs", "mode=0755,size=4m,nr_inodes=64k",
                                        MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_STRICTATIME);
      r < 0)
    return r;
  const int dev = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dev < 0) return -errno;
  const mode_t old_umask = umask(0);
  int r = 0;
  for (const HostDev::Bind& bind : host.binds) {
    if (mkdirat(dev, bind.name, 0755) < 0 && errno != EEXIST) r = -errno;
    if (r == 0 && bind.fd >= 0 && move_mount(bind.fd, "", dev, bind.name, MOVE_MOUNT_F_EMPTY_PATH) < 0 &&
        bind.required)
      r = -errno;
    if (r == 0 && bind.fd < 0 && bind.required) r = -bind.error;
    if (r < 0) break;
  }
  if (r == 0 && host.ptmx_is_symlink && symlinkat("pts/ptmx", dev, "ptmx") < 0) r = -errno;
  // The symlinks systemd only logs about when they fail.
  if (r == 0) symlink_or_not("/run/systemd/journal/dev-log", dev, "log");
  if (r == 0) (void)mkdirat(dev, "char", 0755);
  bool can_mknod = true;
  for (const HostDev::Node& node : host.nodes) {
    if (r < 0 || !node.present) continue;
    // clone_device_node(): the node itself, or where mknod is refused a
    // bind of the host's over an empty file.
    if (can_mknod && mknodat(dev, node.name, node.st.st_mode, node.st.st_rdev) < 0) {
      if (errno != EPERM) {
        r = -errno;
        break;
      }
      can_mknod = false;
    }
    if (!can_mknod) {
      if (mknodat(dev, node.name, S_IFREG, 0) < 0 && errno != EEXIST) r = -errno;
      if (r == 0 && (node.fd < 0 || move_mount(node.fd, "", dev, node.name, MOVE_MOUNT_F_EMPTY_PATH) < 0))
        r = node.fd < 0 ? -ENOENT : -errno;
      if (r < 0) break;
    }
    char link[32], target[32];
    std::snprintf(link, sizeof link, "char/%u:%u", major(node.st.st_rdev), minor(node.st.st_rdev));
    std::snprintf(target, sizeof target, "../%s", node.name);
    symlink_or_not(target, dev, link);
  }
  // dev_setup()'s symlinks; core only where /proc/kcore exists.
  struct Link {
    const char* target;
    const char* name;
  };
  for (Link link : {Link{"/proc/self/fd", "fd"}, {"/proc/self/fd/0", "stdin"}, {"/proc/self/fd/1", "stdout"},
                    {"/proc/self/fd/2", "stderr"}, {"/proc/kcore", "core"}}) {
    if (r < 0) break;
    if (link.name[0] == 'c' && !host.kcore) continue;
    symlink_or_not(link.target, dev, link.name);
  }
  umask(old_umask);
  close(dev);
  if (r < 0) return r;
  // Read-only itself, not what is bound below it (make_read_only()).
  mount_attr attr{};
  attr.attr_set = MOUNT_ATTR_RDONLY;
  return mount_setattr(AT_FDCWD, path, 0, &attr, sizeof attr) < 0 ? -errno : 0;
}

// `path` as a mount point: left as it is when it exists, else made (its
// parents 0755, itself a 0755 directory or an empty 0644 file). 0 or -errno.
int make_mount_point(const char* path, bool directory) noexcept {
  struct stat st {};
  if (lstat(path, &st) == 0) return 0;
  if (errno != ENOENT) return -errno;
  char parent[PATH_MAX];
  const std::size_t length = std::strlen(path);
  if (length >= sizeof parent) return -ENAMETOOLONG;
  std::memcpy(parent, path, length + 1);
  // mkdir -p of every parent, from the top.
  for (char* slash = std::strchr(parent + 1, '/'); slash != nullptr; slash = std::strchr(slash + 1, '/')) {
    *slash = '\0';
    if (mkdir(parent, 0755) < 0 && errno != EEXIST) return -errno;
    *slash = '/';
  }
  if (directory) return mkdir(path, 0755) < 0 && errno != EEXIST ? -errno : 0;
  const int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOCTTY | O_CLOEXEC, 0644);
  if (fd < 0) return errno == EEXIST ? 0 : -errno;
  close(fd);
  return 0;
}

// One mount's attributes (MOUNT_ATTR_*), not what is mounted below it. 0 or -errno.
int set_attributes_one(const char* path, std::uint64_t set, std::uint64_t clear = 0) noexcept {
  mount_attr attr{};
  attr.attr_set = set;
  attr.attr_clr = clear;
  return mount_setattr(AT_FDCWD, path, AT_NO_AUTOMOUNT | AT_SYMLINK_NOFOLLOW, &attr, sizeof attr) < 0 ? -errno : 0;
}

// One mount read-only, not what is mounted below it. 0 or -errno.
int set_read_only_one(const char* path) noexcept { return set_attributes_one(path, MOUNT_ATTR_RDONLY); }


// Whether a mount below the top has the attributes already (then a
// failure to set them there does not matter).
bool has_attributes(const std::string& path, std::uint64_t set, std::uint64_t clear) {
  struct statvfs st {};
  if (statvfs(path.c_str(), &st) < 0) return false;
  auto has = [&](std::uint64_t attribute, unsigned long flag) {
    const bool on = (st.f_flag & flag) != 0;
    return (!(set & attribute) || on) && (!(clear & attribute) || !on);
  };
  return has(MOUNT_ATTR_RDONLY, ST_RDONLY) && has(MOUNT_ATTR_NOEXEC, ST_NOEXEC);
}

// systemd's bind_remount_recursive_with_mountinfo() with every entry's path
// as the deny list (also in the noexec round: 252's "simplified" list is
// the full one): `prefix` and the mounts below it get the attributes,
// except those at or below another entry further down. `text`:
// /proc/self/mountinfo as it is once everything is mounted. As there,
// autofs mounts are left alone (never triggered), and below `prefix` a
// mount that is no mount root any more (hidden by a later one) or that
// has the attributes already is let pass when the kernel refuses. 0 or -errno.
int set_attributes_below(const std::string& prefix, const std::vector<MountEntry>& entries, const std::string& text,
                         std::uint64_t set, std::uint64_t clear) {
  std::vector<std::string> targets;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + at, end - at);
    at = end + 1;
    // id parent major:minor root MOUNT-POINT ...
    std::size_t field = 0, start = 0;
    std::string_view mount_point;
    for (std::size_t i = 0; i <= line.size(); ++i) {
      if (i < line.size() && line[i] != ' ') continue;
      if (field == 4) {
        mount_point = line.substr(start, i - start);
        break;
      }
      ++field;
      start = i + 1;
    }
    if (mount_point.empty()) continue;
    // ... " - FSTYPE SOURCE OPTIONS": what the kernel would mount on access.
    const std::size_t separator = line.find(" - ");
    if (separator != std::string_view::npos && line.substr(separator + 3).starts_with("autofs ")) continue;
    const std::string path = unescape_mountinfo(mount_point);
    if (path != prefix && !below(path, prefix)) continue;
    const bool denied = path != prefix && std::any_of(entries.begin(), entries.end(), [&](const MountEntry& e) {
      return e.path != prefix && below(e.path, prefix) && (path == e.path || below(path, e.path));
    });
    if (!denied && std::find(targets.begin(), targets.end(), path) == targets.end()) targets.push_back(path);
  }
  for (const std::string& path : targets) {
    const int r = set_attributes_one(path.c_str(), set, clear);
    if (r == 0 || r == -ENOENT) continue;
    if (path != prefix && (r == -EINVAL || has_attributes(path, set, clear))) continue;
    return r;
  }
  return 0;
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

// What the sandboxing asks for (systemd 252's NamespaceInfo and the paths
// apply_mount_namespace() passes only with EXEC_APPLY_SANDBOXING).
static void add_sandboxing_mounts(std::vector<MountEntry>& out, const ServiceConfig& config) {
  add_protect_system(out, config.protect_system);
  add_protect_home(out, config.protect_home);
  if (config.protect_kernel_tunables) add_protect_kernel_tunables(out);
  if (config.protect_control_groups) add(out, "/sys/fs/cgroup", MountMode::read_only, false);
  if (config.private_devices) add(out, "/dev", MountMode::private_dev, false);
  if (config.protect_proc != ProtectProc::default_ || config.proc_subset != ProcSubset::all) {
    std::string options;
    if (config.protect_proc != ProtectProc::default_) options = std::string("hidepid=") + to_string(config.protect_proc);
    if (config.proc_subset == ProcSubset::pid) options += options.empty() ? "subset=pid" : ",subset=pid";
    add(out, "/proc", MountMode::procfs, false, std::move(options));
  }
  // namespace.c's protect_kernel_modules_table[] and protect_kernel_logs_table[].
  // (/dev/kmsg gets the empty file where systemd binds a character device
  // node 0:0: either way nothing can be read from it.)
  if (config.protect_kernel_modules)
    for (const char* path : {"/lib/modules", "/usr/lib/modules"}) add(out, path, MountMode::inaccessible, true);
  if (config.protect_kernel_logs)
    for (const char* path : {"/proc/kmsg", "/dev/kmsg"}) add(out, path, MountMode::inaccessible, true);
  for (const auto& p : config.read_only_paths) add(out, p.path, MountMode::read_only, p.ignore_missing);
  for (const auto& p : config.no_exec_paths) add(out, p.path, MountMode::noexec, p.ignore_missing);
  for (const auto& p : config.exec_paths) add(out, p.path, MountMode::exec, p.ignore_missing);
  for (const auto& p : config.inaccessible_paths) add(out, p.path, MountMode::inaccessible, p.ignore_missing);
  // setup_namespace(): the IPC namespace's own message queues.
  if (config.private_ipc) add(out, "/dev/mqueue", MountMode::mqueue, false);
}

std::vector<MountEntry> namespace_mounts(const ServiceConfig& config, const PrivateTmp* private_tmp,
                                         const std::vector<std::string>& writable_directories,
                                         const std::string& inaccessible_file, bool sandboxing,
                                         const std::string& credentials_directory) {
  std::vector<MountEntry> out;
  if (sandboxing) add_sandboxing_mounts(out, config);
  for (const auto& p : config.read_write_paths) add(out, p.path, MountMode::read_write, p.ignore_missing);
  // append_bind_mounts(), append_tmpfs_mounts().
  for (const auto& b : config.bind_mounts) {
    add(out, b.destination, MountMode::bind, b.ignore_missing, b.source);
    out.back().read_only = b.read_only;
    out.back().recursive = b.recursive;
  }
  for (const auto& t : config.temporary_filesystems) {
    MountEntry entry{t.path, {}, MountMode::tmpfs};
    entry.flags = MS_NODEV | MS_STRICTATIME;
    // NESTED_TMPFS_LIMITS: a tenth of the memory, 400k inodes, unless the options say otherwise.
    mangle_mount_options("mode=0755,size=10%,nr_inodes=400k," + t.options, entry.flags, entry.source);
    entry.read_only = (entry.flags & MS_RDONLY) != 0;
    entry.flags &= ~static_cast<unsigned long>(MS_RDONLY);
    out.push_back(std::move(entry));
  }
  // compile_read_write_paths(): the exec directories stay writable, also
  // below a TemporaryFileSystem= or a bind (so the list is checked after them).
  if (!out.empty())
    for (const auto& dir : writable_directories) add(out, dir, MountMode::read_write, false);
  if (private_tmp && sandboxing) {
    add(out, "/tmp", MountMode::bind, false, private_tmp->tmp());
    add(out, "/var/tmp", MountMode::bind, false, private_tmp->var_tmp());
  }
  if (!out.empty() || (sandboxing && needs_mount_namespace(config))) {
    if (!credentials_directory.empty()) {
      MountEntry entry{"/run/credentials", {}, MountMode::tmpfs};
      entry.flags = MS_NODEV | MS_STRICTATIME | MS_NOSUID | MS_NOEXEC;
      entry.source = "mode=0755,size=4m,nr_inodes=1k";  // TMPFS_LIMITS_EMPTY_OR_ALMOST
      entry.read_only = true;
      out.push_back(std::move(entry));
      add(out, credentials_directory, MountMode::bind, false, credentials_directory);
      out.back().read_only = true;
    } else {
      add(out, "/run/credentials", MountMode::inaccessible, true);
    }
  }
  reduce_mounts(out);
  for (auto& entry : out)
    if (entry.mode == MountMode::inaccessible) entry.source = inaccessible_file;

  return out;
}

void mangle_mount_options(std::string_view options, unsigned long& flags, std::string& data) {
  struct Flag {
    std::string_view name;
    unsigned long bits;
    bool clear;
  };
  // libmount's MNT_LINUX_MAP, which systemd's mount_option_mangle() uses.
  static constexpr Flag kFlags[] = {
      {"ro", MS_RDONLY, false},         {"rw", MS_RDONLY, true},          {"exec", MS_NOEXEC, true},
      {"noexec", MS_NOEXEC, false},     {"suid", MS_NOSUID, true},        {"nosuid", MS_NOSUID, false},
      {"dev", MS_NODEV, true},          {"nodev", MS_NODEV, false},       {"sync", MS_SYNCHRONOUS, false},
      {"async", MS_SYNCHRONOUS, true},  {"dirsync", MS_DIRSYNC, false},   {"remount", MS_REMOUNT, false},
      {"bind", MS_BIND, false},         {"rbind", MS_BIND | MS_REC, false}, {"silent", MS_SILENT, false},
      {"loud", MS_SILENT, true},        {"mand", MS_MANDLOCK, false},     {"nomand", MS_MANDLOCK, true},
      {"atime", MS_NOATIME, true},      {"noatime", MS_NOATIME, false},   {"iversion", MS_I_VERSION, false},
      {"noiversion", MS_I_VERSION, true}, {"diratime", MS_NODIRATIME, true}, {"nodiratime", MS_NODIRATIME, false},
      {"relatime", MS_RELATIME, false}, {"norelatime", MS_RELATIME, true}, {"strictatime", MS_STRICTATIME, false},
      {"nostrictatime", MS_STRICTATIME, true}, {"lazytime", MS_LAZYTIME, false}, {"nolazytime", MS_LAZYTIME, true},
  };
  while (!options.empty()) {
    const auto comma = options.find(',');
    const std::string_view word = options.substr(0, comma);
    options.remove_prefix(comma == std::string_view::npos ? options.size() : comma + 1);
    if (word.empty()) continue;
    const Flag* flag = std::find_if(std::begin(kFlags), std::end(kFlags), [&](const Flag& f) { return f.name == word; });
    if (flag != std::end(kFlags)) {
      if (flag->clear) flags &= ~flag->bits;
      else flags |= flag->bits;
      continue;
    }
    if (word.size() >= 2 && (word[0] == 'x' || word[0] == 'X') && word[1] == '-') continue;
    if (!data.empty()) data += ',';
    data += word;
  }
}

void reduce_mounts(std::vector<MountEntry>& entries) {
  std::stable_sort(entries.begin(), entries.end(), [](const MountEntry& a, const MountEntry& b) {
    return a.path != b.path ? a.path < b.path : a.mode < b.mode;
  });
  // For one path the first (strongest) stays, read-only if any of them
  // asked for it (drop_duplicates()); nothing below an inaccessible path
  // (drop_inaccessible()).
  std::vector<MountEntry> kept;
  for (auto& entry : entries) {
    if (!kept.empty() && kept.back().path == entry.path) {
      // mount_entry_read_only(): a read-only or inaccessible entry, or one
      // asking for it (BindReadOnlyPaths=, a tmpfs with "ro").
      if (entry.mode == MountMode::read_only || entry.mode == MountMode::inaccessible || entry.read_only)
        kept.back().read_only = true;
      kept.back().noexec = kept.back().noexec || is_noexec(entry);
      kept.back().exec = kept.back().exec || is_exec(entry);
      continue;
    }
    bool hidden = std::any_of(kept.begin(), kept.end(), [&](const MountEntry& k) {
      return k.mode == MountMode::inaccessible && below(entry.path, k.path);
    });
    if (!hidden) kept.push_back(std::move(entry));
  }
  entries = std::move(kept);
}

bool needs_mount_namespace(const ServiceConfig& config) {
  if (config.private_mounts.value_or(false)) return true;
  return config.mount_propagation != 0 && config.mount_propagation != MS_SHARED;
}

int enter_mount_namespace(const ExecMount* mounts, std::size_t count, unsigned long propagation) noexcept {
  if (count > kMaxMountEntries) return -E2BIG;
  // Resolved before anything is mounted, as the host has them.
  std::vector<MountEntry> entries;
  int inaccessible_fd = -1;
  try {
    for (std::size_t i = 0; i < count; ++i) {
      const ExecMount& m = mounts[i];
      MountEntry e{m.path,      m.source ? m.source : "", m.mode,  m.ignore_missing, m.read_only,
                   m.recursive, m.flags,                m.noexec, m.exec};
      char resolved[PATH_MAX];
      if (realpath(m.path, resolved)) e.path = resolved;
      entries.push_back(std::move(e));
    }
    reduce_mounts(entries);
  } catch (...) {
    return -ENOMEM;
  }
  if (unshare(CLONE_NEWNS) < 0) {
    if (errno == EPERM || errno == EACCES || errno == EOPNOTSUPP || errno == ENOSYS) return kNamespaceRefused;
    return -errno;
  }
  const std::size_t n = entries.size();
  // Per entry: the clone of a writable one, or the source of a bind, both
  // taken before anything is mounted (a bind's source may lie below a path
  // that an earlier entry covers, as in tests below /tmp).
  int fds[kMaxMountEntries];
  std::fill(fds, fds + n, -1);
  auto close_all = [&] {
    for (std::size_t i = 0; i < n; ++i)
      if (fds[i] >= 0) close(fds[i]);
    if (inaccessible_fd >= 0) close(inaccessible_fd);
  };
  int r = mount(nullptr, "/", nullptr, MS_SLAVE | MS_REC, nullptr) < 0 ? -errno : 0;
  HostDev host_dev;
  struct HostDevCloser {
    HostDev& dev;
    ~HostDevCloser() { dev.close_all(); }
  } host_dev_closer{host_dev};
  if (r == 0 && std::any_of(entries.begin(), entries.end(),
                            [](const MountEntry& e) { return e.mode == MountMode::private_dev; }))
    host_dev.gather();
  // Opened in this namespace (a mount of another cannot be bound), before
  // anything is mounted: an entry may hide them later (ProtectHome= over a
  // runtime directory below /run/user).
  for (std::size_t i = 0; i < n && r == 0; ++i) {
    const MountEntry& e = entries[i];
    if (e.mode == MountMode::bind) {
      // Any kind of file, its symlinks followed (systemd chases the source).
      fds[i] = open(e.source.c_str(), O_PATH | O_CLOEXEC);
      if (fds[i] < 0 && !(errno == ENOENT && e.ignore_missing)) r = -errno;
    } else if (e.mode == MountMode::inaccessible && !e.source.empty() && inaccessible_fd < 0) {
      inaccessible_fd = open(e.source.c_str(), O_PATH | O_CLOEXEC);
    }
  }
  // Writable entries keep their mounts as they are now: each is cloned
  // before anything is made read-only and put back on top in its turn.
  for (std::size_t i = 0; i < n && r == 0; ++i) {
    const MountEntry& m = entries[i];
    if (m.mode != MountMode::read_write && m.mode != MountMode::read_write_implicit) continue;
    fds[i] = open_tree(AT_FDCWD, m.path.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
    if (fds[i] < 0 && !(errno == ENOENT && m.ignore_missing)) r = -errno;
  }
  for (std::size_t i = 0; i < n && r == 0; ++i) {
    const MountEntry& m = entries[i];
    const char* path = m.path.c_str();
    switch (m.mode) {
      case MountMode::read_only:
      case MountMode::noexec:
      case MountMode::exec:
        // A mount of its own, made read-only (noexec, exec) in the second
        // (third) round. "/" is a
        // mount point already, and one bound over it would not be seen by
        // this process (its root stays the one below).
        if (m.path != "/" && mount(path, path, nullptr, MS_BIND | MS_REC, nullptr) < 0 &&
            (errno != ENOENT || !m.ignore_missing))
          r = -errno;
        break;
      case MountMode::read_write:
      case MountMode::read_write_implicit:
        if (fds[i] < 0) break;
        if (move_mount(fds[i], "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH) == 0) break;
        // Below a tmpfs of the unit's own the path is not there yet: made
        // as a directory is for an exec directory's bind in systemd.
        if (errno == ENOENT && !m.ignore_missing && make_mount_point(path, true) == 0 &&
            move_mount(fds[i], "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH) == 0)
          break;
        if (errno != ENOENT || !m.ignore_missing) r = -errno;
        break;
      case MountMode::inaccessible: {
        // Empty, mode 0 and read-only, as systemd's "inaccessible" nodes:
        // a directory gets such a tmpfs, anything else the manager's empty
        // file of mode 0 bound over it.
        struct stat st {};
        if (stat(path, &st) < 0) {
          if (errno != ENOENT || !m.ignore_missing) r = -errno;
          break;
        }
        if (S_ISDIR(st.st_mode)) {
          if (mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=000") < 0) r = -errno;
          break;
        }
        if (inaccessible_fd < 0) {
          r = -ENOTDIR;  // no node to bind
          break;
        }
        char source[32];
        std::snprintf(source, sizeof source, "/proc/self/fd/%d", inaccessible_fd);
        r = mount(source, path, nullptr, MS_BIND, nullptr) < 0 ? -errno : set_read_only(path, true);
        break;
      }
      case MountMode::private_dev:
        r = mount_private_dev(path, host_dev);
        break;
      case MountMode::procfs: {
        // A new instance in the place of the old (mount_procfs()); a kernel
        // that does not know the options (before 5.8) gets one without
        // them, rather than have them change the host's; where no new one
        // may be made (EPERM), the host's stays, as systemd's fallback.
        const unsigned attributes = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
        r = replace_with_new_instance(path, "proc", m.source.c_str(), attributes);
        if (r == -EINVAL) r = replace_with_new_instance(path, "proc", nullptr, attributes);
        if (r == -EPERM) r = 0;
        break;
      }
      case MountMode::tmpfs:
        // ProtectHome=tmpfs (may be missing; tmpfs's own defaults, 1777, as
        // systemd 252 mounts it) or TemporaryFileSystem= (its mount point
        // made first, as mount_tmpfs() does; its flags and options).
        if (!m.ignore_missing && (r = make_mount_point(path, true)) < 0) break;
        if (mount("tmpfs", path, "tmpfs", m.flags, m.source.empty() ? nullptr : m.source.c_str()) < 0 &&
            (errno != ENOENT || !m.ignore_missing))
          r = -errno;
        break;
      case MountMode::mqueue:
        // mount_mqueuefs(): made if missing; a new instance shows the
        // queues of the IPC namespace the process is in now.
        if ((r = make_mount_point(path, true)) < 0) break;
        if (mount("mqueue", path, "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) < 0) r = -errno;
        break;
      case MountMode::bind: {
        if (fds[i] < 0) break;  // a "-" source that is missing
        char source[32];
        std::snprintf(source, sizeof source, "/proc/self/fd/%d", fds[i]);
        // A destination that is missing is made, a directory or a file as
        // the source is (systemd's make_mount_point_inode_from_stat()).
        struct stat source_stat {};
        if (fstat(fds[i], &source_stat) == 0 && (r = make_mount_point(path, S_ISDIR(source_stat.st_mode))) < 0) break;
        if (mount(source, path, nullptr, MS_BIND | (m.recursive ? MS_REC : 0), nullptr) < 0) r = -errno;
        break;
      }
    }
  }
  // The second round, as systemd 252's apply_mounts(): only now, with
  // everything mounted (a mount point below a read-only path may have had
  // to be made), the read-only ones are flipped, each with what lies below
  // it but for the entries further down, which keep what they asked for.
  // Nothing is ever made writable: what the host has read-only stays so.
  std::string mountinfo;
  try {
    if (r == 0) r = read_text_file("/proc/self/mountinfo", mountinfo);
  } catch (...) {
    r = -ENOMEM;
  }
  for (std::size_t i = 0; i < n && r == 0; ++i) {
    const MountEntry& m = entries[i];
    const bool flip = m.mode == MountMode::read_only ||
                      (m.read_only && (m.mode == MountMode::bind || m.mode == MountMode::tmpfs ||
                                       m.mode == MountMode::procfs || m.mode == MountMode::private_dev ||
                                       m.mode == MountMode::noexec || m.mode == MountMode::exec));
    if (!flip) continue;
    struct stat st {};
    if (lstat(m.path.c_str(), &st) < 0) {
      if (errno != ENOENT || !m.ignore_missing) r = -errno;
      continue;
    }
    // A tmpfs has nothing below it but other entries (make_read_only()).
    try {
      r = m.mode == MountMode::tmpfs
              ? set_read_only_one(m.path.c_str())
              : set_attributes_below(m.path, entries, mountinfo, MOUNT_ATTR_RDONLY, 0);
    } catch (...) {
      r = -ENOMEM;
    }
  }
  // The third round (make_noexec()): noexec where an entry asked for it
  // (NoExecPaths=, inaccessible paths, a new /proc), else exec again where
  // one did (ExecPaths=); a tmpfs by itself, others with what lies below.
  for (std::size_t i = 0; i < n && r == 0; ++i) {
    const MountEntry& m = entries[i];
    const bool noexec = is_noexec(m);
    if (!noexec && !is_exec(m)) continue;
    struct stat st {};
    if (lstat(m.path.c_str(), &st) < 0) {
      if (errno != ENOENT || !m.ignore_missing) r = -errno;
      continue;
    }
    const std::uint64_t set = noexec ? MOUNT_ATTR_NOEXEC : 0, clear = noexec ? 0 : MOUNT_ATTR_NOEXEC;
    try {
      r = m.mode == MountMode::tmpfs ? set_attributes_one(m.path.c_str(), set, clear)
                                     : set_attributes_below(m.path, entries, mountinfo, set, clear);
    } catch (...) {
      r = -ENOMEM;
    }
  }
  close_all();
  if (r < 0) return r;
  // Shared again inside, as systemd's default MountFlags=shared leaves it
  // (or as MountFlags= says).
  return mount(nullptr, "/", nullptr, (propagation != 0 ? propagation : static_cast<unsigned long>(MS_SHARED)) | MS_REC, nullptr) < 0 ? -errno : 0;
}

}  // namespace vermilion
