#include "units/value_parsers.h"

#include <string.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cerrno>
#include <cstdlib>
#include <limits>

#include "common/utf8.h"

namespace vermilion {
namespace {

constexpr std::string_view kWhitespace = " \t\n\r";

bool equals_ignore_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::vector<std::string_view> split_whitespace(std::string_view s) {
  std::vector<std::string_view> words;
  std::size_t pos = 0;
  while (true) {
    pos = s.find_first_not_of(kWhitespace, pos);
    if (pos == std::string_view::npos) break;
    auto end = s.find_first_of(kWhitespace, pos);
    words.push_back(s.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos));
    if (end == std::string_view::npos) break;
    pos = end;
  }
  return words;
}

template <typename T>
std::optional<T> parse_unsigned(std::string_view s, int base = 10) {
  if (s.empty() || !std::isdigit(static_cast<unsigned char>(s.front()))) return std::nullopt;
  T value{};
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value, base);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return value;
}

struct TimeUnit {
  std::string_view suffix;
  usec_t usec;
};

constexpr usec_t kUsecPerMinute = 60 * kUsecPerSec;
constexpr usec_t kUsecPerHour = 60 * kUsecPerMinute;
constexpr usec_t kUsecPerDay = 24 * kUsecPerHour;
constexpr usec_t kUsecPerMonth = 2'629'800 * kUsecPerSec;  // 30.44 days
constexpr usec_t kUsecPerYear = 31'557'600 * kUsecPerSec;  // 365.25 days

// Order matters: the first suffix that is a prefix of the text wins, exactly
// as in systemd's table ("ms" before "m", "min" before "m").
constexpr std::array<TimeUnit, 30> kTimeUnits{{
    {"seconds", kUsecPerSec},   {"second", kUsecPerSec},    {"sec", kUsecPerSec},
    {"s", kUsecPerSec},         {"minutes", kUsecPerMinute}, {"minute", kUsecPerMinute},
    {"min", kUsecPerMinute},    {"months", kUsecPerMonth},  {"month", kUsecPerMonth},
    {"M", kUsecPerMonth},       {"msec", 1000},             {"ms", 1000},
    {"m", kUsecPerMinute},      {"hours", kUsecPerHour},    {"hour", kUsecPerHour},
    {"hr", kUsecPerHour},       {"h", kUsecPerHour},        {"days", kUsecPerDay},
    {"day", kUsecPerDay},       {"d", kUsecPerDay},         {"weeks", 7 * kUsecPerDay},
    {"week", 7 * kUsecPerDay},  {"w", 7 * kUsecPerDay},     {"years", kUsecPerYear},
    {"year", kUsecPerYear},     {"y", kUsecPerYear},        {"usec", 1},
    {"us", 1},                  {"\xce\xbcs", 1} /* U+03BC GREEK SMALL LETTER MU */,
    {"\xc2\xb5s", 1} /* U+00B5 MICRO SIGN */,
}};

// systemd's signal names (signal_to_string's table): one name per number,
// no aliases.
constexpr std::array<std::string_view, 32> kSignalNames{
    "",     "HUP",  "INT",    "QUIT", "ILL",    "TRAP", "ABRT", "BUS",  "FPE",  "KILL", "USR1",
    "SEGV", "USR2", "PIPE",   "ALRM", "TERM",   "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN",
    "TTOU", "URG",  "XCPU",   "XFSZ", "VTALRM", "PROF", "WINCH", "IO",  "PWR",  "SYS"};

// safe_atoi(): strtol base 0 plus "0b"/"0o", leading whitespace allowed.
std::optional<long long> parse_systemd_signed(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  std::string text(s.substr(i));
  int base = 0;
  std::size_t sign = (!text.empty() && (text[0] == '+' || text[0] == '-')) ? 1 : 0;
  std::string digits = text;
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'b' || text[1] == 'B' || text[1] == 'o' || text[1] == 'O')) {
    base = (text[1] == 'b' || text[1] == 'B') ? 2 : 8;
    digits = text.substr(2);
  }
  (void)sign;
  if (digits.empty() || text.find('\0') != std::string::npos) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  long long value = std::strtoll(digits.c_str(), &end, base);
  if (errno != 0 || end == digits.c_str() || *end != '\0') return std::nullopt;
  return value;
}

