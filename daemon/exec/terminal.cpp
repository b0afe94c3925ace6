#include "exec/terminal.h"

#include <fcntl.h>
#include <linux/kd.h>
#include <linux/vt.h>
#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "platform/file_io.h"

namespace vermilion {
namespace {

constexpr gid_t kTtyGid = 5;  // systemd's TTY_GID (Debian's "tty" group)
constexpr mode_t kTtyMode = 0620;

// "/dev/ttyN" with N in 0..63, a virtual console (vtnr_from_tty()): N,
// else -1.
int vc_number(std::string_view path) noexcept {
  if (!path.starts_with("/dev/tty")) return -1;
  std::string_view digits = path.substr(8);
  if (digits.empty() || digits.size() > 2) return -1;
  int n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return -1;
    n = n * 10 + (c - '0');
  }
  return n <= 63 ? n : -1;
}

// Opens `path` non-blocking (as terminal_vhangup() and reset_terminal()
// do) and applies `act` to it; nothing if it cannot be opened.
template <typename Act>
void on_terminal(const char* path, bool may_wait, Act act) noexcept {
  int fd = open_terminal(path, O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK, may_wait);
  if (fd < 0) return;
  act(fd);
  close(fd);
}

}  // namespace

int open_terminal(const char* path, int flags, bool may_wait) noexcept {
  // A terminal being hung up answers EIO for a moment.
  int fd = -1;
  for (int attempt = 0;; ++attempt) {
    fd = open(path, flags, 0);
    if (fd >= 0) break;
    if (errno != EIO || !may_wait || attempt >= 20) return -errno;
    const timespec pause{0, 50'000'000};
    nanosleep(&pause, nullptr);
  }
  if (!isatty(fd)) {
    close(fd);
    return -ENOTTY;
  }
  return fd;
}

int acquire_terminal(const char* path, AcquireTerminal mode) noexcept {
  // The watch comes first, so that a close between a refused TIOCSCTTY and
  // the wait is not missed.
  int notify = -1;
  if (mode == AcquireTerminal::wait) {
    notify = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (notify < 0) return -errno;
    if (inotify_add_watch(notify, path, IN_CLOSE) < 0) {
      const int error = errno;
      close(notify);
      return -error;
    }
  }
  alignas(inotify_event) char events[sizeof(inotify_event) + NAME_MAX + 1];
  for (;;) {
    // Our own close of the last attempt is an event too: drop those.
    if (notify >= 0)
      while (read(notify, events, sizeof events) > 0) {
      }
    int fd = open_terminal(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
      if (notify >= 0) close(notify);
      return fd;
    }
    // Taking a terminal from another session sends SIGHUP to it, and to
    // us if we already had one.
    struct sigaction ignore {}, old {};
    ignore.sa_handler = SIG_IGN;
    ignore.sa_flags = SA_RESTART;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGHUP, &ignore, &old);
    const int r = ioctl(fd, TIOCSCTTY, mode == AcquireTerminal::force ? 1 : 0);
    const int error = errno;
    sigaction(SIGHUP, &old, nullptr);
    if (r >= 0) {
      if (notify >= 0) close(notify);
      return fd;
    }
    if (error != EPERM || mode != AcquireTerminal::wait) {
      close(fd);
      if (notify >= 0) close(notify);
      return -error;
    }
    // Another session has it: wait until someone else closes it (ours
    // stays open meanwhile, or its close would wake us), then retry.
    pollfd wait_for{notify, POLLIN, 0};
    int polled;
    do polled = poll(&wait_for, 1, -1);
    while (polled < 0 && errno == EINTR);
    const int poll_error = errno;
    close(fd);
    if (polled < 0) {
      close(notify);
      return -poll_error;
    }
  }
}

