// What every soak program (bench/*_soak.cpp) shares: the count it runs
// (argv[1], the full soak count by default; CI passes a small one), the
// vermiliond measurements a soak compares at start and end (open fds, RSS,
// zombie children, service cgroups), a D-Bus client for org.vermilion1 on the
// stack's private bus, and the table each program prints.
//
// A soak passes when every row has 0 failures and the end-state measurements
// match the start: fds exactly, cgroups exactly, zombies 0, and RSS within
// kRssToleranceKib (see there). Exit status 0: passed; 1: a failure; 77: not
// root (ctest's SKIP_RETURN_CODE), since cgroups and running a caller as
// `nobody` need root.
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "bridge_fixture.h"

namespace vermilion::soak {

using testing::monotonic_ms;

constexpr int kSkip = 77;

// RSS may grow this much (KiB) between the start and end samples. The start
// is sampled after a warm-up (each program says which), so allocator pools,
// the per-service output buffers (64 KiB each, bounded) and sd-bus's caches
// are already at their steady size; what remains is malloc's own slack.
// A leak per iteration shows up far above this at the full counts.
constexpr long kRssToleranceKib = 512;
// Under AddressSanitizer freed memory waits in a quarantine (up to 256 MiB
// by design) before reuse, so RSS grows whatever the code does: it is
// printed, not judged. Fds, cgroups and zombies are judged the same.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kJudgeRss = false;
#else
constexpr bool kJudgeRss = true;
#endif

// argv[1] as a positive count, else `full`.
inline int count_argument(int argc, char** argv, int index, int full) {
  if (argc > index) {
    int n = std::atoi(argv[index]);
    if (n > 0) return n;
    std::fprintf(stderr, "%s: count '%s' is not a positive number\n", argv[0], argv[index]);
    std::exit(2);
  }
  return full;
}

// Open fds of `pid` (/proc/PID/fd) as "N -> target" lines, sorted by what
// they point at so two samples compare line by line; nullopt if unreadable.
inline std::optional<std::vector<std::string>> fd_targets(pid_t pid) {
  const std::string dir_path = "/proc/" + std::to_string(pid) + "/fd";
  DIR* dir = opendir(dir_path.c_str());
  if (!dir) return std::nullopt;
  std::vector<std::string> out;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    char target[512];
    ssize_t n = readlinkat(dirfd(dir), entry->d_name, target, sizeof target - 1);
    target[n < 0 ? 0 : n] = '\0';
    out.push_back(std::string(target) + " (fd " + entry->d_name + ")");
  }
  closedir(dir);
  std::sort(out.begin(), out.end());
  return out;
}

// The text of a /proc file; "" when it cannot be read. Not an ifstream:
// a process that exits between open and read makes read() fail with ESRCH,
// which libstdc++'s filebuf turns into an exception no caller expects.
inline std::string read_proc(const std::string& path) {
  std::string text;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return text;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) text.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  return text;
}

// VmRSS of `pid` in KiB (/proc/PID/status), -1 if unreadable.
inline long rss_kib(pid_t pid) {
  std::istringstream in(read_proc("/proc/" + std::to_string(pid) + "/status"));
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return -1;
}

// Parent pid and state letter of `pid` from /proc/PID/stat.
inline bool stat_of(pid_t pid, pid_t& ppid, char& state, std::string& comm) {
  std::string text = read_proc("/proc/" + std::to_string(pid) + "/stat");
  auto open = text.find('(');
  auto close = text.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close + 4 > text.size()) return false;
  comm = text.substr(open + 1, close - open - 1);
  std::istringstream rest(text.substr(close + 2));
  rest >> state >> ppid;
  return static_cast<bool>(rest);
}

// The children of `parent` as (pid, state, comm), from a walk of /proc.
struct Child {
  pid_t pid;
  char state;
  std::string comm;
};
inline std::vector<Child> children_of(pid_t parent) {
  std::vector<Child> out;
  DIR* dir = opendir("/proc");
  if (!dir) return out;
  while (dirent* entry = readdir(dir)) {
    pid_t pid = std::atoi(entry->d_name);
    if (pid <= 0) continue;
    pid_t ppid = 0;
    char state = 0;
    std::string comm;
    if (stat_of(pid, ppid, state, comm) && ppid == parent) out.push_back({pid, state, comm});
  }
  closedir(dir);
  return out;
}

inline int zombie_children(pid_t parent) {
  int n = 0;
  for (const auto& child : children_of(parent)) n += child.state == 'Z';
  return n;
}

// The running vermilion-bridge under `daemon`, 0 if none (comm is cut to 15).
inline pid_t bridge_pid(pid_t daemon) {
  for (const auto& child : children_of(daemon))
    if (child.comm == "vermilion-bridg" && child.state != 'Z') return child.pid;
  return 0;
}

