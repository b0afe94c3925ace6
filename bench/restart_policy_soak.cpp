// Soak 2: N random SIGKILLs (default 1000) to services with mixed Restart=
// policies.
//
//   restart_policy_soak [N [SEED]]
//
// One service per Restart= value, each /bin/sleep with RestartSec=0 and
// StartLimitIntervalSec=0 (so rate limits never decide). Each round picks a
// service at random, starts it if its policy left it down, SIGKILLs its main
// process and waits — on ServiceStateChanged signals, with a deadline — for
// it to settle. SIGKILL is an unclean signal (systemd.service(5)): a restart
// is due for always, on-failure, on-abnormal and on-abort, and not for no,
// on-success and on-watchdog. Checks per kill: restarted (NRestarts + 1, a
// new MainPID, active/running) or not (failed/failed, NRestarts unchanged,
// MainPID 0) exactly as the policy says. At the end, with every service
// running again: no zombie child of vermiliond, fds and cgroups as at the
// start, RSS within kRssToleranceKib (start sampled after one warm-up kill
// per service).
#include <signal.h>

#include <map>
#include <random>

#include "soak.h"

namespace vermilion::soak {
namespace {

constexpr int kFullKills = 1000;
constexpr int kCallTimeoutMs = 10000;
constexpr int kSettleTimeoutMs = 10000;

struct Policy {
  const char* restart;
  bool restarts_after_sigkill;
};
constexpr Policy kPolicies[] = {{"no", false},         {"on-success", false}, {"on-failure", true},
                                {"on-abnormal", true}, {"on-abort", true},    {"on-watchdog", false},
                                {"always", true}};

std::string unit_name(const Policy& p) { return std::string("restart-") + p.restart + ".service"; }

// The latest (ActiveState, SubState) each service announced, and whether it
// left active/running since the last reset.
struct States {
  std::map<std::string, std::pair<std::string, std::string>> latest;
  std::map<std::string, bool> left_running;
};

int on_state(sd_bus_message* m, void* userdata, sd_bus_error*) {
  auto* states = static_cast<States*>(userdata);
  const char *name = nullptr, *active = nullptr, *sub = nullptr;
  if (sd_bus_message_read(m, "sss", &name, &active, &sub) < 0) return 0;
  states->latest[name] = {active, sub};
  if (std::string(active) != "active" || std::string(sub) != "running") states->left_running[name] = true;
  return 0;
}

// Processes signals until `done` or the deadline; false on timeout.
template <typename Done>
bool wait_until(sd_bus* bus, int timeout_ms, Done done) {
  const long long deadline = monotonic_ms() + timeout_ms;
  while (!done()) {
    int r = sd_bus_process(bus, nullptr);
    if (r < 0) return false;
    if (r > 0) continue;
    long long left = deadline - monotonic_ms();
    if (left <= 0) return false;
    sd_bus_wait(bus, static_cast<std::uint64_t>(left) * 1000);
  }
  return true;
}

int run(int kills, unsigned seed) {
  testing::StackFiles files;
  for (const auto& p : kPolicies)
    files.units.push_back({unit_name(p), std::string("[Unit]\nStartLimitIntervalSec=0\n[Service]\n"
                                                     "ExecStart=/bin/sleep infinity\nRestartSec=0\nRestart=") +
                                             p.restart + "\n[Install]\nWantedBy=default.target\n"});
  testing::BridgeStack stack(files);
  if (!stack.ok()) {
    std::fprintf(stderr, "stack did not start: %s\n", stack.error().c_str());
    return 1;
  }
  const pid_t daemon = stack.daemon().pid();
  Report report("soak: " + std::to_string(kills) + " random SIGKILLs to services with mixed Restart= (seed " +
                std::to_string(seed) + ")");
  Client client(stack.bus().address(), kCallTimeoutMs);
  States states;
  if (!client.ok() ||
      sd_bus_add_match(client.bus(), nullptr,
                       "type='signal',sender='org.vermilion1',interface='org.vermilion1.Manager',"
                       "member='ServiceStateChanged'",
                       on_state, &states) < 0) {
    std::fprintf(stderr, "no client connection\n");
    return 1;
  }

  std::map<std::string, long long> kills_of, wrong_of;
  long long manual_starts = 0, start_failures = 0;
  int max_zombies_at_settle = 0;
  std::string first_wrong;

  auto ensure_running = [&](const std::string& name) -> bool {
    auto active = client.string_property(name, "ActiveState");
    if (active && *active == "active") return true;
    ++manual_starts;
    std::string error;
    if (client.manager_call("StartService", name, &error) < 0) {
      ++start_failures;
      if (first_wrong.empty()) first_wrong = "StartService " + name + ": " + error;
      return false;
    }
    return true;
  };
  auto kill_once = [&](const Policy& p, bool counted) {
    const std::string name = unit_name(p);
    if (!ensure_running(name)) return;
    auto pid = client.u32_property(name, "MainPID");
    auto before = client.u32_property(name, "NRestarts");
    if (!pid || *pid == 0 || !before) {
      ++wrong_of[name];
      return;
    }
    while (sd_bus_process(client.bus(), nullptr) > 0) {
    }
    states.left_running[name] = false;
    kill(static_cast<pid_t>(*pid), SIGKILL);
    const std::pair<std::string, std::string> target =
        p.restarts_after_sigkill ? std::pair<std::string, std::string>{"active", "running"}
                                 : std::pair<std::string, std::string>{"failed", "failed"};
    bool settled = wait_until(client.bus(), kSettleTimeoutMs,
                              [&] { return states.left_running[name] && states.latest[name] == target; });
    auto main_pid = client.u32_property(name, "MainPID");
    auto after = client.u32_property(name, "NRestarts");
    bool right = settled && main_pid && after &&
                 (p.restarts_after_sigkill ? *after == *before + 1 && *main_pid != 0 && *main_pid != *pid
                                           : *after == *before && *main_pid == 0);
    max_zombies_at_settle = std::max(max_zombies_at_settle, zombie_children(daemon));
    if (!counted) return;
    ++kills_of[name];
    if (!right) {
      ++wrong_of[name];
      if (first_wrong.empty())
        first_wrong = name + ": settled=" + std::to_string(settled) + " state=" + states.latest[name].first + "/" +
                      states.latest[name].second + " NRestarts " + std::to_string(*before) + "->" +
                      (after ? std::to_string(*after) : "?");
    }
  };
  auto all_running = [&] {
    for (const auto& p : kPolicies) (void)ensure_running(unit_name(p));
  };

  for (const auto& p : kPolicies) kill_once(p, false);
  all_running();
  Sample start = sample(daemon);
  std::mt19937 random(seed);
  std::uniform_int_distribution<std::size_t> pick(0, std::size(kPolicies) - 1);
  for (int i = 0; i < kills; ++i) kill_once(kPolicies[pick(random)], true);
  all_running();
  Sample end = sample(daemon);

  for (const auto& p : kPolicies) {
    const std::string name = unit_name(p);
    report.row(std::string("SIGKILL Restart=") + p.restart + (p.restarts_after_sigkill ? " (restarts)" : " (stays down)"),
               kills_of[name], wrong_of[name]);
  }
  report.row("StartService after a policy left it down", manual_starts, start_failures);
  report.note("max zombie children of vermiliond right after a kill settled: " + std::to_string(max_zombies_at_settle));
  if (!first_wrong.empty()) report.note("first wrong outcome: " + first_wrong);
  return report.print(start, end, stack.log());
}

}  // namespace
}  // namespace vermilion::soak

int main(int argc, char** argv) {
  int kills = vermilion::soak::count_argument(argc, argv, 1, vermilion::soak::kFullKills);
  auto seed = static_cast<unsigned>(vermilion::soak::count_argument(argc, argv, 2, 11));
  return vermilion::soak::run(kills, seed);
}
