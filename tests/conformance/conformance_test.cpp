// The conformance suite: every case in tests/conformance/cases runs under
// vermiliond (in-process, user scope, as systemd --user ran it) and what it
// observes must be what systemd 252 did, as recorded in the case's
// `expected` by record-systemd.sh. The format is tests/conformance/README.md.
#include <dirent.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sys/mount.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <utmpx.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "supervisor_fixture.h"

namespace vermilion {
namespace {

namespace fs = std::filesystem;
using testing::read_file;

const std::string kCases = VERMILION_SOURCE_DIR "/tests/conformance/cases";

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(kCases, error))
    if (entry.is_directory() && fs::exists(entry.path() / "steps")) names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> words_of(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (std::size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size())
    text.replace(at, from.size(), to);
}

// systemd's format_timespan() at 1 µs accuracy, as `systemctl show` prints.
std::string format_timespan(usec_t t) {
  if (t == kUsecInfinity) return "infinity";
  if (t == 0) return "0";
  static const std::pair<const char*, usec_t> kUnits[] = {
      {"y", 31557600ULL * kUsecPerSec}, {"month", 2629800ULL * kUsecPerSec}, {"w", 604800ULL * kUsecPerSec},
      {"d", 86400ULL * kUsecPerSec},    {"h", 3600ULL * kUsecPerSec},        {"min", 60ULL * kUsecPerSec},
      {"s", kUsecPerSec},               {"ms", 1000},                        {"us", 1}};
  std::string out;
  for (const auto& [name, size] : kUnits) {
    if (t < size) continue;
    if (!out.empty()) out += ' ';
    out += std::to_string(t / size) + name;
    t %= size;
  }
  return out;
}

std::string yes_no(bool b) { return b ? "yes" : "no"; }

// A list of strings as `systemctl show --value` prints it (systemd 252's
// bus_print_property): space-separated, each through shell_maybe_quote(),
// i.e. in double quotes with \ " ` $ escaped when it holds one of those,
// whitespace, a glob character or ' ( ) < > | & ; !.
std::string systemctl_show_words(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += ' ';
    if (w.find_first_of("\"\\`$*?[ \t\n'()<>|&;!") == std::string::npos) {
      out += w;
      continue;
    }
    out += '"';
    for (char c : w) {
      if (c == '"' || c == '\\' || c == '`' || c == '$') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out;
}

// A command list as `systemctl show -p ExecStart --value` prints it
// (systemd 252's systemctl-show.c for a(sasbttttuii) and a(sasasttttuii)),
// one "{ ... }" per command joined by spaces, with times and PIDs as
// record-systemd.sh reduces them ("[set]", "pid=set").
std::string show_exec_commands(const std::vector<ExecCommandStatus>& commands, bool ex) {
  std::string out;
  for (const ExecCommandStatus& c : commands) {
    std::string argv, flags;
    for (const auto& a : c.argv) argv += (argv.empty() ? "" : " ") + a;
    for (const auto& f : c.flags) flags += (flags.empty() ? "" : " ") + f;
    std::string status = std::to_string(c.status);
    if (c.code != CLD_EXITED) {
      const char* name = c.status > 0 ? sigabbrev_np(c.status) : nullptr;
      status += "/" + (name ? std::string(name) : std::to_string(c.status));
    }
    const char* code = c.code == CLD_EXITED ? "exited" : c.code == CLD_KILLED ? "killed"
                       : c.code == CLD_DUMPED ? "dumped" : "(null)";
    out += std::string(out.empty() ? "" : " ") + "{ path=" + c.path + " ; argv[]=" + argv + " ; " +
           (ex ? "flags=" + flags : std::string("ignore_errors=") + (c.ignore_failure() ? "yes" : "no")) +
           " ; start_time=[" + (c.start_realtime ? "set" : "n/a") + "] ; stop_time=[" +
           (c.exit_realtime ? "set" : "n/a") + "] ; pid=" + (c.pid ? "set" : "0") + " ; code=" + code +
           " ; status=" + status + " }";
  }
  return out;
}

// A capability set as systemctl prints it (systemd 252's
// capability_set_to_string()): the names of its bits up to the kernel's
// last capability.
std::string capability_names(std::uint64_t set) {
  std::ifstream last_cap("/proc/sys/kernel/cap_last_cap");
  unsigned last = 0;
  last_cap >> last;
  std::string out;
  for (unsigned cap = 0; cap <= last && cap < 64; ++cap) {
    if (!(set & (std::uint64_t{1} << cap))) continue;
    char* text = cap_to_name(static_cast<cap_value_t>(cap));
    out += (out.empty() ? "" : " ") + std::string(text ? text : std::to_string(cap));
    cap_free(text);
  }
  return out;
}

// One property as `systemctl show -p NAME --value` prints it, with PIDs
// and timestamps reduced to "0" or "set" and ExecMainCode to words
// (record-systemd.sh's show_value does the same to systemd's values).
// The records of a utmp or wtmp file, one "\n  | ..." each, as
// record-systemd.sh's dump_utmp() prints them.
std::string describe_utmp(const char* path) {
  static const char* const kTypes[] = {"EMPTY",        "RUN_LVL",       "BOOT_TIME",    "NEW_TIME",     "OLD_TIME",
                                       "INIT_PROCESS", "LOGIN_PROCESS", "USER_PROCESS", "DEAD_PROCESS", "ACCOUNTING"};
  auto text = [](const char* field, std::size_t size) { return std::string(field, strnlen(field, size)); };
  std::string out;
  if (utmpxname(path) != 0) return out;
  setutxent();
  while (const utmpx* r = getutxent()) {
    out += "\n  | ";
    out += r->ut_type >= 0 && r->ut_type <= 9 ? kTypes[r->ut_type] : std::to_string(r->ut_type);
    out += " id=" + text(r->ut_id, sizeof r->ut_id) + " line=" + text(r->ut_line, sizeof r->ut_line) +
           " user=" + text(r->ut_user, sizeof r->ut_user) + " pid=" + (r->ut_pid ? "set" : "0") +
           " session=" + (r->ut_session == r->ut_pid ? std::string("pid") : std::to_string(r->ut_session)) +
           " exit=" + std::to_string(r->ut_exit.e_termination) + "/" + std::to_string(r->ut_exit.e_exit) +
           " time=" + (r->ut_tv.tv_sec ? "set" : "0");
  }
  endutxent();
  return out;
}

std::string property(const Manager& manager, const Service& s, const std::string& name) {
  const ServiceConfig& c = s.config();
  // Lists of units as the manager reports them (with the implicit ones),
  // sorted as record-systemd.sh sorts systemd's.
  auto list = [&](std::vector<std::string> ServiceStatus::*member) {
    std::vector<std::string> names = manager.status(s).*member;
    std::sort(names.begin(), names.end());
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : " ") + n;
    return out;
  };
  using S = ServiceStatus;
  static const std::map<std::string, std::vector<std::string> S::*> kUnitLists{
      {"Requires", &S::requires_},       {"Wants", &S::wants},           {"BindsTo", &S::binds_to},
      {"Requisite", &S::requisite},      {"After", &S::after},           {"Before", &S::before},
      {"Conflicts", &S::conflicts},      {"PartOf", &S::part_of},        {"RequiredBy", &S::required_by},
      {"WantedBy", &S::wanted_by},       {"BoundBy", &S::bound_by},      {"RequisiteOf", &S::requisite_of},
      {"ConsistsOf", &S::consists_of},   {"ConflictedBy", &S::conflicted_by},
      {"OnFailureOf", &S::on_failure_of}, {"OnSuccessOf", &S::on_success_of},
      {"PropagatesStopTo", &S::propagates_stop_to}, {"StopPropagatedFrom", &S::stop_propagated_from},
      {"PropagatesReloadTo", &S::propagates_reload_to}, {"ReloadPropagatedFrom", &S::reload_propagated_from},
      {"Upholds", &S::upholds}, {"UpheldBy", &S::upheld_by}};
  if (auto it = kUnitLists.find(name); it != kUnitLists.end()) return list(it->second);
  static const std::map<std::string, Service::Phase> kCommandLists{
      {"ExecCondition", Service::Phase::condition}, {"ExecStartPre", Service::Phase::start_pre},
      {"ExecStart", Service::Phase::start},         {"ExecStartPost", Service::Phase::start_post},
      {"ExecReload", Service::Phase::reload},       {"ExecStop", Service::Phase::stop},
      {"ExecStopPost", Service::Phase::stop_post}};
  const bool ex = name.size() > 2 && name.ends_with("Ex");
  if (auto it = kCommandLists.find(ex ? name.substr(0, name.size() - 2) : name); it != kCommandLists.end())
    return show_exec_commands(s.exec_command_statuses(it->second), ex);
  if (name == "Documentation") return systemctl_show_words(c.documentation);
  if (name == "RequiresMountsFor") {  // systemd's order is a hashmap's: sorted, as recorded
    std::vector<std::string> paths = s.mounts_required();
    std::sort(paths.begin(), paths.end());
    return systemctl_show_words(paths);
  }
  if (name == "DefaultDependencies") return yes_no(c.default_dependencies);
  if (name == "ActiveState") return std::string(to_string(s.active_state()));
  if (name == "SubState") return std::string(to_string(s.sub_state()));
  if (name == "Result") return std::string(to_string(s.result()));
  if (name == "ExecMainCode") {
    switch (s.exec_main_status().code) {
      case CLD_EXITED: return "exited";
      case CLD_KILLED: return "killed";
      case CLD_DUMPED: return "dumped";
      default: return "none";
    }
  }
  if (name == "ExecMainStatus") return std::to_string(s.exec_main_status().status);
  if (name == "ExecMainPID") return s.exec_main_pid() > 0 ? "set" : "0";
  if (name == "ConditionResult") return yes_no(s.condition_result());
  if (name == "AssertResult") return yes_no(s.assert_result());
  if (name == "ConditionTimestamp") return s.timestamps().condition.realtime > 0 ? "set" : "0";
  if (name == "AssertTimestamp") return s.timestamps().assert_.realtime > 0 ? "set" : "0";
  if (name == "StateChangeTimestamp") return s.timestamps().state_change.realtime > 0 ? "set" : "0";
  if (name == "ExecMainStartTimestamp") return s.exec_main_start_timestamp() > 0 ? "set" : "0";
  if (name == "ExecMainExitTimestamp") return s.exec_main_exit_timestamp() > 0 ? "set" : "0";
  if (name == "LoadState") return to_string(c.load_state);
  if (name == "MainPID") return s.main_pid() > 0 ? "set" : "0";
  if (name == "ControlPID") return s.control_pid() > 0 ? "set" : "0";
  if (name == "NRestarts") return std::to_string(s.n_restarts());
  if (name == "StartLimitIntervalUSec") return format_timespan(c.start_limit_interval);
  if (name == "StartLimitBurst") return std::to_string(c.start_limit_burst);
  if (name == "StartLimitAction") return to_string(c.start_limit_action);
  if (name == "JobTimeoutUSec") return format_timespan(c.job_timeout);
  if (name == "JobRunningTimeoutUSec") return format_timespan(c.job_running_timeout);
  if (name == "JobTimeoutAction") return to_string(c.job_timeout_action);
  if (name == "Type") return to_string(c.type);
  if (name == "OnFailureJobMode") return to_string(c.on_failure_job_mode);
  if (name == "OnSuccessJobMode") return to_string(c.on_success_job_mode);
  if (name == "BusName") return c.bus_name.get();
  if (name == "TimeoutStartUSec") return format_timespan(c.timeout_start);
  if (name == "TimeoutStopUSec") return format_timespan(c.timeout_stop);
  if (name == "TimeoutAbortUSec") return format_timespan(c.timeout_abort.value_or(c.timeout_stop));
  if (name == "RuntimeMaxUSec") return format_timespan(c.runtime_max);
  if (name == "RuntimeRandomizedExtraUSec") return format_timespan(c.runtime_randomized_extra);
  if (name == "WatchdogSignal") return std::to_string(c.watchdog_signal);
  if (name == "WatchdogUSec") return format_timespan(c.watchdog_usec);
  if (name == "RemainAfterExit") return yes_no(c.remain_after_exit);
  if (name == "StopWhenUnneeded") return yes_no(c.stop_when_unneeded);
  if (name == "AllowIsolate") return yes_no(c.allow_isolate);
  if (name == "IgnoreOnIsolate") return yes_no(c.ignore_on_isolate);
  if (name == "Restart") return to_string(c.restart);
  if (name == "GuessMainPID") return yes_no(c.guess_main_pid);
  if (name == "NotifyAccess") return to_string(c.effective_notify_access());
  if (name == "KillMode") return to_string(c.kill_mode);
  if (name == "UtmpIdentifier") return c.utmp_id;
  if (name == "RemoveIPC") return yes_no(c.remove_ipc);
  if (name == "TimeoutStartFailureMode") return to_string(c.timeout_start_failure_mode);
  if (name == "TimeoutStopFailureMode") return to_string(c.timeout_stop_failure_mode);
  if (name == "FileDescriptorStoreMax") return std::to_string(c.file_descriptor_store_max);
  if (name == "NFileDescriptorStore") return std::to_string(s.fd_store().size());
  if (name == "UtmpMode") return to_string(c.utmp_mode);
  if (name == "KillSignal") return std::to_string(c.kill_signal);
  if (name == "RestartKillSignal") return std::to_string(c.restart_kill_signal.value_or(c.kill_signal));
  if (name == "FinalKillSignal") return std::to_string(c.final_kill_signal);
  if (name == "SendSIGKILL") return yes_no(c.send_sigkill);
  if (name == "SendSIGHUP") return yes_no(c.send_sighup);
  if (name == "CapabilityBoundingSet") return capability_names(c.capability_bounding_set);
  if (name == "AmbientCapabilities") return capability_names(c.ambient_capabilities);
  if (name == "IgnoreSIGPIPE") return yes_no(c.ignore_sigpipe);
  if (name == "PrivateTmp") return yes_no(c.private_tmp);
  if (name == "ProtectSystem") return to_string(c.protect_system);
  if (name == "ProtectHome") return to_string(c.protect_home);
  if (name == "ProtectKernelTunables") return yes_no(c.protect_kernel_tunables);
  if (name == "ProtectControlGroups") return yes_no(c.protect_control_groups);
  if (name == "ProtectHostname") return yes_no(c.protect_hostname);
  if (name == "PrivateNetwork") return yes_no(c.private_network);
  if (name == "PrivateIPC") return yes_no(c.private_ipc);
  if (name == "PrivateUsers") return yes_no(c.private_users);
  if (name == "PrivateMounts") return yes_no(c.private_mounts.value_or(false));
  if (name == "MountFlags")  // as systemctl show names the flag
    return c.mount_propagation == MS_SHARED  ? "shared"
           : c.mount_propagation == MS_SLAVE ? "slave"
           : c.mount_propagation == MS_PRIVATE ? "private"
                                              : "";
  if (name == "RestrictRealtime") return yes_no(c.restrict_realtime);
  if (name == "LockPersonality") return yes_no(c.lock_personality);
  if (name == "RestrictSUIDSGID") return yes_no(c.restrict_suid_sgid);
  if (name == "ProtectKernelModules") return yes_no(c.protect_kernel_modules);
  if (name == "ProtectKernelLogs") return yes_no(c.protect_kernel_logs);
  if (name == "ProtectClock") return yes_no(c.protect_clock);
  if (name == "PrivateDevices") return yes_no(c.private_devices);
  if (name == "DevicePolicy") return device_policy_to_string(c.device_policy);
  if (name == "DeviceAllow") {
    std::string out;
    for (const DeviceAllow& entry : c.device_allow.get())
      out += (out.empty() ? "" : "\n") + entry.path + " " + device_rights_string(entry);
    return out;
  }
  if (name == "RestrictNamespaces") return namespace_flags_to_string(c.restrict_namespaces);
  if (name == "MemoryDenyWriteExecute") return yes_no(c.memory_deny_write_execute);
  if (name == "ProtectProc") return to_string(c.protect_proc);
  if (name == "CPUAffinity") return cpu_set_to_string(c.cpu_affinity);
  if (name == "Personality") return personality_to_string(c.personality);
  // Unset: the manager's own, as systemd's property shows PID 1's.
  if (name == "TimerSlackNSec")
    return std::to_string(c.timer_slack_nsec.value_or(static_cast<std::uint64_t>(prctl(PR_GET_TIMERSLACK))));
  if (name == "CoredumpFilter") {
    std::uint64_t mask = 0x33;
    if (c.coredump_filter) {
      mask = *c.coredump_filter;
    } else if (std::ifstream own("/proc/self/coredump_filter"); own) {
      own >> std::hex >> mask;
    }
    std::ostringstream text;
    text << "0x" << std::hex << mask;
    return text.str();
  }
  if (name == "KeyringMode") return to_string(effective_keyring_mode(c, true));  // user scope
  if (name == "ProcSubset") return to_string(c.proc_subset);
  if (name == "RestrictAddressFamilies") {
    const AddressFamilies& families = c.restrict_address_families.get();
    std::vector<std::string> names;
    for (int family : families.families) names.push_back(address_family_name(family));
    std::sort(names.begin(), names.end());
    std::string shown = families.allow_list ? "" : "~";
    for (std::size_t i = 0; i < names.size(); ++i) shown += (i ? " " : "") + names[i];
    return shown;
  }
  if (name == "SystemCallFilter") {
    std::string shown = c.syscall_filter.get().allow_list ? "" : "~";
    for (const auto& call : syscall_filter_names(c.syscall_filter.get()))
      shown += (shown.empty() || shown == "~" ? "" : " ") + call;
    return shown;
  }
  if (name == "SystemCallErrorNumber") return std::to_string(syscall_error_number_property(c.syscall_error_number));
  if (name == "SystemCallArchitectures") {
    std::vector<std::string> names;
    for (std::uint32_t arch : c.syscall_architectures.get()) names.push_back(syscall_arch_name(arch));
    std::sort(names.begin(), names.end());
    std::string shown;
    for (const auto& n : names) shown += (shown.empty() ? "" : " ") + n;
    return shown;
  }
  if (name == "ReadWritePaths" || name == "ReadOnlyPaths" || name == "InaccessiblePaths" || name == "ExecPaths" ||
      name == "NoExecPaths") {
    std::vector<std::string> paths;
    for (const auto& p : name == "ReadWritePaths"      ? c.read_write_paths
                         : name == "ReadOnlyPaths"     ? c.read_only_paths
                         : name == "InaccessiblePaths" ? c.inaccessible_paths
                         : name == "ExecPaths"         ? c.exec_paths
                                                       : c.no_exec_paths)
      paths.push_back(to_string(p));
    return systemctl_show_words(paths);
  }
  return "<property " + name + " unknown to conformance_test.cpp>";
}

std::string describe_stat(const std::string& path) {
  struct stat st {};
  if (lstat(path.c_str(), &st) < 0) return "missing";
  const char* type = S_ISDIR(st.st_mode) ? "directory" : S_ISREG(st.st_mode) ? "regular file" : "other";
  if (S_ISREG(st.st_mode) && st.st_size == 0) type = "regular empty file";
  char mode[8];
  std::snprintf(mode, sizeof mode, "%o", st.st_mode & 07777);
  const passwd* pw = getpwuid(st.st_uid);
  const group* gr = getgrgid(st.st_gid);
  return std::string(type) + " " + mode + " " + (pw ? pw->pw_name : std::to_string(st.st_uid)) + ":" +
         (gr ? gr->gr_name : std::to_string(st.st_gid));
}

// Takes capabilities away from this process (its bounding set, then its
// effective and permitted sets), as `setpriv --bounding-set` does for the
// recorded systemd: the manager may not raise limits, and so on.
void drop_capabilities(const std::vector<std::string>& names) {
  static const std::map<std::string, int> kCaps{{"sys_resource", CAP_SYS_RESOURCE}, {"sys_nice", CAP_SYS_NICE}};
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  ASSERT_EQ(syscall(SYS_capget, &header, data), 0);
  for (const auto& name : names) {
    auto it = kCaps.find(name);
    ASSERT_NE(it, kCaps.end()) << "capability " << name << " unknown to conformance_test.cpp";
    int cap = it->second;
    ASSERT_EQ(prctl(PR_CAPBSET_DROP, cap, 0, 0, 0), 0);
    data[cap / 32].effective &= ~(1u << (cap % 32));
    data[cap / 32].permitted &= ~(1u << (cap % 32));
    data[cap / 32].inheritable &= ~(1u << (cap % 32));
  }
  ASSERT_EQ(syscall(SYS_capset, &header, data), 0);
}

class ConformanceTest : public testing::SupervisorFixture, public ::testing::WithParamInterface<std::string> {
 protected:
  void SetUp() override {
    SupervisorFixture::SetUp();
    if (IsSkipped()) return;
    for (const char* dir : {"units", "runtime", "home/.config", "home/.cache", "home/.local/share", "scratch"})
      fs::create_directories(work_.file(dir));
    fs::permissions(work_.file("runtime"), fs::perms::owner_all);
    places_ = {{"@CONFIG@", work_.file("home/.config")}, {"@CACHE@", work_.file("home/.cache")},
               {"@HOME@", work_.file("home")},           {"@RUNTIME@", work_.file("runtime")},
               {"@SCRATCH@", work_.file("scratch")},     {"@UNITS@", units_.path()}};
  }

