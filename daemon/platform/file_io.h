// Whole-file reads and writes for the small kernel files this daemon lives
// on (/proc, cgroupfs) and for PID files. Errors are -errno.
#pragma once

#include <string>
#include <string_view>

namespace vermilion {

[[nodiscard]] int read_text_file(const std::string& path, std::string& out);
// One write(2) of text, as kernel interface files expect; the file must exist.
[[nodiscard]] int write_text_file(const std::string& path, std::string_view text);
// mkdir -p of every parent of an absolute path (not the path itself), 0755.
[[nodiscard]] int make_parent_directories(const std::string& path);
// mkdir -p of the path and its parents, 0755.
[[nodiscard]] int make_directories(const std::string& path);

}  // namespace vermilion
