// PrivateTmp= (systemd.exec(5)): one run of a service (ExecCondition= to
// ExecStopPost=) gets a /tmp and a /var/tmp of its own, shared by all its
// processes and by no one else, as systemd 252 does it:
//  - before the run's first process the manager makes
//    PREFIX/systemd-private-BOOTID-UNIT-XXXXXX (mode 0700) with a "tmp"
//    directory inside (mode 1777), for PREFIX /tmp and /var/tmp
//    (setup_tmp_dirs(); the name is what systemd-tmpfiles' tmp.conf spares);
//  - each process, before it drops privileges, enters a mount namespace of
//    its own (slave to the host's, so nothing it mounts shows outside) with
//    those "tmp" directories bound on /tmp and /var/tmp (setup_namespace());
//  - once the service is dead both are removed (service_enter_dead() drops
//    the exec runtime: a restart gets fresh ones).
// Where the kernel refuses the namespace for lack of privilege (a --user
// manager without CAP_SYS_ADMIN), the process runs without, as systemd's
// "assuming containerized execution" does.
#pragma once

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

// Removes both trees, never following a symlink or crossing a mount point.
void remove_private_tmp(const PrivateTmp& dirs);

// In the child, before exec: a mount namespace with `tmp` on /tmp and
// `var_tmp` on /var/tmp. 0; -EPERM/-EACCES where namespaces are not
// allowed (the caller goes on without); other -errno. Async-signal-safe.
[[nodiscard]] int enter_private_tmp(const char* tmp, const char* var_tmp) noexcept;

}  // namespace vermilion
