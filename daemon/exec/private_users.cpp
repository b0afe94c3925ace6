#include "exec/private_users.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "exec/decimal.h"

namespace vermilion {
namespace {

// "ID ID 1\n" for one ID, or two such lines; no allocation.
struct IdMap {
  char text[64] = {};
  std::size_t size = 0;

  void add_number(unsigned long value) { size += write_decimal(text + size, value); }
  void add_line(unsigned long id) {
    add_number(id);
    text[size++] = ' ';
    add_number(id);
    text[size++] = ' ';
    text[size++] = '1';
    text[size++] = '\n';
  }
};

IdMap id_map(unsigned long original, unsigned long wanted) {
  IdMap map;
  map.add_line(original);
  if (wanted != original) map.add_line(wanted);
  return map;
}

// /proc/PID/NAME, written in one write(2), as the kernel wants it.
int write_proc_file(pid_t pid, const char* name, const char* text, std::size_t size) noexcept {
  char path[64] = "/proc/";
  std::size_t n = 6;
  n += write_decimal(path + n, static_cast<unsigned long>(pid));
  path[n++] = '/';
  for (const char* c = name; *c != '\0' && n < sizeof path - 1; ++c) path[n++] = *c;
  path[n] = '\0';
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return -errno;
  const ssize_t written = write(fd, text, size);
  const int error = written < 0 ? errno : 0;
  close(fd);
  if (written < 0) return -error;
  return static_cast<std::size_t>(written) == size ? 0 : -EIO;
}

}  // namespace

int set_up_private_users(uid_t original_uid, gid_t original_gid, uid_t uid, gid_t gid) noexcept {
  const IdMap uid_map = id_map(original_uid, uid);
  const IdMap gid_map = id_map(original_gid, gid);
  // The helper learns of the unshare through an eventfd and answers
  // through a pipe: nothing read means it went well.
  const int ready = eventfd(0, EFD_CLOEXEC);
  if (ready < 0) return -errno;
  int errors[2];
  if (pipe2(errors, O_CLOEXEC) < 0) {
    const int error = errno;
    close(ready);
    return -error;
  }
  const pid_t parent = getpid();
  const pid_t helper = fork();
  if (helper < 0) {
    const int error = errno;
    close(ready);
    close(errors[0]);
    close(errors[1]);
    return -error;
  }
  if (helper == 0) {
    // In the original user namespace, with its privileges; gone with the
    // process it serves (which may have gone before the prctl took hold).
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent) _exit(3);
    close(errors[0]);
    std::uint64_t count = 0;
    int r = 0;
    if (read(ready, &count, sizeof count) < 0) r = -errno;
    // setgroups first: without "deny" an unprivileged writer may not set
    // the gid map, and a service must not drop the groups it was given.
    if (r == 0) {
      r = write_proc_file(parent, "setgroups", "deny\n", 5);
      if (r == -ENOENT) r = 0;  // a kernel before 3.19
    }
    if (r == 0) r = write_proc_file(parent, "gid_map", gid_map.text, gid_map.size);
    if (r == 0) r = write_proc_file(parent, "uid_map", uid_map.text, uid_map.size);
    if (r < 0) {
      const ssize_t sent = write(errors[1], &r, sizeof r);
      _exit(sent == static_cast<ssize_t>(sizeof r) ? 1 : 2);
    }
    _exit(0);
  }
  close(errors[1]);
  int r = 0;
  if (unshare(CLONE_NEWUSER) < 0) {
    r = -errno;
    kill(helper, SIGKILL);  // it must not touch the maps of the namespace we stay in
  } else {
    const std::uint64_t one = 1;
    if (write(ready, &one, sizeof one) < 0) {
      r = -errno;
      kill(helper, SIGKILL);
    }
  }
  int reported = 0;
  const ssize_t n = read(errors[0], &reported, sizeof reported);
  if (r == 0) {
    if (n < 0) r = -errno;
    else if (n == static_cast<ssize_t>(sizeof reported)) r = reported < 0 ? reported : -EIO;
    else if (n != 0) r = -EIO;
  }
  int status = 0;
  pid_t waited = -1;
  while ((waited = waitpid(helper, &status, 0)) < 0 && errno == EINTR) {
  }
  if (r == 0 && (waited != helper || !WIFEXITED(status) || WEXITSTATUS(status) != 0)) r = -EIO;
  close(ready);
  close(errors[0]);
  return r;
}

}  // namespace vermilion
