#include "exec/credential_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "common/unique_fd.h"
#include "platform/remove_tree.h"
#include "units/credential_name.h"

namespace vermilion {
namespace {

// Mount flags of the store (systemd's setup_credentials_internal()).
constexpr unsigned long kStoreFlags = MS_NODEV | MS_NOEXEC | MS_NOSUID;

bool is_privilege_error(int error) {
  return error == EPERM || error == EACCES || error == ENOSYS || error == EOPNOTSUPP || error == ENODEV;
}

// Everything `fd` gives, at most `max` bytes: -E2BIG beyond
// (READ_FULL_FILE_FAIL_WHEN_LARGER).
int read_all(int fd, std::size_t max, std::string& out) {
  out.clear();
  char buffer[16384];
  for (;;) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    if (n == 0) return 0;
    if (out.size() + static_cast<std::size_t>(n) > max) return -E2BIG;
    out.append(buffer, static_cast<std::size_t>(n));
  }
}

std::uint64_t random_u64() {
  std::uint64_t value = 0;
  if (getrandom(&value, sizeof value, GRND_NONBLOCK) != static_cast<ssize_t>(sizeof value))
    value = static_cast<std::uint64_t>(getpid()) ^ static_cast<std::uint64_t>(std::time(nullptr));
  return value;
}

// An AF_UNIX stream socket at `path`: connected from the abstract address
// "@<random>/unit/<unit>/<id>" (so that its server can tell who asks and
// for what), our side shut for writing, its answer read to the end.
int read_from_socket(const std::string& path, const std::string& unit, const std::string& id, std::string& out) {
  unique_fd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return -errno;
  sockaddr_un local{};
  local.sun_family = AF_UNIX;
  char name[sizeof local.sun_path];
  const int length = std::snprintf(name, sizeof name, "%" PRIx64 "/unit/%s/%s", random_u64(), unit.c_str(), id.c_str());
  if (length < 0 || static_cast<std::size_t>(length) + 1 > sizeof local.sun_path) return -ENAMETOOLONG;
  std::memcpy(local.sun_path + 1, name, static_cast<std::size_t>(length));  // sun_path[0] = 0: abstract
  if (bind(fd.get(), reinterpret_cast<sockaddr*>(&local),
           static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + static_cast<std::size_t>(length))) < 0)
    return -errno;
  sockaddr_un remote{};
  remote.sun_family = AF_UNIX;
  if (path.size() >= sizeof remote.sun_path) return -ENAMETOOLONG;
  std::memcpy(remote.sun_path, path.c_str(), path.size() + 1);
  if (connect(fd.get(), reinterpret_cast<sockaddr*>(&remote), sizeof remote) < 0) return -errno;
  if (shutdown(fd.get(), SHUT_WR) < 0) return -errno;
  return read_all(fd.get(), kCredentialSizeMax, out);
}

// read_full_file_full(..., READ_FULL_FILE_CONNECT_SOCKET when `socket_ok`).
int read_source(const std::string& path, bool socket_ok, const std::string& unit, const std::string& id,
                std::string& out) {
  unique_fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (!fd) {
    if (errno == ENXIO && socket_ok) return read_from_socket(path, unit, id, out);
    return -errno;
  }
  return read_all(fd.get(), kCredentialSizeMax, out);
}

// A regular file `name` in the directory `dir_fd`, as it was listed: no
// symlink followed, no FIFO waited for (swapped in meanwhile: -ELOOP,
// -EBADFD; gone: -ENOENT).
int read_listed_file(int dir_fd, const char* name, std::string& out) {
  unique_fd fd(openat(dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK));
  if (!fd) return -errno;
  struct stat st {};
  if (fstat(fd.get(), &st) < 0) return -errno;
  if (!S_ISREG(st.st_mode)) return -EBADFD;
  return read_all(fd.get(), kCredentialSizeMax, out);
}

class StoreWriter {
 public:
  StoreWriter(const CredentialStoreRequest& request, int dir_fd, bool mounted, std::string& what)
      : request_(request), dir_fd_(dir_fd), mounted_(mounted), what_(what) {}

  bool exists(const std::string& id) const { return faccessat(dir_fd_, id.c_str(), F_OK, AT_SYMLINK_NOFOLLOW) == 0; }

