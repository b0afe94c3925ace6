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
  // The file itself may not exist yet (ENOENT is fine); each directory above
  // it that exists is watched, so whichever step of the path appears next
  // is seen.
  (void)inotify_add_watch(fd.get(), path.c_str(), kFile);
  bool any = false;
  for (std::string dir = path; dir.size() > 1;) {
    auto slash = dir.rfind('/');
    dir.resize(slash == 0 ? 1 : slash);
    if (inotify_add_watch(fd.get(), dir.c_str(), kDirectory) >= 0) any = true;
  }
  if (!any) return -errno;
  out = std::move(fd);
  return 0;
}

}  // namespace vermilion
