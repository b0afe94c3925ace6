// Globs of service names, as in a policy's Capability=service:GLOB and
// [Bus] Service=GLOB. Shared so that vermiliond and the bridge agree on what
// a glob covers.
#pragma once

#include <string_view>

namespace vermilion {

// fnmatch-style, '*' and '?' (and [...]) only; a backslash is no escape,
// since systemd's unit names may contain it ("a\x2db.service").
[[nodiscard]] bool service_glob_matches(std::string_view glob, std::string_view name);

}  // namespace vermilion
