#include "exec/exit_status.h"

#include <gtest/gtest.h>

#include <string>

namespace vermilion {
namespace {

TEST(ExitStatus, NamesAreSystemds) {
  EXPECT_EQ(std::string(exit_status_name(203)), "EXEC");
  EXPECT_EQ(std::string(exit_status_name(200)), "CHDIR");
  EXPECT_EQ(std::string(exit_status_name(217)), "USER");
  EXPECT_EQ(std::string(exit_status_name(233)), "RUNTIME_DIRECTORY");
  EXPECT_EQ(static_cast<int>(ExecExitStatus::no_new_privileges), 227);
}

TEST(ExitStatus, UnknownStatusHasNoName) {
  EXPECT_EQ(exit_status_name(0), nullptr);
  EXPECT_EQ(exit_status_name(1), nullptr);
  EXPECT_EQ(exit_status_name(210), nullptr);
  // systemd's MEMORY, but never ours: no allocation between fork and exec
  // is reported as such.
  EXPECT_EQ(exit_status_name(204), nullptr);
}

}  // namespace
}  // namespace vermilion
