#include "link/link_rows.h"

#include <gtest/gtest.h>

namespace vermilion {
namespace {

TEST(LinkRows, PathsAndSlotsMapOneToOne) {
  EXPECT_EQ(capability_path(7), "/org/vermilion1/link/cap/7");
  EXPECT_EQ(capability_slot("/org/vermilion1/link/cap/7"), 7u);
  EXPECT_EQ(capability_slot(capability_path(UINT32_MAX).c_str()), UINT32_MAX);
}

TEST(LinkRows, PathsThatNameNoSlotGiveZero) {
  for (const char* path : {"/org/vermilion1/link/cap/0", "/org/vermilion1/link/cap/07", "/org/vermilion1/link/cap/",
                           "/org/vermilion1/link/cap", "/org/vermilion1/link/cap/4294967296",
                           "/org/vermilion1/link/cap/12345678901", "/org/vermilion1/link/cap/1/2",
                           "/org/vermilion1/link/capx/1", "/org/vermilion1/link", ""}) {
    EXPECT_EQ(capability_slot(path), 0u) << path;
  }
  EXPECT_EQ(capability_slot(nullptr), 0u);
}

TEST(LinkRows, ACapabilityRowHasWhatItsHolderMayKnow) {
  Capability cap;
  cap.id = 99;
  cap.kind = CapabilityKind::endpoint;
  cap.object = "db.service";
  cap.rights = rights::connect;
  cap.badge = 5;
  cap.parent = 3;
  cap.holder = "web.service";
  cap.slot = 4;
  cap.origin = "policy a.policy:1";
  CapabilityRow expected{4, CapabilityKind::endpoint, "db.service", rights::connect, 5, "/org/vermilion1/link/cap/4"};
  EXPECT_EQ(capability_row(cap), expected);
  Capability second = cap;
  second.slot = 5;
  auto rows = capability_rows({&cap, &second});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].path, "/org/vermilion1/link/cap/5");
}

TEST(LinkRows, ABusRuleTravelsAsWritten) {
  BusRule rule;
  rule.users = {"alice", "1001"};
  rule.groups = {"wheel"};
  rule.service_glob = "web-*.service";
  rule.rights = rights::status | rights::restart;
  rule.manager_rights = rights::reload;
  rule.where = {"/etc/vermilion/policy.d/10-web.policy", 12};
  BusRuleText expected{{"alice", "1001"}, {"wheel"}, "web-*.service", "status restart", "reload",
                       "/etc/vermilion/policy.d/10-web.policy:12"};
  EXPECT_EQ(bus_rule_text(rule), expected);
  EXPECT_EQ(bus_rule_texts({rule, BusRule{}}).back(), (BusRuleText{{}, {}, "", "", "", ":0"}));
}

}  // namespace
}  // namespace vermilion
