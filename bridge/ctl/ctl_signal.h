// Signal names as `vermilionctl kill -s` takes them, like systemctl's
// --signal: "TERM", "SIGTERM", "term", "15", "RTMIN+3", "SIGRTMAX-1".
#pragma once

#include <optional>
#include <string_view>

namespace vermilion::ctl {

// The signal number, or nullopt for anything that names no signal (0 and
// numbers above SIGRTMAX included: 0 sends nothing, so it is no signal here).
[[nodiscard]] std::optional<int> parse_signal(std::string_view text);

}  // namespace vermilion::ctl
