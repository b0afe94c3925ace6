#include "exec/condition_check.h"

#if defined(__i386__) || defined(__x86_64__)
#include <cpuid.h>
#endif
#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <glob.h>
#include <grp.h>
#include <linux/netlink.h>
#include <pwd.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/capability.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cerrno>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string_view>

#include "common/regular_file.h"
#include "common/unique_fd.h"
#include "platform/version_compare.h"
#include "platform/virtualization.h"
#include "units/extract_word.h"
#include "units/host_facts.h"
#include "units/unit_file_syntax.h"
#include "units/value_parsers.h"

namespace vermilion {
namespace {

constexpr std::size_t kSmallFileBytes = 64 * 1024;
constexpr std::size_t kCmdlineBytes = 1024 * 1024;
// Debian's SYSTEM_UID_MAX/SYSTEM_GID_MAX (login.defs), as systemd is built there.
constexpr uid_t kSystemUidMax = 999;

bool exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

std::string first_line(const std::string& path) {
  std::string text;
  if (read_regular_file(path, kSmallFileBytes, text) < 0) return {};
  if (auto nl = text.find('\n'); nl != std::string::npos) text.resize(nl);
  return text;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// systemd's proc_cmdline(): in a container, PID 1's arguments (joined by
// spaces) stand for the kernel command line, which belongs to the host.
int kernel_command_line(std::string& out) {
  if (detect_virtualization().kind == VirtualizationKind::container) {
    if (int r = read_regular_file("/proc/1/cmdline", kCmdlineBytes, out); r < 0) return r;
    while (!out.empty() && out.back() == '\0') out.pop_back();
    std::replace(out.begin(), out.end(), '\0', ' ');
    return 0;
  }
  int r = read_regular_file("/proc/cmdline", kCmdlineBytes, out);
  if (r == 0 && !out.empty() && out.back() == '\n') out.pop_back();
  return r;
}

// Each word of `text` as extract_first_word(EXTRACT_UNQUOTE) gives it; -EINVAL
// on an unterminated quote. `visit` returning true stops the walk.
int for_each_word(std::string_view text, const std::function<bool(const std::string&)>& visit, bool& stopped) {
  stopped = false;
  for (;;) {
    ExtractedWord w = extract_first_word(text, kExtractUnquote);
    if (w.status == ExtractStatus::end) return 0;
    if (w.status == ExtractStatus::invalid) return -EINVAL;
    if (visit(w.word)) {
      stopped = true;
      return 0;
    }
  }
}

// "NAME" matches NAME and NAME=anything; "NAME=VALUE" only itself.
bool matches_assignment(std::string_view word, std::string_view parameter) {
  if (parameter.find('=') != std::string_view::npos) return word == parameter;
  return word.starts_with(parameter) && (word.size() == parameter.size() || word[parameter.size()] == '=');
}

int test_kernel_command_line(const std::string& parameter) {
  std::string line;
  if (int r = kernel_command_line(line); r < 0) return r;
  bool found = false;
  // systemd splits with EXTRACT_RELAX; here a stray quote ends the search.
  for_each_word(line, [&](const std::string& word) { return matches_assignment(word, parameter); }, found);
  return found ? 1 : 0;
}

int test_kernel_version(const std::string& parameter) {
  utsname uts{};
  if (uname(&uts) < 0) return -errno;
  std::string_view rest = parameter;
  bool first = true;
  for (;;) {
    ExtractedWord w = extract_first_word(rest, kExtractUnquote);
    if (w.status == ExtractStatus::invalid) return -EINVAL;
    if (w.status == ExtractStatus::end) return 1;
    std::string_view s = w.word;
    auto op = take_compare_operator(s, {.allow_fnmatch = true, .equal_by_string = true});
    if (!op) op = CompareOperator::fnmatch_equal;  // no operator: a glob
    while (!s.empty() && is_unit_whitespace(s.front())) s.remove_prefix(1);
    std::string value(s);
    if (value.empty()) {
      // ">= 6.1": whitespace after the operator only in the first expression.
      if (!first) return -EINVAL;
      ExtractedWord next = extract_first_word(rest, kExtractPlain);
      if (next.status != ExtractStatus::word) return -EINVAL;
      value = next.word;
    }
    if (!version_or_fnmatch_compare(*op, uts.release, value)) return 0;
    first = false;
  }
}

std::optional<std::map<std::string, std::string, std::less<>>> os_release() {
  std::string text;
  if (read_regular_file("/etc/os-release", kSmallFileBytes, text) < 0 &&
      read_regular_file("/usr/lib/os-release", kSmallFileBytes, text) < 0)
    return std::nullopt;
  return parse_env_file_text(text);
}

int test_os_release(const std::string& parameter) {
  std::string_view rest = parameter;
  std::optional<std::map<std::string, std::string, std::less<>>> fields;
  for (;;) {
    ExtractedWord w = extract_first_word(rest, kExtractUnquote);
    if (w.status == ExtractStatus::invalid) return -EINVAL;
    if (w.status == ExtractStatus::end) return 1;
    std::string_view expression = w.word;
    const std::size_t split = expression.find_first_of("!<=>$");
    if (split == 0 || split == std::string_view::npos) return -EINVAL;
    const std::string key(expression.substr(0, split));
    if (!is_valid_environment_name(key)) return -EINVAL;
    std::string_view value = expression.substr(split);
    auto op = take_compare_operator(value, {.allow_fnmatch = true, .equal_by_string = true});
    // os-release(5) has no whitespace around '='.
    if (!op || value.empty() || is_unit_whitespace(value.front())) return -EINVAL;
    if (!fields) fields = os_release();
    if (!fields) return -ENOENT;
    auto it = fields->find(key);
    const std::string actual = it == fields->end() ? std::string() : it->second;
    if (!version_or_fnmatch_compare(*op, actual, value)) return 0;
  }
}

// ConditionMemory=/ConditionCPUs=: an optional operator (">=" when none),
// then a number.
template <typename Parse>
int compare_quantity(const std::string& parameter, std::uint64_t actual, Parse parse) {
  std::string_view text = parameter;
  auto op = take_compare_operator(text, {});
  if (!op) op = CompareOperator::greater_or_equal;
  std::optional<std::uint64_t> wanted = parse(text);
  if (!wanted) return -EINVAL;
  return test_order(actual < *wanted ? -1 : actual > *wanted ? 1 : 0, *op) ? 1 : 0;
}

// The cgroup PID 1 sits in, with "/init.scope" taken off (cg_get_root_path()).
std::string root_cgroup() {
  std::string text;
  if (read_regular_file("/proc/1/cgroup", kSmallFileBytes, text) < 0) return "/";
  std::string path = "/";
  std::string_view rest = text;
  while (!rest.empty()) {
    std::string_view line = rest.substr(0, rest.find('\n'));
    rest.remove_prefix(std::min(rest.size(), line.size() + 1));
    if (line.starts_with("0::")) path = std::string(line.substr(3));
    else if (line.find(":name=systemd:") != std::string_view::npos)
      path = std::string(line.substr(line.find(":name=systemd:") + 14));
  }
  if (path.ends_with("/init.scope")) path.resize(path.size() - 11);
  return path.empty() ? "/" : path;
}

bool cgroup_unified() { return exists("/sys/fs/cgroup/cgroup.controllers"); }

// systemd's physical_memory(): RAM, or the root cgroup's memory.max if lower.
std::uint64_t physical_memory() {
  const long page = sysconf(_SC_PAGESIZE);
  const std::uint64_t memory = static_cast<std::uint64_t>(sysconf(_SC_PHYS_PAGES)) * static_cast<std::uint64_t>(page);
  std::string limit = first_line(cgroup_unified() ? "/sys/fs/cgroup" + root_cgroup() + "/memory.max"
                                                  : "/sys/fs/cgroup/memory" + root_cgroup() + "/memory.limit_in_bytes");
  auto bytes = parse_systemd_unsigned(limit, UINT64_MAX);
  if (limit.empty() || limit == "max" || !bytes) return memory;
  return std::min<std::uint64_t>(memory, *bytes / static_cast<std::uint64_t>(page) * static_cast<std::uint64_t>(page));
}

// systemd's cpus_in_affinity_mask(): the set grows until the kernel's fits.
std::uint64_t cpus_in_affinity_mask() {
  for (int cpus = 1024; cpus <= 1024 * 1024; cpus *= 4) {
    cpu_set_t* set = CPU_ALLOC(cpus);
    if (set == nullptr) return 0;
    const std::size_t size = CPU_ALLOC_SIZE(cpus);
    CPU_ZERO_S(size, set);
    const int r = sched_getaffinity(0, size, set);
    const int count = r == 0 ? CPU_COUNT_S(size, set) : 0;
    const int error = errno;
    CPU_FREE(set);
    if (r == 0) return static_cast<std::uint64_t>(count);
    if (error != EINVAL) return 0;
  }
  return 0;
}

int test_virtualization(const std::string& parameter) {
  if (parameter == "private-users") return running_in_user_namespace();
  const Virtualization& v = detect_virtualization();
  if (auto b = parse_boolean(parameter)) return *b == (v.kind != VirtualizationKind::none) ? 1 : 0;
  if (parameter == "vm") return v.kind == VirtualizationKind::vm ? 1 : 0;
  if (parameter == "container") return v.kind == VirtualizationKind::container ? 1 : 0;
  return v.kind != VirtualizationKind::none && parameter == v.id ? 1 : 0;
}

std::optional<std::array<unsigned char, 16>> parse_id128(std::string_view s) {
  if (s.size() == 36) {  // the UUID form
    if (s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-') return std::nullopt;
    std::string plain;
    for (char c : s)
      if (c != '-') plain += c;
    s = plain;
    return s.size() == 32 ? parse_id128(std::string(s)) : std::nullopt;
  }
  if (s.size() != 32) return std::nullopt;
  std::array<unsigned char, 16> id{};
  for (std::size_t i = 0; i < 32; ++i) {
    const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
    int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (v < 0) return std::nullopt;
    id[i / 2] = static_cast<unsigned char>(id[i / 2] << 4 | v);
  }
  return id;
}

int test_host(const std::string& parameter) {
  if (auto wanted = parse_id128(parameter)) {
    auto ours = parse_id128(first_line("/etc/machine-id"));
    if (!ours) return -ENOENT;
    return *wanted == *ours ? 1 : 0;
  }
  std::array<char, 256> name{};
  if (gethostname(name.data(), name.size() - 1) < 0) return -errno;
  return fnmatch(parameter.c_str(), name.data(), FNM_CASEFOLD) == 0 ? 1 : 0;
}

// systemd's on_ac_power(): any power source but a battery that is online,
// or none known to be offline. Peripherals ("scope" Device) do not count.
bool on_ac_power() {
  bool found_online = false, found_offline = false;
  DIR* dir = opendir("/sys/class/power_supply");
  if (dir == nullptr) return true;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    const std::string base = std::string("/sys/class/power_supply/") + entry->d_name;
    if (first_line(base + "/type") == "Battery") continue;
    if (first_line(base + "/scope") == "Device") continue;
    const std::string online = first_line(base + "/online");
    if (online == "1") found_online = true;
    else if (online == "0") found_offline = true;
  }
  closedir(dir);
  return found_online || !found_offline;
}

bool use_audit() {
  unique_fd fd(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_AUDIT));
  if (fd.get() >= 0) return true;
  return errno != EAFNOSUPPORT && errno != EPROTONOSUPPORT && errno != EPERM;
}

bool is_efi_boot() {
  return detect_virtualization().kind != VirtualizationKind::container && exists("/sys/firmware/efi/");
}

// The SecureBoot EFI variable: 4 bytes of attributes, then 1 when enabled;
// in setup mode nothing is enforced.
bool efi_secure_boot() {
  if (!is_efi_boot()) return false;
  auto variable = [](const char* name) {
    std::string value;
    if (read_regular_file(std::string("/sys/firmware/efi/efivars/") + name + "-8be4df61-93ca-11d2-aa0d-00e098032b8c",
                          kSmallFileBytes, value) < 0 ||
        value.size() != 5)
      return -1;
    return static_cast<int>(static_cast<unsigned char>(value[4]));
  };
  return variable("SecureBoot") == 1 && variable("SetupMode") != 1;
}

bool directory_has_entries(const char* path) {
  DIR* dir = opendir(path);
  if (dir == nullptr) return false;
  bool found = false;
  while (dirent* entry = readdir(dir))
    if (entry->d_name[0] != '.') found = true;
  closedir(dir);
  return found;
}

int test_security(const std::string& parameter) {
  if (parameter == "selinux") return exists("/sys/fs/selinux/enforce") ? 1 : 0;
  if (parameter == "smack") return exists("/sys/fs/smackfs/") ? 1 : 0;
  if (parameter == "apparmor") return parse_boolean(first_line("/sys/module/apparmor/parameters/enabled")).value_or(false) ? 1 : 0;
  if (parameter == "audit") return use_audit() ? 1 : 0;
  if (parameter == "ima") return exists("/sys/kernel/security/ima/") ? 1 : 0;
  if (parameter == "tomoyo") return exists("/sys/kernel/security/tomoyo/version") ? 1 : 0;
  if (parameter == "uefi-secureboot") return efi_secure_boot() ? 1 : 0;
  // A TPM2 the kernel drives and the firmware announces.
  if (parameter == "tpm2")
    return directory_has_entries("/sys/class/tpmrm") && (exists("/sys/firmware/acpi/tables/TPM2") ||
                                                         exists("/sys/kernel/security/tpm0/binary_bios_measurements"))
               ? 1
               : 0;
  return 0;
}

int test_capability(const std::string& parameter) {
  cap_value_t value = 0;
  if (cap_from_name(parameter.c_str(), &value) < 0 || value < 0 || value > 63) return -EINVAL;
  std::string status;
  if (int r = read_regular_file("/proc/self/status", kSmallFileBytes, status); r < 0) return r;
  std::uint64_t bounding = UINT64_MAX;  // a valid capability is assumed present when unknown
  if (auto at = status.find("\nCapBnd:"); at != std::string::npos) {
    std::string_view hex = std::string_view(status).substr(at + 8);
    hex.remove_prefix(std::min(hex.size(), hex.find_first_not_of(" \t")));
    std::uint64_t parsed = 0;
    if (auto [end, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), parsed, 16); ec == std::errc()) bounding = parsed;
  }
  return (bounding >> value) & 1U ? 1 : 0;
}

int test_firmware(const std::string& parameter) {
  if (parameter == "device-tree") return exists("/sys/firmware/devicetree/") ? 1 : 0;
  if (parameter == "uefi") return is_efi_boot() ? 1 : 0;
  static constexpr std::string_view kCompatible = "device-tree-compatible(";
  if (parameter.starts_with(kCompatible)) {
    std::string_view wanted = std::string_view(parameter).substr(kCompatible.size());
    // The last ')' must end it, as systemd's strrchr(): else malformed, false.
    if (wanted.empty() || wanted.rfind(')') != wanted.size() - 1) return 0;
    wanted.remove_suffix(1);
    std::string list;
    if (read_regular_file("/proc/device-tree/compatible", kSmallFileBytes, list) < 0) return 0;
    std::string_view rest = list;
    while (!rest.empty()) {
      std::string_view entry = rest.substr(0, rest.find('\0'));
      if (entry == wanted) return 1;
      rest.remove_prefix(std::min(rest.size(), entry.size() + 1));
    }
    return 0;
  }
  return 0;
}

int test_cpu_feature(const std::string& parameter) {
#if defined(__i386__) || defined(__x86_64__)
  struct Flag {
    unsigned leaf;
    int reg;  // 0 ebx, 1 ecx, 2 edx
    unsigned bit;
    std::string_view name;
  };
  // systemd 252's tables (src/basic/virt.c, has_cpu_with_flag()).
  static constexpr std::array<Flag, 51> kFlags{{
      {1, 2, 0, "fpu"},      {1, 2, 1, "vme"},     {1, 2, 2, "de"},       {1, 2, 3, "pse"},       {1, 2, 4, "tsc"},
      {1, 2, 5, "msr"},      {1, 2, 6, "pae"},     {1, 2, 7, "mce"},      {1, 2, 8, "cx8"},       {1, 2, 9, "apic"},
      {1, 2, 11, "sep"},     {1, 2, 12, "mtrr"},   {1, 2, 13, "pge"},     {1, 2, 14, "mca"},      {1, 2, 15, "cmov"},
      {1, 2, 16, "pat"},     {1, 2, 17, "pse36"},  {1, 2, 19, "clflush"}, {1, 2, 23, "mmx"},      {1, 2, 24, "fxsr"},
      {1, 2, 25, "sse"},     {1, 2, 26, "sse2"},   {1, 2, 28, "ht"},      {1, 1, 0, "pni"},       {1, 1, 1, "pclmul"},
      {1, 1, 3, "monitor"},  {1, 1, 9, "ssse3"},   {1, 1, 12, "fma3"},    {1, 1, 13, "cx16"},     {1, 1, 19, "sse4_1"},
      {1, 1, 20, "sse4_2"},  {1, 1, 22, "movbe"},  {1, 1, 23, "popcnt"},  {1, 1, 25, "aes"},      {1, 1, 26, "xsave"},
      {1, 1, 27, "osxsave"}, {1, 1, 28, "avx"},    {1, 1, 29, "f16c"},    {1, 1, 30, "rdrand"},   {7, 0, 3, "bmi1"},
      {7, 0, 5, "avx2"},     {7, 0, 8, "bmi2"},    {7, 0, 18, "rdseed"},  {7, 0, 19, "adx"},      {7, 0, 29, "sha_ni"},
      {0x80000001U, 2, 11, "syscall"},  {0x80000001U, 2, 27, "rdtscp"},     {0x80000001U, 2, 29, "lm"},
      {0x80000001U, 1, 0, "lahf_lm"},   {0x80000001U, 1, 5, "abm"},         {0x80000007U, 2, 8, "constant_tsc"},
  }};
  const std::string name = lower(parameter);
  for (const Flag& f : kFlags) {
    if (f.name != name) continue;
    unsigned regs[3] = {0, 0, 0}, eax = 0;
    if (__get_cpuid_count(f.leaf, 0, &eax, &regs[0], &regs[1], &regs[2]) == 0) return 0;
    return (regs[f.reg] >> f.bit) & 1U ? 1 : 0;
  }
#else
  (void)parameter;  // CPUID is x86's: elsewhere no CPU has these flags
#endif
  return 0;
}

// Words of `text` split at any of `separators`, as extract_many_words()
// (separators at the start and runs of them count as one); at most `max`.
std::vector<std::string_view> split_words(std::string_view text, std::string_view separators, std::size_t max) {
  std::vector<std::string_view> words;
  while (words.size() < max) {
    const auto begin = text.find_first_not_of(separators);
    if (begin == std::string_view::npos) break;
    text.remove_prefix(begin);
    const auto end = std::min(text.find_first_of(separators), text.size());
    words.push_back(text.substr(0, end));
    text.remove_prefix(end);
  }
  return words;
}


// A number with at most `decimals` digits after the point, scaled by
// 10^decimals; nullopt on anything else or when it is too big.
std::optional<std::uint64_t> parse_scaled(std::string_view s, int decimals) {
  const auto dot = s.find('.');
  std::string_view whole = s.substr(0, dot), fraction = dot == std::string_view::npos ? "" : s.substr(dot + 1);
  if (whole.empty() || whole.size() > 9 || static_cast<int>(fraction.size()) > decimals ||
      (dot != std::string_view::npos && fraction.empty()))
    return std::nullopt;
  std::uint64_t value = 0;
  for (char c : whole) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  for (int i = 0; i < decimals; ++i) {
    const char c = i < static_cast<int>(fraction.size()) ? fraction[static_cast<std::size_t>(i)] : '0';
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

// systemd's parse_permyriad(): "12%", "12.34%", "123‰", "12.3‰", "1234‱".
std::optional<std::uint64_t> parse_permyriad(std::string_view s) {
  std::optional<std::uint64_t> value;
  if (s.ends_with("‱")) value = parse_scaled(s.substr(0, s.size() - std::string_view("‱").size()), 0);
  else if (s.ends_with("‰")) value = parse_scaled(s.substr(0, s.size() - std::string_view("‰").size()), 1);
  else if (s.ends_with('%')) value = parse_scaled(s.substr(0, s.size() - 1), 2);
  if (!value || *value > 10000) return std::nullopt;
  return value;
}

// ConditionMemoryPressure= and its siblings (systemd 252's
// condition_test_psi()): "10%" for the whole system, or "SLICE:10%", each
// optionally "/10sec", "/1min" or "/5min" (the default) for the averaging
// window; holds while the pressure ("full", else "some") is at most that.
// A kernel without PSI, a slice's check on cgroup v1 or without the
// controller, and a cgroup that does not exist all let the unit start.
int test_pressure(ConditionType type, const std::string& parameter) {
  if (!exists("/proc/pressure")) return 1;
  const char* resource = type == ConditionType::memory_pressure ? "memory"
                         : type == ConditionType::cpu_pressure  ? "cpu"
                                                                : "io";
  const auto parts = split_words(parameter, ":", 2);
  if (parts.empty()) return -EINVAL;
  std::string path = std::string("/proc/pressure/") + resource;
  std::string_view value = parts[0];
  if (parts.size() == 2) {
    const std::string_view slice = trim_whitespace(parts[0]);
    value = parts[1];
    if (!cgroup_unified()) return 1;
    const std::string controllers = " " + first_line("/sys/fs/cgroup" + root_cgroup() + "/cgroup.controllers") + " ";
    if (controllers.find(std::string(" ") + resource + " ") == std::string::npos) return 1;
    // cg_slice_to_path(): "a-b.slice" lives in "a.slice/a-b.slice".
    if (!slice.ends_with(".slice") || slice.size() == 6) return -EINVAL;
    const std::string_view name = slice.substr(0, slice.size() - 6);
    std::string slice_path;
    if (name != "-") {
      if (name.starts_with('-') || name.ends_with('-') || name.find("--") != std::string_view::npos) return -EINVAL;
      for (std::size_t dash = name.find('-'); dash != std::string_view::npos; dash = name.find('-', dash + 1))
        slice_path += "/" + std::string(name.substr(0, dash)) + ".slice";
      slice_path += "/" + std::string(slice);
    }
    std::string root = root_cgroup();
    if (root == "/") root.clear();
    path = "/sys/fs/cgroup" + root + slice_path + "/" + resource + ".pressure";
  }
  const auto window_parts = split_words(value, "/", 2);
  if (window_parts.empty()) return -EINVAL;
  std::string_view field = "avg300=";
  if (window_parts.size() == 2) {
    std::string_view window = window_parts[1];
    while (!window.empty() && is_unit_whitespace(window.front())) window.remove_prefix(1);
    if (window.starts_with("10sec")) field = "avg10=";
    else if (window.starts_with("1min")) field = "avg60=";
    else if (window.starts_with("5min")) field = "avg300=";
    else return -EINVAL;
  }
  const auto limit = parse_permyriad(trim_whitespace(window_parts[0]));
  if (!limit) return -EINVAL;
  std::string pressure;
  if (int r = read_regular_file(path, kSmallFileBytes, pressure); r < 0) return r == -ENOENT ? 1 : r;
  // "full" where there is one (cpu.pressure has had it only lately), else "some".
  auto line_of = [&pressure](std::string_view kind) -> std::string_view {
    for (const std::string_view line : split_words(pressure, "\n", 8))
      if (line.starts_with(kind)) return line;
    return {};
  };
  std::string_view line = line_of("full ");
  if (line.empty()) line = line_of("some ");
  const auto at = line.find(field);
  if (at == std::string_view::npos) return -EBADMSG;
  std::string_view current = line.substr(at + field.size());
  current = current.substr(0, current.find(' '));
  const auto now = parse_scaled(current, 2);
  if (!now) return -EBADMSG;
  return *now <= *limit ? 1 : 0;
}

// systemd's path_is_read_only_fs(): 1 read-only, 0 writable, -errno.
int read_only_fs(const std::string& path) {
  struct statvfs st {};
  if (statvfs(path.c_str(), &st) < 0) return -errno;
  if (st.f_flag & ST_RDONLY) return 1;
  // NFS may say writable and refuse writes.
  return access(path.c_str(), W_OK) < 0 && errno == EROFS ? 1 : 0;
}

int test_needs_update(const std::string& parameter) {
  std::string line;
  if (kernel_command_line(line) == 0) {
    bool found = false;
    std::optional<bool> forced;
    for_each_word(line, [&](const std::string& word) {
      static constexpr std::string_view kKey = "systemd.condition-needs-update";
      if (word == kKey) forced = true;
      else if (word.starts_with(kKey) && word[kKey.size()] == '=') forced = parse_boolean(word.substr(kKey.size() + 1));
      return false;
    }, found);
    if (forced) return *forced ? 1 : 0;
  }
  if (exists("/etc/initrd-release")) return 0;
  if (read_only_fs(parameter) > 0) return 0;
  // Rather run an update tool too often than too rarely: failures say yes.
  struct stat usr {}, updated {};
  const std::string stamp = parameter + "/.updated";
  if (lstat(stamp.c_str(), &updated) < 0 || lstat("/usr/", &usr) < 0) return 1;
  if (usr.st_mtim.tv_sec != updated.st_mtim.tv_sec) return usr.st_mtim.tv_sec > updated.st_mtim.tv_sec ? 1 : 0;
  if (usr.st_mtim.tv_nsec == 0 || updated.st_mtim.tv_nsec > 0) return usr.st_mtim.tv_nsec > updated.st_mtim.tv_nsec ? 1 : 0;
  // A file system without nanoseconds: .updated may say them (TIMESTAMP_NSEC=).
  std::string text;
  if (read_regular_file(stamp, kSmallFileBytes, text) < 0) return 1;
  auto fields = parse_env_file_text(text);
  auto it = fields.find("TIMESTAMP_NSEC");
  if (it == fields.end()) return 1;
  auto nsec = parse_systemd_unsigned(it->second, UINT64_MAX);
  if (!nsec) return 1;
  const std::uint64_t usr_nsec = static_cast<std::uint64_t>(usr.st_mtim.tv_sec) * 1000000000ULL +
                                 static_cast<std::uint64_t>(usr.st_mtim.tv_nsec);
  return usr_nsec > *nsec ? 1 : 0;
}

int test_path_is_mount_point(const std::string& path) {
  struct statx stx {};
  if (statx(AT_FDCWD, path.c_str(), AT_NO_AUTOMOUNT, STATX_BASIC_STATS, &stx) < 0) return 0;
  if (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) return (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT) ? 1 : 0;
  if (path == "/") return 1;
  // Older kernels: a different device than the parent's.
  struct stat self {}, parent {};
  if (stat(path.c_str(), &self) < 0 || stat((path + "/..").c_str(), &parent) < 0) return 0;
  return self.st_dev != parent.st_dev ? 1 : 0;
}

// Whether a block device, or one below it, is a dm-crypt mapping.
bool block_device_encrypted(dev_t device, int depth = 0) {
  const std::string sys = "/sys/dev/block/" + std::to_string(major(device)) + ":" + std::to_string(minor(device));
  if (first_line(sys + "/dm/uuid").starts_with("CRYPT-")) return true;
  if (depth > 8) return false;
  DIR* dir = opendir((sys + "/slaves").c_str());
  if (dir == nullptr) return false;
  bool encrypted = false;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    std::string numbers = first_line(sys + "/slaves/" + entry->d_name + "/dev");
    unsigned maj = 0, min = 0;
    if (std::sscanf(numbers.c_str(), "%u:%u", &maj, &min) == 2 && block_device_encrypted(makedev(maj, min), depth + 1)) {
      encrypted = true;
      break;
    }
  }
  closedir(dir);
  return encrypted;
}

int test_path_is_encrypted(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) < 0) return errno == ENOENT ? 0 : -errno;
  if (major(st.st_dev) == 0) return 0;  // no block device behind it (tmpfs, overlay, ...)
  return block_device_encrypted(st.st_dev) ? 1 : 0;
}

