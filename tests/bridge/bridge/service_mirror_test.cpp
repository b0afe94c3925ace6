#include "bridge/service_mirror.h"

#include <gtest/gtest.h>

namespace vermilion::bridge {
namespace {

ServiceStatus service(const std::string& name, const std::string& active = "inactive") {
  ServiceStatus p;
  p.name = name;
  p.description = "d";
  p.load_state = "loaded";
  p.active_state = active;
  p.sub_state = active == "active" ? "running" : "dead";
  return p;
}

TEST(ServiceMirror, ReplaceAllReportsAddedRemovedAndChanged) {
  ServiceMirror mirror;
  auto first = mirror.replace_all({service("a.service"), service("b.service")});
  EXPECT_EQ(first.added, (std::vector<std::string>{"a.service", "b.service"}));
  EXPECT_TRUE(first.removed.empty());

  auto second = mirror.replace_all({service("b.service", "active"), service("c.service")});
  EXPECT_EQ(second.added, std::vector<std::string>{"c.service"});
  EXPECT_EQ(second.removed, std::vector<std::string>{"a.service"});
  ASSERT_EQ(second.changed.size(), 1u);
  EXPECT_EQ(second.changed[0].name, "b.service");
  EXPECT_EQ(second.changed[0].properties, (std::vector<std::string>{"ActiveState", "SubState"}));
  EXPECT_EQ(mirror.find("a.service"), nullptr);
  ASSERT_NE(mirror.find("b.service"), nullptr);
  EXPECT_EQ(mirror.find("b.service")->active_state, "active");
}

TEST(ServiceMirror, UpdateNamesOnlyWhatChanged) {
  ServiceMirror mirror;
  (void)mirror.replace_all({service("a.service")});
  auto same = mirror.update(service("a.service"));
  EXPECT_TRUE(same.changed.empty());
  EXPECT_TRUE(same.added.empty());

  auto next = service("a.service", "active");
  next.main_pid = 42;
  next.n_restarts = 1;
  next.active_enter_timestamp = 1000;
  auto delta = mirror.update(next);
  ASSERT_EQ(delta.changed.size(), 1u);
  EXPECT_EQ(delta.changed[0].properties,
            (std::vector<std::string>{"ActiveState", "SubState", "MainPID", "NRestarts", "ActiveEnterTimestamp"}));
  EXPECT_EQ(mirror.find("a.service")->main_pid, 42u);
}

TEST(ServiceMirror, UpdateOfAnUnknownServiceAddsIt) {
  ServiceMirror mirror;
  auto delta = mirror.update(service("new.service"));
  EXPECT_EQ(delta.added, std::vector<std::string>{"new.service"});
  EXPECT_NE(mirror.find("new.service"), nullptr);
}

TEST(ServiceMirror, EveryPropertyIsCompared) {
  ServiceStatus a = service("a.service");
  ServiceStatus b = a;
  b.description = "x";
  b.load_state = "masked";
  b.result = "exit-code";
  b.exec_main_status = 3;
  b.inactive_enter_timestamp = 7;
  EXPECT_EQ(changed_property_names(a, b),
            (std::vector<std::string>{"Description", "LoadState", "Result", "ExecMainStatus",
                                      "InactiveEnterTimestamp"}));
}

}  // namespace
}  // namespace vermilion::bridge
