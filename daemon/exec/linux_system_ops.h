// The real SystemOps: fork/exec of service processes on Linux, pidfds for
// signals to adopted processes, cgroup v2 or session-based process scopes,
// RuntimeDirectory=.
//
// Never reaps and never touches SIGCHLD: it tells the supervisor's
// ChildReaper of every fork, and the reaper collects the child from the
// event loop. That also makes signals to a forked child by PID race-free:
// the child cannot be reaped, and its PID reused, before the loop tells its
// service.
#pragma once

#include <sys/types.h>
#include <unistd.h>

#include <memory>
#include <optional>
#include <string>

#include "platform/cgroup.h"
#include "platform/child_reaper.h"
#include "platform/scope_owners.h"
#include "units/runtime_scope.h"
#include "exec/condition_check.h"
#include "exec/credential_store.h"
#include "exec/exec_directories.h"
#include "exec/system_ops.h"

namespace vermilion {

enum class ScopeBackend {
  automatic,  // cgroup v2 where writable, sessions otherwise
  cgroup,     // cgroup v2 or fail
  session,    // sessions even where cgroups would work
};

struct LinuxSystemOpsOptions {
  RuntimeScope scope = RuntimeScope::system;
  ScopeBackend backend = ScopeBackend::automatic;
  // /run (system) or $XDG_RUNTIME_DIR (user): XDG_RUNTIME_DIR for --user
  // services, and where RuntimeDirectory= lives unless directory_roots says.
  std::string runtime_root;
  // Where RuntimeDirectory=, StateDirectory=, ... live (exec_directories.h).
  // All empty: the system roots (runtime_root for the runtime kind) in
  // system scope; in user scope only runtime_root.
  ExecDirectoryRoots directory_roots;
  // The supervisor's own LANG, handed on to services.
  std::optional<std::string> lang;
  // --user: the manager's own environment, sanitized (user_manager_environment()),
  // handed to every service first, as systemd --user does; empty otherwise.
  std::vector<std::string> inherited_environment;
  // Told of every child forked; may be null (then the caller reaps).
  ChildReaper* reaper = nullptr;
  // What Condition*= compare with besides the machine; its environment is
  // filled in by create() (manager_environment()).
  ConditionContext conditions;
  // Where a relative LoadCredential= source is looked for, after the
  // manager's own $CREDENTIALS_DIRECTORY (conditions.credentials_directory).
  std::vector<std::string> credential_stores = default_credential_stores();
  // The manager's own runtime directory, where the node bound over an
  // inaccessible file lives (exec/mount_namespace.h); "": none.
  std::string state_dir;
};

class LinuxSystemOps final : public SystemOps {
 public:
  // -errno when ScopeBackend::cgroup was asked for and cannot be had.
  [[nodiscard]] static int create(LinuxSystemOpsOptions options, std::unique_ptr<LinuxSystemOps>& out);

  // Scopes are LinuxProcessScope (process_scope.h).
  [[nodiscard]] std::unique_ptr<ProcessScope> create_scope(const std::string& service_name) override;
  [[nodiscard]] int scope_owner(pid_t pid, std::string& service) override;
  [[nodiscard]] int spawn(const SpawnRequest& request, SpawnedProcess& out) override;
  int signal_process(const SpawnedProcess& process, int sig) override;
  [[nodiscard]] int open_process(pid_t pid, SpawnedProcess& out) override;
  [[nodiscard]] bool is_own_child(const SpawnedProcess& process) override;
  [[nodiscard]] int read_pid_file(const std::string& path, pid_t& out, PidFileFacts& facts) override;
  [[nodiscard]] int test_condition(const UnitCondition& condition) override;
  [[nodiscard]] int watch_path(const std::string& path, unique_fd& out) override;
  [[nodiscard]] int guess_main_pid(ProcessScope& scope, pid_t control, pid_t& out) override;
  [[nodiscard]] int check_exec_directories(const ServiceConfig& config) override;
  [[nodiscard]] std::vector<std::string> mounts_required_by(const ServiceConfig& config) const override;
  void remove_runtime_directories(const ServiceConfig& config) override;
  void remove_credentials(const ServiceConfig& config) override;
  [[nodiscard]] std::string revert_terminal(const ServiceConfig& config) override;
  [[nodiscard]] CgroupFilterOutcome apply_cgroup_filters(ProcessScope& scope, const ServiceConfig& config,
                                                         bool reapply = false) override;
  [[nodiscard]] int create_private_tmp(const std::string& service_name, PrivateTmp& out) override;
  void remove_private_tmp(const PrivateTmp& dirs) override;
  void clean_ipc(const IpcOwner& owner) override;
  void record_process_exit(const ServiceConfig& config, pid_t pid, int code, int status) override;

  [[nodiscard]] bool uses_cgroups() const { return cgroups_ != nullptr; }
  // <own cgroup>/vermilion-<pid>, "" without cgroups.
  [[nodiscard]] std::string cgroup_directory() const;

 private:
  LinuxSystemOps(LinuxSystemOpsOptions options, std::shared_ptr<CgroupTree> cgroups)
      : options_(std::move(options)),
        cgroups_(std::move(cgroups)),
        owners_(std::make_shared<ScopeOwners>(getpid())) {}
  using DirectoryPaths = std::array<std::vector<std::string>, kExecDirectoryTypes>;
  // Every kind's absolute paths; -EINVAL (and `failure` says which) for a
  // name that leaves its root.
  [[nodiscard]] int directory_paths(const ServiceConfig& config, DirectoryPaths& out, std::string* failure) const;

  LinuxSystemOpsOptions options_;
  std::string inaccessible_file_;  // make_inaccessible_file(), "" if none
  std::shared_ptr<CgroupTree> cgroups_;  // null: session scopes
  std::shared_ptr<ScopeOwners> owners_;  // every live scope registers here
};

}  // namespace vermilion