  std::string fill_in(std::string text) const {
    for (const auto& [key, path] : places_) replace_all(text, key, path);
    return text;
  }
  // Back to placeholders; @CONFIG@ and @CACHE@ come before @HOME@ in places_.
  std::string generalize(std::string text) const {
    for (const auto& [key, path] : places_) replace_all(text, path, key);
    return text;
  }

  void install_case_files(const fs::path& dir) {
    for (const auto& entry : fs::directory_iterator(dir)) {
      std::string base = entry.path().filename();
      if (base == "steps" || base == "expected" || base.starts_with("README")) continue;
      if (entry.is_directory()) {  // drop-ins: NAME.service.d/; NAME.wants/ and .requires/ links
        for (const auto& inner : fs::directory_iterator(entry.path())) {
          std::string name = base + "/" + inner.path().filename().string();
          if (inner.is_symlink()) {
            fs::create_directories(units_.file(base));
            fs::create_symlink(fs::read_symlink(inner.path()), units_.file(name));
          } else {
            units_.write(name, fill_in(read_file(inner.path())));
          }
        }
      } else if (base.ends_with(".service") || base.ends_with(".target")) {
        units_.write(base, fill_in(read_file(entry.path())));
      } else {
        work_.write("scratch/" + base, fill_in(read_file(entry.path())));
      }
    }
  }

