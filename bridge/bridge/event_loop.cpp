#include "bridge/event_loop.h"

#include <poll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <sdbus-c++/Error.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>

namespace vermilion::bridge {
namespace {

constexpr int kBatch = 64;

std::uint64_t monotonic_usec() {
  struct timespec now {};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1000000ULL + static_cast<std::uint64_t>(now.tv_nsec) / 1000ULL;
}

// poll(2)'s timeout in ms for the earliest absolute deadline (µs,
// CLOCK_MONOTONIC; UINT64_MAX: none). Rounded up, so a deadline is never
// polled for early and spun on.
int poll_timeout_ms(std::uint64_t deadline_usec) {
  if (deadline_usec == UINT64_MAX) return -1;
  std::uint64_t now = monotonic_usec();
  if (deadline_usec <= now) return 0;
  std::uint64_t ms = (deadline_usec - now + 999) / 1000;
  return static_cast<int>(std::min<std::uint64_t>(ms, 60 * 1000));
}

}  // namespace

int run_event_loop(sdbus::IConnection& bus, sd_bus* link, sd_bus* compat, int signal_fd) {
  for (;;) {
    // Turns: at most kBatch messages from each connection per round, so a
    // busy bus (reads are open to everyone) cannot starve the link, whose
    // unread messages vermiliond counts against the bridge.
    bool more = false;
    int r = 0;
    int done = 0;
    while (done < kBatch && (r = sd_bus_process(link, nullptr)) > 0) ++done;
    if (r < 0) {
      std::fprintf(stderr, "the link to vermiliond closed: %s\n", std::strerror(-r));
      return r;
    }
    more = more || done == kBatch;
    if (compat) {
      done = 0;
      while (done < kBatch && (r = sd_bus_process(compat, nullptr)) > 0) ++done;
      if (r < 0) {
        std::fprintf(stderr, "the org.freedesktop.systemd1 bus connection closed: %s\n", std::strerror(-r));
        return r;
      }
      more = more || done == kBatch;
    }
    try {
      done = 0;
      while (done < kBatch && bus.processPendingRequest()) ++done;
      more = more || done == kBatch;
    } catch (const sdbus::Error& error) {
      std::fprintf(stderr, "the bus connection failed: %s\n", error.what());
      return -ECONNRESET;
    }
    // Serving the bus may have queued calls on the link, and link replies may
    // have queued bus replies: poll asks for POLLOUT where that is so.
    auto bus_poll = bus.getEventLoopPollData();
    int link_events = sd_bus_get_events(link);
    std::uint64_t link_deadline = UINT64_MAX;
    if (link_events < 0 || sd_bus_get_timeout(link, &link_deadline) < 0) {
      std::fprintf(stderr, "the link to vermiliond closed\n");
      return -ECONNRESET;
    }
    std::uint64_t compat_deadline = UINT64_MAX;
    int compat_events = 0;
    if (compat) {
      compat_events = sd_bus_get_events(compat);
      if (compat_events < 0 || sd_bus_get_timeout(compat, &compat_deadline) < 0) {
        std::fprintf(stderr, "the org.freedesktop.systemd1 bus connection closed\n");
        return -ECONNRESET;
      }
    }
    struct pollfd fds[4] = {
        {bus_poll.fd, bus_poll.events, 0},
        {sd_bus_get_fd(link), static_cast<short>(link_events), 0},
        {signal_fd, POLLIN, 0},
        {compat ? sd_bus_get_fd(compat) : -1, static_cast<short>(compat_events), 0},
    };
    int timeout =
        more ? 0 : poll_timeout_ms(std::min({bus_poll.timeout_usec, link_deadline, compat_deadline}));
    if (poll(fds, compat ? 4 : 3, timeout) < 0 && errno != EINTR) return -errno;
    if (fds[2].revents & POLLIN) {
      struct signalfd_siginfo info {};
      if (read(signal_fd, &info, sizeof info) == sizeof info) {
        std::fprintf(stderr, "received %s, leaving the bus\n", strsignal(static_cast<int>(info.ssi_signo)));
        return 0;
      }
    }
  }
}

}  // namespace vermilion::bridge
