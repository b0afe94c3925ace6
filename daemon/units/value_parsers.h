// Parsers for the scalar value types of unit files, with systemd's accepted
// spellings. They only parse; the key handlers turn failures into
// diagnostics naming the key.
#pragma once

#include <sys/types.h>

#include <cstdint>
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

// systemd 252's parse_time() (src/basic/time-util.c): "1min 30s", "2h",
// "500ms", "1.5s", ".7", "+3.1s", "23µs", "3.1s.2", "infinity"
// (kUsecInfinity). A number without a unit is in default_unit microseconds
// (seconds unless told otherwise). Refused: "", "5.", "3.s", "3. 1s",
// "12.34.56", negative values, and sums that reach kUsecInfinity.
[[nodiscard]] std::optional<usec_t> parse_time_span(std::string_view s,
                                                    usec_t default_unit = kUsecPerSec);

// systemd 252's parse_nsec(): parse_time_span()'s syntax in nanoseconds,
// with "nsec"/"ns" too; a bare number is nanoseconds; "infinity" is
// UINT64_MAX (NSEC_INFINITY).
[[nodiscard]] std::optional<std::uint64_t> parse_nsec_span(std::string_view s);

// A size in bytes as systemd's parse_size(s, 1024) reads it: "512", "4K",
// "1.5G" (suffixes B K M G T P E, powers of 1024); nullopt when invalid or
// too large for 64 bits.
[[nodiscard]] std::optional<rlim_t> parse_byte_size(std::string_view s);

// An unsigned integer as systemd's safe_atou() reads it (strtoul base 0
// plus "0b"/"0o"): leading whitespace and '+' allowed, "0x1f" hex, "017"
// octal, "0b101" binary; "-0" is 0; anything else negative is refused.
[[nodiscard]] std::optional<unsigned long long> parse_systemd_unsigned(std::string_view s,
                                                                       unsigned long long max);

// systemd's safe_atoux64(): a hexadecimal number, "0x" optional, no sign.
[[nodiscard]] std::optional<std::uint64_t> parse_hex_u64(std::string_view s);

// systemd's signal_from_string(): a number 1-64 (as safe_atoi reads it), or
// a name with or without "SIG" from its table (HUP ... SYS; no aliases such
// as IOT, CLD or POLL), "RTMIN", "RTMIN+n", "RTMAX", "RTMAX-n".
[[nodiscard]] std::optional<int> parse_signal(std::string_view s);

// systemd's exit_status_from_string(): a name from its table ("DATAERR",
// "CANTCREAT", "NOTINSTALLED", "CHDIR", ...; `systemd-analyze
// exit-status`) or a number 0-255 as safe_atou8 reads it.
[[nodiscard]] std::optional<int> parse_exit_status(std::string_view s);

// SuccessExitStatus=, RestartPreventExitStatus=, RestartForceExitStatus=
// (systemd's config_parse_set_status): adds each whitespace-separated
// word, an exit status (parse_exit_status) or else a signal (parse_signal),
// to set; an empty s clears it. Words that are neither are left out and
// named in `invalid`, in order ("Failed to parse value, ignoring: WORD").
struct ExitStatusParse {
  ExitStatusSet set;
  std::vector<std::string> invalid;
};
[[nodiscard]] ExitStatusParse parse_exit_status_list(std::string_view s, ExitStatusSet set);

// User=, Group=, SupplementaryGroups= as systemd 252 accepts them
// (valid_user_group_name with VALID_USER_RELAX | VALID_USER_ALLOW_NUMERIC):
// a numeric id 0-4294967294 other than 65535, or a name that is valid
// UTF-8, has no control characters, ':' or '/', does not start or end with
// a space, is not all digits (or '-' and digits), and is not "." or "..".
[[nodiscard]] bool is_valid_user_or_group_name(std::string_view name);

// How a Limit*= value is spelled for one resource.
enum class RlimitUnit { count, bytes, cpu_seconds, microseconds, nice };

[[nodiscard]] RlimitUnit rlimit_unit(int resource);

// "N", "soft:hard", "infinity", with byte suffixes (K, M, G, T, P, E; base
// 1024) for byte limits, time spans for LimitCPU (seconds) and LimitRTTIME
// (microseconds), and "+N"/"-N" nice levels for LimitNICE.
[[nodiscard]] ParseResult<ResourceLimit> parse_resource_limit(std::string_view s, int resource);

// Octal file-mode mask, 0-07777 (leading whitespace allowed, as systemd's parse_mode).
[[nodiscard]] std::optional<mode_t> parse_umask(std::string_view s);

// systemd's env_name_is_valid: [A-Za-z_][A-Za-z0-9_]*.
[[nodiscard]] bool is_valid_environment_name(std::string_view name);

// systemd's path_simplify(): "//" and "." components go, as does a
// trailing '/' ("/a//b/./c/" is "/a/b/c"); ".." stays. "" stays "".
[[nodiscard]] std::string simplify_path(std::string_view path);
// Whether a component of `path` is "..".
[[nodiscard]] bool has_dot_dot(std::string_view path);
// systemd's path_is_normalized() for a path without a trailing '/': no "."
// or ".." component and no "//".
[[nodiscard]] bool path_is_normalized(std::string_view path);

}  // namespace vermilion
