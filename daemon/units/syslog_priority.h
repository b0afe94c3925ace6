// syslog(3) priorities as a service's output carries them: a line may start
// with "<N>" (sd-daemon(3)'s SD_ERR, SD_WARNING, ...), which systemd's
// journald takes as the line's level and strips when SyslogLevelPrefix= is
// on (systemd 252 src/basic/syslog-util.c syslog_parse_priority(), without
// the facility).
#pragma once

#include <optional>
#include <string_view>

namespace vermilion {

// "<0>" ... "<7>" at the start of `text`: the level, and `text` without it.
// Anything else ("<12>", "<x>", no '>') leaves `text` as it is: nullopt.
[[nodiscard]] std::optional<int> take_level_prefix(std::string_view& text);

// "emerg" ... "debug", or 0-7 (log_level_from_string()); nullopt otherwise.
[[nodiscard]] std::optional<int> parse_syslog_level(std::string_view text);
// "kern", "user", ..., "local7", or 0-23, unshifted (log_facility_unshifted_from_string()).
[[nodiscard]] std::optional<int> parse_syslog_facility(std::string_view text);

}  // namespace vermilion
