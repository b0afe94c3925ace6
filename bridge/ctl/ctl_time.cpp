#include "ctl/ctl_time.h"

#include <time.h>

#include <array>

namespace vermilion::ctl {

namespace {

constexpr std::uint64_t kUsecPerMsec = 1000;
constexpr std::uint64_t kUsecPerSec = 1000 * kUsecPerMsec;
constexpr std::uint64_t kUsecPerMinute = 60 * kUsecPerSec;
constexpr std::uint64_t kUsecPerHour = 60 * kUsecPerMinute;
constexpr std::uint64_t kUsecPerDay = 24 * kUsecPerHour;
constexpr std::uint64_t kUsecPerWeek = 7 * kUsecPerDay;
// systemd's calendar-average month and year: 30.44 and 365.25 days.
constexpr std::uint64_t kUsecPerMonth = 2'629'800 * kUsecPerSec;
constexpr std::uint64_t kUsecPerYear = 31'557'600 * kUsecPerSec;

std::string format_local(std::uint64_t realtime_usec, const char* format) {
  time_t seconds = static_cast<time_t>(realtime_usec / kUsecPerSec);
  struct tm local {};
  if (!localtime_r(&seconds, &local)) return "n/a";
  std::array<char, 64> buf{};
  std::size_t n = strftime(buf.data(), buf.size(), format, &local);
  return std::string(buf.data(), n);
}

std::string plural(std::uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

std::string format_timestamp(std::uint64_t realtime_usec) {
  return format_local(realtime_usec, "%a %Y-%m-%d %H:%M:%S %Z");
}

std::string format_log_time(std::uint64_t realtime_usec) {
  return format_local(realtime_usec, "%b %d %H:%M:%S");
}

std::string format_relative(std::uint64_t realtime_usec, std::uint64_t now_usec) {
  const bool past = realtime_usec <= now_usec;
  const std::uint64_t d = past ? now_usec - realtime_usec : realtime_usec - now_usec;
  const std::string suffix = past ? " ago" : " left";
  auto n = [](std::uint64_t v) { return std::to_string(v); };

  if (d >= kUsecPerYear)
    return plural(d / kUsecPerYear, "year", "years") + " " +
           plural(d % kUsecPerYear / kUsecPerMonth, "month", "months") + suffix;
  if (d >= kUsecPerMonth)
    return plural(d / kUsecPerMonth, "month", "months") + " " +
           plural(d % kUsecPerMonth / kUsecPerDay, "day", "days") + suffix;
  if (d >= kUsecPerWeek)
    return plural(d / kUsecPerWeek, "week", "weeks") + " " +
           plural(d % kUsecPerWeek / kUsecPerDay, "day", "days") + suffix;
  if (d >= 2 * kUsecPerDay) return n(d / kUsecPerDay) + " days" + suffix;
  if (d >= 25 * kUsecPerHour) return "1 day " + n((d - kUsecPerDay) / kUsecPerHour) + "h" + suffix;
  if (d >= 6 * kUsecPerHour) return n(d / kUsecPerHour) + "h" + suffix;
  if (d >= kUsecPerHour)
    return n(d / kUsecPerHour) + "h " + n(d % kUsecPerHour / kUsecPerMinute) + "min" + suffix;
  if (d >= 5 * kUsecPerMinute) return n(d / kUsecPerMinute) + "min" + suffix;
  if (d >= kUsecPerMinute)
    return n(d / kUsecPerMinute) + "min " + n(d % kUsecPerMinute / kUsecPerSec) + "s" + suffix;
  if (d >= kUsecPerSec) return n(d / kUsecPerSec) + "s" + suffix;
  if (d >= kUsecPerMsec) return n(d / kUsecPerMsec) + "ms" + suffix;
  if (d > 0) return n(d) + "us" + suffix;
  return "now";
}

std::uint64_t realtime_now_usec() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * kUsecPerSec +
         static_cast<std::uint64_t>(ts.tv_nsec) / 1000;
}

}  // namespace vermilion::ctl
