#include "broker/policy.h"

#include <dirent.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace vermilion {
namespace {

const std::string kCorpus = std::string(VERMILION_TEST_DATA_DIR) + "/policies";

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<std::string> files_in(const std::string& dir, std::string_view suffix) {
  std::vector<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d))
      if (std::string_view(e->d_name).ends_with(suffix)) names.emplace_back(e->d_name);
    closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string formatted(const Diagnostics& diags) {
  std::string out;
  for (const auto& d : diags.items()) out += format_diagnostic(d) + "\n";
  return out;
}

PolicySet parse_ok(std::string_view text) {
  Diagnostics diags;
  auto set = parse_policy_text("t.policy", text, diags);
  EXPECT_TRUE(diags.items().empty()) << formatted(diags);
  return set;
}

std::string errors_of(std::string_view text) {
  Diagnostics diags;
  auto set = parse_policy_text("t.policy", text, diags);
  EXPECT_TRUE(set.grants.empty());
  EXPECT_TRUE(set.bus_rules.empty());
  EXPECT_TRUE(set.files.empty());
  return formatted(diags);
}

TEST(PolicyParse, ServiceGrant) {
  auto set = parse_ok(
      "# the admin panel may look at and restart the web server\n"
      "[Grant]\n"
      "To=admin-panel\n"
      "Capability=service:web\n"
      "Rights=status restart\n"
      "Badge=42\n");
  ASSERT_EQ(set.grants.size(), 1u);
  const auto& g = set.grants[0];
  EXPECT_EQ(g.to, "admin-panel.service");
  EXPECT_EQ(g.kind, CapabilityKind::service);
  EXPECT_EQ(g.object, "web.service");
  EXPECT_EQ(g.rights, rights::status | rights::restart);
  EXPECT_EQ(g.badge, 42u);
  EXPECT_FALSE(g.fd);
  EXPECT_EQ(g.where.file, "t.policy");
  EXPECT_EQ(g.where.line, 2u);
  EXPECT_EQ(set.files, std::vector<std::string>{"t.policy"});
}

TEST(PolicyParse, ServiceGlobManagerAndEndpoint) {
  auto set = parse_ok(
      "[Grant]\nTo=monitor.service\nCapability=service:web-*\nRights=status logs\n"
      "[Grant]\nTo=monitor.service\nCapability=manager\nRights=list watch\n"
      "[Grant]\nTo=client.service\nCapability=endpoint:server\nRights=connect\nBadge=18446744073709551615\n");
  ASSERT_EQ(set.grants.size(), 3u);
  EXPECT_EQ(set.grants[0].object, "web-*.service");
  EXPECT_EQ(set.grants[1].kind, CapabilityKind::manager);
  EXPECT_EQ(set.grants[1].object, "");
  EXPECT_EQ(set.grants[1].rights, rights::list | rights::watch);
  EXPECT_EQ(set.grants[2].kind, CapabilityKind::endpoint);
  EXPECT_EQ(set.grants[2].object, "server.service");
  EXPECT_EQ(set.grants[2].badge, 18446744073709551615u);
  EXPECT_EQ(set.grants[0].badge, 0u);
}

// Service capabilities and [Bus] rules may name targets, by name or glob;
// a name without a suffix is still a service, and only services hold
// capabilities or are endpoints.
TEST(PolicyParse, ServiceCapabilitiesAndBusRulesMayNameTargets) {
  auto set = parse_ok(
      "[Grant]\nTo=admin.service\nCapability=service:*.target\nRights=start stop\n"
      "[Grant]\nTo=admin.service\nCapability=service:multi-user.target\nRights=status\n"
      "[Grant]\nTo=admin.service\nCapability=service:*\nRights=status\n"
      "[Bus]\nUser=root\nService=app-*.target\nRights=start\n");
  ASSERT_EQ(set.grants.size(), 3u);
  EXPECT_EQ(set.grants[0].object, "*.target");
  EXPECT_EQ(set.grants[1].object, "multi-user.target");
  EXPECT_EQ(set.grants[2].object, "*.service") << "\"*\" is every service, not every unit";
  ASSERT_EQ(set.bus_rules.size(), 1u);
  EXPECT_EQ(set.bus_rules[0].service_glob, "app-*.target");

  EXPECT_EQ(errors_of("[Grant]\nTo=a\nCapability=service:getty@.target\nRights=start\n"),
            "t.policy:3: error: Invalid Capability= value 'service:getty@.target': a template names no target; "
            "name an instance or use a glob\n"
            "t.policy: error: Policy file has errors; none of its grants or bus rules are in effect\n");
  EXPECT_EQ(errors_of("[Grant]\nTo=a\nCapability=endpoint:app.target\nRights=connect\n"),
            "t.policy:3: error: Invalid Capability= value 'endpoint:app.target': not a valid service name\n"
            "t.policy: error: Policy file has errors; none of its grants or bus rules are in effect\n");
  EXPECT_EQ(errors_of("[Grant]\nTo=app.target\nCapability=manager\nRights=list\n"),
            "t.policy:2: error: Invalid To= value 'app.target': not a valid service name\n"
            "t.policy: error: Policy file has errors; none of its grants or bus rules are in effect\n");
}

