// What a capability invocation through vermiliond costs, next to the raw
// socketpair round trip it rides on and to the same question asked through
// a message bus. Prints one table with ratios to the raw round trip, all
// measured in this run:
//  (a) raw: a 128-byte ping-pong over a socketpair with a forked echo
//      process (about the size of a Status call and of its reply);
//  (b) broker: a real Supervisor in this process (its LinkServer served by
//      its sd-event loop), and a child service (tests/helpers/
//      link_bench_client.c) holding a service capability, calling
//      ServiceCapability.Status on its private link with sd-bus;
//  (a') sd-bus p2p: the same Status call, made by the same client code, to
//      a process that exports it with sd-bus peer-to-peer on a socketpair,
//      as the private link is: sd-bus's own floor on that link, so that
//      (b) - (a') is what the broker adds;
//  (c) dbus-daemon: the same Status call, made by the same client code, to
//      a process that exports it with sd-bus on a private dbus-daemon;
//  (d) org.vermilion1: the real vermiliond (1000 services loaded) and the
//      vermilion-bridge it supervises on a private dbus-daemon; a client
//      reads one service's ActiveState (Properties.Get: a status round trip
//      through the bus and the bridge), and calls Manager.ListServices,
//      reading all 1000 rows;
//  (e) org.freedesktop.systemd1: the same stack with --systemd-compat;
//      the bridge's systemd face answers Manager.ListUnits (all 1000 rows,
//      what systemctl list-units, Cockpit and GUI managers ask first) and
//      Properties.GetAll("") on one service (every interface merged, what
//      systemctl show/status send; its counters, MemoryCurrent and the
//      others, come from vermiliond, so each includes a link round trip).
// Clients time every call themselves (CLOCK_MONOTONIC), one call at a time;
// the table shows median and p95.
//
// A second table times the capability table itself (daemon/broker/
// capability_table.h), in this process: revoking a derivation tree of
// 10 000 capabilities, and one Derive and one Grant by a holder that holds
// 10 and one that holds 10 000 (each the median of many, the table put back
// as it was after each).
//
// Every process involved is pinned to one CPU (this process sets its
// affinity first; forked children, the supervisor's services and
// dbus-daemon inherit it): across CPUs a round trip is dominated by
// wake-up latency between cores (~55 us vs ~10 us here, ARCHITECTURE.md),
// which would hide what the layers cost. On one CPU, each round trip is two
// context switches plus what each layer does.
//
// One machine, one run; nothing is asserted (goals live in benchmarks, never
// in tests). Runs as root (the supervisor uses system scope); skips
// otherwise. Every wait has a deadline; every process and directory it makes
// is gone when it returns.
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "broker/capability_table.h"
#include "bridge_fixture.h"
#include "private_bus.h"
#include "subprocess.h"
#include "supervisor.h"
#include "temp_dir.h"

