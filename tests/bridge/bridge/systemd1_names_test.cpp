#include "bridge/systemd1_names.h"

#include <gtest/gtest.h>

#include <string>

namespace vermilion::bridge::systemd1 {
namespace {

TEST(Systemd1Names, UnitNamesOfEveryTypeAreValid) {
  for (const char* name : {"web.service", "getty@tty1.service", "getty@.service", "multi-user.target",
                           "dev-sda.device", "-.mount", "a:b_c\\x2d.socket", "x.scope", "user.slice"})
    EXPECT_TRUE(is_valid_unit_name(name)) << name;
  for (const char* name : {"", "web", ".service", "web.unknown", "a@b@c.service", "@x.service", "a b.service",
                           "web.service/", "a\xc3\xa9.service"})
    EXPECT_FALSE(is_valid_unit_name(name)) << name;
  EXPECT_FALSE(is_valid_unit_name(std::string(300, 'a') + ".service"));
  EXPECT_EQ(unit_type_of("web.service"), "service");
  EXPECT_EQ(unit_type_of("multi-user.target"), "target");
  EXPECT_EQ(unit_type_of("nonsense"), "");
}

TEST(Systemd1Names, UnitPathsAreSystemdsAndRoundTrip) {
  EXPECT_EQ(unit_object_path("web.service"), "/org/freedesktop/systemd1/unit/web_2eservice");
  EXPECT_EQ(unit_object_path("getty@tty1.service"), "/org/freedesktop/systemd1/unit/getty_40tty1_2eservice");
  EXPECT_EQ(unit_name_of_path("/org/freedesktop/systemd1/unit/web_2eservice"), "web.service");
  EXPECT_EQ(unit_name_of_path(unit_object_path("-.mount")), "-.mount");
  EXPECT_EQ(unit_name_of_path("/org/freedesktop/systemd1/unit"), std::nullopt);
  EXPECT_EQ(unit_name_of_path("/org/freedesktop/systemd1/unit/"), std::nullopt);
  EXPECT_EQ(unit_name_of_path("/org/freedesktop/systemd1/unit/web"), std::nullopt);  // not a unit name
  EXPECT_EQ(unit_name_of_path("/org/freedesktop/systemd1/unit/web_2eservice/x"), std::nullopt);
  EXPECT_EQ(unit_name_of_path("/org/freedesktop/systemd1/unitx/web_2eservice"), std::nullopt);
  EXPECT_EQ(unit_name_of_path("/org/freedesktop/systemd1/unit/web_2"), std::nullopt);
}

TEST(Systemd1Names, JobPaths) {
  EXPECT_EQ(job_object_path(17), "/org/freedesktop/systemd1/job/17");
  EXPECT_EQ(job_id_of_path("/org/freedesktop/systemd1/job/17"), 17u);
  EXPECT_EQ(job_id_of_path("/org/freedesktop/systemd1/job/4294967295"), 4294967295u);
  for (const char* bad : {"/org/freedesktop/systemd1/job/0", "/org/freedesktop/systemd1/job/017",
                          "/org/freedesktop/systemd1/job/4294967296", "/org/freedesktop/systemd1/job/-1",
                          "/org/freedesktop/systemd1/job/1x", "/org/freedesktop/systemd1/job/",
                          "/org/freedesktop/systemd1/job", "/org/freedesktop/systemd1/jobs/1"})
    EXPECT_EQ(job_id_of_path(bad), std::nullopt) << bad;
}

}  // namespace
}  // namespace vermilion::bridge::systemd1
