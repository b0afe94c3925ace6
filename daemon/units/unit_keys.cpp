#include "units/unit_keys.h"

#include <algorithm>
#include <array>
#include <functional>
#include <map>
#include <set>
#include <string_view>

#include "units/exec_line.h"
#include "units/quoted_words.h"
#include "common/unit_name.h"
#include "common/utf8.h"
#include "units/value_parsers.h"

namespace vermilion {
namespace {

constexpr std::string_view kWhitespace = " \t\n\r";

std::vector<std::string> split_words(std::string_view s) {
  std::vector<std::string> words;
  std::size_t pos = 0;
  while ((pos = s.find_first_not_of(kWhitespace, pos)) != std::string_view::npos) {
    auto end = s.find_first_of(kWhitespace, pos);
    words.emplace_back(s.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos));
    if (end == std::string_view::npos) break;
    pos = end;
  }
  return words;
}

// A unit name of any type systemd knows, which dependency keys may mention.
// Returns the type suffix ("service", "target", ...), or "" if invalid.
std::string_view unit_type_of(std::string_view name) {
  static constexpr std::array<std::string_view, 11> kTypes{
      "service", "socket", "target", "device", "mount", "automount",
      "swap",    "timer",  "path",   "slice",  "scope"};
  auto dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || name.size() > kUnitNameMax) return {};
  std::string_view type = name.substr(dot + 1);
  if (std::find(kTypes.begin(), kTypes.end(), type) == kTypes.end()) return {};
  // Same character rules for every type: check as if it were a service.
  std::string as_service = std::string(name.substr(0, dot)) + std::string(kServiceSuffix);
  auto parts = split_service_name(as_service);
  if (!parts || parts->is_template) return {};
  return type;
}

