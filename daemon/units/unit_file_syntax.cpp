#include "units/unit_file_syntax.h"

#include <optional>

namespace vermilion {
namespace {

constexpr std::string_view kWhitespace = " \t\n\r";

std::string_view trim(std::string_view s) {
  auto begin = s.find_first_not_of(kWhitespace);
  if (begin == std::string_view::npos) return {};
  auto end = s.find_last_not_of(kWhitespace);
  return s.substr(begin, end - begin + 1);
}

bool is_comment(std::string_view trimmed_line) {
  return !trimmed_line.empty() && (trimmed_line.front() == '#' || trimmed_line.front() == ';');
}

// A line continues when it ends in an odd number of backslashes: "\\" at the
// end is an escaped backslash, not a continuation (systemd's rule).
bool ends_with_continuation(std::string_view line) {
  std::size_t backslashes = 0;
  for (auto it = line.rbegin(); it != line.rend() && *it == '\\'; ++it) ++backslashes;
  return backslashes % 2 == 1;
}

struct LogicalLine {
  std::string text;
  unsigned first_line = 0;
};

// Splits text into physical lines and joins continuations. Comment lines
// inside a continuation are skipped, as systemd does.
std::vector<LogicalLine> logical_lines(std::string_view text) {
  std::vector<LogicalLine> out;
  std::optional<LogicalLine> pending;
  unsigned number = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    std::string_view raw = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++number;
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);

    if (is_comment(trim(raw))) continue;
    if (!pending) pending = LogicalLine{{}, number};
    if (ends_with_continuation(raw)) {
      pending->text.append(raw.substr(0, raw.size() - 1));
      pending->text += ' ';
      continue;
    }
    pending->text.append(raw);
    out.push_back(std::move(*pending));
    pending.reset();
  }
  if (pending) out.push_back(std::move(*pending));  // file ended inside a continuation
  return out;
}

}  // namespace

UnitFileSyntax parse_unit_file_syntax(std::string_view text, const std::string& path,
                                      Diagnostics& diags) {
  UnitFileSyntax out;
  std::string section;
  bool in_section = false;
  for (auto& logical : logical_lines(text)) {
    std::string_view line = trim(logical.text);
    SourceLocation where{path, logical.first_line};
    if (line.empty()) continue;

    if (line.front() == '[') {
      if (line.back() != ']' || line.size() < 3 ||
          line.substr(1, line.size() - 2).find_first_of("[]") != std::string_view::npos) {
        diags.error(where, "Invalid section header '" + std::string(line) + "'");
        // Keys that follow would land in the wrong section: ignore them.
        section.clear();
        in_section = true;
        out.sections.push_back({"", logical.first_line});
        continue;
      }
      section = std::string(line.substr(1, line.size() - 2));
      in_section = true;
      out.sections.push_back({section, logical.first_line});
      continue;
    }

    auto eq = line.find('=');
    if (eq == std::string_view::npos) {
      diags.error(where, "Missing '=', ignoring line: " + std::string(line));
      continue;
    }
    std::string key(trim(line.substr(0, eq)));
    if (key.empty()) {
      diags.error(where, "Missing key name before '=', ignoring line: " + std::string(line));
      continue;
    }
    if (!in_section) {
      diags.warn(where, "Assignment outside of section, ignoring: " + key + "=");
      continue;
    }
    if (section.empty()) continue;  // under an invalid header, already reported
    out.assignments.push_back({section, std::move(key), std::string(trim(line.substr(eq + 1))),
                               logical.first_line});
  }
  return out;
}

}  // namespace vermilion
