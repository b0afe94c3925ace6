#include "units/target_unit.h"

#include <gtest/gtest.h>

#include <map>

#include "units/unit_loader.h"

namespace vermilion {
namespace {

ServiceConfig load_builtin(const BuiltinTarget& target, RuntimeScope scope, Diagnostics& diags) {
  UnitLoader loader({}, RuntimeIdentity::for_tests(scope));
  loader.add_builtin(target.name, target.source_name, target.text);
  return loader.load(target.name, diags);
}

std::map<std::string, ServiceConfig> load_all(RuntimeScope scope, Diagnostics& diags) {
  std::map<std::string, ServiceConfig> out;
  for (const auto& target : builtin_targets(scope)) out[target.name] = load_builtin(target, scope, diags);
  return out;
}

using Names = std::vector<std::string>;

// System scope: the chain systemd 252 ships (less the units vermiliond does
// not run): default.target requires multi-user.target (as systemd's
// default.target -> graphical.target -> multi-user.target), so `enable`
// (links in multi-user.target.wants/) means "start at boot"; multi-user
// requires basic.target, which requires sysinit.target, so the default
// dependencies of every service resolve; shutdown.target has none itself.
TEST(BuiltinTargets, SystemHasTheSpecialTargetsDefaultDependenciesName) {
  Diagnostics diags;
  auto targets = load_all(RuntimeScope::system, diags);
  EXPECT_TRUE(diags.items().empty());
  ASSERT_EQ(targets.size(), 5u);
  for (const auto& [name, config] : targets) {
    EXPECT_EQ(config.name, name);
    EXPECT_EQ(config.unit_type, UnitType::target);
    EXPECT_EQ(config.load_state, LoadState::loaded) << name;
    EXPECT_EQ(config.fragment_path, "<built-in>/" + name);
    EXPECT_EQ(config.default_dependencies, name != "shutdown.target") << name;
  }
  EXPECT_TRUE(targets["sysinit.target"].requires_.empty());
  EXPECT_EQ(targets["basic.target"].requires_, (Names{"sysinit.target"}));
  EXPECT_EQ(targets["basic.target"].after, (Names{"sysinit.target"}));
  EXPECT_EQ(targets["multi-user.target"].requires_, (Names{"basic.target"}));
  EXPECT_EQ(targets["multi-user.target"].after, (Names{"basic.target"}));
  EXPECT_TRUE(targets["multi-user.target"].wants.empty());
  EXPECT_EQ(targets["default.target"].requires_, (Names{"multi-user.target"}));
  EXPECT_EQ(targets["default.target"].after, (Names{"multi-user.target"}));
  EXPECT_EQ(targets["shutdown.target"].description, "System Shutdown");
}

// User scope: no sysinit.target (systemd's user manager has none; services
// require basic.target there), default.target as systemd's user one.
TEST(BuiltinTargets, UserHasBasicDefaultAndShutdown) {
  Diagnostics diags;
  auto targets = load_all(RuntimeScope::user, diags);
  EXPECT_TRUE(diags.items().empty());
  ASSERT_EQ(targets.size(), 3u);
  ASSERT_TRUE(targets.count(std::string(kBasicTarget)));
  ASSERT_TRUE(targets.count(std::string(kShutdownTarget)));
  const ServiceConfig& def = targets[std::string(kDefaultTarget)];
  EXPECT_EQ(def.load_state, LoadState::loaded);
  EXPECT_EQ(def.description, "Main User Target");
  EXPECT_EQ(def.requires_, (Names{"basic.target"}));
  EXPECT_EQ(def.after, (Names{"basic.target"}));
  EXPECT_TRUE(targets[std::string(kBasicTarget)].requires_.empty());
  EXPECT_FALSE(targets[std::string(kShutdownTarget)].default_dependencies);
}

}  // namespace
}  // namespace vermilion
