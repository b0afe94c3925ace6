// Parsers for the scalar value types of unit files, with systemd's accepted
// spellings. They only parse; the key handlers turn failures into
// diagnostics naming the key.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "units/unit_config.h"

namespace vermilion {

// A value, or why there is none. Used where a bare "invalid" would leave the
// user guessing.
template <typename T>
struct [[nodiscard]] ParseResult {
  std::optional<T> value;
  std::string error;  // set exactly when value is empty

  static ParseResult success(T v) { return {std::move(v), {}}; }
  static ParseResult failure(std::string why) { return {std::nullopt, std::move(why)}; }
  [[nodiscard]] bool ok() const { return value.has_value(); }
};

// 1/yes/y/true/t/on and 0/no/n/false/f/off, case-insensitive.
[[nodiscard]] std::optional<bool> parse_boolean(std::string_view s);

// systemd time spans: "1min 30s", "2h", "500ms", "1.5s", "infinity"
// (kUsecInfinity). A bare number is in default_unit microseconds-per-unit
// (seconds unless told otherwise).
[[nodiscard]] std::optional<usec_t> parse_time_span(std::string_view s,
                                                    usec_t default_unit = kUsecPerSec);

// "SIGTERM", "TERM", "15", "RTMIN+3", "SIGRTMIN+3". Returns the signal number.
[[nodiscard]] std::optional<int> parse_signal(std::string_view s);

// Adds the space-separated words of s (exit codes 0-255 and signal names) to
// set; an empty s clears it (systemd's reset). On error set is unchanged.
[[nodiscard]] ParseResult<ExitStatusSet> parse_exit_status_list(std::string_view s,
                                                                ExitStatusSet set);

// How a Limit*= value is spelled for one resource.
enum class RlimitUnit { count, bytes, cpu_seconds, microseconds, nice };

[[nodiscard]] RlimitUnit rlimit_unit(int resource);

// "N", "soft:hard", "infinity", with byte suffixes (K, M, G, T, P, E; base
// 1024) for byte limits, time spans for LimitCPU (seconds) and LimitRTTIME
// (microseconds), and "+N"/"-N" nice levels for LimitNICE.
[[nodiscard]] ParseResult<ResourceLimit> parse_resource_limit(std::string_view s, int resource);

// Octal file-mode mask, 0-07777.
[[nodiscard]] std::optional<mode_t> parse_umask(std::string_view s);

// systemd's env_name_is_valid: [A-Za-z_][A-Za-z0-9_]*.
[[nodiscard]] bool is_valid_environment_name(std::string_view name);

}  // namespace vermilion
