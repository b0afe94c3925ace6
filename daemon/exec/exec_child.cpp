#include "exec/exec_child.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "exec/decimal.h"
#include "exec/exit_status.h"
#include "exec/mount_namespace.h"
#include "exec/private_users.h"
#include "exec/session_keyring.h"
#include "exec/shared_namespace.h"
#include "exec/terminal.h"
#include "exec/utmp_record.h"
#include "platform/file_io.h"

namespace vermilion {
namespace {

constexpr int kIoprioWhoProcess = 1;  // IOPRIO_WHO_PROCESS, <linux/ioprio.h>

// systemd 252's capability_bounding_set_drop(keep, false): each capability
// not in `keep` leaves the bounding set and the inheritable set, so that no
// program this process execs can regain it. CAP_SETPCAP is raised into the
// effective set for the while if it is only permitted; one already gone
// from the bounding set is fine. 0 or -errno.
int drop_bounding_set(std::uint64_t keep) noexcept {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct before[2]{}, during[2]{};
  if (syscall(SYS_capget, &header, before) < 0) return -errno;
  std::memcpy(during, before, sizeof during);
  constexpr unsigned kSetpcapWord = CAP_SETPCAP / 32;
  constexpr std::uint32_t kSetpcapBit = 1u << (CAP_SETPCAP % 32);
  const bool raise = !(before[kSetpcapWord].effective & kSetpcapBit) && (before[kSetpcapWord].permitted & kSetpcapBit);
  if (raise) {
    during[kSetpcapWord].effective |= kSetpcapBit;
    if (syscall(SYS_capset, &header, during) < 0) return -errno;
  }
  bool changed = raise;
  __user_cap_data_struct after[2]{};
  std::memcpy(after, before, sizeof after);
  int r = 0;
  for (unsigned cap = 0; cap < 64 && r == 0; ++cap) {
    if (keep & (std::uint64_t{1} << cap)) continue;
    int held = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
    if (held < 0) break;  // past the kernel's last capability
    if (held == 1 && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) r = -errno;
    if (after[cap / 32].inheritable & (1u << (cap % 32))) changed = true;
    after[cap / 32].inheritable &= ~(1u << (cap % 32));
  }
  // Back to the effective set it had, without what left the inheritable one.
  if (changed && syscall(SYS_capset, &header, after) < 0 && r == 0) r = -errno;
  return r;
}

// Whether CAP is in the calling process's effective set.
bool has_effective_capability(unsigned cap) noexcept {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  if (syscall(SYS_capget, &header, data) < 0) return false;
  return (data[cap / 32].effective & (1u << (cap % 32))) != 0;
}

// systemd 252's capability_ambient_set_apply(): the capabilities of `set`
// still in the bounding set are raised into the ambient set (with
// `also_inherit`, the inheritable set first becomes exactly them:
// capability_update_inherited_set()), every other one lowered out of it.
// 0 or -errno.
int apply_ambient_set(std::uint64_t set, bool also_inherit) noexcept {
  for (unsigned cap = 0; cap < 64; ++cap)
    if ((set & (std::uint64_t{1} << cap)) && prctl(PR_CAPBSET_READ, cap, 0, 0, 0) != 1)
      set &= ~(std::uint64_t{1} << cap);
  if (also_inherit) {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2]{};
    if (syscall(SYS_capget, &header, data) < 0) return -errno;
    data[0].inheritable = static_cast<std::uint32_t>(set);
    data[1].inheritable = static_cast<std::uint32_t>(set >> 32);
    if (syscall(SYS_capset, &header, data) < 0) return -errno;
  }
  for (unsigned cap = 0; cap < 64; ++cap) {
    int is_set = prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, cap, 0, 0);
    if (is_set < 0) break;  // past the kernel's last capability
    if (set & (std::uint64_t{1} << cap)) {
      if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0) return -errno;
    } else if (is_set == 1 && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_LOWER, cap, 0, 0) < 0) {
      return -errno;
    }
  }
  return 0;
}

// A fixed buffer message builder: no allocation after fork.
class Line {
 public:
  Line& add(const char* text) {
    for (; text && *text && size_ < sizeof buffer_ - 1; ++text) buffer_[size_++] = *text;
    return *this;
  }
  void write_to(int fd) {
    buffer_[size_++] = '\n';
    ssize_t ignored = write(fd, buffer_, size_);
    (void)ignored;
  }

 private:
  char buffer_[1024];
  std::size_t size_ = 0;
};

// Where a failure is told: the service's log until its stdio is set up
// (so that `vermilionctl logs` shows why it never ran, as journalctl -u
// does under systemd), then its stderr. The child is single-threaded.
int report_fd = STDERR_FILENO;

