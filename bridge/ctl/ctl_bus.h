// The Control interface over D-Bus: org.vermilion1 through the proxies that
// sdbus-c++-xml2cpp generates from interfaces/org.vermilion1.xml. The only
// part of vermilionctl that knows sdbus-c++, and the only place its
// exceptions are caught (each becomes a BusError).
#pragma once

#include <memory>

#include "ctl/ctl_control.h"

namespace vermilion::ctl {

enum class BusScope { system, user };

// Connects to the system bus (DBUS_SYSTEM_BUS_ADDRESS, or the standard
// socket) or the session bus (DBUS_SESSION_BUS_ADDRESS). nullptr, with
// `error` set, when the bus cannot be reached. Whether a bridge owns
// org.vermilion1 there shows at the first call (ServiceUnknown).
//
// Start/Stop/Restart/Reload reply only when their job has finished, which
// can take as long as the unit's timeouts (or forever, with "infinity"): like
// systemctl, these calls wait without a timeout. Every other call has sd-bus's
// default timeout (25 s; SYSTEMD_BUS_TIMEOUT overrides it).
[[nodiscard]] std::unique_ptr<Control> connect_bus(BusScope scope, BusError& error);

}  // namespace vermilion::ctl
