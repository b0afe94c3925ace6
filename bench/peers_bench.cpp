// vermiliond beside the supervisors people would otherwise use: s6-svscan
// (s6), runsvdir (runit) and supervisord (supervisor), all from Debian, on
// the same trivial service, and the bench's own fork+exec as the floor.
// Prints one table; each figure has its ratio to the best peer measured in
// the same run.
//
// The service (bench/bench_service.c) appends one byte to a shared file,
// then waits forever. The clock stops when the file holds as many bytes as
// processes were meant to run: a harness that costs every supervisor the
// same (one inotify wake-up per batch of writes, no polling of theirs), and
// that counts a service only once it has exec'd and run.
//
//  - cold start, N = 100, 1000 (and 10 000 with --large): from just before
//    the supervisor is exec'd until the file holds N bytes. Rounds alternate
//    the contenders, rotating their order, so drift and each run's teardown
//    land on all of them alike.
//  - memory: PSS (/proc/PID/smaps_rollup) summed over the supervisor's own
//    processes once all N run (s6-svscan and every s6-supervise, runsvdir and
//    every runsv, supervisord, vermiliond), services excluded. PSS shares a
//    library's pages among the processes mapping it, so 1000 s6-supervise are
//    not charged 1000 libcs.
//  - restart: SIGKILL one running service (each killed service has been up
//    for seconds, so runsv's guard against a service that dies at once does
//    not apply) until the file grows by one byte: the new process has
//    exec'd and run. The baseline kills its own child, reaps it and
//    fork+execs a new one, alternating with the supervisor's rounds. Two
//    peers pause by design here: s6-supervise 2.11 (Debian 12's) waits a
//    second after every death before it respawns, and supervisord restarts
//    at its next one-second tick.
//  - idle wake-ups: context switches of the supervisor's own processes per
//    second over an idle window with 100 services running.
//
// Limits met on the way, as they are: runsvdir starts at most 1000 services
// ("too many services"), supervisord's minfds is capped at the hard
// RLIMIT_NOFILE (it needs three fds per program), and a run that does not
// finish within 30 s + 20 ms per service is reported below the table.
//
// Each supervisor runs with its defaults except what the harness needs:
// restart at once (vermiliond RestartSec=0 and StartLimitIntervalSec=0,
// supervisord startsecs=0), s6-svscan -c large enough for N, and no
// supervisor capturing the services' output, as s6 and runit do not without
// a logger service: supervisord *_logfile=NONE (its default writes a file
// per program), vermiliond StandardOutput=null (its default, the journal,
// holds a pipe per service: two more fds each, and at 10 000 services more
// fds than a hard RLIMIT_NOFILE of 20 000 allows, which vermiliond can raise
// only with CAP_SYS_RESOURCE). s6 and
// runit run ./run, a symlink to the service program (no shell); the file's
// path reaches it through the environment.
//
// One machine, one run; nothing here is asserted (performance goals live in
// benchmarks, never in tests). The peers come from scripts/setup-bench.sh;
// without them it says so and prints vermiliond's rows. Needs root (system
// scope); skips otherwise. Every wait has a deadline; this process is a child
// subreaper, so every process any supervisor leaves is killed and reaped
// before the next run, and every directory it made is gone when it returns.
//
// Usage: peers_bench [--large] [--only NAME[,NAME...]] [--sizes N[,N...]]
//                    [--rounds R] [--restart-rounds R] [--idle SECONDS]
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "common/unique_fd.h"
#include "platform/cgroup.h"
#include "temp_dir.h"

extern char** environ;

namespace vermilion {
namespace {

using testing::TempDir;

using usec_t = std::uint64_t;

constexpr const char* kEnvFile = "VERMILION_BENCH_FILE";
constexpr int kRestartServices = 100;
constexpr usec_t kUsec = 1'000'000;

usec_t now_usec() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<usec_t>(ts.tv_sec) * kUsec + static_cast<usec_t>(ts.tv_nsec) / 1000;
}

void sleep_usec(usec_t us) {
  timespec ts{static_cast<time_t>(us / kUsec), static_cast<long>(us % kUsec) * 1000};
  while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
  }
}

double median(std::vector<double> v) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  std::size_t mid = v.size() / 2;
  return v.size() % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// ---------------------------------------------------------------------------
// /proc

struct Proc {
  pid_t pid;
  pid_t ppid;
};

std::vector<Proc> list_procs() {
  std::vector<Proc> out;
  DIR* dir = opendir("/proc");
  if (!dir) return out;
  while (dirent* e = readdir(dir)) {
    char* end = nullptr;
    long pid = std::strtol(e->d_name, &end, 10);
    if (pid <= 0 || *end) continue;
    std::string stat = read_file("/proc/" + std::string(e->d_name) + "/stat");
    // comm may hold spaces and parentheses: the fields resume after the last ')'.
    auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    char state = 0;
    int ppid = 0;
    if (std::sscanf(stat.c_str() + close + 1, " %c %d", &state, &ppid) != 2) continue;
    out.push_back({static_cast<pid_t>(pid), static_cast<pid_t>(ppid)});
  }
  closedir(dir);
  return out;
}

