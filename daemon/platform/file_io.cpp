#include "platform/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "common/unique_fd.h"

namespace vermilion {

int read_text_file(const std::string& path, std::string& out) {
  unique_fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (!fd) return -errno;
  std::string text;
  char buffer[4096];
  for (;;) {
    ssize_t n = read(fd.get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  out = std::move(text);
  return 0;
}

int write_text_file(const std::string& path, std::string_view text) {
  unique_fd fd(open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY));
  if (!fd) return -errno;
  ssize_t n = write(fd.get(), text.data(), text.size());
  if (n < 0) return -errno;
  if (static_cast<std::size_t>(n) != text.size()) return -EIO;
  return 0;
}

int write_all(int fd, const void* data, std::size_t size) noexcept {
  const char* bytes = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = write(fd, bytes, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return -errno;
    if (n == 0) return -EIO;
    bytes += n;
    size -= static_cast<std::size_t>(n);
  }
  return 0;
}

int make_parent_directories(const std::string& path) {
  for (std::size_t slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1)) {
    std::string parent = path.substr(0, slash);
    if (mkdir(parent.c_str(), 0755) < 0 && errno != EEXIST) return -errno;
  }
  return 0;
}

int make_directories(const std::string& path) {
  if (int r = make_parent_directories(path); r < 0) return r;
  if (mkdir(path.c_str(), 0755) < 0 && errno != EEXIST) return -errno;
  return 0;
}

}  // namespace vermilion
