// Terminals for services (systemd.exec(5): StandardInput=tty, TTYPath=,
// TTYReset=, TTYVHangup=, TTYVTDisallocate=, TTYRows=, TTYColumns=), as
// systemd 252's terminal-util.c and exec_context_tty_reset() /
// exec_context_revert_tty() do them. Everything the forked child calls is
// async-signal-safe (no allocation); what the manager calls opens the
// terminal non-blocking and never sleeps, so that a terminal being hung up
// or a serial line without carrier cannot stall it.
#pragma once

#include <sys/types.h>

#include <climits>
#include <optional>
#include <string>
#include <string_view>

#include "units/unit_config.h"

namespace vermilion {

// How StandardInput= takes its terminal (systemd's AcquireTerminalFlags).
enum class AcquireTerminal {
  try_,   // tty-fail: fail (EPERM) if another session has it as its controlling terminal
  wait,   // tty: wait (inotify IN_CLOSE) until the other session closes it
  force,  // tty-force: take it away (TIOCSCTTY with force; needs CAP_SYS_ADMIN)
};

// systemd's open_terminal(): open(2) with `flags` (O_NOCTTY expected),
// retrying EIO (a terminal being hung up) 20 times 50 ms apart, unless
// `may_wait` is false (the manager never sleeps). The fd, or -errno;
// -ENOTTY when `path` is not a terminal.
[[nodiscard]] int open_terminal(const char* path, int flags, bool may_wait = true) noexcept;

// systemd's acquire_terminal(): opens `path` O_RDWR|O_NOCTTY|O_CLOEXEC and
// makes it the calling process's controlling terminal (the caller must
// lead a session of its own: setsid()), SIGHUP ignored meanwhile. The fd,
// or -errno (EPERM: another session has it, for try_, and for force
// without CAP_SYS_ADMIN).
[[nodiscard]] int acquire_terminal(const char* path, AcquireTerminal mode) noexcept;

// systemd 252's reset_terminal_fd(): exclusive mode off, text mode and the
// keyboard mode the VT driver defaults to (each only where `fd` is a VT),
// then sane termios settings (canonical, echoing, the usual control
// characters), input and output flushed. 0, or -errno from tcsetattr();
// -ENOTTY for a non-terminal.
int reset_terminal_fd(int fd, bool switch_to_text) noexcept;

// TIOCSWINSZ with TTYRows=/TTYColumns=; kTerminalSizeUnset leaves that one
// as the terminal has it, both unset does nothing. 0 or -errno.
inline constexpr unsigned kTerminalSizeUnset = UINT_MAX;
int set_terminal_size(int fd, unsigned rows, unsigned columns) noexcept;

// systemd's vt_disallocate(): /dev/tty0 is refused (EINVAL); a VT
// (/dev/ttyN, N 1..63) is deallocated
// through /dev/tty0 (VT_DISALLOCATE); any other terminal, or a VT still in
// use, has its screen and scroll-back cleared. Without `may_wait` the
// terminal is opened non-blocking and EIO is not retried. 0 or -errno.
int vt_disallocate(const char* path, bool may_wait) noexcept;

// systemd's chown_terminal(): when `fd` is a terminal, it becomes `uid`'s,
// mode 0620 (group unchanged). 0 (also for a non-terminal) or -errno.
int chown_terminal(int fd, uid_t uid) noexcept;

// exec_context_tty_path(): TTYPath=, or /dev/console.
[[nodiscard]] const char* terminal_path(const TerminalSettings& terminal) noexcept;

// exec_context_tty_reset(): TTYVHangup= (TIOCVHANGUP), TTYReset=
// (reset_terminal_fd()) and TTYVTDisallocate= on the terminal's path, in
// that order; failures are ignored, as systemd does. In the child right
// after setsid() (every command), and by the manager when the service is
// dead (`may_wait` false: nothing sleeps or blocks).
void reset_terminal_as_configured(const TerminalSettings& terminal, bool may_wait) noexcept;

// exec_context_revert_tty(), when a service has gone down: the reset
// above, then, if the service may have touched its terminal
// (may_touch_terminal()), the terminal back to root, group tty, mode 0620.
// The warning systemd logs (not a character device, chown refused), or ""
// (also when the path does not exist).
[[nodiscard]] std::string revert_terminal(const TerminalSettings& terminal, bool touches_terminal);

// is_terminal_output(): tty, or one of the +console kinds.
[[nodiscard]] bool is_terminal_output(const OutputTarget& output) noexcept;

// exec_context_may_touch_tty(): a TTY key set, or a terminal on stdin,
// stdout or stderr.
[[nodiscard]] bool may_touch_terminal(const ServiceConfig& config) noexcept;

// The $TERM a service gets (build_environment()), when it is on a terminal
// (exec_context_needs_term(): a terminal on stdin, stdout or stderr, or
// TTYPath= given): vermiliond's own $TERM when it is PID 1 and the
// terminal is /dev/console, else default_term_for_tty(). nullopt otherwise.
[[nodiscard]] std::optional<std::string> term_for_service(const ServiceConfig& config);

// resolve_dev_console(): the terminal /dev/console is now ("tty1",
// "ttyS0"; for tty0 the VT in front), from /sys/class/tty; nullopt when
// /sys cannot tell (read-only in a container, missing).
[[nodiscard]] std::optional<std::string> resolve_dev_console();

// exec_context_may_touch_console(): may_touch_terminal() on a terminal that
// may be the console (tty_may_match_dev_console(); unknown counts as may).
// Reads /sys; for a service that touches no terminal, nothing.
[[nodiscard]] bool may_touch_console(const ServiceConfig& config);

// default_term_for_tty(): "linux" for a VT (/dev/ttyN, or /dev/console when
// the kernel's console is one: /sys/class/tty/console/active), else "vt220".
[[nodiscard]] std::string default_term_for_tty(std::string_view path);

}  // namespace vermilion
