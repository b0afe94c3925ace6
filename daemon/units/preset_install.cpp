#include "units/preset_install.h"

#include <cerrno>

#include "common/unit_name.h"

namespace vermilion {
namespace {

struct Plan {
  std::vector<std::string> enable;
  std::vector<std::string> disable;
};

void plan_one(const UnitPresets& presets, const std::string& name, Plan& plan) {
  auto decision = presets.decide(name);
  if (!decision) return;
  if (decision->action == PresetAction::disable) {
    plan.disable.push_back(name);
  } else if (!decision->instances.empty()) {
    plan.enable.insert(plan.enable.end(), decision->instances.begin(), decision->instances.end());
  } else {
    plan.enable.push_back(name);
  }
}

}  // namespace

int apply_presets(const UnitInstaller& installer, const UnitPresets& presets, const std::vector<std::string>& names,
                  PresetMode mode, std::vector<InstallChange>& changes, Diagnostics& diags) {
  Plan plan;
  for (const std::string& name : names) {
    if (!is_valid_unit_name(name)) {
      diags.error({}, "Invalid unit name \"" + name + "\".");
      return -EINVAL;
    }
    auto state = installer.state(name);
    if (!state) {
      diags.error({}, "Unit file " + name + " does not exist.");
      return -ENOENT;
    }
    if (*state == UnitFileState::alias) continue;  // "Skipping X because it is an alias for Y."
    plan_one(presets, name, plan);
  }
  if (mode != PresetMode::enable_only && !plan.disable.empty()) {
    if (int r = installer.disable(plan.disable, changes, diags); r < 0) return r;
  }
  if (mode != PresetMode::disable_only && !plan.enable.empty()) return installer.enable(plan.enable, changes, diags);
  return 0;
}

int apply_presets_to_all(const UnitInstaller& installer, const UnitPresets& presets, PresetMode mode,
                         std::vector<InstallChange>& changes, Diagnostics& diags) {
  Plan plan;
  for (const auto& [name, state] : installer.list()) {
    if (state == UnitFileState::alias || state == UnitFileState::masked || state == UnitFileState::masked_runtime)
      continue;
    plan_one(presets, name, plan);
  }
  int result = 0;
  auto keep = [&](int r, const Diagnostics& some) {
    // unit_file_preset_all() skips what cannot be enabled and propagates
    // anything else.
    if (r == -EEXIST || r == -ERFKILL || r == -ENOENT || r == -EINVAL) return;
    if (r >= 0) return;
    diags.append(some);
    if (result == 0) result = r;
  };
  if (mode != PresetMode::enable_only && !plan.disable.empty()) {
    Diagnostics some;
    keep(installer.disable(plan.disable, changes, some), some);
  }
  if (mode != PresetMode::disable_only) {
    for (const std::string& name : plan.enable) {
      Diagnostics some;
      keep(installer.enable({name}, changes, some), some);
    }
  }
  return result;
}

}  // namespace vermilion
