// vermilion-bridge: org.vermilion1 on the system or session bus, for a
// vermiliond that started it with a private link (VERMILION_BROKER_FD).
#include <signal.h>
#include <sys/signalfd.h>
#include <systemd/sd-daemon.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "bridge/bridge.h"
#include "bridge/event_loop.h"
#include "bridge/systemd1_server.h"
#include "common/unique_fd.h"

// Read only by the sanitizer runtime of the ASan build. vermiliond stops
// the bridge with SIGTERM and then SIGCONT, as systemd's kill_and_sigcont()
// does; a SIGCONT that arrives while LeakSanitizer's exit check is stopping
// the process discards the SIGSTOP its tracer waits for, and the bridge
// spins forever (seen: a stop hanging past 60 s, orphaned bridges at 30 %
// CPU for 20 minutes). So the supervised bridge skips the exit-time check;
// its code is leak-checked in-process by the bridge's tests, which link it.
extern "C" const char* __lsan_default_options() { return "detect_leaks=0"; }

namespace {

int link_fd_from_environment() {
  const char* text = std::getenv("VERMILION_BROKER_FD");
  if (!text) return -1;
  int fd = -1;
  std::string_view view(text);
  auto [ptr, ec] = std::from_chars(view.data(), view.data() + view.size(), fd);
  if (ec != std::errc() || ptr != view.data() + view.size() || fd < 3) return -1;
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"vermilion-bridge: org.vermilion1 on D-Bus, acting only through its capabilities"};
  bool user = false;
  bool system = false;
  bool systemd_compat = false;
  auto* user_flag = app.add_flag("--user", user, "Serve on the session bus (DBUS_SESSION_BUS_ADDRESS)");
  app.add_flag("--system", system, "Serve on the system bus (DBUS_SYSTEM_BUS_ADDRESS); the default")
      ->excludes(user_flag);
  app.add_flag("--systemd-compat", systemd_compat,
               "Also serve org.freedesktop.systemd1 (systemctl, Cockpit), with the same authority");
  app.set_version_flag("--version", VERMILION_VERSION);
  CLI11_PARSE(app, argc, argv);

  int link_fd = link_fd_from_environment();
  if (link_fd < 0) {
    std::fprintf(stderr, "vermilion-bridge runs under vermiliond: VERMILION_BROKER_FD is not set or not an fd\n");
    return 1;
  }
  // Only the link and the bus: the fd is ours from here on.
  unsetenv("VERMILION_BROKER_FD");

  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  sigprocmask(SIG_BLOCK, &stop_signals, nullptr);
  vermilion::unique_fd signal_fd(signalfd(-1, &stop_signals, SFD_CLOEXEC | SFD_NONBLOCK));
  if (!signal_fd) {
    std::perror("signalfd");
    return 1;
  }

  try {
    auto bus = user ? sdbus::createSessionBusConnection() : sdbus::createSystemBusConnection();
    std::unique_ptr<vermilion::bridge::Bridge> bridge;
    if (vermilion::bridge::Bridge::create(*bus, link_fd, VERMILION_VERSION, bridge) < 0) return 1;
    bus->requestName(vermilion::bridge::kBusName);
    std::fprintf(stderr, "serving %s on the %s bus\n", vermilion::bridge::kBusName, user ? "session" : "system");
    // The systemd face is an addition: when its name is taken (systemd
    // runs) or refused, org.vermilion1 is served all the same.
    std::unique_ptr<vermilion::bridge::Systemd1Server> systemd1;
    if (systemd_compat) (void)vermilion::bridge::Systemd1Server::create(*bridge, user, systemd1);
    std::string status = std::string("READY=1\nSTATUS=Serving org.vermilion1") +
                         (systemd1 ? " and org.freedesktop.systemd1" : "") + " on the " +
                         (user ? "session" : "system") + " bus";
    sd_notify(0, status.c_str());
    int r = vermilion::bridge::run_event_loop(*bus, bridge->link_bus(), systemd1 ? systemd1->bus() : nullptr,
                                              signal_fd.get());
    return r < 0 ? 1 : 0;
  } catch (const sdbus::Error& error) {
    std::fprintf(stderr, "vermilion-bridge: %s\n", error.what());
    return 1;
  }
}
