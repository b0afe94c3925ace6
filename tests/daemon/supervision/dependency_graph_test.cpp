#include "supervision/dependency_graph.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace vermilion {
namespace {

using Names = DependencyGraph::NameSet;

// Configurations by canonical name; `aliases` maps other names to them.
class DependencyGraphTest : public ::testing::Test {
 protected:
  ServiceConfig& unit(const std::string& name) {
    ServiceConfig& c = configs_[name];
    c.name = name;
    return c;
  }
  std::vector<std::string> rebuild() {
    std::map<std::string, const ServiceConfig*> units;
    for (const auto& [name, config] : configs_) units[name] = &config;
    return graph_.rebuild(
        units,
        [this](const std::string& n) {
          auto alias = aliases_.find(n);
          return alias == aliases_.end() ? n : alias->second;
        },
        scope_);
  }
  // A unit that loaded, a service or a target by its name.
  ServiceConfig& loaded(const std::string& name) {
    ServiceConfig& c = unit(name);
    c.load_state = LoadState::loaded;
    c.unit_type = name.ends_with(".target") ? UnitType::target : UnitType::service;
    return c;
  }

  RuntimeScope scope_ = RuntimeScope::system;
  std::map<std::string, ServiceConfig> configs_;
  std::map<std::string, std::string> aliases_;
  DependencyGraph graph_;
};

TEST_F(DependencyGraphTest, AfterAndBeforeAreTwoViewsOfOneOrder) {
  unit("web.service").after = {"db.service"};
  unit("db.service").before = {"cache.service"};
  unit("cache.service");
  EXPECT_TRUE(rebuild().empty());
  EXPECT_EQ(graph_.after("web.service").owned(), Names{"db.service"});
  EXPECT_EQ(graph_.before("db.service").owned(), (Names{"cache.service", "web.service"}));
  EXPECT_EQ(graph_.after("cache.service").owned(), Names{"db.service"}) << "db's Before= orders cache after db";
  EXPECT_TRUE(graph_.after("db.service").empty());
  EXPECT_TRUE(graph_.after("unknown.service").empty()) << "unknown names have no edges";
}

TEST_F(DependencyGraphTest, RequirementsAndTheirReverse) {
  ServiceConfig& web = unit("web.service");
  web.requires_ = {"db.service"};
  web.binds_to = {"net.service"};
  web.requisite = {"mount.service"};
  web.wants = {"metrics.service"};
  for (const char* n : {"db.service", "net.service", "mount.service", "metrics.service"}) unit(n);
  rebuild();
  EXPECT_EQ(graph_.requirements("web.service").owned(), (Names{"db.service", "net.service"}))
      << "BindsTo= requires too";
  EXPECT_EQ(graph_.requisites("web.service").owned(), Names{"mount.service"});
  EXPECT_EQ(graph_.wants("web.service").owned(), Names{"metrics.service"});
  EXPECT_EQ(graph_.required_by("db.service").owned(), Names{"web.service"});
  EXPECT_EQ(graph_.required_by("net.service").owned(), Names{"web.service"});
  EXPECT_EQ(graph_.required_by("mount.service").owned(), Names{"web.service"}) << "Requisite= stops with it too";
  EXPECT_TRUE(graph_.required_by("metrics.service").empty()) << "Wants= is not a requirement";
  EXPECT_EQ(graph_.bound_by("net.service").owned(), Names{"web.service"});
  EXPECT_TRUE(graph_.bound_by("db.service").empty());
  EXPECT_TRUE(graph_.after("web.service").empty()) << "requirements do not order";
}

// [Install] is read only by enablement (as in systemd): WantedBy= and
// RequiredBy= add no edge; the links enable makes (.wants/, merged into
// Wants= by the loader) do.
TEST_F(DependencyGraphTest, InstallSectionAddsNoEdges) {
  unit("app.service");
  unit("plugin.service").wanted_by = {"app.service", "multi-user.target"};
  unit("driver.service").required_by = {"app.service"};
  rebuild();
  EXPECT_TRUE(graph_.wants("app.service").empty());
  EXPECT_TRUE(graph_.requirements("app.service").empty());
  EXPECT_TRUE(graph_.required_by("driver.service").empty());
}

// systemd.target(5): a target is ordered after what it Wants=/Requires=
// (and Requisite=/BindsTo=), when both sides have DefaultDependencies=yes
// and are loaded, unless it is already ordered before it.
TEST_F(DependencyGraphTest, TargetsAreOrderedAfterWhatTheyPullIn) {
  ServiceConfig& multi = loaded("multi-user.target");
  multi.wants = {"a.service", "early.service", "nodefaults.service", "missing.service", "b.service"};
  multi.requires_ = {"r.service"};
  multi.requisite = {"q.service"};
  multi.before = {"early.service"};
  loaded("default.target").requires_ = {"multi-user.target"};
  for (const char* n : {"a.service", "early.service", "r.service", "q.service"}) loaded(n);
  loaded("nodefaults.service").default_dependencies = false;
  unit("b.service").load_state = LoadState::bad_setting;
  ServiceConfig& plain = loaded("plain.target");
  plain.default_dependencies = false;
  plain.wants = {"a.service"};
  loaded("svc.service").wants = {"a.service"};
  EXPECT_TRUE(rebuild().empty());
  EXPECT_EQ(graph_.after("multi-user.target").owned(), (Names{"a.service", "q.service", "r.service"}));
  EXPECT_EQ(graph_.before("early.service").owned(), Names{"shutdown.target"}) << "already before: no loop is made";
  EXPECT_EQ(graph_.after("early.service").owned(), (Names{"basic.target", "multi-user.target", "sysinit.target"}));
  EXPECT_EQ(graph_.after("default.target").owned(), Names{"multi-user.target"});
  EXPECT_TRUE(graph_.after("plain.target").empty()) << "DefaultDependencies=no";
  EXPECT_EQ(graph_.after("svc.service").owned(), (Names{"basic.target", "sysinit.target"})) << "only targets";
}

// Two targets that pull in each other: the first (in name order) is ordered
// after the second, and the second, already ordered before the first by
// that very edge, is not ordered after it (no loop is made, nothing to
// break: the check sees edges added for earlier targets too).
TEST_F(DependencyGraphTest, TargetsPullingInEachOtherMakeNoLoop) {
  loaded("a.target").wants = {"b.target"};
  loaded("b.target").requires_ = {"a.target"};
  EXPECT_TRUE(rebuild().empty()) << "no ordering cycle to break";
  EXPECT_EQ(graph_.after("a.target").owned(), Names{"b.target"});
  EXPECT_FALSE(graph_.after("b.target").contains("a.target"));
  EXPECT_TRUE(graph_.before("b.target").contains("a.target"));
}

// systemd.service(5), systemd.target(5) "Default Dependencies"; what
// systemd 252 shows is tests/conformance/cases/default-dependencies.
TEST_F(DependencyGraphTest, DefaultDependenciesOfServicesAndTargets) {
  loaded("plain.service");
  loaded("nodefaults.service").default_dependencies = false;
  loaded("app.target").wants = {"plain.service", "nodefaults.service"};
  loaded("bare.target").default_dependencies = false;
  loaded("basic.target").requires_ = {"sysinit.target"};
  loaded("shutdown.target");  // DefaultDependencies=yes, yet not before or against itself
  unit("broken.service").load_state = LoadState::bad_setting;
  EXPECT_TRUE(rebuild().empty());

  DependencyGraph::Listed plain = graph_.listed("plain.service");
  using List = std::vector<std::string>;
  EXPECT_EQ(plain.requires_, List{"sysinit.target"});
  EXPECT_EQ(plain.after, (List{"basic.target", "sysinit.target"}));
  EXPECT_EQ(plain.before, (List{"app.target", "shutdown.target"})) << "app.target's default After=";
  EXPECT_EQ(plain.conflicts, List{"shutdown.target"});
  EXPECT_EQ(graph_.requirements("plain.service").owned(), Names{"sysinit.target"}) << "jobs pull it in";
  EXPECT_EQ(graph_.conflicts("plain.service").owned(), Names{"shutdown.target"});

  DependencyGraph::Listed nodefaults = graph_.listed("nodefaults.service");
  EXPECT_TRUE(nodefaults.requires_.empty());
  EXPECT_TRUE(nodefaults.after.empty());
  EXPECT_TRUE(nodefaults.before.empty()) << "nor is app.target ordered after it";
  EXPECT_TRUE(nodefaults.conflicts.empty());

  DependencyGraph::Listed app = graph_.listed("app.target");
  EXPECT_TRUE(app.requires_.empty()) << "a target requires nothing by default";
  EXPECT_EQ(app.wants, (List{"nodefaults.service", "plain.service"}));
  EXPECT_EQ(app.after, List{"plain.service"});
  EXPECT_EQ(app.before, List{"shutdown.target"});
  EXPECT_EQ(app.conflicts, List{"shutdown.target"});

  DependencyGraph::Listed bare = graph_.listed("bare.target");
  EXPECT_TRUE(bare.before.empty());
  EXPECT_TRUE(bare.conflicts.empty());

  DependencyGraph::Listed shutdown = graph_.listed("shutdown.target");
  EXPECT_TRUE(shutdown.before.empty());
  EXPECT_TRUE(shutdown.conflicts.empty()) << "Conflicts= is listed one way: ConflictedBy= is the other";
  EXPECT_EQ(shutdown.after, (List{"app.target", "basic.target", "plain.service"}));
  EXPECT_EQ(graph_.conflicts("shutdown.target").owned(), (Names{"app.target", "basic.target", "plain.service"}))
      << "for jobs, both ways";

  EXPECT_TRUE(graph_.listed("broken.service").after.empty()) << "only units that loaded";
  EXPECT_EQ(graph_.listed("basic.target").requires_, List{"sysinit.target"});
}

// A user manager has no sysinit.target: services require basic.target.
TEST_F(DependencyGraphTest, DefaultDependenciesInUserScope) {
  scope_ = RuntimeScope::user;
  loaded("plain.service");
  rebuild();
  DependencyGraph::Listed plain = graph_.listed("plain.service");
  using List = std::vector<std::string>;
  EXPECT_EQ(plain.requires_, List{"basic.target"});
  EXPECT_EQ(plain.after, List{"basic.target"});
  EXPECT_EQ(plain.before, List{"shutdown.target"});
  EXPECT_EQ(plain.conflicts, List{"shutdown.target"});
}

// Listed are the forward dependencies: BindsTo= is not Requires=, and the
// other side of a Conflicts= is not listed (systemd's ConflictedBy=).
TEST_F(DependencyGraphTest, ListedDependenciesAreForwardOnes) {
  ServiceConfig& web = unit("web.service");
  web.requires_ = {"db.service"};
  web.binds_to = {"net.service"};
  web.requisite = {"mount.service"};
  web.conflicts = {"other.service"};
  web.before = {"late.service"};
  rebuild();
  DependencyGraph::Listed listed = graph_.listed("web.service");
  using List = std::vector<std::string>;
  EXPECT_EQ(listed.requires_, List{"db.service"});
  EXPECT_EQ(listed.binds_to, List{"net.service"});
  EXPECT_EQ(listed.requisite, List{"mount.service"});
  EXPECT_EQ(listed.conflicts, List{"other.service"});
  EXPECT_TRUE(graph_.listed("other.service").conflicts.empty());
  EXPECT_EQ(graph_.listed("late.service").after, List{"web.service"});
}

// systemd.unit(5), "Mapping of unit properties to their inverses": each
// inverse names exactly the units whose forward list names this one.
TEST_F(DependencyGraphTest, ListedInversesNameTheUnitsThatReferToIt) {
  ServiceConfig& web = unit("web.service");
  web.requires_ = {"db.service"};
  web.wants = {"cache.service"};
  web.binds_to = {"net.service"};
  web.requisite = {"mount.service"};
  web.conflicts = {"other.service"};
  web.part_of = {"app.service"};
  web.on_failure = {"alert.service"};
  web.on_success = {"alert.service", "done.service"};
  rebuild();
  using List = std::vector<std::string>;
  const List web_only{"web.service"};
  EXPECT_EQ(graph_.listed("db.service").required_by, web_only);
  EXPECT_TRUE(graph_.listed("net.service").required_by.empty()) << "BindsTo= is BoundBy=, not RequiredBy=";
  EXPECT_EQ(graph_.listed("net.service").bound_by, web_only);
  EXPECT_EQ(graph_.listed("cache.service").wanted_by, web_only);
  EXPECT_EQ(graph_.listed("mount.service").requisite_of, web_only);
  EXPECT_EQ(graph_.listed("other.service").conflicted_by, web_only);
  EXPECT_TRUE(graph_.listed("web.service").conflicted_by.empty());
  EXPECT_EQ(graph_.listed("web.service").part_of, List{"app.service"});
  EXPECT_EQ(graph_.listed("app.service").consists_of, web_only);
  EXPECT_EQ(graph_.consists_of("app.service").owned(), Names{"web.service"});
  EXPECT_EQ(graph_.listed("alert.service").on_failure_of, web_only);
  EXPECT_EQ(graph_.listed("alert.service").on_success_of, web_only) << "once, though web names it twice in all";
  EXPECT_EQ(graph_.listed("done.service").on_success_of, web_only);
  EXPECT_TRUE(graph_.listed("done.service").on_failure_of.empty());
}

TEST_F(DependencyGraphTest, ConflictsGoBothWays) {
  unit("a.service").conflicts = {"b.service"};
  unit("b.service");
  rebuild();
  EXPECT_EQ(graph_.conflicts("a.service").owned(), Names{"b.service"});
  EXPECT_EQ(graph_.conflicts("b.service").owned(), Names{"a.service"});
}

TEST_F(DependencyGraphTest, AliasesResolveToCanonicalNames) {
  aliases_["database.service"] = "db.service";
  unit("db.service");
  ServiceConfig& web = unit("web.service");
  web.after = {"database.service"};
  web.requires_ = {"database.service"};
  rebuild();
  EXPECT_EQ(graph_.after("web.service").owned(), Names{"db.service"});
  EXPECT_EQ(graph_.required_by("db.service").owned(), Names{"web.service"});
  EXPECT_TRUE(graph_.required_by("database.service").empty());
}

TEST_F(DependencyGraphTest, EdgesToItselfAreIgnored) {
  aliases_["me.service"] = "self.service";
  ServiceConfig& self = unit("self.service");
  self.after = {"self.service"};
  self.before = {"me.service"};
  self.requires_ = {"me.service"};
  self.binds_to = {"self.service"};
  self.requisite = {"self.service"};
  self.wants = {"self.service"};
  self.required_by = {"self.service"};
  self.conflicts = {"me.service"};
  EXPECT_TRUE(rebuild().empty()) << "no cycle of one";
  EXPECT_TRUE(graph_.after("self.service").empty());
  EXPECT_TRUE(graph_.requirements("self.service").empty());
  EXPECT_TRUE(graph_.requisites("self.service").empty());
  EXPECT_TRUE(graph_.wants("self.service").empty());
  EXPECT_TRUE(graph_.bound_by("self.service").empty());
  EXPECT_TRUE(graph_.conflicts("self.service").empty());
}

TEST_F(DependencyGraphTest, AnOrderingCycleIsBrokenAndNamed) {
  unit("a.service").after = {"b.service"};
  unit("b.service").after = {"c.service"};
  unit("c.service").after = {"a.service"};
  ServiceConfig& d = unit("d.service");
  d.after = {"a.service"};
  unit("e.service").before = {"d.service"};
  auto messages = rebuild();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0],
            "ordering cycle found: a.service after b.service after c.service after a.service; "
            "ignoring the ordering among a.service, b.service, c.service");
  for (const char* n : {"a.service", "b.service", "c.service"}) {
    EXPECT_TRUE(graph_.after(n).empty()) << n << ": edges inside the cycle dropped";
  }
  EXPECT_EQ(graph_.after("d.service").owned(), (Names{"a.service", "e.service"})) << "edges around it stay";
  EXPECT_EQ(graph_.before("a.service").owned(), Names{"d.service"});
}

