#include "exec/exit_status.h"

namespace vermilion {

const char* exit_status_name(int status) {
  switch (static_cast<ExecExitStatus>(status)) {
    case ExecExitStatus::chdir: return "CHDIR";
    case ExecExitStatus::fds: return "FDS";
    case ExecExitStatus::exec: return "EXEC";
    case ExecExitStatus::limits: return "LIMITS";
    case ExecExitStatus::signal_mask: return "SIGNAL_MASK";
    case ExecExitStatus::stdin_: return "STDIN";
    case ExecExitStatus::stdout_: return "STDOUT";
    case ExecExitStatus::group: return "GROUP";
    case ExecExitStatus::user: return "USER";
    case ExecExitStatus::capabilities: return "CAPABILITIES";
    case ExecExitStatus::cgroup: return "CGROUP";
    case ExecExitStatus::setsid: return "SETSID";
    case ExecExitStatus::stderr_: return "STDERR";
    case ExecExitStatus::network: return "NETWORK";
    case ExecExitStatus::namespace_: return "NAMESPACE";
    case ExecExitStatus::no_new_privileges: return "NO_NEW_PRIVILEGES";
    case ExecExitStatus::seccomp: return "SECCOMP";
    case ExecExitStatus::runtime_directory: return "RUNTIME_DIRECTORY";
    case ExecExitStatus::keyring: return "KEYRING";
    case ExecExitStatus::state_directory: return "STATE_DIRECTORY";
    case ExecExitStatus::cache_directory: return "CACHE_DIRECTORY";
    case ExecExitStatus::logs_directory: return "LOGS_DIRECTORY";
    case ExecExitStatus::configuration_directory: return "CONFIGURATION_DIRECTORY";
    case ExecExitStatus::credentials: return "CREDENTIALS";
    case ExecExitStatus::nice: return "NICE";
    case ExecExitStatus::oom_adjust: return "OOM_ADJUST";
    case ExecExitStatus::ioprio: return "IOPRIO";
    case ExecExitStatus::setscheduler: return "SETSCHEDULER";
    case ExecExitStatus::timerslack: return "TIMERSLACK";
    case ExecExitStatus::cpuaffinity: return "CPUAFFINITY";
    case ExecExitStatus::personality: return "PERSONALITY";
  }
  return nullptr;
}

}  // namespace vermilion
