// vermilionctl: a systemctl-like CLI over org.vermilion1. Parses the command
// line, connects to the bus and runs one command (ctl_commands.h); the only
// place with process-wide decisions (signals, stdio, the exit code).
#include <signal.h>
#include <time.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <fstream>
#include <iostream>

#include "ctl/ctl_bus.h"
#include "ctl/ctl_commands.h"
#include "ctl/ctl_errors.h"
#include "ctl/ctl_signal.h"
#include "ctl/ctl_time.h"
#include "common/unit_name.h"

namespace {

using namespace vermilion::ctl;

// "web" -> "web.service", "app.target" stays (the units vermiliond runs);
// anything else is a usage error.
const CLI::Validator kUnitName(
    [](std::string& name) -> std::string {
      auto normalized = vermilion::normalize_unit_name(name);
      if (!normalized) return "Invalid unit name '" + name + "'";
      name = *normalized;
      return "";
    },
    "NAME", "unit name");

// Enablement names any unit file: "web" is web.service, as systemctl's
// unit_name_mangle(); "multi-user.target" stays as it is.
const CLI::Validator kUnitFileName(
    [](std::string& name) -> std::string {
      if (vermilion::is_valid_unit_name(name)) return "";
      auto normalized = vermilion::normalize_service_name(name);
      if (!normalized) return "Invalid unit name '" + name + "'";
      name = *normalized;
      return "";
    },
    "NAME", "unit name");

const CLI::Validator kSignal(
    [](std::string& text) -> std::string {
      if (parse_signal(text)) return "";
      return "Invalid signal '" + text + "' (a name such as TERM, SIGHUP or KILL, or a number)";
    },
    "SIGNAL", "signal");

std::optional<std::string> process_name(std::uint32_t pid) {
  std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
  std::string name;
  if (!std::getline(comm, name) || name.empty()) return std::nullopt;
  return name;
}

// `logs -f` stops on SIGINT or SIGTERM: both are blocked and waited for
// between polls, so a signal never cuts a line or a call in half.
class StopSignals {
 public:
  StopSignals() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    sigprocmask(SIG_BLOCK, &set_, nullptr);
  }
  // Sleeps one poll interval; false once a stop signal came.
  bool wait_next_poll() const {
    timespec interval{0, kFollowIntervalMs * 1'000'000L};
    for (;;) {
      if (sigtimedwait(&set_, nullptr, &interval) > 0) return false;
      if (errno == EAGAIN) return true;
      // EINTR: some other signal; wait again (for at most another interval).
    }
  }

