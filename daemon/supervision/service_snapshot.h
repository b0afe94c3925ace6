// A service's status in systemd's words (common/service_status.h), read from
// the state machine at one moment. The manager takes one at every change, as
// the change happens, so what it reports downstream (the broker, the links,
// the bridge's properties) are the values of that moment, never a mix of
// that moment's state and a later moment's PIDs, results or timestamps.
#pragma once

#include "common/service_status.h"
#include "supervision/dependency_graph.h"
#include "supervision/service.h"

namespace vermilion {

// The dependency lists are those of its configuration (as written).
[[nodiscard]] ServiceStatus status_of(const Service& service);
// The dependency lists are the graph's (DependencyGraph::listed()): with the
// implicit ones and the other side of each ordering, as systemctl show has them.
[[nodiscard]] ServiceStatus status_of(const Service& service, DependencyGraph::Listed dependencies);

}  // namespace vermilion
