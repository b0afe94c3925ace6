#include "units/unit_config.h"

namespace vermilion {

const char* to_string(LoadState s) {
  switch (s) {
    case LoadState::loaded: return "loaded";
    case LoadState::not_found: return "not-found";
    case LoadState::bad_setting: return "bad-setting";
    case LoadState::error: return "error";
  }
  return "error";
}

const char* to_string(UnitType t) { return t == UnitType::target ? "target" : "service"; }

const char* to_string(NotifyAccess n) {
  switch (n) {
    case NotifyAccess::none: return "none";
    case NotifyAccess::main: return "main";
    case NotifyAccess::exec: return "exec";
    case NotifyAccess::all: return "all";
  }
  return "none";
}

const char* to_string(ServiceType t) {
  switch (t) {
    case ServiceType::simple: return "simple";
    case ServiceType::exec: return "exec";
    case ServiceType::notify: return "notify";
    case ServiceType::oneshot: return "oneshot";
    case ServiceType::forking: return "forking";
  }
  return "simple";
}

const char* to_string(RestartPolicy p) {
  switch (p) {
    case RestartPolicy::no: return "no";
    case RestartPolicy::on_success: return "on-success";
    case RestartPolicy::on_failure: return "on-failure";
    case RestartPolicy::on_abnormal: return "on-abnormal";
    case RestartPolicy::on_watchdog: return "on-watchdog";
    case RestartPolicy::on_abort: return "on-abort";
    case RestartPolicy::always: return "always";
  }
  return "no";
}

const char* to_string(KillMode m) {
  switch (m) {
    case KillMode::control_group: return "control-group";
    case KillMode::process: return "process";
    case KillMode::mixed: return "mixed";
    case KillMode::none: return "none";
  }
  return "control-group";
}

}  // namespace vermilion
