// What a loaded unit file says, after parsing and specifier expansion: a
// .service, or a .target (unit_type; a target uses only the [Unit] keys).
// This is the contract between the unit loader (which fills it) and the
// supervisor (which only reads it). Defaults are systemd's.
#pragma once

#include <sched.h>
#include <sys/resource.h>

#include <array>
#include <climits>
#include <csignal>
#include <cstdint>
#include <map>
#include <optional>
#include <string_view>
#include <set>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/lazy_value.h"
#include "units/diagnostics.h"
#include "units/address_families.h"
#include "units/device_policy.h"
#include "units/ip_address_prefix.h"
#include "units/namespace_types.h"
#include "units/syscall_filter.h"
#include "units/unit_condition.h"

namespace vermilion {

enum class LoadState { loaded, not_found, bad_setting, error };

// The unit types vermiliond runs. A target (systemd.target(5)) has no
// processes: it groups units through its dependencies and orders them.
enum class UnitType { service, target };

// idle: simple, but each command waits (5 s at most) until the manager has
// no job left, and the unit counts as active from its start on
// (systemd.service(5), systemd 252's state_translation_table_idle).
enum class ServiceType { simple, exec, notify, oneshot, forking, idle, dbus };

// TimeoutStartFailureMode=/TimeoutStopFailureMode= (systemd.service(5)):
// SIGTERM (KillSignal=) and the stop sequence; WatchdogSignal= with
// TimeoutAbortSec=; or SIGKILL at once.
enum class TimeoutFailureMode : std::uint8_t { terminate, abort, kill };
enum class RestartPolicy { no, on_success, on_failure, on_abnormal, on_watchdog, on_abort, always };

enum class KillMode { control_group, process, mixed, none };

enum class NotifyAccess { none, main, exec, all };

// StandardOutput=/StandardError= (systemd.exec(5)) as Vermilion runs them:
// file: writes from the start over what is there, truncate: empties the
// file first, append: appends; tty is the service's terminal (TTYPath=).
enum class OutputKind { inherit, null, journal, file, append, truncate, tty };

// StandardInput= (systemd.exec(5)): /dev/null; the service's terminal as
// its controlling terminal, waited for (tty), taken (tty-force) or failing
// when another session has it (tty-fail), for the main process only (the
// others have /dev/null: systemd's EXEC_APPLY_TTY_STDIN); a file (file:);
// or StandardInputText='s bytes (data).
enum class InputKind { null, tty, tty_force, tty_fail, file, data };

[[nodiscard]] constexpr bool is_terminal_input(InputKind kind) {
  return kind == InputKind::tty || kind == InputKind::tty_force || kind == InputKind::tty_fail;
}

// TTYPath= and what is done to it (systemd.exec(5); exec/terminal.h).
struct TerminalSettings {
  std::string path;  // "" = /dev/console
  bool reset = false;           // TTYReset=
  bool vhangup = false;         // TTYVHangup=
  bool vt_disallocate = false;  // TTYVTDisallocate=
  unsigned rows = UINT_MAX;     // TTYRows=; UINT_MAX: unchanged
  unsigned columns = UINT_MAX;  // TTYColumns=
};

// SuccessAction=/FailureAction= (systemd.unit(5)): what the manager does
// when the unit succeeds or fails. A user manager accepts only none, exit
// and exit-force, as systemd 252.
enum class EmergencyAction {
  none, exit, exit_force, reboot, reboot_force, reboot_immediate, poweroff, poweroff_force,
  poweroff_immediate, halt, halt_force, halt_immediate, kexec, kexec_force
};

// OnFailureJobMode=/OnSuccessJobMode= (systemd.unit(5)), systemd's job
// modes. Vermilion's manager runs `replace` and `fail` jobs; a unit naming
// another mode is warned about at load and runs `replace`.
enum class JobMode {
  fail, replace, replace_irreversibly, isolate, flush, ignore_dependencies, ignore_requirements, triggering
};

struct OutputTarget {
  OutputKind kind = OutputKind::journal;
  std::string path;  // for file:, truncate: and append:
  // journal+console, kmsg+console, syslog+console: run as journal, but a
  // terminal output to systemd (is_terminal_output(): $TERM, the console
  // handed back to root when the service is dead).
  bool console = false;
};

// systemd's EXEC_STDIN_DATA_MAX: what StandardInputText= may add up to (bytes).
inline constexpr std::size_t kStandardInputDataMax = 64 * 1024 * 1024;

// One Exec*= line. Words are kept as written (quotes removed, C escapes
// resolved, specifiers expanded); $VAR/${VAR} are expanded at spawn time
// against the service's environment, as systemd does.
struct ExecCommand {
  std::string path;                // program to run (absolute, or searched in PATH at spawn)
  std::vector<std::string> argv;   // argv[0] included; differs from path with '@'
  bool ignore_failure = false;     // '-': a non-zero exit counts as success
  bool full_privileges = false;    // '+': run as the supervisor's user, no dropping
  bool ambient_privileges = false; // '!': no User=/Group=/SupplementaryGroups= applied
  bool ambient_magic = false;      // '!!': shown as systemd's "ambient"; runs as without it
  bool expand_environment = true;  // ':' prefix turns expansion off
  SourceLocation where;            // for messages about this command
};

// Exit statuses that count as success (SuccessExitStatus=) or that stop
// automatic restarts (RestartPreventExitStatus=).
struct ExitStatusSet {
  std::set<int> codes;
  std::set<int> signals;
  [[nodiscard]] bool empty() const { return codes.empty() && signals.empty(); }
};

struct ResourceLimit {
  rlim_t soft = RLIM_INFINITY;
  rlim_t hard = RLIM_INFINITY;
};

// ioprio values as the kernel's <linux/ioprio.h> (IOPRIO_PRIO_VALUE).
inline constexpr int kIoprioClassShift = 13;
enum IoprioClass : int { kIoprioClassNone = 0, kIoprioClassRealtime = 1, kIoprioClassBestEffort = 2, kIoprioClassIdle = 3 };
inline constexpr int ioprio_value(int io_class, int level) { return (io_class << kIoprioClassShift) | level; }
inline constexpr int ioprio_class_of(int value) { return value >> kIoprioClassShift; }
inline constexpr int ioprio_level_of(int value) { return value & ((1 << kIoprioClassShift) - 1); }
inline constexpr int kIoprioDefault = ioprio_value(kIoprioClassBestEffort, 4);

// The directories systemd makes for a service (systemd.exec(5) "RuntimeDirectory="):
// where each kind lives, per scope, is exec/exec_directories.h.
enum class ExecDirectoryType { runtime, state, cache, logs, configuration };
inline constexpr std::size_t kExecDirectoryTypes = 5;

struct ExecDirectory {
  std::vector<std::string> names;  // relative, normalized paths below the type's root
  mode_t mode = 0755;              // *DirectoryMode=, applied exactly (no umask)
  // "name:link" (systemd 250+, systemd.exec(5)): relative, normalized paths
  // below the same root made as symlinks to `name`, per name.
  std::map<std::string, std::vector<std::string>> symlinks;
};

// RuntimeDirectoryPreserve=: whether RuntimeDirectory= outlives a stop.
enum class DirectoryPreserve { no, yes, restart };

// ProtectSystem= and ProtectHome= (systemd.exec(5); exec/mount_namespace.h).
// (A byte each: they sit with the sandboxing flags in every unit's record.)
enum class ProtectSystem : std::uint8_t { no, yes, full, strict };
enum class ProtectHome : std::uint8_t { no, yes, read_only, tmpfs };
// ProtectProc= and ProcSubset= (systemd.exec(5)): /proc mounted anew with
// hidepid= and subset=pid where either is not its default.
enum class ProtectProc : std::uint8_t { default_, noaccess, invisible, ptraceable };

// KeyringMode= (systemd.exec(5)): the session keyring each process gets.
enum class KeyringMode : std::uint8_t { inherit, private_, shared };
// UtmpMode= (systemd.exec(5)): which utmp/wtmp records a process with
// UtmpIdentifier= gets: INIT_PROCESS; also LOGIN_PROCESS; also USER_PROCESS.
enum class UtmpMode : std::uint8_t { init, login, user };
enum class ProcSubset : std::uint8_t { all, pid };

// BindPaths=/BindReadOnlyPaths= (systemd.exec(5)): `source` bound on
// `destination` in the service's mount namespace.
struct BindMount {
  std::string source;
  std::string destination;
  bool read_only = false;       // BindReadOnlyPaths=
  bool recursive = true;        // "rbind" (the default) or "norbind"
  bool ignore_missing = false;  // "-SOURCE": a missing source is skipped
  friend bool operator==(const BindMount&, const BindMount&) = default;
};

// TemporaryFileSystem= (systemd.exec(5)): a tmpfs on `path`, mounted with
// "mode=0755,size=10%,nr_inodes=400k,nodev,strictatime" and then `options`
// ("ro", "size=1M", ...).
struct TemporaryFileSystem {
  std::string path;
  std::string options;
  friend bool operator==(const TemporaryFileSystem&, const TemporaryFileSystem&) = default;
};

// LoadCredential=ID[:PATH] and SetCredential=ID:DATA (systemd.exec(5),
// "Credentials"): what a service finds in $CREDENTIALS_DIRECTORY/ID. `path`
// is absolute (a file, a directory read recursively or an AF_UNIX socket)
// or a credential name looked up in the manager's own credentials and
// credential stores; without ":PATH" it is the ID. `data` is C-unescaped
// and may hold NUL bytes. A LoadCredential= that finds its source wins over
// a SetCredential= of the same ID.
struct LoadCredential {
  std::string id, path;
  friend bool operator==(const LoadCredential&, const LoadCredential&) = default;
};
struct SetCredential {
  std::string id, data;
  friend bool operator==(const SetCredential&, const SetCredential&) = default;
};

// One entry of ReadWritePaths=/ReadOnlyPaths=/InaccessiblePaths=: an
// absolute, normalized path;
// "-" before it: no error when it does not exist.
struct NamespacePath {
  std::string path;
  bool ignore_missing = false;
  // "+": relative to RootDirectory=; with none (Vermilion runs none) the
  // path itself, as in systemd. Kept to be shown.
  bool root_relative = false;
  friend bool operator==(const NamespacePath&, const NamespacePath&) = default;
};

struct EnvironmentFile {
  std::string path;
  bool optional = false;  // '-' prefix: missing file is fine
};

// How lines a service writes to the journal are labelled (systemd.exec(5)
// "Logging and Standard Input/Output"; logs/output_capture.h applies it).
struct SyslogSettings {
  std::string identifier;   // SyslogIdentifier=; "": ExecStart='s program (supervisor.cpp)
  int facility = 3;         // SyslogFacility=, unshifted: daemon
  int level = 6;            // SyslogLevel=: info
  bool level_prefix = true; // SyslogLevelPrefix=: "<N>" starting a line is its level, stripped
  int level_max = -1;       // LogLevelMax=: lines above it are dropped; -1: none
  friend bool operator==(const SyslogSettings&, const SyslogSettings&) = default;
};

struct ServiceConfig {
  // Identity.
  UnitType unit_type = UnitType::service;  // from the name's suffix
  std::string name;            // "web.service", "getty@tty1.service", "multi-user.target"
  std::string fragment_path;   // file it came from ("" when not found)
  std::vector<std::string> drop_in_paths;  // NAME.d/*.conf applied after it, in order
  // When they were last modified as loaded (st_mtim, realtime µs; 0 for a
  // masked or built-in unit), for NeedDaemonReload (UnitLoader::
  // need_daemon_reload()).
  bool fragment_builtin = false;  // fragment_path names a built-in unit ("<built-in>/..."), no file
  usec_t fragment_mtime = 0;
  usec_t drop_in_mtime = 0;  // the newest of the drop-ins
  std::vector<std::string> aliases;  // from [Install] Alias=
  LoadState load_state = LoadState::not_found;