  void set_up_manager(const std::vector<std::string>& w) {
    if (w[0] == "manager-nofile-hard") {
      rlim_t hard = std::stoul(w.at(1));
      rlimit limit{hard, hard};
      ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &limit), 0);
    } else if (w[0] == "manager-setenv") {
      // This process is the manager here (one process per case under ctest).
      const std::string& assignment = w.at(1);
      auto eq = assignment.find('=');
      ASSERT_NE(eq, std::string::npos) << assignment;
      ASSERT_EQ(setenv(assignment.substr(0, eq).c_str(), assignment.c_str() + eq + 1, 1), 0);
    } else if (w[0] == "manager-utmp") {
      // As record-systemd.sh: an empty utmp and wtmp of this process's own,
      // at glibc's paths (vermiliond has no others), in a mount namespace
      // of its own (one process per case under ctest).
      if (geteuid() != 0) GTEST_SKIP() << "manager-utmp needs root (a mount namespace over /run and /var/log)";
      ASSERT_EQ(unshare(CLONE_NEWNS), 0) << strerror(errno);
      ASSERT_EQ(mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr), 0) << strerror(errno);
      for (const char* dir : {"/run", "/var/log"})
        ASSERT_EQ(mount("tmpfs", dir, "tmpfs", 0, "mode=755"), 0) << dir << ": " << strerror(errno);
      for (const char* file : {"/run/utmp", "/var/log/wtmp"}) {
        std::ofstream(file).flush();
        ASSERT_EQ(chmod(file, 0664), 0) << file;
      }
    } else if (w[0] == "manager-drop-capabilities") {
      drop_capabilities({w.begin() + 1, w.end()});
    }
  }

  bool wait_quietly(const std::function<bool()>& done) { return supervisor_->run_until(done, testing::kWait); }

  std::string job(JobType type, const std::vector<std::string>& w) {
    return job_of(w, [&](std::function<void(JobResult)> done) {
      return supervisor_->control().enqueue(type, w.at(1), std::move(done), JobMode::replace);
    });
  }
  std::string job_of(const std::vector<std::string>& w,
                     const std::function<EnqueueResult(std::function<void(JobResult)>)>& enqueue) {
    auto start = std::chrono::steady_clock::now();
    std::optional<JobResult> result;
    // As a client asks (systemctl's request): the manager's control face.
    EnqueueResult r = enqueue([&](JobResult j) { result = j; });
    bool done = r.queued() && wait_quietly([&] { return result.has_value(); });
    // systemctl exits 0 for a skipped job as for a done one (what
    // record-systemd.sh sees): a condition that does not hold is no failure.
    bool good = done && (*result == JobResult::done || *result == JobResult::skipped);
    std::string out = w[0] + " " + w[1] + ": " + (good ? "done" : "failed");
    if (w.size() >= 4 && w[2] == "within") {
      auto took = std::chrono::steady_clock::now() - start;
      std::string span = w[3];
      auto limit = span.ends_with("ms") ? std::chrono::milliseconds(std::stoul(span))
                                        : std::chrono::milliseconds(std::stoul(span) * 1000);
      out += took <= limit ? ", within " + span : ", not within " + span;
    }
    return out;
  }

  std::string run_step(const std::vector<std::string>& w) {
    const std::string& verb = w[0];
    if (verb == "start") return job(JobType::start, w);
    if (verb == "stop") return job(JobType::stop, w);
    if (verb == "restart") return job(JobType::restart, w);
    if (verb == "reload") return job(JobType::reload, w);
    if (verb == "enqueue") {  // enqueue TYPE UNIT MODE: queued, not waited for
      static const std::map<std::string, JobType> kTypes = {
          {"start", JobType::start}, {"stop", JobType::stop}, {"restart", JobType::restart}, {"reload", JobType::reload}};
      std::optional<JobMode> mode = job_mode_from_string(w.at(3));
      EnqueueResult r = supervisor_->control().enqueue(kTypes.at(w.at(1)), w.at(2), {}, mode.value());
      return "enqueue " + w[1] + " " + w[2] + " " + w[3] + ": " + (r.queued() ? "queued" : "refused: " + describe(r));
    }
    if (verb == "append") {  // append PATH TEXT...: a line added to PATH (its directory made)
      fs::create_directories(fs::path(w.at(1)).parent_path());
      std::string text;
      for (std::size_t i = 2; i < w.size(); ++i) text += (i > 2 ? " " : "") + w[i];
      std::ofstream(w[1], std::ios::app) << text << "\n";
      return "append " + w[1] + ": done";
    }
    if (verb == "touch") {
      std::ofstream(w.at(1)).flush();
      return "touch " + w[1] + ": done";
    }
    if (verb == "isolate") {
      return job_of(w, [&](std::function<void(JobResult)> done) {
        return supervisor_->control().isolate(w.at(1), std::move(done));
      });
    }
    if (verb == "daemon-reload") {
      bool done = false;
      supervisor_->control().reload_units([&] { done = true; });
      return std::string("daemon-reload: ") + (wait_quietly([&] { return done; }) ? "done" : "failed");
    }
    if (verb == "show") {
      std::string out = "show " + w.at(1) + ":";
      Service* s = supervisor_->manager().find(w[1]);
      for (std::size_t i = 2; i < w.size(); ++i)
        out += " " + w[i] + "=" + (s ? property(supervisor_->manager(), *s, w[i]) : "<no such unit>");
      return out;
    }
    if (verb == "wait") {
      auto slash = w.at(2).find('/');
      std::string active = w[2].substr(0, slash), sub = w[2].substr(slash + 1);
      bool reached = wait_quietly([&] {
        Service* s = supervisor_->manager().find(w[1]);
        return s && to_string(s->active_state()) == active && to_string(s->sub_state()) == sub;
      });
      return "wait " + w[1] + " " + w[2] + (reached ? ": reached" : ": not reached");
    }
    if (verb == "wait-file") {
      bool present = wait_quietly([&] { return fs::exists(w.at(1)); });
      return "wait-file " + w[1] + (present ? ": present" : ": absent");
    }
    if (verb == "wait-lines") {
      std::size_t n = std::stoul(w.at(2));
      bool reached = wait_quietly([&] {
        std::string text = read_file(w[1]);
        return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) >= n;
      });
      return "wait-lines " + w[1] + " " + w[2] + (reached ? ": reached" : ": not reached");
    }
    if (verb == "wait-gone") {
      bool gone = wait_quietly([&] { return !fs::exists(w.at(1)); });
      return "wait-gone " + w[1] + (gone ? ": gone" : ": still there");
    }
    if (verb == "alive") {
      pid_t pid = std::atoi(read_file(w.at(1)).c_str());
      return "alive " + w[1] + (testing::process_exists(pid) ? ": yes" : ": no");
    }
    if (verb == "file") {
      if (!fs::exists(w.at(1))) return "file " + w[1] + ": missing";
      std::string out = "file " + w[1] + ":";
      std::istringstream lines(read_file(w[1]));
      for (std::string line; std::getline(lines, line);) out += "\n  | " + line;
      return out;
    }
    if (verb == "utmp" || verb == "wtmp") {
      // systemd writes a DEAD_PROCESS record before it looks at the exit;
      // vermiliond has a process of its own write it (exec/utmp_record.h).
      (void)wait_quietly([&] { return supervisor_->helpers_running() == 0; });
      return verb + ":" + describe_utmp(verb == "utmp" ? "/run/utmp" : "/var/log/wtmp");
    }
    if (verb == "stat") return "stat " + w.at(1) + ": " + describe_stat(w[1]);
    if (verb == "link") {
      std::error_code error;
      auto status = fs::symlink_status(w.at(1), error);
      if (fs::is_symlink(status)) return "link " + w[1] + ": -> " + fs::read_symlink(w[1]).string();
      return "link " + w[1] + (fs::exists(status) ? ": not a symlink" : ": missing");
    }
    if (verb == "kill") {  // kill UNIT SIGNAL main|all
      Service* s = supervisor_->manager().find(w.at(1));
      auto sig = parse_signal(w.at(2));
      bool sent = s && sig && s->kill(w.at(3) == "main" ? KillTarget::main : KillTarget::all, *sig) > 0;
      return "kill " + w[1] + " " + w[2] + " " + w[3] + (sent ? ": sent" : ": failed");
    }
    ADD_FAILURE() << "unknown step: " << verb;
    return "unknown step " + verb;
  }

  // Processes a case left behind on purpose (KillMode=process, none) end
  // with the test.
  void kill_leftovers() {
    for (pid_t child : testing::children_of(getpid())) ::kill(child, SIGKILL);
  }

  testing::TempDir work_;
  std::vector<std::pair<std::string, std::string>> places_;
};