// `root` and everything below it, root first.
std::vector<pid_t> tree_of(pid_t root) {
  std::map<pid_t, std::vector<pid_t>> children;
  for (const Proc& p : list_procs()) children[p.ppid].push_back(p.pid);
  std::vector<pid_t> out{root};
  for (std::size_t i = 0; i < out.size(); ++i) {
    auto it = children.find(out[i]);
    if (it != children.end()) out.insert(out.end(), it->second.begin(), it->second.end());
  }
  return out;
}

std::string exe_of(pid_t pid) {
  char target[PATH_MAX];
  ssize_t n = readlink(("/proc/" + std::to_string(pid) + "/exe").c_str(), target, sizeof target - 1);
  return n < 0 ? std::string() : std::string(target, static_cast<std::size_t>(n));
}

// A "Key:   N kB" field of a /proc file, in KiB; -1 if missing.
long kib_field(const std::string& path, const char* key) {
  std::ifstream in(path);
  std::size_t len = std::strlen(key);
  for (std::string line; std::getline(in, line);)
    if (line.compare(0, len, key) == 0) return std::atol(line.c_str() + len);
  return -1;
}

// Context switches of every thread of pid, voluntary and not: each is the
// process waking up (or being preempted while awake).
long context_switches(pid_t pid) {
  std::string base = "/proc/" + std::to_string(pid) + "/task";
  DIR* dir = opendir(base.c_str());
  if (!dir) return -1;
  long total = 0;
  while (dirent* e = readdir(dir)) {
    if (e->d_name[0] == '.') continue;
    std::string status = base + "/" + e->d_name + "/status";
    long v = kib_field(status, "voluntary_ctxt_switches:");
    long n = kib_field(status, "nonvoluntary_ctxt_switches:");
    if (v > 0) total += v;
    if (n > 0) total += n;
  }
  closedir(dir);
  return total;
}

// ---------------------------------------------------------------------------
// The shared file and its byte count.

class ByteFile {
 public:
  explicit ByteFile(std::string path) : path_(std::move(path)) {
    unique_fd create(open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666));
    read_.reset(open(path_.c_str(), O_RDONLY | O_CLOEXEC));
    inotify_.reset(inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
    if (inotify_) ok_ = inotify_add_watch(inotify_.get(), path_.c_str(), IN_MODIFY) >= 0;
    ok_ = ok_ && create && read_;
  }
  [[nodiscard]] bool ok() const { return ok_; }
  [[nodiscard]] const std::string& path() const { return path_; }

  [[nodiscard]] long size() const {
    struct stat st {};
    return fstat(read_.get(), &st) < 0 ? -1 : static_cast<long>(st.st_size);
  }

  // Waits (on inotify) until the file holds at least `bytes`. False at the
  // deadline.
  [[nodiscard]] bool wait_for(long bytes, usec_t deadline) {
    for (;;) {
      if (size() >= bytes) return true;
      usec_t now = now_usec();
      if (now >= deadline) return false;
      pollfd p{inotify_.get(), POLLIN, 0};
      // Also looks every 100 ms: a full inotify queue still wakes us, but
      // a missed wake-up must never look like a slow supervisor.
      int ms = static_cast<int>(std::min<usec_t>((deadline - now + 999) / 1000, 100));
      poll(&p, 1, ms);
      char buf[4096];
      while (read(inotify_.get(), buf, sizeof buf) > 0) {
      }
    }
  }

 private:
  std::string path_;
  unique_fd read_, inotify_;
  bool ok_ = false;
};

// ---------------------------------------------------------------------------
// The contenders.

enum class Kind { fork_exec, vermiliond, s6, runit, supervisord };

struct Contender {
  Kind kind;
  std::string name;      // column heading
  std::string program;   // its executable, empty if not installed
  std::string package;   // the Debian package that has it
  [[nodiscard]] bool is_peer() const { return kind == Kind::s6 || kind == Kind::runit || kind == Kind::supervisord; }
};

// supervisord refuses to start when minfds is above the hard limit, which it
// cannot raise without CAP_SYS_RESOURCE either.
rlim_t hard_nofile() {
  rlimit limit{};
  return getrlimit(RLIMIT_NOFILE, &limit) == 0 ? limit.rlim_max : 1024;
}

std::string find_in_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    std::string candidate = dir + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

