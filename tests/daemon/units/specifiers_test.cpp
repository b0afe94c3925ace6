#include "units/specifiers.h"

#include <gtest/gtest.h>

namespace vermilion {
namespace {

RuntimeIdentity test_identity() {
  RuntimeIdentity id;
  id.scope = RuntimeScope::user;
  id.user_name = "alice";
  id.uid = 1000;
  id.gid = 1000;
  id.home = "/home/alice";
  id.runtime_dir = "/run/user/1000";
  id.host_name = "box";
  return id;
}

TEST(Specifiers, InstanceUnit) {
  auto id = test_identity();
  SpecifierResolver r("getty@dev-tty\\x2d1.service", id);
  EXPECT_EQ(r.expand("%n").text, "getty@dev-tty\\x2d1.service");
  EXPECT_EQ(r.expand("%N").text, "getty@dev-tty\\x2d1");
  EXPECT_EQ(r.expand("%p").text, "getty");
  EXPECT_EQ(r.expand("%i").text, "dev-tty\\x2d1");
  EXPECT_EQ(r.expand("%I").text, "dev/tty-1");
  EXPECT_EQ(r.expand("%f").text, "/dev/tty-1");
}

TEST(Specifiers, PlainUnitAndIdentity) {
  auto id = test_identity();
  SpecifierResolver r("web.service", id);
  EXPECT_EQ(r.expand("%i").text, "");
  EXPECT_EQ(r.expand("%f").text, "/web");
  EXPECT_EQ(r.expand("%u:%U %h %t %H").text, "alice:1000 /home/alice /run/user/1000 box");
  EXPECT_EQ(r.expand("100%% sure").text, "100% sure");
  EXPECT_EQ(r.expand("ends with %").text, "ends with %");
  EXPECT_EQ(r.expand("no specifiers").text, "no specifiers");
}

TEST(Specifiers, UnknownIsReported) {
  auto id = test_identity();
  SpecifierResolver r("web.service", id);
  auto e = r.expand("/bin/%z %y");
  EXPECT_FALSE(e.ok());
  EXPECT_EQ(e.unknown, 'z');
  EXPECT_FALSE(r.expand("%\xff").ok());
}

}  // namespace
}  // namespace vermilion
