#include "ctl/ctl_commands.h"

#include "ctl/ctl_errors.h"
#include "ctl/ctl_follow.h"
#include "ctl/ctl_views.h"
#include "common/unit_name.h"

namespace vermilion::ctl {

namespace {

int fail(CommandEnv& env, const Failure& failure) {
  env.err << failure.text;
  env.err.flush();
  return failure.exit_code;
}

std::string_view verb_name(JobVerb verb) {
  switch (verb) {
    case JobVerb::start: return "start";
    case JobVerb::stop: return "stop";
    case JobVerb::restart: return "restart";
    case JobVerb::reload: return "reload";
  }
  return "start";
}

Outcome call_job(Control& bus, JobVerb verb, const std::string& unit) {
  switch (verb) {
    case JobVerb::start: return bus.start_service(unit);
    case JobVerb::stop: return bus.stop_service(unit);
    case JobVerb::restart: return bus.restart_service(unit);
    case JobVerb::reload: return bus.reload_service(unit);
  }
  return bus.start_service(unit);
}

// The service's Result after a failed job, when the error did not name one
// (as systemctl reads it); nullopt if it cannot be read.
std::optional<std::string> read_result(Control& bus, const std::string& unit) {
  auto path = bus.get_service(unit);
  if (!path.ok()) return std::nullopt;
  auto result = bus.result(path.value);
  if (!result.ok()) return std::nullopt;
  return result.value;
}

void print_logs(CommandEnv& env, const std::string& unit, const std::vector<LogEntry>& entries) {
  for (const auto& entry : entries) env.out << format_log_line(unit, entry);
  env.out.flush();
}

}  // namespace

int run_list(CommandEnv& env, bool legend) {
  auto services = env.bus.list_services();
  if (!services.ok()) return fail(env, describe_failure("list units", "", *services.error));
  std::vector<UnitRow> rows;
  for (auto& entry : services.value) {
    auto load = env.bus.load_state(entry.object_path);
    rows.push_back({std::move(entry), load.ok() ? load.value : "-"});
  }
  env.out << format_unit_list(std::move(rows), legend);
  env.out.flush();
  return kExitSuccess;
}

int run_status(CommandEnv& env, const std::string& unit) {
  auto not_found_or = [&](const BusError& error) {
    if (classify(error) == ErrorKind::no_such_service)
      return fail(env, {"Unit " + unit + " could not be found.\n", kExitNoSuchUnit});
    return fail(env, describe_failure("get properties of " + unit, unit, error));
  };
  auto path = env.bus.get_service(unit);
  if (!path.ok()) return not_found_or(*path.error);
  auto properties = env.bus.properties(path.value);
  if (!properties.ok()) return not_found_or(*properties.error);

  const ServiceStatus& p = properties.value;
  std::optional<std::string> comm;
  if (p.main_pid > 0 && env.process_name) comm = env.process_name(p.main_pid);
  env.out << format_status(p, env.now_usec, comm);
  if (unit_type_of(unit) == "target") {  // no processes, so no output to show
    env.out.flush();
    return status_exit_code(p);
  }

  auto logs = env.bus.get_logs(unit, 10);
  if (logs.ok() && !logs.value.empty()) {
    env.out << "\n";
    print_logs(env, unit, logs.value);
  } else if (!logs.ok()) {
    // The caller may see the state but not the output: say so, do not fail.
    const BusError& e = *logs.error;
    std::string why = classify(e) == ErrorKind::access_denied ? "access denied"
                      : e.message.empty()                       ? e.name
                                                                : e.message;
    env.out << "\nLogs of " << unit << " not shown: " << why << ".\n";
  }
  env.out.flush();
  return status_exit_code(p);
}

int run_job(CommandEnv& env, JobVerb verb, const std::string& unit, const std::string& mode) {
  Outcome outcome = mode == "replace" ? call_job(env.bus, verb, unit)
                                      : env.bus.enqueue_service_job(unit, std::string(verb_name(verb)), mode);
  if (!outcome) return kExitSuccess;
  if (classify(*outcome) == ErrorKind::job_failed) {
    std::optional<std::string> result;
    if (!result_in_message(outcome->message, unit)) result = read_result(env.bus, unit);
    return fail(env, describe_job_failure(unit, *outcome, result, env.ctl));
  }
  return fail(env, describe_failure(std::string(verb_name(verb)) + " " + unit, unit, *outcome, env.ctl));
}

int run_kill(CommandEnv& env, const std::string& unit, int signal) {
  Outcome outcome = env.bus.kill_service(unit, signal);
  if (!outcome) return kExitSuccess;
  return fail(env, describe_failure("kill unit " + unit, unit, *outcome));
}

int run_is_active(CommandEnv& env, const std::string& unit, bool quiet) {
  auto state = [&]() -> Reply<std::string> {
    auto path = env.bus.get_service(unit);
    if (!path.ok()) return *path.error;
    return env.bus.active_state(path.value);
  }();
  if (!state.ok()) {
    if (classify(*state.error) != ErrorKind::no_such_service)
      return fail(env, describe_failure("get state of " + unit, unit, *state.error));
    // systemctl is-active prints "inactive" for a unit it does not know and
    // exits 3 (not 4): to a script asking "is it running?", it is not.
    state = std::string("inactive");
  }
  if (!quiet) {
    env.out << state.value << "\n";
    env.out.flush();
  }
  return counts_as_active(state.value) ? kExitSuccess : kExitNotActive;
}

int run_logs(CommandEnv& env, const std::string& unit, std::uint32_t lines, bool follow,
             const std::function<bool()>& wait_next_poll) {
  const std::string what = "get logs of " + unit;
  auto first = env.bus.get_logs(unit, lines);
  if (!first.ok()) return fail(env, describe_failure(what, unit, *first.error));
  print_logs(env, unit, first.value);
  if (!follow) return kExitSuccess;

  LogFollower follower;
  (void)follower.advance(first.value);
  while (wait_next_poll()) {
    auto window = env.bus.get_logs(unit, kFollowWindow);
    if (!window.ok()) return fail(env, describe_failure(what, unit, *window.error));
    if (window.value.size() >= kFollowWindow && !follower.overlaps(window.value)) {
      // More lines came since the last poll than one window holds.
      window = env.bus.get_logs(unit, 0);
      if (!window.ok()) return fail(env, describe_failure(what, unit, *window.error));
    }
    print_logs(env, unit, follower.advance(window.value));
  }
  return kExitSuccess;
}

int run_caps(CommandEnv& env, const std::string& unit, bool legend) {
  auto caps = env.bus.get_capabilities(unit);
  if (!caps.ok()) return fail(env, describe_failure("get capabilities of " + unit, unit, *caps.error));
  env.out << format_capabilities(std::move(caps.value), legend);
  env.out.flush();
  return kExitSuccess;
}

int run_reload_config(CommandEnv& env) {
  Outcome outcome = env.bus.reload();
  if (!outcome) return kExitSuccess;
  return fail(env, describe_failure("reload configuration", "", *outcome));
}

int run_reset_failed(CommandEnv& env, const std::string& unit) {
  Outcome outcome = env.bus.reset_failed_service(unit);
  if (!outcome) return kExitSuccess;
  return fail(env, describe_failure("reset failed state of unit " + unit, unit, *outcome));
}

int run_unit_files(CommandEnv& env, UnitFileVerb verb, const std::vector<std::string>& names, bool now) {
  static constexpr const char* kVerbs[] = {"enable", "disable", "reenable", "mask", "unmask"};
  const char* verb_word = kVerbs[static_cast<int>(verb)];
  auto changes = env.bus.change_unit_files(verb, names);
  if (!changes.ok()) {
    env.err << "Failed to " << verb_word << " unit: " << changes.error->message << "\n";
    env.err.flush();
    return kExitFailure;
  }
  env.err << format_unit_file_changes(changes.value);
  env.err.flush();
  if (!now || verb == UnitFileVerb::reenable || verb == UnitFileVerb::unmask) return kExitSuccess;
  int code = kExitSuccess;
  for (const auto& name : names) {
    int r = run_job(env, verb == UnitFileVerb::enable ? JobVerb::start : JobVerb::stop, name);
    if (code == kExitSuccess) code = r;
  }
  return code;
}

int run_is_enabled(CommandEnv& env, const std::vector<std::string>& names, bool quiet) {
  bool enabled = false;
  for (const auto& name : names) {
    auto state = env.bus.get_unit_file_state(name);
    if (!state.ok()) {
      env.err << "Failed to get unit file state for " << name << ": " << state.error->message << "\n";
      env.err.flush();
      return kExitFailure;
    }
    if (counts_as_enabled(state.value)) enabled = true;
    if (!quiet) env.out << state.value << "\n";
  }
  env.out.flush();
  return enabled ? kExitSuccess : kExitFailure;
}

int run_list_unit_files(CommandEnv& env, bool legend) {
  auto files = env.bus.list_unit_files();
  if (!files.ok()) return fail(env, describe_failure("list unit files", "", *files.error));
  env.out << format_unit_files(std::move(files.value), legend);
  env.out.flush();
  return kExitSuccess;
}

}  // namespace vermilion::ctl