int reset_terminal_fd(int fd, bool switch_to_text) noexcept {
  if (!isatty(fd)) return -ENOTTY;
  // These fail on anything but a VT; systemd ignores that.
  (void)ioctl(fd, TIOCNXCL);
  if (switch_to_text) (void)ioctl(fd, KDSETMODE, KD_TEXT);
  int utf8 = 1;
  if (int param = open("/sys/module/vt/parameters/default_utf8", O_RDONLY | O_CLOEXEC | O_NONBLOCK); param >= 0) {
    char c = '1';
    if (read(param, &c, 1) == 1) utf8 = c != '0';
    close(param);
  }
  (void)ioctl(fd, KDSKBMODE, utf8 ? K_UNICODE : K_XLATE);
  termios settings{};
  int r = 0;
  if (tcgetattr(fd, &settings) < 0) {
    r = -errno;
  } else {
    settings.c_iflag &= ~static_cast<tcflag_t>(IGNBRK | BRKINT | ISTRIP | INLCR | IGNCR | IUCLC);
    settings.c_iflag |= ICRNL | IMAXBEL | IUTF8;
    settings.c_oflag |= ONLCR | OPOST;
    settings.c_cflag |= CREAD;
    settings.c_lflag = ISIG | ICANON | IEXTEN | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE;
    settings.c_cc[VINTR] = 03;
    settings.c_cc[VQUIT] = 034;
    settings.c_cc[VERASE] = 0177;
    settings.c_cc[VKILL] = 025;
    settings.c_cc[VEOF] = 04;
    settings.c_cc[VSTART] = 021;
    settings.c_cc[VSTOP] = 023;
    settings.c_cc[VSUSP] = 032;
    settings.c_cc[VLNEXT] = 026;
    settings.c_cc[VWERASE] = 027;
    settings.c_cc[VREPRINT] = 022;
    settings.c_cc[VEOL] = 0;
    settings.c_cc[VEOL2] = 0;
    settings.c_cc[VTIME] = 0;
    settings.c_cc[VMIN] = 1;
    if (tcsetattr(fd, TCSANOW, &settings) < 0) r = -errno;
  }
  (void)tcflush(fd, TCIOFLUSH);
  return r;
}

int set_terminal_size(int fd, unsigned rows, unsigned columns) noexcept {
  if (rows == kTerminalSizeUnset && columns == kTerminalSizeUnset) return 0;
  winsize size{};
  if (ioctl(fd, TIOCGWINSZ, &size) < 0) return -errno;
  // terminal_set_size_fd() clamps what winsize cannot hold.
  if (rows != kTerminalSizeUnset) size.ws_row = static_cast<unsigned short>(rows > USHRT_MAX ? USHRT_MAX : rows);
  if (columns != kTerminalSizeUnset)
    size.ws_col = static_cast<unsigned short>(columns > USHRT_MAX ? USHRT_MAX : columns);
  return ioctl(fd, TIOCSWINSZ, &size) < 0 ? -errno : 0;
}

int vt_disallocate(const char* path, bool may_wait) noexcept {
  if (std::strncmp(path, "/dev/", 5) != 0) return -EINVAL;
  const int vt = vc_number(path);
  if (vt == 0) return -EINVAL;  // tty0 is whichever VT is in front: not one to deallocate
  if (vt > 0) {
    int console = open_terminal("/dev/tty0", O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK, may_wait);
    if (console < 0) return console;
    const int r = ioctl(console, VT_DISALLOCATE, vt);
    const int error = errno;
    close(console);
    if (r >= 0) return 0;
    if (error != EBUSY) return -error;
  }
  // Not a VT, or one still in use: clear the screen and its scroll-back.
  int fd = open_terminal(path, O_RDWR | O_NOCTTY | O_CLOEXEC | (may_wait ? 0 : O_NONBLOCK), may_wait);
  if (fd < 0) return fd;
  static constexpr char kClear[] = "\033[r\033[H\033[3J";
  (void)write_all(fd, kClear, sizeof kClear - 1);
  close(fd);
  return 0;
}

int chown_terminal(int fd, uid_t uid) noexcept {
  if (!isatty(fd)) return 0;
  struct stat st {};
  if (fstat(fd, &st) < 0) return -errno;
  if (st.st_uid == uid && (st.st_mode & 07777) == kTtyMode) return 0;
  if (fchmod(fd, kTtyMode) < 0 || fchown(fd, uid, static_cast<gid_t>(-1)) < 0) return -errno;
  return 0;
}

const char* terminal_path(const TerminalSettings& terminal) noexcept {
  return terminal.path.empty() ? "/dev/console" : terminal.path.c_str();
}

