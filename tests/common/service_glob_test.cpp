#include "common/service_glob.h"

#include <gtest/gtest.h>

namespace vermilion {
namespace {

TEST(ServiceGlob, Matches) {
  EXPECT_TRUE(service_glob_matches("web-*.service", "web-api.service"));
  EXPECT_TRUE(service_glob_matches("web-?.service", "web-1.service"));
  EXPECT_FALSE(service_glob_matches("web-*.service", "web.service"));
  EXPECT_TRUE(service_glob_matches("*.service", "getty@tty1.service"));
  EXPECT_TRUE(service_glob_matches("a\\x2db.service", "a\\x2db.service"));  // backslash is no escape
}

}  // namespace
}  // namespace vermilion