std::optional<int> signal_from_name(std::string_view name) {
  if (name.starts_with("SIG")) name.remove_prefix(3);
  if (name.empty()) return std::nullopt;
  for (int sig = 1; sig < static_cast<int>(kSignalNames.size()); ++sig)
    if (name == kSignalNames[sig]) return sig;
  // RTMIN, RTMIN+n, RTMAX, RTMAX-n (0 <= n <= SIGRTMAX - SIGRTMIN).
  for (auto [base, sign] : {std::pair<std::string_view, char>{"RTMIN", '+'}, {"RTMAX", '-'}}) {
    if (!name.starts_with(base)) continue;
    std::string_view rest = name.substr(base.size());
    int origin = sign == '+' ? SIGRTMIN : SIGRTMAX;
    if (rest.empty()) return origin;
    if (rest.front() != sign) return std::nullopt;
    auto offset = parse_systemd_signed(rest);
    if (!offset) return std::nullopt;
    if (sign == '+' && (*offset < 0 || *offset > SIGRTMAX - SIGRTMIN)) return std::nullopt;
    if (sign == '-' && (*offset > 0 || *offset < SIGRTMIN - SIGRTMAX)) return std::nullopt;
    return origin + static_cast<int>(*offset);
  }
  return std::nullopt;
}

