// Removing a directory tree that a service could still be changing (its
// RuntimeDirectory=, its PrivateTmp= directories), as systemd's rm_rf()
// does it: by directory fds, never by path below the top, so a name that
// is swapped for a symlink meanwhile is unlinked itself, never followed; a
// mount point below is left alone and not crossed.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace vermilion {

// Trees deeper than this are left partly in place (each level holds an fd).
inline constexpr int kMaxRemoveDepth = 256;

// Removes `path` (a directory, not a symlink to one) and all it holds, as far
// as it can; errors are not reported (what cannot go stays).
void remove_tree(const std::string& path) noexcept;

// The same in a forked process, so that a tree of any size never stalls the
// caller (systemd's asynchronous_rm_rf()); only for paths nothing will
// reuse (the caller does not wait). Returns that process's PID for the
// caller to reap; 0 when none was forked (nothing to do, or no process to
// spare: then the trees were removed here).
[[nodiscard]] pid_t remove_trees_async(const std::vector<std::string>& paths) noexcept;

}  // namespace vermilion