[[noreturn]] void fail(const ExecChildPlan& plan, ExecExitStatus status, int error, const char* what,
                       const char* detail = nullptr) {
  Line line;
  line.add("vermiliond: ").add(plan.service_name).add(": failed to ").add(what);
  if (detail) line.add(" ").add(detail);
  const char* description = strerrordesc_np(error);
  line.add(": ").add(description ? description : "Unknown error");
  line.write_to(report_fd);
  _exit(static_cast<int>(status));
}

void reset_signals() {
  struct sigaction action {};
  action.sa_handler = SIG_DFL;
  sigemptyset(&action.sa_mask);
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    sigaction(sig, &action, nullptr);  // EINVAL for signals glibc reserves
  }
}

bool is_file_output(OutputKind kind) {
  return kind == OutputKind::file || kind == OutputKind::truncate || kind == OutputKind::append;
}

// StandardInput=file: and this output name the same path.
bool same_input_file(const ExecChildPlan& plan, const ExecOutputPlan& output) {
  return plan.standard_input == InputKind::file && is_file_output(output.kind) && output.path &&
         plan.standard_input_file && strcmp(output.path, plan.standard_input_file) == 0;
}

// systemd 252's acquire_path(): open(2) (creating the file when writing);
// a path that is an AF_UNIX stream socket (ENXIO) is connected to, the
// direction not used shut down. The fd (close-on-exec) or -errno.
int acquire_path(const char* path, int flags, mode_t mode) {
  if ((flags & O_ACCMODE) != O_RDONLY) flags |= O_CREAT;
  int fd = open(path, flags | O_NOCTTY | O_CLOEXEC, mode);
  if (fd >= 0) return fd;
  if (errno != ENXIO) return -errno;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const std::size_t length = strlen(path);
  if (length >= sizeof address.sun_path) return -ENXIO;
  memcpy(address.sun_path, path, length);
  fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  if (connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) < 0) {
    const int error = errno == ENOTSOCK || errno == EINVAL ? ENXIO : errno;
    close(fd);
    return -error;
  }
  const int direction = flags & O_ACCMODE;
  if ((direction == O_RDONLY && shutdown(fd, SHUT_WR) < 0) || (direction == O_WRONLY && shutdown(fd, SHUT_RD) < 0)) {
    const int error = errno;
    close(fd);
    return -error;
  }
  return fd;
}

// systemd 252's setup_input() for file: and data. The fd (close-on-exec)
// or -errno.
int open_input(const ExecChildPlan& plan) {
  if (plan.standard_input == InputKind::data) {
    // acquire_data_fd(): nothing to read is /dev/null; otherwise a sealed
    // memfd, which the service cannot write to.
    if (plan.standard_input_data_size == 0) {
      int null = open("/dev/null", O_RDONLY | O_CLOEXEC | O_NOCTTY);
      return null < 0 ? -errno : null;
    }
    int fd = memfd_create("data-fd", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0) return -errno;
    int r = write_all(fd, plan.standard_input_data, plan.standard_input_data_size);
    if (r == 0 && (lseek(fd, 0, SEEK_SET) < 0 ||
                   fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0))
      r = -errno;
    if (r < 0) {
      close(fd);
      return r;
    }
    return fd;
  }
  // Read-write when stdout or stderr is file: (not append:/truncate:) of
  // the same path, as systemd's setup_input() decides it.
  auto same_file = [&](const ExecOutputPlan& output) {
    return output.kind == OutputKind::file && output.path && strcmp(output.path, plan.standard_input_file) == 0;
  };
  const bool rw = same_file(plan.standard_output) || same_file(plan.standard_error);
  return acquire_path(plan.standard_input_file, rw ? O_RDWR : O_RDONLY, 0666 & ~plan.umask);
}

// The service's terminal, write-only, not as controlling terminal.
int open_terminal_output(const ExecChildPlan& plan) {
  return open_terminal(terminal_path(*plan.terminal), O_WRONLY | O_NOCTTY | O_CLOEXEC);
}