void reset_terminal_as_configured(const TerminalSettings& terminal, bool may_wait) noexcept {
  const char* path = terminal_path(terminal);
  if (terminal.vhangup) on_terminal(path, may_wait, [](int fd) { (void)ioctl(fd, TIOCVHANGUP); });
  if (terminal.reset) on_terminal(path, may_wait, [](int fd) { (void)reset_terminal_fd(fd, true); });
  if (terminal.vt_disallocate) (void)vt_disallocate(path, may_wait);
}

std::string revert_terminal(const TerminalSettings& terminal, bool touches_terminal) {
  reset_terminal_as_configured(terminal, false);
  if (!touches_terminal) return "";
  const char* path = terminal_path(terminal);
  // O_PATH: opening a terminal itself has side effects.
  int fd = open(path, O_PATH | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return "";
    return std::string("Failed to open TTY inode of '") + path + "' to adjust ownership/access mode, ignoring: " +
           std::strerror(errno);
  }
  struct stat st {};
  if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode)) {
    close(fd);
    return std::string("Configured TTY '") + path + "' is not actually a character device, ignoring.";
  }
  // fchmod()/fchown() refuse O_PATH fds; through /proc it is the inode opened.
  const std::string via = "/proc/self/fd/" + std::to_string(fd);
  std::string warning;
  if (chmod(via.c_str(), kTtyMode) < 0 || chown(via.c_str(), 0, kTtyGid) < 0)
    warning = std::string("Failed to reset TTY ownership/access mode of ") + path + ", ignoring: " + std::strerror(errno);
  close(fd);
  return warning;
}

bool is_terminal_output(const OutputTarget& output) noexcept {
  return output.kind == OutputKind::tty || output.console;
}

bool may_touch_terminal(const ServiceConfig& config) noexcept {
  const TerminalSettings& t = config.terminal;
  return t.reset || t.vhangup || t.vt_disallocate || is_terminal_input(config.standard_input) ||
         is_terminal_output(config.standard_output) || is_terminal_output(config.standard_error);
}

std::optional<std::string> term_for_service(const ServiceConfig& config) {
  const bool needs_term = is_terminal_input(config.standard_input) || is_terminal_output(config.standard_output) ||
                          is_terminal_output(config.standard_error) || !config.terminal.path.empty();
  if (!needs_term) return std::nullopt;
  const char* path = terminal_path(config.terminal);
  if (getpid() == 1 && std::strcmp(path, "/dev/console") == 0) {
    if (const char* own = std::getenv("TERM")) return std::string(own);
  }
  return default_term_for_tty(path);
}

std::optional<std::string> resolve_dev_console() {
  // A read-only /sys (a container) says nothing about this machine's console.
  struct statvfs sys {};
  if (statvfs("/sys", &sys) == 0 && (sys.f_flag & ST_RDONLY)) return std::nullopt;
  // The last of the active consoles; tty0 means the foreground VT.
  std::string active;
  std::ifstream console("/sys/class/tty/console/active");
  for (std::string word; console >> word;) active = word;
  if (active.empty()) return std::nullopt;
  if (active == "tty0") {
    std::ifstream tty0("/sys/class/tty/tty0/active");
    if (!(tty0 >> active)) return std::nullopt;
  }
  return active;
}

std::string default_term_for_tty(std::string_view path) {
  if (path == "/dev/console") {
    auto active = resolve_dev_console();
    return active && vc_number("/dev/" + *active) >= 0 ? "linux" : "vt220";
  }
  return vc_number(path) >= 0 ? "linux" : "vt220";
}

bool may_touch_console(const ServiceConfig& config) {
  if (!may_touch_terminal(config)) return false;
  // tty_may_match_dev_console(): the console itself, or what it resolves to
  // (tty0 is whichever VT is in front); unknown counts as may.
  std::string_view tty = terminal_path(config.terminal);
  if (tty.starts_with("/dev/")) tty.remove_prefix(5);
  if (tty == "console") return true;
  auto active = resolve_dev_console();
  if (!active) return true;
  return *active == tty || (*active == "tty0" && vc_number("/dev/" + std::string(tty)) >= 0);
}

}  // namespace vermilion
