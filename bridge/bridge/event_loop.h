// The bridge's one thread serves both of its connections: the bus
// (sdbus-c++, through getEventLoopPollData/processPendingRequest) and the
// private link (sd-bus). Why this never deadlocks and never loses a signal:
// - nothing blocks on the link once serving: every link call is
//   asynchronous, and vermiliond never calls the bridge;
// - the only blocking bus call is the credentials query to the bus daemon,
//   which always answers; messages that arrive meanwhile wait in sd-bus's
//   queue, they are not dropped;
// - each round takes up to a batch of messages from each connection in
//   turn; while either has more, the poll does not wait, and otherwise it
//   waits with the events and deadlines both libraries ask for, so a
//   message already read into a queue is dispatched, not left waiting for
//   the socket to become readable again.
#pragma once

#include <systemd/sd-bus.h>

#include <sdbus-c++/IConnection.h>

namespace vermilion::bridge {

// Runs until a signal arrives on `signal_fd` (a signalfd: SIGTERM/SIGINT)
// → 0, or a connection closes → negative errno (logged). `compat`, when not
// null, is the org.freedesktop.systemd1 face's own bus connection
// (systemd1_server.h), served in the same turns.
[[nodiscard]] int run_event_loop(sdbus::IConnection& bus, sd_bus* link, sd_bus* compat, int signal_fd);

}  // namespace vermilion::bridge
