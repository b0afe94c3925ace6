// Meaning of the keys of a .service file: applies parsed assignments to a
// ServiceConfig, and checks the result as systemd's service_verify does.
// Policy, as systemd 252 (src/core/load-fragment.c), key by key: unknown
// sections/keys warn; known keys Vermilion does not implement warn once
// saying how they are treated; an invalid value is, for most keys, a
// warning and the assignment is ignored ("..., ignoring: VALUE"), the unit
// loads. A few make the unit bad-setting: Exec*= (program path, quoting,
// specifiers; a '-' prefix makes these warnings), User=, Group=,
// SupplementaryGroups=, WorkingDirectory= (unless '-'). PIDFile= with ".."
// fails the load (state "error"). Parsing goes on after any of them, so
// every problem is reported in one pass, each with file:line.
#pragma once

#include <string>

#include "units/diagnostics.h"
#include "units/runtime_scope.h"
#include "units/specifiers.h"
#include "units/unit_config.h"
#include "units/unit_file_syntax.h"

namespace vermilion {

struct ServiceKeyContext {
  const SpecifierResolver& specifiers;
  const RuntimeIdentity& identity;  // runtime dir for relative PIDFile=
};

struct ApplyResult {
  bool bad_setting = false;  // a value that makes the unit bad-setting was reported
  bool load_error = false;   // a value that fails the load (state "error") was reported
};

// Applies one file (the fragment or a drop-in) on top of config.
[[nodiscard]] ApplyResult apply_service_assignments(const UnitFileSyntax& syntax, const std::string& path,
                                             const ServiceKeyContext& context, ServiceConfig& config,
                                             Diagnostics& diags);

// Defaults that depend on other keys, after all files are applied
// (systemd's service_add_extras): without Type= a unit with no ExecStart=
// is Type=oneshot; a oneshot without TimeoutStartSec=/TimeoutSec= has no
// start timeout; ProtectKernelModules=, ProtectKernelLogs= and
// ProtectClock= drop CAP_SYS_MODULE, CAP_SYSLOG, CAP_SYS_TIME and
// CAP_WAKE_ALARM from the bounding set, PrivateDevices= CAP_MKNOD and
// CAP_SYS_RAWIO (unit_patch_contexts()). (NotifyAccess= with WatchdogSec= is
// ServiceConfig::effective_notify_access().)
void complete_service_config(ServiceConfig& config);

// Whole-unit checks after complete_service_config(), in systemd 252's
// order (service_verify): ExecStart=/ExecStop=/SuccessAction= present,
// ExecStart= count, RemainAfterExit=, oneshot restrictions (Restart=,
// RestartForceExitStatus=). Reports the
// first problem only, as systemd; it points at the fragment, at the
// offending line where there is one. Returns false when the unit must not
// be used.
[[nodiscard]] bool verify_service_config(const ServiceConfig& config, Diagnostics& diags);

}  // namespace vermilion
