// Where the manager gets unit configurations from. The real source is the
// unit loader over the search path; tests hand in configurations directly.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "units/diagnostics.h"
#include "units/unit_config.h"

namespace vermilion {

class UnitSource {
 public:
  virtual ~UnitSource() = default;
  // Every unit that exists right now (no templates), sorted.
  [[nodiscard]] virtual std::vector<std::string> list_units() = 0;
  // Never fails hard: problems go to diags and the returned load_state.
  [[nodiscard]] virtual ServiceConfig load(const std::string& name, Diagnostics& diags) = 0;
  // Whether what `loaded` was loaded from changed on disk since
  // (UnitLoader::need_daemon_reload()); sources without files say no.
  [[nodiscard]] virtual bool need_daemon_reload(const ServiceConfig& /*loaded*/) { return false; }
  // The directories where a change can make need_daemon_reload() true, to
  // watch (UnitLoader::watched_directories()); none for sources without files.
  [[nodiscard]] virtual std::vector<std::string> watched_directories() { return {}; }
};

}  // namespace vermilion
