// exec/terminal.h on real pseudo-terminals: acquiring one as controlling
// terminal in each StandardInput= mode, the TTY keys' resets, and handing
// the terminal to a user and back.
#include "exec/terminal.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <climits>
#include <fstream>
#include <string>

#include "blocked_in_poll.h"
#include "common/unique_fd.h"
#include "pty.h"
#include "temp_dir.h"

namespace vermilion {
namespace {

using testing::Pty;
using testing::TerminalHolder;

// In a forked child leading a session of its own: acquire_terminal(), then
// 0 if the terminal is now its controlling terminal, else the errno (as
// the exit status).
pid_t acquire_in_child(const std::string& path, AcquireTerminal mode) {
  pid_t pid = fork();
  if (pid == 0) {
    // Not the holder's release pipe: it must see EOF when the test lets go.
    close_range(3, ~0U, 0);
    if (setsid() < 0) _exit(100);
    int fd = acquire_terminal(path.c_str(), mode);
    if (fd < 0) _exit(-fd);
    _exit(tcgetsid(fd) == getsid(0) ? 0 : 101);
  }
  return pid;
}

int exit_status(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(TerminalTest, OpenTerminalRefusesWhatIsNotATerminal) {
  EXPECT_EQ(open_terminal("/dev/null", O_RDWR | O_NOCTTY | O_CLOEXEC), -ENOTTY);
  EXPECT_EQ(open_terminal("/nonexistent-terminal", O_RDWR | O_NOCTTY | O_CLOEXEC), -ENOENT);
}

TEST(TerminalTest, AFreeTerminalBecomesTheControllingTerminalInEveryMode) {
  Pty pty;
  ASSERT_TRUE(pty.ok());
  for (AcquireTerminal mode : {AcquireTerminal::try_, AcquireTerminal::wait, AcquireTerminal::force})
    EXPECT_EQ(exit_status(acquire_in_child(pty.path(), mode)), 0) << static_cast<int>(mode);
}

TEST(TerminalTest, TtyFailGivesUpWhenAnotherSessionHasIt) {
  Pty pty;
  ASSERT_TRUE(pty.ok());
  TerminalHolder holder(pty.path());
  ASSERT_TRUE(holder.held());
  EXPECT_EQ(exit_status(acquire_in_child(pty.path(), AcquireTerminal::try_)), EPERM);
}

TEST(TerminalTest, TtyForceTakesItAway) {
  if (geteuid() != 0) GTEST_SKIP() << "TIOCSCTTY with force needs CAP_SYS_ADMIN";
  Pty pty;
  ASSERT_TRUE(pty.ok());
  TerminalHolder holder(pty.path());
  ASSERT_TRUE(holder.held());
  EXPECT_EQ(exit_status(acquire_in_child(pty.path(), AcquireTerminal::force)), 0);
}

TEST(TerminalTest, TtyWaitsUntilTheOtherSessionLetsGo) {
  Pty pty;
  ASSERT_TRUE(pty.ok());
  TerminalHolder holder(pty.path());
  ASSERT_TRUE(holder.held());
  pid_t waiter = acquire_in_child(pty.path(), AcquireTerminal::wait);
  // It has been refused once and waits for the terminal to be closed.
  while (!testing::blocked_in_poll(waiter)) {
    int status = 0;
    ASSERT_EQ(waitpid(waiter, &status, WNOHANG), 0) << "the waiter ended while the terminal was held";
    sched_yield();
  }
  int status = 0;
  ASSERT_EQ(waitpid(waiter, &status, WNOHANG), 0);
  holder.release();
  EXPECT_EQ(exit_status(waiter), 0);
}

TEST(TerminalTest, ResetRestoresSaneSettings) {
  Pty pty;
  ASSERT_TRUE(pty.ok());
  unique_fd fd(open(pty.path().c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC));
  ASSERT_GE(fd.get(), 0);
  termios settings{};
  ASSERT_EQ(tcgetattr(fd.get(), &settings), 0);
  settings.c_lflag &= ~static_cast<tcflag_t>(ECHO | ICANON);
  settings.c_iflag |= IGNCR;
  settings.c_cc[VERASE] = 'x';
  ASSERT_EQ(tcsetattr(fd.get(), TCSANOW, &settings), 0);

  EXPECT_EQ(reset_terminal_fd(fd.get(), true), 0);
  ASSERT_EQ(tcgetattr(fd.get(), &settings), 0);
  EXPECT_EQ(settings.c_lflag, static_cast<tcflag_t>(ISIG | ICANON | IEXTEN | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE));
  EXPECT_EQ(settings.c_iflag & IGNCR, 0u);
  EXPECT_NE(settings.c_iflag & ICRNL, 0u);
  EXPECT_EQ(settings.c_cc[VERASE], 0177);
  EXPECT_EQ(settings.c_cc[VMIN], 1);

  unique_fd null(open("/dev/null", O_RDWR | O_CLOEXEC));
  EXPECT_EQ(reset_terminal_fd(null.get(), true), -ENOTTY);
}

TEST(TerminalTest, SizeSetsWhatIsGivenAndKeepsTheRest) {
  Pty pty;
  ASSERT_TRUE(pty.ok());
  unique_fd fd(open(pty.path().c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC));
  ASSERT_GE(fd.get(), 0);
  winsize size{};
  size.ws_row = 10;
  size.ws_col = 20;
  ASSERT_EQ(ioctl(fd.get(), TIOCSWINSZ, &size), 0);
  EXPECT_EQ(set_terminal_size(fd.get(), 40, kTerminalSizeUnset), 0);
  ASSERT_EQ(ioctl(fd.get(), TIOCGWINSZ, &size), 0);
  EXPECT_EQ(size.ws_row, 40);
  EXPECT_EQ(size.ws_col, 20);
  EXPECT_EQ(set_terminal_size(fd.get(), kTerminalSizeUnset, 132), 0);
  ASSERT_EQ(ioctl(fd.get(), TIOCGWINSZ, &size), 0);
  EXPECT_EQ(size.ws_row, 40);
  EXPECT_EQ(size.ws_col, 132);
  EXPECT_EQ(set_terminal_size(fd.get(), 70000, kTerminalSizeUnset), 0);
  ASSERT_EQ(ioctl(fd.get(), TIOCGWINSZ, &size), 0);
  EXPECT_EQ(size.ws_row, USHRT_MAX) << "clamped, not wrapped";
}

TEST(TerminalTest, VtDisallocateOfATerminalThatIsNoVtClearsItsScreen) {
  Pty pty;
  ASSERT_TRUE(pty.ok());
  // The slave must be open for what is written to it to reach the master.
  unique_fd keep(open(pty.path().c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC));
  ASSERT_GE(keep.get(), 0);
  termios raw{};
  ASSERT_EQ(tcgetattr(keep.get(), &raw), 0);
  cfmakeraw(&raw);
  ASSERT_EQ(tcsetattr(keep.get(), TCSANOW, &raw), 0);
  EXPECT_EQ(vt_disallocate(pty.path().c_str(), false), 0);
  EXPECT_EQ(pty.read_until("\033[3J"), "\033[r\033[H\033[3J");
  EXPECT_EQ(vt_disallocate("relative/tty", false), -EINVAL);
  EXPECT_EQ(vt_disallocate("/dev/tty0", false), -EINVAL) << "the VT in front is not one to deallocate";
}

TEST(TerminalTest, VhangupCutsOffWhoeverHadTheTerminalOpen) {
  Pty pty;
  ASSERT_TRUE(pty.ok());
  unique_fd before(open(pty.path().c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC));
  ASSERT_GE(before.get(), 0);
  ASSERT_EQ(write(before.get(), "a", 1), 1);
  TerminalSettings settings;
  settings.path = pty.path();
  settings.vhangup = true;
  reset_terminal_as_configured(settings, false);
  errno = 0;
  EXPECT_EQ(write(before.get(), "b", 1), -1);
  EXPECT_EQ(errno, EIO);
}

TEST(TerminalTest, TheTerminalGoesToTheUserAndBackToRoot) {
  if (geteuid() != 0) GTEST_SKIP() << "chown needs root";
  Pty pty;
  ASSERT_TRUE(pty.ok());
  unique_fd fd(open(pty.path().c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC));
  ASSERT_GE(fd.get(), 0);
  struct stat st {};
  EXPECT_EQ(chown_terminal(fd.get(), 65534), 0);
  ASSERT_EQ(stat(pty.path().c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 65534u);
  EXPECT_EQ(st.st_mode & 07777, 0620u);

  TerminalSettings settings;
  settings.path = pty.path();
  EXPECT_EQ(revert_terminal(settings, false), "") << "nothing touched it: nothing to revert";
  ASSERT_EQ(stat(pty.path().c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 65534u);
  EXPECT_EQ(revert_terminal(settings, true), "");
  ASSERT_EQ(stat(pty.path().c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 0u);
  EXPECT_EQ(st.st_gid, 5u);
  EXPECT_EQ(st.st_mode & 07777, 0620u);

  // Not a terminal: left alone.
  unique_fd null(open("/dev/null", O_RDWR | O_CLOEXEC));
  EXPECT_EQ(chown_terminal(null.get(), 65534), 0);
  ASSERT_EQ(stat("/dev/null", &st), 0);
  EXPECT_EQ(st.st_uid, 0u);
}

TEST(TerminalTest, RevertWarnsAboutWhatIsNoTerminalAndIgnoresWhatIsMissing) {
  testing::TempDir dir;
  dir.write("file", "");
  TerminalSettings settings;
  settings.path = dir.file("file");
  EXPECT_EQ(revert_terminal(settings, true),
            "Configured TTY '" + settings.path + "' is not actually a character device, ignoring.");
  struct stat st {};
  ASSERT_EQ(stat(settings.path.c_str(), &st), 0);
  EXPECT_NE(st.st_mode & 07777, 0620u);
  settings.path = dir.file("missing");
  EXPECT_EQ(revert_terminal(settings, true), "");
}

TEST(TerminalTest, TermIsLinuxOnAVirtualConsoleAndVt220Elsewhere) {
  EXPECT_EQ(default_term_for_tty("/dev/tty3"), "linux");
  EXPECT_EQ(default_term_for_tty("/dev/tty0"), "linux");
  EXPECT_EQ(default_term_for_tty("/dev/tty63"), "linux");
  EXPECT_EQ(default_term_for_tty("/dev/tty64"), "vt220");
  EXPECT_EQ(default_term_for_tty("/dev/ttyS0"), "vt220");
  EXPECT_EQ(default_term_for_tty("/dev/pts/1"), "vt220");

  ServiceConfig config;
  EXPECT_FALSE(term_for_service(config).has_value()) << "no terminal, no $TERM";
  config.terminal.path = "/dev/tty5";
  EXPECT_EQ(term_for_service(config), "linux") << "TTYPath= alone asks for $TERM";
  config.terminal.path.clear();
  config.standard_output.kind = OutputKind::tty;
  EXPECT_TRUE(term_for_service(config).has_value()) << "/dev/console: whatever the kernel's console is";
  config.standard_output = {OutputKind::journal, {}, true};
  EXPECT_TRUE(term_for_service(config).has_value()) << "journal+console is a terminal output";
}

TEST(TerminalTest, MayTouchTheTerminalWithAnyTtyKeyOrTerminalStream) {
  ServiceConfig config;
  EXPECT_FALSE(may_touch_terminal(config));
  config.terminal.path = "/dev/tty5";
  EXPECT_FALSE(may_touch_terminal(config)) << "TTYPath= alone touches nothing";
  for (auto change : {+[](ServiceConfig& c) { c.terminal.reset = true; },
                      +[](ServiceConfig& c) { c.terminal.vhangup = true; },
                      +[](ServiceConfig& c) { c.terminal.vt_disallocate = true; },
                      +[](ServiceConfig& c) { c.standard_input = InputKind::tty_fail; },
                      +[](ServiceConfig& c) { c.standard_output.kind = OutputKind::tty; },
                      +[](ServiceConfig& c) { c.standard_error.kind = OutputKind::tty; },
                      +[](ServiceConfig& c) { c.standard_output.console = true; }}) {
    ServiceConfig changed = config;
    change(changed);
    EXPECT_TRUE(may_touch_terminal(changed));
  }
}

}  // namespace
}  // namespace vermilion