TEST_P(ConformanceTest, BehavesAsSystemd) {
  const fs::path dir = fs::path(kCases) / GetParam();
  ASSERT_TRUE(fs::exists(dir / "expected"))
      << "no expected values: run tests/conformance/record-systemd.sh " << dir.string();
  std::vector<std::vector<std::string>> steps;
  std::istringstream lines(read_file(dir / "steps"));
  for (std::string line; std::getline(lines, line);) {
    auto w = words_of(fill_in(line));
    if (w.empty() || w[0].starts_with("#")) continue;
    if (w[0].starts_with("manager-")) {
      set_up_manager(w);
      if (HasFatalFailure() || IsSkipped()) return;
      continue;
    }
    steps.push_back(std::move(w));
  }
  // systemd's Nice= results were recorded at nice level 0; from a higher
  // level (`nice ctest`) lowering it needs CAP_SYS_NICE, which a container
  // may lack, so the values would differ for a reason outside the case.
  if (getpriority(PRIO_PROCESS, 0) != 0)
    for (const auto& entry : fs::directory_iterator(dir))
      if (read_file(entry.path()).find("\nNice=") != std::string::npos)
        GTEST_SKIP() << "the case sets Nice= and was recorded at nice level 0; this test runs at "
                     << getpriority(PRIO_PROCESS, 0);
  // The helpers every case may use, then the case's own files.
  for (const auto& entry : fs::directory_iterator(fs::path(VERMILION_SOURCE_DIR "/tests/conformance/helpers")))
    work_.write("scratch/" + entry.path().filename().string(), fill_in(read_file(entry.path())));
  install_case_files(dir);

  scope_ = RuntimeScope::user;
  environment_.home = work_.file("home");
  environment_.xdg_config_home = work_.file("home/.config");
  environment_.xdg_cache_home = work_.file("home/.cache");
  environment_.xdg_data_home = work_.file("home/.local/share");
  environment_.xdg_runtime_dir = work_.file("runtime");
  start_boot_units_ = false;
  as_main_process_ = true;  // a subreaper, as systemd --user is: forking daemons are ours
  boot();

  std::string observed;
  for (const auto& w : steps) observed += generalize(run_step(w)) + "\n";
  EXPECT_EQ(observed, read_file(dir / "expected")) << "case " << GetParam();
  kill_leftovers();
}

INSTANTIATE_TEST_SUITE_P(Cases, ConformanceTest, ::testing::ValuesIn(case_names()),
                         [](const ::testing::TestParamInfo<std::string>& test) {
                           std::string name = test.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace vermilion
