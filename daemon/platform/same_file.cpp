#include "platform/same_file.h"

#include <fcntl.h>
#include <linux/kcmp.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace vermilion {

bool is_same_open_file(int a, int b) {
  if (a < 0 || b < 0) return false;
  if (a == b) return true;
  struct stat sa {}, sb {};
  if (fstat(a, &sa) < 0 || fstat(b, &sb) < 0) return false;
  if (sa.st_dev != sb.st_dev || sa.st_ino != sb.st_ino || ((sa.st_mode ^ sb.st_mode) & S_IFMT) != 0) return false;
  const pid_t self = getpid();
  const long r = syscall(SYS_kcmp, self, self, KCMP_FILE, a, b);
  if (r >= 0) return r == 0;
  // No kcmp (EPERM under some seccomp filters, ENOSYS): the same inode,
  // opened with the same flags, counts as the same.
  const int fa = fcntl(a, F_GETFL), fb = fcntl(b, F_GETFL);
  return fa >= 0 && fa == fb;
}

}  // namespace vermilion
