#include "ctl/ctl_views.h"

#include <algorithm>
#include <cstdio>

#include "ctl/ctl_errors.h"
#include "ctl/ctl_table.h"
#include "ctl/ctl_time.h"

namespace vermilion::ctl {

namespace {

// systemd's special glyphs, UTF-8.
constexpr std::string_view kBlackCircle = "\u25CF";  // ●
constexpr std::string_view kWhiteCircle = "\u25CB";  // ○
constexpr std::string_view kCircleArrow = "\u21BB";  // ↻
constexpr std::string_view kMultiplication = "\u00D7";  // ×

std::string_view state_glyph(std::string_view active_state) {
  if (active_state == "active" || active_state == "activating" || active_state == "deactivating")
    return kBlackCircle;
  if (active_state == "reloading") return kCircleArrow;
  if (active_state == "failed") return kMultiplication;
  return kWhiteCircle;
}

std::string or_na(std::string_view s) { return s.empty() ? "n/a" : std::string(s); }

// `text` with C0 and C1 control characters but tab as \xNN bytes: what a
// service wrote, which must not drive the reader's terminal.
void append_printable(std::string& out, std::string_view text) {
  auto escape = [&out](unsigned char byte) {
    char escaped[5];
    std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
    out += escaped;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto byte = static_cast<unsigned char>(text[i]);
    auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    if ((byte < 0x20 && byte != '\t') || byte == 0x7F) {
      escape(byte);
    } else if (byte == 0xC2 && next >= 0x80 && next <= 0x9F) {  // C1 controls, U+0080..U+009F
      escape(byte);
      escape(next);
      ++i;
    } else {
      out += text[i];
    }
  }
}

}  // namespace

std::string format_unit_list(std::vector<UnitRow> rows, bool legend) {
  std::sort(rows.begin(), rows.end(),
            [](const UnitRow& a, const UnitRow& b) { return a.entry.name < b.entry.name; });
  std::string out;
  if (!rows.empty()) {
    std::vector<TableRow> cells;
    for (const auto& row : rows) {
      // systemctl marks what needs attention: a failed unit, or one that did not load.
      bool mark = row.entry.active_state == "failed" || row.load_state != "loaded";
      cells.push_back({mark ? std::string(kBlackCircle) : " ", row.entry.name, row.load_state,
                       row.entry.active_state, row.entry.sub_state, row.entry.description});
    }
    TableRow header = {" ", "UNIT", "LOAD", "ACTIVE", "SUB", "DESCRIPTION"};
    out = format_table(legend ? header : TableRow{}, cells);
  }
  if (legend) {
    if (!rows.empty()) {
      out +=
          "\n"
          "LOAD   = Reflects whether the unit definition was properly loaded.\n"
          "ACTIVE = The high-level unit activation state, i.e. generalization of SUB.\n"
          "SUB    = The low-level unit activation state, values depend on unit type.\n";
    }
    out += std::to_string(rows.size()) + " loaded units listed.\n";
  }
  return out;
}

std::string format_status(const ServiceStatus& p, std::uint64_t now_usec,
                          const std::optional<std::string>& main_comm) {
  std::string out = std::string(state_glyph(p.active_state)) + " " + or_na(p.name);
  if (!p.description.empty() && p.description != p.name) out += " - " + p.description;
  out += "\n";

  out += "     Loaded: " + or_na(p.load_state) + "\n";

  out += "     Active: " + or_na(p.active_state);
  if (!p.sub_state.empty() && p.sub_state != p.active_state) out += " (" + p.sub_state + ")";
  if (!p.result.empty() && p.result != "success") out += " (Result: " + p.result + ")";
  std::uint64_t since = 0;
  if (p.active_state == "active" || p.active_state == "reloading")
    since = p.active_enter_timestamp;
  else if (p.active_state == "inactive" || p.active_state == "failed")
    since = p.inactive_enter_timestamp;
  if (since > 0) out += " since " + format_timestamp(since) + "; " + format_relative(since, now_usec);
  out += "\n";

  if (p.main_pid > 0) {
    out += "   Main PID: " + std::to_string(p.main_pid);
    if (main_comm && !main_comm->empty()) out += " (" + *main_comm + ")";
    out += "\n";
  }
  if (!p.status_text.empty()) {
    out += "     Status: \"";
    append_printable(out, p.status_text);
    out += "\"\n";
  }
  if (p.n_restarts > 0) out += "   Restarts: " + std::to_string(p.n_restarts) + "\n";
  return out;
}

int status_exit_code(const ServiceStatus& p) {
  if (counts_as_active(p.active_state)) return kExitSuccess;
  if (p.load_state == "not-found" && p.active_state == "inactive") return kExitNoSuchUnit;
  return kExitNotActive;
}

bool counts_as_active(std::string_view active_state) {
  return active_state == "active" || active_state == "reloading";
}

std::string format_log_line(std::string_view unit, const LogEntry& entry) {
  std::string out = format_log_time(entry.realtime_usec) + " " + std::string(unit) + ": ";
  append_printable(out, entry.line);
  out += "\n";
  return out;
}

std::string format_capabilities(std::vector<CapabilityEntry> capabilities, bool legend) {
  std::sort(capabilities.begin(), capabilities.end(),
            [](const CapabilityEntry& a, const CapabilityEntry& b) { return a.slot < b.slot; });
  std::string out;
  if (!capabilities.empty()) {
    std::vector<TableRow> rows;
    for (const auto& c : capabilities)
      rows.push_back({std::to_string(c.slot), c.kind, c.object, c.rights, std::to_string(c.badge)});
    out = format_table(legend ? TableRow{"SLOT", "KIND", "OBJECT", "RIGHTS", "BADGE"} : TableRow{}, rows);
  }
  if (legend) {
    if (!capabilities.empty()) out += "\n";
    out += std::to_string(capabilities.size()) + (capabilities.size() == 1 ? " capability" : " capabilities") +
           " listed.\n";
  }
  return out;
}

std::string format_unit_files(std::vector<UnitFileEntry> files, bool legend) {
  std::sort(files.begin(), files.end(), [](const UnitFileEntry& a, const UnitFileEntry& b) { return a.name < b.name; });
  std::vector<TableRow> rows;
  rows.reserve(files.size());
  for (auto& f : files) rows.push_back({std::move(f.name), std::move(f.state)});
  std::string out = format_table(legend ? TableRow{"UNIT FILE", "STATE"} : TableRow{}, rows);
  if (legend) out += "\n" + std::to_string(files.size()) + " unit files listed.\n";
  return out;
}

std::string format_unit_file_changes(const std::vector<UnitFileChangeEntry>& changes) {
  std::string out;
  for (const auto& c : changes) {
    if (c.type == "symlink")
      out += "Created symlink " + c.path + " \u2192 " + c.target + ".\n";
    else if (c.type == "unlink")
      out += "Removed \"" + c.path + "\".\n";
  }
  return out;
}

bool counts_as_enabled(std::string_view state) {
  for (std::string_view s : {"enabled", "enabled-runtime", "static", "alias", "indirect", "generated"})
    if (state == s) return true;
  return false;
}

}  // namespace vermilion::ctl
