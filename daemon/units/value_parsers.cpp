#include "units/value_parsers.h"

#include <string.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <limits>

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
constexpr std::array<TimeUnit, 28> kTimeUnits{{
    {"seconds", kUsecPerSec},   {"second", kUsecPerSec},    {"sec", kUsecPerSec},
    {"s", kUsecPerSec},         {"minutes", kUsecPerMinute}, {"minute", kUsecPerMinute},
    {"min", kUsecPerMinute},    {"months", kUsecPerMonth},  {"month", kUsecPerMonth},
    {"M", kUsecPerMonth},       {"msec", 1000},             {"ms", 1000},
    {"m", kUsecPerMinute},      {"hours", kUsecPerHour},    {"hour", kUsecPerHour},
    {"hr", kUsecPerHour},       {"h", kUsecPerHour},        {"days", kUsecPerDay},
    {"day", kUsecPerDay},       {"d", kUsecPerDay},         {"weeks", 7 * kUsecPerDay},
    {"week", 7 * kUsecPerDay},  {"w", 7 * kUsecPerDay},     {"years", kUsecPerYear},
    {"year", kUsecPerYear},     {"y", kUsecPerYear},        {"usec", 1},
    {"us", 1},
}};

bool add_checked(usec_t& total, usec_t add) {
  if (add > kUsecInfinity - 1 - total) return false;  // kUsecInfinity stays reserved
  total += add;
  return true;
}

std::optional<int> signal_from_name(std::string_view name) {
  if (name.starts_with("SIG")) name.remove_prefix(3);
  if (name.empty()) return std::nullopt;
  for (int sig = 1; sig < SIGRTMIN; ++sig) {
    const char* abbrev = sigabbrev_np(sig);
    if (abbrev != nullptr && name == abbrev) return sig;
  }
  // RTMIN, RTMIN+n, RTMAX, RTMAX-n.
  auto realtime = [&](std::string_view base, int origin, char sign) -> std::optional<int> {
    if (!name.starts_with(base)) return std::nullopt;
    std::string_view rest = name.substr(base.size());
    if (rest.empty()) return origin;
    if (rest.front() != sign) return std::nullopt;
    auto offset = parse_unsigned<int>(rest.substr(1));
    if (!offset) return std::nullopt;
    int sig = sign == '+' ? origin + *offset : origin - *offset;
    if (sig < SIGRTMIN || sig > SIGRTMAX) return std::nullopt;
    return sig;
  };
  if (auto sig = realtime("RTMIN", SIGRTMIN, '+')) return sig;
  return realtime("RTMAX", SIGRTMAX, '-');
}

