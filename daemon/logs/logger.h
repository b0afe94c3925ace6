// vermiliond's own log: one line per event on stderr. Under systemd (or any
// supervisor that passes JOURNAL_STREAM) lines carry "<N>" priority
// prefixes so the journal keeps their levels.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vermilion {

enum class LogLevel { error = 3, warning = 4, info = 6, debug = 7 };

[[nodiscard]] std::optional<LogLevel> parse_log_level(std::string_view text);

class Logger {
 public:
  // Lines go to fd with one write(2) each. journal_stream is
  // $JOURNAL_STREAM as main() read it ("DEV:INODE"): when it names fd,
  // lines carry "<N>" priority prefixes.
  explicit Logger(LogLevel max_level, int fd = 2, const std::optional<std::string>& journal_stream = std::nullopt);
  [[nodiscard]] bool enabled(LogLevel level) const { return level <= max_level_; }
  void log(LogLevel level, std::string_view message) const;
  void error(std::string_view m) const { log(LogLevel::error, m); }
  void warning(std::string_view m) const { log(LogLevel::warning, m); }
  void info(std::string_view m) const { log(LogLevel::info, m); }
  void debug(std::string_view m) const { log(LogLevel::debug, m); }

 private:
  LogLevel max_level_;
  int fd_;
  bool journal_prefixes_;
};

}  // namespace vermilion
