// What a process gets beyond its unit's own settings: the broker's link and
// the fds policy grants it. The supervisor implements it; the state machine
// only calls it, so it stays free of broker knowledge.
#pragma once

#include <vector>

#include "exec/system_ops.h"
#include "common/unique_fd.h"

namespace vermilion {

class SpawnHook {
 public:
  virtual ~SpawnHook() = default;
  // Adds fds and environment to the request. The returned fds must stay
  // open until the spawn is over (the child gets copies), then are closed.
  [[nodiscard]] virtual std::vector<unique_fd> prepare(const ServiceConfig& config, ProcessRole role,
                                                       SpawnRequest& request) = 0;
};

}  // namespace vermilion