// Opens what one of stdout/stderr should be (systemd 252's setup_output());
// `in` is the standard input set up. -errno on failure.
int open_output(const ExecChildPlan& plan, const ExecOutputPlan& output, int inherited, int in) {
  const bool terminal_in = is_terminal_input(plan.standard_input) && plan.terminal;
  int fd = -1;
  switch (output.kind) {
    case OutputKind::journal:
      if (plan.log_fd >= 0) return fcntl(plan.log_fd, F_DUPFD_CLOEXEC, 3);
      fd = open("/dev/null", O_WRONLY | O_CLOEXEC | O_NOCTTY);
      break;
    case OutputKind::null:
      fd = open("/dev/null", O_WRONLY | O_CLOEXEC | O_NOCTTY);
      break;
    case OutputKind::inherit:
      if (terminal_in || plan.standard_input == InputKind::file) {
        fd = fcntl(in, F_DUPFD_CLOEXEC, 3);
        break;
      }
      if (plan.terminal_input_configured && plan.terminal) return open_terminal_output(plan);
      fd = fcntl(inherited, F_DUPFD_CLOEXEC, 3);
      if (fd < 0) fd = open("/dev/null", O_WRONLY | O_CLOEXEC | O_NOCTTY);
      break;
    case OutputKind::tty:
      if (terminal_in) fd = fcntl(in, F_DUPFD_CLOEXEC, 3);
      else if (plan.terminal) return open_terminal_output(plan);
      else return -ENOTTY;
      break;
    case OutputKind::file:
    case OutputKind::truncate:
    case OutputKind::append: {
      // The file stdin reads: the same open file (systemd's "rw").
      if (same_input_file(plan, output)) {
        fd = fcntl(in, F_DUPFD_CLOEXEC, 3);
        break;
      }
      // systemd 252: file: neither truncates nor appends, it writes from the
      // start over what is there; truncate: empties it; append: appends.
      int flags = O_WRONLY;
      if (output.kind == OutputKind::append) flags |= O_APPEND;
      if (output.kind == OutputKind::truncate) flags |= O_TRUNC;
      return acquire_path(output.path, flags, 0666 & ~plan.umask);
    }
  }
  return fd < 0 ? -errno : fd;
}

bool same_file_output(const ExecOutputPlan& a, const ExecOutputPlan& b) {
  return a.kind == b.kind && is_file_output(a.kind) && a.path && b.path && strcmp(a.path, b.path) == 0;
}

// Moves fd (CLOEXEC, above every target) to target without CLOEXEC.
bool place(int fd, int target) { return dup2(fd, target) == target; }

// stdin, stdout, stderr, then pass_fds as 3, 4, ...; every other fd closed.
// Supplementary groups (when the plan sets them) and the group: 216/GROUP.
void set_groups(const ExecChildPlan& plan) {
  if (plan.set_groups && setgroups(plan.group_count, plan.groups) < 0) {
    fail(plan, ExecExitStatus::group, errno, "set supplementary groups");
  }
  if (setresgid(plan.gid, plan.gid, plan.gid) < 0) fail(plan, ExecExitStatus::group, errno, "change group");
}

// PrivateNetwork=/PrivateIPC= with systemd 252's messages (exec_child()).
void enter_private_namespace(const ExecChildPlan& plan, const int (&storage)[2], int nstype) {
  if (storage[0] < 0) return;
  const bool network = nstype == CLONE_NEWNET;
  const char* key = network ? "PrivateNetwork" : "PrivateIPC";
  const char* kind = network ? "network" : "IPC";
  Line line;
  line.add("vermiliond: ").add(plan.service_name).add(": ").add(key).add("=yes is configured, but ");
  if (access(network ? "/proc/self/ns/net" : "/proc/self/ns/ipc", F_OK) < 0) {
    line.add("the kernel does not support ").add(kind).add(" namespaces, ignoring.");
    line.write_to(STDERR_FILENO);
    return;
  }
  const int r = enter_shared_namespace(storage[0], storage[1], nstype);
  if (r >= 0) return;
  if (r != -EPERM)
    fail(plan, network ? ExecExitStatus::network : ExecExitStatus::namespace_, -r,
         network ? "set up network namespacing" : "set up IPC namespacing");
  const char* description = strerrordesc_np(-r);
  line.add(kind).add(" namespace setup failed, ignoring: ").add(description ? description : "Unknown error");
  line.write_to(STDERR_FILENO);
}

