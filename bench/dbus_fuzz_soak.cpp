// Soak 4: the D-Bus fuzzer (vermilion-dbus-fuzzer, dbus_fuzzer.c) drives
// every method of org.vermilion1, then of org.freedesktop.systemd1 (the
// compat API, vermiliond --systemd-compat), for N iterations each (default
// 200), first as nobody, then as root, on a system-style private bus with
// the shipped default policy (policies/00-defaults.policy: everyone may
// read, root may control). System scope with the compat API creates
// /run/systemd/system: the soak runs in a mount namespace of its own with a
// tmpfs on /run/systemd.
//
//   dbus_fuzz_soak [N [SEED]]
//
// Checks: 0 crashes (vermiliond still running; the bridge's MainPID and
// NRestarts unchanged, and the fuzzer never lost the name); 0 hangs (every
// call answered within 10 s); 0 state changes by nobody (every service's
// ActiveState, SubState, MainPID and NRestarts the same before and after
// the unprivileged run). As root the fuzzer skips the bridge's own service
// and unit objects, whose Stop and Kill would end the bridge by right, and
// the compat Manager's methods that end or restart the manager itself. vermiliond's fds
// and cgroups at the end (sleeper started again if root's run stopped it)
// match the start; RSS within kRssToleranceKib.
#include <signal.h>

#include <map>
#include <tuple>

#include "private_run_systemd.h"
#include "run_as.h"
#include "soak.h"

