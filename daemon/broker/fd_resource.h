// Opens what an fd capability stands for: a listening socket or a file that
// the broker opens with its own authority and hands to a service which could
// not open it itself (an unprivileged service on port 80, a root-only file).
#pragma once

#include "broker/policy.h"
#include "common/unique_fd.h"

namespace vermilion {

// Returns 0 or -errno. Sockets are bound and (stream) listening, CLOEXEC;
// a stale AF_UNIX socket file is replaced and given SocketMode=. Files are
// opened without ever blocking the caller: a FIFO with no reader, opened
// for writing, gives -ENXIO.
[[nodiscard]] int open_fd_resource(const FdSpec& spec, unique_fd& out);

}  // namespace vermilion
