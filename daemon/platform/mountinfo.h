// Fields of /proc/self/mountinfo (proc(5)).
#pragma once

#include <string>
#include <string_view>

namespace vermilion {

// A path field as mountinfo writes it, with space, tab, newline and
// backslash as \ooo, turned back into the path. A backslash not followed by
// three octal digits stays as it is.
[[nodiscard]] std::string unescape_mountinfo(std::string_view field);

}  // namespace vermilion
