#include "exec/ipc_cleanup.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "exec/exec_credentials.h"

namespace vermilion {
namespace {

constexpr uid_t kNoUid = static_cast<uid_t>(-1);
constexpr gid_t kNoGid = static_cast<gid_t>(-1);

bool matches(uid_t uid, gid_t gid, uid_t delete_uid, gid_t delete_gid) {
  return (delete_uid != kNoUid && uid == delete_uid) || (delete_gid != kNoGid && gid == delete_gid);
}

// Adds one removal's outcome: systemd keeps the last error, else counts.
void tally(int& result, int r) {
  if (r < 0)
    result = r;
  else if (result >= 0)
    result += r;
}

// One /proc/sysvipc table: each line after the header, parsed by `parse`
// into the object's ID and whether it may go, then `remove`d. An object
// gone meanwhile (EIDRM, EINVAL) is no error.
template <typename Parse, typename Remove>
int clean_table(const std::string& path, Parse parse, Remove remove) {
  FILE* f = std::fopen(path.c_str(), "re");
  if (!f) return errno == ENOENT ? 0 : -errno;
  int result = 0;
  char line[512];
  bool first = true;
  while (std::fgets(line, sizeof line, f)) {
    if (first) {  // the header
      first = false;
      continue;
    }
    int id = -1;
    if (!parse(line, id)) continue;
    if (remove(id) < 0) {
      if (errno != EIDRM && errno != EINVAL) tally(result, -errno);
    } else {
      tally(result, 1);
    }
  }
  std::fclose(f);
  return result;
}

// /dev/shm: files, and directories (after what they hold), owned by the user
// or group; never a symlink followed.
int clean_shm_directory(int dir_fd, uid_t uid, gid_t gid, int depth) {
  DIR* dir = fdopendir(dir_fd);
  if (!dir) {
    close(dir_fd);
    return -errno;
  }
  int result = 0;
  while (dirent* entry = readdir(dir)) {
    const char* name = entry->d_name;
    if (std::strcmp(name, ".") == 0 || std::strcmp(name, "..") == 0) continue;
    struct stat st {};
    if (fstatat(dirfd(dir), name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
      if (errno != ENOENT) tally(result, -errno);
      continue;
    }
    const bool is_dir = S_ISDIR(st.st_mode);
    if (is_dir && depth < 64) {
      int kid = openat(dirfd(dir), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NOATIME);
      if (kid < 0 && errno == EPERM) kid = openat(dirfd(dir), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (kid >= 0)
        tally(result, clean_shm_directory(kid, uid, gid, depth + 1));
      else if (errno != ENOENT)
        tally(result, -errno);
    }
    if (!matches(st.st_uid, st.st_gid, uid, gid)) continue;
    if (unlinkat(dirfd(dir), name, is_dir ? AT_REMOVEDIR : 0) < 0) {
      if (errno != ENOENT) tally(result, -errno);
    } else {
      tally(result, 1);
    }
  }
  closedir(dir);
  return result;
}

int clean_shm(const char* root, uid_t uid, gid_t gid) {
  int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno == ENOENT ? 0 : -errno;
  return clean_shm_directory(fd, uid, gid, 0);
}

// /dev/mqueue: unlinking there is mq_unlink().
int clean_mqueue(const char* root, uid_t uid, gid_t gid) {
  DIR* dir = opendir(root);
  if (!dir) return errno == ENOENT ? 0 : -errno;
  int result = 0;
  while (dirent* entry = readdir(dir)) {
    const char* name = entry->d_name;
    if (std::strcmp(name, ".") == 0 || std::strcmp(name, "..") == 0) continue;
    struct stat st {};
    if (fstatat(dirfd(dir), name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
      if (errno != ENOENT) tally(result, -errno);
      continue;
    }
    if (!matches(st.st_uid, st.st_gid, uid, gid)) continue;
    if (unlinkat(dirfd(dir), name, 0) < 0) {
      if (errno != ENOENT) tally(result, -errno);
    } else {
      tally(result, 1);
    }
  }
  closedir(dir);
  return result;
}

}  // namespace

int clean_ipc(uid_t uid, gid_t gid, const IpcRoots& roots) noexcept {
  if (uid == 0) uid = kNoUid;  // root's are never removed
  if (gid == 0) gid = kNoGid;
  if (uid == kNoUid && gid == kNoGid) return 0;
  const std::string sysvipc = roots.sysvipc;
  int result = 0;
  // The columns of ipc/util.c's sysvipc_*_proc_show(): shm "key shmid perms
  // size cpid lpid nattch uid gid cuid cgid ...", sem "key semid perms nsems
  // uid gid cuid cgid ...", msg "key msqid perms cbytes qnum lspid lrpid uid
  // gid cuid cgid ...".
  tally(result, clean_table(
                    sysvipc + "/shm",
                    [&](const char* line, int& id) {
                      unsigned attached = 0;
                      unsigned owner = 0, group = 0;
                      return std::sscanf(line, "%*s %d %*s %*s %*s %*s %u %u %u", &id, &attached, &owner, &group) == 4 &&
                             attached == 0 && matches(owner, group, uid, gid);
                    },
                    [](int id) { return shmctl(id, IPC_RMID, nullptr); }));
  tally(result, clean_table(
                    sysvipc + "/sem",
                    [&](const char* line, int& id) {
                      unsigned owner = 0, group = 0;
                      return std::sscanf(line, "%*s %d %*s %*s %u %u", &id, &owner, &group) == 3 &&
                             matches(owner, group, uid, gid);
                    },
                    [](int id) { return semctl(id, 0, IPC_RMID); }));
  tally(result, clean_table(
                    sysvipc + "/msg",
                    [&](const char* line, int& id) {
                      unsigned owner = 0, group = 0;
                      return std::sscanf(line, "%*s %d %*s %*s %*s %*s %*s %u %u", &id, &owner, &group) == 3 &&
                             matches(owner, group, uid, gid);
                    },
                    [](int id) { return msgctl(id, IPC_RMID, nullptr); }));
  tally(result, clean_shm(roots.shm, uid, gid));
  tally(result, clean_mqueue(roots.mqueue, uid, gid));
  return result;
}

pid_t clean_ipc_async(const IpcOwner& owner) noexcept {
  if (owner.user.empty() && owner.group.empty()) return 0;
  const pid_t pid = fork();
  if (pid < 0) return 0;
  if (pid > 0) return pid;
  // Nothing of the manager's stays open meanwhile (remove_trees_async()).
  close_range(3, ~0U, 0);
  uid_t uid = kNoUid;
  gid_t gid = kNoGid;
  gid_t primary = kNoGid;
  if (!owner.user.empty() && lookup_user_ids(owner.user, uid, primary) < 0) uid = kNoUid;
  if (owner.group_of_user) {
    uid_t ignored = kNoUid;
    if (!owner.group.empty() && lookup_user_ids(owner.group, ignored, gid) < 0) gid = kNoGid;
  } else if (!owner.group.empty() && lookup_group_id(owner.group, gid) < 0) {
    gid = kNoGid;
  }
  (void)clean_ipc(uid, gid);
  _exit(0);
}

}  // namespace vermilion
