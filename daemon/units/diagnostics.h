// Messages about input files, always with the place they are about, so a
// user can go straight to "web.service:12".
#pragma once

#include <string>
#include <vector>

namespace vermilion {

enum class Severity { warning, error };

struct SourceLocation {
  std::string file;   // path as given; empty for command-line input
  unsigned line = 0;  // 1-based; 0 when the message is about the whole file
};

struct Diagnostic {
  Severity severity = Severity::warning;
  SourceLocation where;
  std::string message;
};

// "path:12: warning: message" (no ":line" when line is 0).
[[nodiscard]] std::string format_diagnostic(const Diagnostic& d);

class Diagnostics {
 public:
  void warn(SourceLocation where, std::string message) {
    items_.push_back({Severity::warning, std::move(where), std::move(message)});
  }
  void error(SourceLocation where, std::string message) {
    items_.push_back({Severity::error, std::move(where), std::move(message)});
  }
  [[nodiscard]] bool has_errors() const;
  [[nodiscard]] const std::vector<Diagnostic>& items() const { return items_; }
  void append(const Diagnostics& other) {
    items_.insert(items_.end(), other.items_.begin(), other.items_.end());
  }

 private:
  std::vector<Diagnostic> items_;
};

}  // namespace vermilion