namespace vermilion {
namespace {

using testing::Subprocess;
using testing::TempDir;

constexpr long kCalls = 10000;
constexpr long kWarmup = 1000;
constexpr std::size_t kMessageBytes = 128;
constexpr usec_t kTimeout = 120 * kUsecPerSec;
constexpr int kTimeoutMs = 120 * 1000;
const std::string kHelper = std::string(VERMILION_TEST_HELPER_DIR) + "/vermilion-test-link_bench_client";
constexpr const char* kBusName = "org.vermilion1.BenchStatus";

struct Stats {
  double median_us = 0;
  double p95_us = 0;
  double min_us = 0;
};

std::uint64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<std::uint64_t>(ts.tv_nsec);
}

int fail(const std::string& what) {
  std::fprintf(stderr, "broker_bench: %s\n", what.c_str());
  return 1;
}

// "rtt n=N median_ns=M p95_ns=P min_ns=L" from the client's output.
std::optional<Stats> parse_rtt(const std::string& output, long expected_calls = kCalls) {
  auto at = output.find("rtt n=");
  if (at == std::string::npos) return std::nullopt;
  long n = 0;
  unsigned long long median = 0, p95 = 0, min = 0;
  if (std::sscanf(output.c_str() + at, "rtt n=%ld median_ns=%llu p95_ns=%llu min_ns=%llu", &n, &median, &p95,
                  &min) != 4 ||
      n != expected_calls)
    return std::nullopt;
  return Stats{static_cast<double>(median) / 1000.0, static_cast<double>(p95) / 1000.0,
               static_cast<double>(min) / 1000.0};
}

// ---------------------------------------------------------------------------
// (a) The raw round trip.

bool write_all(int fd, const char* data, std::size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, data, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    data += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

bool read_all(int fd, char* data, std::size_t n) {
  while (n > 0) {
    ssize_t r = read(fd, data, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    data += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

std::optional<Stats> raw_round_trip() {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) return std::nullopt;
  pid_t pid = fork();
  if (pid < 0) return std::nullopt;
  if (pid == 0) {
    // The echo end: what it reads, it writes back, until EOF.
    close(sv[0]);
    char buf[kMessageBytes];
    while (read_all(sv[1], buf, sizeof buf) && write_all(sv[1], buf, sizeof buf)) {
    }
    _exit(0);
  }
  close(sv[1]);
  char buf[kMessageBytes];
  std::memset(buf, 'x', sizeof buf);
  std::vector<std::uint64_t> samples;
  samples.reserve(kCalls);
  bool ok = true;
  for (long i = 0; ok && i < kWarmup + kCalls; ++i) {
    std::uint64_t t0 = now_ns();
    ok = write_all(sv[0], buf, sizeof buf) && read_all(sv[0], buf, sizeof buf);
    if (i >= kWarmup) samples.push_back(now_ns() - t0);
  }
  close(sv[0]);  // EOF ends the echo process
  waitpid(pid, nullptr, 0);
  if (!ok) return std::nullopt;
  std::sort(samples.begin(), samples.end());
  auto p95 = static_cast<std::size_t>(0.95 * static_cast<double>(samples.size() - 1) + 0.5);
  return Stats{static_cast<double>(samples[samples.size() / 2]) / 1000.0,
               static_cast<double>(samples[p95]) / 1000.0, static_cast<double>(samples[0]) / 1000.0};
}

// ---------------------------------------------------------------------------
// (a') sd-bus peer-to-peer on a socketpair: the helper serves Status on one
// end, the same client calls it on the other.

// Forks and execs argv with `fd` as fd 3 (and nothing else beyond stdio),
// stdout into `out` when given. Returns the pid or -1.
pid_t spawn_with_fd(const std::vector<std::string>& args, int fd, int out, bool broker_fd_env) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  // dup2 onto itself keeps O_CLOEXEC: clear it then.
  if (fd == 3 ? fcntl(3, F_SETFD, 0) < 0 : dup2(fd, 3) != 3) _exit(127);
  if (out >= 0 && dup2(out, STDOUT_FILENO) != STDOUT_FILENO) _exit(127);
  close_range(4, ~0U, 0);
  if (broker_fd_env) setenv("VERMILION_BROKER_FD", "3", 1);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  execv(argv[0], argv.data());
  _exit(127);
}

std::optional<Stats> p2p_round_trip(std::string& error) {
  int sv[2], out[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 || pipe2(out, O_CLOEXEC) < 0) {
    error = "socketpair";
    return std::nullopt;
  }
  pid_t server = spawn_with_fd({kHelper, "serve-p2p", "3"}, sv[1], -1, false);
  pid_t client = spawn_with_fd({kHelper, std::to_string(kCalls), std::to_string(kWarmup)}, sv[0], out[1], true);
  close(sv[0]);
  close(sv[1]);
  close(out[1]);
  std::string output;
  char buf[4096];
  for (ssize_t n; (n = read(out[0], buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    output.append(buf, static_cast<std::size_t>(n));
  }
  close(out[0]);
  int status = 0;
  if (client > 0) waitpid(client, &status, 0);
  if (server > 0) waitpid(server, nullptr, 0);  // ends at the client's EOF
  std::optional<Stats> stats = parse_rtt(output);
  if (client <= 0 || server <= 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || !stats)
    error = "the p2p client: " + output;
  return stats;
}

// ---------------------------------------------------------------------------
// The capability table: revoke, derive and grant at scale.

std::uint64_t thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<std::uint64_t>(ts.tv_nsec);
}

struct TableFigures {
  double revoke_10000_ms = 0;
  double revoke_10000_cpu_ms = 0;  // this thread's CPU time: what the load of the machine leaves out
  double derive_us[2] = {0, 0};  // holding 10, 10 000
  double grant_us[2] = {0, 0};
};

double median_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

std::optional<TableFigures> table_figures(std::string& error) {
  constexpr int kTree = 10000;
  constexpr int kOps = 2001;
  TableFigures f;
  // Revoke: a tree of kTree capabilities below one root, each derived from
  // an earlier one (a bushy tree several levels deep), spread over holders
  // by grants, as delegation makes them. Median of 5 builds.
  {
    std::vector<double> samples, cpu_samples;
    for (int round = 0; round < 5; ++round) {
      CapabilityTable table(kTree + 16);
      SlotResult root = table.install_root("a.service", CapabilityKind::service, "web.service",
                                           rights::status | rights::start | rights::stop, 0, "bench");
      if (!root.slot) {
        error = "install_root";
        return std::nullopt;
      }
      std::vector<Slot> slots{*root.slot};
      for (int i = 0; i < kTree; ++i) {
        Slot from = slots[static_cast<std::size_t>(i) / 3];  // three children each
        SlotResult r = table.derive("a.service", from, rights::status);
        if (!r.slot) {
          error = std::string("derive: ") + to_string(r.error);
          return std::nullopt;
        }
        slots.push_back(*r.slot);
      }
      auto c0 = thread_cpu_ns();
      auto t0 = now_ns();
      std::vector<RevokedCap> gone = table.revoke("a.service", *root.slot);
      auto t1 = now_ns();
      cpu_samples.push_back(static_cast<double>(thread_cpu_ns() - c0) / 1e6);
      if (gone.size() != static_cast<std::size_t>(kTree)) {
        error = "revoke removed " + std::to_string(gone.size());
        return std::nullopt;
      }
      samples.push_back(static_cast<double>(t1 - t0) / 1e6);
    }
    f.revoke_10000_ms = median_of(samples);
    f.revoke_10000_cpu_ms = median_of(cpu_samples);
  }
  // Derive and Grant by a holder that holds `held`: each timed alone, then
  // undone (drop) so the holder keeps its size.
  int index = 0;
  for (int held : {10, 10000}) {
    CapabilityTable table(20000);
    SlotResult cap = table.install_root("a.service", CapabilityKind::service, "web.service", rights::status, 0,
                                        "bench");
    SlotResult endpoint = table.install_root("a.service", CapabilityKind::endpoint, "b.service",
                                             rights::connect | rights::grant, 0, "bench");
    // The receiver holds as many, so both ends of a grant are at that size.
    SlotResult theirs = table.install_root("b.service", CapabilityKind::service, "db.service", rights::status, 0,
                                           "bench");
    if (!cap.slot || !endpoint.slot || !theirs.slot) {
      error = "install_root";
      return std::nullopt;
    }
    for (int i = 2; i < held; ++i) {
      if (!table.derive("a.service", *cap.slot, rights::status).slot ||
          !table.derive("b.service", *theirs.slot, rights::status).slot) {
        error = "filling the holders";
        return std::nullopt;
      }
    }
    std::vector<double> derive, grant;
    for (int i = 0; i < kOps; ++i) {
      auto t0 = now_ns();
      SlotResult d = table.derive("a.service", *cap.slot, rights::status);
      auto t1 = now_ns();
      CapabilityTable::GrantResult g = table.grant("a.service", *endpoint.slot, *cap.slot, rights::status);
      auto t2 = now_ns();
      if (!d.slot || !g.receiver) {
        error = "derive or grant failed";
        return std::nullopt;
      }
      derive.push_back(static_cast<double>(t1 - t0) / 1e3);
      grant.push_back(static_cast<double>(t2 - t1) / 1e3);
      if (table.drop("a.service", *d.slot) != CapError::ok || table.drop(*g.receiver, g.receiver_slot) != CapError::ok) {
        error = "drop failed";
        return std::nullopt;
      }
    }
    f.derive_us[index] = median_of(derive);
    f.grant_us[index] = median_of(grant);
    ++index;
  }
  return f;
}

// ---------------------------------------------------------------------------
// (b) Through vermiliond: an in-process Supervisor, the client its service.

std::optional<Stats> broker_round_trip(std::string& error) {
  std::optional<Stats> stats;
  {
    TempDir units, policies, runtime;
    units.write("bench-target.service", "[Service]\nExecStart=/bin/sleep infinity\n");
    units.write("bench-client.service", "[Service]\nType=oneshot\nExecStart=" + kHelper + " " +
                                            std::to_string(kCalls) + " " + std::to_string(kWarmup) + "\n");
    policies.write("bench.policy", "[Grant]\nTo=bench-client\nCapability=service:bench-target.service\nRights=status\n");
    SupervisorOptions options;
    options.scope = RuntimeScope::system;
    options.unit_dirs = {units.path()};
    options.policy_dirs = {policies.path()};
    options.runtime_dir = runtime.file("vermilion");
    options.use_journal = false;
    options.log_level = LogLevel::warning;  // no audit lines (info): the real daemon's default is info
    options.start_boot_units = false;
    std::unique_ptr<Supervisor> supervisor;
    if (Supervisor::create(options, supervisor) < 0) {
      error = "creating the supervisor";
    } else {
      supervisor->start();
      std::optional<JobResult> target, client;
      EnqueueResult r1 = supervisor->manager().enqueue(JobType::start, "bench-target.service",
                                                       [&](JobResult j) { target = j; });
      bool ok = r1.queued() && supervisor->run_until([&] { return target.has_value(); }, kTimeout) &&
                *target == JobResult::done;
      EnqueueResult r2{};
      if (ok)
        r2 = supervisor->manager().enqueue(JobType::start, "bench-client.service", [&](JobResult j) { client = j; });
      // A oneshot's start job finishes when its process has exited.
      ok = ok && r2.queued() && supervisor->run_until([&] { return client.has_value(); }, kTimeout);
      std::string output;
      if (const OutputCapture* log = supervisor->log_of("bench-client.service"))
        for (const auto& line : log->buffer().tail(100)) output += line.text + "\n";
      stats = parse_rtt(output);
      if (!ok || !stats) error = "the link client: " + (output.empty() ? std::string("no output") : output);
      if (!supervisor->shutdown(kTimeout)) std::fprintf(stderr, "broker_bench: services did not stop in time\n");
    }
  }
  return stats;
}

// ---------------------------------------------------------------------------
// (c) Through a private dbus-daemon.

std::optional<Stats> bus_round_trip(std::string& error) {
  testing::PrivateBus bus;
  if (!bus.ok()) {
    error = "private bus: " + bus.error();
    return std::nullopt;
  }
  const std::string& address = bus.address();

  Subprocess server({kHelper, "serve", address, kBusName});
  if (!server.wait_for_output("ready", kTimeoutMs)) {
    error = "the bus server: " + server.output();
    return std::nullopt;
  }
  Subprocess client({kHelper, std::to_string(kCalls), std::to_string(kWarmup), address, kBusName});
  int status = client.wait_exit(kTimeoutMs);
  std::optional<Stats> stats = parse_rtt(client.output());
  if (status != 0 || !stats) error = "the bus client: " + client.output();
  return stats;
}

// (d) org.vermilion1 through the bridge.

constexpr int kBridgeServices = 1000;
constexpr long kListCalls = 200;
constexpr long kListWarmup = 20;

struct BridgeStats {
  Stats get;
  Stats list;
  Stats units;   // systemd1 ListUnits
  Stats getall;  // systemd1 GetAll("")
};

// One client of link_bench_client's bus modes; its figures or nullopt.
std::optional<Stats> bus_client(const std::vector<std::string>& args, long calls, const std::string& what,
                                std::string& error) {
  Subprocess client(args);
  int status = client.wait_exit(kTimeoutMs);
  std::optional<Stats> stats = parse_rtt(client.output(), calls);
  if (status != 0 || !stats) error = "the " + what + " client: " + client.output();
  return stats;
}

std::optional<BridgeStats> bridge_round_trips(std::string& error) {
  testing::StackFiles files;
  for (int i = 0; i < kBridgeServices; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "bench-%04d.service", i);
    files.units.push_back({name, "[Unit]\nDescription=Benchmark service " + std::to_string(i) +
                                     "\n[Service]\nExecStart=/bin/sleep infinity\n"});
  }
  // --user, so that the compat face needs no /run/systemd/system.
  files.vermiliond_options = {"--systemd-compat"};
  files.also_wait_for = "org.freedesktop.systemd1";
  testing::BridgeStack stack(files);
  if (!stack.ok()) {
    error = stack.error();
    return std::nullopt;
  }
  const std::string& address = stack.bus().address();
  const std::string calls = std::to_string(kCalls), warmup = std::to_string(kWarmup);
  const std::string list_calls = std::to_string(kListCalls), list_warmup = std::to_string(kListWarmup);
  auto get = bus_client({kHelper, "get", calls, warmup, address, "/org/vermilion1/service/bench_2d0000_2eservice"},
                        kCalls, "Get", error);
  if (!get) return std::nullopt;
  auto list = bus_client({kHelper, "list", list_calls, list_warmup, address}, kListCalls, "ListServices", error);
  if (!list) return std::nullopt;
  auto units = bus_client({kHelper, "units", list_calls, list_warmup, address}, kListCalls, "ListUnits", error);
  if (!units) return std::nullopt;
  auto getall = bus_client({kHelper, "getall", calls, warmup, address,
                            "/org/freedesktop/systemd1/unit/bench_2d0000_2eservice"},
                           kCalls, "GetAll", error);
  if (!getall) return std::nullopt;
  return BridgeStats{*get, *list, *units, *getall};
}

// ---------------------------------------------------------------------------

struct Row {
  std::string measurement;
  Stats stats;
};

void print_table(const std::vector<Row>& rows) {
  const Stats& raw = rows.front().stats;
  std::size_t width = 0;
  for (const Row& r : rows) width = std::max(width, r.measurement.size());
  std::printf("%-*s | %10s | %10s | %10s | %12s | %9s\n", static_cast<int>(width), "round trip", "median",
              "p95", "min", "median/raw", "p95/raw");
  std::printf("%s-+-%s-+-%s-+-%s-+-%s-+-%s\n", std::string(width, '-').c_str(), std::string(10, '-').c_str(),
              std::string(10, '-').c_str(), std::string(10, '-').c_str(), std::string(12, '-').c_str(),
              std::string(9, '-').c_str());
  for (const Row& r : rows) {
    std::printf("%-*s | %7.2f us | %7.2f us | %7.2f us | %11.2fx | %8.2fx\n", static_cast<int>(width),
                r.measurement.c_str(), r.stats.median_us, r.stats.p95_us, r.stats.min_us,
                r.stats.median_us / raw.median_us, r.stats.p95_us / raw.p95_us);
  }
}

int run() {
  // Pin first, so that everything forked from here on inherits the CPU.
  int cpu = sched_getcpu();
  if (cpu < 0) return fail("sched_getcpu");
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (sched_setaffinity(0, sizeof set, &set) < 0) return fail("sched_setaffinity");

  std::string error;
  std::optional<Stats> raw = raw_round_trip();
  if (!raw) return fail("raw socketpair round trip failed");
  std::optional<Stats> p2p = p2p_round_trip(error);
  if (!p2p) return fail("sd-bus p2p round trip failed: " + error);
  std::optional<Stats> bus = bus_round_trip(error);
  if (!bus) return fail("dbus-daemon round trip failed: " + error);
  std::optional<Stats> broker = broker_round_trip(error);
  if (!broker) return fail("broker round trip failed: " + error);
  std::optional<BridgeStats> bridge = bridge_round_trips(error);
  if (!bridge) return fail("org.vermilion1 round trips failed: " + error);
  std::optional<TableFigures> table = table_figures(error);
  if (!table) return fail("capability table: " + error);

  utsname host{};
  uname(&host);
  std::printf("broker_bench: %s %s, %ld CPUs online; every process pinned to CPU %d; %ld calls each after %ld "
              "warm-up calls, one at a time\n",
              host.sysname, host.release, sysconf(_SC_NPROCESSORS_ONLN), cpu, kCalls, kWarmup);
  std::printf("Goal (issue): broker <= 1.5x raw; sd-bus p2p alone is its floor on this link. One machine, one "
              "run; nothing here is asserted.\n\n");
  print_table({{"raw socketpair ping-pong, " + std::to_string(kMessageBytes) + " B each way", *raw},
               {"sd-bus p2p: the same Status from a bare sd-bus server, socketpair", *p2p},
               {"broker: ServiceCapability.Status on the private link (sd-bus p2p)", *broker},
               {"dbus-daemon: the same Status via a private bus (sd-bus both ends)", *bus},
               {"org.vermilion1: Get(ActiveState) via dbus-daemon and the bridge", bridge->get},
               {"org.vermilion1: ListServices, " + std::to_string(kBridgeServices) + " services (" +
                    std::to_string(kListCalls) + " calls)",
                bridge->list},
               {"org.freedesktop.systemd1: ListUnits, " + std::to_string(kBridgeServices) + " units (" +
                    std::to_string(kListCalls) + " calls)",
                bridge->units},
               {"org.freedesktop.systemd1: Properties.GetAll(\"\") on a unit via the bridge", bridge->getall}});
  std::printf("\nbroker's own share of a Status round trip (broker - sd-bus p2p): %.2f us median\n",
              broker->median_us - p2p->median_us);
  std::printf("\ncapability table (in this process)                         | median\n");
  std::printf("-----------------------------------------------------------+-----------\n");
  std::printf("revoke a derivation tree of 10000 capabilities (goal 10 ms) | %7.3f ms\n", table->revoke_10000_ms);
  std::printf("  the same, CPU time of this thread                         | %7.3f ms\n", table->revoke_10000_cpu_ms);
  std::printf("derive, holder holding 10                                   | %7.3f us\n", table->derive_us[0]);
  std::printf("derive, holder holding 10000                                | %7.3f us\n", table->derive_us[1]);
  std::printf("grant, both holders holding 10                              | %7.3f us\n", table->grant_us[0]);
  std::printf("grant, both holders holding 10000                           | %7.3f us\n", table->grant_us[1]);
  return 0;
}

}  // namespace
}  // namespace vermilion

int main() {
  if (geteuid() != 0) {
    std::printf("broker_bench: skipped: needs root (the supervisor runs in system scope)\n");
    return 0;
  }
  return vermilion::run();
}