  // [Unit]
  std::string description;
  // Documentation=: URIs in order, duplicates kept (systemd.unit(5)).
  std::vector<std::string> documentation;
  std::vector<std::string> requires_, wants, binds_to, requisite, after, before, conflicts;
  // PartOf= (systemd.unit(5)): a stop or restart of one of these is
  // propagated to this unit; nothing else (no start, no retroactive stop).
  std::vector<std::string> part_of;
  // PropagatesStopTo=/StopPropagatedFrom= (systemd.unit(5)): a stop of this
  // unit (of the other, for From) stops the listed ones, and so does this
  // unit going down without a job (killed, exited); a restart does not.
  std::vector<std::string> propagates_stop_to, stop_propagated_from;
  // PropagatesReloadTo=/ReloadPropagatedFrom=: a reload of this unit (of
  // the other) reloads the listed ones that are active.
  std::vector<std::string> propagates_reload_to, reload_propagated_from;
  // Upholds= (systemd.unit(5)): pulled in like Wants=, and started again
  // whenever it is down while this unit is active.
  std::vector<std::string> upholds;
  // RequiresMountsFor=: absolute, normalized paths, each once, in order.
  // What a unit requires in all adds paths its other keys imply
  // (SystemOps::mounts_required_by()).
  std::vector<std::string> requires_mounts_for;
  // StopWhenUnneeded=: stopped once no active unit (or unit with a job)
  // needs it through Requires=, Requisite=, BindsTo=, Wants= or Upholds=.
  bool stop_when_unneeded = false;
  // AllowIsolate=: `isolate` may start it (and stop what it does not pull
  // in); IgnoreOnIsolate=: an isolate leaves it as it is (systemd.unit(5)).
  bool allow_isolate = false;
  bool ignore_on_isolate = false;
  usec_t start_limit_interval = 10 * kUsecPerSec;
  unsigned start_limit_burst = 5;
  // Condition*=/Assert*= in the order given; systemd tests them the other
  // way round (each assignment is prepended to its list).
  std::vector<UnitCondition> conditions;
  std::vector<UnitCondition> asserts;
  EmergencyAction success_action = EmergencyAction::none;
  EmergencyAction failure_action = EmergencyAction::none;
  // StartLimitAction= (systemd.unit(5)): what happens when a start is
  // refused by StartLimitIntervalSec=/StartLimitBurst=, besides the unit
  // failing with start-limit-hit.
  EmergencyAction start_limit_action = EmergencyAction::none;
  // JobTimeoutSec= (from when a job is queued) and JobRunningTimeoutSec=
  // (from when it runs), µs, kUsecInfinity for none: a job that takes
  // longer ends with result timeout and JobTimeoutAction= runs; the unit
  // goes on as it was (systemd.unit(5), job_dispatch_timer()).
  usec_t job_timeout = kUsecInfinity;
  usec_t job_running_timeout = kUsecInfinity;
  bool job_running_timeout_set = false;  // JobTimeoutSec= sets it too unless it was given
  EmergencyAction job_timeout_action = EmergencyAction::none;
  // SuccessActionExitStatus=/FailureActionExitStatus=: vermiliond's exit
  // status when the action is exit; -1: the main process's exit status.
  int success_action_exit_status = -1;
  int failure_action_exit_status = -1;
  // OnFailure=/OnSuccess= (systemd.unit(5)): units started when this one
  // enters `failed`, or goes from active to `inactive`, unless it is about
  // to restart by Restart= (systemd 252's unit_notify()).
  std::vector<std::string> on_failure, on_success;
  JobMode on_failure_job_mode = JobMode::replace;
  JobMode on_success_job_mode = JobMode::fail;  // systemd 252 unit_new(): fail, unlike OnFailureJobMode=
  // DefaultDependencies= (systemd.unit(5)). Vermilion adds only the
  // ordering systemd.target(5) describes: a target is ordered After= the
  // units it Wants=/Requires= when both have it (dependency_graph.h).
  bool default_dependencies = true;
  // RefuseManualStart=/RefuseManualStop= (systemd.unit(5)): a job asked for
  // over a link (a client's request) is refused; dependencies and triggers
  // still start and stop the unit.
  bool refuse_manual_start = false;
  bool refuse_manual_stop = false;
  // Requires=/Wants= above include what the .requires/ and .wants/
  // directories of the unit (and its aliases and template) hold, as systemd
  // adds them when the unit loads (unit_loader.h).