TEST(PolicyParse, ListenStreamFd) {
  auto set = parse_ok(
      "[Grant]\nTo=web.service\nCapability=fd:http\nRights=use\nListenStream=127.0.0.1:8080\n");
  ASSERT_EQ(set.grants.size(), 1u);
  ASSERT_TRUE(set.grants[0].fd);
  const auto& fd = *set.grants[0].fd;
  EXPECT_EQ(set.grants[0].object, "http");
  EXPECT_EQ(fd.type, FdSpec::Type::stream);
  EXPECT_EQ(fd.address, "127.0.0.1:8080");
  EXPECT_EQ(fd.name, "http");
  EXPECT_EQ(fd.socket_mode, 0666u);
}

TEST(PolicyParse, UnixDatagramWithNameAndMode) {
  auto set = parse_ok(
      "[Grant]\nTo=logger\nCapability=fd:log\nRights=use\nListenDatagram=/run/logger/log.sock\n"
      "FileDescriptorName=syslog\nSocketMode=0660\n");
  ASSERT_EQ(set.grants.size(), 1u);
  const auto& fd = *set.grants[0].fd;
  EXPECT_EQ(fd.type, FdSpec::Type::datagram);
  EXPECT_EQ(fd.address, "/run/logger/log.sock");
  EXPECT_EQ(fd.name, "syslog");
  EXPECT_EQ(fd.socket_mode, 0660u);
}

TEST(PolicyParse, FileFdModes) {
  auto set = parse_ok(
      "[Grant]\nTo=indexer\nCapability=fd:corpus\nRights=use\nFile=/var/lib/indexer/corpus\n"
      "[Grant]\nTo=indexer\nCapability=fd:out\nRights=use\nFile=/var/lib/indexer/out\nMode=read-write\n"
      "[Grant]\nTo=indexer\nCapability=fd:log\nRights=use\nFile=/var/log/indexer.log\nMode=write\n");
  ASSERT_EQ(set.grants.size(), 3u);
  EXPECT_EQ(set.grants[0].fd->type, FdSpec::Type::file);
  EXPECT_EQ(set.grants[0].fd->mode, FdSpec::FileMode::read);  // the least authority by default
  EXPECT_EQ(set.grants[1].fd->mode, FdSpec::FileMode::read_write);
  EXPECT_EQ(set.grants[2].fd->mode, FdSpec::FileMode::write);
}

TEST(PolicyParse, BusRules) {
  auto set = parse_ok(
      "[Bus]\nUser=alice 1000\nGroup=wheel  adm\nService=web-*\nRights=status restart\n"
      "[Bus]\nGroup=0\nService=*\nRights=status\n");
  ASSERT_EQ(set.bus_rules.size(), 2u);
  const auto& r = set.bus_rules[0];
  EXPECT_EQ(r.users, (std::vector<std::string>{"alice", "1000"}));
  EXPECT_EQ(r.groups, (std::vector<std::string>{"wheel", "adm"}));
  EXPECT_EQ(r.service_glob, "web-*.service");
  EXPECT_EQ(r.rights, rights::status | rights::restart);
  EXPECT_EQ(r.manager_rights, 0u);
  EXPECT_EQ(r.where.line, 1u);
  EXPECT_TRUE(set.bus_rules[1].users.empty());
  EXPECT_EQ(set.bus_rules[1].service_glob, "*.service");
}

TEST(PolicyParse, BusRuleForEveryCaller) {
  auto set = parse_ok("[Bus]\nUser=*\nService=*\nRights=status\n");
  ASSERT_EQ(set.bus_rules.size(), 1u);
  EXPECT_EQ(set.bus_rules[0].users, std::vector<std::string>{"*"});
  EXPECT_TRUE(set.bus_rules[0].groups.empty());
}

