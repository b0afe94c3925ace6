// A private dbus-daemon per test (STYLE.md item 9): never the machine's own
// bus. Two flavours, both listening on <temp dir>/bus:
//
//   PrivateBus bus;                       // session-style: anyone owns and
//                                         // sends anything (session.conf)
//   PrivateBus bus(BusFlavour::system);   // system-style: system.conf's
//                                         // deny-by-default policy plus the
//                                         // repository's dbus-1/system.d/*.conf
//   ASSERT_TRUE(bus.ok()) << bus.error();
//
// The base policies are tests/data/bus/{session,system}.conf; the fixture
// writes a small top-level config into its temp dir that adds <listen>,
// includes the base policy, then (system) <includedir>s dbus-1/system.d
// of the source tree, then `extra_config` (XML inside <busconfig>; later
// rules win). dbus-daemon runs in the foreground (--nofork), with no <user>,
// pidfile, syslog or activation; its stdout/stderr go to <temp dir>/log
// (log()): as root it warns there that it cannot raise the fd limit, which
// is harmless, and it logs every denial there.
//
// Start-up waits on one event: dbus-daemon writes its address to a pipe
// (--print-address=3) once it listens. The temp dir is 0755 and dbus-daemon
// makes the socket 0777, so users such as nobody can connect. The child has
// PR_SET_PDEATHSIG(SIGKILL): it dies with the thread that made the fixture
// (gtest's main thread), so a crashed test leaves no daemon behind. The
// destructor kills it through a pidfd and reaps it; if someone else reaped
// it first (an in-process Supervisor set up as main() is, which reaps every
// child) that is fine too.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "subprocess.h"  // monotonic_ms()
#include "temp_dir.h"

namespace vermilion::testing {

enum class BusFlavour { session, system };

struct SdBusCloser {
  void operator()(sd_bus* bus) const { sd_bus_flush_close_unref(bus); }
};
using SdBusPtr = std::unique_ptr<sd_bus, SdBusCloser>;

// A client connection to `address` as this process's user; nullptr on failure.
inline SdBusPtr connect_bus(const std::string& address) {
  sd_bus* raw = nullptr;
  if (sd_bus_new(&raw) < 0) return nullptr;
  SdBusPtr bus(raw);
  if (sd_bus_set_address(raw, address.c_str()) < 0 || sd_bus_set_bus_client(raw, 1) < 0 || sd_bus_start(raw) < 0)
    return nullptr;
  return bus;
}

// Waits on `bus` until `name` is owned by someone other than `other_than`
// (or, with `want_owner` false, has no owner); returns the owner's unique
// name ("" for no owner), or nullopt when `timeout_ms` passed first.
// Event driven: a match on NameOwnerChanged for the name is installed
// (AddMatch is a round trip) before GetNameOwner asks, so no change between
// the two is missed.
inline std::optional<std::string> wait_name_owner(sd_bus* bus, const std::string& name, bool want_owner,
                                                  const std::string& other_than, int timeout_ms) {
  struct State {
    std::string owner;
  } state;
  auto on_change = [](sd_bus_message* m, void* userdata, sd_bus_error*) -> int {
    const char *changed = nullptr, *old_owner = nullptr, *new_owner = nullptr;
    if (sd_bus_message_read(m, "sss", &changed, &old_owner, &new_owner) >= 0)
      static_cast<State*>(userdata)->owner = new_owner;
    return 0;
  };
  const std::string match =
      "type='signal',sender='org.freedesktop.DBus',path='/org/freedesktop/DBus',"
      "interface='org.freedesktop.DBus',member='NameOwnerChanged',arg0='" + name + "'";
  sd_bus_slot* raw_slot = nullptr;
  if (sd_bus_add_match(bus, &raw_slot, match.c_str(), on_change, &state) < 0) return std::nullopt;
  std::unique_ptr<sd_bus_slot, decltype(&sd_bus_slot_unref)> slot(raw_slot, &sd_bus_slot_unref);

  sd_bus_error error = SD_BUS_ERROR_NULL;
  sd_bus_message* reply = nullptr;
  if (sd_bus_call_method(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                         "GetNameOwner", &error, &reply, "s", name.c_str()) >= 0) {
    const char* owner = nullptr;
    if (sd_bus_message_read(reply, "s", &owner) >= 0) state.owner = owner;
  }
  sd_bus_message_unref(reply);
  sd_bus_error_free(&error);  // NameHasNoOwner: state.owner stays ""

  auto done = [&] { return want_owner ? !state.owner.empty() && state.owner != other_than : state.owner.empty(); };
  const long long deadline = monotonic_ms() + timeout_ms;
  while (!done()) {
    int r = sd_bus_process(bus, nullptr);
    if (r < 0) return std::nullopt;
    if (r > 0) continue;
    long long left = deadline - monotonic_ms();
    if (left <= 0) return std::nullopt;
    if (sd_bus_wait(bus, static_cast<std::uint64_t>(left) * 1000u) < 0) return std::nullopt;
  }
  return state.owner;
}

class PrivateBus {
 public:
  // `systemd_activation`: dbus-daemon --systemd-activation, which asks
  // org.freedesktop.systemd1 to start the unit a service file names
  // (SystemdService=) instead of running its Exec=.
  explicit PrivateBus(BusFlavour flavour = BusFlavour::session, const std::string& extra_config = {},
                      bool systemd_activation = false)
      : flavour_(flavour), systemd_activation_(systemd_activation) {
    const std::string base = std::string(VERMILION_TEST_DATA_DIR) + "/bus/" +
                             (flavour == BusFlavour::system ? "system.conf" : "session.conf");
    std::string config =
        "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
        " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
        "<busconfig>\n"
        "  <listen>unix:path=" + xml_escape(socket_path()) + "</listen>\n"
        "  <include>" + xml_escape(base) + "</include>\n";
    if (flavour == BusFlavour::system)
      config += "  <includedir>" + xml_escape(std::string(VERMILION_SOURCE_DIR) + "/dbus-1/system.d") +
                "</includedir>\n";
    config += extra_config + "\n</busconfig>\n";
    dir_.write("bus.conf", config);
    start();
  }
  ~PrivateBus() {
    if (pidfd_ < 0) return;
    syscall(SYS_pidfd_send_signal, pidfd_, SIGKILL, nullptr, 0);
    siginfo_t info{};
    while (waitid(kPidfdType, static_cast<id_t>(pidfd_), &info, WEXITED) < 0 && errno == EINTR) {
    }
    close(pidfd_);
  }
  PrivateBus(const PrivateBus&) = delete;
  PrivateBus& operator=(const PrivateBus&) = delete;