bool path_is_normalized(std::string_view path) {
  if (path.find("//") != std::string_view::npos) return false;
  std::size_t pos = 0;
  while (pos <= path.size()) {
    auto end = path.find('/', pos);
    std::string_view part = path.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    if (part == "." || part == "..") return false;
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  return true;
}

bool is_absolute_normalized(std::string_view path) {
  return !path.empty() && path.front() == '/' && path_is_normalized(path);
}

// One assignment being applied: where it is, and how to report about it.
class Assignment {
 public:
  Assignment(const UnitAssignment& a, const std::string& path, const ServiceKeyContext& context,
             ServiceConfig& config, Diagnostics& diags)
      : key(a.key), value(a.value), where{path, a.line}, context(context), config(config), diags_(diags) {}

  const std::string& key;
  const std::string& value;
  SourceLocation where;
  const ServiceKeyContext& context;
  ServiceConfig& config;

  void invalid(const std::string& reason = {}) {
    std::string message = "Invalid " + key + "= value '" + value + "'";
    if (!reason.empty()) message += ": " + reason;
    diags_.error(where, message);
    failed = true;
  }
  void warn(const std::string& message) { diags_.warn(where, message); }
  void error(const std::string& message) {
    diags_.error(where, message);
    failed = true;
  }

  // Specifier expansion of text (the value or a word of it); reports an
  // unknown specifier as an error of this key.
  std::optional<std::string> expand(std::string_view text) {
    auto expanded = context.specifiers.expand(text);
    if (!expanded.ok()) {
      error("Unknown specifier '%" + std::string(1, *expanded.unknown) + "' in " + key + "= value '" + value + "'");
      return std::nullopt;
    }
    return std::move(expanded.text);
  }

  bool failed = false;

 private:
  Diagnostics& diags_;
};

using Handler = std::function<void(Assignment&)>;

// --- Handler builders -------------------------------------------------------

Handler boolean(bool ServiceConfig::*field) {
  return [field](Assignment& a) {
    if (auto b = parse_boolean(a.value)) a.config.*field = *b;
    else a.invalid("expected a boolean");
  };
}

Handler time_span(usec_t ServiceConfig::*field) {
  return [field](Assignment& a) {
    if (auto t = parse_time_span(a.value)) a.config.*field = *t;
    else a.invalid("expected a time span like '90s' or '1min 30s'");
  };
}

// TimeoutStartSec=/TimeoutStopSec=: 0 and infinity both disable the timeout.
void set_timeout(Assignment& a, std::initializer_list<usec_t ServiceConfig::*> fields) {
  auto t = parse_time_span(a.value);
  if (!t) return a.invalid("expected a time span like '90s', or 'infinity'");
  for (auto field : fields) a.config.*field = *t == 0 ? kUsecInfinity : *t;
}

template <typename Enum>
Handler choice(Enum ServiceConfig::*field, std::initializer_list<std::pair<std::string_view, Enum>> options) {
  std::vector<std::pair<std::string_view, Enum>> table(options);
  return [field, table](Assignment& a) {
    for (auto& [text, e] : table)
      if (a.value == text) {
        a.config.*field = e;
        return;
      }
    std::string allowed;
    for (auto& option : table) allowed += (allowed.empty() ? "" : ", ") + std::string(option.first);
    a.invalid("expected one of " + allowed);
  };
}

Handler exec(std::vector<ExecCommand> ServiceConfig::*field) {
  return [field](Assignment& a) {
    if (a.value.empty()) return (a.config.*field).clear();
    auto expanded = a.expand(a.value);
    if (!expanded) return;
    auto commands = parse_exec_line(*expanded, a.where);
    if (!commands.ok()) return a.invalid(commands.error);
    for (auto& c : *commands.value) (a.config.*field).push_back(std::move(c));
  };
}

enum class NonServiceDependency { drop_silently, drop_with_warning };

Handler dependency(std::vector<std::string> ServiceConfig::*field, NonServiceDependency non_service) {
  return [field, non_service](Assignment& a) {
    if (a.value.empty()) return (a.config.*field).clear();
    auto expanded = a.expand(a.value);
    if (!expanded) return;
    for (auto& name : split_words(*expanded)) {
      std::string_view type = unit_type_of(name);
      if (type.empty()) {
        // As everywhere in Vermilion, "web" means "web.service".
        auto service = normalize_service_name(name);
        if (!service || split_service_name(*service)->is_template) {
          a.error("Invalid unit name '" + name + "' in " + a.key + "=");
          continue;
        }
        name = *service;
        type = "service";
      }
      if (type != "service") {
        if (non_service == NonServiceDependency::drop_with_warning)
          a.warn(a.key + "=" + name + " ignored: Vermilion manages only services");
        continue;
      }
      auto& list = a.config.*field;
      if (std::find(list.begin(), list.end(), name) == list.end()) list.push_back(name);
    }
  };
}

Handler install_targets(std::vector<std::string> ServiceConfig::*field) {
  return [field](Assignment& a) {
    if (a.value.empty()) return (a.config.*field).clear();
    auto expanded = a.expand(a.value);
    if (!expanded) return;
    for (auto& name : split_words(*expanded)) {
      if (unit_type_of(name).empty()) {
        a.error("Invalid unit name '" + name + "' in " + a.key + "=");
        continue;
      }
      if (name == "multi-user.target" || name == "default.target") a.config.start_at_boot = true;
      auto& list = a.config.*field;
      if (std::find(list.begin(), list.end(), name) == list.end()) list.push_back(name);
    }
  };
}

Handler exit_statuses(ExitStatusSet ServiceConfig::*field) {
  return [field](Assignment& a) {
    auto parsed = parse_exit_status_list(a.value, a.config.*field);
    if (!parsed.ok()) return a.invalid(parsed.error);
    a.config.*field = std::move(*parsed.value);
  };
}

Handler limit(int resource) {
  return [resource](Assignment& a) {
    auto parsed = parse_resource_limit(a.value, resource);
    if (!parsed.ok()) return a.invalid(parsed.error);
    a.config.limits[resource] = *parsed.value;
  };
}

Handler not_implemented(std::string how_treated = "ignored") {
  return [how = std::move(how_treated)](Assignment& a) {
    a.warn(a.key + "= is not implemented by Vermilion; " + how + ".");
  };
}

// --- Handlers with their own rules -------------------------------------------

void set_description(Assignment& a) {
  // Unit files are bytes; the description is shown on D-Bus, whose strings
  // must be UTF-8: escaped once here rather than at every state change.
  if (auto text = a.expand(a.value)) a.config.description = escape_invalid_utf8(*text);
}

void set_type(Assignment& a) {
  static const std::map<std::string_view, ServiceType> kTypes{
      {"simple", ServiceType::simple},   {"exec", ServiceType::exec},
      {"notify", ServiceType::notify},   {"oneshot", ServiceType::oneshot},
      {"forking", ServiceType::forking}};
  if (auto it = kTypes.find(a.value); it != kTypes.end()) {
    a.config.type = it->second;
  } else if (a.value == "dbus" || a.value == "idle") {
    a.warn("Type=" + a.value + " is not implemented by Vermilion; treated as Type=simple.");
    a.config.type = ServiceType::simple;
  } else {
    a.invalid("expected simple, exec, notify, oneshot or forking");
  }
}

void set_kill_signal(Assignment& a) {
  if (auto sig = parse_signal(a.value)) a.config.kill_signal = *sig;
  else a.invalid("expected a signal name or number");
}

void set_start_limit_burst(Assignment& a) {
  unsigned burst = 0;
  bool digits = !a.value.empty() && std::all_of(a.value.begin(), a.value.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits || a.value.size() > 9) return a.invalid("expected a non-negative integer");
  for (char c : a.value) burst = burst * 10 + static_cast<unsigned>(c - '0');
  a.config.start_limit_burst = burst;
}

void set_condition_path_exists(Assignment& a) {
  if (a.value.empty()) return a.config.condition_path_exists.clear();
  auto expanded = a.expand(a.value);
  if (!expanded) return;
  std::string_view text = *expanded;
  PathCondition condition;
  if (text.starts_with('|')) {
    condition.trigger = true;
    text.remove_prefix(1);
  }
  if (text.starts_with('!')) {
    condition.negate = true;
    text.remove_prefix(1);
  }
  if (!is_absolute_normalized(text)) return a.invalid("path must be absolute and normalized");
  condition.path = std::string(text);
  a.config.condition_path_exists.push_back(std::move(condition));
}

void set_pid_file(Assignment& a) {
  if (a.value.empty()) return a.config.pid_file.clear();
  auto expanded = a.expand(a.value);
  if (!expanded) return;
  std::string path = *expanded;
  // systemd 252: a relative PIDFile= is below the runtime directory (/run).
  if (!path.starts_with('/')) path = a.context.identity.runtime_dir + "/" + path;
  if (!is_absolute_normalized(path)) return a.invalid("path is not normalized");
  a.config.pid_file = std::move(path);
}

bool is_valid_user_or_group(std::string_view name) {
  if (name.empty() || name.size() > 256 || name.front() == '-') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u != 0x7f && c != ':' && c != '/' && c != ',';
  });
}