// The cgroup v2 mount point, from /proc/self/mountinfo (ARCHITECTURE.md:
// never assume /sys/fs/cgroup); "" if there is none.
inline std::string cgroup2_mount() {
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    auto dash = line.find(" - ");
    if (dash == std::string::npos || line.compare(dash + 3, 8, "cgroup2 ") != 0) continue;
    std::istringstream fields(line);
    std::string id, parent, devices, root, mount;
    fields >> id >> parent >> devices >> root >> mount;
    return mount;
  }
  return {};
}

// Service cgroup directories vermiliond `daemon` holds (everything under
// its <own cgroup>/vermilion-<pid>), or -1 when it runs without cgroups.
inline int service_cgroups(pid_t daemon) {
  std::string mount = cgroup2_mount();
  if (mount.empty()) return -1;
  std::istringstream in(read_proc("/proc/" + std::to_string(daemon) + "/cgroup"));
  std::string line, own;
  while (std::getline(in, line))
    if (line.rfind("0::", 0) == 0) own = line.substr(3);
  std::string tree = mount + own + "/vermilion-" + std::to_string(daemon);
  DIR* dir = opendir(tree.c_str());
  if (!dir) return -1;
  int n = 0;
  while (dirent* entry = readdir(dir))
    if (entry->d_type == DT_DIR && entry->d_name[0] != '.') ++n;
  closedir(dir);
  return n;
}

// What the end of a soak compares with its start.
struct Sample {
  int fds = -1;
  std::vector<std::string> fd_list;  // fd_targets(), to name what changed
  long rss_kib = -1;
  int zombies = -1;
  int cgroups = -1;  // -1: vermiliond runs without cgroups
};
// Where `pid` sleeps and how often it was switched out ("" when
// unreadable): equal before and after a look means it never ran between.
inline std::string sleep_mark(pid_t pid) {
  const std::string proc = "/proc/" + std::to_string(pid);
  std::string wchan = read_proc(proc + "/wchan");
  std::istringstream in(read_proc(proc + "/status"));
  std::string switches;
  for (std::string line; std::getline(in, line);)
    if (line.find("ctxt_switches:") != std::string::npos) switches += line + ";";
  return wchan.find("epoll_wait") == std::string::npos ? std::string() : wchan + ";" + switches;
}

// The measurements, taken while vermiliond waits in epoll_wait: a handler
// that was running would show the files it has open for the moment (a
// cgroup's memory.current, a unit file) as fds. vermiliond is single-
// threaded; when its wait channel and context-switch counts are the same
// before and after the look, it did not run in between. Tries for up to
// 5 s (a busy loop still gets sampled, as it is, after that).
inline Sample sample(pid_t daemon) {
  const long long deadline = monotonic_ms() + 5000;
  std::optional<std::vector<std::string>> fds;
  do {
    const std::string before = sleep_mark(daemon);
    fds = fd_targets(daemon);
    if (!before.empty() && before == sleep_mark(daemon)) break;
    usleep(1000);
  } while (monotonic_ms() < deadline);
  return Sample{fds ? static_cast<int>(fds->size()) : -1, fds.value_or(std::vector<std::string>{}), rss_kib(daemon),
                zombie_children(daemon), service_cgroups(daemon)};
}

// systemd's bus_label_escape: "web.service" -> "web_2eservice".
inline std::string service_path(const std::string& name) {
  std::string out = "/org/vermilion1/service/";
  for (unsigned char c : name) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      out += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "_%02x", c);
      out += hex;
    }
  }
  return out;
}

// A client of org.vermilion1 on `address`; every call has `timeout_ms`.
class Client {
 public:
  Client(const std::string& address, int timeout_ms) : bus_(testing::connect_bus(address)) {
    if (bus_) sd_bus_set_method_call_timeout(bus_.get(), static_cast<std::uint64_t>(timeout_ms) * 1000);
  }
  [[nodiscard]] bool ok() const { return bus_ != nullptr; }
  [[nodiscard]] sd_bus* bus() const { return bus_.get(); }

  // A Manager method taking one service name: 0, or -errno / a D-Bus error
  // (in `error`). -ETIMEDOUT is a hang.
  int manager_call(const char* method, const std::string& name, std::string* error = nullptr) {
    sd_bus_error e = SD_BUS_ERROR_NULL;
    int r = sd_bus_call_method(bus_.get(), "org.vermilion1", "/org/vermilion1", "org.vermilion1.Manager", method, &e,
                               nullptr, "s", name.c_str());
    if (r < 0 && error) *error = e.name ? std::string(e.name) + ": " + (e.message ? e.message : "") : "";
    sd_bus_error_free(&e);
    return r;
  }
  int list_services() {
    sd_bus_error e = SD_BUS_ERROR_NULL;
    int r = sd_bus_call_method(bus_.get(), "org.vermilion1", "/org/vermilion1", "org.vermilion1.Manager",
                               "ListServices", &e, nullptr, "");
    sd_bus_error_free(&e);
    return r;
  }
  int reload() {
    sd_bus_error e = SD_BUS_ERROR_NULL;
    int r = sd_bus_call_method(bus_.get(), "org.vermilion1", "/org/vermilion1", "org.vermilion1.Manager", "Reload",
                               &e, nullptr, "");
    sd_bus_error_free(&e);
    return r;
  }
  std::optional<std::string> string_property(const std::string& service, const char* property) {
    char* value = nullptr;
    int r = sd_bus_get_property_string(bus_.get(), "org.vermilion1", service_path(service).c_str(),
                                       "org.vermilion1.Service", property, nullptr, &value);
    if (r < 0) return std::nullopt;
    std::string out = value;
    std::free(value);
    return out;
  }
  std::optional<std::uint32_t> u32_property(const std::string& service, const char* property) {
    std::uint32_t value = 0;
    int r = sd_bus_get_property_trivial(bus_.get(), "org.vermilion1", service_path(service).c_str(),
                                        "org.vermilion1.Service", property, nullptr, 'u', &value);
    if (r < 0) return std::nullopt;
    return value;
  }

