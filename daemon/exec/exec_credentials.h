// Who a service's process runs as: User=, Group=, SupplementaryGroups=
// resolved (by name or number) through NSS. Called only in the forked child
// (LinuxSystemOps::spawn's prepare step), as systemd's exec_child() does:
// vermiliond is single-threaded, so the child may, and a slow or hung name
// service then holds up that one process, never the supervisor.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "exec/exec_environment.h"
#include "exec/exit_status.h"
#include "units/unit_config.h"

namespace vermilion {

struct ExecCredentials {
  // False: the process keeps the supervisor's identity (no User=/Group=
  // and no SupplementaryGroups=, or a '+'/'!' command, or --user).
  bool change = false;
  uid_t uid = 0;
  gid_t gid = 0;
  bool set_groups = false;
  std::vector<gid_t> groups;
  // User='s UID once resolved, also for '+'/'!' commands (a terminal on
  // stdin is handed to it: systemd's chown_terminal()); nullopt without User=.
  std::optional<uid_t> user_uid;
  // HOME/USER/LOGNAME/SHELL and '~' come from here: the User= account, or
  // under --user our own account.
  std::optional<LoginIdentity> login;
};

// Why the process must not start; reported by the child, as systemd does,
// with the matching exit status.
struct CredentialFailure {
  ExecExitStatus status = ExecExitStatus::user;
  int error = 0;     // positive errno
  std::string what;  // "resolve user bob"
};

struct CredentialRequest {
  const ServiceConfig* config = nullptr;
  bool user_manager = false;      // --user: only ourselves
  bool apply_identity = true;     // false for '+' and '!' commands
};

// 0, or -errno with failure filled in.
[[nodiscard]] int resolve_credentials(const CredentialRequest& request, ExecCredentials& out,
                                      CredentialFailure& failure);

// User= or Group= as a unit gives it (a name or a number) resolved through
// NSS (getpwnam_r(), getgrnam_r()): only in a forked process, never in
// vermiliond's loop. 0, -ESRCH (no such account) or -errno.
[[nodiscard]] int lookup_user_ids(const std::string& user, uid_t& uid, gid_t& primary_gid);
[[nodiscard]] int lookup_group_id(const std::string& group, gid_t& gid);

}  // namespace vermilion
