#include "platform/same_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "common/unique_fd.h"

namespace vermilion {
namespace {

// systemd's same_fd(): the same open file description, not the same file.
TEST(SameFile, DupsAreTheSameTwoOpensAreNot) {
  unique_fd a(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  unique_fd dup(::fcntl(a.get(), F_DUPFD_CLOEXEC, 0));
  unique_fd other(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  unique_fd zero(::open("/dev/zero", O_RDONLY | O_CLOEXEC));
  ASSERT_TRUE(a && dup && other && zero);
  EXPECT_TRUE(is_same_open_file(a.get(), a.get()));
  EXPECT_TRUE(is_same_open_file(a.get(), dup.get()));
  EXPECT_FALSE(is_same_open_file(a.get(), other.get())) << "opened twice";
  EXPECT_FALSE(is_same_open_file(a.get(), zero.get()));
  EXPECT_FALSE(is_same_open_file(a.get(), -1));
}

}  // namespace
}  // namespace vermilion