// Kills every process below us except `keep`, reaps them, and returns once
// none is left (or after 60 s). We are a child subreaper: whatever a
// supervisor left behind was re-parented to us.
void kill_all_below_us(const std::set<pid_t>& keep = {}) {
  usec_t deadline = now_usec() + 60 * kUsec;
  const pid_t self = getpid();
  while (now_usec() < deadline) {
    std::vector<pid_t> below = tree_of(self);
    below.erase(below.begin());  // ourselves
    std::erase_if(below, [&](pid_t p) { return keep.count(p) > 0; });
    int status = 0;
    while (waitpid(-1, &status, WNOHANG) > 0) {
    }
    if (below.empty()) return;
    for (pid_t p : below) kill(p, SIGKILL);
    sleep_usec(1000);
  }
  std::fprintf(stderr, "peers_bench: processes left after 60 s\n");
}

// Waits for our child `pid` to exit; false at the deadline.
bool wait_exit(pid_t pid, usec_t timeout) {
  unique_fd pidfd(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));
  usec_t deadline = now_usec() + timeout;
  while (now_usec() < deadline) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return true;
    pollfd p{pidfd.get(), POLLIN, 0};
    poll(&p, 1, pidfd ? 1000 : 10);
  }
  return false;
}

// One supervisor over N services in a directory of its own, or the baseline
// (N fork+exec'd by us).
class Run {
 public:
  Run(const Contender& c, int n, const std::string& service_program)
      : contender_(c), n_(n), service_(service_program), count_(dir_.file("count")) {}
  Run(const Run&) = delete;
  Run& operator=(const Run&) = delete;
  ~Run() { teardown(); }

