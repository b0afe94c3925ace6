// vermiliond's own log: one line per event on stderr. Under systemd (or any
// supervisor that passes JOURNAL_STREAM) lines carry "<N>" priority
// prefixes so the journal keeps their levels.
#pragma once

#include <optional>
#include <string_view>

namespace vermilion {

enum class LogLevel { error = 3, warning = 4, info = 6, debug = 7 };

[[nodiscard]] std::optional<LogLevel> parse_log_level(std::string_view text);

class Logger {
 public:
  explicit Logger(LogLevel max_level, int fd = 2);
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