std::optional<rlim_t> parse_one_limit(std::string_view s, RlimitUnit unit) {
  if (s == "infinity") return RLIM_INFINITY;
  switch (unit) {
    case RlimitUnit::count:
      return parse_unsigned<rlim_t>(s);
    case RlimitUnit::bytes:
      return parse_byte_size(s);
    case RlimitUnit::cpu_seconds: {
      auto usec = parse_time_span(s, kUsecPerSec);
      if (!usec) return std::nullopt;
      if (*usec == kUsecInfinity) return RLIM_INFINITY;
      return (*usec + kUsecPerSec - 1) / kUsecPerSec;  // round up, as systemd
    }
    case RlimitUnit::microseconds: {
      auto usec = parse_time_span(s, 1);
      if (!usec) return std::nullopt;
      return *usec == kUsecInfinity ? RLIM_INFINITY : *usec;
    }
    case RlimitUnit::nice: {
      // "+N"/"-N" is a nice level (-20..19), a bare number the raw rlimit
      // value (0..40), as systemd's rlimit_parse_nice.
      if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
        auto level = parse_unsigned<int>(s.substr(1));
        if (!level) return std::nullopt;
        int nice = s.front() == '-' ? -*level : *level;
        if (nice < -20 || nice > 19) return std::nullopt;
        return static_cast<rlim_t>(20 - nice);
      }
      auto raw = parse_unsigned<rlim_t>(s);
      if (!raw || *raw > 40) return std::nullopt;
      return raw;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<rlim_t> parse_byte_size(std::string_view s) {
  // systemd 252's parse_size(t, 1024): whitespace-separated parts ("1G 512M")
  // are added up, each a number (strtoull(): '+' allowed, '-' refused), an
  // optional fraction ("1.5G", "10.M"), an optional suffix; the suffixes
  // must come in decreasing order.
  struct Suffix {
    std::string_view name;
    int shift;
  };
  static constexpr std::array<Suffix, 8> kSuffixes{
      {{"E", 60}, {"P", 50}, {"T", 40}, {"G", 30}, {"M", 20}, {"K", 10}, {"B", 0}, {"", 0}}};
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  unsigned long long total = 0;
  std::size_t start = 0, p = 0;
  do {
    while (p < s.size() && is_space(s[p])) ++p;
    std::size_t e = p;
    if (e < s.size() && s[e] == '-') return std::nullopt;
    if (e < s.size() && s[e] == '+') ++e;
    const std::size_t digits_begin = e;
    unsigned long long whole = 0;
    for (; e < s.size() && is_digit(s[e]); ++e) {
      if (whole > (std::numeric_limits<unsigned long long>::max() - 9) / 10) return std::nullopt;
      whole = whole * 10 + static_cast<unsigned>(s[e] - '0');
    }
    if (e == digits_begin) return std::nullopt;
    double fraction = 0;
    if (e < s.size() && s[e] == '.') {
      ++e;
      double scale = 1;
      for (; e < s.size() && is_digit(s[e]); ++e) {
        scale /= 10;
        fraction += (s[e] - '0') * scale;
      }
    }
    while (e < s.size() && is_space(s[e])) ++e;
    std::size_t i = start;
    for (; i < kSuffixes.size(); ++i)
      if (s.substr(e).starts_with(kSuffixes[i].name)) break;
    if (i >= kSuffixes.size()) return std::nullopt;
    const unsigned long long factor = 1ULL << kSuffixes[i].shift;
    if (whole + (fraction > 0 ? 1 : 0) > std::numeric_limits<unsigned long long>::max() / factor) return std::nullopt;
    const unsigned long long part =
        whole * factor + static_cast<unsigned long long>(fraction * static_cast<double>(factor));
    if (part > std::numeric_limits<unsigned long long>::max() - total) return std::nullopt;
    total += part;
    p = e + kSuffixes[i].name.size();
    start = i + 1;
  } while (p < s.size());
  return static_cast<rlim_t>(total);
}


std::optional<bool> parse_boolean(std::string_view s) {
  for (std::string_view yes : {"1", "yes", "y", "true", "t", "on"})
    if (equals_ignore_case(s, yes)) return true;
  for (std::string_view no : {"0", "no", "n", "false", "f", "off"})
    if (equals_ignore_case(s, no)) return false;
  return std::nullopt;
}

namespace {

// parse_time() and parse_nsec() are one algorithm over two tables: the
// units in µs times `scale` (1000 for nanoseconds), and with a scale of
// 1000 also "nsec"/"ns" (systemd's nsec table has them last, before the
// default unit).
std::optional<std::uint64_t> parse_span(std::string_view t, std::uint64_t default_unit, std::uint64_t scale) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  std::size_t p = 0;
  while (p < t.size() && is_space(t[p])) ++p;
  if (t.substr(p).starts_with("infinity")) {
    std::size_t q = p + 8;
    while (q < t.size() && is_space(t[q])) ++q;
    if (q != t.size()) return std::nullopt;
    return kUsecInfinity;
  }
  usec_t usec = 0;
  bool something = false;
  while (true) {
    while (p < t.size() && is_space(t[p])) ++p;
    if (p >= t.size()) {
      if (!something) return std::nullopt;
      break;
    }
    if (t[p] == '-') return std::nullopt;  // no negative spans, not even "-0"
    // strtoll: optional '+', then digits.
    std::size_t e = p;
    if (t[e] == '+') ++e;
    std::size_t digits_begin = e;
    while (e < t.size() && is_digit(t[e])) ++e;
    bool has_digits = e > digits_begin;
    if (!has_digits) e = p;  // strtoll consumed nothing
    usec_t whole = 0;
    for (std::size_t i = digits_begin; has_digits && i < e; ++i) {
      if (whole > (kUsecInfinity - 1) / 10) return std::nullopt;
      whole = whole * 10 + static_cast<usec_t>(t[i] - '0');
    }
    // strtoll(): beyond LLONG_MAX is ERANGE.
    if (whole > static_cast<usec_t>(std::numeric_limits<long long>::max())) return std::nullopt;
    std::size_t after;
    bool fraction = e < t.size() && t[e] == '.';
    if (fraction) {
      after = e + 1;
      while (after < t.size() && is_digit(t[after])) ++after;
    } else if (!has_digits) {
      return std::nullopt;
    } else {
      after = e;
    }
    // The unit, after optional whitespace; none means default_unit.
    std::size_t u = after;
    while (u < t.size() && is_space(t[u])) ++u;
    usec_t multiplier = default_unit;
    std::size_t next = u;
    std::string_view rest = t.substr(u);
    auto unit = std::find_if(kTimeUnits.begin(), kTimeUnits.end(), [&](const TimeUnit& x) { return rest.starts_with(x.suffix); });
    if (unit != kTimeUnits.end()) {
      multiplier = unit->usec * scale;
      next = u + unit->suffix.size();
    } else if (scale == 1000) {
      for (std::string_view nsec : {"nsec", "ns"}) {
        if (!rest.starts_with(nsec)) continue;
        multiplier = 1;
        next = u + nsec.size();
        break;
      }
    }
    // "12.34.56" is refused, "12.34 .56" and "12.34s.56" are fine.
    if (next == after && after < t.size()) return std::nullopt;
    if (whole >= kUsecInfinity / multiplier) return std::nullopt;
    usec_t k = whole * multiplier;
    if (k >= kUsecInfinity - usec) return std::nullopt;
    usec += k;
    something = true;
    if (fraction) {
      usec_t m = multiplier / 10;
      std::size_t b = e + 1;
      for (; b < t.size() && is_digit(t[b]); ++b, m /= 10) {
        k = static_cast<usec_t>(t[b] - '0') * m;
        if (k >= kUsecInfinity - usec) return std::nullopt;
        usec += k;
      }
      if (b == e + 1) return std::nullopt;  // "5.", "3.s", "3. 1", "0.-0"
    }
    p = next;
  }
  return usec;
}

}  // namespace

std::optional<usec_t> parse_time_span(std::string_view t, usec_t default_unit) {
  return parse_span(t, default_unit, 1);
}

std::optional<std::uint64_t> parse_nsec_span(std::string_view t) { return parse_span(t, 1, 1000); }

std::optional<unsigned long long> parse_systemd_unsigned(std::string_view s, unsigned long long max) {
  std::size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  std::string text(s.substr(i));
  if (text.find('\0') != std::string::npos) return std::nullopt;
  int base = 0;
  std::string digits = text;
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'b' || text[1] == 'B' || text[1] == 'o' || text[1] == 'O')) {
    base = (text[1] == 'b' || text[1] == 'B') ? 2 : 8;
    digits = text.substr(2);
  }
  if (digits.empty()) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  unsigned long long value = std::strtoull(digits.c_str(), &end, base);
  if (errno != 0 || end == digits.c_str() || *end != '\0') return std::nullopt;
  if (value != 0 && digits.find('-') != std::string::npos) return std::nullopt;  // strtoull wraps negatives
  if (value > max) return std::nullopt;
  return value;
}

