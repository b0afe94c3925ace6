// Units that must start at boot are enabled, as an administrator would with
// `systemctl enable` before starting the supervisor: the links their
// [Install] section asks for, made by the same code vermiliond's
// enablement runs (UnitInstaller), in the first (here only) unit directory.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "units/unit_install.h"

namespace vermilion::testing {

inline void enable_units(const std::string& unit_dir, const std::vector<std::string>& names) {
  UnitInstaller installer(InstallPaths{{unit_dir}, unit_dir, ""});
  std::vector<InstallChange> changes;
  Diagnostics diags;
  int r = installer.change(UnitFileOperation::enable, names, changes, diags);
  std::string messages;
  for (const auto& d : diags.items()) messages += format_diagnostic(d) + "\n";
  EXPECT_EQ(r, 0) << messages;
}

}  // namespace vermilion::testing
