// What a notify flood does to everyone else: another service's readiness,
// the restart of a crashed service, and a round trip on a private link,
// each measured idle and while an unprivileged process floods vermiliond's
// notify socket as fast as the socket takes it. Prints one table with the
// idle figure, the flooded one and their ratio (the goal: within 2x).
//
// vermiliond is the real Supervisor in-process, with its real loop, as in
// supervisor_bench. The flooder is a child we fork that drops to nobody
// (65534) and sends "READY=1" datagrams, which belong to no service, in a
// loop with blocking sends: it keeps the socket's queue full for as long as
// a flooded round lasts. Rounds alternate idle and flooded in ABBA order, so
// drift hits both alike.
//
// The figures come from one machine, one run, and are asserted nowhere.
// Runs as root (to drop to nobody, and cgroups); skips otherwise.
#include <signal.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "supervisor.h"
#include "notify_flooder.h"
#include "temp_dir.h"

namespace vermilion {
namespace {

using testing::NotifyFlooder;
using testing::TempDir;

// Rounds go on (ABBA: half idle, half flooded, whole groups of four) until
// the flooded ones have taken kFloodDatagrams, and at least kMinRounds.
constexpr int kMinRounds = 8;
constexpr std::uint64_t kFloodDatagrams = 1'000'000;
constexpr int kReadyPerRound = 10;    // start -> READY=1 of a Type=notify service
constexpr int kRestartsPerRound = 10; // SIGKILL -> the new main process exec'd
constexpr long kLinkCalls = 300;      // Status round trips per round
constexpr long kLinkWarmup = 30;
constexpr usec_t kTimeout = 60 * kUsecPerSec;
const std::string kNotifyHelper = std::string(VERMILION_TEST_HELPER_DIR) + "/vermilion-test-notify";
const std::string kLinkClient = std::string(VERMILION_TEST_HELPER_DIR) + "/vermilion-test-link_bench_client";
constexpr const char* kSleep = "/bin/sleep";
// What /proc/PID/exe shows for kSleep (/usr/bin/sleep where /bin is a link).
std::string sleep_program() {
  char resolved[PATH_MAX];
  return realpath(kSleep, resolved) ? std::string(resolved) : std::string(kSleep);
}

usec_t now_usec() { return clock_now_usec(CLOCK_MONOTONIC); }

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  std::size_t mid = v.size() / 2;
  return v.size() % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}
double p95(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(0.95 * static_cast<double>(v.size() - 1) + 0.5))];
}
bool abba_first(int round) { return (round % 2 == 0) == (round / 2 % 2 == 0); }

std::string exe_of(pid_t pid) {
  char target[PATH_MAX];
  std::string link = "/proc/" + std::to_string(pid) + "/exe";
  ssize_t n = readlink(link.c_str(), target, sizeof target - 1);
  return n < 0 ? std::string() : std::string(target, static_cast<std::size_t>(n));
}