void set_up_fds(ExecChildPlan& plan) {
  // The namespace storage pairs the child still needs (close-on-exec) go
  // right after the passed fds, and the plan is told where.
  int* keep[4] = {&plan.network_namespace_storage[0], &plan.network_namespace_storage[1],
                  &plan.ipc_namespace_storage[0], &plan.ipc_namespace_storage[1]};
  int lifted_keep[4] = {-1, -1, -1, -1};
  const int kept_from = 3 + static_cast<int>(plan.pass_fd_count);
  // Everything is first copied above the highest target, so placing one fd
  // can never overwrite the source of another.
  const int first_free = kept_from + 4;
  auto lift = [&](int fd) { return fd < 0 ? fd : fcntl(fd, F_DUPFD_CLOEXEC, first_free); };

  int in = -1;
  if (plan.standard_input == InputKind::file || plan.standard_input == InputKind::data) {
    int r = plan.standard_input == InputKind::data || plan.standard_input_file ? open_input(plan) : -EINVAL;
    if (r < 0)
      fail(plan, ExecExitStatus::stdin_, -r, "set up standard input",
           plan.standard_input == InputKind::file ? plan.standard_input_file : nullptr);
    in = lift(r);
    if (in < 0) fail(plan, ExecExitStatus::stdin_, errno, "set up standard input");
  } else if (!is_terminal_input(plan.standard_input) || !plan.terminal) {
    in = lift(open("/dev/null", O_RDONLY | O_CLOEXEC | O_NOCTTY));
    if (in < 0) fail(plan, ExecExitStatus::stdin_, errno, "open /dev/null for standard input");
  } else {
    const char* path = terminal_path(*plan.terminal);
    const AcquireTerminal mode = plan.standard_input == InputKind::tty_fail    ? AcquireTerminal::try_
                                 : plan.standard_input == InputKind::tty_force ? AcquireTerminal::force
                                                                               : AcquireTerminal::wait;
    int terminal = acquire_terminal(path, mode);
    if (terminal < 0) fail(plan, ExecExitStatus::stdin_, -terminal, "acquire the terminal", path);
    if (int r = set_terminal_size(terminal, plan.terminal->rows, plan.terminal->columns); r < 0)
      fail(plan, ExecExitStatus::stdin_, -r, "set the terminal size of", path);
    in = lift(terminal);
    if (in < 0) fail(plan, ExecExitStatus::stdin_, errno, "set up standard input");
  }

  int out = open_output(plan, plan.standard_output, STDOUT_FILENO, in);
  if (out < 0) fail(plan, ExecExitStatus::stdout_, -out, "set up standard output", plan.standard_output.path);
  out = lift(out);
  if (out < 0) fail(plan, ExecExitStatus::stdout_, errno, "set up standard output");

  // stderr=inherit means "what stdout is", and so does the same file twice
  // (two independent offsets would overwrite each other).
  int err = -1;
  bool err_is_out = plan.standard_error.kind == OutputKind::inherit ||
                    same_file_output(plan.standard_output, plan.standard_error);
  if (!err_is_out) {
    err = open_output(plan, plan.standard_error, STDERR_FILENO, in);
    if (err < 0) fail(plan, ExecExitStatus::stderr_, -err, "set up standard error", plan.standard_error.path);
    err = lift(err);
    if (err < 0) fail(plan, ExecExitStatus::stderr_, errno, "set up standard error");
  }

  int lifted_pass[256];
  if (plan.pass_fd_count > sizeof lifted_pass / sizeof lifted_pass[0]) {
    fail(plan, ExecExitStatus::fds, EMFILE, "pass file descriptors");
  }
  for (std::size_t i = 0; i < plan.pass_fd_count; ++i) {
    lifted_pass[i] = lift(plan.pass_fds[i]);
    if (lifted_pass[i] < 0) fail(plan, ExecExitStatus::fds, errno, "pass file descriptors");
  }

  for (int k = 0; k < 4; ++k) {
    if (*keep[k] < 0) continue;
    lifted_keep[k] = lift(*keep[k]);
    if (lifted_keep[k] < 0) fail(plan, ExecExitStatus::fds, errno, "keep the namespace storage");
  }

  if (!place(in, STDIN_FILENO)) fail(plan, ExecExitStatus::stdin_, errno, "set up standard input");
  if (!place(out, STDOUT_FILENO)) fail(plan, ExecExitStatus::stdout_, errno, "set up standard output");
  bool err_ok = err_is_out ? dup2(STDOUT_FILENO, STDERR_FILENO) == STDERR_FILENO : place(err, STDERR_FILENO);
  if (!err_ok) fail(plan, ExecExitStatus::stderr_, errno, "set up standard error");
  for (std::size_t i = 0; i < plan.pass_fd_count; ++i) {
    if (!place(lifted_pass[i], 3 + static_cast<int>(i))) fail(plan, ExecExitStatus::fds, errno, "pass file descriptors");
  }
  for (int k = 0; k < 4; ++k) {
    if (lifted_keep[k] < 0) {
      close(kept_from + k);  // whatever was there is nothing of the service's
      continue;
    }
    if (dup3(lifted_keep[k], kept_from + k, O_CLOEXEC) != kept_from + k)
      fail(plan, ExecExitStatus::fds, errno, "keep the namespace storage");
    *keep[k] = kept_from + k;
  }
  if (close_range(static_cast<unsigned>(first_free), ~0U, 0) < 0) {
    // Kernels before 5.9: close one by one up to the fd limit.
    rlimit limit {};
    rlim_t highest = getrlimit(RLIMIT_NOFILE, &limit) == 0 ? limit.rlim_cur : 65536;
    for (rlim_t fd = static_cast<rlim_t>(first_free); fd < highest; ++fd) close(static_cast<int>(fd));
  }
}

