// Whole-file reads and writes for the small kernel files this daemon lives
// on (/proc, cgroupfs) and for PID files. Errors are -errno.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace vermilion {

[[nodiscard]] int read_text_file(const std::string& path, std::string& out);
// One write(2) of text, as kernel interface files expect; the file must exist.
[[nodiscard]] int write_text_file(const std::string& path, std::string_view text);
// Writes all `size` bytes to `fd`, retrying EINTR and short writes; 0, or
// -errno (-EIO when a write writes nothing). Async-signal-safe: the forked
// child uses it.
[[nodiscard]] int write_all(int fd, const void* data, std::size_t size) noexcept;
// mkdir -p of every parent of an absolute path (not the path itself), 0755.
[[nodiscard]] int make_parent_directories(const std::string& path);
// mkdir -p of the path and its parents, 0755.
[[nodiscard]] int make_directories(const std::string& path);

}  // namespace vermilion