// systemd's hidden_or_backup_file(): what ConditionDirectoryNotEmpty= does not count.
bool hidden_or_backup(std::string_view name) {
  if (name.starts_with('.') || name == "lost+found" || name == "aquota.user" || name == "aquota.group" ||
      name.ends_with('~'))
    return true;
  auto dot = name.rfind('.');
  if (dot == std::string_view::npos) return false;
  std::string_view suffix = name.substr(dot + 1);
  for (std::string_view s : {"rpmnew", "rpmsave", "rpmorig", "dpkg-old", "dpkg-new", "dpkg-tmp", "dpkg-dist",
                             "dpkg-bak", "dpkg-backup", "dpkg-remove", "ucf-new", "ucf-old", "ucf-dist", "swp", "bak",
                             "old", "new"})
    if (suffix == s) return true;
  return false;
}

int test_directory_not_empty(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return errno == ENOENT || errno == ENOTDIR ? 0 : 1;  // systemd: other errors count as not empty
  DIR* dir = fdopendir(fd);
  if (dir == nullptr) {
    close(fd);
    return 1;
  }
  bool found = false;
  while (dirent* entry = readdir(dir))
    if (!hidden_or_backup(entry->d_name)) {
      found = true;
      break;
    }
  closedir(dir);
  return found ? 1 : 0;
}