  // [Service]
  // Without Type= it is simple, or oneshot when there is no ExecStart=
  // (systemd's service_add_extras); type_explicit says Type= was given.
  ServiceType type = ServiceType::simple;
  bool type_explicit = false;
  // BusName= (systemd.service(5)): the D-Bus name a Type=dbus service takes
  // to say it is ready, and that it keeps while it runs; without Type= it
  // makes the service Type=dbus. Reported by the bridge (right bus-names).
  LazyValue<std::string> bus_name;
  // ExecCondition= (systemd >= 243): run before ExecStartPre=; an exit
  // status of 1-254 skips the unit instead of failing it (service.h).
  std::vector<ExecCommand> exec_condition;
  std::vector<ExecCommand> exec_start_pre, exec_start, exec_start_post, exec_reload, exec_stop,
      exec_stop_post;
  RestartPolicy restart = RestartPolicy::no;
  usec_t restart_sec = 100'000;
  usec_t timeout_start = 90 * kUsecPerSec;  // kUsecInfinity: no timeout
  usec_t timeout_stop = 90 * kUsecPerSec;
  // TimeoutAbortSec=: how long a watchdog abort (WatchdogSignal=) may take
  // before SIGKILL; unset: TimeoutStopSec= (systemd's
  // service_timeout_abort_usec()). 0 is "at once", infinity none.
  std::optional<usec_t> timeout_abort;
  // TimeoutStartFailureMode=, TimeoutStopFailureMode=: what a timed-out
  // start (stop) does first (systemd 252's service_dispatch_timer()).
  TimeoutFailureMode timeout_start_failure_mode = TimeoutFailureMode::terminate;
  TimeoutFailureMode timeout_stop_failure_mode = TimeoutFailureMode::terminate;
  // RuntimeMaxSec=: the longest a service may be active, counted from when
  // it became active; past it the service stops with result timeout.
  // Infinity (the default): no limit. A oneshot never reaches running, so
  // it has no effect there (systemd.service(5)).
  usec_t runtime_max = kUsecInfinity;
  // RuntimeRandomizedExtraSec=: RuntimeMaxSec= plus an evenly distributed
  // extra in [0, this), drawn each time the service enters running.
  usec_t runtime_randomized_extra = 0;
  bool timeout_start_set = false;  // TimeoutStartSec=/TimeoutSec= given: a oneshot keeps it
  bool remain_after_exit = false;
  std::string pid_file;
  KillMode kill_mode = KillMode::control_group;
  int kill_signal = SIGTERM;
  std::optional<int> restart_kill_signal;  // RestartKillSignal=; unset: KillSignal=
  int final_kill_signal = SIGKILL;         // FinalKillSignal=: the SIGKILL steps' signal
  int watchdog_signal = SIGABRT;           // WatchdogSignal=: what a watchdog timeout sends
  bool send_sigkill = true;
  bool send_sighup = false;                // SendSIGHUP=: SIGHUP right after KillSignal=
  bool guess_main_pid = true;              // GuessMainPID=: Type=forking without PIDFile=
  // PermissionsStartOnly= (deprecated, still in packaged units): User=,
  // Group= and the sandboxing apply to the main process only; every
  // control process runs as with "+" (systemd 252's service_spawn()).
  bool permissions_start_only = false;
  // Rarely set: made on first write (common/lazy_value.h).
  LazyValue<ExitStatusSet> success_exit_status;
  LazyValue<ExitStatusSet> restart_prevent_exit_status;
  LazyValue<ExitStatusSet> restart_force_exit_status;  // RestartForceExitStatus=
  std::string user, group;
  std::vector<std::string> supplementary_groups;
  std::vector<std::string> environment;  // "KEY=value", in order; later wins
  std::vector<EnvironmentFile> environment_files;
  // PassEnvironment=: names of vermiliond's own variables handed on (when
  // set), after what the manager sets, before Environment= (systemd.exec(5)).
  std::vector<std::string> pass_environment;
  // UnsetEnvironment=: "NAME" drops the variable, "NAME=VALUE" only that
  // exact assignment, from the final environment, whatever set it.
  std::vector<std::string> unset_environment;
  std::string working_directory;       // "" = "/" (or home with '~')
  mode_t umask = 0022;
  // systemd 252's service_fix_stdio() (complete_service_config()): with a
  // terminal on stdin, a StandardOutput= not given is inherit (the
  // terminal); otherwise inherit, given or not, is journal.
  InputKind standard_input = InputKind::null;
  std::string standard_input_file;  // StandardInput=file:PATH
  // StandardInputText= lines, each ending in "\n" (at most
  // kStandardInputDataMax bytes); with StandardInput= not given, they make it data.
  std::string standard_input_data;
  OutputTarget standard_output{OutputKind::journal, {}};
  bool standard_output_set = false;
  OutputTarget standard_error{OutputKind::inherit, {}};  // inherit = same as stdout
  TerminalSettings terminal;
  SyslogSettings syslog;
  bool working_directory_optional = false;  // WorkingDirectory='s '-' prefix
  bool no_new_privileges = false;
  bool remove_ipc = false;  // RemoveIPC= (supervision/ipc_owners.h)
  // IgnoreSIGPIPE= (systemd.exec(5)): processes start with SIGPIPE ignored
  // (a write to a closed pipe fails with EPIPE instead of killing them).
  bool ignore_sigpipe = true;
  bool private_tmp = false;  // PrivateTmp= (exec/private_tmp.h)
  ProtectSystem protect_system = ProtectSystem::no;
  ProtectHome protect_home = ProtectHome::no;
  bool protect_kernel_tunables = false;  // ProtectKernelTunables=
  bool protect_control_groups = false;   // ProtectControlGroups=
  bool protect_hostname = false;         // ProtectHostname= (a UTS namespace, and exec/seccomp_filter.h)
  // PrivateNetwork=, PrivateIPC=: a network (IPC) namespace shared by the
  // processes of a run (exec/shared_namespace.h).
  bool private_network = false, private_ipc = false;
  bool private_users = false;  // PrivateUsers= (exec/private_users.h)
  // PrivateMounts=: a mount namespace of its own (unset: as no).
  std::optional<bool> private_mounts;
  // MountFlags=: the propagation of / inside the namespace, MS_SHARED,
  // MS_SLAVE or MS_PRIVATE; 0: unset (shared). Other than shared, it asks
  // for a namespace of its own.
  unsigned long mount_propagation = 0;
  // ProtectKernelModules=, ProtectKernelLogs=, ProtectClock=: their
  // capabilities leave the bounding set (complete_service_config()), their
  // files are hidden (exec/mount_namespace.h), their calls refused
  // (exec/seccomp_filter.h).
  bool protect_kernel_modules = false, protect_kernel_logs = false, protect_clock = false;
  bool private_devices = false;  // PrivateDevices=: the same three ways, and a /dev of its own
  // RestrictRealtime=, LockPersonality=, RestrictSUIDSGID=,
  // MemoryDenyWriteExecute=: seccomp rules (exec/seccomp_filter.h).
  // (The flags sit together, and the wider members after them, so that
  // the record has no padding to pay per unit: issue 10.)
  bool restrict_realtime = false, lock_personality = false, restrict_suid_sgid = false;
  bool memory_deny_write_execute = false;
  // DevicePolicy= (units/device_policy.h); PrivateDevices= makes auto
  // closed (complete_service_config()).
  DevicePolicy device_policy = DevicePolicy::automatic;
  ProtectProc protect_proc = ProtectProc::default_;
  ProcSubset proc_subset = ProcSubset::all;
  // SystemCallFilter=, SystemCallErrorNumber= (an errno, or kSyscallKill),
  // SystemCallArchitectures= (libseccomp's SCMP_ARCH_* tokens):
  // units/syscall_filter.h. Few units have them: a pointer each until set.
  int syscall_error_number = kSyscallKill;
  LazyValue<SyscallFilter> syscall_filter;
  LazyValue<std::vector<std::uint32_t>> syscall_architectures;
  // RestrictNamespaces=: the CLONE_NEW* flags still allowed
  // (units/namespace_types.h; kNamespaceFlagsInitial: never given).
  unsigned long restrict_namespaces = kNamespaceFlagsInitial;
  LazyValue<AddressFamilies> restrict_address_families;  // RestrictAddressFamilies=
  // DeviceAllow=, newest first as systemd keeps them (LIST_PREPEND in
  // cgroup_add_device_allow()) and shows them.
  LazyValue<std::vector<DeviceAllow>> device_allow;
  // IPAddressAllow=, IPAddressDeny=: sorted sets (units/ip_address_prefix.h).
  LazyValue<std::vector<IPAddressPrefix>> ip_address_allow, ip_address_deny;
  std::vector<NamespacePath> read_write_paths, read_only_paths, inaccessible_paths;
  std::vector<NamespacePath> exec_paths, no_exec_paths;  // ExecPaths=, NoExecPaths=
  // KeyringMode=; unset: private for the system manager's services,
  // inherit for a user manager's (systemd 252's service_init()).
  std::optional<KeyringMode> keyring_mode;
  // UtmpIdentifier= (specifiers expanded; "": no records), UtmpMode=:
  // exec/utmp_record.h.
  std::string utmp_id;
  UtmpMode utmp_mode = UtmpMode::init;
  std::vector<BindMount> bind_mounts;                    // BindPaths=, BindReadOnlyPaths=, in order
  std::vector<TemporaryFileSystem> temporary_filesystems;  // TemporaryFileSystem=
  // LoadCredential=, SetCredential=: one entry per ID, where the ID's
  // first assignment was (systemd keeps them in a hashmap keyed by ID).
  std::vector<LoadCredential> load_credentials;
  std::vector<SetCredential> set_credentials;
  [[nodiscard]] bool has_credentials() const { return !load_credentials.empty() || !set_credentials.empty(); }
  // CapabilityBoundingSet= and AmbientCapabilities= (systemd.exec(5)), bit
  // N for capability N: the bounding set (every bit: none dropped) and the
  // capabilities raised into the ambient set once User= is in effect.
  std::uint64_t capability_bounding_set = UINT64_MAX;
  std::uint64_t ambient_capabilities = 0;
  std::map<int, ResourceLimit> limits;  // RLIMIT_* -> values
  // Indexed by ExecDirectoryType: RuntimeDirectory=, StateDirectory=, ...
  // (directory()); most services have none, and pay a pointer, not 400 bytes.
  LazyValue<std::array<ExecDirectory, kExecDirectoryTypes>> directories;
  DirectoryPreserve runtime_directory_preserve = DirectoryPreserve::no;
  std::optional<int> nice;             // Nice=, -20..19
  std::optional<int> oom_score_adjust; // OOMScoreAdjust=, -1000..1000
  // CPUSchedulingPolicy=, CPUSchedulingPriority=, CPUSchedulingResetOnFork=
  // (systemd's cpu_sched_*): the child calls sched_setscheduler() only when
  // a policy or priority was given; the kernel refusing it fails the
  // process with 214/SETSCHEDULER, as systemd 252.
  bool cpu_sched_set = false;
  int cpu_sched_policy = SCHED_OTHER;
  int cpu_sched_priority = 0;
  bool cpu_sched_reset_on_fork = false;
  // IOSchedulingClass=, IOSchedulingPriority=: an ioprio_set() value
  // (class << 13 | level), best-effort 4 unless given; applied only when
  // set, a refusal is 211/IOPRIO.
  bool ioprio_set = false;
  int ioprio = kIoprioDefault;
  // CPUAffinity=: the kernel's cpu_set_t bits (bit N of the words: CPU N);
  // empty: not set. A refusal is 215/CPUAFFINITY.
  std::vector<unsigned long> cpu_affinity;
  // LogExtraFields=: "NAME=value" fields added to each journal entry of the
  // unit's output (journal field names: A-Z, 0-9, '_', not leading '_' or a
  // digit, at most 64 bytes).
  std::vector<std::string> log_extra_fields;
  // ExecSearchPath=: where command names are looked up instead of the
  // default path, and PATH= (before PassEnvironment=/Environment=, which
  // override it); empty: the default path (kDefaultExecPath).
  std::vector<std::string> exec_search_path;
  // TimerSlackNSec= (ns; a refusal is 212/TIMERSLACK), Personality= (a
  // personality(2) value; 230/PERSONALITY), CoredumpFilter= (the
  // /proc/PID/coredump_filter mask; a refusal other than for privilege is
  // 205/LIMITS). Unset: the process keeps the manager's.
  std::optional<std::uint64_t> timer_slack_nsec;
  std::optional<unsigned long> personality;
  std::optional<std::uint64_t> coredump_filter;
  usec_t watchdog_usec = 0;                    // 0 = off
  unsigned file_descriptor_store_max = 0;      // FileDescriptorStoreMax=: fds kept at most (Service::fd_store())
  std::optional<NotifyAccess> notify_access;   // unset: main for Type=notify, else none

