// Whether two fds are the same open file description (one dup()ed from the
// other, or passed twice), as systemd's same_fd() tells (src/basic/fd-util.c).
#pragma once

namespace vermilion {

// kcmp(KCMP_FILE) where the kernel allows it; else the same inode with the
// same file status flags. False on any error.
[[nodiscard]] bool is_same_open_file(int a, int b);

}  // namespace vermilion
