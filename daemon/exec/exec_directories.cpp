#include "exec/exec_directories.h"

#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cerrno>
#include <string_view>

namespace vermilion {
namespace {

bool is_safe_relative_path(const std::string& path) {
  if (path.empty() || path[0] == '/') return false;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    std::string_view part(path.data() + start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = end + 1;
  }
  return true;
}

// nftw() has no context argument; the child is single-threaded.
uid_t g_owner_uid;
gid_t g_owner_gid;
int g_chown_errno;

int chown_entry(const char* path, const struct stat* st, int, FTW*) {
  if (st->st_uid == g_owner_uid && st->st_gid == g_owner_gid) return 0;
  if (lchown(path, g_owner_uid, g_owner_gid) < 0) {
    g_chown_errno = errno;
    return 1;  // stop the walk
  }
  // chown clears setuid/setgid on files: give a directory its bits back.
  if (S_ISDIR(st->st_mode) && (st->st_mode & 07000) != 0) (void)chmod(path, st->st_mode & 07777);
  return 0;
}

// mkdir -p for the parents of path, 0755 each (systemd's mkdir_parents_label()).
int make_parents(const std::string& path) {
  for (std::size_t slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1)) {
    std::string parent = path.substr(0, slash);
    if (mkdir(parent.c_str(), 0755) < 0 && errno != EEXIST) return -errno;
  }
  return 0;
}

}  // namespace

ExecDirectoryRoots system_exec_directory_roots() {
  return {"/run", "/var/lib", "/var/cache", "/var/log", "/etc"};
}

ExecDirectoryRoots user_exec_directory_roots(const std::string& runtime_dir, const std::string& config_home,
                                             const std::string& cache_home) {
  // systemd 252 keeps state and logs below $XDG_CONFIG_HOME (later versions
  // moved them to $XDG_STATE_HOME); measured with systemd --user 252.
  return {runtime_dir, config_home, cache_home, config_home.empty() ? std::string() : config_home + "/log",
          config_home};
}

const char* exec_directory_variable(ExecDirectoryType type) {
  switch (type) {
    case ExecDirectoryType::runtime: return "RUNTIME_DIRECTORY";
    case ExecDirectoryType::state: return "STATE_DIRECTORY";
    case ExecDirectoryType::cache: return "CACHE_DIRECTORY";
    case ExecDirectoryType::logs: return "LOGS_DIRECTORY";
    case ExecDirectoryType::configuration: return "CONFIGURATION_DIRECTORY";
  }
  return "";
}

ExecExitStatus exec_directory_exit_status(ExecDirectoryType type) {
  switch (type) {
    case ExecDirectoryType::runtime: return ExecExitStatus::runtime_directory;
    case ExecDirectoryType::state: return ExecExitStatus::state_directory;
    case ExecDirectoryType::cache: return ExecExitStatus::cache_directory;
    case ExecDirectoryType::logs: return ExecExitStatus::logs_directory;
    case ExecDirectoryType::configuration: return ExecExitStatus::configuration_directory;
  }
  return ExecExitStatus::runtime_directory;
}

int exec_directory_paths(const ServiceConfig& config, ExecDirectoryType type, const ExecDirectoryRoots& roots,
                         std::vector<std::string>& out) {
  const std::string& root = roots[static_cast<std::size_t>(type)];
  std::vector<std::string> paths;
  for (const auto& name : config.directory(type).names) {
    if (!is_safe_relative_path(name) || root.empty()) return -EINVAL;
    paths.push_back(root + "/" + name);
  }
  out = std::move(paths);
  return 0;
}

int exec_directory_symlinks(const ServiceConfig& config, ExecDirectoryType type, const ExecDirectoryRoots& roots,
                            std::vector<ExecDirectorySymlink>& out) {
  const std::string& root = roots[static_cast<std::size_t>(type)];
  std::vector<ExecDirectorySymlink> links;
  for (const auto& [name, names] : config.directory(type).symlinks) {
    for (const auto& link : names) {
      if (root.empty() || !is_safe_relative_path(name) || !is_safe_relative_path(link)) return -EINVAL;
      links.push_back({root + "/" + link, root + "/" + name});
    }
  }
  out = std::move(links);
  return 0;
}