int test_path_exists_glob(const std::string& pattern) {
  glob_t g{};
  const int r = glob(pattern.c_str(), GLOB_NOSORT | GLOB_BRACE, nullptr, &g);
  const bool found = r == 0 && g.gl_pathc > 0;
  globfree(&g);
  return found ? 1 : 0;
}

bool in_gid(gid_t gid) {
  if (gid == getgid() || gid == getegid()) return true;
  std::vector<gid_t> groups(static_cast<std::size_t>(std::max(getgroups(0, nullptr), 0)));
  if (!groups.empty() && getgroups(static_cast<int>(groups.size()), groups.data()) < 0) return false;
  return std::find(groups.begin(), groups.end(), gid) != groups.end();
}

std::optional<std::uint32_t> parse_id(const std::string& text) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  auto v = parse_systemd_unsigned(text, UINT32_MAX - 1);
  if (!v || *v == 65535) return std::nullopt;  // (uid_t) -1 and the 16-bit -1 are no IDs
  return static_cast<std::uint32_t>(*v);
}

int test_user(const std::string& parameter, const ConditionContext& context) {
  if (auto id = parse_id(parameter)) return *id == getuid() || *id == geteuid() ? 1 : 0;
  if (parameter == "@system") return getuid() <= kSystemUidMax || geteuid() <= kSystemUidMax ? 1 : 0;
  if (parameter == context.user_name) return 1;
  if (getpid() == 1) return parameter == "root" ? 1 : 0;
  return 0;
}

