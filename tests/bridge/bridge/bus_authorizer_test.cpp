#include "bridge/bus_authorizer.h"

#include <gtest/gtest.h>

#include <map>

namespace vermilion::bridge {
namespace {

class FakeIds final : public IdResolver {
 public:
  std::optional<uid_t> user_id(const std::string& name) const override {
    auto it = users.find(name);
    return it == users.end() ? std::nullopt : std::optional<uid_t>(it->second);
  }
  std::optional<gid_t> group_id(const std::string& name) const override {
    auto it = groups.find(name);
    return it == groups.end() ? std::nullopt : std::optional<gid_t>(it->second);
  }
  std::map<std::string, uid_t> users{{"root", 0}, {"alice", 1000}};
  std::map<std::string, gid_t> groups{{"adm", 4}, {"web-admins", 2001}};
};

BusRuleText rule(std::vector<std::string> users, std::vector<std::string> groups, std::string glob,
                 std::string rights, std::string manager_rights = "") {
  return {std::move(users), std::move(groups), std::move(glob), std::move(rights), std::move(manager_rights),
          "p.policy:1"};
}

TEST(BusAuthorizer, NoRuleNoRight) {
  BusAuthorizer authorizer;
  FakeIds ids;
  EXPECT_TRUE(authorizer.load({}, ids).empty());
  EXPECT_EQ(authorizer.service_rights({1000, {}}, "web.service"), 0u);
  EXPECT_EQ(authorizer.manager_rights({0, {}}), 0u);
}

TEST(BusAuthorizer, TheShippedDefaultsReadOnlyForAllControlForRoot) {
  BusAuthorizer authorizer;
  FakeIds ids;
  EXPECT_TRUE(authorizer
                  .load({rule({"*"}, {}, "*", "status"),
                         rule({"root"}, {}, "*", "status start stop restart reload kill logs", "reload inspect")},
                        ids)
                  .empty());
  EXPECT_EQ(authorizer.service_rights({1000, {100}}, "web.service"), rights::status);
  EXPECT_EQ(authorizer.manager_rights({1000, {100}}), 0u);
  Rights root = authorizer.service_rights({0, {0}}, "web.service");
  EXPECT_TRUE(is_subset(rights::stop | rights::kill | rights::logs | rights::reload, root));
  EXPECT_EQ(authorizer.manager_rights({0, {}}), rights::reload | rights::inspect);
}

TEST(BusAuthorizer, GroupRuleGivesItsMembersOnly) {
  BusAuthorizer authorizer;
  FakeIds ids;
  (void)authorizer.load({rule({}, {"web-admins"}, "web-*.service", "restart")}, ids);
  EXPECT_EQ(authorizer.service_rights({1000, {100, 2001}}, "web-api.service"), rights::restart);
  EXPECT_EQ(authorizer.service_rights({1000, {100, 2001}}, "db.service"), 0u);
  EXPECT_EQ(authorizer.service_rights({1001, {100}}, "web-api.service"), 0u);
}

TEST(BusAuthorizer, NumericIdsNeedNoLookupAndRightsAddUp) {
  BusAuthorizer authorizer;
  FakeIds ids;
  (void)authorizer.load({rule({"1000"}, {}, "*", "status"), rule({}, {"4242"}, "web.service", "stop")}, ids);
  EXPECT_EQ(authorizer.service_rights({1000, {4242}}, "web.service"), rights::status | rights::stop);
  EXPECT_EQ(authorizer.service_rights({1000, {}}, "web.service"), rights::status);
}

TEST(BusAuthorizer, UnknownNamesWarnAndMatchNobody) {
  BusAuthorizer authorizer;
  FakeIds ids;
  auto warnings = authorizer.load({rule({"bob", "alice"}, {"nogroup-here"}, "*", "stop")}, ids);
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_EQ(warnings[0], "p.policy:1: unknown user 'bob', the rule does not apply to it");
  EXPECT_EQ(warnings[1], "p.policy:1: unknown group 'nogroup-here', the rule does not apply to it");
  EXPECT_EQ(authorizer.service_rights({1000, {}}, "x.service"), rights::stop);  // alice still matches
  EXPECT_EQ(authorizer.service_rights({1002, {}}, "x.service"), 0u);
}

TEST(BusAuthorizer, WordsItDoesNotKnowGrantNothing) {
  BusAuthorizer authorizer;
  FakeIds ids;
  auto warnings = authorizer.load({rule({"*"}, {}, "*", "status fly")}, ids);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("p.policy:1: "), std::string::npos);
  EXPECT_NE(warnings[0].find("the rule is ignored"), std::string::npos);
  EXPECT_EQ(authorizer.service_rights({0, {}}, "x.service"), 0u);
}

TEST(BusAuthorizer, ManagerOnlyRuleGivesNoServiceRights) {
  BusAuthorizer authorizer;
  FakeIds ids;
  (void)authorizer.load({rule({"alice"}, {}, "", "", "reload")}, ids);
  EXPECT_EQ(authorizer.manager_rights({1000, {}}), rights::reload);
  EXPECT_EQ(authorizer.service_rights({1000, {}}, "x.service"), 0u);
}

}  // namespace
}  // namespace vermilion::bridge
