// systemd's vocabulary for where a service is in its life, so that users and
// tools (systemctl, GUI managers) read Vermilion's states without a glossary.
#pragma once

#include <optional>
#include <string_view>

namespace vermilion {

enum class ActiveState { inactive, activating, active, deactivating, failed, reloading };

enum class SubState {
  dead,
  condition,  // ExecCondition= commands run
  start_pre,
  start,
  start_post,
  running,
  exited,  // RemainAfterExit: nothing runs, yet the service counts as active
  reload,
  stop,  // ExecStop= commands run
  stop_watchdog,
  stop_sigterm,
  stop_sigkill,
  stop_post,  // ExecStopPost= commands run
  final_watchdog,  // TimeoutStopFailureMode=abort after stop-post: WatchdogSignal= to what is left
  final_sigterm,
  final_sigkill,
  auto_restart,  // waiting RestartSec before starting again
  failed,
  active,  // a target that was started (systemd's TARGET_ACTIVE); no process
};

// Why the last run ended; "success" while nothing went wrong.
enum class ServiceResult {
  success,
  exit_code,
  signal,
  core_dump,
  timeout,
  watchdog,
  start_limit_hit,
  resources,  // could not even fork/exec: spawn failed, runtime dir failed
  protocol,   // the service broke the protocol its Type= promises (no PID file)
  // An ExecCondition= command exited 1-254: the unit was skipped, which ends
  // in dead, not failed (systemd's SERVICE_SKIP_CONDITION).
  exec_condition,
};

// One step of a service's life, as observers are told of it.
struct StateChange {
  ActiveState old_active, new_active;
  SubState old_sub, new_sub;
  // `failed` or `dead` on the way to an automatic restart (systemd's
  // UNIT_NOTIFY_WILL_AUTO_RESTART): not an end that OnFailure=/OnSuccess=
  // act on.
  bool will_auto_restart = false;
};

[[nodiscard]] std::string_view to_string(ActiveState s);
[[nodiscard]] std::string_view to_string(SubState s);
[[nodiscard]] std::string_view to_string(ServiceResult r);
// systemd's service_state_table; for Type=idle (idle: true) its
// state_translation_table_idle, where condition, start-pre and start are
// active, so that the service's own start job is done at once and does
// not hold back the idle pipe it waits on.
[[nodiscard]] ActiveState active_state_of(SubState s, bool reloading_by_notify, bool idle = false);

}  // namespace vermilion
