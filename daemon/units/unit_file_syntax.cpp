#include "units/unit_file_syntax.h"

#include <optional>

#include "common/utf8.h"

namespace vermilion {
std::string_view trim_whitespace(std::string_view s) {
  auto begin = s.find_first_not_of(kUnitFileWhitespace);
  if (begin == std::string_view::npos) return {};
  auto end = s.find_last_not_of(kUnitFileWhitespace);
  return s.substr(begin, end - begin + 1);
}

namespace {

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
  bool too_long = false;  // reported; the text is left out
};

// Splits text into physical lines and joins continuations. Comment lines
// inside a continuation are skipped, as systemd does. A physical line of
// kMaxUnitFileLine bytes or more, or a joined line longer than that plus
// one, is too long (systemd's LONG_LINE_MAX of 1 MiB for read_line() and
// for continuations).
std::vector<LogicalLine> logical_lines(std::string_view text, const std::string& path, Diagnostics& diags) {
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

    if (raw.size() >= kMaxUnitFileLine) {
      diags.error({path, number}, "Line too long (" + std::to_string(raw.size()) + " bytes, at most " +
                                      std::to_string(kMaxUnitFileLine - 1) + "), the unit cannot be loaded.");
      if (pending) pending->too_long = true;
      else out.push_back({{}, number, true});
      if (!ends_with_continuation(raw) && pending) {
        out.push_back(std::move(*pending));
        pending.reset();
      }
      continue;
    }
    if (is_comment(trim_whitespace(raw))) continue;
    if (!pending) pending = LogicalLine{{}, number};
    bool continued = ends_with_continuation(raw);
    std::string_view part = continued ? raw.substr(0, raw.size() - 1) : raw;
    if (!pending->too_long && pending->text.size() + part.size() + (continued ? 1 : 0) > kMaxUnitFileLine) {
      diags.error({path, pending->first_line}, "Continuation line too long (more than " +
                                                   std::to_string(kMaxUnitFileLine) + " bytes), the unit cannot be loaded.");
      pending->too_long = true;
    }
    if (!pending->too_long) {
      pending->text.append(part);
      if (continued) pending->text += ' ';
    }
    if (continued) continue;
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
  for (auto& logical : logical_lines(text, path, diags)) {
    if (logical.too_long) continue;
    std::string_view line = trim_whitespace(logical.text);
    SourceLocation where{path, logical.first_line};
    if (line.empty()) continue;
    if (!is_valid_utf8(line)) {
      // systemd refuses the whole file for this (load state "error").
      diags.error(where, "String is not UTF-8 clean, ignoring assignment: " + escape_invalid_utf8(line));
      continue;
    }

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
      diags.warn(where, "Missing '=', ignoring line.");
      continue;
    }
    std::string key(trim_whitespace(line.substr(0, eq)));
    if (key.empty()) {
      diags.warn(where, "Missing key name before '=', ignoring line.");
      continue;
    }
    if (!in_section) {
      diags.warn(where, "Assignment outside of section. Ignoring.");
      continue;
    }
    if (section.empty()) continue;  // under an invalid header, already reported
    out.assignments.push_back({section, std::move(key), std::string(trim_whitespace(line.substr(eq + 1))),
                               logical.first_line});
  }
  return out;
}

}  // namespace vermilion