  [[nodiscard]] ByteFile& count() { return count_; }
  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] pid_t root() const { return root_; }

  // Writes the configuration, outside the clock, dated a minute back: at a
  // real boot it was written long before, and runsvdir waits out a second
  // after the last change to its directory before it starts anything.
  [[nodiscard]] bool prepare() {
    if (!count_.ok()) return failed("cannot create or watch " + count_.path());
    if (!write_configuration()) return false;
    const timespec minute_ago[2] = {{time(nullptr) - 60, 0}, {time(nullptr) - 60, 0}};
    for (const char* top : {"units", "scan", "sv", "supervisord.conf"})
      (void)utimensat(AT_FDCWD, dir_.file(top).c_str(), minute_ago, 0);
    return true;
  }

  [[nodiscard]] bool write_configuration() {
    switch (contender_.kind) {
      case Kind::fork_exec: return true;
      case Kind::vermiliond:
        for (int i = 0; i < n_; ++i)
          dir_.write("units/" + name(i) + ".service",
                     "[Unit]\nStartLimitIntervalSec=0\n[Service]\nExecStart=" + service_ + " " + count_.path() +
                         "\nRestart=always\nRestartSec=0\nStandardOutput=null\nStandardError=null\n"
                         "[Install]\nWantedBy=multi-user.target\n");
        if (n_ == 0) mkdir(dir_.file("units").c_str(), 0755);
        // Enabled, as `systemctl enable` links them: only enabled units start at boot.
        mkdir(dir_.file("units/multi-user.target.wants").c_str(), 0755);
        for (int i = 0; i < n_; ++i)
          if (symlink(("../" + name(i) + ".service").c_str(),
                      dir_.file("units/multi-user.target.wants/" + name(i) + ".service").c_str()) < 0)
            return failed("symlink into multi-user.target.wants");
        return true;
      case Kind::s6:
      case Kind::runit: {
        std::string top = dir_.file(contender_.kind == Kind::s6 ? "scan" : "sv");
        if (mkdir(top.c_str(), 0755) < 0) return failed("mkdir " + top);
        for (int i = 0; i < n_; ++i) {
          std::string d = top + "/" + name(i);
          if (mkdir(d.c_str(), 0755) < 0 || symlink(service_.c_str(), (d + "/run").c_str()) < 0)
            return failed("making " + d);
        }
        return true;
      }
      case Kind::supervisord: {
        std::string conf = "[supervisord]\nnodaemon=true\nlogfile=" + dir_.file("supervisord.log") +
                           "\npidfile=" + dir_.file("supervisord.pid") + "\nchildlogdir=" + dir_.path() +
                           "\nminfds=" + std::to_string(std::min<rlim_t>(1024 + 4 * n_, hard_nofile())) +
                           "\nminprocs=" + std::to_string(200 + 2 * n_) + "\n";
        for (int i = 0; i < n_; ++i)
          conf += "[program:" + name(i) + "]\ncommand=" + service_ + " " + count_.path() +
                  "\nautorestart=true\nstartsecs=0\nstdout_logfile=NONE\nstderr_logfile=NONE\n";
        dir_.write("supervisord.conf", conf);
        return true;
      }
    }
    return false;
  }

  // Execs the supervisor (or forks the N services) and returns at once.
  [[nodiscard]] bool launch() {
    if (contender_.kind == Kind::fork_exec) {
      for (int i = 0; i < n_; ++i)
        if (!fork_exec_service()) return false;
      return true;
    }
    std::vector<std::string> args = arguments();
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_strings;
    for (char** e = environ; *e; ++e)
      if (std::strncmp(*e, kEnvFile, std::strlen(kEnvFile)) != 0) env_strings.emplace_back(*e);
    env_strings.push_back(std::string(kEnvFile) + "=" + count_.path());
    std::vector<char*> envp;
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, dir_.file("output").c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    int r = posix_spawn(&root_, argv[0], &actions, &attr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (r != 0) {
      root_ = -1;
      return failed("spawning " + args[0] + ": " + std::strerror(r));
    }
    return true;
  }

  // The supervisor's own processes: root and descendants, services excluded.
  [[nodiscard]] std::vector<pid_t> own_processes() const {
    std::vector<pid_t> out;
    if (root_ <= 0) return out;
    for (pid_t p : tree_of(root_))
      if (exe_of(p) != service_) out.push_back(p);
    return out;
  }

  // The services' processes, below the supervisor (or ours, for the baseline).
  [[nodiscard]] std::vector<pid_t> services() const {
    std::vector<pid_t> out;
    if (contender_.kind == Kind::fork_exec) return direct_;
    for (pid_t p : tree_of(root_))
      if (exe_of(p) == service_) out.push_back(p);
    return out;
  }

  // The last line the supervisor wrote, for error messages.
  [[nodiscard]] std::string output_tail() const {
    std::string text = read_file(dir_.file("output"));
    if (contender_.kind == Kind::supervisord) text += read_file(dir_.file("supervisord.log"));
    while (!text.empty() && text.back() == '\n') text.pop_back();
    auto eol = text.rfind('\n');
    if (eol != std::string::npos) text.erase(0, eol + 1);
    return text.size() > 300 ? "..." + text.substr(text.size() - 300) : text;
  }

  void teardown() {
    if (torn_down_) return;
    torn_down_ = true;
    if (contender_.kind == Kind::vermiliond && root_ > 0) {
      // Its own stop, so it removes its cgroups; SIGKILL below if it hangs.
      kill(root_, SIGTERM);
      if (!wait_exit(root_, 120 * kUsec))
        std::fprintf(stderr, "peers_bench: vermiliond did not exit within 120 s of SIGTERM\n");
    } else if (root_ > 0) {
      kill(root_, SIGKILL);
    }
    kill_all_below_us();
    if (contender_.kind == Kind::vermiliond && root_ > 0) remove_cgroups(root_);
  }

 private:
  static std::string name(int i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "svc-%05d", i);
    return buf;
  }

  bool failed(const std::string& what) {
    error_ = what;
    return false;
  }

  [[nodiscard]] std::vector<std::string> arguments() const {
    switch (contender_.kind) {
      case Kind::vermiliond:
        return {contender_.program, "--system", "--no-bridge", "--unit-dir", dir_.file("units"), "--runtime-dir",
                dir_.file("runtime")};
      case Kind::s6:
        return {contender_.program, "-c", std::to_string(std::max(1000, n_ + 16)), dir_.file("scan")};
      case Kind::runit: return {contender_.program, dir_.file("sv")};
      case Kind::supervisord: return {contender_.program, "-n", "-c", dir_.file("supervisord.conf")};
      case Kind::fork_exec: break;
    }
    return {};
  }

  bool fork_exec_service() {
    pid_t pid = fork();
    if (pid < 0) return failed("fork");
    if (pid == 0) {
      sigset_t none;
      sigemptyset(&none);
      sigprocmask(SIG_SETMASK, &none, nullptr);
      execl(service_.c_str(), service_.c_str(), count_.path().c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    direct_.push_back(pid);
    return true;
  }

  // A vermiliond that had to be SIGKILLed leaves its cgroup subtree.
  static void remove_cgroups(pid_t daemon) {
    CgroupLocation location;
    if (discover_cgroup(location) < 0) return;
    std::string tree = location.own_directory + "/vermilion-" + std::to_string(daemon);
    if (DIR* dir = opendir(tree.c_str())) {
      std::vector<std::string> children;
      while (dirent* e = readdir(dir))
        if (e->d_type == DT_DIR && e->d_name[0] != '.') children.push_back(tree + "/" + e->d_name);
      closedir(dir);
      for (const auto& c : children) rmdir(c.c_str());
      rmdir(tree.c_str());
    }
  }

  const Contender& contender_;
  int n_;
  std::string service_;
  TempDir dir_;
  ByteFile count_;
  pid_t root_ = -1;
  std::vector<pid_t> direct_;
  std::string error_;
  bool torn_down_ = false;
};

// ---------------------------------------------------------------------------
// Measurements.

struct ColdStart {
  double ms = 0;
  long pss_kib = -1;   // the supervisor's own processes
  long root_rss_kib = -1;
};

usec_t start_timeout(int n) { return (30 + static_cast<usec_t>(n) / 50) * kUsec; }

std::optional<ColdStart> cold_start(const Contender& c, int n, const std::string& service, std::string& error) {
  Run run(c, n, service);
  if (!run.prepare()) {
    error = run.error();
    return std::nullopt;
  }
  usec_t t0 = now_usec();
  if (!run.launch()) {
    error = run.error();
    return std::nullopt;
  }
  bool all = run.count().wait_for(n, t0 + start_timeout(n));
  usec_t t1 = now_usec();
  if (!all) {
    error = std::to_string(run.count().size()) + " of " + std::to_string(n) + " services ran within " +
            std::to_string(start_timeout(n) / kUsec) + " s; its output: " + run.output_tail();
    return std::nullopt;
  }
  ColdStart out;
  out.ms = static_cast<double>(t1 - t0) / 1000.0;
  if (c.kind != Kind::fork_exec) {
    long pss = 0;
    for (pid_t p : run.own_processes()) {
      long k = kib_field("/proc/" + std::to_string(p) + "/smaps_rollup", "Pss:");
      if (k > 0) pss += k;
    }
    out.pss_kib = pss;
    out.root_rss_kib = kib_field("/proc/" + std::to_string(run.root()) + "/status", "VmRSS:");
  }
  return out;
}

// Our own copy of the service, restarted by hand: the restart baseline.
class DirectService {
 public:
  DirectService(std::string service, std::string file) : service_(std::move(service)), file_(std::move(file)) {}
  DirectService(const DirectService&) = delete;
  DirectService& operator=(const DirectService&) = delete;
  ~DirectService() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  [[nodiscard]] pid_t pid() const { return pid_; }
  [[nodiscard]] bool spawn() {
    pid_ = fork();
    if (pid_ < 0) return false;
    if (pid_ == 0) {
      sigset_t none;
      sigemptyset(&none);
      sigprocmask(SIG_SETMASK, &none, nullptr);
      execl(service_.c_str(), service_.c_str(), file_.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    return true;
  }
  // SIGKILL, reap, fork+exec: what a supervisor does with RestartSec=0.
  [[nodiscard]] bool restart() {
    kill(pid_, SIGKILL);
    if (waitpid(pid_, nullptr, 0) != pid_) return false;
    return spawn();
  }

 private:
  std::string service_, file_;
  pid_t pid_ = -1;
};

struct RestartRound {
  std::vector<double> supervised_ms, direct_ms;
  double wakeups_per_s = NAN;
};

std::optional<RestartRound> restart_round(const Contender& c, int kills, double idle_s, const std::string& service,
                                          std::string& error) {
  Run run(c, kRestartServices, service);
  if (!run.prepare() || !run.launch()) {
    error = run.error();
    return std::nullopt;
  }
  if (!run.count().wait_for(kRestartServices, now_usec() + start_timeout(kRestartServices))) {
    error = "services did not start; output: " + run.output_tail();
    return std::nullopt;
  }
  RestartRound out;
  // Idle: the supervisor's own processes, all services up, nothing to do.
  // The window also puts every service well past the one-second respawn
  // guard of s6-supervise and runsv. A second's settling first: supervisord
  // and runsv record state just after a start.
  sleep_usec(1 * kUsec);
  std::vector<pid_t> own = run.own_processes();
  std::map<pid_t, long> before;
  for (pid_t p : own) before[p] = context_switches(p);
  usec_t t0 = now_usec();
  sleep_usec(static_cast<usec_t>(idle_s * 1e6));
  long woken = 0;
  for (pid_t p : own) {
    long after = context_switches(p);
    if (after >= 0 && before[p] >= 0) woken += after - before[p];
  }
  out.wakeups_per_s = static_cast<double>(woken) / (static_cast<double>(now_usec() - t0) / 1e6);

  std::vector<pid_t> services = run.services();
  if (static_cast<int>(services.size()) < kills) {
    error = "found " + std::to_string(services.size()) + " service processes";
    return std::nullopt;
  }
  TempDir direct_dir;
  ByteFile direct_file(direct_dir.file("count"));
  DirectService direct(service, direct_file.path());
  if (!direct_file.ok() || !direct.spawn() || !direct_file.wait_for(1, now_usec() + 10 * kUsec)) {
    error = "the direct service did not start";
    return std::nullopt;
  }
  for (int k = 0; k < 2 * kills; ++k) {
    // ABBA: supervised on rounds 0, 3, 4, 7, ...
    bool supervised = (k % 2 == 0) == (k / 2 % 2 == 0);
    ByteFile& file = supervised ? run.count() : direct_file;
    long size = file.size();
    usec_t start = now_usec();
    if (supervised) {
      kill(services[static_cast<std::size_t>(k / 2)], SIGKILL);
    } else if (!direct.restart()) {
      error = "direct restart failed";
      return std::nullopt;
    }
    if (!file.wait_for(size + 1, start + 10 * kUsec)) {
      error = supervised ? "no restart within 10 s of SIGKILL; output: " + run.output_tail()
                         : "the direct restart did not run";
      return std::nullopt;
    }
    double ms = static_cast<double>(now_usec() - start) / 1000.0;
    (supervised ? out.supervised_ms : out.direct_ms).push_back(ms);
  }
  return out;
}

// ---------------------------------------------------------------------------
// The table.

struct Figure {
  std::map<std::string, double> value;  // by contender name; absent: not measured
};

struct Line {
  std::string label;
  std::string unit;
  Figure figure;
  bool lower_is_better = true;
};

std::string cell(double v, const std::string& unit, double best) {
  if (std::isnan(v)) return "-";
  char buf[64];
  int precision = v >= 100 ? 0 : v >= 10 ? 1 : 2;
  int n = std::snprintf(buf, sizeof buf, "%.*f %s", precision, v, unit.c_str());
  if (!std::isnan(best)) {
    if (best > 0)
      std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n), " (%.2fx)", v / best);
    else
      std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n), v == 0 ? " (=)" : " (>0)");
  }
  return buf;
}