TEST(PolicyParse, BusRuleWithManagerRights) {
  auto set = parse_ok(
      "[Bus]\nUser=root\nManagerRights=reload inspect\n"
      "[Bus]\nGroup=wheel\nService=web-*\nRights=status start\nManagerRights=list watch\n");
  ASSERT_EQ(set.bus_rules.size(), 2u);
  const auto& manager_only = set.bus_rules[0];
  EXPECT_EQ(manager_only.manager_rights, rights::reload | rights::inspect);
  EXPECT_EQ(manager_only.rights, 0u);
  EXPECT_EQ(manager_only.service_glob, "") << "no service rights, no services";
  const auto& both = set.bus_rules[1];
  EXPECT_EQ(both.service_glob, "web-*.service");
  EXPECT_EQ(both.rights, rights::status | rights::start);
  EXPECT_EQ(both.manager_rights, rights::list | rights::watch);
}

TEST(PolicyParse, BusRuleMustAllowSomethingOnSomething) {
  EXPECT_EQ(errors_of("[Bus]\nUser=root\nService=*\n"),
            "t.policy:1: error: [Bus] needs Rights= or ManagerRights= (what the rule allows)\n"
            "t.policy: error: Policy file has errors; none of its grants or bus rules are in effect\n");
  EXPECT_EQ(errors_of("[Bus]\nUser=root\nRights=status\n"),
            "t.policy:1: error: [Bus] is missing Service= (the services Rights= is for)\n"
            "t.policy: error: Policy file has errors; none of its grants or bus rules are in effect\n");
  EXPECT_EQ(errors_of("[Bus]\nRights=status\n"),
            "t.policy:1: error: [Bus] needs User= or Group= (whom the rule is for)\n"
            "t.policy:1: error: [Bus] is missing Service= (the services Rights= is for)\n"
            "t.policy: error: Policy file has errors; none of its grants or bus rules are in effect\n");
}

TEST(PolicyParse, StarIsOnlyAWholeUserWord) {
  EXPECT_EQ(errors_of("[Bus]\nUser=*root\nManagerRights=list\n"),
            "t.policy:2: error: Invalid User= value '*root': '*root' is not a valid name or numeric id ('*' alone "
            "means every caller)\n"
            "t.policy: error: Policy file has errors; none of its grants or bus rules are in effect\n");
  EXPECT_EQ(errors_of("[Bus]\nUser=root *\nManagerRights=list\n"),
            "t.policy:2: error: Invalid User= value 'root *': '*' already means every caller; name nobody beside "
            "it\n"
            "t.policy: error: Policy file has errors; none of its grants or bus rules are in effect\n");
}

TEST(PolicyParse, EmptyAndCommentOnlyFilesGrantNothingQuietly) {
  auto set = parse_ok("");
  EXPECT_TRUE(set.grants.empty());
  EXPECT_EQ(set.files.size(), 1u);
  EXPECT_TRUE(parse_ok("# nothing\n; nothing either\n").grants.empty());
}

TEST(PolicyParse, ContinuationLinesJoin) {
  auto set = parse_ok("[Grant]\nTo=admin-panel\nCapability=service:web\nRights=status \\\n  restart\n");
  ASSERT_EQ(set.grants.size(), 1u);
  EXPECT_EQ(set.grants[0].rights, rights::status | rights::restart);
}

TEST(PolicyParse, SectionNamesAreCaseSensitive) {
  EXPECT_EQ(errors_of("[grant]\nTo=a\nCapability=manager\nRights=list\n"),
            "t.policy:1: error: Unknown section [grant] (policy files have [Grant] and [Bus])\n"
            "t.policy: error: Policy file has errors; none of its grants or bus rules are in effect\n");
}

TEST(PolicyParse, MissingKeysAreOneLine) {
  EXPECT_EQ(errors_of("[Grant]\nBadge=1\n"),
            "t.policy:1: error: [Grant] is missing To=, Capability=, Rights=\n"
            "t.policy: error: Policy file has errors; none of its grants or bus rules are in effect\n");
}

TEST(PolicyParse, EmptyRightsIsAnError) {
  EXPECT_EQ(errors_of("[Grant]\nTo=a\nCapability=manager\nRights=\n"),
            "t.policy:4: error: Invalid Rights= value '': no rights given (manager allows: list watch reload inspect enable isolate bus-names)\n"
            "t.policy: error: Policy file has errors; none of its grants or bus rules are in effect\n");
}

TEST(PolicyParse, NulBytesAreRejectedNotTruncated) {
  std::string text = "[Grant]\nTo=a\nCapability=service:web";
  text += '\0';
  text += "x\nRights=status\n";
  Diagnostics diags;
  auto set = parse_policy_text("t.policy", text, diags);
  EXPECT_TRUE(set.grants.empty());
  EXPECT_TRUE(diags.has_errors());
}

