// The seam between the supervisor's decisions and the kernel. Everything the
// state machine does to the outside world (fork/exec, signals, asking whether
// a service still has processes) goes through SystemOps, so unit tests can
// inject a fake and drive the state machine without real processes.
#pragma once

#include <array>
#include <sys/types.h>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "common/unique_fd.h"
#include "exec/private_tmp.h"
#include "exec/shared_namespace.h"
#include "platform/process_scope.h"
#include "exec/ipc_cleanup.h"
#include "units/unit_config.h"

namespace vermilion {

enum class ProcessRole { main, control };

// The most a PIDFile= may hold (bytes): one PID and a newline, with room.
inline constexpr std::size_t kPidFileMaxBytes = 4096;

struct SpawnRequest {
  const ServiceConfig* config = nullptr;
  const ExecCommand* command = nullptr;
  ProcessRole role = ProcessRole::main;
  // Every command but ExecStart= (systemd's EXEC_IS_CONTROL; a forking
  // service's ExecStart= runs in the control role, yet is not one):
  // PermissionsStartOnly= takes User= and the sandboxing from these.
  bool exec_is_control = false;
  // What the manager sets for this command as systemd does
  // (INVOCATION_ID, NOTIFY_SOCKET, MAINPID, WATCHDOG_USEC, SERVICE_RESULT,
  // ...): applied before the unit's own Environment= and EnvironmentFile=,
  // which override it (systemd's strv_env_merge() order in exec_child()).
  std::vector<std::string> manager_environment;
  // Vermilion's own, describing the fds the broker passes (LISTEN_FDS,
  // LISTEN_FDNAMES, VERMILION_BROKER_FD): applied last, so that they always
  // match what the process was given.
  std::vector<std::string> extra_environment;
  // Write end of the service's log pipe, used where StandardOutput= or
  // StandardError= is journal (or inherit pointing at journal). -1: /dev/null.
  int log_fd = -1;
  // Passed to the child as fds 3, 4, ... in this order (LISTEN_FDS, the
  // broker link). Nothing else beyond stdio survives exec.
  std::vector<int> pass_fds;
  // ExecStart= (a forking service's too): the service's fd store
  // (Service::fd_store()), passed after the broker's fds as systemd 252's
  // service_collect_fds() puts them after the sockets'. Fd and FDNAME=.
  std::vector<std::pair<int, std::string>> stored_fds;
  // Adds LISTEN_PID=<the child's own pid>, which only the child knows.
  bool set_listen_pid = false;
  // Adds WATCHDOG_PID=<the child's own pid> unless the environment has one
  // (systemd sets it beside WATCHDOG_USEC= for ExecStart=, so that
  // sd_watchdog_enabled() in a process it forks says no).
  bool set_watchdog_pid = false;
  // Writes the unit's credential store (exec/credential_store.h) before
  // the command runs: systemd 252 does it for the first ExecStartPre= and
  // the first ExecStart= of a start (EXEC_WRITE_CREDENTIALS).
  bool write_credentials = false;
  ProcessScope* scope = nullptr;  // the child joins it before exec
  // PrivateTmp=: the run's directories (create_private_tmp()); null: none.
  const PrivateTmp* private_tmp = nullptr;
  // PrivateNetwork=, PrivateIPC=: the run's namespaces (exec/shared_namespace.h); null: none.
  const NamespaceStorage* network_namespace = nullptr;
  const NamespaceStorage* ipc_namespace = nullptr;
  bool user_manager = false;      // --user: User=/Group= must name ourselves
  // The manager's idle pipe (supervision/idle_pipe.h: wait end, manager's
  // end, manager's "tired" end, "tired" end; -1 when none). Every child
  // closes its copies of the manager's ends first; with wait_for_idle
  // (Type=idle) it then waits (ExecChildPlan::idle_pipe).
  std::array<int, 4> idle_pipe{-1, -1, -1, -1};
  bool wait_for_idle = false;
  // Where spawn() says why it failed, beyond its -errno, when it can name
  // the setting ("EnvironmentFile=/etc/x: not a regular file"). May be null.
  std::string* failure = nullptr;
};

// What service_load_pid_file() weighs besides the PID: the file's owner, and
// whether the way to it passes through another user's hands
// (platform/safe_path.h; systemd's CHASE_SAFE).
struct PidFileFacts {
  uid_t owner = 0;
  bool unsafe_path = false;
};

// A process a service watches. Signals go through its pidfd when it has one,
// so a reused PID is never hit: processes we adopted (open_process()) have
// one. A child we forked (spawn()) has none and needs none: its PID cannot
// be reused before we reap it, and the event that reaps it is the one that
// makes its service forget it.
struct SpawnedProcess {
  pid_t pid = -1;
  unique_fd pidfd;
};

class SystemOps {
 public:
  virtual ~SystemOps() = default;
  // A fresh scope for one run of a service.
  [[nodiscard]] virtual std::unique_ptr<ProcessScope> create_scope(const std::string& service_name) = 0;
  // Which service's live scope holds pid, for a notify datagram from a
  // process that is no main or control process. Costs O(1) in the number
  // of services and never walks /proc (platform/scope_owners.h). 0 with
  // `service` (the name create_scope() was given) set; -ESRCH when no scope
  // holds it; -errno when the process could not be looked at.
  [[nodiscard]] virtual int scope_owner(pid_t pid, std::string& service) = 0;
  // fork + exec. Returns 0 or -errno; a failing exec in the child shows up
  // later as an exit with status 203 (systemd's EXIT_EXEC), as in systemd.
  [[nodiscard]] virtual int spawn(const SpawnRequest& request, SpawnedProcess& out) = 0;
  // Signals one process through its pidfd (or pid when pidfd is invalid).
  virtual int signal_process(const SpawnedProcess& process, int sig) = 0;
  // Whether the process is our own child (then SIGCHLD will tell of its
  // exit, with its status); false for a process we only adopted.
  [[nodiscard]] virtual bool is_own_child(const SpawnedProcess& process) = 0;
  // Opens a pidfd for a process we did not fork (MAINPID=, PIDFile=).
  [[nodiscard]] virtual int open_process(pid_t pid, SpawnedProcess& out) = 0;
  // Reads a PID file: a regular file of at most kPidFileMaxBytes, opened
  // without blocking. Returns 0 or -errno (read_regular_file()'s, -EBADMSG
  // when it holds no PID, -ESRCH when that process does not exist); `facts`
  // say who owns the file and whether its path is safe (a PID outside the
  // service is taken only from root's file on a safe path).
  [[nodiscard]] virtual int read_pid_file(const std::string& path, pid_t& out, PidFileFacts& facts) = 0;
  // One Condition*=/Assert*= tested against the machine: 1 holds, 0 does
  // not, -errno cannot be told ("!" not applied; exec/condition_check.h).
  [[nodiscard]] virtual int test_condition(const UnitCondition& condition) = 0;
  // An fd that becomes readable when `path` (or a directory on the way to
  // it) is created or changes: platform/path_watch.h. 0 or -errno.
  [[nodiscard]] virtual int watch_path(const std::string& path, unique_fd& out) = 0;
  // GuessMainPID= (systemd's unit_search_main_pid()): the one process in
  // the scope, other than `control`, whose parent is the supervisor (a
  // daemon re-parented to the subreaper). 0 and `out` set; -ENODATA when
  // there are several, -ESRCH when none; other -errno.
  [[nodiscard]] virtual int guess_main_pid(ProcessScope& scope, pid_t control, pid_t& out) = 0;
  // RuntimeDirectory=, StateDirectory=, ... are made by each process of a
  // run before it drops privileges (exec_directories.h), where User= is
  // known. Before a run this only checks that every name stays below its
  // root: 0 or -EINVAL.
  [[nodiscard]] virtual int check_exec_directories(const ServiceConfig& config) = 0;
  // Removes RuntimeDirectory= once the service is dead (unless
  // RuntimeDirectoryPreserve= keeps it); the other kinds stay, as in systemd.
  virtual void remove_runtime_directories(const ServiceConfig& config) = 0;
  // Unmounts and removes the unit's credential store, at every stop and
  // before an automatic restart (exec/credential_store.h).
  virtual void remove_credentials(const ServiceConfig&) {}
  // RemoveIPC=: the last run as `owner` has ended (exec/ipc_cleanup.h).
  virtual void clean_ipc(const IpcOwner& /*owner*/) {}
  // A process of the service (main or control) has exited with `code`
  // (CLD_*) and `status`: UtmpIdentifier='s DEAD_PROCESS record, written
  // by a process of its own (exec/utmp_record.h).
  virtual void record_process_exit(const ServiceConfig&, pid_t /*pid*/, int /*code*/, int /*status*/) {}
  // Once the service is dead: its terminal reset and handed back to root
  // (exec/terminal.h revert_terminal()). A warning to log, or "".
  [[nodiscard]] virtual std::string revert_terminal(const ServiceConfig&) { return ""; }
  // The filters systemd puts on a unit's cgroup (cgroup_context_apply()):
  // DevicePolicy=/DeviceAllow= (exec/device_access.h) and
  // IPAddressAllow=/IPAddressDeny= (exec/ip_access.h), before the run's
  // first process and again when a reload changes them. As in systemd, a
  // filter the kernel will not take (no privilege, no support) does not
  // stop the start: `warnings` say why, and name entries that matched no
  // device. A system service that asks for one and has no cgroup of its own
  // is `refused`, as systemd's would fail (219/CGROUP).
  // `reapply`: the scope has had filters of this unit before.
  struct CgroupFilterOutcome {
    std::vector<std::string> warnings;
    bool complete = true;  // every filter asked for is in place
    bool refused = false;
  };
  [[nodiscard]] virtual CgroupFilterOutcome apply_cgroup_filters(ProcessScope&, const ServiceConfig&,
                                                                 bool /*reapply*/ = false) {
    return {};
  }
  // PrivateTmp=: the /tmp and /var/tmp of one run (exec/private_tmp.h),
  // made before its first process and removed once it is dead. 0 or -errno.
  [[nodiscard]] virtual int create_private_tmp(const std::string& service_name, PrivateTmp& out) = 0;
  virtual void remove_private_tmp(const PrivateTmp& dirs) = 0;
  // The paths whose mounts the unit requires (systemd's RequiresMountsFor
  // property): RequiresMountsFor= and what other keys imply, as systemd
  // 252's unit_add_exec_dependencies() adds them (a WorkingDirectory=
  // without "-", the exec directories, /var/tmp for PrivateTmp=
  // in the system scope). Vermiliond runs no mount units, so they order
  // nothing; they are shown. This default knows no directory roots.
  [[nodiscard]] virtual std::vector<std::string> mounts_required_by(const ServiceConfig& config) const {
    return config.requires_mounts_for;
  }
};

}  // namespace vermilion
