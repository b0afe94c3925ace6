#include "platform/remove_tree.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "platform/helper_process.h"

namespace vermilion {
namespace {

// Empties the directory `fd` (on device `dev`); takes ownership of `fd`.
void remove_children(int fd, dev_t dev, int depth) noexcept {
  DIR* dir = fdopendir(fd);
  if (!dir) {
    close(fd);
    return;
  }
  while (dirent* entry = readdir(dir)) {
    const char* name = entry->d_name;
    if (std::strcmp(name, ".") == 0 || std::strcmp(name, "..") == 0) continue;
    struct stat st {};
    if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) continue;
    if (!S_ISDIR(st.st_mode)) {
      unlinkat(fd, name, 0);
      continue;
    }
    if (st.st_dev != dev || depth >= kMaxRemoveDepth) continue;  // a mount point, or too deep
    int sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (sub < 0) continue;
    struct stat opened {};
    // Swapped between the look and the open: not what was seen, leave it.
    // A mount point of the same file system (a bind) is left too.
    struct statx mount_root {};
    const bool is_mount = statx(sub, "", AT_EMPTY_PATH, 0, &mount_root) == 0 &&
                          (mount_root.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
                          (mount_root.stx_attributes & STATX_ATTR_MOUNT_ROOT);
    if (fstat(sub, &opened) < 0 || opened.st_dev != st.st_dev || opened.st_ino != st.st_ino || is_mount) {
      close(sub);
      continue;
    }
    remove_children(sub, dev, depth + 1);
    unlinkat(fd, name, AT_REMOVEDIR);
  }
  closedir(dir);
}

}  // namespace

void remove_tree(const std::string& path) noexcept {
  int fd = open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return;
  struct stat st {};
  if (fstat(fd, &st) < 0) {
    close(fd);
    return;
  }
  remove_children(fd, st.st_dev, 0);
  rmdir(path.c_str());
}

pid_t remove_trees_async(const std::vector<std::string>& paths) noexcept {
  if (paths.empty()) return 0;
  // Nothing of the manager's stays open there: its end of Type=idle's pipe
  // would keep idle services waiting while a large tree goes.
  pid_t pid = fork_helper();
  if (pid < 0) {  // no process to spare: do it here rather than leave it
    for (const auto& p : paths) remove_tree(p);
    return 0;
  }
  if (pid > 0) return pid;
  for (const auto& p : paths) remove_tree(p);
  _exit(0);
}

}  // namespace vermilion
