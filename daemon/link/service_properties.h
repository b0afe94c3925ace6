// A service's properties as the private link reports them: one a{sv} dict,
// built only here, for ManagerCapability.ListServiceProperties and
// Link.ServicePropertiesChanged. Exactly these keys, with the names and
// types of org.vermilion1.Service's properties so the bridge passes them on
// unchanged:
//
//   Name s, Description s, LoadState s, ActiveState s, SubState s, Result s,
//   MainPID u, ExecMainStatus i, NRestarts u,
//   ActiveEnterTimestamp t, InactiveEnterTimestamp t (realtime µs, 0 if never)
#pragma once

#include <systemd/sd-bus.h>

#include "common/service_status.h"

namespace vermilion {

inline constexpr const char* kServicePropertiesSignature = "a{sv}";

// Appends the dict to `m` at its current position. 0 or -errno.
[[nodiscard]] int append_service_properties(sd_bus_message* m, const ServiceStatus& status);

}  // namespace vermilion
