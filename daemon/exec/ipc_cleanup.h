// Removing the System V and POSIX IPC objects a user or group owns
// (RemoveIPC=, systemd.exec(5)), as systemd 252's clean-ipc.c does: System V
// shared memory segments no process has attached, semaphore sets and
// message queues (/proc/sysvipc), POSIX shared memory (/dev/shm, also
// directories below) and message queues (/dev/mqueue). Only objects whose
// owner (not creator) is the user or group go; root's never.
#pragma once

#include <sys/types.h>

#include <string>

namespace vermilion {

// Where the objects are listed; tests name their own (the System V ones
// still are the calling process's IPC namespace's).
struct IpcRoots {
  const char* sysvipc = "/proc/sysvipc";
  const char* shm = "/dev/shm";
  const char* mqueue = "/dev/mqueue";
};

// clean_ipc_internal(uid, gid, rm = true): removes what `uid` or `gid` owns
// ((uid_t)-1, (gid_t)-1, and 0: none). How many objects went, or the last
// -errno met (the others are still tried).
int clean_ipc(uid_t uid, gid_t gid, const IpcRoots& roots = {}) noexcept;

// Whose objects a cleanup removes, named as the unit names them (resolved
// in the cleaning process): `user` is User= ("" none); `group` is Group=,
// or with `group_of_user` the primary group of the user it names ("" none).
struct IpcOwner {
  std::string user;
  std::string group;
  bool group_of_user = false;
  friend bool operator==(const IpcOwner&, const IpcOwner&) = default;
};

// Resolves `owner` (NSS) and cleans, in a forked process, so that neither a
// slow name service nor a large /dev/shm holds the caller up. That
// process's PID for the caller to reap; 0 when none was forked (nothing
// to do, or no process to spare: then nothing is removed).
[[nodiscard]] pid_t clean_ipc_async(const IpcOwner& owner) noexcept;

}  // namespace vermilion
