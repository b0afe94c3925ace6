#include "platform/safe_path.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>

#include "temp_dir.h"

namespace vermilion {
namespace {

using testing::TempDir;

constexpr uid_t kNobody = 65534;

// systemd's CHASE_SAFE: a step out of a non-root user's directory or
// symlink to something another user owns makes the path unsafe.
TEST(SafePath, ANonRootUsersSymlinkToRootsFileIsUnsafe) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to give files away";
  TempDir dir;
  std::ofstream(dir.file("root.pid")) << "1\n";
  bool unsafe = true;
  ASSERT_EQ(path_has_unsafe_transition(dir.file("root.pid"), unsafe), 0);
  EXPECT_FALSE(unsafe) << "root's all the way";

  ASSERT_EQ(mkdir(dir.file("users").c_str(), 0755), 0);
  ASSERT_EQ(lchown(dir.file("users").c_str(), kNobody, kNobody), 0);
  ASSERT_EQ(symlink(dir.file("root.pid").c_str(), dir.file("users/link.pid").c_str()), 0);
  ASSERT_EQ(lchown(dir.file("users/link.pid").c_str(), kNobody, kNobody), 0);
  ASSERT_EQ(path_has_unsafe_transition(dir.file("users/link.pid"), unsafe), 0);
  EXPECT_TRUE(unsafe) << "nobody's link leads back to root's tree";

  std::ofstream(dir.file("users/own.pid")) << "1\n";
  ASSERT_EQ(lchown(dir.file("users/own.pid").c_str(), kNobody, kNobody), 0);
  ASSERT_EQ(path_has_unsafe_transition(dir.file("users/own.pid"), unsafe), 0);
  EXPECT_FALSE(unsafe) << "root to nobody, and nobody's own file: safe";

  std::ofstream(dir.file("users/roots.pid")) << "1\n";
  ASSERT_EQ(path_has_unsafe_transition(dir.file("users/roots.pid"), unsafe), 0);
  EXPECT_TRUE(unsafe) << "root's file in nobody's directory";

  ASSERT_EQ(symlink("root.pid", dir.file("relative.pid").c_str()), 0);
  ASSERT_EQ(path_has_unsafe_transition(dir.file("relative.pid"), unsafe), 0);
  EXPECT_FALSE(unsafe) << "root's relative link";
}

TEST(SafePath, UnresolvablePathsAreErrors) {
  TempDir dir;
  bool unsafe = false;
  EXPECT_EQ(path_has_unsafe_transition(dir.file("missing/x"), unsafe), -ENOENT);
  ASSERT_EQ(symlink("loop", dir.file("loop").c_str()), 0);
  EXPECT_EQ(path_has_unsafe_transition(dir.file("loop"), unsafe), -ELOOP);
}

}  // namespace
}  // namespace vermilion
