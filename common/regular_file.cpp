#include "common/regular_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/unique_fd.h"

namespace vermilion {

int read_regular_file(const std::string& path, std::size_t max_bytes, std::string& out) {
  uid_t ignored = 0;
  return read_regular_file(path, max_bytes, out, ignored);
}

int read_regular_file(const std::string& path, std::size_t max_bytes, std::string& out, uid_t& owner) {
  unique_fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (!fd) return -errno;
  struct stat st {};
  if (::fstat(fd.get(), &st) < 0) return -errno;
  owner = st.st_uid;
  if (S_ISDIR(st.st_mode)) return -EISDIR;
  if (!S_ISREG(st.st_mode)) return -EBADFD;
  // st_size is a hint only (/proc files say 0): the read itself is bounded.
  if (static_cast<std::size_t>(st.st_size) > max_bytes) return -E2BIG;
  std::string text;
  char buffer[8192];
  while (true) {
    ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    if (n == 0) break;
    if (text.size() + static_cast<std::size_t>(n) > max_bytes) return -E2BIG;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  out = std::move(text);
  return 0;
}

std::string read_error_text(int r, std::size_t max_bytes) {
  switch (r) {
    case -EBADFD: return "not a regular file";
    case -E2BIG: return "larger than " + std::to_string(max_bytes) + " bytes";
    default: return std::strerror(-r);
  }
}

}  // namespace vermilion
