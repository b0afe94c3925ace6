// Meaning of the keys of a .service file: applies parsed assignments to a
// ServiceConfig, and checks the result as systemd's service_verify does.
// Policy, as systemd: unknown sections/keys warn; known keys Vermilion does
// not implement warn once saying how they are treated; an invalid value of a
// known key is an error (the unit becomes bad-setting) but parsing goes on
// so every problem is reported in one pass.
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

// Applies one file (the fragment or a drop-in) on top of config. Returns
// false when an invalid value was reported.
[[nodiscard]] bool apply_service_assignments(const UnitFileSyntax& syntax, const std::string& path,
                                             const ServiceKeyContext& context, ServiceConfig& config,
                                             Diagnostics& diags);

// Whole-unit checks after all files are applied (ExecStart= count, oneshot
// restrictions). Messages point at the fragment, at the offending line where
// there is one. Returns false when the unit must not be used.
[[nodiscard]] bool verify_service_config(const ServiceConfig& config, Diagnostics& diags);

}  // namespace vermilion
