// PrivateUsers= (systemd.exec(5)): the process gets a user namespace of its
// own in which only the manager's IDs and the service's IDs are mapped (to
// themselves) and every other one shows as nobody; setgroups(2) is denied
// in it. As systemd 252's setup_private_users() (src/core/execute.c): a
// map can only be written from outside the namespace, so a helper forked
// beforehand writes it once the process has unshared.
#pragma once

#include <sys/types.h>

namespace vermilion {

// In a forked child: unshare(CLONE_NEWUSER) with uid_map "OUID OUID 1" plus
// "UID UID 1" when UID differs (gid_map likewise), setgroups "deny".
// `original_uid`/`original_gid` are the manager's, `uid`/`gid` the
// service's (User=/Group=, or the manager's). 0 or -errno (from the
// unshare, or the helper's write: -EPERM where the kernel refuses user
// namespaces). Async-signal-safe.
[[nodiscard]] int set_up_private_users(uid_t original_uid, gid_t original_gid, uid_t uid, gid_t gid) noexcept;

}  // namespace vermilion
