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
#include "platform/helper_process.h"

namespace vermilion {
namespace {

constexpr uid_t kNoUid = static_cast<uid_t>(-1);
constexpr gid_t kNoGid = static_cast<gid_t>(-1);

bool matches(uid_t uid, gid_t gid, uid_t delete_uid, gid_t delete_gid) {
  return (delete_uid != kNoUid && uid == delete_uid) || (delete_gid != kNoGid && gid == delete_gid);
}

// /dev/shm's directories deeper than this are not entered.
constexpr int kMaxShmDepth = 64;

bool old_enough(long long changed, std::int64_t made_before) { return made_before == 0 || changed < made_before; }

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

// /dev/shm (and /dev/mqueue): files, and directories (after what they hold), owned by the user
// or group; never a symlink followed.
int clean_directory(int dir_fd, uid_t uid, gid_t gid, std::int64_t made_before, int depth) {
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
    if (is_dir && depth < kMaxShmDepth) {
      int kid = openat(dirfd(dir), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NOATIME);
      if (kid < 0 && errno == EPERM) kid = openat(dirfd(dir), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (kid >= 0)
        tally(result, clean_directory(kid, uid, gid, made_before, depth + 1));
      else if (errno != ENOENT)
        tally(result, -errno);
    }
    if (!matches(st.st_uid, st.st_gid, uid, gid) || !old_enough(st.st_ctim.tv_sec, made_before)) continue;
    if (unlinkat(dirfd(dir), name, is_dir ? AT_REMOVEDIR : 0) < 0) {
      if (errno != ENOENT) tally(result, -errno);
    } else {
      tally(result, 1);
    }
  }
  closedir(dir);
  return result;
}

int clean_shm(const char* root, uid_t uid, gid_t gid, std::int64_t made_before) {
  int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno == ENOENT ? 0 : -errno;
  return clean_directory(fd, uid, gid, made_before, 0);
}

// /dev/mqueue: no directories there; unlinking is mq_unlink().
int clean_mqueue(const char* root, uid_t uid, gid_t gid, std::int64_t made_before) {
  int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno == ENOENT ? 0 : -errno;
  return clean_directory(fd, uid, gid, made_before, kMaxShmDepth);
}

}  // namespace

int clean_ipc(uid_t uid, gid_t gid, const IpcRoots& roots, std::int64_t made_before) noexcept {
  if (uid == 0) uid = kNoUid;  // root's are never removed
  if (gid == 0) gid = kNoGid;
  if (uid == kNoUid && gid == kNoGid) return 0;
  const std::string sysvipc = roots.sysvipc;
  int result = 0;
  // The columns of the kernel's sysvipc_*_proc_show(): shm "key shmid perms
  // size cpid lpid nattch uid gid cuid cgid atime dtime ctime ...", sem "key
  // semid perms nsems uid gid cuid cgid otime ctime", msg "key msqid perms
  // cbytes qnum lspid lrpid uid gid cuid cgid stime rtime ctime".
  tally(result, clean_table(
                    sysvipc + "/shm",
                    [&](const char* line, int& id) {
                      unsigned attached = 0;
                      unsigned owner = 0, group = 0;
                      long long changed = 0;
                      return std::sscanf(line, "%*s %d %*s %*s %*s %*s %u %u %u %*s %*s %*s %*s %lld", &id, &attached,
                                         &owner, &group, &changed) == 5 &&
                             attached == 0 && matches(owner, group, uid, gid) && old_enough(changed, made_before);
                    },
                    [](int id) { return shmctl(id, IPC_RMID, nullptr); }));
  tally(result, clean_table(
                    sysvipc + "/sem",
                    [&](const char* line, int& id) {
                      unsigned owner = 0, group = 0;
                      long long changed = 0;
                      return std::sscanf(line, "%*s %d %*s %*s %u %u %*s %*s %*s %lld", &id, &owner, &group,
                                         &changed) == 4 &&
                             matches(owner, group, uid, gid) && old_enough(changed, made_before);
                    },
                    [](int id) { return semctl(id, 0, IPC_RMID); }));
  tally(result, clean_table(
                    sysvipc + "/msg",
                    [&](const char* line, int& id) {
                      unsigned owner = 0, group = 0;
                      long long changed = 0;
                      return std::sscanf(line, "%*s %d %*s %*s %*s %*s %*s %u %u %*s %*s %*s %*s %lld", &id, &owner,
                                         &group, &changed) == 4 &&
                             matches(owner, group, uid, gid) && old_enough(changed, made_before);
                    },
                    [](int id) { return msgctl(id, IPC_RMID, nullptr); }));
  tally(result, clean_shm(roots.shm, uid, gid, made_before));
  tally(result, clean_mqueue(roots.mqueue, uid, gid, made_before));
  return result;
}

void resolve_ipc_owner(const IpcOwner& owner, uid_t& uid, gid_t& gid) {
  auto user_ids = [](const std::string& name, uid_t& found_uid, gid_t& found_gid) {
    if (lookup_user_ids(name, found_uid, found_gid) < 0) found_uid = kNoUid, found_gid = kNoGid;
  };
  uid = kNoUid;
  gid = kNoGid;
  gid_t primary = kNoGid;
  if (!owner.user.empty()) user_ids(owner.user, uid, primary);
  if (owner.group_of_user) {
    uid_t ignored = kNoUid;
    if (!owner.group.empty()) user_ids(owner.group, ignored, gid);
  } else if (!owner.group.empty() && lookup_group_id(owner.group, gid) < 0) {
    gid = kNoGid;
  }
  // What another running unit still is, under another name, stays.
  for (const auto& name : owner.users_in_use) {
    uid_t other = kNoUid;
    gid_t ignored = kNoGid;
    user_ids(name, other, ignored);
    if (other == uid) uid = kNoUid;
  }
  for (const auto& name : owner.primary_groups_in_use) {
    uid_t ignored = kNoUid;
    gid_t other = kNoGid;
    user_ids(name, ignored, other);
    if (other == gid) gid = kNoGid;
  }
  for (const auto& name : owner.groups_in_use) {
    gid_t other = kNoGid;
    if (lookup_group_id(name, other) == 0 && other == gid) gid = kNoGid;
  }
}

pid_t clean_ipc_async(const IpcOwner& owner) noexcept {
  if (owner.user.empty() && owner.group.empty()) return 0;
  // A name service that never answers ends the process.
  const pid_t pid = fork_helper(30);
  if (pid < 0) return 0;
  if (pid > 0) return pid;
  uid_t uid = kNoUid;
  gid_t gid = kNoGid;
  resolve_ipc_owner(owner, uid, gid);
  (void)clean_ipc(uid, gid, IpcRoots{}, owner.made_before);
  _exit(0);
}

}  // namespace vermilion
