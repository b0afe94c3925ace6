#include "platform/path_watch.h"

#include <poll.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <fstream>

#include "temp_dir.h"

namespace vermilion {
namespace {

bool readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, 0) == 1;
}

TEST(PathWatch, WakesWhenTheFileAppears) {
  testing::TempDir dir;
  unique_fd watch;
  ASSERT_EQ(open_path_watch(dir.file("d.pid"), watch), 0);
  EXPECT_FALSE(readable(watch.get()));
  std::ofstream(dir.file("d.pid")) << "42\n";
  EXPECT_TRUE(readable(watch.get()));
}

TEST(PathWatch, WakesWhenAMissingParentDirectoryAppears) {
  testing::TempDir dir;
  unique_fd watch;
  ASSERT_EQ(open_path_watch(dir.file("sub/d.pid"), watch), 0);
  EXPECT_FALSE(readable(watch.get()));
  ASSERT_EQ(mkdir(dir.file("sub").c_str(), 0755), 0);
  EXPECT_TRUE(readable(watch.get())) << "a new watch then covers the file inside";
}

TEST(PathWatch, RelativePathsAreRefused) {
  unique_fd watch;
  EXPECT_EQ(open_path_watch("d.pid", watch), -EINVAL);
}

}  // namespace
}  // namespace vermilion