 private:
  sigset_t set_{};
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"vermilionctl: control the services vermiliond supervises (org.vermilion1 on D-Bus)"};
  app.set_version_flag("--version", "vermilionctl " VERMILION_VERSION);
  app.require_subcommand(0, 1);
  app.fallthrough();  // global options may follow the command, as with systemctl

  bool user = false, system = false, no_legend = false, no_pager = false;
  auto* usr = app.add_flag("--user", user, "Talk to your own vermiliond, on the session bus");
  auto* sys = app.add_flag("--system", system, "Talk to the system's vermiliond, on the system bus (default)");
  usr->excludes(sys);
  app.add_flag("--no-legend", no_legend, "list, caps: print neither the header nor the footer");
  app.add_flag("--no-pager", no_pager, "Accepted for systemctl compatibility (vermilionctl never pages)");
  std::string job_mode = "replace";
  app.add_option("--job-mode", job_mode,
                 "start, stop, restart, reload: how the job deals with queued ones, as systemctl's (default replace)")
      ->check(CLI::IsMember({"fail", "replace", "replace-irreversibly", "flush", "ignore-dependencies",
                             "ignore-requirements", "triggering"}));

  std::string unit;
  auto add_unit = [&](CLI::App* command) {
    command->add_option("NAME", unit, "Service name: web or web.service")->required()->transform(kUnitName);
  };

  auto* list = app.add_subcommand("list", "List services, like systemctl list-units (the default)");
  list->alias("list-units");
  auto* status = app.add_subcommand("status", "Show a service's state and its last 10 log lines");
  add_unit(status);
  auto* start = app.add_subcommand("start", "Start a service; waits until the job is done");
  add_unit(start);
  auto* stop = app.add_subcommand("stop", "Stop a service; waits until the job is done");
  add_unit(stop);
  auto* restart = app.add_subcommand("restart", "Restart a service; waits until the job is done");
  add_unit(restart);
  auto* reload = app.add_subcommand("reload", "Reload a service (ExecReload=); waits until the job is done");
  add_unit(reload);
  auto* kill = app.add_subcommand("kill", "Send a signal to a service's processes (as its KillMode= says)");
  std::string signal_text = "TERM";
  kill->add_option("-s,--signal", signal_text, "Signal name or number (default TERM)")->check(kSignal);
  add_unit(kill);
  auto* logs = app.add_subcommand("logs", "Show a service's output");
  std::uint32_t lines = 10;
  bool follow = false;
  logs->add_option("-n,--lines", lines, "Show the last N lines (0: all that are kept; default 10)");
  logs->add_flag("-f,--follow", follow, "Keep printing new lines until interrupted");
  add_unit(logs);
  auto* caps = app.add_subcommand("caps", "Show the capabilities a service holds");
  add_unit(caps);
  auto* reload_config = app.add_subcommand("reload-config", "Reload unit files and policies (as SIGHUP to vermiliond)");
  auto* is_active = app.add_subcommand("is-active", "Print ActiveState; exit 0 if active, else 3");
  bool quiet = false;
  is_active->add_flag("-q,--quiet", quiet, "Print nothing, only set the exit code");
  add_unit(is_active);

  auto* reset_failed = app.add_subcommand("reset-failed", "Put a failed service back to inactive; reset its restart count");
  add_unit(reset_failed);

  std::vector<std::string> unit_files;
  bool now = false;
  auto add_unit_files = [&](CLI::App* command, bool with_now) {
    command->add_option("NAME", unit_files, "Unit names: web or web.service")->required()->transform(kUnitFileName);
    if (with_now) command->add_flag("--now", now, "Also start (enable) or stop (disable, mask) the units");
  };
  auto* enable = app.add_subcommand("enable", "Enable unit files ([Install] links), as systemctl enable");
  add_unit_files(enable, true);
  auto* disable = app.add_subcommand("disable", "Disable unit files: remove their links");
  add_unit_files(disable, true);
  auto* reenable = app.add_subcommand("reenable", "Disable, then enable unit files");
  add_unit_files(reenable, false);
  auto* mask = app.add_subcommand("mask", "Mask unit files: link them to /dev/null");
  add_unit_files(mask, true);
  auto* unmask = app.add_subcommand("unmask", "Unmask unit files");
  add_unit_files(unmask, false);
  auto* is_enabled = app.add_subcommand("is-enabled", "Print unit file states; exit 0 if one is enabled, else 1");
  add_unit_files(is_enabled, false);
  is_enabled->add_flag("-q,--quiet", quiet, "Print nothing, only set the exit code");
  auto* list_unit_files = app.add_subcommand("list-unit-files", "List unit files and their enablement states");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Help and --version exit 0; usage errors exit 1, as systemctl's do.
    return app.exit(e) == 0 ? kExitSuccess : kExitFailure;
  }

  const BusScope scope = user ? BusScope::user : BusScope::system;
  BusError connect_error;
  auto bus = connect_bus(scope, connect_error);
  if (!bus) {
    Failure failure = describe_connect_failure(connect_error);
    std::cerr << failure.text;
    return failure.exit_code;
  }

  CommandEnv env{*bus, std::cout, std::cerr, user ? "vermilionctl --user" : "vermilionctl", realtime_now_usec(),
                 process_name};
  const bool legend = !no_legend;
  if (*status) return run_status(env, unit);
  if (*start) return run_job(env, JobVerb::start, unit, job_mode);
  if (*stop) return run_job(env, JobVerb::stop, unit, job_mode);
  if (*restart) return run_job(env, JobVerb::restart, unit, job_mode);
  if (*reload) return run_job(env, JobVerb::reload, unit, job_mode);
  if (*kill) return run_kill(env, unit, *parse_signal(signal_text));
  if (*is_active) return run_is_active(env, unit, quiet);
  if (*caps) return run_caps(env, unit, legend);
  if (*reload_config) return run_reload_config(env);
  if (*reset_failed) return run_reset_failed(env, unit);
  if (*enable) return run_unit_files(env, UnitFileVerb::enable, unit_files, now);
  if (*disable) return run_unit_files(env, UnitFileVerb::disable, unit_files, now);
  if (*reenable) return run_unit_files(env, UnitFileVerb::reenable, unit_files, false);
  if (*mask) return run_unit_files(env, UnitFileVerb::mask, unit_files, now);
  if (*unmask) return run_unit_files(env, UnitFileVerb::unmask, unit_files, false);
  if (*is_enabled) return run_is_enabled(env, unit_files, quiet);
  if (*list_unit_files) return run_list_unit_files(env, legend);
  if (*logs) {
    if (!follow) return run_logs(env, unit, lines, false, [] { return false; });
    StopSignals stop_signals;
    return run_logs(env, unit, lines, true, [&] { return stop_signals.wait_next_poll(); });
  }
  return run_list(env, legend);  // `list`, or no command at all, as with systemctl
}