  // Whether dbus-daemon started and gave its address; else error() says why.
  [[nodiscard]] bool ok() const { return !address_.empty(); }
  [[nodiscard]] const std::string& error() const { return error_; }
  // The address as dbus-daemon printed it: "unix:path=...,guid=...".
  [[nodiscard]] const std::string& address() const { return address_; }
  [[nodiscard]] BusFlavour flavour() const { return flavour_; }
  // "DBUS_SYSTEM_BUS_ADDRESS=..." or "DBUS_SESSION_BUS_ADDRESS=...": what a
  // child (the bridge) needs in its environment to find this bus through
  // sd_bus_open_system()/sd_bus_open_user().
  [[nodiscard]] std::string environment_assignment() const {
    return std::string(flavour_ == BusFlavour::system ? "DBUS_SYSTEM_BUS_ADDRESS=" : "DBUS_SESSION_BUS_ADDRESS=") +
           address_;
  }
  [[nodiscard]] std::string socket_path() const { return dir_.file("bus"); }
  [[nodiscard]] std::string config_path() const { return dir_.file("bus.conf"); }
  [[nodiscard]] pid_t pid() const { return pid_; }
  // Everything dbus-daemon wrote to stdout/stderr so far.
  [[nodiscard]] std::string log() const {
    std::ifstream in(dir_.file("log"));
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  // A client connection as this process's user; nullptr on failure.
  [[nodiscard]] SdBusPtr connect() const { return connect_bus(address_); }

  // The unique name of `name`'s owner once it has one other than
  // `other_than` (a restarted owner: pass the old one), or nullopt after
  // `timeout_ms`. Waits on NameOwnerChanged, through its own connection.
  [[nodiscard]] std::optional<std::string> wait_for_owner(const std::string& name, int timeout_ms = 20000,
                                                          const std::string& other_than = {}) const {
    SdBusPtr bus = connect();
    if (!bus) return std::nullopt;
    return wait_name_owner(bus.get(), name, true, other_than, timeout_ms);
  }
  // True once `name` has no owner, false after `timeout_ms`.
  [[nodiscard]] bool wait_for_no_owner(const std::string& name, int timeout_ms = 20000) const {
    SdBusPtr bus = connect();
    return bus && wait_name_owner(bus.get(), name, false, {}, timeout_ms).has_value();
  }

 private:
  static constexpr idtype_t kPidfdType = static_cast<idtype_t>(3);  // P_PIDFD (Linux 5.4)

  static std::string xml_escape(const std::string& text) {
    std::string out;
    for (char c : text) {
      switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        default: out += c;
      }
    }
    return out;
  }