// parse_size with base 1024, as systemd: "512", "4K", "1.5G".
std::optional<rlim_t> parse_byte_size(std::string_view s) {
  struct Suffix {
    char c;
    int shift;
  };
  constexpr std::array<Suffix, 7> kSuffixes{{{'B', 0}, {'K', 10}, {'M', 20}, {'G', 30}, {'T', 40}, {'P', 50}, {'E', 60}}};
  int shift = 0;
  if (!s.empty() && !std::isdigit(static_cast<unsigned char>(s.back()))) {
    auto it = std::find_if(kSuffixes.begin(), kSuffixes.end(), [&](const Suffix& x) { return x.c == s.back(); });
    if (it == kSuffixes.end()) return std::nullopt;
    shift = it->shift;
    s.remove_suffix(1);
  }
  auto dot = s.find('.');
  auto whole = parse_unsigned<rlim_t>(s.substr(0, dot));
  if (!whole) return std::nullopt;
  if (*whole > (std::numeric_limits<rlim_t>::max() >> shift)) return std::nullopt;
  rlim_t value = *whole << shift;
  if (dot != std::string_view::npos) {
    std::string_view frac = s.substr(dot + 1);
    if (frac.empty() || frac.size() > 9 || !parse_unsigned<rlim_t>(frac)) return std::nullopt;
    rlim_t numerator = *parse_unsigned<rlim_t>(frac), denominator = 1;
    for (std::size_t i = 0; i < frac.size(); ++i) denominator *= 10;
    rlim_t extra = static_cast<rlim_t>((static_cast<unsigned __int128>(numerator) << shift) / denominator);
    if (value > std::numeric_limits<rlim_t>::max() - extra) return std::nullopt;
    value += extra;
  }
  return value;
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

std::optional<bool> parse_boolean(std::string_view s) {
  for (std::string_view yes : {"1", "yes", "y", "true", "t", "on"})
    if (equals_ignore_case(s, yes)) return true;
  for (std::string_view no : {"0", "no", "n", "false", "f", "off"})
    if (equals_ignore_case(s, no)) return false;
  return std::nullopt;
}

std::optional<usec_t> parse_time_span(std::string_view s, usec_t default_unit) {
  auto begin = s.find_first_not_of(kWhitespace);
  if (begin == std::string_view::npos) return std::nullopt;
  s = s.substr(begin, s.find_last_not_of(kWhitespace) - begin + 1);
  if (s == "infinity") return kUsecInfinity;

  usec_t total = 0;
  std::size_t pos = 0;
  while (pos < s.size()) {
    pos = s.find_first_not_of(kWhitespace, pos);
    if (pos == std::string_view::npos) break;
    std::size_t digits_end = pos;
    while (digits_end < s.size() && std::isdigit(static_cast<unsigned char>(s[digits_end]))) ++digits_end;
    std::string_view whole_text = s.substr(pos, digits_end - pos);
    std::string_view fraction_text;
    std::size_t number_end = digits_end;
    if (number_end < s.size() && s[number_end] == '.') {
      std::size_t frac_end = number_end + 1;
      while (frac_end < s.size() && std::isdigit(static_cast<unsigned char>(s[frac_end]))) ++frac_end;
      fraction_text = s.substr(number_end + 1, frac_end - number_end - 1);
      number_end = frac_end;
    }
    if (whole_text.empty() && fraction_text.empty()) return std::nullopt;

    std::size_t unit_begin = s.find_first_not_of(kWhitespace, number_end);
    usec_t multiplier = default_unit;
    std::size_t next = number_end;
    if (unit_begin != std::string_view::npos && !std::isdigit(static_cast<unsigned char>(s[unit_begin])) &&
        s[unit_begin] != '.') {
      std::string_view rest = s.substr(unit_begin);
      auto unit = std::find_if(kTimeUnits.begin(), kTimeUnits.end(),
                               [&](const TimeUnit& u) { return rest.starts_with(u.suffix); });
      if (unit == kTimeUnits.end()) return std::nullopt;
      multiplier = unit->usec;
      next = unit_begin + unit->suffix.size();
    }

    usec_t whole = 0;
    if (!whole_text.empty()) {
      auto parsed = parse_unsigned<usec_t>(whole_text);
      if (!parsed) return std::nullopt;
      whole = *parsed;
    }
    if (whole != 0 && multiplier > (kUsecInfinity - 1) / whole) return std::nullopt;
    if (!add_checked(total, whole * multiplier)) return std::nullopt;
    // Fractions: at most 9 digits matter for microsecond precision of any unit.
    usec_t scale = multiplier;
    for (std::size_t i = 0; i < fraction_text.size() && i < 18; ++i) {
      scale /= 10;
      if (!add_checked(total, static_cast<usec_t>(fraction_text[i] - '0') * scale)) return std::nullopt;
    }
    pos = next;
    // Components must be separated by whitespace or follow a unit directly ("1min30s").
    if (pos < s.size() && next == number_end && !std::isspace(static_cast<unsigned char>(s[pos])))
      return std::nullopt;
  }
  return total;
}

std::optional<int> parse_signal(std::string_view s) {
  if (auto number = parse_unsigned<int>(s)) {
    if (*number >= 1 && *number < _NSIG) return number;
    return std::nullopt;
  }
  return signal_from_name(s);
}

ParseResult<ExitStatusSet> parse_exit_status_list(std::string_view s, ExitStatusSet set) {
  auto words = split_whitespace(s);
  if (words.empty()) return ParseResult<ExitStatusSet>::success({});
  for (auto word : words) {
    if (std::isdigit(static_cast<unsigned char>(word.front()))) {
      auto code = parse_unsigned<int>(word);
      if (!code || *code > 255)
        return ParseResult<ExitStatusSet>::failure("exit status '" + std::string(word) + "' is not in 0-255");
      set.codes.insert(*code);
      continue;
    }
    auto sig = signal_from_name(word);
    if (!sig)
      return ParseResult<ExitStatusSet>::failure("'" + std::string(word) + "' is neither an exit status nor a signal name");
    set.signals.insert(*sig);
  }
  return ParseResult<ExitStatusSet>::success(std::move(set));
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

}  // namespace vermilion
