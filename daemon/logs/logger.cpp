#include "logs/logger.h"

#include <sys/stat.h>
#include <sys/uio.h>

#include <cerrno>
#include <cstdio>
#include <string>

namespace vermilion {
namespace {

// JOURNAL_STREAM="dev:ino" names the journal stream our stderr is, if any.
// It is inherited by whatever we run with stderr redirected elsewhere, so
// the fd itself must be that stream.
bool is_journal_stream(int fd, const std::optional<std::string>& stream) {
  if (!stream) return false;
  struct stat st {};
  if (fstat(fd, &st) < 0) return false;
  unsigned long long dev = 0, ino = 0;
  if (std::sscanf(stream->c_str(), "%llu:%llu", &dev, &ino) != 2) return false;
  return st.st_dev == dev && st.st_ino == ino;
}

}  // namespace

std::optional<LogLevel> parse_log_level(std::string_view text) {
  if (text == "error" || text == "err") return LogLevel::error;
  if (text == "warning" || text == "warn") return LogLevel::warning;
  if (text == "info") return LogLevel::info;
  if (text == "debug") return LogLevel::debug;
  return std::nullopt;
}

Logger::Logger(LogLevel max_level, int fd, const std::optional<std::string>& journal_stream)
    : max_level_(max_level), fd_(fd), journal_prefixes_(is_journal_stream(fd, journal_stream)) {}

void Logger::log(LogLevel level, std::string_view message) const {
  if (!enabled(level)) return;
  std::string line;
  line.reserve(message.size() + 16);
  if (journal_prefixes_) {
    line += '<';
    line += std::to_string(static_cast<int>(level));
    line += '>';
  }
  if (level == LogLevel::error) line += "error: ";
  if (level == LogLevel::warning) line += "warning: ";
  line += message;
  line += '\n';
  // One write per line, so lines from concurrent writers never interleave.
  iovec iov{line.data(), line.size()};
  while (writev(fd_, &iov, 1) < 0 && errno == EINTR) {
  }
}

}  // namespace vermilion
