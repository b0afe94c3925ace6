// systemd's chase_symlinks() with CHASE_SAFE, as service_load_pid_file()
// uses it for PIDFile=: a path is "unsafe" when resolving it (following
// symlinks, absolute ones from the root again) passes from a directory or
// symlink owned by a user other than root to one owned by someone else
// (unsafe_transition()): that user could have swapped what comes next.
// Only lstat(2) and readlink(2): nothing here can block on a FIFO or wait.
#pragma once

#include <string>

namespace vermilion {

// 0 and `unsafe` set; -errno when the path cannot be resolved (-ENOENT,
// -ELOOP after 32 symlinks, ...).
[[nodiscard]] int path_has_unsafe_transition(const std::string& path, bool& unsafe);

}  // namespace vermilion