int test_group(const std::string& parameter, const ConditionContext& context) {
  if (auto id = parse_id(parameter)) return in_gid(*id) ? 1 : 0;
  if (getpid() == 1) return parameter == "root" ? 1 : 0;
  return std::find(context.group_names.begin(), context.group_names.end(), parameter) != context.group_names.end() ? 1 : 0;
}

// systemd's credential_name_valid(): a file name that is also a valid fd name.
bool credential_name_valid(std::string_view name) {
  if (name.empty() || name == "." || name == ".." || name.size() > 255) return false;
  return std::all_of(name.begin(), name.end(), [](char c) { return c >= 0x20 && c < 0x7f && c != '/' && c != ':'; });
}

int test_credential(const std::string& parameter, const ConditionContext& context) {
  if (!credential_name_valid(parameter)) return 0;
  for (const auto* dir : {&context.credentials_directory, &context.encrypted_credentials_directory}) {
    if (!*dir) continue;
    struct stat st {};
    if (lstat((**dir + "/" + parameter).c_str(), &st) == 0) return 1;
    if (errno != ENOENT) return -errno;
  }
  return 0;
}

int test_environment(const std::string& parameter, const ConditionContext& context) {
  for (const auto& assignment : context.environment)
    if (matches_assignment(assignment, parameter)) return 1;
  return 0;
}

