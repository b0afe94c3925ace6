// vermilionctl's output, as text: the unit list, the status block, log lines
// and the capability table. Pure functions of what the bus returned (and of
// "now" and TZ), so every layout is unit-tested.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ctl/ctl_control.h"

namespace vermilion::ctl {

// One line of `list`: a ListServices entry plus its LoadState property ("-"
// when it could not be read).
struct UnitRow {
  ServiceListEntry entry;
  std::string load_state;
};

// systemctl list-units: a "●" before units that failed or did not load,
//     UNIT LOAD ACTIVE SUB DESCRIPTION
// rows sorted by name, then (with `legend`) a blank line, the column legend
// and "N loaded units listed.".
[[nodiscard]] std::string format_unit_list(std::vector<UnitRow> rows, bool legend);

// systemctl status:
//   ● web.service - Serves the site
//        Loaded: loaded
//        Active: active (running) since Tue 2024-11-26 11:05:46 CET; 2h 3min ago
//      Main PID: 1234 (python3)
//        Status: "Serving 3 requests"
//      Restarts: 2
// The glyph: ● active, activating, deactivating; ↻ reloading; × failed;
// ○ otherwise. The substate is shown unless it equals the state, a Result
// other than "success" as "(Result: exit-code)". "since" uses
// ActiveEnterTimestamp for active/reloading and InactiveEnterTimestamp for
// inactive/failed; the API has no timestamps for the states in between.
// Main PID only when non-zero (with `main_comm`, the process's name, when
// known); Status (StatusText, quoted, control characters as in
// format_log_line) only when not empty; Restarts only when non-zero.
[[nodiscard]] std::string format_status(const ServiceStatus& properties, std::uint64_t now_usec,
                                        const std::optional<std::string>& main_comm);

// status's exit code, as systemctl's: 0 active or reloading; 4 not-found and
// inactive; 3 otherwise.
[[nodiscard]] int status_exit_code(const ServiceStatus& properties);

// is-active's test: active or reloading (systemctl's is-active counts both).
[[nodiscard]] bool counts_as_active(std::string_view active_state);

// One log line as journalctl -o short prints an entry that has neither a
// hostname nor a PID: "Nov 27 11:05:46 web.service: listening on :8080".
// The API carries neither (every line comes from this machine, and a
// service's output outlives its processes). C0 and C1 control characters
// but tab are shown as \xNN bytes, so a service cannot drive the reader's
// terminal.
[[nodiscard]] std::string format_log_line(std::string_view unit, const LogEntry& entry);

// GetCapabilities as a table, sorted by slot:
//   SLOT KIND    OBJECT      RIGHTS                 BADGE
//   1    service web.service status,start,restart   0
// then (with `legend`) "N capabilities listed.".
[[nodiscard]] std::string format_capabilities(std::vector<CapabilityEntry> capabilities, bool legend);

// systemctl list-unit-files without its PRESET column:
//   UNIT FILE   STATE
//   web.service enabled
// sorted by name, then (with `legend`) a blank line and "N unit files listed.".
[[nodiscard]] std::string format_unit_files(std::vector<UnitFileEntry> files, bool legend);

// What systemctl enable and its siblings print of each change (systemd's
// install_changes_dump()): "Created symlink LINK → TARGET." and
// "Removed "LINK".", one line each.
[[nodiscard]] std::string format_unit_file_changes(const std::vector<UnitFileChangeEntry>& changes);

// is-enabled's test (systemctl's unit_is_enabled()): enabled,
// enabled-runtime, static, alias, indirect and generated count as enabled.
[[nodiscard]] bool counts_as_enabled(std::string_view state);

}  // namespace vermilion::ctl
