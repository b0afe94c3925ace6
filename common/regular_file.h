// Reading the files vermiliond reads on behalf of a unit or a policy (unit
// files, drop-ins, EnvironmentFile=, PIDFile=, policies) so that no such
// file can stall or exhaust the supervisor: the open never blocks
// (O_NONBLOCK: a FIFO without a writer, a device or a socket cannot hang
// it), only a regular file is read (as systemd's stat_verify_regular()), and
// never more than a limit the caller documents.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>

namespace vermilion {

// Reads the whole of `path` into `out` (replacing it). Returns 0, or
//   -EISDIR   `path` is a directory,
//   -EBADFD   it is not a regular file (FIFO, device, socket),
//   -E2BIG    it holds more than max_bytes,
//   -errno    from open(2), fstat(2) or read(2) (-ENOENT, -EACCES, ...).
// The errors follow systemd's read_full_file()/stat_verify_regular().
[[nodiscard]] int read_regular_file(const std::string& path, std::size_t max_bytes, std::string& out);
// The same, also telling who owns the file that was read (its fstat()).
[[nodiscard]] int read_regular_file(const std::string& path, std::size_t max_bytes, std::string& out,
                                    uid_t& owner);

// Says what read_regular_file()'s error means: "not a regular file",
// "larger than 4194304 bytes", or strerror(-r).
[[nodiscard]] std::string read_error_text(int r, std::size_t max_bytes);

}  // namespace vermilion