// Each broken/NAME.policy has NAME.expected: the exact diagnostics, paths
// relative to the corpus directory. Every one of them grants nothing.
TEST(PolicyCorpus, BrokenPoliciesReportExactly) {
  auto names = files_in(kCorpus + "/broken", ".policy");
  ASSERT_GE(names.size(), 10u);
  for (const auto& name : names) {
    SCOPED_TRACE(name);
    Diagnostics diags;
    auto set = parse_policy_text(name, read_file(kCorpus + "/broken/" + name), diags);
    std::string expected = kCorpus + "/broken/" + name.substr(0, name.size() - 7) + ".expected";
    EXPECT_EQ(formatted(diags), read_file(expected));
    EXPECT_TRUE(diags.has_errors());
    EXPECT_TRUE(set.grants.empty());
    EXPECT_TRUE(set.bus_rules.empty());
    EXPECT_TRUE(set.files.empty());
  }
}

// Policies we ship and the demo's must load without a single message.
TEST(PolicyCorpus, ShippedAndExamplePoliciesAreClean) {
  std::size_t grants = 0;
  for (std::string dir : {kCorpus + "/good", std::string(VERMILION_SOURCE_DIR) + "/policies",
                          std::string(VERMILION_SOURCE_DIR) + "/examples/policies"}) {
    auto names = files_in(dir, ".policy");
    EXPECT_FALSE(names.empty()) << dir;
    for (const auto& name : names) {
      SCOPED_TRACE(dir + "/" + name);
      Diagnostics diags;
      auto set = parse_policy_text(name, read_file(dir + "/" + name), diags);
      EXPECT_TRUE(diags.items().empty()) << formatted(diags);
      EXPECT_EQ(set.files.size(), 1u);
      grants += set.grants.size();
    }
  }
  EXPECT_GT(grants, 0u);
}

// The shipped defaults: the bridge holds the authority, [Bus] says whom it
// serves: status for everyone, control for root.
TEST(PolicyCorpus, ShippedDefaultsAreReadOnlyForEveryoneAndControlForRoot) {
  const std::string path = std::string(VERMILION_SOURCE_DIR) + "/policies/00-defaults.policy";
  auto set = parse_ok(read_file(path));
  namespace r = rights;
  const Rights control = r::status | r::start | r::stop | r::restart | r::reload | r::kill | r::logs;
  const Rights targets = r::status | r::start | r::stop | r::restart;
  ASSERT_EQ(set.grants.size(), 3u);
  for (const auto& g : set.grants) EXPECT_EQ(g.to, "vermilion-bridge.service");
  EXPECT_EQ(set.grants[0].kind, CapabilityKind::manager);
  EXPECT_EQ(set.grants[0].rights, r::list | r::watch | r::reload | r::inspect | r::enable | r::isolate | r::bus_names);
  EXPECT_EQ(set.grants[1].kind, CapabilityKind::service);
  EXPECT_EQ(set.grants[1].object, "*.service");
  EXPECT_EQ(set.grants[1].rights, control);
  EXPECT_EQ(set.grants[2].kind, CapabilityKind::service);
  EXPECT_EQ(set.grants[2].object, "*.target");
  EXPECT_EQ(set.grants[2].rights, targets);

  ASSERT_EQ(set.bus_rules.size(), 4u);
  for (std::size_t i : {0, 1}) {
    const BusRule& everyone = set.bus_rules[i];
    EXPECT_EQ(everyone.users, std::vector<std::string>{"*"});
    EXPECT_TRUE(everyone.groups.empty());
    EXPECT_EQ(everyone.service_glob, i == 0 ? "*.service" : "*.target");
    EXPECT_EQ(everyone.rights, r::status);
    EXPECT_EQ(everyone.manager_rights, 0u);
  }
  const BusRule& root = set.bus_rules[2];
  EXPECT_EQ(root.users, std::vector<std::string>{"root"});
  EXPECT_TRUE(root.groups.empty());
  EXPECT_EQ(root.service_glob, "*.service");
  EXPECT_EQ(root.rights, control);
  EXPECT_EQ(root.manager_rights, r::reload | r::inspect | r::enable | r::isolate);
  const BusRule& root_targets = set.bus_rules[3];
  EXPECT_EQ(root_targets.users, std::vector<std::string>{"root"});
  EXPECT_EQ(root_targets.service_glob, "*.target");
  EXPECT_EQ(root_targets.rights, targets);
  EXPECT_EQ(root_targets.manager_rights, 0u);
}

}  // namespace
}  // namespace vermilion
