#include "platform/taint.h"

#include <dirent.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <utility>
#include <vector>
#include <string_view>

#include "common/regular_file.h"
#include "platform/file_io.h"

namespace vermilion {
namespace {

constexpr std::size_t kMaxConfigBytes = 64 * 1024;

std::string link_target(const std::string& path) {
  char buffer[4096];
  ssize_t n = readlink(path.c_str(), buffer, sizeof buffer);
  return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
}

// dir_is_empty(): true only for a directory with no entry but . and ..
bool directory_is_empty(const std::string& path) {
  DIR* dir = opendir(path.c_str());
  if (!dir) return false;
  bool empty = true;
  while (const dirent* entry = readdir(dir)) {
    std::string_view name = entry->d_name;
    if (name != "." && name != "..") {
      empty = false;
      break;
    }
  }
  closedir(dir);
  return empty;
}

bool is_filesystem(const std::string& path, long magic) {
  struct statfs fs {};
  return statfs(path.c_str(), &fs) == 0 && fs.f_type == magic;
}

// cg_all_unified() == 0: a tmpfs on /sys/fs/cgroup with a hybrid
// (unified/) or legacy (systemd/) hierarchy below it.
bool cgroups_v1(const std::string& root) {
  const std::string base = root + "/sys/fs/cgroup";
  if (!is_filesystem(base + "/", TMPFS_MAGIC)) return false;
  return is_filesystem(base + "/unified/", CGROUP2_SUPER_MAGIC) ||
         is_filesystem(base + "/systemd/", CGROUP_SUPER_MAGIC) ||
         is_filesystem(base + "/systemd/", CGROUP2_SUPER_MAGIC);
}

// read_line(): a line ends at \n, \r\n, \r or NUL.
std::string first_line(std::string_view text) {
  return std::string(text.substr(0, text.find_first_of(std::string_view("\n\r\0", 3))));
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

// clock_is_localtime(): the third line of /etc/adjtime is "LOCAL".
bool local_hwclock(const std::string& root) {
  std::string text;
  if (read_regular_file(root + "/etc/adjtime", kMaxConfigBytes, text) < 0) return false;
  std::string_view rest = text;
  for (int skip = 0; skip < 2; ++skip) {
    std::size_t eol = rest.find('\n');
    if (eol == std::string_view::npos) return false;
    rest.remove_prefix(eol + 1);
  }
  return first_line(rest) == "LOCAL";
}

// os_release_support_ended(): SUPPORT_END=YYYY-MM-DD of /etc/os-release
// (or /usr/lib/os-release) is before today.
bool support_ended(const std::string& root, usec_t now) {
  std::string text;
  int r = read_regular_file(root + "/etc/os-release", kMaxConfigBytes, text);
  if (r == -ENOENT) r = read_regular_file(root + "/usr/lib/os-release", kMaxConfigBytes, text);
  if (r < 0) return false;
  std::string_view rest = text;
  std::string value;
  while (!rest.empty()) {
    std::size_t eol = rest.find('\n');
    std::string_view line = trimmed(rest.substr(0, eol));
    rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
    std::size_t equals = line.find('=');
    if (equals == std::string_view::npos || trimmed(line.substr(0, equals)) != "SUPPORT_END") continue;
    line = trimmed(line.substr(equals + 1));
    if (line.size() >= 2 && (line.front() == '"' || line.front() == '\'') && line.back() == line.front())
      line = line.substr(1, line.size() - 2);
    value = std::string(line);
  }
  if (value.empty()) return false;
  struct tm tm {};
  const char* end = strptime(value.c_str(), "%F", &tm);
  if (!end || *end) return false;  // systemd ignores what it cannot parse
  tm.tm_isdst = -1;
  time_t eol = mktime(&tm);  // local midnight, as systemd's os_release_support_ended()
  if (eol == static_cast<time_t>(-1)) return false;
  return (now + kUsecPerSec - 1) / kUsecPerSec > static_cast<usec_t>(eol);
}

std::string kernel_value(const std::string& path) {
  std::string text;
  if (read_text_file(path, text) < 0) return "65534";  // unreadable: not tainted
  return first_line(text);
}

// strverscmp_improved(release, "4.15") < 0, for the part that matters:
// the leading major.minor numbers.
bool older_than_baseline(std::string_view release) {
  unsigned major = 0, minor = 0;
  auto [p, ec] = std::from_chars(release.data(), release.data() + release.size(), major);
  if (ec != std::errc()) return false;
  if (p < release.data() + release.size() && *p == '.')
    (void)std::from_chars(p + 1, release.data() + release.size(), minor);
  return major < 4 || (major == 4 && minor < 15);
}

// uid_range_covers(0, 65535) of a /proc/self/uid_map or gid_map: the
// mapped ranges ("inside outside count" lines) leave no ID of 0…65534 out.
// An unreadable map is no taint, as in systemd.
bool short_range(const std::string& path) {
  std::string text;
  if (read_text_file(path, text) < 0) return false;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;  // [start, end)
  std::string_view rest = text;
  while (!rest.empty()) {
    std::size_t eol = rest.find('\n');
    std::string_view line = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
    std::uint64_t numbers[3] = {};
    int n = 0;
    while (n < 3) {
      line = trimmed(line);
      auto [p, ec] = std::from_chars(line.data(), line.data() + line.size(), numbers[n]);
      if (ec != std::errc()) break;
      line.remove_prefix(static_cast<std::size_t>(p - line.data()));
      ++n;
    }
    if (n == 3) ranges.emplace_back(numbers[0], numbers[0] + numbers[2]);
  }
  std::sort(ranges.begin(), ranges.end());
  std::uint64_t covered = 0;  // every ID below this is mapped
  for (const auto& [start, end] : ranges) {
    if (start > covered) break;
    covered = std::max(covered, end);
  }
  return covered < 65535;
}

}  // namespace

TaintFacts probe_taint(const std::string& root, usec_t now) {
  TaintFacts facts;
  facts.usr_empty = directory_is_empty(root + "/usr");
  const std::string bin = link_target(root + "/bin");
  facts.usr_merged = bin == "usr/bin" || bin == "/usr/bin";
  facts.proc_cgroups = access((root + "/proc/cgroups").c_str(), F_OK) == 0;
  facts.cgroups_v1 = cgroups_v1(root);
  facts.local_hwclock = local_hwclock(root);
  facts.support_ended = support_ended(root, now);
  const std::string var_run = link_target(root + "/var/run");
  facts.var_run_link = var_run == "../run" || var_run == "/run";
  facts.overflowuid = kernel_value(root + "/proc/sys/kernel/overflowuid");
  facts.overflowgid = kernel_value(root + "/proc/sys/kernel/overflowgid");
  struct utsname uts {};
  if (uname(&uts) == 0) facts.kernel_release = uts.release;
  facts.uid_range_short = short_range(root + "/proc/self/uid_map");
  facts.gid_range_short = short_range(root + "/proc/self/gid_map");
  return facts;
}

std::string taint_string(const TaintFacts& facts) {
  std::string out;
  auto add = [&](bool tainted, const char* word) {
    if (!tainted) return;
    if (!out.empty()) out += ':';
    out += word;
  };
  add(facts.usr_empty, "split-usr");
  add(!facts.usr_merged, "unmerged-usr");
  add(!facts.proc_cgroups, "cgroups-missing");
  add(facts.cgroups_v1, "cgroupsv1");
  add(facts.local_hwclock, "local-hwclock");
  add(facts.support_ended, "support-ended");
  add(!facts.var_run_link, "var-run-bad");
  add(facts.overflowuid != "65534", "overflowuid-not-65534");
  add(facts.overflowgid != "65534", "overflowgid-not-65534");
  add(!facts.kernel_release.empty() && older_than_baseline(facts.kernel_release), "old-kernel");
  add(facts.uid_range_short, "short-uid-range");
  add(facts.gid_range_short, "short-gid-range");
  return out;
}

}  // namespace vermilion
