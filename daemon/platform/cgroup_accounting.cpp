#include "platform/cgroup_accounting.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>

#include "common/unique_fd.h"

namespace vermilion {
namespace {

// One read of a small cgroupfs file below `directory`; "" when it is
// missing or unreadable. 4 KiB holds every counter file read here.
std::string read_small(int directory, const char* name) {
  unique_fd fd(openat(directory, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK));
  if (!fd) return {};
  char buffer[4096];
  ssize_t n;
  do n = read(fd.get(), buffer, sizeof buffer);
  while (n < 0 && errno == EINTR);
  return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
}

bool parse_u64(std::string_view text, std::uint64_t& out) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

bool keyed_value(std::string_view text, std::string_view key, std::uint64_t& out) {
  while (!text.empty()) {
    std::size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    if (line.size() > key.size() && line.starts_with(key) && line[key.size()] == ' ')
      return parse_u64(line.substr(key.size() + 1), out);
  }
  return false;
}

ResourceUsage read_cgroup_accounting(const std::string& directory) {
  ResourceUsage usage;
  unique_fd dir(open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW));
  if (!dir) return usage;
  std::uint64_t value = 0;
  if (parse_u64(read_small(dir.get(), "memory.current"), value)) usage.memory_current_bytes = value;
  if (parse_u64(read_small(dir.get(), "pids.current"), value)) usage.tasks_current = value;
  // cpu.stat's usage_usec is there without the cpu controller (kernel
  // ≥ 4.15), as systemd's get_cpu_accounting_mask() assumes.
  if (keyed_value(read_small(dir.get(), "cpu.stat"), "usage_usec", value) && value <= UINT64_MAX / 1000)
    usage.cpu_usage_nsec = value * 1000;
  return usage;
}

}  // namespace vermilion
