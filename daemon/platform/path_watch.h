// Watching for a file to appear or change (a PIDFile= a daemon writes a
// moment after its parent exits), as systemd's PathSpec does for it: inotify
// on the file and on the deepest directory above it that exists, so that
// creating a missing parent directory, or a rename into place, wakes the
// watcher too. Anything else made in that directory wakes it as well: the
// caller looks at the file again, finds nothing new, and watches on.
#pragma once

#include <string>
#include <vector>

#include "common/unique_fd.h"

namespace vermilion {

// Returns 0 and an inotify fd (non-blocking, close-on-exec) that becomes
// readable when `path` or any directory on the way to it is created,
// written, moved, or changes attributes (or something else appears in
// the directory watched); -errno (-EINVAL for a relative path). A watch
// is good for one wake-up: open a new one, then look at the file, so that
// nothing between the two is missed.
[[nodiscard]] int open_path_watch(const std::string& path, unique_fd& out);

// Returns 0 and an inotify fd (non-blocking, close-on-exec) that becomes
// readable when an entry of one of `directories` is created, written,
// removed, moved or changes attributes, or a directory itself goes (unit
// directories and their drop-in directories, for NeedDaemonReload). Good
// for one wake-up, as above. A directory that does not exist (any more) or
// may not be read is left out; -errno when inotify refuses (ENOSPC: out of
// watches).
[[nodiscard]] int open_directories_watch(const std::vector<std::string>& directories, unique_fd& out);

}  // namespace vermilion
