// PrivateTmp= (systemd.exec(5)): one run of a service (ExecCondition= to
// ExecStopPost=) gets a /tmp and a /var/tmp of its own, shared by all its
// processes and by no one else, as systemd 252 does it:
//  - before the run's first process the manager makes
//    PREFIX/systemd-private-BOOTID-UNIT-XXXXXX (mode 0700) with a "tmp"
//    directory inside (mode 1777), for PREFIX /tmp and /var/tmp
//    (setup_tmp_dirs(); the name is what systemd-tmpfiles' tmp.conf spares);
//  - each process, before it drops privileges, enters a mount namespace of
//    its own with those "tmp" directories bound on /tmp and /var/tmp
//    (exec/mount_namespace.h);
//  - once the service is dead both are removed (service_enter_dead() drops
//    the exec runtime: a restart gets fresh ones).
#pragma once

#include <sys/types.h>

#include <string>

namespace vermilion {

struct PrivateTmp {
  std::string tmp_root;      // /tmp/systemd-private-...-XXXXXX
  std::string var_tmp_root;  // /var/tmp/systemd-private-...-XXXXXX
  [[nodiscard]] std::string tmp() const { return tmp_root + "/tmp"; }          // bound on /tmp
  [[nodiscard]] std::string var_tmp() const { return var_tmp_root + "/tmp"; }  // bound on /var/tmp
};

// Makes both directories for `unit` ("web.service") under `tmp_prefix` and
// `var_tmp_prefix` (/tmp and /var/tmp; others for tests). 0 or -errno
// (nothing is left behind on failure).
[[nodiscard]] int create_private_tmp(const std::string& unit, PrivateTmp& out, const std::string& tmp_prefix = "/tmp",
                                     const std::string& var_tmp_prefix = "/var/tmp");

// Removes both trees in a forked process (platform/remove_tree.h: by
// directory fds, never following a symlink or crossing a mount point),
// as systemd's asynchronous_rm_rf() does; the caller does not wait. Returns
// that process's PID for the caller to reap (0: none, remove_trees_async()).
[[nodiscard]] pid_t remove_private_tmp(const PrivateTmp& dirs);

}  // namespace vermilion