// The kernel's struct sched_attr (SCHED_ATTR_SIZE_VER0), which glibc 2.36
// does not declare; <linux/sched/types.h> clashes with <sched.h>.
struct SchedAttr {
  std::uint32_t size;
  std::uint32_t policy;
  std::uint64_t flags;
  std::int32_t nice;
  std::uint32_t priority;
  std::uint64_t runtime, deadline, period;
};
static_assert(sizeof(SchedAttr) == 48);
constexpr std::uint64_t kSchedFlagResetOnFork = 0x01;  // SCHED_FLAG_RESET_ON_FORK

// Whether fd hangs up (every writer gone) within timeout_usec; EINTR
// retries with what is left.
bool hangs_up_within(int fd, std::uint64_t timeout_usec) {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  const std::uint64_t deadline =
      static_cast<std::uint64_t>(now.tv_sec) * 1'000'000 + static_cast<std::uint64_t>(now.tv_nsec) / 1000 + timeout_usec;
  for (;;) {
    clock_gettime(CLOCK_MONOTONIC, &now);
    const std::uint64_t at =
        static_cast<std::uint64_t>(now.tv_sec) * 1'000'000 + static_cast<std::uint64_t>(now.tv_nsec) / 1000;
    const std::uint64_t left = at >= deadline ? 0 : deadline - at;
    const timespec wait{static_cast<time_t>(left / 1'000'000), static_cast<long>(left % 1'000'000) * 1000};
    pollfd p{fd, POLLHUP, 0};
    const int r = ppoll(&p, 1, &wait, nullptr);
    if (r > 0) return true;
    if (r == 0 || errno != EINTR) return false;
  }
}

// systemd 252's do_idle_pipe_dance() (ExecChildPlan::idle_pipe).
void idle_pipe_dance(ExecChildPlan& plan) {
  for (int i : {1, 2}) {
    if (plan.idle_pipe[i] >= 0) close(plan.idle_pipe[i]);
    plan.idle_pipe[i] = -1;
  }
  if (plan.wait_for_idle && plan.idle_pipe[0] >= 0 && !hangs_up_within(plan.idle_pipe[0], plan.idle_timeout_usec) &&
      plan.idle_pipe[3] >= 0 && write(plan.idle_pipe[3], "x", 1) > 0) {
    // Tired of waiting: the manager closes the pipe for every waiter.
    (void)hangs_up_within(plan.idle_pipe[0], plan.idle_timeout2_usec);
  }
  for (int i : {0, 3}) {
    if (plan.idle_pipe[i] >= 0) close(plan.idle_pipe[i]);
    plan.idle_pipe[i] = -1;
  }
}

// The plan's prepare step (User=, the environment, directories,
// credentials), then a failure it found, with its status.
void prepare_credentials(ExecChildPlan& plan) {
  if (plan.prepare) plan.prepare(plan, plan.prepare_context);
  if (plan.credential_failure_status != 0) {
    fail(plan, static_cast<ExecExitStatus>(plan.credential_failure_status), plan.credential_failure_errno,
         plan.credential_failure_what);
  }
}

}  // namespace

int set_rlimit_closest(int resource, const rlimit& wanted) noexcept {
  auto which = static_cast<__rlimit_resource>(resource);
  if (setrlimit(which, &wanted) == 0) return 0;
  if (errno != EPERM) return -errno;
  rlimit highest{};
  if (getrlimit(which, &highest) < 0) return -errno;
  // An unbounded hard limit means the refusal had another reason.
  if (highest.rlim_max == RLIM_INFINITY) return -EPERM;
  rlimit fixed{wanted.rlim_cur < highest.rlim_max ? wanted.rlim_cur : highest.rlim_max,
               wanted.rlim_max < highest.rlim_max ? wanted.rlim_max : highest.rlim_max};
  if (fixed.rlim_cur == highest.rlim_cur && fixed.rlim_max == highest.rlim_max) return 0;
  return setrlimit(which, &fixed) == 0 ? 0 : -errno;
}

int set_priority_closest(int priority) noexcept {
  if (setpriority(PRIO_PROCESS, 0, priority) == 0) return 0;
  int refused = errno;
  if (refused != EPERM && refused != EACCES) return -refused;
  errno = 0;
  int current = getpriority(PRIO_PROCESS, 0);
  if (errno != 0) return -errno;
  if (priority == current) return 0;
  // Raising the nice level is always allowed: a refusal there is real.
  if (priority > current) return -refused;
  rlimit highest{};
  if (getrlimit(RLIMIT_NICE, &highest) < 0) return -errno;
  // RLIMIT_NICE n allows nice levels down to 20 - n.
  rlim_t allowed = highest.rlim_cur == RLIM_INFINITY || highest.rlim_cur > 40 ? 40 : highest.rlim_cur;
  int limit = 20 - static_cast<int>(allowed);
  if (current <= limit) return 0;  // already as low as allowed
  return setpriority(PRIO_PROCESS, 0, limit) == 0 ? 0 : -errno;
}