void print_table(const std::vector<Line>& lines, const std::vector<const Contender*>& columns) {
  std::size_t label_width = 11;
  for (const Line& l : lines) label_width = std::max(label_width, l.label.size());
  std::vector<std::vector<std::string>> cells;
  std::vector<std::size_t> widths;
  for (const Contender* c : columns) widths.push_back(c->name.size());
  for (const Line& l : lines) {
    double best = NAN;
    for (const Contender* c : columns) {
      auto it = l.figure.value.find(c->name);
      if (c->is_peer() && it != l.figure.value.end() && !std::isnan(it->second))
        best = std::isnan(best) ? it->second : std::min(best, it->second);
    }
    std::vector<std::string> row;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      auto it = l.figure.value.find(columns[i]->name);
      row.push_back(it == l.figure.value.end() ? "-" : cell(it->second, l.unit, best));
      widths[i] = std::max(widths[i], row.back().size());
    }
    cells.push_back(std::move(row));
  }
  std::printf("%-*s", static_cast<int>(label_width), "measurement");
  for (std::size_t i = 0; i < columns.size(); ++i)
    std::printf(" | %*s", static_cast<int>(widths[i]), columns[i]->name.c_str());
  std::printf("\n%s", std::string(label_width, '-').c_str());
  for (std::size_t w : widths) std::printf("-+-%s", std::string(w, '-').c_str());
  std::printf("\n");
  for (std::size_t r = 0; r < lines.size(); ++r) {
    std::printf("%-*s", static_cast<int>(label_width), lines[r].label.c_str());
    for (std::size_t i = 0; i < columns.size(); ++i)
      std::printf(" | %*s", static_cast<int>(widths[i]), cells[r][i].c_str());
    std::printf("\n");
  }
}