 private:
  testing::SdBusPtr bus_;
};

// The printed result: one row per kind of action, then vermiliond's
// measurements at start and end.
class Report {
 public:
  explicit Report(std::string title) : title_(std::move(title)) {}
  void row(const std::string& what, long long count, long long failures) {
    rows_.push_back({what, count, failures});
    failed_ = failed_ || failures != 0;
  }
  void note(const std::string& text) { notes_.push_back(text); }
  void fail(const std::string& why) {
    failed_ = true;
    notes_.push_back("FAILED: " + why);
  }
  // Prints the table, and on failure the last kLogTailLines lines of
  // `daemon_log` (vermiliond's log, so that a failure in CI can be read);
  // the exit status for main().
  int print(const Sample& start, const Sample& end, const std::string& daemon_log) {
    compare("fds", start.fds, end.fds, 0);
    if (start.fds != end.fds) note_fd_changes(start.fd_list, end.fd_list);
    compare("cgroups", start.cgroups, end.cgroups, 0);
    if (end.zombies != 0) fail("zombie children of vermiliond at end: " + std::to_string(end.zombies));
    if (kJudgeRss && (start.rss_kib < 0 || end.rss_kib < 0 || end.rss_kib > start.rss_kib + kRssToleranceKib))
      fail("RSS grew beyond " + std::to_string(kRssToleranceKib) + " KiB");
    std::printf("\n%s\n", title_.c_str());
    std::printf("| %-48s | %10s | %8s |\n", "what", "count", "failures");
    std::printf("|%s|%s|%s|\n", std::string(50, '-').c_str(), std::string(12, '-').c_str(),
                std::string(10, '-').c_str());
    for (const auto& r : rows_) std::printf("| %-48s | %10lld | %8lld |\n", r.what.c_str(), r.count, r.failures);
    std::printf("\n| vermiliond | %8s | %8s |\n|------------|----------|----------|\n", "start", "end");
    std::printf("| fds        | %8d | %8d |\n", start.fds, end.fds);
    std::printf("| RSS (KiB)  | %8ld | %8ld |\n", start.rss_kib, end.rss_kib);
    std::printf("| zombies    | %8d | %8d |\n", start.zombies, end.zombies);
    if (start.cgroups >= 0 || end.cgroups >= 0)
      std::printf("| cgroups    | %8d | %8d |\n", start.cgroups, end.cgroups);
    else
      std::printf("| cgroups    | (vermiliond runs without cgroups) |\n");
    for (const auto& n : notes_) std::printf("%s\n", n.c_str());
    if (failed_) print_tail(daemon_log);
    std::printf("%s\n", failed_ ? "RESULT: FAILED" : "RESULT: passed");
    std::fflush(stdout);
    return failed_ ? 1 : 0;
  }

 private:
  void compare(const char* what, long start, long end, long tolerance) {
    if (end > start + tolerance || end < start - tolerance)
      fail(std::string(what) + " changed: " + std::to_string(start) + " -> " + std::to_string(end));
  }
  static constexpr std::size_t kLogTailLines = 80;
  static void print_tail(const std::string& log) {
    std::size_t at = log.size();
    for (std::size_t n = 0; at > 0 && n <= kLogTailLines;)
      if (log[--at] == '\n') ++n;
    std::printf("--- the end of vermiliond's log ---\n%s\n--- end ---\n", log.c_str() + (at == 0 ? 0 : at + 1));
  }
  // Names each fd open at only one of the two samples.
  void note_fd_changes(const std::vector<std::string>& start, const std::vector<std::string>& end) {
    auto kind = [](const std::string& line) { return line.substr(0, line.rfind(" (fd ")); };
    std::vector<std::string> a, b;
    for (const auto& l : start) a.push_back(kind(l));
    for (const auto& l : end) b.push_back(kind(l));
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    std::vector<std::string> gone, added;
    std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(gone));
    std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::back_inserter(added));
    for (const auto& g : gone) notes_.push_back("fd open at start only: " + g);
    for (const auto& g : added) notes_.push_back("fd open at end only: " + g);
  }
  struct Row {
    std::string what;
    long long count, failures;
  };
  std::string title_;
  std::vector<Row> rows_;
  std::vector<std::string> notes_;
  bool failed_ = false;
};

}  // namespace vermilion::soak
