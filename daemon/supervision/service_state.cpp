#include "supervision/service_state.h"

namespace vermilion {

std::string_view to_string(ActiveState s) {
  switch (s) {
    case ActiveState::inactive: return "inactive";
    case ActiveState::activating: return "activating";
    case ActiveState::active: return "active";
    case ActiveState::deactivating: return "deactivating";
    case ActiveState::failed: return "failed";
    case ActiveState::reloading: return "reloading";
  }
  return "inactive";
}

std::string_view to_string(SubState s) {
  switch (s) {
    case SubState::dead: return "dead";
    case SubState::condition: return "condition";
    case SubState::start_pre: return "start-pre";
    case SubState::start: return "start";
    case SubState::start_post: return "start-post";
    case SubState::running: return "running";
    case SubState::exited: return "exited";
    case SubState::reload: return "reload";
    case SubState::stop: return "stop";
    case SubState::stop_watchdog: return "stop-watchdog";
    case SubState::stop_sigterm: return "stop-sigterm";
    case SubState::stop_sigkill: return "stop-sigkill";
    case SubState::stop_post: return "stop-post";
    case SubState::final_watchdog: return "final-watchdog";
    case SubState::final_sigterm: return "final-sigterm";
    case SubState::final_sigkill: return "final-sigkill";
    case SubState::auto_restart: return "auto-restart";
    case SubState::failed: return "failed";
    case SubState::active: return "active";
  }
  return "dead";
}

std::string_view to_string(ServiceResult r) {
  switch (r) {
    case ServiceResult::success: return "success";
    case ServiceResult::exit_code: return "exit-code";
    case ServiceResult::signal: return "signal";
    case ServiceResult::core_dump: return "core-dump";
    case ServiceResult::timeout: return "timeout";
    case ServiceResult::watchdog: return "watchdog";
    case ServiceResult::start_limit_hit: return "start-limit-hit";
    case ServiceResult::resources: return "resources";
    case ServiceResult::protocol: return "protocol";
    case ServiceResult::exec_condition: return "exec-condition";
  }
  return "success";
}

// The same table as systemd's service_state_table.
ActiveState active_state_of(SubState s, bool reloading_by_notify, bool idle) {
  switch (s) {
    case SubState::dead: return ActiveState::inactive;
    case SubState::condition:
    case SubState::start_pre:
    case SubState::start: return idle ? ActiveState::active : ActiveState::activating;
    case SubState::start_post:
    case SubState::auto_restart: return ActiveState::activating;
    case SubState::running:
      return reloading_by_notify ? ActiveState::reloading : ActiveState::active;
    case SubState::exited:
    case SubState::active: return ActiveState::active;
    case SubState::reload: return ActiveState::reloading;
    case SubState::stop:
    case SubState::stop_watchdog:
    case SubState::stop_sigterm:
    case SubState::stop_sigkill:
    case SubState::stop_post:
    case SubState::final_watchdog:
    case SubState::final_sigterm:
    case SubState::final_sigkill: return ActiveState::deactivating;
    case SubState::failed: return ActiveState::failed;
  }
  return ActiveState::inactive;
}

}  // namespace vermilion