TEST_F(DependencyGraphTest, SeparateCyclesAreEachReported) {
  unit("a.service").after = {"b.service"};
  unit("b.service").before = {"a.service"};
  unit("b.service").after = {"a.service"};
  unit("x.service").after = {"y.service"};
  unit("y.service").after = {"x.service"};
  auto messages = rebuild();
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_NE(messages[0].find("ignoring the ordering among a.service, b.service"), std::string::npos) << messages[0];
  EXPECT_NE(messages[1].find("ignoring the ordering among x.service, y.service"), std::string::npos) << messages[1];
}

TEST_F(DependencyGraphTest, ALongChainIsNoCycleAndNeedsNoRecursion) {
  // 20000 units in a row: a recursive search would overflow the stack.
  const int n = 20000;
  for (int i = 1; i < n; ++i)
    unit("u" + std::to_string(i) + ".service").after = {"u" + std::to_string(i - 1) + ".service"};
  unit("u0.service");
  EXPECT_TRUE(rebuild().empty());
  EXPECT_EQ(graph_.after("u19999.service").owned(), Names{"u19998.service"});
  // Closing the chain makes one cycle of all of them.
  unit("u0.service").after = {"u19999.service"};
  auto messages = rebuild();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_TRUE(graph_.after("u5.service").empty());
}

TEST_F(DependencyGraphTest, RebuildForgetsTheOldGraph) {
  unit("a.service").after = {"b.service"};
  unit("b.service").conflicts = {"c.service"};
  unit("c.service");
  rebuild();
  unit("a.service").after.clear();
  unit("b.service").conflicts.clear();
  rebuild();
  EXPECT_TRUE(graph_.after("a.service").empty());
  EXPECT_TRUE(graph_.before("b.service").empty());
  EXPECT_TRUE(graph_.conflicts("c.service").empty());
}

}  // namespace
}  // namespace vermilion