void run_exec_child(const ExecChildPlan& given) noexcept {
  ExecChildPlan plan = given;  // the child's own, which prepare may complete
  if (plan.log_fd >= 0) report_fd = plan.log_fd;
  reset_signals();
  // systemd's exec_child(): IgnoreSIGPIPE= (default yes) survives execve.
  if (plan.ignore_sigpipe) signal(SIGPIPE, SIG_IGN);
  sigset_t all;
  sigemptyset(&all);
  if (sigprocmask(SIG_SETMASK, &all, nullptr) < 0) {
    fail(plan, ExecExitStatus::signal_mask, errno, "reset the signal mask");
  }
  idle_pipe_dance(plan);
  if (setsid() < 0) fail(plan, ExecExitStatus::setsid, errno, "start a new session");
  // exec_context_tty_reset(): before the terminal is acquired.
  if (plan.terminal) reset_terminal_as_configured(*plan.terminal, true);
  if (plan.cgroup_procs_fd >= 0 && write(plan.cgroup_procs_fd, "0", 1) != 1) {
    fail(plan, ExecExitStatus::cgroup, errno, "join the service's cgroup");
  }
  const uid_t original_uid = getuid();
  const gid_t original_gid = getgid();
  // systemd's exec_child() resolves User= before stdio: a bad User=
  // truncates no StandardOutput=truncate: file and takes nobody's terminal.
  umask(plan.umask);
  prepare_credentials(plan);
  // What stdio opens gets exactly 0666 & ~UMask= (systemd's PID 1 runs
  // with umask 0); UMask= itself is set again further down.
  umask(0);
  set_up_fds(plan);
  report_fd = STDERR_FILENO;
  // systemd's chown_terminal(): a terminal on stdin becomes User='s.
  if (plan.has_terminal_owner) {
    if (int r = chown_terminal(STDIN_FILENO, plan.terminal_owner); r < 0)
      fail(plan, ExecExitStatus::stdin_, -r, "change the owner of the terminal");
  }
  // vermiliond raised its own soft RLIMIT_NOFILE to the hard limit; a
  // service starts with systemd's default soft limit, FD_SETSIZE (1024),
  // since select() breaks on fds past it. The hard limit stays, so a
  // service may raise it itself; LimitNOFILE= below overrides both. Like
  // every limit, only with the sandboxing: a '+' command keeps the
  // manager's (systemd 252's exec_child(), recorded: conformance case
  // limits-full-privileges).
  rlimit nofile{};
  if (plan.apply_sandboxing && getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur > FD_SETSIZE) {
    nofile.rlim_cur = FD_SETSIZE;
    if (setrlimit(RLIMIT_NOFILE, &nofile) < 0) fail(plan, ExecExitStatus::limits, errno, "set resource limits");
  }
  if (plan.has_oom_score_adjust) {
    char text[16];
    int n = 0;
    const unsigned magnitude = plan.oom_score_adjust < 0 ? static_cast<unsigned>(-plan.oom_score_adjust)
                                                         : static_cast<unsigned>(plan.oom_score_adjust);
    if (plan.oom_score_adjust < 0) text[n++] = '-';
    n += static_cast<int>(write_decimal(text + n, magnitude));
    int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    int error = fd < 0 ? errno : (write(fd, text, static_cast<std::size_t>(n)) == n ? 0 : errno);
    if (fd >= 0) close(fd);
    // "assuming containerized execution, ignoring", as systemd says.
    if (error != 0 && error != EPERM && error != EACCES)
      fail(plan, ExecExitStatus::oom_adjust, error, "adjust the OOM score");
  }
  if (plan.has_coredump_filter) {
    // set_coredump_filter(): "0x%" PRIx64; refused for privilege is skipped.
    char text[24] = "0x";
    std::size_t n = 2;
    char digits[16];
    std::size_t count = 0;
    std::uint64_t mask = plan.coredump_filter;
    do {
      digits[count++] = "0123456789abcdef"[mask & 0xf];
      mask >>= 4;
    } while (mask != 0);
    while (count > 0) text[n++] = digits[--count];
    int fd = open("/proc/self/coredump_filter", O_WRONLY | O_CLOEXEC);
    int error = fd < 0 ? errno : (write(fd, text, n) == static_cast<ssize_t>(n) ? 0 : errno);
    if (fd >= 0) close(fd);
    if (error != 0 && error != EPERM && error != EACCES)
      fail(plan, ExecExitStatus::limits, error, "adjust coredump_filter");
  }
  // systemd 252.39's exec_child() order: CPUScheduling*= (sched_setattr(),
  // which for a normal policy also sets the nice level to 0), then Nice=.
  if (plan.has_cpu_sched) {
    SchedAttr attr{};
    attr.size = sizeof attr;
    attr.policy = static_cast<std::uint32_t>(plan.cpu_sched_policy & ~SCHED_RESET_ON_FORK);
    attr.flags = (plan.cpu_sched_policy & SCHED_RESET_ON_FORK) ? kSchedFlagResetOnFork : 0;
    attr.priority = static_cast<std::uint32_t>(plan.cpu_sched_priority);
    if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
      fail(plan, ExecExitStatus::setscheduler, errno, "set up CPU scheduling");
  }
  if (plan.has_nice) {
    if (int r = set_priority_closest(plan.nice); r < 0) fail(plan, ExecExitStatus::nice, -r, "set the nice level");
  }
  if (plan.cpu_affinity_words > 0 &&
      sched_setaffinity(0, plan.cpu_affinity_words * sizeof(unsigned long),
                        reinterpret_cast<const cpu_set_t*>(plan.cpu_affinity)) < 0)
    fail(plan, ExecExitStatus::cpuaffinity, errno, "set up CPU affinity");
  if (plan.has_ioprio && syscall(SYS_ioprio_set, kIoprioWhoProcess, 0, plan.ioprio) < 0)
    fail(plan, ExecExitStatus::ioprio, errno, "set up IO scheduling priority");
  if (plan.has_timer_slack && prctl(PR_SET_TIMERSLACK, static_cast<unsigned long>(plan.timer_slack_nsec)) < 0)
    fail(plan, ExecExitStatus::timerslack, errno, "set up timer slack");
  // safe_personality(): a negative return is a failure, its errno or else
  // the negated value (some architectures return -errno).
  if (plan.has_personality) {
    errno = 0;
    if (const int r = personality(plan.personality); r < 0)
      fail(plan, ExecExitStatus::personality, errno != 0 ? errno : -r, "set up execution domain (personality)");
  }
  // exec_child(): utmp's records, still as the manager's user, after the
  // personality; a failure is ignored.
  if (plan.utmp_id)
    (void)put_init_process(UtmpFiles{}, plan.utmp_id, getpid(), getsid(0), plan.utmp_line, plan.utmp_mode,
                           plan.utmp_user);
  bool rtprio_given = false;
  for (std::size_t i = 0; plan.apply_sandboxing && i < plan.limit_count; ++i) {
    rtprio_given = rtprio_given || plan.limits[i].resource == RLIMIT_RTPRIO;
    if (int r = set_rlimit_closest(plan.limits[i].resource, plan.limits[i].value); r < 0) {
      fail(plan, ExecExitStatus::limits, -r, "set resource limits");
    }
  }
  // RestrictRealtime=: no real-time priority either (sched_setattr() is
  // not filtered), unless LimitRTPRIO= says otherwise.
  if (plan.apply_sandboxing && plan.seccomp.restrict_realtime && !rtprio_given) {
    const rlimit none{0, 0};
    if (setrlimit(RLIMIT_RTPRIO, &none) < 0) fail(plan, ExecExitStatus::limits, errno, "set resource limits");
  }
  umask(plan.umask);
  if (int r = set_up_session_keyring(plan.keyring_mode, plan.keyring_uid, plan.keyring_gid,
                                     plan.has_invocation_id ? plan.invocation_id : nullptr);
      r < 0)
    fail(plan, ExecExitStatus::keyring, -r, "set up the kernel keyring");
  // systemd 252's exec_child() order from here: (without CAP_SYS_ADMIN) the
  // user namespace, so that the others can be made inside it; the network
  // and IPC namespaces; the mount and UTS namespaces; (with it) the user
  // namespace. User= was resolved above, outside all of them (a name
  // service may need the host's network). The groups come before the user
  // namespace, where setgroups() is denied.
  const bool private_users = plan.apply_sandboxing && plan.private_users;
  const uid_t service_uid = plan.change_credentials ? plan.uid : original_uid;
  const gid_t service_gid = plan.change_credentials ? plan.gid : original_gid;
  bool groups_set = false;
  bool user_namespace_set_up = false;
  if (private_users && !has_effective_capability(CAP_SYS_ADMIN)) {
    if (plan.change_credentials) {
      set_groups(plan);
      groups_set = true;
    }
    if (int r = set_up_private_users(original_uid, original_gid, service_uid, service_gid); r < 0)
      fail(plan, ExecExitStatus::user, -r, "set up user namespacing for unprivileged user");
    user_namespace_set_up = true;
  }
  // Not part of the sandboxing: '+' commands join them too (recorded:
  // conformance case private-network).
  enter_private_namespace(plan, plan.network_namespace_storage, CLONE_NEWNET);
  enter_private_namespace(plan, plan.ipc_namespace_storage, CLONE_NEWIPC);
  // The mounts are the sandboxing's only with it ('+' commands get their
  // binds and temporary file systems: namespace_mounts()).
  if (plan.mount_count > 0 || (plan.apply_sandboxing && plan.mount_namespace)) {
    // Only a refused namespace is let pass; half of one is a failure.
    // Mount points it makes get their own modes (systemd's setup_namespace()
    // runs under umask 0000), not UMask='s.
    umask(0);
    const int r = enter_mount_namespace(plan.mounts, plan.mount_count, plan.mount_propagation);
    umask(plan.umask);
    if (r < 0)
      fail(plan, ExecExitStatus::namespace_, -r, "set up the mount namespace");
    if (r == kNamespaceRefused && plan.insist_on_mount_namespace)
      fail(plan, ExecExitStatus::namespace_, EPERM, "set up the mount namespace its binds need");
  }
  if (plan.apply_sandboxing && plan.private_uts && unshare(CLONE_NEWUTS) < 0) {
    if (errno != EPERM && errno != EACCES && errno != EINVAL && errno != EOPNOTSUPP && errno != ENOSYS)
      fail(plan, ExecExitStatus::namespace_, errno, "set up UTS namespacing");
    Line line;
    line.add("vermiliond: ").add(plan.service_name).add(
        ": ProtectHostname=yes is configured, but UTS namespace setup is prohibited (container manager?), "
        "ignoring namespace setup.");
    line.write_to(STDERR_FILENO);
  }
  if (private_users && !user_namespace_set_up) {
    if (plan.change_credentials) {
      set_groups(plan);
      groups_set = true;
    }
    if (int r = set_up_private_users(original_uid, original_gid, service_uid, service_gid); r < 0)
      fail(plan, ExecExitStatus::user, -r, "set up user namespacing");
  }
  const bool ambient = plan.apply_sandboxing && plan.ambient_capabilities != 0;
  if (plan.apply_sandboxing && plan.capability_bounding_set != UINT64_MAX) {
    if (int r = drop_bounding_set(plan.capability_bounding_set); r < 0)
      fail(plan, ExecExitStatus::capabilities, -r, "drop capabilities");
  }
  if (ambient) {
    if (int r = apply_ambient_set(plan.ambient_capabilities, true); r < 0)
      fail(plan, ExecExitStatus::capabilities, -r, "apply ambient capabilities");
  }
  if (plan.change_credentials) {
    if (!groups_set) set_groups(plan);
    // systemd's enforce_user(): the permitted set survives leaving root, so
    // that the ambient capabilities can be raised again after it.
    if (ambient && plan.uid != 0) {
      int bits = prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);
      if (bits < 0 || prctl(PR_SET_SECUREBITS, bits | SECBIT_KEEP_CAPS, 0, 0, 0) < 0)
        fail(plan, ExecExitStatus::user, errno, "change user");
    }
    if (setresuid(plan.uid, plan.uid, plan.uid) < 0) fail(plan, ExecExitStatus::user, errno, "change user");
    if (ambient) {
      if (int r = apply_ambient_set(plan.ambient_capabilities, false); r < 0)
        fail(plan, ExecExitStatus::capabilities, -r, "apply ambient capabilities");
    }
  }
  if (chdir(plan.working_directory) < 0) {
    if (!plan.working_directory_optional) {
      fail(plan, ExecExitStatus::chdir, errno, "change directory to", plan.working_directory);
    }
    if (chdir("/") < 0) fail(plan, ExecExitStatus::chdir, errno, "change directory to", "/");
  }
  // With the sandboxing, as systemd 252's exec_child(): not for "+". A
  // seccomp filter needs no_new_privs unless the process (as it is now,
  // after User=) has CAP_SYS_ADMIN (context_has_no_new_privileges()).
  const bool wants_seccomp = plan.apply_sandboxing && !plan.seccomp.empty();
  const bool no_new_privileges =
      plan.no_new_privileges || (wants_seccomp && !has_effective_capability(CAP_SYS_ADMIN));
  const bool seccomp = wants_seccomp && seccomp_available();
  if (plan.apply_sandboxing && no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
    fail(plan, ExecExitStatus::no_new_privileges, errno, "set no_new_privs");
  }
  if (plan.program_lookup_errno != 0 || !plan.program) {
    fail(plan, ExecExitStatus::exec, plan.program_lookup_errno ? plan.program_lookup_errno : ENOENT, "execute",
         plan.program_as_written);
  }
  if (plan.listen_pid_value) {
    const std::size_t n = write_decimal(plan.listen_pid_value, static_cast<unsigned long>(getpid()));
    plan.listen_pid_value[n] = '\0';
  }
  // Last, so that as little of this code as may be runs under the filter.
  if (seccomp) {
    if (int r = load_seccomp_filter(plan.seccomp); r < 0) fail(plan, ExecExitStatus::seccomp, -r, "apply the seccomp filter");
  }
  execve(plan.program, plan.argv, plan.envp);
  fail(plan, ExecExitStatus::exec, errno, "execute", plan.program);
}

}  // namespace vermilion