// Polls /proc/PID/exe every 50 us until pid runs `program`.
bool wait_execd(pid_t pid, const std::string& program) {
  usec_t deadline = now_usec() + kTimeout;
  const timespec pause{0, 50'000};
  while (exe_of(pid) != program) {
    if (now_usec() >= deadline) return false;
    nanosleep(&pause, nullptr);
  }
  return true;
}

struct Samples {
  std::vector<double> ready_ms, restart_ms, link_us;
};

class Bench {
 public:
  [[nodiscard]] bool boot() {
    units_.write("ready.service", "[Unit]\nStartLimitIntervalSec=0\n[Service]\nType=notify\nExecStart=" + kNotifyHelper + "\n");
    units_.write("crashy.service", std::string("[Unit]\nStartLimitIntervalSec=0\n[Service]\nExecStart=") + kSleep +
                                       " infinity\nRestart=always\nRestartSec=0\n");
    units_.write("client.service", "[Unit]\nStartLimitIntervalSec=0\n[Service]\nType=oneshot\nExecStart=" + kLinkClient + " " +
                                       std::to_string(kLinkCalls) + " " + std::to_string(kLinkWarmup) + "\n");
    policies_.write("bench.policy", "[Grant]\nTo=client\nCapability=service:crashy.service\nRights=status\n");
    SupervisorOptions options;
    options.scope = RuntimeScope::system;
    options.unit_dirs = {units_.path()};
    options.policy_dirs = {policies_.path()};
    options.runtime_dir = runtime_.file("vermilion");
    options.use_journal = false;
    options.log_level = LogLevel::warning;  // the rate-limited warnings are part of what a flood costs
    options.start_boot_units = false;
    if (Supervisor::create(options, supervisor_) < 0) return false;
    supervisor_->start();
    crashy_ = supervisor_->manager().find("crashy.service");
    ready_ = supervisor_->manager().find("ready.service");
    return crashy_ && ready_ && job(JobType::start, "crashy.service") && wait_execd(crashy_->main_pid(), sleep_program_);
  }
  ~Bench() {
    if (supervisor_ && !supervisor_->shutdown(kTimeout))
      std::fprintf(stderr, "notify_flood_bench: services did not stop in time\n");
  }
  // Runs the loop until the flooder has sent n; false if it died or the
  // time ran out. (The socket's queue holds few datagrams: a flooder gets
  // going only while the loop drains it.)
  [[nodiscard]] bool wait_sent(const NotifyFlooder& flooder, std::uint64_t n) {
    return supervisor_->run_until([&] { return flooder.sent() >= n || !flooder.alive(); }, kTimeout) &&
           flooder.alive();
  }
  [[nodiscard]] std::string notify_path() const { return runtime_.file("vermilion") + "/notify"; }
  [[nodiscard]] bool uses_cgroups() const { return supervisor_->system_ops().uses_cgroups(); }

  // One round of each measurement into `out`.
  [[nodiscard]] bool round(Samples& out) {
    for (int i = 0; i < kReadyPerRound; ++i) {
      usec_t t0 = now_usec();
      if (!job(JobType::start, "ready.service")) return fail("ready.service did not become ready");
      out.ready_ms.push_back(static_cast<double>(now_usec() - t0) / 1000.0);
      if (!job(JobType::stop, "ready.service")) return fail("ready.service did not stop");
    }
    for (int i = 0; i < kRestartsPerRound; ++i) {
      pid_t old = crashy_->main_pid();
      usec_t t0 = now_usec();
      kill(old, SIGKILL);
      bool restarted = supervisor_->run_until(
          [&] { return crashy_->sub_state() == SubState::running && crashy_->main_pid() > 0 && crashy_->main_pid() != old; },
          kTimeout);
      if (!restarted || !wait_execd(crashy_->main_pid(), sleep_program_)) return fail("crashy.service did not restart");
      out.restart_ms.push_back(static_cast<double>(now_usec() - t0) / 1000.0);
    }
    bool done = job(JobType::start, "client.service");
    std::string output;
    if (const OutputCapture* log = supervisor_->log_of("client.service"))
      for (const auto& line : log->buffer().tail(5)) output += line.text + "\n";
    if (!done) return fail(("the link client failed: " + output).c_str());
    auto at = output.rfind("rtt n=");
    unsigned long long median_ns = 0;
    long n = 0;
    if (at == std::string::npos || std::sscanf(output.c_str() + at, "rtt n=%ld median_ns=%llu", &n, &median_ns) != 2)
      return fail(("the link client said: " + output).c_str());
    out.link_us.push_back(static_cast<double>(median_ns) / 1000.0);
    return true;
  }

 private:
  bool job(JobType type, const std::string& unit) {
    std::optional<JobResult> result;
    if (!supervisor_->manager().enqueue(type, unit, [&](JobResult r) { result = r; }).queued()) return false;
    return supervisor_->run_until([&] { return result.has_value(); }, kTimeout) && *result == JobResult::done;
  }
  static bool fail(const char* what) {
    std::fprintf(stderr, "notify_flood_bench: %s\n", what);
    return false;
  }

  TempDir units_, policies_, runtime_;
  std::unique_ptr<Supervisor> supervisor_;
  Service* crashy_ = nullptr;
  Service* ready_ = nullptr;
  const std::string sleep_program_ = sleep_program();
};

void row(const char* what, double idle, double flooded, const char* unit) {
  std::printf("%-44s | %10.3f %-2s | %10.3f %-2s | %6.2fx\n", what, idle, unit, flooded, unit,
              idle > 0 ? flooded / idle : 0.0);
}

int run() {
  Bench bench;
  if (!bench.boot()) {
    std::fprintf(stderr, "notify_flood_bench: booting the supervisor failed\n");
    return 1;
  }
  Samples idle, flooded;
  std::uint64_t datagrams = 0;
  usec_t flooded_usec = 0;
  int rounds = 0;
  for (int r = 0; r < kMinRounds || datagrams < kFloodDatagrams || r % 4 != 0; ++r) {
    rounds = r + 1;
    if (abba_first(r)) {
      if (!bench.round(idle)) return 1;
      continue;
    }
    NotifyFlooder flooder(bench.notify_path());
    if (!bench.wait_sent(flooder, 1000)) {
      std::fprintf(stderr, "notify_flood_bench: the flooder did not get going\n");
      return 1;
    }
    std::uint64_t before = flooder.sent();
    usec_t t0 = now_usec();
    if (!bench.round(flooded)) return 1;
    flooded_usec += now_usec() - t0;
    datagrams += flooder.sent() - before;
    if (!flooder.stop()) {
      std::fprintf(stderr, "notify_flood_bench: the flooder died during the round\n");
      return 1;
    }
  }
  utsname host{};
  uname(&host);
  std::printf("notify_flood_bench: %s %s, %ld CPUs, services %s\n", host.sysname, host.release,
              sysconf(_SC_NPROCESSORS_ONLN), bench.uses_cgroups() ? "in cgroup v2" : "tracked by session");
  std::printf("Flood: a process running as nobody sends READY=1 (no service's) with blocking sends;\n"
              "%llu datagrams in %.1f s of flooded rounds (%.0f/s), %d rounds ABBA idle/flooded.\n"
              "One machine, one run; nothing here is asserted.\n\n",
              static_cast<unsigned long long>(datagrams), static_cast<double>(flooded_usec) / 1e6,
              flooded_usec ? static_cast<double>(datagrams) * 1e6 / static_cast<double>(flooded_usec) : 0.0,
              rounds);
  std::printf("%-44s | %13s | %13s | %7s\n", "measurement", "idle", "flooded", "ratio");
  std::printf("%s\n", std::string(44 + 3 + 13 + 3 + 13 + 3 + 7, '-').c_str());
  std::string n = std::to_string(idle.ready_ms.size());
  row(("readiness: start -> READY=1, median of " + n).c_str(), median(idle.ready_ms), median(flooded.ready_ms), "ms");
  row("readiness: p95", p95(idle.ready_ms), p95(flooded.ready_ms), "ms");
  n = std::to_string(idle.restart_ms.size());
  row(("restart: SIGKILL -> new main exec'd, median of " + n).c_str(), median(idle.restart_ms),
      median(flooded.restart_ms), "ms");
  row("restart: p95", p95(idle.restart_ms), p95(flooded.restart_ms), "ms");
  row(("link Status round trip, median of " + std::to_string(idle.link_us.size()) + " medians").c_str(),
      median(idle.link_us), median(flooded.link_us), "us");
  return 0;
}

}  // namespace
}  // namespace vermilion

int main() {
  if (geteuid() != 0) {
    std::printf("notify_flood_bench: skipped: needs root (the flooder drops to nobody)\n");
    return 0;
  }
  return vermilion::run();
}