  // systemd's write_credential(): a new file ".#cred<random>", 0400,
  // renamed into place (removed again on failure). Handed to User= at once:
  // the store is root's 0700 until everything is written.
  int write(const std::string& id, const std::string& data) {
    const std::size_t cost = id.size() + data.size();
    if (cost > left_) return fail(-E2BIG, "fit credential " + id + " within " + std::to_string(kCredentialsTotalSizeMax) + " bytes");
    left_ -= cost;
    char temporary[32];
    std::snprintf(temporary, sizeof temporary, ".#cred%016" PRIx64, random_u64());
    unique_fd fd(openat(dir_fd_, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd) return fail(-errno, "create credential " + id);
    int r = 0;
    for (std::size_t done = 0; done < data.size() && r == 0;) {
      const ssize_t n = ::write(fd.get(), data.data() + done, data.size() - done);
      if (n < 0 && errno != EINTR) r = fail(-errno, "write credential " + id);
      if (n == 0) r = fail(-EIO, "write credential " + id);  // never for a file, but no endless loop
      if (n > 0) done += static_cast<std::size_t>(n);
    }
    if (r == 0 && fchmod(fd.get(), 0400) < 0) r = fail(-errno, "set the mode of credential " + id);
    if (r == 0 && (r = hand_over(fd.get())) < 0) r = fail(r, "give credential " + id + " to its user");
    if (r == 0 && renameat(dir_fd_, temporary, dir_fd_, id.c_str()) < 0) r = fail(-errno, "place credential " + id);
    if (r < 0) (void)unlinkat(dir_fd_, temporary, 0);
    return r;
  }

  // To User= where it is not us: by chown on our own mount, which is
  // read-only afterwards (systemd tries an ACL first; either lets it read).
  int hand_over(int fd) const {
    const uid_t owner = request_.owner;
    if (owner == static_cast<uid_t>(-1) || owner == getuid()) return 0;
    if (!mounted_) return -EPERM;
    return fchown(fd, owner, static_cast<gid_t>(-1)) < 0 ? -errno : 0;
  }

  int fail(int r, std::string step) {
    what_ = std::move(step);
    return r;
  }

  // A directory source: each regular file or socket below it (sorted,
  // dot-files skipped), as "<id>_<sub>_<file>"; an ID already there stays.
  int load_directory(int fd, const std::string& prefix, const std::string& prefix_path, int depth) {
    DIR* dir = fdopendir(fd);
    if (!dir) {
      const int error = errno;
      close(fd);
      return fail(-error, "read the directory of credential " + prefix);
    }
    std::vector<std::string> names;
    while (dirent* entry = readdir(dir))
      if (entry->d_name[0] != '.') names.emplace_back(entry->d_name);
    std::sort(names.begin(), names.end());
    int r = 0;
    for (const auto& name : names) {
      struct stat st {};
      if (fstatat(dirfd(dir), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) continue;
      const std::string id = prefix + "_" + name;
      if (S_ISDIR(st.st_mode)) {
        if (depth >= 64) {
          r = fail(-ELOOP, "read the directory of credential " + id + " (more than 64 levels deep)");
          break;
        }
        int sub = openat(dirfd(dir), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sub < 0) {
          r = fail(-errno, "open the directory of credential " + id);
          break;
        }
        if ((r = load_directory(sub, id, prefix_path + "/" + name, depth + 1)) < 0) break;
        continue;
      }
      if (!S_ISREG(st.st_mode) && !S_ISSOCK(st.st_mode)) continue;
      if (!is_valid_credential_name(id)) {
        r = fail(-EINVAL, "name credential " + id + " (not a valid credential name)");
        break;
      }
      if (exists(id)) continue;
      std::string data;
      r = S_ISSOCK(st.st_mode) ? read_from_socket(prefix_path + "/" + name, request_.config->name, id, data)
                               : read_listed_file(dirfd(dir), name.c_str(), data);
      if (r == -ENOENT || r == -ELOOP || r == -EBADFD) {  // gone or swapped since it was listed
        r = 0;
        continue;
      }
      if (r < 0) {
        r = fail(r, "read credential " + id);
        break;
      }
      if ((r = write(id, data)) < 0) break;
    }
    closedir(dir);
    return r;
  }

  int load(const LoadCredential& credential) {
    const ServiceConfig& config = *request_.config;
    const bool fallback = std::any_of(config.set_credentials.begin(), config.set_credentials.end(),
                                      [&](const SetCredential& s) { return s.id == credential.id; });
    std::string data;
    int r = -ENOENT;
    bool missing_ok = false;
    if (credential.path.starts_with('/')) {
      int dir = open(credential.path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (dir >= 0) return load_directory(dir, credential.id, credential.path, 0);
      if (errno != ENOTDIR && errno != ENOENT) return fail(-errno, "open " + credential.path);
      r = read_source(credential.path, true, config.name, credential.id, data);
    } else {
      missing_ok = true;  // the manager's, passed on if it has one
      for (const auto& store : request_.search_path) {
        r = read_source(store + "/" + credential.path, false, config.name, credential.id, data);
        if (r != -ENOENT) break;
      }
    }
    if (r == -ENOENT && (missing_ok || fallback)) return 0;
    if (r < 0) return fail(r, "read credential " + credential.id + " from " + credential.path);
    return write(credential.id, data);
  }

 private:
  const CredentialStoreRequest& request_;
  int dir_fd_;
  bool mounted_;
  std::string& what_;
  std::size_t left_ = kCredentialsTotalSizeMax;
};

bool is_mount_point(const std::string& path, const std::string& parent) {
  struct stat st {}, up {};
  return stat(path.c_str(), &st) == 0 && stat(parent.c_str(), &up) == 0 && st.st_dev != up.st_dev;
}

}  // namespace

std::vector<std::string> default_credential_stores() {
  return {"/etc/credstore", "/run/credstore", "/usr/local/lib/credstore", "/usr/lib/credstore"};
}

std::string credential_store_directory(const std::string& runtime_root, const std::string& unit) {
  return runtime_root + "/credentials/" + unit;
}

namespace {

// The store as described in the header; the umask is 0 throughout.
int write_store(const CredentialStoreRequest& request, std::string& what) {
  const ServiceConfig& config = *request.config;
  const std::string& final_path = request.directory;
  const std::string parent = final_path.substr(0, final_path.rfind('/'));
  if (mkdir(parent.c_str(), 0755) < 0 && errno != EEXIST) {
    what = "create " + parent;
    return -errno;
  }
  if (mkdir(final_path.c_str(), 0700) < 0 && errno != EEXIST) {
    what = "create " + final_path;
    return -errno;
  }
  // Our own file system where we may mount: root's 0700 while it is
  // written, read-only before User= gets it. A store an earlier command of
  // this start wrote is replaced by a fresh one (what still uses it keeps
  // it), never made writable again where User= could reach it. Made here,
  // before the command's own namespaces, so that it is the manager's.
  if (is_mount_point(final_path, parent)) (void)umount2(final_path.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW);
  bool mounted = false;
  if (mount("ramfs", final_path.c_str(), "ramfs", kStoreFlags, "mode=0700") == 0 ||
      mount("tmpfs", final_path.c_str(), "tmpfs", kStoreFlags, "mode=0700,nr_inodes=1024,size=1048576") == 0) {
    mounted = true;
  } else if (!is_privilege_error(errno)) {
    what = "mount a file system on " + final_path;
    return -errno;
  }

  unique_fd dir(open(final_path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!dir) {
    what = "open " + final_path;
    return -errno;
  }
  // Writable again where an earlier command of this start left it 0500.
  if (fchmod(dir.get(), 0700) < 0) {
    what = "make " + final_path + " writable";
    return -errno;
  }
  StoreWriter writer(request, dir.get(), mounted, what);
  for (const auto& credential : config.load_credentials)
    if (int r = writer.load(credential); r < 0) return r;
  // SetCredential= fills in what no LoadCredential= found.
  for (const auto& credential : config.set_credentials) {
    if (writer.exists(credential.id)) continue;
    if (int r = writer.write(credential.id, credential.data); r < 0) return r;
  }
  if (fchmod(dir.get(), 0500) < 0) {
    what = "set the mode of " + final_path;
    return -errno;
  }
  if (!mounted) {
    (void)chmod(parent.c_str(), 0755);
    if (int r = writer.hand_over(dir.get()); r < 0) {
      what = "give " + final_path + " to its user";
      return r;
    }
    return 0;
  }
  // Read-only first, then handed over through a detached, writable clone
  // of the same file system that nobody else can reach.
  unique_fd clone(open_tree(AT_FDCWD, final_path.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC));
  if (!clone) {
    what = "clone the mount of " + final_path;
    return -errno;
  }
  if (mount(nullptr, final_path.c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY | kStoreFlags, nullptr) < 0) {
    what = "make " + final_path + " read-only";
    return -errno;
  }
  const uid_t owner = request.owner;
  if (owner != static_cast<uid_t>(-1) && owner != getuid() &&
      fchownat(clone.get(), "", owner, static_cast<gid_t>(-1), AT_EMPTY_PATH) < 0) {
    what = "give " + final_path + " to its user";
    return -errno;
  }
  return 0;
}

}  // namespace

int set_up_credential_store(const CredentialStoreRequest& request, std::string& what) {
  if (!request.config->has_credentials()) return 0;
  // The modes are the store's, not UMask='s (systemd sets the umask later).
  const mode_t umask_before = umask(0);
  const int r = write_store(request, what);
  umask(umask_before);
  return r;
}

void remove_credential_store(const std::string& directory) {
  (void)umount2(directory.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW);
  // 0500 keeps even its owner from removing what it holds (REMOVE_CHMOD).
  (void)chmod(directory.c_str(), 0700);
  remove_tree(directory);
}

}  // namespace vermilion
