// The part of spawning that runs in the child between fork and execve. It
// follows a plan the parent prepared. Everything but the `prepare` step is
// async-signal-safe apart from open(2)s of files the unit names; `prepare`
// is where the child resolves User=/Group= through NSS, as systemd's
// exec_child() does, so that a slow LDAP or a hung nscd stalls that one
// process, never the supervisor. (vermiliond is single-threaded, so the
// forked child may allocate and call NSS.)
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <cstddef>
#include <cstdint>

#include "exec/mount_namespace.h"
#include "exec/seccomp_filter.h"
#include "units/unit_config.h"

namespace vermilion {

struct ExecOutputPlan {
  OutputKind kind = OutputKind::journal;
  const char* path = nullptr;  // file: and append:
};

struct ExecLimitPlan {
  int resource = 0;
  rlimit value{};
};

struct ExecChildPlan {
  const char* service_name = "";
  int cgroup_procs_fd = -1;  // write "0" here to join the scope's cgroup
  // Type=idle (systemd 252's do_idle_pipe_dance(), right after the signal
  // mask is reset): the child first closes its copies of the manager's ends
  // ([1], [2]; every child does, or no wait would end); with wait_for_idle
  // it then waits for a hang-up on [0] up to idle_timeout_usec, and when
  // that passes writes one byte to [3] and waits idle_timeout2_usec more.
  int idle_pipe[4] = {-1, -1, -1, -1};
  bool wait_for_idle = false;
  std::uint64_t idle_timeout_usec = 5'000'000;   // systemd's IDLE_TIMEOUT_USEC
  std::uint64_t idle_timeout2_usec = 1'000'000;  // IDLE_TIMEOUT2_USEC
  int log_fd = -1;           // journal output; -1: /dev/null
  // StandardInput=: a terminal kind only for the main process, null for
  // the others (systemd's fixup_input() without EXEC_APPLY_TTY_STDIN).
  // Acquired after TTYVHangup=/TTYReset=/TTYVTDisallocate= (done right
  // after setsid()) and after User= is resolved (prepare), so that a bad
  // User= takes nobody's terminal; failing is 208/STDIN, and so is handing
  // it to User=.
  // file: opened read-only (read-write when stdout or stderr is the same
  // file:, which then shares it); data: a memfd holding the bytes. Failing
  // is 208/STDIN.
  InputKind standard_input = InputKind::null;
  const char* standard_input_file = nullptr;
  const char* standard_input_data = nullptr;
  std::size_t standard_input_data_size = 0;
  // StandardInput= in the unit names a terminal (for stdout inherit in a
  // process that got /dev/null: the terminal, opened write-only).
  bool terminal_input_configured = false;
  const TerminalSettings* terminal = nullptr;  // the unit's TTY settings; null: none touched
  // User='s UID (prepare fills it in, for '+' commands too): a terminal on
  // stdin becomes its, mode 0620 (systemd's chown_terminal()).
  bool has_terminal_owner = false;
  uid_t terminal_owner = 0;
  // inherit: with a terminal or file on stdin, that; otherwise the
  // manager's own stdout. tty: the terminal (stdin's, if it is one).
  ExecOutputPlan standard_output;
  ExecOutputPlan standard_error;  // inherit: whatever stdout became
  const int* pass_fds = nullptr;  // become 3, 4, ...
  std::size_t pass_fd_count = 0;
  const ExecLimitPlan* limits = nullptr;  // LimitXXX=: with the sandboxing only (not for '+')
  std::size_t limit_count = 0;
  mode_t umask = 0022;
  bool has_nice = false;  // Nice=: set_priority_closest(); a real failure is 201/NICE
  int nice = 0;
  // OOMScoreAdjust=: refused for lack of privilege (a container, a user
  // manager lowering it) is ignored, any other failure is 206/OOM_ADJUST.
  bool has_oom_score_adjust = false;
  int oom_score_adjust = 0;
  // CPUScheduling*=: sched_setattr() (before Nice=); refused is 214/SETSCHEDULER.
  bool has_cpu_sched = false;
  int cpu_sched_policy = 0;  // with SCHED_RESET_ON_FORK or'ed in
  int cpu_sched_priority = 0;
  // IOScheduling*=: ioprio_set(); refused is 211/IOPRIO.
  bool has_ioprio = false;
  int ioprio = 0;
  // CoredumpFilter= (before Nice=; refused for privilege is skipped, any
  // other failure 205/LIMITS), CPUAffinity= (after CPUScheduling*=;
  // 215/CPUAFFINITY), TimerSlackNSec= and Personality= (after
  // IOScheduling*=; 212/TIMERSLACK, 230/PERSONALITY): systemd 252's
  // exec_child() order. cpu_affinity: the kernel's cpu_set_t words.
  bool has_coredump_filter = false;
  std::uint64_t coredump_filter = 0;
  const unsigned long* cpu_affinity = nullptr;
  std::size_t cpu_affinity_words = 0;
  bool has_timer_slack = false;
  std::uint64_t timer_slack_nsec = 0;
  bool has_personality = false;
  unsigned long personality = 0;
  // UtmpIdentifier= (null: none), UtmpMode=, the terminal's line (TTYPath=
  // without "/dev/"; null: none) and, for UtmpMode=user, User='s name
  // (prepare fills it in): exec/utmp_record.h.
  const char* utmp_id = nullptr;
  UtmpMode utmp_mode = UtmpMode::init;
  const char* utmp_line = nullptr;
  const char* utmp_user = nullptr;
  // Runs in the child on its own copy of the plan, before stdio is set up
  // (systemd's exec_child() resolves User= first: a bad one opens no
  // output file and takes no terminal): fills in uid/gid/groups, envp and
  // the working directory, or sets credential_failure_*, told with its
  // status right after. Null: the plan is complete.
  void (*prepare)(struct ExecChildPlan& plan, void* context) = nullptr;
  void* prepare_context = nullptr;
  // Why the process must not start: reported at the credentials step with
  // this status (0: none).
  int credential_failure_status = 0;
  int credential_failure_errno = 0;
  const char* credential_failure_what = nullptr;
  bool change_credentials = false;
  bool set_groups = false;
  uid_t uid = 0;
  gid_t gid = 0;
  const gid_t* groups = nullptr;
  std::size_t group_count = 0;
  const char* working_directory = "/";
  bool working_directory_optional = false;
  bool no_new_privileges = false;  // NoNewPrivileges=, applied only with apply_sandboxing
  bool ignore_sigpipe = true;  // IgnoreSIGPIPE=: SIGPIPE starts ignored
  // KeyringMode= (exec/session_keyring.h), for '+' commands too: the
  // keyring's owner (prepare fills it in: User='s IDs, -1 for none) and the
  // run's invocation ID.
  KeyringMode keyring_mode = KeyringMode::inherit;
  uid_t keyring_uid = static_cast<uid_t>(-1);
  gid_t keyring_gid = static_cast<gid_t>(-1);
  bool has_invocation_id = false;
  std::uint8_t invocation_id[16] = {};
  // Whether the sandboxing below applies: not for a command with full
  // privileges ('+'; systemd's EXEC_APPLY_SANDBOXING).
  bool apply_sandboxing = false;
  // The mount namespace (exec/mount_namespace.h: PrivateTmp=,
  // ProtectSystem=, ...; for a '+' command only the binds and temporary
  // file systems); none when empty. A failure other than a refused
  // namespace is 226/NAMESPACE.
  const ExecMount* mounts = nullptr;
  std::size_t mount_count = 0;
  // A namespace even with no mounts (needs_mount_namespace()), and the
  // propagation of its / (MountFlags=; 0: shared).
  bool mount_namespace = false;
  unsigned long mount_propagation = 0;
  // Where the kernel refuses the namespace the process goes on without it,
  // unless it cannot do without: a TemporaryFileSystem= or a bind that
  // puts something elsewhere (systemd 252's insist_on_sandboxing()); then
  // 226/NAMESPACE.
  bool insist_on_mount_namespace = false;
  // CapabilityBoundingSet= and AmbientCapabilities= (bit N: capability N),
  // applied with the sandboxing: what is not
  // in the bounding set leaves it (and the inheritable set) before the
  // credentials change; the ambient ones are raised, and raised again after
  // a change of user (kept across it with SECBIT_KEEP_CAPS). A failure is
  // 218/CAPABILITIES, as systemd's exec_child().
  std::uint64_t capability_bounding_set = UINT64_MAX;
  std::uint64_t ambient_capabilities = 0;
  // ProtectHostname=: a UTS namespace of its own, after the mount
  // namespace; where the kernel refuses it (EPERM, EINVAL: a container) the
  // process runs without it, with a warning, as systemd 252's; any other
  // failure is 226/NAMESPACE.
  bool private_uts = false;
  // PrivateUsers=: a user namespace of its own (exec/private_users.h),
  // with the sandboxing. As systemd 252's exec_child(): made before every
  // other namespace by a process without CAP_SYS_ADMIN (a user manager's),
  // so that it may make them inside; otherwise after the mount and UTS
  // namespaces; either way after User= is resolved and once the groups are
  // set (setgroups is denied in it), before the capability bounding set and
  // the change of user. A failure is 217/USER.
  bool private_users = false;
  // PrivateNetwork=, PrivateIPC=: the run's namespace storage pairs
  // (exec/shared_namespace.h), -1 for none, kept (close-on-exec) past the
  // fd clean-up; joined (or made) after User= is resolved, just before the
  // mount namespace, as systemd 252's exec_child(), for '+' commands too.
  // Where the kernel refuses (EPERM: a container) the process runs without,
  // with a warning; any other failure is 225/NETWORK (226/NAMESPACE for IPC).
  int network_namespace_storage[2] = {-1, -1};
  int ipc_namespace_storage[2] = {-1, -1};
  // The seccomp rules (exec/seccomp_filter.h; with RestrictRealtime= and no
  // LimitRTPRIO=, also RLIMIT_RTPRIO 0), loaded last before execve,
  // after no_new_privs, which they imply for a process without
  // CAP_SYS_ADMIN (systemd's context_has_no_new_privileges()). A failure is
  // 228/SECCOMP; a kernel without seccomp skips them (systemd notes that
  // at debug level).
  SeccompPlan seccomp;
  const char* program = nullptr;          // resolved path
  int program_lookup_errno = 0;           // non-zero: lookup failed in the parent
  const char* program_as_written = "";    // for messages
  char* const* argv = nullptr;
  char* const* envp = nullptr;
  // Points into envp's "LISTEN_PID=" entry, with room for any pid: the child
  // writes its own pid there (the parent cannot know it before fork).
  char* listen_pid_value = nullptr;
};

// Sets up the process as the plan says and execs; never returns. Any failure
// writes one line (to log_fd until stdio is set up, then to the process's
// stderr) and exits with systemd's status.
// Where the kernel refuses part of the context, what follows is systemd
// 252's exec_child(): a resource limit above what may be set is lowered to
// the closest allowed value (setrlimit_closest(); LimitNOFILE=65535 under a
// hard limit of 4096 gives 4096), an OOMScoreAdjust= refused with
// EPERM/EACCES is skipped, and a Nice= below what is allowed becomes the
// lowest allowed (setpriority_closest()). CPUSchedulingPolicy= and
// IOSchedulingClass= the kernel refuses (no CAP_SYS_NICE for a real-time
// policy) fail the process, as systemd's do (214/SETSCHEDULER, 211/IOPRIO).
[[noreturn]] void run_exec_child(const ExecChildPlan& plan) noexcept;

// systemd's setrlimit_closest(): setrlimit(), and where that is refused with
// EPERM under a finite hard limit, both values clamped to that hard limit.
// 0 or -errno. Async-signal-safe.
[[nodiscard]] int set_rlimit_closest(int resource, const rlimit& wanted) noexcept;
// systemd's setpriority_closest(): the nice level, or where lowering it is
// not permitted the lowest RLIMIT_NICE allows (never higher than now).
// 0 or -errno. Async-signal-safe.
[[nodiscard]] int set_priority_closest(int priority) noexcept;

}  // namespace vermilion
