#include "units/syslog_priority.h"

#include <array>

#include "units/value_parsers.h"

namespace vermilion {
namespace {

// As systemd's fallback, safe_atou() (" 3", "+3", "0x3").
std::optional<int> parse_number(std::string_view text, int max) {
  auto value = parse_systemd_unsigned(text, static_cast<unsigned long long>(max));
  if (!value) return std::nullopt;
  return static_cast<int>(*value);
}

}  // namespace

std::optional<int> take_level_prefix(std::string_view& text) {
  if (!text.starts_with('<')) return std::nullopt;
  const auto end = text.find('>');
  // One to three digits; without the facility only 0-7, in one digit or
  // with leading zeros ("<04>").
  if (end == std::string_view::npos || end < 2 || end > 4) return std::nullopt;
  int value = 0;
  for (std::size_t i = 1; i < end; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value > 7) return std::nullopt;
  text.remove_prefix(end + 1);
  return value;
}

std::optional<int> parse_syslog_level(std::string_view text) {
  static constexpr std::array<std::string_view, 8> kNames{"emerg",   "alert",  "crit", "err",
                                                          "warning", "notice", "info", "debug"};
  for (std::size_t i = 0; i < kNames.size(); ++i)
    if (text == kNames[i]) return static_cast<int>(i);
  return parse_number(text, 7);
}

std::optional<int> parse_syslog_facility(std::string_view text) {
  // 12-15 have no name in systemd's table (only their numbers).
  static constexpr std::array<std::string_view, 24> kNames{
      "kern", "user", "mail", "daemon", "auth", "syslog", "lpr",    "news",   "uucp",   "cron",   "authpriv", "ftp",
      "",     "",     "",     "",       "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"};
  for (std::size_t i = 0; i < kNames.size(); ++i)
    if (!kNames[i].empty() && text == kNames[i]) return static_cast<int>(i);
  return parse_number(text, 23);
}

}  // namespace vermilion
