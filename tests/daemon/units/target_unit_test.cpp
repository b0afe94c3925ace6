#include "units/target_unit.h"

#include <gtest/gtest.h>

#include "units/unit_loader.h"

namespace vermilion {
namespace {

ServiceConfig load_builtin(const BuiltinTarget& target, RuntimeScope scope, Diagnostics& diags) {
  UnitLoader loader({}, RuntimeIdentity::for_tests(scope));
  loader.add_builtin(target.name, target.source_name, target.text);
  return loader.load(target.name, diags);
}

// System scope: multi-user.target, and default.target requiring it (as
// systemd's default.target -> graphical.target -> multi-user.target), so
// `enable` (links in multi-user.target.wants/) means "start at boot".
TEST(BuiltinTargets, SystemHasDefaultRequiringMultiUser) {
  auto targets = builtin_targets(RuntimeScope::system);
  ASSERT_EQ(targets.size(), 2u);
  Diagnostics diags;
  ServiceConfig multi = load_builtin(targets[0], RuntimeScope::system, diags);
  EXPECT_EQ(multi.name, "multi-user.target");
  EXPECT_EQ(multi.unit_type, UnitType::target);
  EXPECT_EQ(multi.load_state, LoadState::loaded);
  EXPECT_EQ(multi.fragment_path, "<built-in>/multi-user.target");
  EXPECT_TRUE(multi.wants.empty());
  ServiceConfig def = load_builtin(targets[1], RuntimeScope::system, diags);
  EXPECT_EQ(def.name, "default.target");
  EXPECT_EQ(def.load_state, LoadState::loaded);
  EXPECT_EQ(def.requires_, (std::vector<std::string>{"multi-user.target"}));
  EXPECT_EQ(def.after, (std::vector<std::string>{"multi-user.target"}));
  EXPECT_TRUE(def.default_dependencies);
  EXPECT_TRUE(diags.items().empty());
}

TEST(BuiltinTargets, UserHasDefaultOnly) {
  auto targets = builtin_targets(RuntimeScope::user);
  ASSERT_EQ(targets.size(), 1u);
  Diagnostics diags;
  ServiceConfig def = load_builtin(targets[0], RuntimeScope::user, diags);
  EXPECT_EQ(def.name, std::string(kDefaultTarget));
  EXPECT_EQ(def.load_state, LoadState::loaded);
  EXPECT_TRUE(def.requires_.empty());
  EXPECT_TRUE(diags.items().empty());
}

}  // namespace
}  // namespace vermilion
