// KeyringMode= (systemd.exec(5); systemd 252's setup_keyring()): each
// process of a service joins a new, anonymous session keyring of its own,
// owned by User=, holding the run's invocation ID as the "user" key
// "invocation_id" (readable by the service, as sd_id128_get_invocation()
// expects); with "shared" the user keyring of User= is linked into it.
#pragma once

#include <sys/types.h>

#include <cstdint>

#include "units/unit_config.h"

namespace vermilion {

// In the child, before privileges are dropped. `uid`/`gid` (uid_t(-1): the
// caller's own) own the keyring; `invocation_id` is 16 bytes or null.
// KeyringMode::inherit does nothing. 0, or -errno (237/KEYRING); a kernel
// without keyrings, one that refuses them (EACCES, EPERM: a container) or
// has none left (EDQUOT) is not an error, as in systemd.
[[nodiscard]] int set_up_session_keyring(KeyringMode mode, uid_t uid, gid_t gid,
                                         const std::uint8_t* invocation_id) noexcept;

}  // namespace vermilion