  // An O_CLOEXEC duplicate of `fd` numbered 4 or higher, so the child's
  // dup2() onto 0-3 can never overwrite a source it still needs.
  static int above_three(int fd) {
    int high = fcntl(fd, F_DUPFD_CLOEXEC, 4);
    close(fd);
    return high;
  }

  void start() {
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) < 0) {
      error_ = std::string("pipe2: ") + std::strerror(errno);
      return;
    }
    const int address_in = above_three(pipe_fds[0]);
    const int address_out = above_three(pipe_fds[1]);
    const int log_fd = above_three(open(dir_.file("log").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    const int null_fd = above_three(open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (address_in < 0 || address_out < 0 || log_fd < 0 || null_fd < 0) {
      error_ = "could not set up the daemon's fds";
      for (int fd : {address_in, address_out, log_fd, null_fd})
        if (fd >= 0) close(fd);
      return;
    }

    // Everything the child needs is built before fork(): between fork and
    // exec it only makes async-signal-safe calls.
    const std::string program = "/usr/bin/dbus-daemon";
    const std::string config_arg = "--config-file=" + config_path();
    std::vector<char*> argv = {const_cast<char*>(program.c_str()), const_cast<char*>(config_arg.c_str()),
                               const_cast<char*>("--nofork"), const_cast<char*>("--print-address=3")};
    if (systemd_activation_) argv.push_back(const_cast<char*>("--systemd-activation"));
    argv.push_back(nullptr);
    const pid_t parent = getpid();
    sigset_t none;
    sigemptyset(&none);
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;

    pid_ = fork();
    if (pid_ == 0) {
      if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent) _exit(127);
      if (dup2(null_fd, 0) < 0 || dup2(log_fd, 1) < 0 || dup2(log_fd, 2) < 0 || dup2(address_out, 3) < 0)
        _exit(127);
      close_range(4, ~0U, 0);
      sigprocmask(SIG_SETMASK, &none, nullptr);  // inherit no blocked signals
      sigaction(SIGPIPE, &default_action, nullptr);  // nor an ignored SIGPIPE
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(address_out);
    close(log_fd);
    close(null_fd);
    if (pid_ < 0) {
      error_ = std::string("fork: ") + std::strerror(errno);
      close(address_in);
      return;
    }
    pidfd_ = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
    if (pidfd_ < 0) {  // cannot happen for our own unreaped child; be safe
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      error_ = std::string("pidfd_open: ") + std::strerror(errno);
      close(address_in);
      return;
    }

    // The one wait: dbus-daemon prints its address once it listens.
    std::string printed;
    const long long deadline = monotonic_ms() + 20000;
    while (printed.find('\n') == std::string::npos) {
      long long left = deadline - monotonic_ms();
      pollfd p{address_in, POLLIN, 0};
      if (left <= 0 || poll(&p, 1, static_cast<int>(left)) <= 0) {
        error_ = "dbus-daemon printed no address in time";
        break;
      }
      char buf[512];
      ssize_t n = read(address_in, buf, sizeof buf);
      if (n <= 0) {
        error_ = "dbus-daemon exited before printing its address";
        break;
      }
      printed.append(buf, static_cast<std::size_t>(n));
    }
    close(address_in);
    if (error_.empty()) {
      address_ = printed.substr(0, printed.find('\n'));
    } else {
      error_ += " (config " + config_path() + "); its log:\n" + log();
    }
  }

  TempDir dir_;
  BusFlavour flavour_;
  bool systemd_activation_ = false;
  pid_t pid_ = -1;
  int pidfd_ = -1;
  std::string address_;
  std::string error_;
};

}  // namespace vermilion::testing
