#include "exec/session_keyring.h"

#include <linux/keyctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace vermilion {
namespace {

// No libkeyutils: three system calls.
long keyctl(int operation, unsigned long a, unsigned long b = 0) noexcept {
  return syscall(SYS_keyctl, operation, a, b, 0UL, 0UL);
}

long add_key(const char* type, const char* description, const void* payload, std::size_t length,
             std::int32_t keyring) noexcept {
  return syscall(SYS_add_key, type, description, payload, length, keyring);
}

// The key's permissions as setup_keyring() sets them: its possessor and
// its user may view, read and search it (keyutils.h's KEY_POS_VIEW |
// KEY_POS_READ | KEY_POS_SEARCH | KEY_USR_VIEW | KEY_USR_READ |
// KEY_USR_SEARCH; the kernel's headers do not name them).
constexpr unsigned long kInvocationIdPermissions = 0x0b0b0000;

int join_and_fill(KeyringMode mode) noexcept {
  if (keyctl(KEYCTL_JOIN_SESSION_KEYRING, 0) < 0) {
    const int error = errno;
    if (error == ENOSYS || error == EACCES || error == EPERM || error == EDQUOT) return 1;  // none here
    return -error;
  }
  if (mode == KeyringMode::shared &&
      keyctl(KEYCTL_LINK, static_cast<unsigned long>(KEY_SPEC_USER_KEYRING),
             static_cast<unsigned long>(KEY_SPEC_SESSION_KEYRING)) < 0)
    return -errno;
  return 0;
}

}  // namespace

int set_up_session_keyring(KeyringMode mode, uid_t uid, gid_t gid, const std::uint8_t* invocation_id) noexcept {
  if (mode == KeyringMode::inherit) return 0;
  // The keyring belongs to whoever makes it: made as User= (real IDs
  // only, so that we stay privileged), then back.
  const uid_t saved_uid = getuid();
  const gid_t saved_gid = getgid();
  int r = 0;
  if (gid != static_cast<gid_t>(-1) && gid != saved_gid && setregid(gid, static_cast<gid_t>(-1)) < 0) return -errno;
  if (uid != static_cast<uid_t>(-1) && uid != saved_uid && setreuid(uid, static_cast<uid_t>(-1)) < 0) r = -errno;
  if (r == 0) r = join_and_fill(mode);
  if (getuid() != saved_uid && setreuid(saved_uid, static_cast<uid_t>(-1)) < 0 && r >= 0) r = -errno;
  if (getgid() != saved_gid && setregid(saved_gid, static_cast<gid_t>(-1)) < 0 && r >= 0) r = -errno;
  if (r != 0) return r < 0 ? r : 0;
  if (invocation_id) {
    // A failure to add it is not one of the service's (systemd logs it at debug).
    const long key = add_key("user", "invocation_id", invocation_id, 16, KEY_SPEC_SESSION_KEYRING);
    if (key >= 0 && keyctl(KEYCTL_SETPERM, static_cast<unsigned long>(key), kInvocationIdPermissions) < 0)
      return -errno;
  }
  return 0;
}

}  // namespace vermilion