void set_user_or_group(Assignment& a, std::string ServiceConfig::*field) {
  auto expanded = a.expand(a.value);
  if (!expanded) return;
  if (!expanded->empty() && !is_valid_user_or_group(*expanded)) return a.invalid("not a valid user or group name");
  a.config.*field = std::move(*expanded);
}

void set_supplementary_groups(Assignment& a) {
  if (a.value.empty()) return a.config.supplementary_groups.clear();
  auto expanded = a.expand(a.value);
  if (!expanded) return;
  for (auto& group : split_words(*expanded)) {
    if (!is_valid_user_or_group(group)) {
      a.error("Invalid group name '" + group + "' in SupplementaryGroups=");
      continue;
    }
    a.config.supplementary_groups.push_back(group);
  }
}

void set_environment(Assignment& a) {
  if (a.value.empty()) return a.config.environment.clear();
  auto words = split_quoted_words(a.value);
  // systemd only warns here; the rest of the unit is fine.
  if (!words.ok()) return a.warn("Invalid Environment= syntax, ignoring: " + words.error);
  for (auto& word : *words.value) {
    auto assignment = a.expand(word.text);
    if (!assignment) continue;
    auto eq = assignment->find('=');
    if (eq == std::string::npos || !is_valid_environment_name(std::string_view(*assignment).substr(0, eq))) {
      a.warn("Invalid environment assignment, ignoring: " + *assignment);
      continue;
    }
    // Later assignments of the same variable win; keep one entry each.
    std::string prefix = assignment->substr(0, eq + 1);
    auto& env = a.config.environment;
    env.erase(std::remove_if(env.begin(), env.end(), [&](const std::string& e) { return e.starts_with(prefix); }), env.end());
    env.push_back(std::move(*assignment));
  }
}

