// The directories systemd makes for a service (systemd.exec(5),
// "RuntimeDirectory=, StateDirectory=, CacheDirectory=, LogsDirectory=,
// ConfigurationDirectory="; systemd 252's setup_exec_directory()):
//
//   kind            system       user (as systemd 252 resolves it)   variable
//   runtime         /run         $XDG_RUNTIME_DIR                    RUNTIME_DIRECTORY
//   state           /var/lib     $XDG_CONFIG_HOME                    STATE_DIRECTORY
//   cache           /var/cache   $XDG_CACHE_HOME                     CACHE_DIRECTORY
//   logs            /var/log     $XDG_CONFIG_HOME/log                LOGS_DIRECTORY
//   configuration   /etc         $XDG_CONFIG_HOME                    CONFIGURATION_DIRECTORY
//
// Each process of a run makes them before it drops privileges: missing
// parents with mode 0755, the directory itself with *DirectoryMode=
// (default 0755) set exactly, whatever the umask (so 2755 keeps its
// setgid bit); an existing ConfigurationDirectory= keeps its mode and
// owner. In system scope the directory and what it holds then belong to
// User=/Group= (resolved in that same child: no name lookup in vermiliond).
// Only RuntimeDirectory= is removed when the service stops
// (RuntimeDirectoryPreserve=).
#pragma once

#include <sys/types.h>

#include <array>
#include <string>
#include <vector>

#include "exec/exit_status.h"
#include "units/unit_config.h"

namespace vermilion {

// The root of each kind (indexed by ExecDirectoryType); empty: not available.
using ExecDirectoryRoots = std::array<std::string, kExecDirectoryTypes>;

[[nodiscard]] ExecDirectoryRoots system_exec_directory_roots();
[[nodiscard]] ExecDirectoryRoots user_exec_directory_roots(const std::string& runtime_dir,
                                                           const std::string& config_home,
                                                           const std::string& cache_home);

// "RUNTIME_DIRECTORY", ... and the exit status of a failure (233, 238, ...).
[[nodiscard]] const char* exec_directory_variable(ExecDirectoryType type);
[[nodiscard]] ExecExitStatus exec_directory_exit_status(ExecDirectoryType type);

// The absolute paths of one kind for a unit. 0, or -EINVAL when a name is
// not a relative path below the root ("..", empty parts) or there is no root.
[[nodiscard]] int exec_directory_paths(const ServiceConfig& config, ExecDirectoryType type,
                                       const ExecDirectoryRoots& roots, std::vector<std::string>& out);

// "name:link" entries of one kind: (absolute link, absolute target) pairs.
// Names and links were checked when the unit loaded; -EINVAL without a root.
struct ExecDirectorySymlink {
  std::string link, target;
};
[[nodiscard]] int exec_directory_symlinks(const ServiceConfig& config, ExecDirectoryType type,
                                          const ExecDirectoryRoots& roots, std::vector<ExecDirectorySymlink>& out);

// What the symlink holds: `target` relative to the directory of `link`
// (systemd's symlink_idempotent(..., make_relative=true)).
[[nodiscard]] std::string exec_directory_symlink_target(const std::string& link, const std::string& target);

// In the child, after the directories (systemd's create_many_symlinks()):
// missing parents of `link` with mode 0755, then `link` as a relative
// symlink to `target`; one that already points there is fine, anything
// else in the way is -EEXIST. 0, or -errno with `what` naming the step.
[[nodiscard]] int set_up_exec_directory_symlink(const ExecDirectorySymlink& symlink, std::string& what);

// In the child, before privileges are dropped: makes `path` as described
// above; owner_uid/gid (uid_t(-1): none) is given to the directory and
// everything in it. 0, or -errno with `what` naming the step.
[[nodiscard]] int set_up_exec_directory(const std::string& path, ExecDirectoryType type, mode_t mode,
                                        uid_t owner_uid, gid_t owner_gid, std::string& what);

}  // namespace vermilion
