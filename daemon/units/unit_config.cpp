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

}  // namespace vermilion
