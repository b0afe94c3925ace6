// Soak 1: the bridge SIGKILLed N times (default 100) while clients call
// org.vermilion1 in a loop.
//
//   bridge_kill_soak [N]
//
// The real stack (private dbus-daemon, vermiliond, the vermilion-bridge it
// supervises, with --systemd-compat). Three client threads run busctl,
// vermilionctl and Debian's systemctl (--user, through
// org.freedesktop.systemd1) back to back for the whole run; the main thread
// SIGKILLs the bridge, then waits for a new owner of org.vermilion1
// (NameOwnerChanged: an event, not a sleep).
// Checks: the bridge is back after every kill; every client call exits with
// a reply (0) or an error (non-zero) within its timeout — one that does not
// is a hang, a failure; vermiliond's fds end exactly where they started and
// its RSS within kRssToleranceKib (soak.h), sampled after 2 warm-up kills
// with the clients idle.
//
// The bridge gets StartLimitIntervalSec=0 from a drop-in: with the built-in
// unit's default limit (5 starts in 10 s, as systemd), the 6th kill within
// 10 s leaves it failed with start-limit-hit, which is systemd's behaviour
// and not what this soak measures.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "soak.h"
#include "temp_dir.h"

namespace vermilion::soak {
namespace {

constexpr int kFullKills = 100;
constexpr int kWarmupKills = 2;
constexpr int kClientTimeoutS = 10;    // each client's own D-Bus timeout
constexpr int kHangMs = 30000;         // no exit by then: a hang
constexpr int kBackTimeoutMs = 20000;  // the bridge owns the name again by then

struct ClientTally {
  std::atomic<long long> calls{0}, replies{0}, errors{0}, hangs{0};
  std::string last_error;  // written by the client's thread, read after join
};

// Runs `commands` round robin until `stop`, tallying each exit.
void client_loop(const std::vector<std::vector<std::string>>& commands, std::atomic<bool>& stop, ClientTally& tally) {
  for (std::size_t i = 0; !stop.load(); ++i) {
    testing::Subprocess process(commands[i % commands.size()]);
    int status = process.wait_exit(kHangMs);
    ++tally.calls;
    if (status < 0)
      ++tally.hangs;
    else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
      ++tally.replies;
    else {
      ++tally.errors;
      tally.last_error = process.output();
    }
  }
}

// The current owner of org.vermilion1 (a unique name), "" if none.
std::string current_owner(testing::BridgeStack& stack) {
  auto owner = stack.bus().wait_for_owner("org.vermilion1", kBackTimeoutMs);
  return owner.value_or("");
}

int run(int kills) {
  testing::StackFiles files;
  files.units = {testing::kSleeperUnit,
                 {"vermilion-bridge.service.d/soak.conf", "[Unit]\nStartLimitIntervalSec=0\n"}};
  files.vermiliond_options = {"--systemd-compat"};
  files.also_wait_for = "org.freedesktop.systemd1";
  testing::BridgeStack stack(files);
  if (!stack.ok()) {
    std::fprintf(stderr, "stack did not start: %s\n", stack.error().c_str());
    return 1;
  }
  const pid_t daemon = stack.daemon().pid();
  Report report("soak: bridge SIGKILLed " + std::to_string(kills) + " times under busctl + vermilionctl + systemctl load");

  long long kills_done = 0, not_back = 0;
  std::vector<long long> back_ms;
  auto kill_once = [&](bool counted) {
    std::string old_owner = current_owner(stack);
    pid_t bridge = bridge_pid(daemon);
    if (old_owner.empty() || bridge == 0 || kill(bridge, SIGKILL) < 0) {
      if (counted) ++not_back;
      return;
    }
    long long t0 = monotonic_ms();
    auto owner = stack.bus().wait_for_owner("org.vermilion1", kBackTimeoutMs, old_owner);
    // Back means both names: the compat one is requested right after.
    if (owner && !stack.bus().wait_for_owner("org.freedesktop.systemd1", kBackTimeoutMs, old_owner)) owner.reset();
    if (!counted) return;
    ++kills_done;
    if (owner)
      back_ms.push_back(monotonic_ms() - t0);
    else
      ++not_back;
  };
  for (int i = 0; i < kWarmupKills; ++i) kill_once(false);
  (void)current_owner(stack);
  Sample start = sample(daemon);

  const std::string address = stack.bus().address();
  const std::string busctl_timeout = "--timeout=" + std::to_string(kClientTimeoutS);
  std::vector<std::vector<std::string>> busctl_commands = {
      {"/usr/bin/busctl", "--address=" + address, busctl_timeout, "call", "org.vermilion1", "/org/vermilion1",
       "org.vermilion1.Manager", "ListServices"},
      {"/usr/bin/busctl", "--address=" + address, busctl_timeout, "get-property", "org.vermilion1",
       service_path("sleeper.service"), "org.vermilion1.Service", "ActiveState"}};
  std::vector<std::vector<std::string>> ctl_commands = {{VERMILIONCTL_PATH, "--user", "list"},
                                                        {VERMILIONCTL_PATH, "--user", "status", "sleeper"}};
  // systemctl --user tries $XDG_RUNTIME_DIR/systemd/private first: an empty
  // runtime directory sends it to the session bus, the stack's.
  testing::TempDir runtime;
  setenv("XDG_RUNTIME_DIR", runtime.path().c_str(), 1);
  std::vector<std::vector<std::string>> systemctl_commands = {
      {"/usr/bin/systemctl", "--user", "--no-pager", "list-units"},
      {"/usr/bin/systemctl", "--user", "--no-pager", "is-active", "sleeper.service"},
      {"/usr/bin/systemctl", "--user", "--no-pager", "show", "-p", "ActiveState,MainPID", "sleeper.service"}};
  std::atomic<bool> stop{false};
  ClientTally busctl_tally, ctl_tally, systemctl_tally;
  std::thread busctl_thread(client_loop, std::cref(busctl_commands), std::ref(stop), std::ref(busctl_tally));
  std::thread ctl_thread(client_loop, std::cref(ctl_commands), std::ref(stop), std::ref(ctl_tally));
  std::thread systemctl_thread(client_loop, std::cref(systemctl_commands), std::ref(stop),
                               std::ref(systemctl_tally));
  for (int i = 0; i < kills; ++i) kill_once(true);
  stop = true;
  busctl_thread.join();
  ctl_thread.join();
  systemctl_thread.join();
  if (current_owner(stack).empty()) report.fail("org.vermilion1 has no owner at the end");
  Sample end = sample(daemon);

  report.row("bridge SIGKILLed, back (both names owned again)", kills_done, not_back);
  // An error is an answer (a call in flight when the bridge dies gets
  // NoReply, one made before the name is back ServiceUnknown); the failure
  // is a call that never returns.
  report.row("busctl calls (failures: hangs)", busctl_tally.calls, busctl_tally.hangs);
  report.row("vermilionctl calls (failures: hangs)", ctl_tally.calls, ctl_tally.hangs);
  report.row("systemctl --user calls (failures: hangs)", systemctl_tally.calls, systemctl_tally.hangs);
  report.note("busctl: " + std::to_string(busctl_tally.replies) + " replies, " +
              std::to_string(busctl_tally.errors) + " errors; vermilionctl: " + std::to_string(ctl_tally.replies) +
              " replies, " + std::to_string(ctl_tally.errors) + " errors; systemctl: " +
              std::to_string(systemctl_tally.replies) + " replies, " + std::to_string(systemctl_tally.errors) +
              " errors");
  for (const auto* tally : {&busctl_tally, &ctl_tally, &systemctl_tally})
    if (!tally->last_error.empty()) report.note("last error: " + tally->last_error);
  if (!back_ms.empty()) {
    std::sort(back_ms.begin(), back_ms.end());
    report.note("kill -> new owner: median " + std::to_string(back_ms[back_ms.size() / 2]) + " ms, max " +
                std::to_string(back_ms.back()) + " ms (RestartSec=100ms)");
  }
  return report.print(start, end, stack.log());
}

}  // namespace
}  // namespace vermilion::soak

int main(int argc, char** argv) {
  int kills = vermilion::soak::count_argument(argc, argv, 1, vermilion::soak::kFullKills);
  return vermilion::soak::run(kills);
}
