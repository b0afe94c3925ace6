#include "platform/path_watch.h"

#include <sys/inotify.h>

#include <cerrno>

namespace vermilion {

int open_path_watch(const std::string& path, unique_fd& out) {
  if (path.empty() || path[0] != '/') return -EINVAL;
  unique_fd fd(inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
  if (!fd) return -errno;
  constexpr uint32_t kFile = IN_CLOSE_WRITE | IN_MODIFY | IN_ATTRIB | IN_MOVE_SELF | IN_DELETE_SELF;
  constexpr uint32_t kDirectory = IN_CREATE | IN_MOVED_TO | IN_ATTRIB | IN_MOVE_SELF | IN_DELETE_SELF;
  // The file itself may not exist yet (ENOENT is fine). Of the directories
  // above it only the deepest that exists is watched: the next step of the
  // path to appear is created there, and a watch on every ancestor would
  // wake for anything made in /run or /tmp. The caller opens a new watch
  // after each wake-up, which then sits one level deeper.
  (void)inotify_add_watch(fd.get(), path.c_str(), kFile);
  bool any = false;
  for (std::string dir = path; !any && dir.size() > 1;) {
    auto slash = dir.rfind('/');
    dir.resize(slash == 0 ? 1 : slash);
    if (inotify_add_watch(fd.get(), dir.c_str(), kDirectory) >= 0) any = true;
    else if (errno != ENOENT && errno != ENOTDIR) return -errno;
  }
  if (!any) return -ENOENT;
  out = std::move(fd);
  return 0;
}

int open_directories_watch(const std::vector<std::string>& directories, unique_fd& out) {
  unique_fd fd(inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
  if (!fd) return -errno;
  constexpr uint32_t kEvents = IN_CREATE | IN_DELETE | IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_ATTRIB |
                               IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;
  for (const auto& dir : directories) {
    if (inotify_add_watch(fd.get(), dir.c_str(), kEvents) >= 0) continue;
    // Gone, or not ours to read: the others are still worth watching.
    if (errno != ENOENT && errno != ENOTDIR && errno != EACCES) return -errno;
  }
  out = std::move(fd);
  return 0;
}

}  // namespace vermilion