void set_environment_file(Assignment& a) {
  if (a.value.empty()) return a.config.environment_files.clear();
  auto expanded = a.expand(a.value);
  if (!expanded) return;
  EnvironmentFile file;
  std::string_view path = *expanded;
  if (path.starts_with('-')) {
    file.optional = true;
    path.remove_prefix(1);
  }
  if (!is_absolute_normalized(path)) return a.invalid("path must be absolute and normalized");
  file.path = std::string(path);
  a.config.environment_files.push_back(std::move(file));
}

void set_working_directory(Assignment& a) {
  if (a.value.empty()) {
    a.config.working_directory.clear();
    a.config.working_directory_optional = false;
    return;
  }
  auto expanded = a.expand(a.value);
  if (!expanded) return;
  std::string_view path = *expanded;
  bool optional = false;
  if (path.starts_with('-')) {
    optional = true;
    path.remove_prefix(1);
  }
  // "~" is the home of User= (resolved at spawn time); otherwise absolute.
  if (path != "~" && !is_absolute_normalized(path)) return a.invalid("expected an absolute path or '~'");
  a.config.working_directory = std::string(path);
  a.config.working_directory_optional = optional;
}

void set_umask(Assignment& a) {
  if (auto mask = parse_umask(a.value)) a.config.umask = *mask;
  else a.invalid("expected an octal mode between 0000 and 7777");
}

void set_standard_input(Assignment& a) {
  static const std::set<std::string_view> kKnown{"tty", "tty-force", "tty-fail", "data", "socket"};
  if (a.value == "null") return;
  if (kKnown.count(a.value) || a.value.starts_with("file:") || a.value.starts_with("fd:") || a.value == "fd") {
    a.warn("StandardInput=" + a.value + " is not implemented by Vermilion; treated as null.");
    return;
  }
  a.invalid();
}

void set_output(Assignment& a, OutputTarget ServiceConfig::*field) {
  auto expanded = a.expand(a.value);
  if (!expanded) return;
  std::string_view v = *expanded;
  OutputTarget& target = a.config.*field;
  static const std::map<std::string_view, OutputKind> kPlain{
      {"inherit", OutputKind::inherit}, {"null", OutputKind::null}, {"journal", OutputKind::journal}};
  static const std::set<std::string_view> kAsJournal{"kmsg", "journal+console", "kmsg+console", "syslog",
                                                     "syslog+console"};
  static const std::set<std::string_view> kAsInherit{"tty", "socket", "fd"};
  if (auto it = kPlain.find(v); it != kPlain.end()) {
    target = {it->second, {}};
  } else if (kAsJournal.count(v)) {
    a.warn(a.key + "=" + std::string(v) + " is not implemented by Vermilion; treated as journal.");
    target = {OutputKind::journal, {}};
  } else if (kAsInherit.count(v) || v.starts_with("fd:")) {
    a.warn(a.key + "=" + std::string(v) + " is not implemented by Vermilion; treated as inherit.");
    target = {OutputKind::inherit, {}};
  } else {
    // truncate: is file: that also truncates on open; the spawner opens
    // file: targets from the start, so the difference is only stale tails.
    static const std::array<std::pair<std::string_view, OutputKind>, 3> kPaths{
        {{"file:", OutputKind::file}, {"truncate:", OutputKind::file}, {"append:", OutputKind::append}}};
    for (auto& [prefix, kind] : kPaths) {
      if (!v.starts_with(prefix)) continue;
      std::string_view path = v.substr(prefix.size());
      if (!is_absolute_normalized(path)) return a.invalid("path must be absolute and normalized");
      target = {kind, std::string(path)};
      return;
    }
    a.invalid("expected inherit, null, journal, file:PATH or append:PATH");
  }
}

