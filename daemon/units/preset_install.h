// systemctl preset and preset-all (systemd 252's unit_file_preset() and
// unit_file_preset_all(), src/shared/install.c): enablement as the preset
// policy (units/unit_presets.h) says, through UnitInstaller.
//
// Each named unit file (or, for preset-all, each in the search path) is
// looked up: one that does not exist fails the call (-ENOENT; preset-all
// skips), an alias is skipped (presets name real unit files). The policy
// then says enable (the unit, or the instances a template's rule lists) or
// disable. Every disable is done first, then every enable, unless `mode`
// leaves one side out, as systemd's execute_preset() does.
#pragma once

#include <string>
#include <vector>

#include "units/diagnostics.h"
#include "units/unit_install.h"
#include "units/unit_presets.h"

namespace vermilion {

// 0 or the first -errno, as UnitInstaller's enable/disable (-ENOENT,
// -ERFKILL for a unit the policy enables that is masked, -EEXIST, -EINVAL
// for an invalid name). `changes` holds what was done, also on failure.
[[nodiscard]] int apply_presets(const UnitInstaller& installer, const UnitPresets& presets,
                                const std::vector<std::string>& names, PresetMode mode,
                                std::vector<InstallChange>& changes, Diagnostics& diags);

// Every unit file in the search path. As systemd, a unit that cannot be
// enabled (masked, a link or file in the way, a template without an
// instance to enable) is skipped, its reason left out of `diags`; other
// errors are kept and the first returned, after the rest were done.
[[nodiscard]] int apply_presets_to_all(const UnitInstaller& installer, const UnitPresets& presets, PresetMode mode,
                                       std::vector<InstallChange>& changes, Diagnostics& diags);

}  // namespace vermilion
