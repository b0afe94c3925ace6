// vermilionctl's commands, written against the Control interface so that
// their output and exit codes are tested without a bus. main() parses the
// command line, connects, and calls one of these. Each returns the exit code
// (ctl_errors.h has the table) and writes results to `out`, failures to `err`.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "ctl/ctl_control.h"

namespace vermilion::ctl {

struct CommandEnv {
  Control& bus;
  std::ostream& out;
  std::ostream& err;
  // How to run vermilionctl again, for "See '... status web.service'" hints.
  std::string ctl = "vermilionctl";
  std::uint64_t now_usec = 0;  // realtime µs, for "2h 3min ago"
  // The name of a running process (/proc/PID/comm), if it can be known.
  std::function<std::optional<std::string>(std::uint32_t pid)> process_name;
};

enum class JobVerb { start, stop, restart, reload };

// Poll interval of `logs -f`, and how many lines each poll asks for.
inline constexpr int kFollowIntervalMs = 250;
inline constexpr std::uint32_t kFollowWindow = 256;

// `list` (systemctl list-units); `legend` false drops header and footer.
int run_list(CommandEnv& env, bool legend);
// `status NAME`: the status block, then the last 10 log lines; 0 active,
// 3 not active, 4 no such unit.
int run_status(CommandEnv& env, const std::string& unit);
// `start|stop|restart|reload NAME`: silent on success.
// `mode`: a job mode as systemctl's --job-mode= ("replace" unless asked).
int run_job(CommandEnv& env, JobVerb verb, const std::string& unit, const std::string& mode = "replace");
// `kill [-s SIG] NAME`: silent on success.
int run_kill(CommandEnv& env, const std::string& unit, int signal);
// `is-active NAME`: prints ActiveState (unless quiet); 0 if active or
// reloading, else 3; an unknown unit is "inactive", 3, as with systemctl.
int run_is_active(CommandEnv& env, const std::string& unit, bool quiet);
// `logs [-n N] [-f] NAME`: the last `lines` lines (0: all kept). With
// `follow`, then polls until `wait_next_poll` returns false (it sleeps
// kFollowIntervalMs, and says false once SIGINT/SIGTERM came): exit 0.
int run_logs(CommandEnv& env, const std::string& unit, std::uint32_t lines, bool follow,
             const std::function<bool()>& wait_next_poll);
// `caps NAME`: the capabilities the service holds.
int run_caps(CommandEnv& env, const std::string& unit, bool legend);
// `reload-config`: Manager.Reload (unit files and policies).
int run_reload_config(CommandEnv& env);
// `reset-failed NAME`: silent on success (systemctl reset-failed).
int run_reset_failed(CommandEnv& env, const std::string& unit);

// `enable|disable|reenable|mask|unmask NAME...` (systemctl(1)): each change
// on stderr as systemctl writes it ("Created symlink A → B.", "Removed
// "A"."); a failure as "Failed to enable unit: <message>", exit 1. With
// `now`, enable then starts the units and disable and mask stop them, as
// systemctl --now (the exit code is the first failed job's). Nothing is
// reloaded: vermiliond reads links when it reloads (reload-config).
int run_unit_files(CommandEnv& env, UnitFileVerb verb, const std::vector<std::string>& names, bool now);
// `is-enabled NAME...`: each unit file's state (unless quiet); exit 0 when
// one of them is enabled, enabled-runtime, static, alias, indirect or
// generated, as systemctl's unit_is_enabled(), else 1; "Failed to get unit
// file state for NAME: <message>", exit 1, for a unit without a file.
int run_is_enabled(CommandEnv& env, const std::vector<std::string>& names, bool quiet);
// `list-unit-files`: UNIT FILE and STATE by name, then (with `legend`) "N
// unit files listed.". No PRESET column: Vermilion reads no presets.
int run_list_unit_files(CommandEnv& env, bool legend);

}  // namespace vermilion::ctl