// systemd's controller names (cgroup_controller_table[]), for ConditionControlGroupController=.
int test_control_group_controller(const std::string& parameter) {
  const bool unified = cgroup_unified();
  if (parameter == "v2") return unified ? 1 : 0;
  if (parameter == "v1") return unified ? 0 : 1;
  static constexpr std::array<std::string_view, 13> kControllers{
      "cpu",       "cpuacct",      "cpuset",     "io",         "blkio",           "memory",
      "devices",   "pids",         "bpf-firewall", "bpf-devices", "bpf-foreign", "bpf-socket-bind",
      "bpf-restrict-network-interfaces"};
  // What a cgroup hierarchy can give: v2 lists it in cgroup.controllers
  // (cpu cpuset io memory pids count there); v1 mounts a hierarchy for it.
  auto supported = [&](std::string_view name) {
    if (unified) {
      for (std::string_view v2 : {"cpu", "cpuset", "io", "memory", "pids"})
        if (name == v2) {
          const std::string list = " " + first_line("/sys/fs/cgroup" + root_cgroup() + "/cgroup.controllers") + " ";
          return list.find(" " + std::string(name) + " ") != std::string::npos;
        }
      return false;
    }
    // systemd's CGROUP_MASK_V1: cpuset is not among them (recorded).
    for (std::string_view v1 : {"cpu", "cpuacct", "blkio", "memory", "devices", "pids"})
      if (name == v1) return exists("/sys/fs/cgroup/" + std::string(name));
    return false;
  };
  bool any = false, all = true;
  std::string_view rest = parameter;
  for (;;) {
    ExtractedWord w = extract_first_word(rest, kExtractUnquote);
    if (w.status != ExtractStatus::word) break;
    if (std::find(kControllers.begin(), kControllers.end(), w.word) == kControllers.end()) continue;
    any = true;
    all = all && supported(w.word);
  }
  // No controller name at all: systemd cannot tell, and lets the unit start.
  return !any || all ? 1 : 0;
}

