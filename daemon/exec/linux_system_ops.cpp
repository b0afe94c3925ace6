#include "exec/linux_system_ops.h"

#include <ftw.h>
#include <signal.h>
#include "platform/pidfd.h"
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>

#include "platform/cgroup_scope.h"
#include "exec/exec_child.h"
#include "exec/exec_credentials.h"
#include "exec/exec_environment.h"
#include "common/regular_file.h"
#include "platform/file_io.h"
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

bool is_safe_relative_path(const std::string& path) {
  if (path.empty() || path[0] == '/') return false;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    std::string_view part(path.data() + start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = end + 1;
  }
  return true;
}

int remove_entry(const char* path, const struct stat*, int type, FTW*) {
  if (type == FTW_DP) {
    rmdir(path);
  } else {
    unlink(path);
  }
  return 0;  // keep going: remove as much as we can
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
  out.reset(new LinuxSystemOps(std::move(options), std::move(tree)));
  return 0;
}

std::string LinuxSystemOps::cgroup_directory() const { return cgroups_ ? cgroups_->directory() : std::string(); }

std::unique_ptr<ProcessScope> LinuxSystemOps::create_scope(const std::string& service_name) {
  if (cgroups_) {
    std::unique_ptr<CgroupScope> scope;
    if (CgroupScope::create(cgroups_, service_name, scope) == 0) return scope;
    // A cgroup we cannot make (odd name, cgroup limits) still leaves the
    // weaker session tracking rather than no service at all.
  }
  return std::make_unique<SessionScope>();
}

int LinuxSystemOps::runtime_directory_paths(const ServiceConfig& config, std::vector<std::string>& out) const {
  std::vector<std::string> paths;
  for (const auto& name : config.runtime_directory) {
    if (!is_safe_relative_path(name) || options_.runtime_root.empty()) return -EINVAL;
    paths.push_back(options_.runtime_root + "/" + name);
  }
  out = std::move(paths);
  return 0;
}

