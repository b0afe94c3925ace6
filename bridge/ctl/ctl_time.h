// Times as vermilionctl prints them, in systemd's formats so that the output
// reads like systemctl's and journalctl's. All take realtime microseconds
// (what org.vermilion1 carries) and use the local time zone (TZ).
#pragma once

#include <cstdint>
#include <string>

namespace vermilion::ctl {

// systemctl status: "Tue 2024-11-26 11:05:46 CET".
[[nodiscard]] std::string format_timestamp(std::uint64_t realtime_usec);

// systemd's format_timestamp_relative: "2h 3min ago", "1 day 4h ago",
// "3 weeks 2 days ago", "5s left" for the future, "now" when equal.
[[nodiscard]] std::string format_relative(std::uint64_t realtime_usec, std::uint64_t now_usec);

// journalctl -o short: "Nov 27 11:05:46".
[[nodiscard]] std::string format_log_time(std::uint64_t realtime_usec);

// CLOCK_REALTIME in microseconds.
[[nodiscard]] std::uint64_t realtime_now_usec();

}  // namespace vermilion::ctl
