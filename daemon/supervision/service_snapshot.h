// A service's status in systemd's words (common/service_status.h), read from
// the state machine at one moment. The manager takes one at every change, as
// the change happens, so what it reports downstream (the broker, the links,
// the bridge's properties) are the values of that moment, never a mix of
// that moment's state and a later moment's PIDs, results or timestamps.
#pragma once

#include "common/service_status.h"
#include "supervision/service.h"

namespace vermilion {

[[nodiscard]] ServiceStatus status_of(const Service& service);

}  // namespace vermilion
