#include "units/host_facts.h"

#include <sys/utsname.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "common/regular_file.h"

namespace vermilion {
namespace {

constexpr std::size_t kMaxFactFile = 64 * 1024;

std::optional<std::string> read_small_file(const char* path) {
  std::string text;
  if (read_regular_file(path, kMaxFactFile, text) < 0) return std::nullopt;
  return text;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool is_hex32(std::string_view s) {
  return s.size() == 32 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace

std::string architecture_name(std::string_view m) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 14> kExact{{
      {"x86_64", "x86-64"},   {"aarch64", "arm64"},   {"aarch64_be", "arm64-be"}, {"ppc64le", "ppc64-le"},
      {"ppc64", "ppc64"},     {"ppcle", "ppc-le"},    {"ppc", "ppc"},             {"s390x", "s390x"},
      {"s390", "s390"},       {"riscv64", "riscv64"}, {"riscv32", "riscv32"},     {"loongarch64", "loongarch64"},
      {"ia64", "ia64"},       {"alpha", "alpha"},
  }};
  for (auto& [from, to] : kExact)
    if (m == from) return std::string(to);
  if (m.size() == 4 && m[0] == 'i' && m.substr(2) == "86") return "x86";  // i386 ... i686
  if (m.starts_with("armv") || m == "arm") return m.ends_with('b') ? "arm-be" : "arm";
  if (m == "mips64") return "mips64";
  if (m == "mips") return "mips";
  return std::string(m);
}

std::map<std::string, std::string, std::less<>> parse_env_file_text(std::string_view text) {
  std::map<std::string, std::string, std::less<>> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    std::string_view line = trim(text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos));
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    auto eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    std::string key(trim(line.substr(0, eq)));
    std::string_view raw = trim(line.substr(eq + 1));
    std::string value;
    char quote = 0;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      char c = raw[i];
      if (quote == 0 && (c == '"' || c == '\'')) {
        quote = c;
      } else if (quote != 0 && c == quote) {
        quote = 0;
      } else if (c == '\\' && quote != '\'' && i + 1 < raw.size()) {
        value += raw[++i];
      } else {
        value += c;
      }
    }
    if (!key.empty()) out[key] = std::move(value);
  }
  return out;
}

HostFacts HostFacts::read() {
  HostFacts facts;
  utsname uts{};
  if (::uname(&uts) == 0) {
    facts.host_name = uts.nodename;
    facts.kernel_release = uts.release;
    facts.architecture = architecture_name(uts.machine);
  }
  if (facts.host_name.empty() || facts.host_name == "(none)") facts.host_name = "localhost";
  facts.short_host_name = facts.host_name.substr(0, facts.host_name.find('.'));
  facts.pretty_host_name = facts.short_host_name;
  if (auto info = read_small_file("/etc/machine-info")) {
    auto fields = parse_env_file_text(*info);
    if (auto it = fields.find("PRETTY_HOSTNAME"); it != fields.end() && !it->second.empty())
      facts.pretty_host_name = it->second;
  }
  if (auto id = read_small_file("/etc/machine-id")) {
    std::string_view text = trim(*id);
    if (is_hex32(text) && text != std::string(32, '0')) facts.machine_id = std::string(text);
  }
  if (auto boot = read_small_file("/proc/sys/kernel/random/boot_id")) {
    std::string id(trim(*boot));
    id.erase(std::remove(id.begin(), id.end(), '-'), id.end());
    if (is_hex32(id)) facts.boot_id = std::move(id);
  }
  auto os = read_small_file("/etc/os-release");
  if (!os) os = read_small_file("/usr/lib/os-release");
  if (os) facts.os_release = parse_env_file_text(*os);
  return facts;
}

}  // namespace vermilion
