// Soak 3: N start/stop cycles (default 10 000) and M daemon-reloads
// (default N/10: 1000) under load.
//
//   cycle_soak [N [M]]
//
// The load: a service that writes a line every 10 ms for the whole run, and a
// client thread calling ListServices back to back on its own connection.
// The main thread starts and stops cycle.service through org.vermilion1
// (each call replies once its job is done; StartLimitIntervalSec=0, since
// every start counts towards the start limit, as in systemd) and every N/M cycles reloads,
// alternately by SIGHUP to vermiliond and by the Manager's Reload call.
// Checks: every call answers without error within its timeout; vermiliond's
// fds and service cgroups end exactly as they started, RSS within
// kRssToleranceKib (start sampled after 20 warm-up cycles and 2 reloads).
#include <signal.h>

#include <atomic>
#include <thread>

#include "soak.h"

namespace vermilion::soak {
namespace {

constexpr int kFullCycles = 10000;
constexpr int kCallTimeoutMs = 10000;
constexpr int kWarmupCycles = 20;

int run(int cycles, int reloads) {
  testing::StackFiles files;
  files.units = {
      {"cycle.service", "[Unit]\nStartLimitIntervalSec=0\n[Service]\nExecStart=/bin/sleep infinity\n"},
      {"chatty.service",
       "[Service]\nExecStart=/bin/sh -c 'while :; do echo tick; sleep 0.01; done'\n"
       "[Install]\nWantedBy=default.target\n"}};
  testing::BridgeStack stack(files);
  if (!stack.ok()) {
    std::fprintf(stderr, "stack did not start: %s\n", stack.error().c_str());
    return 1;
  }
  const pid_t daemon = stack.daemon().pid();
  Report report("soak: " + std::to_string(cycles) + " start/stop cycles and " + std::to_string(reloads) +
                " reloads under load");
  Client client(stack.bus().address(), kCallTimeoutMs);
  if (!client.ok()) {
    std::fprintf(stderr, "no client connection\n");
    return 1;
  }

  long long starts = 0, start_failures = 0, stops = 0, stop_failures = 0;
  long long sighups = 0, sighup_failures = 0, reload_calls = 0, reload_failures = 0;
  std::string first_error;
  auto note_error = [&](const std::string& what, int r, const std::string& error) {
    if (first_error.empty()) first_error = what + ": " + std::to_string(r) + " " + error;
  };
  auto cycle = [&] {
    std::string error;
    ++starts;
    if (int r = client.manager_call("StartService", "cycle", &error); r < 0) {
      ++start_failures;
      note_error("StartService", r, error);
    }
    ++stops;
    if (int r = client.manager_call("StopService", "cycle", &error); r < 0) {
      ++stop_failures;
      note_error("StopService", r, error);
    }
  };
  bool by_signal = true;
  auto reload = [&] {
    if (by_signal) {
      ++sighups;
      if (kill(daemon, SIGHUP) < 0) ++sighup_failures;
    } else {
      ++reload_calls;
      if (int r = client.reload(); r < 0) {
        ++reload_failures;
        note_error("Reload", r, "");
      }
    }
    by_signal = !by_signal;
  };

  std::atomic<bool> stop{false};
  std::atomic<long long> lists{0}, list_failures{0};
  std::thread reader([&] {
    Client own(stack.bus().address(), kCallTimeoutMs);
    while (!stop.load()) {
      ++lists;
      if (!own.ok() || own.list_services() < 0) ++list_failures;
    }
  });

  for (int i = 0; i < kWarmupCycles; ++i) cycle();
  reload();
  reload();
  // The warm-up's reload by SIGHUP has been handled once a call made after
  // it answers; the Reload call answers once done.
  (void)client.list_services();
  starts = start_failures = stops = stop_failures = sighups = sighup_failures = reload_calls = reload_failures = 0;
  Sample start = sample(daemon);

  const int every = reloads > 0 ? std::max(1, cycles / reloads) : cycles + 1;
  int reloads_done = 0;
  for (int i = 0; i < cycles; ++i) {
    cycle();
    if ((i + 1) % every == 0 && reloads_done < reloads) {
      reload();
      ++reloads_done;
    }
  }
  while (reloads_done < reloads) {
    reload();
    ++reloads_done;
  }
  (void)client.reload();  // a last reload by call: every SIGHUP before it is handled
  stop = true;
  reader.join();
  auto active = client.string_property("cycle.service", "ActiveState");
  if (!active || *active != "inactive") report.fail("cycle.service is not inactive at the end");
  Sample end = sample(daemon);

  report.row("StartService cycle (replies once active)", starts, start_failures);
  report.row("StopService cycle (replies once inactive)", stops, stop_failures);
  report.row("reload by SIGHUP to vermiliond", sighups, sighup_failures);
  report.row("reload by the Manager's Reload call", reload_calls, reload_failures);
  report.row("ListServices from a second client (load)", lists, list_failures);
  if (!first_error.empty()) report.note("first error: " + first_error);
  return report.print(start, end, stack.log());
}

}  // namespace
}  // namespace vermilion::soak

int main(int argc, char** argv) {
  int cycles = vermilion::soak::count_argument(argc, argv, 1, vermilion::soak::kFullCycles);
  int reloads = vermilion::soak::count_argument(argc, argv, 2, std::max(1, cycles / 10));
  return vermilion::soak::run(cycles, reloads);
}