void set_runtime_directory(Assignment& a) {
  if (a.value.empty()) return a.config.runtime_directory.clear();
  auto expanded = a.expand(a.value);
  if (!expanded) return;
  for (auto& dir : split_words(*expanded)) {
    if (dir.front() == '/' || !path_is_normalized(dir) || dir.back() == '/') {
      a.error("Invalid RuntimeDirectory= entry '" + dir + "': must be a relative, normalized path");
      continue;
    }
    a.config.runtime_directory.push_back(dir);
  }
}

void set_watchdog(Assignment& a) {
  auto t = parse_time_span(a.value);
  if (!t) return a.invalid("expected a time span");
  a.config.watchdog_usec = *t == kUsecInfinity ? 0 : *t;  // infinity disables it, as in systemd
}

void set_notify_access(Assignment& a) {
  static const std::map<std::string_view, NotifyAccess> kModes{
      {"none", NotifyAccess::none}, {"main", NotifyAccess::main}, {"exec", NotifyAccess::exec}, {"all", NotifyAccess::all}};
  if (auto it = kModes.find(a.value); it != kModes.end()) a.config.notify_access = it->second;
  else a.invalid("expected none, main, exec or all");
}

void add_alias(Assignment& a) {
  if (a.value.empty()) return a.config.aliases.clear();
  auto expanded = a.expand(a.value);
  if (!expanded) return;
  for (auto& name : split_words(*expanded)) {
    auto parts = split_service_name(name);
    if (!parts) {
      a.error("Invalid Alias= name '" + name + "': aliases of a service must be service names");
      continue;
    }
    auto& aliases = a.config.aliases;
    if (name != a.config.name && std::find(aliases.begin(), aliases.end(), name) == aliases.end())
      aliases.push_back(name);
  }
}

// --- The key tables ------------------------------------------------------------

using KeyTable = std::map<std::string, Handler, std::less<>>;

KeyTable unit_section_keys() {
  using D = NonServiceDependency;
  KeyTable t{
      {"Description", set_description},
      {"Requires", dependency(&ServiceConfig::requires_, D::drop_with_warning)},
      {"Requisite", dependency(&ServiceConfig::requisite, D::drop_with_warning)},
      {"BindsTo", dependency(&ServiceConfig::binds_to, D::drop_with_warning)},
      {"Conflicts", dependency(&ServiceConfig::conflicts, D::drop_with_warning)},
      {"Wants", dependency(&ServiceConfig::wants, D::drop_silently)},
      {"After", dependency(&ServiceConfig::after, D::drop_silently)},
      {"Before", dependency(&ServiceConfig::before, D::drop_silently)},
      {"StartLimitIntervalSec", time_span(&ServiceConfig::start_limit_interval)},
      {"StartLimitBurst", set_start_limit_burst},
      {"ConditionPathExists", set_condition_path_exists},
  };
  for (const char* key :
       {"Documentation", "DefaultDependencies", "StartLimitAction", "OnFailure", "OnFailureJobMode",
        "OnSuccess", "OnSuccessJobMode", "PartOf", "Upholds", "PropagatesReloadTo", "ReloadPropagatedFrom",
        "PropagatesStopTo", "StopPropagatedFrom", "JoinsNamespaceOf", "RequiresMountsFor",
        "IgnoreOnIsolate", "StopWhenUnneeded", "RefuseManualStart", "RefuseManualStop", "AllowIsolate",
        "CollectMode", "FailureAction", "SuccessAction", "FailureActionExitStatus",
        "SuccessActionExitStatus", "JobTimeoutSec", "JobRunningTimeoutSec", "JobTimeoutAction",
        "JobTimeoutRebootArgument", "RebootArgument", "SourcePath"})
    t.emplace(key, not_implemented());
  return t;
}