// ---------------------------------------------------------------------------

struct Options {
  std::vector<int> sizes{100, 1000};
  std::set<std::string> only;  // contender names; empty: all
  int rounds_small = 5;        // cold-start rounds at N <= 100
  int rounds_large = 3;        // ... at 100 < N < 10000
  int rounds_huge = 1;         // ... at N >= 10000
  int restart_rounds = 2;
  int kills = 30;              // restarts measured per restart round
  double idle_s = 5;
};

std::vector<int> parse_list(const char* text) {
  std::vector<int> out;
  std::stringstream s(text);
  for (std::string item; std::getline(s, item, ',');) out.push_back(std::atoi(item.c_str()));
  return out;
}

int usage() {
  std::fprintf(stderr,
               "usage: peers_bench [--large] [--only NAME[,NAME...]] [--sizes N[,N...]] [--rounds R]\n"
               "                   [--restart-rounds R] [--idle SECONDS]\n"
               "  --large   also N = 10000 (minutes: supervisord is slow there)\n"
               "  --only    fork+exec, vermiliond, s6-svscan, runsvdir, supervisord\n"
               "  --rounds  cold-start rounds at every N (default 5 at N <= 100, 3 above, 1 at 10000)\n");
  return 2;
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown CPU";
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

int run(const Options& options) {
  char resolved[PATH_MAX];
  if (!realpath(VERMILION_BENCH_SERVICE_PATH, resolved)) {
    std::fprintf(stderr, "peers_bench: %s not built\n", VERMILION_BENCH_SERVICE_PATH);
    return 1;
  }
  const std::string service = resolved;
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
    std::perror("peers_bench: PR_SET_CHILD_SUBREAPER");
    return 1;
  }

  std::vector<Contender> all = {
      {Kind::fork_exec, "fork+exec", "-", ""},
      {Kind::vermiliond, "vermiliond", VERMILIOND_PATH, ""},
      {Kind::s6, "s6-svscan", find_in_path("s6-svscan"), "s6"},
      {Kind::runit, "runsvdir", find_in_path("runsvdir"), "runit"},
      {Kind::supervisord, "supervisord", find_in_path("supervisord"), "supervisor"},
  };
  std::vector<const Contender*> contenders, missing;
  for (const Contender& c : all) {
    if (!options.only.empty() && !options.only.count(c.name)) continue;
    (c.program.empty() ? missing : contenders).push_back(&c);
  }
  std::vector<const Contender*> supervisors;
  for (const Contender* c : contenders)
    if (c->kind != Kind::fork_exec) supervisors.push_back(c);

  const std::string load_before = load_average();
  const usec_t bench_start = now_usec();
  std::vector<Line> lines;
  std::map<std::string, std::map<int, double>> pss_by_n, rss_by_n;
  std::vector<std::string> notes;

  // Cold start at every N.
  for (int n : options.sizes) {
    int rounds = n >= 10000 ? options.rounds_huge : n > 100 ? options.rounds_large : options.rounds_small;
    std::map<std::string, std::vector<double>> ms, pss, rss;
    std::set<std::string> gave_up;
    for (int round = 0; round < rounds; ++round) {
      std::vector<const Contender*> order = contenders;
      std::rotate(order.begin(), order.begin() + static_cast<long>(static_cast<std::size_t>(round) % order.size()),
                  order.end());
      if (round % 2) std::reverse(order.begin(), order.end());
      for (const Contender* c : order) {
        if (gave_up.count(c->name)) continue;
        std::fprintf(stderr, "peers_bench: cold start N=%d round %d/%d: %s\n", n, round + 1, rounds,
                     c->name.c_str());
        std::string error;
        std::optional<ColdStart> r = cold_start(*c, n, service, error);
        if (!r) {
          notes.push_back(c->name + " at N=" + std::to_string(n) + ": " + error);
          gave_up.insert(c->name);
          continue;
        }
        ms[c->name].push_back(r->ms);
        if (r->pss_kib >= 0) pss[c->name].push_back(static_cast<double>(r->pss_kib));
        if (r->root_rss_kib >= 0) rss[c->name].push_back(static_cast<double>(r->root_rss_kib));
      }
    }
    Line time{"cold start, N=" + std::to_string(n) + " (median of " + std::to_string(rounds) + ")", "ms", {}};
    Line per{"  per service", "us", {}};
    Line memory{"memory: supervisor tree PSS, N=" + std::to_string(n), "MiB", {}};
    for (const Contender* c : contenders) {
      if (ms.count(c->name) && !gave_up.count(c->name)) {
        time.figure.value[c->name] = median(ms[c->name]);
        per.figure.value[c->name] = median(ms[c->name]) * 1000.0 / n;
      }
      if (pss.count(c->name) && !gave_up.count(c->name)) {
        memory.figure.value[c->name] = median(pss[c->name]) / 1024.0;
        pss_by_n[c->name][n] = median(pss[c->name]);
        rss_by_n[c->name][n] = median(rss[c->name]);
      }
    }
    lines.push_back(time);
    lines.push_back(per);
    lines.push_back(memory);
  }
  // Memory per service: the growth from the smallest to the largest N, so
  // what every supervisor costs with no service at all drops out.
  if (options.sizes.size() >= 2) {
    int lo = *std::min_element(options.sizes.begin(), options.sizes.end());
    int hi = *std::max_element(options.sizes.begin(), options.sizes.end());
    Line per{"memory per service, PSS growth N=" + std::to_string(lo) + " to " + std::to_string(hi), "KiB", {}};
    for (const auto& [name, by_n] : pss_by_n)
      if (by_n.count(lo) && by_n.count(hi)) per.figure.value[name] = (by_n.at(hi) - by_n.at(lo)) / (hi - lo);
    lines.push_back(per);
    if (auto it = rss_by_n.find("vermiliond"); it != rss_by_n.end() && it->second.count(lo) && it->second.count(hi)) {
      char buf[200];
      std::snprintf(buf, sizeof buf, "vermiliond VmRSS: %.1f MiB at N=%d, %.1f MiB at N=%d: %.2f KiB per service",
                    it->second.at(lo) / 1024.0, lo, it->second.at(hi) / 1024.0, hi,
                    (it->second.at(hi) - it->second.at(lo)) / (hi - lo));
      notes.insert(notes.begin(), buf);
    }
  }

  // Restart and idle, 100 services.
  if (options.restart_rounds > 0) {
    std::map<std::string, std::vector<double>> restart, wakeups;
    std::vector<double> direct;
    std::set<std::string> gave_up;
    for (int round = 0; round < options.restart_rounds; ++round) {
      std::vector<const Contender*> order = supervisors;
      if (order.empty()) break;
      std::rotate(order.begin(), order.begin() + static_cast<long>(static_cast<std::size_t>(round) % order.size()),
                  order.end());
      if (round % 2) std::reverse(order.begin(), order.end());
      for (const Contender* c : order) {
        if (gave_up.count(c->name)) continue;
        std::fprintf(stderr, "peers_bench: restart and idle round %d/%d: %s\n", round + 1, options.restart_rounds,
                     c->name.c_str());
        std::string error;
        std::optional<RestartRound> r = restart_round(*c, options.kills, options.idle_s, service, error);
        if (!r) {
          notes.push_back(c->name + ", restart: " + error);
          gave_up.insert(c->name);
          continue;
        }
        restart[c->name].insert(restart[c->name].end(), r->supervised_ms.begin(), r->supervised_ms.end());
        direct.insert(direct.end(), r->direct_ms.begin(), r->direct_ms.end());
        wakeups[c->name].push_back(r->wakeups_per_s);
      }
    }
    std::string of = std::to_string(options.kills * options.restart_rounds);
    Line median_line{"restart after SIGKILL until exec'd, median (of " + of + ")", "ms", {}};
    Line p95_line{"restart after SIGKILL until exec'd, p95", "ms", {}};
    Line idle_line{"idle wake-ups, N=" + std::to_string(kRestartServices) + " (" +
                       std::to_string(static_cast<int>(options.idle_s)) + " s windows)",
                   "/s", {}};
    for (const Contender* c : supervisors) {
      if (gave_up.count(c->name) || !restart.count(c->name)) continue;
      median_line.figure.value[c->name] = median(restart[c->name]);
      p95_line.figure.value[c->name] = percentile(restart[c->name], 0.95);
      idle_line.figure.value[c->name] = median(wakeups[c->name]);
    }
    if (!direct.empty()) {
      median_line.figure.value["fork+exec"] = median(direct);
      p95_line.figure.value["fork+exec"] = percentile(direct, 0.95);
    }
    lines.push_back(median_line);
    lines.push_back(p95_line);
    lines.push_back(idle_line);
  }

  utsname host{};
  uname(&host);
  char date[64];
  std::time_t t = std::time(nullptr);
  std::strftime(date, sizeof date, "%Y-%m-%d", std::localtime(&t));
  std::printf("peers_bench, %s: %s %s, %ld CPUs (%s); load average before %s, after %s; %.0f s\n", date,
              host.sysname, host.release, sysconf(_SC_NPROCESSORS_ONLN), cpu_model().c_str(), load_before.c_str(),
              load_average().c_str(), static_cast<double>(now_usec() - bench_start) / 1e6);
  std::printf("service: %s (appends one byte, then pause()); ratios in parentheses: to the best peer\n",
              service.c_str());
  std::printf("(s6-svscan, runsvdir, supervisord). One machine, one run; nothing here is asserted.\n");
  for (const Contender* c : missing) {
    if (c->kind == Kind::fork_exec || c->kind == Kind::vermiliond) continue;
    std::printf("not installed: %s (Debian package %s; scripts/setup-bench.sh installs it)\n", c->name.c_str(),
                c->package.c_str());
  }
  std::printf("\n");
  print_table(lines, contenders);
  if (!notes.empty()) std::printf("\n");
  for (const auto& note : notes) std::printf("%s\n", note.c_str());
  return 0;
}

}  // namespace
}  // namespace vermilion

