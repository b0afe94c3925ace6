#include "exec/linux_system_ops.h"

#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include "platform/pidfd.h"
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "platform/cgroup_scope.h"
#include "exec/credential_store.h"
#include "exec/device_access.h"
#include "exec/ip_access.h"
#include "exec/ipc_cleanup.h"
#include "exec/exec_child.h"
#include "exec/exec_credentials.h"
#include "exec/exec_environment.h"
#include "exec/terminal.h"
#include "exec/utmp_record.h"
#include "common/regular_file.h"
#include "platform/file_io.h"
#include "platform/path_watch.h"
#include "platform/proc_stat.h"
#include "platform/remove_tree.h"
#include "platform/safe_path.h"
#include "platform/session_scope.h"

namespace vermilion {
namespace {

// argv/envp for execve: the strings stay owned by the vectors.
std::vector<char*> to_pointers(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (auto& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

// What the child works out for itself before it drops privileges: User=,
// Group= and SupplementaryGroups= through NSS, HOME/USER/LOGNAME/SHELL,
// '~' and the default working directory, and RuntimeDirectory=,
// StateDirectory=, ... with their modes and (system scope) owner. vermiliond itself never calls NSS after start-up, so a
// slow name service stalls that one process (until its start timeout), never
// the supervisor. The parent's instance lives in spawn()'s frame; the child
// works on its own copy of that memory.
struct ChildCredentials {
  CredentialRequest request;
  const ExecCommand* command = nullptr;
  std::vector<std::string> env;  // without what the account and the child add
  bool set_listen_pid = false;
  bool set_watchdog_pid = false;
  bool chown_directories = false;  // system scope: directories belong to User= (or root)
  std::array<std::vector<std::string>, kExecDirectoryTypes> directories;
  std::array<std::vector<ExecDirectorySymlink>, kExecDirectoryTypes> symlinks;  // "name:link"
  bool write_credentials = false;
  CredentialStoreRequest credential_store;  // its owner is filled in the child
  // Filled in the child; the plan points into them.
  ExecCredentials credentials;
  CredentialFailure failure;
  std::string working_directory;
  std::string utmp_user;
  std::vector<std::string> argv;
  std::vector<char*> argv_pointers, env_pointers;

  void fail(ExecChildPlan& plan, ExecExitStatus status, int error, std::string what) {
    failure.what = std::move(what);
    plan.credential_failure_status = static_cast<int>(status);
    plan.credential_failure_errno = error;
    plan.credential_failure_what = failure.what.c_str();
  }

  static void prepare(ExecChildPlan& plan, void* context) {
    auto& self = *static_cast<ChildCredentials*>(context);
    const ServiceConfig& config = *self.request.config;
    if (resolve_credentials(self.request, self.credentials, self.failure) < 0)
      return self.fail(plan, self.failure.status, self.failure.error, self.failure.what);
    const ExecCredentials& c = self.credentials;
    plan.change_credentials = c.change;
    plan.set_groups = c.set_groups;
    plan.uid = c.uid;
    plan.gid = c.gid;
    plan.groups = c.groups.data();
    plan.group_count = c.groups.size();
    plan.has_terminal_owner = c.user_uid.has_value();
    plan.terminal_owner = c.user_uid.value_or(0);

    // The account's variables as if set before the unit's own Environment=
    // (build_exec_environment's order): a value the unit sets wins.
    if (c.login) {
      for (const auto& [key, value] : {std::pair{"HOME", c.login->home}, {"USER", c.login->user},
                                       {"LOGNAME", c.login->user}, {"SHELL", c.login->shell}}) {
        if (!get_environment(self.env, key)) self.env.push_back(std::string(key) + "=" + value);
      }
    }
    const ExecCommand& command = *self.command;
    self.argv = command.expand_environment ? expand_exec_arguments(command.argv, self.env) : command.argv;
    if (self.argv.empty()) self.argv.push_back(command.path);
    if (self.set_listen_pid) self.env.push_back("LISTEN_PID=" + std::to_string(getpid()));
    if (self.set_watchdog_pid && !get_environment(self.env, "WATCHDOG_PID"))
      self.env.push_back("WATCHDOG_PID=" + std::to_string(getpid()));
    self.argv_pointers = to_pointers(self.argv);
    self.env_pointers = to_pointers(self.env);
    plan.argv = self.argv_pointers.data();
    plan.envp = self.env_pointers.data();

    // exec_child(): UtmpMode=user names User=, or else the manager's user
    // (uid_to_name(): its name, or its number).
    if (!config.utmp_id.empty() && config.utmp_mode == UtmpMode::user) {
      if (c.login) {
        self.utmp_user = c.login->user;
      } else {
        passwd entry{};
        passwd* found = nullptr;
        std::vector<char> buffer(4096);
        self.utmp_user = getpwuid_r(getuid(), &entry, buffer.data(), buffer.size(), &found) == 0 && found
                             ? std::string(found->pw_name)
                             : std::to_string(getuid());
      }
      plan.utmp_user = self.utmp_user.c_str();
    }

    self.working_directory = config.working_directory;
    if (self.working_directory.empty()) {
      self.working_directory = self.request.user_manager && c.login ? c.login->home : "/";
    } else if (self.working_directory == "~") {
      self.working_directory = c.login ? c.login->home : "/";
    }
    plan.working_directory = self.working_directory.c_str();

    // Still privileged here: the directories are made and, in system scope,
    // given to User= (root without one), as systemd's setup_exec_directory()
    // does, also from a '+' command; then the credentials, given to User=
    // (setup_credentials(), after the directories).
    bool any = self.write_credentials || plan.keyring_mode != KeyringMode::inherit;
    for (const auto& paths : self.directories) any = any || !paths.empty();
    if (!any) return;
    ExecCredentials owner = c;
    if (!self.request.apply_identity) {  // a '+' command's files are still the service's
      CredentialRequest as_service = self.request;
      as_service.apply_identity = true;
      if (resolve_credentials(as_service, owner, self.failure) < 0)
        return self.fail(plan, self.failure.status, self.failure.error, self.failure.what);
    }
    // setup_keyring(): the keyring is User='s, also for a '+' command.
    plan.keyring_uid = owner.change ? owner.uid : static_cast<uid_t>(-1);
    plan.keyring_gid = owner.change ? owner.gid : static_cast<gid_t>(-1);
    uid_t uid = static_cast<uid_t>(-1);
    gid_t gid = static_cast<gid_t>(-1);
    if (self.chown_directories) {
      uid = owner.change ? owner.uid : 0;
      gid = owner.change ? owner.gid : 0;
    }
    for (std::size_t t = 0; t < kExecDirectoryTypes; ++t) {
      auto type = static_cast<ExecDirectoryType>(t);
      for (const auto& path : self.directories[t]) {
        std::string what;
        int r = set_up_exec_directory(path, type, config.directory(type).mode, uid, gid, what);
        if (r < 0) return self.fail(plan, exec_directory_exit_status(type), -r, what);
      }
      for (const auto& symlink : self.symlinks[t]) {
        std::string what;
        int r = set_up_exec_directory_symlink(symlink, what);
        if (r < 0) return self.fail(plan, exec_directory_exit_status(type), -r, what);
      }
    }
    if (self.write_credentials) {
      self.credential_store.owner = owner.change ? owner.uid : static_cast<uid_t>(-1);
      std::string what;
      if (int r = set_up_credential_store(self.credential_store, what); r < 0)
        return self.fail(plan, ExecExitStatus::credentials, -r, "set up credentials: " + what);
    }
  }
};

// struct clone_args of <linux/sched.h> up to `cgroup` (CLONE_ARGS_SIZE_VER2),
// spelled out: that header's CLONE_* macros clash with glibc's <sched.h>.
struct CloneArgs {
  std::uint64_t flags = 0;
  std::uint64_t pidfd = 0;
  std::uint64_t child_tid = 0;
  std::uint64_t parent_tid = 0;
  std::uint64_t exit_signal = 0;
  std::uint64_t stack = 0;
  std::uint64_t stack_size = 0;
  std::uint64_t tls = 0;
  std::uint64_t set_tid = 0;
  std::uint64_t set_tid_size = 0;
  std::uint64_t cgroup = 0;
};
constexpr std::uint64_t kCloneIntoCgroup = 0x200000000ULL;

// fork(), but the child is born in the cgroup `cgroup_fd` names (clone3
// with CLONE_INTO_CGROUP, Linux 5.7), as systemd's pidfd_spawn does: no
// migration afterwards, which costs an RCU grace period (milliseconds) per
// spawn, and no moment when the child runs outside its scope. The child
// returns 0 like fork()'s, sharing nothing with us. -1 with errno when the
// kernel cannot (ENOSYS, E2BIG, EINVAL, EBUSY, ...): the caller forks.
// What glibc's fork() adds (taking malloc's locks around it) matters only
// with other threads, so callers check single_threaded() first; the child
// only runs run_exec_child(), which never returns.
pid_t fork_into_cgroup(int cgroup_fd) {
  CloneArgs args;
  args.flags = kCloneIntoCgroup;
  args.exit_signal = SIGCHLD;
  args.cgroup = static_cast<std::uint64_t>(cgroup_fd);
  return static_cast<pid_t>(syscall(SYS_clone3, &args, sizeof args));
}

// vermiliond has one thread; a test or benchmark that embeds the supervisor
// may have more (num_threads, the 20th field of /proc/self/stat).
bool single_threaded() {
  std::string stat;
  if (read_text_file("/proc/self/stat", stat) < 0) return false;
  auto close = stat.rfind(')');
  if (close == std::string::npos) return false;
  const char* p = stat.c_str() + close + 1;
  for (int field = 3; field < 20; ++field) {  // fields 3..19, then num_threads
    p = std::strchr(p + 1, ' ');
    if (!p) return false;
  }
  return std::strtol(p + 1, nullptr, 10) == 1;
}

}  // namespace

int LinuxSystemOps::create(LinuxSystemOpsOptions options, std::unique_ptr<LinuxSystemOps>& out) {
  std::shared_ptr<CgroupTree> tree;
  if (options.backend != ScopeBackend::session) {
    CgroupLocation location;
    int r = discover_cgroup(location);
    if (r == 0 && !location.writable) r = -EACCES;
    if (r == 0) r = CgroupTree::create(location, getpid(), tree);
    if (r < 0 && options.backend == ScopeBackend::cgroup) return r;
  }
  options.conditions.environment = manager_environment(
      options.scope == RuntimeScope::user ? &options.inherited_environment : nullptr, options.lang);
  bool no_roots = true;
  for (const auto& root : options.directory_roots) no_roots = no_roots && root.empty();
  if (no_roots) {
    if (options.scope == RuntimeScope::system) options.directory_roots = system_exec_directory_roots();
    options.directory_roots[static_cast<std::size_t>(ExecDirectoryType::runtime)] = options.runtime_root;
  }
  std::string inaccessible;
  if (!options.state_dir.empty()) {
    // Without it, only a process that needs it fails (ENOTDIR, 226).
    (void)make_inaccessible_file(options.state_dir, inaccessible);
  }
  out.reset(new LinuxSystemOps(std::move(options), std::move(tree)));
  out->inaccessible_file_ = std::move(inaccessible);
  return 0;
}

std::string LinuxSystemOps::cgroup_directory() const { return cgroups_ ? cgroups_->directory() : std::string(); }

std::unique_ptr<ProcessScope> LinuxSystemOps::create_scope(const std::string& service_name) {
  if (cgroups_) {
    std::unique_ptr<CgroupScope> scope;
    if (CgroupScope::create(cgroups_, service_name, scope, owners_) == 0) return scope;
    // A cgroup we cannot make (odd name, cgroup limits) still leaves the
    // weaker session tracking rather than no service at all.
  }
  return std::make_unique<SessionScope>(owners_, service_name);
}

int LinuxSystemOps::scope_owner(pid_t pid, std::string& service) { return owners_->find(pid, service); }

int LinuxSystemOps::directory_paths(const ServiceConfig& config, DirectoryPaths& out, std::string* failure) const {
  static const char* const kKeys[] = {"RuntimeDirectory", "StateDirectory", "CacheDirectory", "LogsDirectory",
                                      "ConfigurationDirectory"};
  for (std::size_t t = 0; t < kExecDirectoryTypes; ++t) {
    if (exec_directory_paths(config, static_cast<ExecDirectoryType>(t), options_.directory_roots, out[t]) < 0) {
      if (failure) *failure = std::string(kKeys[t]) + "=: a name leaves its directory, or it has no root here";
      return -EINVAL;
    }
  }
  return 0;
}

int LinuxSystemOps::spawn(const SpawnRequest& request, SpawnedProcess& out) {
  if (!request.config || !request.command) return -EINVAL;
  const ServiceConfig& config = *request.config;
  const ExecCommand& command = *request.command;
  auto* scope = dynamic_cast<LinuxProcessScope*>(request.scope);
  if (request.scope && !scope) return -EINVAL;
  const bool user_manager = request.user_manager || options_.scope == RuntimeScope::user;

  ExecEnvironmentInputs env_inputs;
  env_inputs.config = &config;
  env_inputs.manager = &request.manager_environment;
  env_inputs.extra = &request.extra_environment;
  env_inputs.lang = options_.lang;
  if (!options_.inherited_environment.empty()) env_inputs.inherited = &options_.inherited_environment;
  std::vector<std::string> own;
  if (!config.pass_environment.empty()) {
    for (char** e = environ; e && *e; ++e) own.emplace_back(*e);
    env_inputs.own = &own;
  }
  if (user_manager && !options_.runtime_root.empty()) env_inputs.xdg_runtime_dir = options_.runtime_root;
  env_inputs.term = term_for_service(config);
  int r = directory_paths(config, env_inputs.directories, request.failure);
  if (r < 0) return r;
  const std::string& runtime_root = options_.directory_roots[static_cast<std::size_t>(ExecDirectoryType::runtime)];
  std::string credentials_directory;
  if (config.has_credentials() && !runtime_root.empty()) {
    credentials_directory = credential_store_directory(runtime_root, config.name);
    env_inputs.credentials_directory = credentials_directory;
  }
  std::vector<std::string> env;
  std::string failure;
  r = build_exec_environment(env_inputs, env, failure);
  if (r < 0) {
    if (request.failure) *request.failure = std::move(failure);
    return r;
  }

  std::string program;
  // systemd 252's find_executable_full(..., exec_search_path, false): a
  // command name is looked up in ExecSearchPath= or else the default path,
  // never in the unit's PATH= (recorded: conformance case exec-search-path).
  const std::string search_path = config.exec_search_path.empty() ? std::string(kDefaultExecPath)
                                                                   : join_search_path(config.exec_search_path);
  int lookup = find_program(command.path, search_path, program);

  std::vector<ExecLimitPlan> limits;
  for (const auto& [resource, limit] : config.limits) limits.push_back({resource, {limit.soft, limit.hard}});

  ExecChildPlan plan;
  plan.service_name = config.name.c_str();
  plan.cgroup_procs_fd = -1;  // set below only when the child must move itself in
  plan.log_fd = request.log_fd;
  for (int i = 0; i < 4; ++i) plan.idle_pipe[i] = request.idle_pipe[static_cast<std::size_t>(i)];
  plan.wait_for_idle = request.wait_for_idle;
  const bool terminal_input = is_terminal_input(config.standard_input);
  plan.standard_input = request.exec_is_control && terminal_input ? InputKind::null : config.standard_input;
  plan.terminal_input_configured = terminal_input;
  plan.standard_input_file = config.standard_input_file.c_str();
  plan.standard_input_data = config.standard_input_data.data();
  plan.standard_input_data_size = config.standard_input_data.size();
  plan.terminal = &config.terminal;
  plan.standard_output = {config.standard_output.kind, config.standard_output.path.c_str()};
  plan.standard_error = {config.standard_error.kind, config.standard_error.path.c_str()};
  plan.pass_fds = request.pass_fds.data();
  plan.pass_fd_count = request.pass_fds.size();
  plan.limits = limits.data();
  plan.limit_count = limits.size();
  plan.umask = config.umask;
  plan.has_nice = config.nice.has_value();
  plan.nice = config.nice.value_or(0);
  plan.has_oom_score_adjust = config.oom_score_adjust.has_value();
  plan.oom_score_adjust = config.oom_score_adjust.value_or(0);
  plan.has_cpu_sched = config.cpu_sched_set;
  plan.cpu_sched_policy = config.cpu_sched_policy | (config.cpu_sched_reset_on_fork ? SCHED_RESET_ON_FORK : 0);
  plan.cpu_sched_priority = config.cpu_sched_priority;
  plan.has_ioprio = config.ioprio_set;
  plan.ioprio = config.ioprio;
  plan.has_coredump_filter = config.coredump_filter.has_value();
  plan.coredump_filter = config.coredump_filter.value_or(0);
  plan.cpu_affinity = config.cpu_affinity.data();
  plan.cpu_affinity_words = config.cpu_affinity.size();
  plan.has_timer_slack = config.timer_slack_nsec.has_value();
  plan.timer_slack_nsec = config.timer_slack_nsec.value_or(0);
  plan.has_personality = config.personality.has_value();
  plan.personality = config.personality.value_or(0);
  plan.utmp_id = config.utmp_id.empty() ? nullptr : config.utmp_id.c_str();
  plan.utmp_mode = config.utmp_mode;
  const std::string& tty = config.terminal.path;
  plan.utmp_line = tty.empty() ? nullptr : tty.c_str() + (tty.starts_with("/dev/") ? 5 : 0);
  // "+" on the line, or any control process under PermissionsStartOnly=
  // (systemd 252: EXEC_APPLY_SANDBOXING off for it): no User=, no sandbox.
  const bool sandboxed =
      !command.full_privileges && !(config.permissions_start_only && request.exec_is_control);
  ChildCredentials child;
  child.request = {&config, user_manager, sandboxed && !command.ambient_privileges};
  child.command = &command;
  child.env = std::move(env);
  child.set_listen_pid = request.set_listen_pid;
  child.set_watchdog_pid = request.set_watchdog_pid;
  child.directories = env_inputs.directories;
  for (std::size_t t = 0; t < kExecDirectoryTypes; ++t) {
    r = exec_directory_symlinks(config, static_cast<ExecDirectoryType>(t), options_.directory_roots, child.symlinks[t]);
    if (r < 0) return r;
  }
  child.chown_directories = options_.scope == RuntimeScope::system;
  child.write_credentials = request.write_credentials && !credentials_directory.empty();
  if (child.write_credentials) {
    child.credential_store.config = &config;
    child.credential_store.directory = credentials_directory;
    if (options_.conditions.credentials_directory)
      child.credential_store.search_path.push_back(*options_.conditions.credentials_directory);
    for (const auto& store : options_.credential_stores) child.credential_store.search_path.push_back(store);
  }
  plan.prepare = &ChildCredentials::prepare;
  plan.prepare_context = &child;
  plan.working_directory_optional = config.working_directory_optional;
  plan.no_new_privileges = config.no_new_privileges;
  plan.ignore_sigpipe = config.ignore_sigpipe;
  plan.keyring_mode = effective_keyring_mode(config, user_manager);
  for (const auto& assignment : request.manager_environment) {
    if (!assignment.starts_with("INVOCATION_ID=")) continue;
    const std::string_view hex = std::string_view(assignment).substr(14);
    plan.has_invocation_id = hex.size() == 32;
    for (std::size_t i = 0; plan.has_invocation_id && i < 16; ++i) {
      const auto result = std::from_chars(hex.data() + 2 * i, hex.data() + 2 * i + 2, plan.invocation_id[i], 16);
      plan.has_invocation_id = result.ec == std::errc() && result.ptr == hex.data() + 2 * i + 2;
    }
  }
  plan.apply_sandboxing = sandboxed;
  std::vector<std::string> writable;
  for (const auto& paths : env_inputs.directories) writable.insert(writable.end(), paths.begin(), paths.end());
  const std::vector<MountEntry> mounts = namespace_mounts(config, request.private_tmp, writable, inaccessible_file_,
                                                         sandboxed, child.write_credentials ? credentials_directory : "");
  if (mounts.size() > kMaxMountEntries) {
    if (request.failure) *request.failure = "more than " + std::to_string(kMaxMountEntries) + " paths to mount";
    return -E2BIG;
  }
  std::vector<ExecMount> exec_mounts;
  for (const auto& m : mounts)
    exec_mounts.push_back({m.path.c_str(), m.source.c_str(), m.mode, m.ignore_missing, m.read_only, m.recursive, m.flags,
                           m.noexec, m.exec});
  plan.mounts = exec_mounts.data();
  plan.mount_count = exec_mounts.size();
  plan.mount_namespace = needs_mount_namespace(config);
  plan.insist_on_mount_namespace =
      !config.temporary_filesystems.empty() ||
      std::any_of(config.bind_mounts.begin(), config.bind_mounts.end(),
                  [](const BindMount& b) { return b.source != b.destination; });
  plan.mount_propagation = config.mount_propagation;
  plan.capability_bounding_set = config.capability_bounding_set;
  plan.ambient_capabilities = config.ambient_capabilities;
  plan.private_uts = config.protect_hostname;
  plan.private_users = config.private_users;
  if (request.network_namespace) {
    plan.network_namespace_storage[0] = request.network_namespace->socket[0].get();
    plan.network_namespace_storage[1] = request.network_namespace->socket[1].get();
  }
  if (request.ipc_namespace) {
    plan.ipc_namespace_storage[0] = request.ipc_namespace->socket[0].get();
    plan.ipc_namespace_storage[1] = request.ipc_namespace->socket[1].get();
  }
  plan.seccomp.restrict_realtime = config.restrict_realtime;
  plan.seccomp.lock_personality = config.lock_personality;
  plan.seccomp.protect_hostname = config.protect_hostname;
  plan.seccomp.restrict_suid_sgid = config.restrict_suid_sgid;
  plan.seccomp.protect_kernel_modules = config.protect_kernel_modules;
  plan.seccomp.protect_kernel_logs = config.protect_kernel_logs;
  plan.seccomp.protect_clock = config.protect_clock;
  plan.seccomp.private_devices = config.private_devices;
  plan.seccomp.protect_kernel_tunables = config.protect_kernel_tunables;
  plan.seccomp.namespaces_retained = config.restrict_namespaces;
  plan.seccomp.memory_deny_write_execute = config.memory_deny_write_execute;
  plan.seccomp.address_families = &config.restrict_address_families.get();
  plan.seccomp.architectures = config.syscall_architectures.get().data();
  plan.seccomp.architecture_count = config.syscall_architectures.get().size();
  plan.seccomp.syscall_filter = &config.syscall_filter.get();
  plan.seccomp.syscall_error_number = config.syscall_error_number;
  plan.program = lookup == 0 ? program.c_str() : nullptr;
  plan.program_lookup_errno = -lookup;
  plan.program_as_written = command.path.c_str();

  pid_t pid = -1;
  bool born_inside = false;
  if (int cgroup = scope && single_threaded() ? scope->clone_into_fd() : -1; cgroup >= 0) {
    pid = fork_into_cgroup(cgroup);
    if (pid == 0) run_exec_child(plan);
    born_inside = pid > 0;
  }
  if (!born_inside) {
    plan.cgroup_procs_fd = scope ? scope->join_fd() : -1;
    pid = fork();
    if (pid < 0) return -errno;
    if (pid == 0) run_exec_child(plan);
  }

  if (options_.reaper) options_.reaper->forked(pid);
  if (scope && born_inside)
    scope->on_spawned_inside(pid);
  else if (scope)
    scope->on_spawned(pid);
  out.pid = pid;
  // No pidfd: the PID of a child we have not reaped cannot be reused, and
  // the same event that reaps it tells the service (system_ops.h). Each fd
  // vermiliond holds is copied by every later fork and closed again in the
  // child, so one per service would make each spawn cost O(services).
  return 0;
}

int LinuxSystemOps::signal_process(const SpawnedProcess& process, int sig) {
  if (process.pidfd.valid()) {
    return pidfd_send_signal(process.pidfd.get(), sig, nullptr, 0) < 0 ? -errno : 0;
  }
  if (process.pid <= 0) return -ESRCH;
  return kill(process.pid, sig) < 0 ? -errno : 0;
}

int LinuxSystemOps::open_process(pid_t pid, SpawnedProcess& out) {
  if (pid <= 0) return -EINVAL;
  unique_fd pidfd(pidfd_open(pid, 0));
  if (!pidfd) return -errno;
  out.pid = pid;
  out.pidfd = std::move(pidfd);
  return 0;
}

bool LinuxSystemOps::is_own_child(const SpawnedProcess& process) {
  if (!process.pidfd) return false;
  siginfo_t info{};
  // WNOWAIT: only look; the supervisor's reaping loop collects the status.
  // P_PIDFD (Linux 5.4) is in <linux/wait.h> but not in glibc 2.36's idtype_t.
  constexpr auto kPidfd = static_cast<idtype_t>(3);
  return waitid(kPidfd, static_cast<id_t>(process.pidfd.get()), &info, WEXITED | WNOHANG | WNOWAIT) == 0;
}

int LinuxSystemOps::read_pid_file(const std::string& path, pid_t& out, PidFileFacts& facts) {
  std::string text;
  int r = read_regular_file(path, kPidFileMaxBytes, text, facts.owner);
  if (r < 0) return r;
  // A path that cannot be walked again (it changed meanwhile) counts as unsafe.
  if (path_has_unsafe_transition(path, facts.unsafe_path) < 0) facts.unsafe_path = true;
  auto first = text.find_first_not_of(" \t\n");
  auto last = text.find_last_not_of(" \t\n");
  if (first == std::string::npos) return -EBADMSG;
  pid_t pid = 0;
  const char* begin = text.data() + first;
  const char* end = text.data() + last + 1;
  auto [parsed_end, ec] = std::from_chars(begin, end, pid);
  if (ec != std::errc() || parsed_end != end || pid <= 0) return -EBADMSG;
  if (kill(pid, 0) < 0 && errno != EPERM) return -ESRCH;
  out = pid;
  return 0;
}

int LinuxSystemOps::test_condition(const UnitCondition& condition) {
  return vermilion::test_condition(condition, options_.conditions);
}

int LinuxSystemOps::watch_path(const std::string& path, unique_fd& out) { return open_path_watch(path, out); }

int LinuxSystemOps::guess_main_pid(ProcessScope& scope, pid_t control, pid_t& out) {
  std::vector<pid_t> pids;
  if (int r = scope.list(pids); r < 0) return r;
  pid_t found = 0;
  const pid_t self = getpid();
  for (pid_t pid : pids) {
    if (pid == control) continue;
    ProcStat stat;
    // Only our own children (daemons re-parented to the subreaper): a
    // process whose parent is still alive in the service is not its main.
    if (read_proc_stat(pid, stat) < 0 || stat.ppid != self || stat.state == 'Z') continue;
    if (found != 0) return -ENODATA;  // several: no way to tell which
    found = pid;
  }
  if (found == 0) return -ESRCH;
  out = found;
  return 0;
}

std::vector<std::string> LinuxSystemOps::mounts_required_by(const ServiceConfig& config) const {
  std::vector<std::string> out = config.requires_mounts_for;
  auto add = [&out](std::string path) {
    if (std::find(out.begin(), out.end(), path) == out.end()) out.push_back(std::move(path));
  };
  if (!config.working_directory.empty() && config.working_directory != "~" && !config.working_directory_optional)
    add(config.working_directory);
  for (std::size_t t = 0; t < kExecDirectoryTypes; ++t) {
    std::vector<std::string> paths;
    if (exec_directory_paths(config, static_cast<ExecDirectoryType>(t), options_.directory_roots, paths) < 0) continue;
    for (auto& path : paths) add(std::move(path));
  }
  // /tmp gets a weak tmp.mount dependency instead (systemd PR #16894).
  if (options_.scope == RuntimeScope::system && config.private_tmp) add("/var/tmp");
  return out;
}

int LinuxSystemOps::check_exec_directories(const ServiceConfig& config) {
  DirectoryPaths paths;
  return directory_paths(config, paths, nullptr);
}

void LinuxSystemOps::remove_runtime_directories(const ServiceConfig& config) {
  std::vector<std::string> paths;
  if (exec_directory_paths(config, ExecDirectoryType::runtime, options_.directory_roots, paths) < 0) return;
  // Here and now, not forked: the next start may make it again at once.
  for (const auto& path : paths) remove_tree(path);
  // Their "name:link" symlinks go too (exec_context_destroy_runtime_directory()).
  std::vector<ExecDirectorySymlink> symlinks;
  if (exec_directory_symlinks(config, ExecDirectoryType::runtime, options_.directory_roots, symlinks) < 0) return;
  for (const auto& symlink : symlinks) unlink(symlink.link.c_str());
}

void LinuxSystemOps::remove_credentials(const ServiceConfig& config) {
  const std::string& runtime_root = options_.directory_roots[static_cast<std::size_t>(ExecDirectoryType::runtime)];
  if (config.has_credentials() && !runtime_root.empty())
    remove_credential_store(credential_store_directory(runtime_root, config.name));
}

std::string LinuxSystemOps::revert_terminal(const ServiceConfig& config) {
  return vermilion::revert_terminal(config.terminal, may_touch_terminal(config));
}

SystemOps::CgroupFilterOutcome LinuxSystemOps::apply_cgroup_filters(ProcessScope& scope, const ServiceConfig& config,
                                                                   bool reapply) {
  DeviceFilterPlan devices =
      plan_device_filter(config.device_policy, config.device_allow.get(),
                         [](std::string& text) { return read_text_file("/proc/devices", text); });
  const FirewallRules firewall = plan_ip_firewall(config.ip_address_allow.get(), config.ip_address_deny.get());
  const bool wanted = devices.filtered || !firewall.empty();
  CgroupFilterOutcome out;
  out.warnings = std::move(devices.warnings);
  auto* cgroup = dynamic_cast<CgroupScope*>(&scope);
  // A new cgroup has no filter to take away; one an earlier run left
  // behind may have (and taking it away needs privilege we may lack: then
  // only a filter that is wanted is worth a word).
  const bool replace = cgroup && (reapply || cgroup->reused());
  if (!wanted && !replace) return out;
  const std::string keys = "DevicePolicy=/DeviceAllow=/IPAddressAllow=/IPAddressDeny=";
  if (!cgroup) {
    out.complete = false;
    if (options_.scope == RuntimeScope::system) {
      out.refused = true;
      out.warnings.push_back(keys + " cannot be enforced without a cgroup of the service's own: refusing to start");
    } else {
      out.warnings.push_back(keys + " not enforced: the service runs without a cgroup of its own.");
    }
    return out;
  }
  unique_fd dir;
  if (int r = cgroup->open_directory(dir); r < 0) {
    out.complete = !wanted;
    if (wanted)
      out.warnings.push_back(keys + " not enforced: opening the cgroup " + cgroup->directory() + ": " +
                             std::strerror(-r));
    return out;
  }
  std::string error;
  if (devices.filtered || replace) {
    std::vector<bpf_insn> program;
    if (devices.filtered) program = build_device_program(devices.rules, devices.deny_everything);
    if (install_device_program(dir.get(), program, replace, error) < 0 && devices.filtered) {
      out.complete = false;
      out.warnings.push_back("DevicePolicy=/DeviceAllow= not (fully) enforced: " + error);
    }
  }
  if (!firewall.empty() || replace) {
    if (install_ip_firewall(dir.get(), firewall, replace, error) < 0 && !firewall.empty()) {
      out.complete = false;
      out.warnings.push_back("IPAddressAllow=/IPAddressDeny= not (fully) enforced: " + error);
    }
  }
  return out;
}

int LinuxSystemOps::create_private_tmp(const std::string& service_name, PrivateTmp& out) {
  return vermilion::create_private_tmp(service_name, out);
}

void LinuxSystemOps::clean_ipc(const IpcOwner& owner) {
  pid_t cleaner = clean_ipc_async(owner);
  if (cleaner > 0 && options_.reaper) options_.reaper->forked_helper(cleaner);
}

void LinuxSystemOps::record_process_exit(const ServiceConfig& config, pid_t pid, int code, int status) {
  if (config.utmp_id.empty()) return;
  pid_t writer = put_dead_process_async(UtmpFiles{}, config.utmp_id, pid, code, status);
  if (writer > 0 && options_.reaper) options_.reaper->forked_helper(writer);
}

void LinuxSystemOps::remove_private_tmp(const PrivateTmp& dirs) {
  pid_t remover = vermilion::remove_private_tmp(dirs);
  if (remover > 0 && options_.reaper) options_.reaper->forked_helper(remover);
}

}  // namespace vermilion