KeyTable service_section_keys() {
  using S = ServiceConfig;
  KeyTable t{
      {"Type", set_type},
      {"ExecStartPre", exec(&S::exec_start_pre)},
      {"ExecStart", exec(&S::exec_start)},
      {"ExecStartPost", exec(&S::exec_start_post)},
      {"ExecReload", exec(&S::exec_reload)},
      {"ExecStop", exec(&S::exec_stop)},
      {"ExecStopPost", exec(&S::exec_stop_post)},
      {"Restart", choice(&S::restart, {{"no", RestartPolicy::no},
                                       {"on-success", RestartPolicy::on_success},
                                       {"on-failure", RestartPolicy::on_failure},
                                       {"on-abnormal", RestartPolicy::on_abnormal},
                                       {"on-watchdog", RestartPolicy::on_watchdog},
                                       {"on-abort", RestartPolicy::on_abort},
                                       {"always", RestartPolicy::always}})},
      {"RestartSec", time_span(&S::restart_sec)},
      {"TimeoutStartSec", [](Assignment& a) { set_timeout(a, {&S::timeout_start}); }},
      {"TimeoutStopSec", [](Assignment& a) { set_timeout(a, {&S::timeout_stop}); }},
      {"TimeoutSec", [](Assignment& a) { set_timeout(a, {&S::timeout_start, &S::timeout_stop}); }},
      {"RemainAfterExit", boolean(&S::remain_after_exit)},
      {"PIDFile", set_pid_file},
      {"KillMode", choice(&S::kill_mode, {{"control-group", KillMode::control_group},
                                          {"process", KillMode::process},
                                          {"mixed", KillMode::mixed},
                                          {"none", KillMode::none}})},
      {"KillSignal", set_kill_signal},
      {"SendSIGKILL", boolean(&S::send_sigkill)},
      {"SuccessExitStatus", exit_statuses(&S::success_exit_status)},
      {"RestartPreventExitStatus", exit_statuses(&S::restart_prevent_exit_status)},
      {"User", [](Assignment& a) { set_user_or_group(a, &S::user); }},
      {"Group", [](Assignment& a) { set_user_or_group(a, &S::group); }},
      {"SupplementaryGroups", set_supplementary_groups},
      {"Environment", set_environment},
      {"EnvironmentFile", set_environment_file},
      {"WorkingDirectory", set_working_directory},
      {"UMask", set_umask},
      {"StandardInput", set_standard_input},
      {"StandardOutput", [](Assignment& a) { set_output(a, &S::standard_output); }},
      {"StandardError", [](Assignment& a) { set_output(a, &S::standard_error); }},
      {"NoNewPrivileges", boolean(&S::no_new_privileges)},
      {"RuntimeDirectory", set_runtime_directory},
      {"WatchdogSec", set_watchdog},
      {"NotifyAccess", set_notify_access},
      // Compatibility spellings from before these moved to [Unit].
      {"StartLimitInterval", time_span(&S::start_limit_interval)},
      {"StartLimitBurst", set_start_limit_burst},
  };
  static constexpr std::array<std::pair<const char*, int>, 16> kLimits{{
      {"LimitCPU", RLIMIT_CPU},         {"LimitFSIZE", RLIMIT_FSIZE},   {"LimitDATA", RLIMIT_DATA},
      {"LimitSTACK", RLIMIT_STACK},     {"LimitCORE", RLIMIT_CORE},     {"LimitRSS", RLIMIT_RSS},
      {"LimitNOFILE", RLIMIT_NOFILE},   {"LimitAS", RLIMIT_AS},         {"LimitNPROC", RLIMIT_NPROC},
      {"LimitMEMLOCK", RLIMIT_MEMLOCK}, {"LimitLOCKS", RLIMIT_LOCKS},   {"LimitSIGPENDING", RLIMIT_SIGPENDING},
      {"LimitMSGQUEUE", RLIMIT_MSGQUEUE}, {"LimitNICE", RLIMIT_NICE}, {"LimitRTPRIO", RLIMIT_RTPRIO},
      {"LimitRTTIME", RLIMIT_RTTIME},
  }};
  for (auto& [key, resource] : kLimits) t.emplace(key, limit(resource));
  for (const char* key :
       {"BusName", "ProtectSystem", "ProtectHome", "PrivateTmp", "PrivateDevices", "PrivateNetwork",
        "PrivateUsers", "PrivateMounts", "PrivateIPC", "ProtectKernelTunables", "ProtectKernelModules",
        "ProtectKernelLogs", "ProtectControlGroups", "ProtectClock", "ProtectHostname", "ProtectProc",
        "ProcSubset", "ReadOnlyPaths", "ReadWritePaths", "InaccessiblePaths", "ExecPaths", "NoExecPaths",
        "TemporaryFileSystem", "BindPaths", "BindReadOnlyPaths", "CapabilityBoundingSet",
        "AmbientCapabilities", "SystemCallFilter", "SystemCallArchitectures", "SystemCallErrorNumber",
        "SystemCallLog", "RestrictAddressFamilies", "RestrictNamespaces", "RestrictRealtime",
        "RestrictSUIDSGID", "RestrictFileSystems", "LockPersonality", "MemoryDenyWriteExecute", "RemoveIPC",
        "KeyringMode", "MemoryMax", "MemoryHigh", "MemoryLow", "MemoryMin", "MemorySwapMax", "MemoryLimit",
        "MemoryAccounting", "CPUQuota", "CPUWeight", "CPUShares", "CPUAccounting", "IOWeight",
        "IOAccounting", "BlockIOWeight", "BlockIOAccounting", "TasksMax", "TasksAccounting", "DeviceAllow",
        "DevicePolicy", "IPAccounting", "IPAddressAllow", "IPAddressDeny", "Slice", "Delegate", "Nice",
        "OOMScoreAdjust", "OOMPolicy", "IOSchedulingClass", "IOSchedulingPriority",
        "CPUSchedulingPolicy", "CPUSchedulingPriority", "CPUSchedulingResetOnFork", "CPUAffinity",
        "StateDirectory", "StateDirectoryMode", "LogsDirectory", "LogsDirectoryMode", "CacheDirectory",
        "CacheDirectoryMode", "ConfigurationDirectory", "ConfigurationDirectoryMode",
        "RuntimeDirectoryMode", "RuntimeDirectoryPreserve", "DynamicUser", "RestartForceExitStatus",
        "TimeoutAbortSec", "TimeoutStartFailureMode", "TimeoutStopFailureMode", "RuntimeMaxSec",
        "RuntimeRandomizedExtraSec", "FinalKillSignal", "RestartKillSignal", "WatchdogSignal",
        "SendSIGHUP", "GuessMainPID", "PermissionsStartOnly", "RootDirectory", "RootImage", "MountFlags",
        "SyslogIdentifier", "SyslogFacility", "SyslogLevel", "SyslogLevelPrefix", "LogLevelMax",
        "LogExtraFields", "LogRateLimitIntervalSec", "LogRateLimitBurst", "LogNamespace", "TTYPath",
        "TTYReset", "TTYVHangup", "TTYVTDisallocate", "UtmpIdentifier", "UtmpMode", "PAMName",
        "SELinuxContext", "AppArmorProfile", "SmackProcessLabel", "SecureBits", "Personality",
        "IgnoreSIGPIPE", "TimerSlackNSec", "FileDescriptorStoreMax", "USBFunctionDescriptors",
        "USBFunctionStrings", "Sockets", "NonBlocking", "StandardInputText", "StandardInputData",
        "LoadCredential", "LoadCredentialEncrypted", "SetCredential", "SetCredentialEncrypted",
        "ExecCondition", "CoredumpFilter", "UnsetEnvironment", "PassEnvironment", "ManagedOOMSwap",
        "ManagedOOMMemoryPressure", "ManagedOOMMemoryPressureLimit", "ManagedOOMPreference",
        "NUMAPolicy", "NUMAMask"})
    t.emplace(key, not_implemented());
  return t;
}