// systemd's path_make_relative(dirname(link), target), both absolute and
// normalized: "../../a/b".
std::string exec_directory_symlink_target(const std::string& link, const std::string& target) {
  std::string from = link.substr(0, link.rfind('/'));
  auto parts = [](const std::string& path) {
    std::vector<std::string_view> out;
    std::string_view rest(path);
    while (!rest.empty()) {
      auto slash = rest.find('/');
      std::string_view part = rest.substr(0, slash);
      if (!part.empty()) out.push_back(part);
      if (slash == std::string_view::npos) break;
      rest.remove_prefix(slash + 1);
    }
    return out;
  };
  auto a = parts(from), b = parts(target);
  std::size_t common = 0;
  while (common < a.size() && common < b.size() && a[common] == b[common]) ++common;
  std::string out;
  for (std::size_t i = common; i < a.size(); ++i) out += out.empty() ? ".." : "/..";
  for (std::size_t i = common; i < b.size(); ++i) {
    if (!out.empty()) out += '/';
    out += b[i];
  }
  return out.empty() ? "." : out;
}

int set_up_exec_directory_symlink(const ExecDirectorySymlink& symlink, std::string& what) {
  if (int r = make_parents(symlink.link); r < 0) {
    what = "create the parent directories of " + symlink.link;
    return r;
  }
  std::string target = exec_directory_symlink_target(symlink.link, symlink.target);
  if (::symlink(target.c_str(), symlink.link.c_str()) == 0) return 0;
  // symlink_idempotent(): the same link already there is fine.
  int error = errno;
  what = "link " + symlink.link + " to " + symlink.target;
  if (error != EEXIST) return -error;
  char existing[PATH_MAX];
  ssize_t n = readlink(symlink.link.c_str(), existing, sizeof existing - 1);
  if (n < 0) return errno == EINVAL ? -EEXIST : -errno;
  return std::string_view(existing, static_cast<std::size_t>(n)) == target ? 0 : -EEXIST;
}

int set_up_exec_directory(const std::string& path, ExecDirectoryType type, mode_t mode, uid_t owner_uid,
                          gid_t owner_gid, std::string& what) {
  if (int r = make_parents(path); r < 0) {
    what = "create the parent directories of " + path;
    return r;
  }
  if (mkdir(path.c_str(), mode) < 0) {
    if (errno != EEXIST) {
      what = "create " + path;
      return -errno;
    }
    // An existing configuration directory is the administrator's: its mode
    // and owner stay (systemd only warns when the mode differs).
    if (type == ExecDirectoryType::configuration) return 0;
  }
  struct stat st {};
  if (lstat(path.c_str(), &st) < 0) {
    what = "look at " + path;
    return -errno;
  }
  if (!S_ISDIR(st.st_mode)) {  // never follow a planted symlink
    what = "use " + path;
    return -ENOTDIR;
  }
  // systemd's path_chown_recursive() shortcut: a top-level directory that
  // already has its owner stands for the whole tree, so a large
  // StateDirectory= is not walked at every start.
  bool owned = st.st_uid == owner_uid && st.st_gid == owner_gid;
  if (owner_uid != static_cast<uid_t>(-1) && !owned) {
    g_owner_uid = owner_uid;
    g_owner_gid = owner_gid;
    g_chown_errno = 0;
    // FTW_PHYS: symlinks inside are given away, never followed.
    if (nftw(path.c_str(), chown_entry, 16, FTW_PHYS | FTW_MOUNT) != 0) {
      what = "give " + path + " to User=";
      return g_chown_errno ? -g_chown_errno : -EIO;
    }
  }
  // The mode exactly, after any chown (which may clear setgid).
  if (chmod(path.c_str(), mode) < 0) {
    what = "set the mode of " + path;
    return -errno;
  }
  return 0;
}

}  // namespace vermilion