std::optional<std::uint64_t> parse_hex_u64(std::string_view s) {
  std::string text(s);
  std::size_t i = text.find_first_not_of(" \t\n\r");
  if (i == std::string::npos || text[i] == '-' || text[i] == '+' || text.find('\0') != std::string::npos)
    return std::nullopt;
  errno = 0;
  char* end = nullptr;
  const unsigned long long value = std::strtoull(text.c_str() + i, &end, 16);
  if (errno != 0 || end == text.c_str() + i || *end != '\0') return std::nullopt;
  return value;
}

std::optional<int> parse_signal(std::string_view s) {
  if (auto number = parse_systemd_signed(s)) {
    if (*number >= 1 && *number < _NSIG) return static_cast<int>(*number);
    return std::nullopt;
  }
  return signal_from_name(s);
}

std::optional<int> parse_exit_status(std::string_view s) {
  // systemd's exit_status_mappings (src/basic/exit-status.c).
  static constexpr std::array<std::pair<std::string_view, int>, 68> kNames{{
      {"SUCCESS", 0}, {"FAILURE", 1}, {"INVALIDARGUMENT", 2}, {"NOTIMPLEMENTED", 3}, {"NOPERMISSION", 4},
      {"NOTINSTALLED", 5}, {"NOTCONFIGURED", 6}, {"NOTRUNNING", 7}, {"USAGE", 64}, {"DATAERR", 65},
      {"NOINPUT", 66}, {"NOUSER", 67}, {"NOHOST", 68}, {"UNAVAILABLE", 69}, {"SOFTWARE", 70}, {"OSERR", 71},
      {"OSFILE", 72}, {"CANTCREAT", 73}, {"IOERR", 74}, {"TEMPFAIL", 75}, {"PROTOCOL", 76}, {"NOPERM", 77},
      {"CONFIG", 78}, {"CHDIR", 200}, {"NICE", 201}, {"FDS", 202}, {"EXEC", 203}, {"MEMORY", 204},
      {"LIMITS", 205}, {"OOM_ADJUST", 206}, {"SIGNAL_MASK", 207}, {"STDIN", 208}, {"STDOUT", 209},
      {"CHROOT", 210}, {"IOPRIO", 211}, {"TIMERSLACK", 212}, {"SECUREBITS", 213}, {"SETSCHEDULER", 214},
      {"CPUAFFINITY", 215}, {"GROUP", 216}, {"USER", 217}, {"CAPABILITIES", 218}, {"CGROUP", 219},
      {"SETSID", 220}, {"CONFIRM", 221}, {"STDERR", 222}, {"PAM", 224}, {"NETWORK", 225}, {"NAMESPACE", 226},
      {"NO_NEW_PRIVILEGES", 227}, {"SECCOMP", 228}, {"SELINUX_CONTEXT", 229}, {"PERSONALITY", 230},
      {"APPARMOR", 231}, {"ADDRESS_FAMILIES", 232}, {"RUNTIME_DIRECTORY", 233}, {"CHOWN", 235},
      {"SMACK_PROCESS_LABEL", 236}, {"KEYRING", 237}, {"STATE_DIRECTORY", 238}, {"CACHE_DIRECTORY", 239},
      {"LOGS_DIRECTORY", 240}, {"CONFIGURATION_DIRECTORY", 241}, {"NUMA_POLICY", 242}, {"CREDENTIALS", 243},
      {"BPF", 244}, {"EXCEPTION", 255}, {"", -1},
  }};
  for (auto& [name, code] : kNames)
    if (!name.empty() && s == name) return code;
  if (auto number = parse_systemd_unsigned(s, 255)) return static_cast<int>(*number);
  return std::nullopt;
}