KeyTable install_section_keys() {
  KeyTable t{
      {"WantedBy", install_targets(&ServiceConfig::wanted_by)},
      {"RequiredBy", install_targets(&ServiceConfig::required_by)},
      {"Alias", add_alias},
  };
  for (const char* key : {"Also", "DefaultInstance"}) t.emplace(key, not_implemented());
  return t;
}

const KeyTable* keys_of_section(std::string_view section) {
  // Built once; immutable afterwards (no mutable global state).
  static const KeyTable kUnit = unit_section_keys();
  static const KeyTable kService = service_section_keys();
  static const KeyTable kInstall = install_section_keys();
  if (section == "Unit") return &kUnit;
  if (section == "Service") return &kService;
  if (section == "Install") return &kInstall;
  return nullptr;
}

}  // namespace

bool apply_service_assignments(const UnitFileSyntax& syntax, const std::string& path,
                               const ServiceKeyContext& context, ServiceConfig& config,
                               Diagnostics& diags) {
  for (const auto& header : syntax.sections) {
    // "X-" sections are for other tools; systemd ignores them silently.
    if (!header.name.empty() && !keys_of_section(header.name) && !header.name.starts_with("X-"))
      diags.warn({path, header.line}, "Unknown section '" + header.name + "', ignoring.");
  }
  bool ok = true;
  for (const auto& assignment : syntax.assignments) {
    const KeyTable* keys = keys_of_section(assignment.section);
    if (keys == nullptr || assignment.key.starts_with("X-")) continue;
    auto it = keys->find(assignment.key);
    if (it == keys->end()) {
      bool condition = assignment.section == "Unit" &&
                       (assignment.key.starts_with("Condition") || assignment.key.starts_with("Assert"));
      if (condition)
        diags.warn({path, assignment.line},
                   assignment.key + "= is not implemented by Vermilion; ignored (the unit starts as if it held).");
      else
        diags.warn({path, assignment.line}, "Unknown key '" + assignment.key + "' in section [" +
                                                assignment.section + "], ignoring.");
      continue;
    }
    Assignment a(assignment, path, context, config, diags);
    it->second(a);
    if (a.failed) ok = false;
  }
  return ok;
}

bool verify_service_config(const ServiceConfig& config, Diagnostics& diags) {
  SourceLocation unit{config.fragment_path, 0};
  bool ok = true;
  if (config.type != ServiceType::oneshot) {
    if (config.exec_start.empty()) {
      diags.error(unit, "Service has no ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.");
      ok = false;
    } else if (config.exec_start.size() > 1) {
      diags.error(config.exec_start[1].where,
                  "Service has more than one ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.");
      ok = false;
    }
  } else {
    if (config.exec_start.empty() && config.exec_stop.empty()) {
      diags.error(unit, "Service has no ExecStart= and no ExecStop= setting. Refusing.");
      ok = false;
    }
    if (config.restart == RestartPolicy::always || config.restart == RestartPolicy::on_success) {
      diags.error(unit, "Service has Restart= set to either always or on-success, which isn't allowed for Type=oneshot services. Refusing.");
      ok = false;
    }
  }
  return ok;
}

}  // namespace vermilion
