#include "platform/mountinfo.h"

#include <gtest/gtest.h>

namespace vermilion {
namespace {

TEST(Mountinfo, OctalEscapesAreUndone) {
  EXPECT_EQ(unescape_mountinfo("/srv/my\\040dir\\011x\\134y"), "/srv/my dir\tx\\y");
  EXPECT_EQ(unescape_mountinfo("/a\\09"), "/a\\09") << "not three octal digits: kept";
  EXPECT_EQ(unescape_mountinfo("/plain"), "/plain");
}

}  // namespace
}  // namespace vermilion