ExitStatusParse parse_exit_status_list(std::string_view s, ExitStatusSet set) {
  ExitStatusParse out;
  auto words = split_whitespace(s);
  if (words.empty()) return out;  // reset
  out.set = std::move(set);
  for (auto word : words) {
    if (auto code = parse_exit_status(word)) out.set.codes.insert(*code);
    else if (auto sig = parse_signal(word)) out.set.signals.insert(*sig);
    else out.invalid.emplace_back(word);
  }
  return out;
}

bool is_valid_user_or_group_name(std::string_view u) {
  if (u.empty()) return false;
  if (auto id = parse_systemd_unsigned(u, 0xFFFFFFFFull)) {
    // A numeric id: valid unless it is one of the two invalid ones.
    if (u.find_first_not_of("0123456789") == std::string_view::npos)
      return *id != 0xFFFFFFFFull && *id != 65535;
  }
  if (!is_valid_utf8(u)) return false;
  for (char c : u) {
    auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b == 0x7f || c == ':' || c == '/') return false;
  }
  if (u.front() == ' ' || u.back() == ' ') return false;
  std::string_view digits = u.front() == '-' ? u.substr(1) : u;
  if (!digits.empty() && digits.find_first_not_of("0123456789") == std::string_view::npos) return false;
  return u != "." && u != "..";
}

RlimitUnit rlimit_unit(int resource) {
  switch (resource) {
    case RLIMIT_FSIZE:
    case RLIMIT_DATA:
    case RLIMIT_STACK:
    case RLIMIT_CORE:
    case RLIMIT_RSS:
    case RLIMIT_AS:
    case RLIMIT_MEMLOCK:
    case RLIMIT_MSGQUEUE:
      return RlimitUnit::bytes;
    case RLIMIT_CPU:
      return RlimitUnit::cpu_seconds;
    case RLIMIT_RTTIME:
      return RlimitUnit::microseconds;
    case RLIMIT_NICE:
      return RlimitUnit::nice;
    default:
      return RlimitUnit::count;
  }
}

ParseResult<ResourceLimit> parse_resource_limit(std::string_view s, int resource) {
  RlimitUnit unit = rlimit_unit(resource);
  auto colon = s.find(':');
  std::string_view soft_text = s.substr(0, colon);
  std::string_view hard_text = colon == std::string_view::npos ? soft_text : s.substr(colon + 1);
  auto soft = parse_one_limit(soft_text, unit);
  if (!soft) return ParseResult<ResourceLimit>::failure("cannot parse '" + std::string(soft_text) + "'");
  auto hard = parse_one_limit(hard_text, unit);
  if (!hard) return ParseResult<ResourceLimit>::failure("cannot parse '" + std::string(hard_text) + "'");
  if (*soft > *hard) return ParseResult<ResourceLimit>::failure("soft limit is above the hard limit");
  return ParseResult<ResourceLimit>::success({*soft, *hard});
}

std::optional<mode_t> parse_umask(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  auto mask = parse_unsigned<unsigned>(s, 8);
  if (!mask || *mask > 07777) return std::nullopt;
  return static_cast<mode_t>(*mask);
}

bool is_valid_environment_name(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front()))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

// systemd's path_simplify(): "//" and "." components go, as does a
// trailing '/'. ".." stays (path_is_normalized() then refuses it).
std::string simplify_path(std::string_view path) {
  std::string out;
  bool absolute = !path.empty() && path.front() == '/';
  std::size_t pos = 0;
  while (pos < path.size()) {
    auto end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(pos, end - pos);
    if (!part.empty() && part != ".") {
      if (!out.empty() || absolute) out += '/';
      out += part;
    }
    pos = end + 1;
  }
  if (out.empty()) return absolute ? "/" : (path.empty() ? "" : ".");
  return out;
}

bool has_dot_dot(std::string_view path) {
  std::size_t pos = 0;
  while (pos <= path.size()) {
    auto end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    if (path.substr(pos, end - pos) == "..") return true;
    pos = end + 1;
  }
  return false;
}

bool path_is_normalized(std::string_view path) {
  return !has_dot_dot(path) && (path.empty() || simplify_path(path) == path);
}

}  // namespace vermilion