int main(int argc, char** argv) {
  vermilion::Options options;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    if (a == "--large") {
      options.sizes = {100, 1000, 10000};
    } else if (a == "--only") {
      const char* v = value();
      if (!v) return vermilion::usage();
      std::stringstream s(v);
      for (std::string item; std::getline(s, item, ',');) options.only.insert(item);
    } else if (a == "--sizes") {
      const char* v = value();
      if (!v) return vermilion::usage();
      options.sizes = vermilion::parse_list(v);
      if (options.sizes.empty() || *std::min_element(options.sizes.begin(), options.sizes.end()) <= 0)
        return vermilion::usage();
    } else if (a == "--rounds") {
      const char* v = value();
      if (!v || std::atoi(v) <= 0) return vermilion::usage();
      options.rounds_small = options.rounds_large = options.rounds_huge = std::atoi(v);
    } else if (a == "--restart-rounds") {
      const char* v = value();
      if (!v || std::atoi(v) < 0) return vermilion::usage();
      options.restart_rounds = std::atoi(v);
    } else if (a == "--idle") {
      const char* v = value();
      if (!v || std::atof(v) <= 0) return vermilion::usage();
      options.idle_s = std::atof(v);
    } else {
      return vermilion::usage();
    }
  }
  if (geteuid() != 0) {
    std::printf("peers_bench: skipped: needs root (vermiliond runs in system scope, as the peers do)\n");
    return 0;
  }
  return vermilion::run(options);
}
