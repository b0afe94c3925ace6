// Removing the System V and POSIX IPC objects a user or group owns
// (RemoveIPC=, systemd.exec(5)), as systemd 252's clean-ipc.c does: System V
// shared memory segments no process has attached, semaphore sets and
// message queues (/proc/sysvipc), POSIX shared memory (/dev/shm, also
// directories below) and message queues (/dev/mqueue). Only objects whose
// owner (not creator) is the user or group go; root's never.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

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
// Objects changed at or after `made_before` (realtime seconds; 0: none
// spared) stay.
int clean_ipc(uid_t uid, gid_t gid, const IpcRoots& roots = {}, std::int64_t made_before = 0) noexcept;

// Whose objects a cleanup removes, named as the unit names them (resolved
// in the cleaning process): `user` is User= ("" none); `group` is Group=,
// or with `group_of_user` the primary group of the user it names ("" none).
// The identities other running units still hold are named too: a user or
// group that one of them resolves to as well is left alone (two names, or
// a name and a number, for one UID).
struct IpcOwner {
  std::string user{};
  std::string group{};
  bool group_of_user = false;
  std::vector<std::string> users_in_use{}, groups_in_use{}, primary_groups_in_use{};  // the last: of users
  // Only what existed when the last run ended goes (realtime seconds: the
  // change time /proc/sysvipc and stat() give), not what a run started
  // meanwhile has made. 0: everything.
  std::int64_t made_before = 0;
  friend bool operator==(const IpcOwner&, const IpcOwner&) = default;
};

// The UID and GID whose objects `owner` names ((uid_t)-1, (gid_t)-1: none):
// its names resolved (NSS, so only in a process of its own), less what an
// identity in use resolves to as well.
void resolve_ipc_owner(const IpcOwner& owner, uid_t& uid, gid_t& gid);

// Resolves `owner` (NSS) and cleans, in a forked process, so that neither a
// slow name service nor a large /dev/shm holds the caller up; the process
// ends after 30 s whatever it is waiting for. That process's PID for the
// caller to reap; 0 when none was forked (nothing to do, or no process to
// spare: then nothing is removed).
[[nodiscard]] pid_t clean_ipc_async(const IpcOwner& owner) noexcept;

}  // namespace vermilion