  // [Install], kept as written: read only by enablement
  // (units/unit_install.h), which turns them into links in .wants/ and
  // .requires/ directories. They start nothing by themselves.
  std::vector<std::string> wanted_by, required_by;

  [[nodiscard]] NotifyAccess effective_notify_access() const {
    // systemd 252's service_add_extras(): none (also when given) becomes
    // main for a notify service, and where a watchdog needs someone to ping
    // it or an fd store someone to fill it.
    NotifyAccess access = notify_access.value_or(NotifyAccess::none);
    if (access == NotifyAccess::none &&
        (type == ServiceType::notify || watchdog_usec > 0 || file_descriptor_store_max > 0))
      return NotifyAccess::main;
    return access;
  }
  [[nodiscard]] const ExecDirectory& directory(ExecDirectoryType type) const {
    return directories.get()[static_cast<std::size_t>(type)];
  }
  // For writing: makes the directories' record if there is none yet.
  [[nodiscard]] ExecDirectory& directory(ExecDirectoryType type) {
    return directories.mut()[static_cast<std::size_t>(type)];
  }
};

[[nodiscard]] const char* to_string(LoadState s);
[[nodiscard]] const char* to_string(UnitType t);  // "service", "target"
[[nodiscard]] const char* to_string(NotifyAccess n);
// systemd's words (service_type_to_string(), service_restart_to_string(),
// kill_mode_to_string()): "oneshot", "on-failure", "control-group", ...
[[nodiscard]] const char* to_string(ServiceType t);
[[nodiscard]] const char* to_string(RestartPolicy p);
[[nodiscard]] const char* to_string(KillMode m);
// job_mode_to_string(), emergency_action_to_string(): "replace",
// "ignore-dependencies", "exit-force", "reboot-immediate", ...
[[nodiscard]] const char* to_string(JobMode m);
// job_mode_from_string(): the mode named `word` ("replace", "fail", ...), or
// none when it names none.
[[nodiscard]] std::optional<JobMode> job_mode_from_string(std::string_view word);
// "inherit", "private", "shared" (exec_keyring_mode_to_string()).
[[nodiscard]] const char* to_string(KeyringMode m);
[[nodiscard]] const char* to_string(UtmpMode m);  // "init", "login", "user"
[[nodiscard]] const char* to_string(TimeoutFailureMode m);  // "terminate", "abort", "kill"
// KeyringMode= in effect: as set, else private for the system manager's
// services and inherit for a user manager's (systemd 252's service_init()).
[[nodiscard]] inline KeyringMode effective_keyring_mode(const ServiceConfig& c, bool user_manager) {
  return c.keyring_mode.value_or(user_manager ? KeyringMode::inherit : KeyringMode::private_);
}
[[nodiscard]] const char* to_string(ProtectSystem p);  // "no", "yes", "full", "strict"
[[nodiscard]] const char* to_string(ProtectHome p);    // "no", "yes", "read-only", "tmpfs"
// Personality='s names (systemd's architecture_to_string()): the native
// architecture's and its secondary one's, "" where it has none.
#if defined(__x86_64__)
inline constexpr std::string_view kNativeArchitecture = "x86-64", kSecondaryArchitecture = "x86";
#elif defined(__i386__)
inline constexpr std::string_view kNativeArchitecture = "x86", kSecondaryArchitecture = "";
#elif defined(__aarch64__)
inline constexpr std::string_view kNativeArchitecture = "arm64", kSecondaryArchitecture = "arm";
#elif defined(__s390x__)
inline constexpr std::string_view kNativeArchitecture = "s390x", kSecondaryArchitecture = "s390";
#else
// Not named here yet (systemd's src/basic/architecture.h has them): every
// Personality= is refused with its warning.
inline constexpr std::string_view kNativeArchitecture = "", kSecondaryArchitecture = "";
#endif

// CPUAffinity= as systemctl shows it (cpu_set_to_range_string()): "0-3 8";
// "" for none.
[[nodiscard]] std::string cpu_set_to_string(const std::vector<unsigned long>& cpus);
// Personality= as systemctl shows it: "x86-64", "x86", "" for none.
[[nodiscard]] std::string personality_to_string(std::optional<unsigned long> personality);
[[nodiscard]] const char* to_string(ProtectProc p);    // "default", "noaccess", "invisible", "ptraceable"
[[nodiscard]] const char* to_string(ProcSubset p);     // "all", "pid"
// As systemd stores and shows it: "-+/path", "-/path", "+/path", "/path".
[[nodiscard]] std::string to_string(const NamespacePath& p);
[[nodiscard]] const char* to_string(EmergencyAction a);

}  // namespace vermilion
