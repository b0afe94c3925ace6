// What supervision costs over running the same program directly: starting
// many services, restarting a crashed one, and the daemon's memory. Prints
// one table; every figure has a baseline measured in the same run, and the
// ratio to it.
//
// The figures come from one machine, one run, and are asserted nowhere:
// performance goals live in benchmarks, never in tests.
//
// Runs as root (system scope puts services in cgroups); skips otherwise.
// Every wait has a deadline; every process and directory it makes is gone
// when it returns.
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "supervisor.h"
#include "temp_dir.h"
#include "common/unique_fd.h"

extern char** environ;

namespace vermilion {
namespace {

using testing::TempDir;

// The trivial service: a program that execs and then waits forever.
constexpr const char* kProgram = "/bin/sleep";
constexpr const char* kProgramArg = "infinity";

constexpr usec_t kStartTimeout = 60 * kUsecPerSec;
constexpr usec_t kRestartTimeout = 10 * kUsecPerSec;
constexpr usec_t kStopTimeout = 30 * kUsecPerSec;
constexpr usec_t kExecTimeout = 10 * kUsecPerSec;

constexpr int kStartRepsSmall = 11;  // N = 100
constexpr int kStartRepsLarge = 4;   // N = 1000
constexpr int kRestartWarmup = 5;
constexpr int kRestartReps = 100;

usec_t now_usec() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<usec_t>(ts.tv_sec) * 1'000'000 + static_cast<usec_t>(ts.tv_nsec) / 1000;
}

// Remaining milliseconds until `deadline` for poll(), at least 0.
int poll_ms_until(usec_t deadline) {
  usec_t now = now_usec();
  return now >= deadline ? 0 : static_cast<int>((deadline - now + 999) / 1000);
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}
double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  std::size_t mid = values.size() / 2;
  return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

// ABBA: A on rounds 0, 3, 4, 7, 8, ..., B on the others, so slow drift and
// the previous round's teardown land on both sides alike.
bool abba_first(int round) { return (round % 2 == 0) == (round / 2 % 2 == 0); }

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one, five;
  in >> one >> five;
  return one + " " + five;
}

std::string service_name(int i) {
  char name[32];
  std::snprintf(name, sizeof name, "bench-%04d.service", i);
  return name;
}

// The program a process runs now: before exec this is still our own binary.
std::string exe_of(pid_t pid) {
  char target[PATH_MAX];
  std::string link = "/proc/" + std::to_string(pid) + "/exe";
  ssize_t n = readlink(link.c_str(), target, sizeof target - 1);
  return n < 0 ? std::string() : std::string(target, static_cast<std::size_t>(n));
}

