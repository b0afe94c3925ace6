// Who the service manager runs as, and what the specifiers that name the
// manager and its host resolve to (systemd.unit(5) "Specifiers"; systemd
// 252's src/core/unit-printf.c and src/shared/specifier.c). The caller
// decides it once (main() from the real process, tests from a literal) and
// passes it down: expanding a specifier never looks anything up, so no
// password-database (NSS) query happens after start-up.
#pragma once

#include <sys/types.h>

#include <string>

#include "units/host_facts.h"
#include "units/process_environment.h"

namespace vermilion {

enum class RuntimeScope { system, user };

struct RuntimeIdentity {
  RuntimeScope scope = RuntimeScope::system;
  std::string user_name;   // %u
  uid_t uid = 0;           // %U
  std::string group_name;  // %g
  gid_t gid = 0;           // %G
  std::string home;        // %h
  std::string shell;       // %s
  std::string runtime_dir;  // %t: /run for system, $XDG_RUNTIME_DIR for user
  std::string host_name;    // %H (also in host, where the other host facts are)
  // User scope only (empty for system): $XDG_CONFIG_HOME, default
  // home/.config, and $XDG_DATA_HOME, default home/.local/share.
  std::string config_home;
  std::string data_home;
  // The manager's directory prefixes, as systemd 252 sets them
  // (manager_init_prefixes, src/core/manager.c):
  //   system: %C /var/cache, %E /etc, %L /var/log, %S /var/lib
  //   user:   %C $XDG_CACHE_HOME (~/.cache), %E config_home,
  //           %L config_home/log, %S config_home (252 has no XDG_STATE_HOME)
  std::string cache_dir, config_dir, logs_dir, state_dir;
  std::string tmp_dir = "/tmp";          // %T: $TMPDIR if it is a directory
  std::string var_tmp_dir = "/var/tmp";  // %V: the same rule, other default
  HostFacts host;

  // From getuid()/getgid(), the password and group databases, the host's
  // files (HostFacts::read) and the environment main() read. A system
  // manager is always "root"/"root" with home /root, shell /bin/sh and
  // runtime dir /run, as systemd resolves them for the system manager. A
  // user manager's home is env.home, else the password database's; its
  // shell env.shell, else the password database's; its runtime dir
  // env.xdg_runtime_dir, else /run/user/UID. The environment's paths are
  // already filtered (process_environment.h): this is the only place their
  // defaults are applied.
  [[nodiscard]] static RuntimeIdentity current(RuntimeScope scope, const ProcessEnvironment& env);

  // A literal identity for tests and fuzzing: the given scope, user "root"
  // (system) or "user" uid/gid 1000 with home /home/user (user), fixed host
  // facts (host "testhost", machine id 0123...cdef, os "debian" 12), every
  // derived field filled as current() would.
  [[nodiscard]] static RuntimeIdentity for_tests(RuntimeScope scope);

  // Fills the fields derived from scope, home, runtime_dir and config_home
  // (config/cache/logs/state dirs; config_home and data_home for user scope
  // when empty). current() and for_tests() call it; so can a test that
  // changed those.
  void derive_directories(const ProcessEnvironment& env);
};

}  // namespace vermilion
