#include "units/unit_config.h"

#include <sys/personality.h>

namespace vermilion {

const char* to_string(LoadState s) {
  switch (s) {
    case LoadState::loaded: return "loaded";
    case LoadState::not_found: return "not-found";
    case LoadState::bad_setting: return "bad-setting";
    case LoadState::error: return "error";
  }
  return "error";
}

const char* to_string(UnitType t) { return t == UnitType::target ? "target" : "service"; }

const char* to_string(NotifyAccess n) {
  switch (n) {
    case NotifyAccess::none: return "none";
    case NotifyAccess::main: return "main";
    case NotifyAccess::exec: return "exec";
    case NotifyAccess::all: return "all";
  }
  return "none";
}

const char* to_string(ServiceType t) {
  switch (t) {
    case ServiceType::simple: return "simple";
    case ServiceType::exec: return "exec";
    case ServiceType::notify: return "notify";
    case ServiceType::oneshot: return "oneshot";
    case ServiceType::forking: return "forking";
    case ServiceType::idle: return "idle";
    case ServiceType::dbus: return "dbus";
  }
  return "simple";
}

const char* to_string(RestartPolicy p) {
  switch (p) {
    case RestartPolicy::no: return "no";
    case RestartPolicy::on_success: return "on-success";
    case RestartPolicy::on_failure: return "on-failure";
    case RestartPolicy::on_abnormal: return "on-abnormal";
    case RestartPolicy::on_watchdog: return "on-watchdog";
    case RestartPolicy::on_abort: return "on-abort";
    case RestartPolicy::always: return "always";
  }
  return "no";
}

const char* to_string(KillMode m) {
  switch (m) {
    case KillMode::control_group: return "control-group";
    case KillMode::process: return "process";
    case KillMode::mixed: return "mixed";
    case KillMode::none: return "none";
  }
  return "control-group";
}

std::string to_string(const NamespacePath& p) {
  return std::string(p.ignore_missing ? "-" : "") + (p.root_relative ? "+" : "") + p.path;
}

const char* to_string(ProtectSystem p) {
  switch (p) {
    case ProtectSystem::no: return "no";
    case ProtectSystem::yes: return "yes";
    case ProtectSystem::full: return "full";
    case ProtectSystem::strict: return "strict";
  }
  return "no";
}

std::string cpu_set_to_string(const std::vector<unsigned long>& cpus) {
  constexpr std::size_t kBits = 8 * sizeof(unsigned long);
  auto has = [&](std::size_t cpu) { return (cpus[cpu / kBits] >> (cpu % kBits)) & 1UL; };
  std::string out;
  const std::size_t total = cpus.size() * kBits;
  for (std::size_t cpu = 0; cpu < total; ++cpu) {
    if (!has(cpu)) continue;
    std::size_t last = cpu;
    while (last + 1 < total && has(last + 1)) ++last;
    if (!out.empty()) out += ' ';
    out += std::to_string(cpu);
    if (last > cpu) out += "-" + std::to_string(last);
    cpu = last;
  }
  return out;
}

std::string personality_to_string(std::optional<unsigned long> personality) {
  if (!personality) return "";
  if (*personality == PER_LINUX) return std::string(kNativeArchitecture);
  if (*personality == PER_LINUX32) return std::string(kSecondaryArchitecture);
  return std::to_string(*personality);
}

const char* to_string(ProtectProc p) {
  switch (p) {
    case ProtectProc::default_: return "default";
    case ProtectProc::noaccess: return "noaccess";
    case ProtectProc::invisible: return "invisible";
    case ProtectProc::ptraceable: return "ptraceable";
  }
  return "default";
}

const char* to_string(ProcSubset p) { return p == ProcSubset::pid ? "pid" : "all"; }

const char* to_string(ProtectHome p) {
  switch (p) {
    case ProtectHome::no: return "no";
    case ProtectHome::yes: return "yes";
    case ProtectHome::read_only: return "read-only";
    case ProtectHome::tmpfs: return "tmpfs";
  }
  return "no";
}

const char* to_string(KeyringMode m) {
  switch (m) {
    case KeyringMode::inherit: return "inherit";
    case KeyringMode::private_: return "private";
    case KeyringMode::shared: return "shared";
  }
  return "inherit";
}

const char* to_string(TimeoutFailureMode m) {
  switch (m) {
    case TimeoutFailureMode::terminate: return "terminate";
    case TimeoutFailureMode::abort: return "abort";
    case TimeoutFailureMode::kill: return "kill";
  }
  return "terminate";
}

const char* to_string(UtmpMode m) {
  switch (m) {
    case UtmpMode::init: return "init";
    case UtmpMode::login: return "login";
    case UtmpMode::user: return "user";
  }
  return "init";
}

const char* to_string(JobMode m) {
  switch (m) {
    case JobMode::fail: return "fail";
    case JobMode::replace: return "replace";
    case JobMode::replace_irreversibly: return "replace-irreversibly";
    case JobMode::isolate: return "isolate";
    case JobMode::flush: return "flush";
    case JobMode::ignore_dependencies: return "ignore-dependencies";
    case JobMode::ignore_requirements: return "ignore-requirements";
    case JobMode::triggering: return "triggering";
  }
  return "replace";
}

std::optional<JobMode> job_mode_from_string(std::string_view word) {
  for (int i = 0; i <= static_cast<int>(JobMode::triggering); ++i)
    if (word == to_string(static_cast<JobMode>(i))) return static_cast<JobMode>(i);
  return std::nullopt;
}

const char* to_string(EmergencyAction a) {
  switch (a) {
    case EmergencyAction::none: return "none";
    case EmergencyAction::exit: return "exit";
    case EmergencyAction::exit_force: return "exit-force";
    case EmergencyAction::reboot: return "reboot";
    case EmergencyAction::reboot_force: return "reboot-force";
    case EmergencyAction::reboot_immediate: return "reboot-immediate";
    case EmergencyAction::poweroff: return "poweroff";
    case EmergencyAction::poweroff_force: return "poweroff-force";
    case EmergencyAction::poweroff_immediate: return "poweroff-immediate";
    case EmergencyAction::halt: return "halt";
    case EmergencyAction::halt_force: return "halt-force";
    case EmergencyAction::halt_immediate: return "halt-immediate";
    case EmergencyAction::kexec: return "kexec";
    case EmergencyAction::kexec_force: return "kexec-force";
  }
  return "none";
}

}  // namespace vermilion