std::string native_architecture() {
#if defined(__x86_64__)
  return "x86-64";
#elif defined(__i386__)
  return "x86";
#elif defined(__aarch64__)
  return "arm64";
#elif defined(__arm__)
  return "arm";
#else
  utsname uts{};
  return uname(&uts) == 0 ? architecture_name(uts.machine) : std::string();
#endif
}

}  // namespace

ConditionContext ConditionContext::current(const std::optional<std::string>& user,
                                           std::optional<std::string> credentials_directory,
                                           std::optional<std::string> encrypted_credentials_directory) {
  ConditionContext context;
  context.credentials_directory = std::move(credentials_directory);
  context.encrypted_credentials_directory = std::move(encrypted_credentials_directory);
  std::vector<char> buffer(16384);
  if (user && !user->empty()) {
    context.user_name = *user;
  } else {
    passwd entry{}, *found = nullptr;
    if (getpwuid_r(getuid(), &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr)
      context.user_name = found->pw_name;
    else
      context.user_name = std::to_string(getuid());
  }
  std::vector<gid_t> gids{getgid(), getegid()};
  std::vector<gid_t> supplementary(static_cast<std::size_t>(std::max(getgroups(0, nullptr), 0)));
  if (!supplementary.empty() && getgroups(static_cast<int>(supplementary.size()), supplementary.data()) >= 0)
    gids.insert(gids.end(), supplementary.begin(), supplementary.end());
  for (gid_t gid : gids) {
    group entry{}, *found = nullptr;
    int r = 0;
    // A group with many members (a directory's "users") needs more room.
    while ((r = getgrgid_r(gid, &entry, buffer.data(), buffer.size(), &found)) == ERANGE && buffer.size() < (16u << 20))
      buffer.resize(buffer.size() * 4);
    if (r == 0 && found != nullptr &&
        std::find(context.group_names.begin(), context.group_names.end(), found->gr_name) == context.group_names.end())
      context.group_names.emplace_back(found->gr_name);
  }
  return context;
}

int test_condition(const UnitCondition& condition, const ConditionContext& context) {
  const std::string& p = condition.parameter;
  struct stat st {};
  using T = ConditionType;
  switch (condition.type) {
    case T::architecture: {
      utsname uts{};
      if (uname(&uts) < 0) return -errno;
      return architecture_name(uts.machine) == (p == "native" ? native_architecture() : p) ? 1 : 0;
    }
    case T::firmware: return test_firmware(p);
    case T::virtualization: return test_virtualization(p);
    case T::host: return test_host(p);
    case T::kernel_command_line: return test_kernel_command_line(p);
    case T::kernel_version: return test_kernel_version(p);
    case T::credential: return test_credential(p, context);
    case T::security: return test_security(p);
    case T::capability: return test_capability(p);
    case T::ac_power: {
      auto wanted = parse_boolean(p);
      if (!wanted) return -EINVAL;
      return on_ac_power() == *wanted ? 1 : 0;
    }
    case T::memory:
      return compare_quantity(p, physical_memory(), [](std::string_view s) -> std::optional<std::uint64_t> {
        return parse_byte_size(s);
      });
    case T::cpus:
      return compare_quantity(p, cpus_in_affinity_mask(), [](std::string_view s) -> std::optional<std::uint64_t> {
        return parse_systemd_unsigned(s, UINT32_MAX);
      });
    case T::environment: return test_environment(p, context);
    case T::cpu_feature: return test_cpu_feature(p);
    case T::os_release: return test_os_release(p);
    case T::memory_pressure:
    case T::cpu_pressure:
    case T::io_pressure: return test_pressure(condition.type, p);
    case T::needs_update: return test_needs_update(p);
    case T::first_boot: {
      auto wanted = parse_boolean(p);
      if (!wanted) return -EINVAL;
      return exists("/run/systemd/first-boot") == *wanted ? 1 : 0;
    }
    case T::path_exists: return exists(p) ? 1 : 0;
    case T::path_exists_glob: return test_path_exists_glob(p);
    case T::path_is_directory: return stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode) ? 1 : 0;
    case T::path_is_symbolic_link: return lstat(p.c_str(), &st) == 0 && S_ISLNK(st.st_mode) ? 1 : 0;
    case T::path_is_mount_point: return test_path_is_mount_point(p);
    case T::path_is_read_write: {
      const int r = read_only_fs(p);
      return r <= 0 && r != -ENOENT ? 1 : 0;
    }
    case T::path_is_encrypted: return test_path_is_encrypted(p);
    case T::directory_not_empty: return test_directory_not_empty(p);
    case T::file_not_empty: return stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 ? 1 : 0;
    case T::file_is_executable:
      return stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111) != 0 ? 1 : 0;
    case T::user: return test_user(p, context);
    case T::group: return test_group(p, context);
    case T::control_group_controller: return test_control_group_controller(p);
  }
  return -EINVAL;
}

}  // namespace vermilion