// Exec detection, the same on both sides: polls /proc/PID/exe (before exec
// it still names our own binary) until every pid runs `program`, sleeping
// 50 us between looks so the waiting never takes a CPU from the children.
// A pid, once exec'd, is not looked at again. False on timeout.
bool wait_all_execd(const std::vector<pid_t>& pids, const std::string& program) {
  usec_t deadline = now_usec() + kExecTimeout;
  const timespec pause{0, 50'000};
  for (pid_t pid : pids) {
    while (exe_of(pid) != program) {
      if (now_usec() >= deadline) return false;
      nanosleep(&pause, nullptr);
    }
  }
  return true;
}

// ---------------------------------------------------------------------------
// Baseline: the same program, fork+exec'd by us with nothing around it.

// Children we forked; killed and reaped on destruction.
class DirectChildren {
 public:
  DirectChildren() = default;
  DirectChildren(const DirectChildren&) = delete;
  DirectChildren& operator=(const DirectChildren&) = delete;
  ~DirectChildren() {
    for (pid_t pid : pids_) kill(pid, SIGKILL);
    for (pid_t pid : pids_) waitpid(pid, nullptr, 0);
  }

  // Forks and execs `n` copies of kProgram and returns once every one has
  // exec'd. fork+exec, not posix_spawn: the supervisor forks too, so the
  // ratio is what supervision adds (cgroup, log pipe, fd and signal set-up,
  // the event loop's round trips), not a cheaper spawn primitive. Each child
  // leads its own session, as services do: on the machine this was written
  // on that made the baseline faster, never slower, so it is the
  // conservative choice.
  [[nodiscard]] bool spawn(int n, const std::string& program) {
    std::vector<pid_t> started;
    for (int i = 0; i < n; ++i) {
      pid_t pid = fork();
      if (pid < 0) return false;
      if (pid == 0) {
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        setsid();
        char* argv[] = {const_cast<char*>(kProgram), const_cast<char*>(kProgramArg), nullptr};
        execv(kProgram, argv);
        _exit(127);
      }
      pids_.push_back(pid);
      started.push_back(pid);
    }
    return wait_all_execd(started, program);
  }

  [[nodiscard]] bool alive() const {
    for (pid_t pid : pids_) {
      if (waitpid(pid, nullptr, WNOHANG) != 0) return false;
    }
    return true;
  }

  // SIGKILL, reap, and fork+exec a replacement of the newest child, as a
  // supervisor with Restart=always and RestartSec=0 would.
  [[nodiscard]] bool restart_last(const std::string& program) {
    pid_t pid = pids_.back();
    pids_.pop_back();
    kill(pid, SIGKILL);
    if (waitpid(pid, nullptr, 0) != pid) return false;
    return spawn(1, program);
  }

 private:
  std::vector<pid_t> pids_;
};

// Start N directly: from the first fork until all N have exec'd.
std::optional<double> direct_start_ms(int n, const std::string& program) {
  DirectChildren children;
  usec_t t0 = now_usec();
  if (!children.spawn(n, program)) return std::nullopt;
  usec_t t1 = now_usec();
  if (!children.alive()) return std::nullopt;
  return static_cast<double>(t1 - t0) / 1000.0;
}

// ---------------------------------------------------------------------------
// Vermilion in-process: the real Supervisor with its real loop.

// A supervisor over a temporary unit directory. Stops every service when it
// goes. It reaps only what it forked and leaves our signal mask alone
// (SupervisorOptions' defaults), so our own children stay ours.
class InProcess {
 public:
  InProcess() = default;
  InProcess(const InProcess&) = delete;
  InProcess& operator=(const InProcess&) = delete;
  ~InProcess() {
    if (supervisor_ && !supervisor_->shutdown(kStopTimeout))
      std::fprintf(stderr, "supervisor_bench: services did not stop in time\n");
    supervisor_.reset();
  }

  void unit(const std::string& name, const std::string& text) { units_.write(name, text); }

  [[nodiscard]] bool boot() {
    SupervisorOptions options;
    options.scope = RuntimeScope::system;
    options.unit_dirs = {units_.path()};
    options.runtime_dir = runtime_.file("vermilion");
    options.use_journal = false;
    options.log_level = LogLevel::warning;
    options.start_boot_units = false;
    if (Supervisor::create(options, supervisor_) < 0) return false;
    supervisor_->start();
    return true;
  }

  [[nodiscard]] Supervisor& supervisor() { return *supervisor_; }

 private:
  TempDir units_, runtime_;
  std::unique_ptr<Supervisor> supervisor_;
};

struct StartTimes {
  double active_ms;  // enqueue .. every service ActiveState=active
  double execd_ms;   // enqueue .. every main process runs kProgram
};

// Start N: from enqueueing N start jobs until every service reports active,
// and until every main process has also exec'd (Type=simple is active once
// forked, before exec, so "active" alone ends earlier than the baseline).
std::optional<StartTimes> vermilion_start(int n, const std::string& program, bool* uses_cgroups) {
  InProcess run;
  for (int i = 0; i < n; ++i)
    run.unit(service_name(i), std::string("[Service]\nExecStart=") + kProgram + " " + kProgramArg + "\n");
  if (!run.boot()) return std::nullopt;
  Manager& manager = run.supervisor().manager();
  if (uses_cgroups) *uses_cgroups = run.supervisor().system_ops().uses_cgroups();
  std::vector<Service*> services;
  for (int i = 0; i < n; ++i) {
    Service* s = manager.find(service_name(i));
    if (!s) return std::nullopt;
    services.push_back(s);
  }

  int failed_jobs = 0;
  usec_t t0 = now_usec();
  for (int i = 0; i < n; ++i) {
    EnqueueResult r = manager.enqueue(JobType::start, service_name(i), [&failed_jobs](JobResult result) {
      if (result != JobResult::done) ++failed_jobs;
    });
    if (!r.queued()) return std::nullopt;
  }
  // A cursor, so each check costs O(1) amortised, not O(N) per event.
  std::size_t next_inactive = 0;
  bool all_active = run.supervisor().run_until(
      [&] {
        while (next_inactive < services.size() && services[next_inactive]->active_state() == ActiveState::active)
          ++next_inactive;
        return next_inactive == services.size() || failed_jobs > 0;
      },
      kStartTimeout);
  usec_t t1 = now_usec();
  if (!all_active || failed_jobs > 0) return std::nullopt;

  std::vector<pid_t> pids;
  for (Service* s : services) pids.push_back(s->main_pid());
  if (!wait_all_execd(pids, program)) return std::nullopt;
  usec_t t2 = now_usec();
  return StartTimes{static_cast<double>(t1 - t0) / 1000.0, static_cast<double>(t2 - t0) / 1000.0};
}

struct RestartSamples {
  std::vector<double> running_ms;  // SIGKILL .. active/running with a new main PID
  std::vector<double> execd_ms;    // SIGKILL .. that new main PID runs kProgram
  std::vector<double> direct_ms;   // baseline: SIGKILL .. waitpid .. fork+exec'd
};

// Restart after SIGKILL, supervised and direct, one sample of each per
// round in ABBA order. The supervisor reaps only what it forked, so the
// direct child is ours to kill and waitpid.
std::optional<RestartSamples> measure_restart(int warmup, int reps, const std::string& program) {
  InProcess run;
  // StartLimitIntervalSec=0: the default burst (5 in 10 s) would stop us.
  run.unit("crashy.service", std::string("[Unit]\nStartLimitIntervalSec=0\n[Service]\nExecStart=") + kProgram +
                                 " " + kProgramArg + "\nRestart=always\nRestartSec=0\n");
  if (!run.boot()) return std::nullopt;
  Supervisor& supervisor = run.supervisor();
  Service* s = supervisor.manager().find("crashy.service");
  if (!s || !supervisor.manager().enqueue(JobType::start, "crashy.service").queued()) return std::nullopt;
  auto running = [s] { return s->active_state() == ActiveState::active && s->sub_state() == SubState::running; };
  if (!supervisor.run_until(running, kStartTimeout)) return std::nullopt;
  if (!wait_all_execd({s->main_pid()}, program)) return std::nullopt;
  DirectChildren direct;  // destroyed (killed, reaped) before `run` shuts down
  if (!direct.spawn(1, program)) return std::nullopt;

  RestartSamples samples;
  for (int round = 0; round < 2 * (warmup + reps); ++round) {
    bool measured = round >= 2 * warmup;
    if (abba_first(round)) {
      pid_t old = s->main_pid();
      usec_t t0 = now_usec();
      kill(old, SIGKILL);
      bool restarted = supervisor.run_until(
          [&] { return running() && s->main_pid() > 0 && s->main_pid() != old; }, kRestartTimeout);
      usec_t t1 = now_usec();
      if (!restarted || !wait_all_execd({s->main_pid()}, program)) return std::nullopt;
      usec_t t2 = now_usec();
      if (measured) {
        samples.running_ms.push_back(static_cast<double>(t1 - t0) / 1000.0);
        samples.execd_ms.push_back(static_cast<double>(t2 - t0) / 1000.0);
      }
    } else {
      usec_t t0 = now_usec();
      if (!direct.restart_last(program)) return std::nullopt;
      usec_t t1 = now_usec();
      if (measured) samples.direct_ms.push_back(static_cast<double>(t1 - t0) / 1000.0);
    }
  }
  if (s->n_restarts() != static_cast<unsigned>(warmup + reps) || !direct.alive()) return std::nullopt;
  return samples;
}

// ---------------------------------------------------------------------------
// The vermiliond binary, for its resident memory.

// vermiliond with stdout and stderr on one pipe we read line by line.
// Destruction stops it (SIGTERM, then SIGKILL) and reaps it.
class Daemon {
 public:
  Daemon() = default;
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;
  ~Daemon() {
    if (pid_ <= 0) return;
    if (!stop().has_value()) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  [[nodiscard]] bool spawn(const std::vector<std::string>& args) {
    fd_pair pipe;
    if (make_pipe(pipe) < 0) return false;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe.second.get(), STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, pipe.second.get(), STDERR_FILENO);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    int r = posix_spawn(&pid_, argv[0], &actions, &attr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (r != 0) pid_ = -1;
    out_ = std::move(pipe.first);
    return pid_ > 0;
  }

  [[nodiscard]] pid_t pid() const { return pid_; }

  // Feeds every output line to `done` until it says true; false on EOF or
  // timeout.
  [[nodiscard]] bool read_until(const std::function<bool(const std::string&)>& done, usec_t timeout) {
    usec_t deadline = now_usec() + timeout;
    for (;;) {
      for (std::size_t eol; (eol = pending_.find('\n')) != std::string::npos;) {
        std::string line = pending_.substr(0, eol);
        pending_.erase(0, eol + 1);
        if (done(line)) return true;
      }
      pollfd p{out_.get(), POLLIN, 0};
      if (poll(&p, 1, poll_ms_until(deadline)) <= 0) return false;
      char buf[8192];
      ssize_t n = read(out_.get(), buf, sizeof buf);
      if (n == 0) return false;
      if (n < 0) {
        if (errno == EINTR) continue;
        return false;
      }
      pending_.append(buf, static_cast<std::size_t>(n));
    }
  }

  // SIGTERM, then the exit status once it exits; nullopt on timeout.
  [[nodiscard]] std::optional<int> stop() {
    kill(pid_, SIGTERM);
    (void)read_until([](const std::string&) { return false; }, kStopTimeout);  // to EOF
    unique_fd pidfd(static_cast<int>(syscall(SYS_pidfd_open, pid_, 0)));
    if (pidfd) {
      pollfd p{pidfd.get(), POLLIN, 0};
      poll(&p, 1, 5000);
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) != pid_) return std::nullopt;
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_ = -1;
  unique_fd out_;
  std::string pending_;
};

// VmRSS of a process in KiB, or nullopt.
std::optional<long> rss_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return std::nullopt;
}

// vermiliond over `n` boot units, measured once all n are active/running
// (or, with none, once it has loaded its empty unit directory). nullopt if
// it never got there or did not exit 0 on SIGTERM.
std::optional<long> vermiliond_rss_kib(int n) {
  TempDir units, runtime;
  for (int i = 0; i < n; ++i)
    units.write(service_name(i), std::string("[Service]\nExecStart=") + kProgram + " " + kProgramArg +
                                     "\n[Install]\nWantedBy=multi-user.target\n");
  // Enabled, as `systemctl enable` links them: only enabled units start at boot.
  if (n > 0) mkdir(units.file("multi-user.target.wants").c_str(), 0755);
  for (int i = 0; i < n; ++i)
    if (symlink(("../" + service_name(i)).c_str(), units.file("multi-user.target.wants/" + service_name(i)).c_str()) < 0)
      return std::nullopt;
  Daemon daemon;
  if (!daemon.spawn({VERMILIOND_PATH, "--system", "--no-bridge", "--unit-dir", units.path(), "--runtime-dir",
                     runtime.file("rt"), "--log-level", "info"}))
    return std::nullopt;

  std::set<std::string> active;
  const std::string marker = ": state active/running";
  bool ready = daemon.read_until(
      [&](const std::string& line) {
        // With no service: the built-in targets are all there is.
        if (n == 0) return line.find("default.target: state active/active") != std::string::npos;
        if (auto at = line.find(marker); at != std::string::npos) active.insert(line.substr(0, at));
        return active.size() == static_cast<std::size_t>(n);
      },
      kStartTimeout);
  if (!ready) {
    std::fprintf(stderr, "supervisor_bench: vermiliond with %d units: %zu active before the timeout\n", n,
                 active.size());
    return std::nullopt;
  }
  std::optional<long> rss = rss_kib(daemon.pid());
  std::optional<int> status = daemon.stop();
  if (!status || !WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
    std::fprintf(stderr, "supervisor_bench: vermiliond with %d units did not exit 0 on SIGTERM\n", n);
    return std::nullopt;
  }
  return rss;
}

// ---------------------------------------------------------------------------

struct Row {
  std::string measurement;
  double vermilion;
  double baseline;
  std::string unit;
};

void print_table(const std::vector<Row>& rows) {
  std::size_t width = 0;
  for (const Row& r : rows) width = std::max(width, r.measurement.size());
  std::printf("%-*s | %12s | %12s | %7s\n", static_cast<int>(width), "measurement", "vermilion", "baseline",
              "ratio");
  std::printf("%s-+-%s-+-%s-+-%s\n", std::string(width, '-').c_str(), std::string(12, '-').c_str(),
              std::string(12, '-').c_str(), std::string(7, '-').c_str());
  for (const Row& r : rows) {
    char vs[32], bs[32];
    std::snprintf(vs, sizeof vs, "%.2f %s", r.vermilion, r.unit.c_str());
    std::snprintf(bs, sizeof bs, "%.2f %s", r.baseline, r.unit.c_str());
    std::printf("%-*s | %12s | %12s | %6.2fx\n", static_cast<int>(width), r.measurement.c_str(), vs, bs,
                r.baseline > 0 ? r.vermilion / r.baseline : 0.0);
  }
}

int fail(const char* what) {
  std::fprintf(stderr, "supervisor_bench: %s failed\n", what);
  return 1;
}

int run() {
  char resolved[PATH_MAX];
  if (!realpath(kProgram, resolved)) return fail("resolving the service program");
  const std::string program = resolved;

  std::vector<Row> rows;
  bool uses_cgroups = false;
  const std::string load_before = load_average();

  // Start N: vermilion and baseline runs alternate, and which goes first
  // alternates too, so drift and the previous run's teardown hit both alike.
  for (auto [n, reps] : {std::pair{100, kStartRepsSmall}, std::pair{1000, kStartRepsLarge}}) {
    std::vector<double> active, execd, direct;
    for (int rep = 0; rep < 2 * reps; ++rep) {
      if (abba_first(rep)) {
        std::optional<StartTimes> v = vermilion_start(n, program, &uses_cgroups);
        if (!v) return fail("starting services under vermilion");
        active.push_back(v->active_ms);
        execd.push_back(v->execd_ms);
      } else {
        std::optional<double> d = direct_start_ms(n, program);
        if (!d) return fail("fork+exec baseline");
        direct.push_back(*d);
      }
    }
    std::string label = "start " + std::to_string(n) + " services";
    std::string of = " (median of " + std::to_string(reps) + ")";
    rows.push_back({label + ": all active" + of, median(active), median(direct), "ms"});
    rows.push_back({label + ": all active + exec'd" + of, median(execd), median(direct), "ms"});
  }

  std::optional<RestartSamples> v = measure_restart(kRestartWarmup, kRestartReps, program);
  if (!v) return fail("restarting a crashed service");
  const std::vector<double>* d = &v->direct_ms;
  std::string of = " (of " + std::to_string(kRestartReps) + ")";
  rows.push_back({"restart after SIGKILL: running, median" + of, median(v->running_ms), median(*d), "ms"});
  rows.push_back({"restart after SIGKILL: running, p95" + of, percentile(v->running_ms, 0.95),
                  percentile(*d, 0.95), "ms"});
  rows.push_back({"restart after SIGKILL: exec'd, median" + of, median(v->execd_ms), median(*d), "ms"});
  rows.push_back({"restart after SIGKILL: exec'd, p95" + of, percentile(v->execd_ms, 0.95),
                  percentile(*d, 0.95), "ms"});

  std::optional<long> idle = vermiliond_rss_kib(0);
  if (!idle) return fail("idle vermiliond");
  std::optional<long> full = vermiliond_rss_kib(1000);
  if (!full) return fail("vermiliond with 1000 services");
  rows.push_back({"vermiliond VmRSS, 1000 services vs idle (1 run each)", static_cast<double>(*full) / 1024.0,
                  static_cast<double>(*idle) / 1024.0, "MiB"});

  std::string load_after = load_average();
  utsname host{};
  uname(&host);
  std::printf("supervisor_bench: %s %s, %ld CPUs, services %s; program %s %s\n", host.sysname, host.release,
              sysconf(_SC_NPROCESSORS_ONLN), uses_cgroups ? "in cgroup v2" : "tracked by session", program.c_str(),
              kProgramArg);
  std::printf("load average (1, 5 min) before: %s, after: %s\n", load_before.c_str(), load_after.c_str());
  std::printf("One machine, one run; nothing here is asserted. Baselines: fork+exec by this process,\n"
              "timed until exec; restart baseline is SIGKILL + waitpid + fork+exec. Exec is seen the\n"
              "same way on both sides (/proc/PID/exe, polled every 50 us). \"active\" for Type=simple\n"
              "comes after fork, before exec.\n\n");
  print_table(rows);
  std::printf("\nper service: %.1f KiB of vermiliond RSS\n", static_cast<double>(*full - *idle) / 1000.0);
  return 0;
}

}  // namespace
}  // namespace vermilion

int main() {
  if (geteuid() != 0) {
    std::printf("supervisor_bench: skipped: needs root (system scope runs services in cgroups)\n");
    return 0;
  }
  return vermilion::run();
}