int LinuxSystemOps::spawn(const SpawnRequest& request, SpawnedProcess& out) {
  if (!request.config || !request.command) return -EINVAL;
  const ServiceConfig& config = *request.config;
  const ExecCommand& command = *request.command;
  auto* scope = dynamic_cast<LinuxProcessScope*>(request.scope);
  if (request.scope && !scope) return -EINVAL;
  const bool user_manager = request.user_manager || options_.scope == RuntimeScope::user;

  ExecCredentials credentials;
  CredentialFailure credential_failure;
  CredentialRequest credential_request{&config, user_manager,
                                       !command.full_privileges && !command.ambient_privileges};
  const bool credentials_ok = resolve_credentials(credential_request, credentials, credential_failure) == 0;

  ExecEnvironmentInputs env_inputs;
  env_inputs.config = &config;
  env_inputs.extra = &request.extra_environment;
  env_inputs.login = credentials.login ? &*credentials.login : nullptr;
  env_inputs.lang = options_.lang;
  if (user_manager && !options_.runtime_root.empty()) env_inputs.xdg_runtime_dir = options_.runtime_root;
  int r = runtime_directory_paths(config, env_inputs.runtime_directories);
  if (r < 0) return r;
  std::vector<std::string> env;
  std::string failure;
  r = build_exec_environment(env_inputs, env, failure);
  if (r < 0) {
    if (request.failure) *request.failure = std::move(failure);
    return r;
  }

  std::vector<std::string> argv =
      command.expand_environment ? expand_exec_arguments(command.argv, env) : command.argv;
  if (argv.empty()) argv.push_back(command.path);
  std::string program;
  auto path_value = get_environment(env, "PATH");
  int lookup = find_program(command.path, path_value ? *path_value : kDefaultExecPath, program);

  std::string working_directory = config.working_directory;
  if (working_directory.empty()) {
    working_directory = user_manager && credentials.login ? credentials.login->home : "/";
  } else if (working_directory == "~") {
    working_directory = credentials.login ? credentials.login->home : "/";
  }

  std::vector<ExecLimitPlan> limits;
  for (const auto& [resource, limit] : config.limits) limits.push_back({resource, {limit.soft, limit.hard}});
  std::vector<char*> argv_pointers = to_pointers(argv);
  constexpr std::string_view kListenPid = "LISTEN_PID=";
  if (request.set_listen_pid) env.push_back(std::string(kListenPid) + std::string(15, '0'));
  std::vector<char*> env_pointers = to_pointers(env);

  ExecChildPlan plan;
  plan.service_name = config.name.c_str();
  plan.cgroup_procs_fd = scope ? scope->join_fd() : -1;
  plan.log_fd = request.log_fd;
  plan.standard_output = {config.standard_output.kind, config.standard_output.path.c_str()};
  plan.standard_error = {config.standard_error.kind, config.standard_error.path.c_str()};
  plan.pass_fds = request.pass_fds.data();
  plan.pass_fd_count = request.pass_fds.size();
  plan.limits = limits.data();
  plan.limit_count = limits.size();
  plan.umask = config.umask;
  if (!credentials_ok) {
    plan.credential_failure_status = static_cast<int>(credential_failure.status);
    plan.credential_failure_errno = credential_failure.error;
    plan.credential_failure_what = credential_failure.what.c_str();
  }
  plan.change_credentials = credentials.change;
  plan.set_groups = credentials.set_groups;
  plan.uid = credentials.uid;
  plan.gid = credentials.gid;
  plan.groups = credentials.groups.data();
  plan.group_count = credentials.groups.size();
  plan.working_directory = working_directory.c_str();
  plan.working_directory_optional = config.working_directory_optional;
  plan.no_new_privileges = config.no_new_privileges;
  plan.program = lookup == 0 ? program.c_str() : nullptr;
  plan.program_lookup_errno = -lookup;
  plan.program_as_written = command.path.c_str();
  plan.argv = argv_pointers.data();
  plan.envp = env_pointers.data();
  if (request.set_listen_pid) plan.listen_pid_value = env.back().data() + kListenPid.size();

  pid_t pid = fork();
  if (pid < 0) return -errno;
  if (pid == 0) run_exec_child(plan);

  if (scope) scope->on_spawned(pid);
  out.pid = pid;
  // Only fails on kernels without pidfds; signals then fall back to the PID.
  out.pidfd = unique_fd(pidfd_open(pid, 0));
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

int LinuxSystemOps::read_pid_file(const std::string& path, pid_t& out) {
  std::string text;
  int r = read_regular_file(path, kPidFileMaxBytes, text);
  if (r < 0) return r;
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

bool LinuxSystemOps::path_exists(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0;
}

int LinuxSystemOps::create_runtime_directories(const ServiceConfig& config) {
  std::vector<std::string> paths;
  int r = runtime_directory_paths(config, paths);
  if (r < 0) return r;
  if (paths.empty()) return 0;
  const bool user_manager = options_.scope == RuntimeScope::user;
  ExecCredentials credentials;
  CredentialFailure failure;
  r = resolve_credentials({&config, user_manager, true}, credentials, failure);
  if (r < 0) return r;
  for (const auto& path : paths) {
    r = make_parent_directories(path);
    if (r < 0) return r;
    if (mkdir(path.c_str(), 0755) < 0 && errno != EEXIST) return -errno;
    struct stat st {};
    if (lstat(path.c_str(), &st) < 0) return -errno;
    if (!S_ISDIR(st.st_mode)) return -ENOTDIR;  // never follow a planted symlink
    if (chmod(path.c_str(), 0755) < 0) return -errno;
    if (credentials.change && lchown(path.c_str(), credentials.uid, credentials.gid) < 0) return -errno;
  }
  return 0;
}

void LinuxSystemOps::remove_runtime_directories(const ServiceConfig& config) {
  std::vector<std::string> paths;
  if (runtime_directory_paths(config, paths) < 0) return;
  for (const auto& path : paths) {
    // FTW_PHYS: symlinks inside are removed, never followed.
    nftw(path.c_str(), remove_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
  }
}

}  // namespace vermilion