namespace vermilion::soak {
namespace {

constexpr int kFullIterations = 200;
// A hang is a call with no answer in this time. Under AddressSanitizer a
// large message costs the bridge many times more: sd-bus's reader reallocs
// its buffer to the message's full size after every read of the socket
// (bus_socket_read_message()), which glibc does in place and ASan's
// allocator always does by copying. A 26 MB StartTransientUnit (seed 7)
// took the ASan bridge 13.5 s and the debug one under 1 s.
#if defined(__SANITIZE_ADDRESS__)
constexpr int kCallTimeoutMs = 60000;
#else
constexpr int kCallTimeoutMs = 10000;
#endif
const std::string kBridge = "vermilion-bridge.service";
const std::vector<std::string> kServices = {"sleeper.service", "oneshot.service", kBridge};

// A bus name the fuzzer drives, from its root object down.
struct Target {
  std::string name, root;
  std::vector<std::string> skip_as_root;  // objects root's run leaves alone
};

std::vector<Target> targets() {
  return {{"org.vermilion1", "/org/vermilion1", {service_path(kBridge)}},
          {"org.freedesktop.systemd1",
           "/org/freedesktop/systemd1",
           {"/org/freedesktop/systemd1/unit/vermilion_2dbridge_2eservice"}}};
}

using State = std::tuple<std::string, std::string, std::uint32_t, std::uint32_t>;

std::map<std::string, State> snapshot(Client& client) {
  std::map<std::string, State> out;
  for (const auto& name : kServices)
    out[name] = {client.string_property(name, "ActiveState").value_or("?"),
                 client.string_property(name, "SubState").value_or("?"),
                 client.u32_property(name, "MainPID").value_or(0), client.u32_property(name, "NRestarts").value_or(0)};
  return out;
}

struct FuzzRun {
  long long calls = 0, errors = 0, hangs = 0, lost = 0;
  bool finished = false;
  std::string output;
};

long long field(const std::string& line, const std::string& key) {
  auto at = line.find(key + "=");
  return at == std::string::npos ? -1 : std::atoll(line.c_str() + at + key.size() + 1);
}

FuzzRun fuzz(const std::vector<std::string>& argv, int iterations) {
  testing::Subprocess process(argv);
  // Every call has its own timeout; this bounds a run that never ends.
  int status = process.wait_exit(6 * kCallTimeoutMs + iterations * 2 * kCallTimeoutMs);
  FuzzRun run;
  run.output = process.output();
  auto at = run.output.rfind("fuzz: ");
  if (status < 0 || at == std::string::npos) return run;
  std::string line = run.output.substr(at);
  run.finished = true;
  run.calls = field(line, "calls");
  run.errors = field(line, "errors");
  run.hangs = field(line, "hangs");
  run.lost = field(line, "lost");
  return run;
}

int run(int iterations, unsigned seed) {
  testing::StackFiles files;
  // Root may start and restart sleeper many times: no start limit.
  files.units = {{"sleeper.service",
                  "[Unit]\nStartLimitIntervalSec=0\n[Service]\nExecStart=/bin/sleep infinity\nTimeoutStopSec=2s\n"
                  "[Install]\nWantedBy=default.target\n"},
                 {"oneshot.service", "[Service]\nType=oneshot\nExecStart=/bin/true\nRemainAfterExit=yes\n"}};
  files.vermiliond_options = {"--systemd-compat"};
  files.also_wait_for = "org.freedesktop.systemd1";
  std::string why;
  if (!testing::private_run_systemd(why)) {
    std::fprintf(stderr, "no private /run/systemd: %s\n", why.c_str());
    return 1;
  }
  testing::BridgeStack stack(files, testing::BusFlavour::system);
  if (!stack.ok()) {
    std::fprintf(stderr, "stack did not start: %s\n", stack.error().c_str());
    return 1;
  }
  const pid_t daemon = stack.daemon().pid();
  Report report("soak: D-Bus fuzzer, " + std::to_string(iterations) +
                " iterations over every method of org.vermilion1 and org.freedesktop.systemd1, as nobody and as "
                "root (seed " +
                std::to_string(seed) + ")");
  Client client(stack.bus().address(), kCallTimeoutMs);
  if (!client.ok()) return 1;
  // The bridge owns its names before it says READY=1: its unit may still be
  // activating. The baseline is taken once it is running, so that its own
  // start is not counted as a change made by a caller (bounded: 20 s).
  auto before = snapshot(client);
  for (int i = 0; i < 400 && std::get<0>(before[kBridge]) != "active"; ++i) {
    ::usleep(50'000);
    before = snapshot(client);
  }
  const pid_t bridge = bridge_pid(daemon);
  Sample start = sample(daemon);

  // Runs the fuzzer on every target as `who`; one FuzzRun adding them up.
  auto fuzz_all = [&](bool as_root) {
    FuzzRun total;
    total.finished = true;
    for (const Target& target : targets()) {
      std::vector<std::string> argv = {VERMILION_DBUS_FUZZER_PATH, "--address", stack.bus().address(), "--name",
                                       target.name, "--root", target.root, "--iterations",
                                       std::to_string(iterations), "--seed", std::to_string(as_root ? seed + 1 : seed),
                                       "--timeout-ms", std::to_string(kCallTimeoutMs)};
      if (as_root)
        for (const auto& path : target.skip_as_root) argv.insert(argv.end(), {"--skip-path", path});
      FuzzRun run = fuzz(as_root ? argv : testing::run_as(testing::nobody(), argv), iterations);
      total.finished = total.finished && run.finished;
      total.calls += run.calls;
      total.errors += run.errors;
      total.hangs += run.hangs;
      total.lost += run.lost;
      total.output += "[" + target.name + "]\n" + run.output;
    }
    return total;
  };
  FuzzRun as_nobody = fuzz_all(false);
  auto after_nobody = snapshot(client);
  long long changed = 0;
  std::string first_change;
  for (const auto& [name, state] : before) {
    if (after_nobody[name] == state) continue;
    ++changed;
    if (first_change.empty())
      first_change = name + ": " + std::get<0>(state) + "/" + std::get<1>(state) + " -> " +
                     std::get<0>(after_nobody[name]) + "/" + std::get<1>(after_nobody[name]);
  }

  FuzzRun as_root = fuzz_all(true);

  const bool daemon_alive = kill(daemon, 0) == 0;
  const pid_t bridge_after = bridge_pid(daemon);
  auto bridge_restarts = client.u32_property(kBridge, "NRestarts");
  // Put back what root may have changed by right, so the samples compare.
  if (client.string_property("sleeper.service", "ActiveState").value_or("") != "active")
    (void)client.manager_call("StartService", "sleeper");
  if (client.string_property("oneshot.service", "ActiveState").value_or("") != "inactive")
    (void)client.manager_call("StopService", "oneshot");
  Sample end = sample(daemon);

  auto fuzz_rows = [&](const std::string& who, const FuzzRun& r) {
    if (!r.finished) report.fail("the fuzzer as " + who + " did not finish:\n" + r.output);
    report.row("calls as " + who + " (failures: hangs)", r.calls, r.hangs);
    report.row("  name lost (crash) as " + who, r.calls, r.lost);
    report.note(who + ": " + std::to_string(r.errors) + " calls answered with an error");
  };
  fuzz_rows("nobody", as_nobody);
  fuzz_rows("root", as_root);
  report.row("services whose state nobody changed", static_cast<long long>(before.size()), changed);
  report.row("vermiliond still running", 1, daemon_alive ? 0 : 1);
  report.row("bridge MainPID unchanged, NRestarts 0", 1,
             bridge != 0 && bridge_after == bridge && bridge_restarts.value_or(1) == 0 ? 0 : 1);
  if (!first_change.empty()) report.note("first change by nobody: " + first_change);
  std::string summary;
  for (const auto* r : {&as_nobody, &as_root}) {
    std::istringstream lines(r->output);
    std::string target;  // the "[name]" line fuzz_all puts before each run
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind('[', 0) == 0) target = line;
      if (line.rfind("error ", 0) == 0 || line.rfind("hang", 0) == 0 || line.rfind("lost", 0) == 0 ||
          line.rfind("fuzz: ", 0) == 0)
        summary += "  " + std::string(r == &as_nobody ? "nobody " : "root ") + target + " " + line + "\n";
    }
  }
  report.note("answers by D-Bus error name, and each run's totals:\n" + summary);
  return report.print(start, end, stack.log());
}

}  // namespace
}  // namespace vermilion::soak

int main(int argc, char** argv) {
  int iterations = vermilion::soak::count_argument(argc, argv, 1, vermilion::soak::kFullIterations);
  auto seed = static_cast<unsigned>(vermilion::soak::count_argument(argc, argv, 2, 7));
  if (geteuid() != 0) {
    std::printf("dbus_fuzz_soak: skipped (running the fuzzer as nobody needs root)\n");
    return vermilion::soak::kSkip;
  }
  return vermilion::soak::run(iterations, seed);
}
