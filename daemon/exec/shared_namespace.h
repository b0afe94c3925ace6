// A network or IPC namespace that every process of one run of a unit shares
// (PrivateNetwork=, PrivateIPC=; systemd.exec(5)), kept as systemd 252 keeps
// it (src/core/execute.c exec_runtime's netns_storage_socket and
// ipcns_storage_socket, src/basic/namespace-util.c setup_shareable_ns()):
// a datagram socket pair holds the namespace's fd while nobody uses it.
// The first process of the run to need it makes the namespace and puts its
// fd in the pair; every later one takes it out, joins, and puts it back.
// The manager holds the pair for the run and closes it when the unit goes
// down: the namespace then ends with its last process.
#pragma once

#include "common/unique_fd.h"

namespace vermilion {

struct NamespaceStorage {
  unique_fd socket[2];  // AF_UNIX SOCK_DGRAM, close-on-exec
};

// socketpair(). 0 or -errno.
[[nodiscard]] int create_namespace_storage(NamespaceStorage& out);

// In a forked child: joins the namespace of type `nstype` (CLONE_NEWNET or
// CLONE_NEWIPC) held in the pair, or, when there is none yet, unshares a
// new one (bringing its loopback device up, for a network namespace) and
// stores it. A lock on the pair keeps two processes from both making one.
// 1 made, 0 joined, -errno (-EPERM where the kernel refuses namespaces: a
// container without CAP_SYS_ADMIN). Async-signal-safe.
[[nodiscard]] int enter_shared_namespace(int storage0, int storage1, int nstype) noexcept;

// systemd's loopback_setup(): "lo" up (IFF_UP), as a fresh network namespace
// has it down. 0 or -errno. Async-signal-safe.
[[nodiscard]] int loopback_up() noexcept;

}  // namespace vermilion
