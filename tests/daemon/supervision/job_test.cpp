#include "supervision/job.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace vermilion {
namespace {

// systemd's job type and result names: what `systemctl` prints and what
// JobRemoved carries, so they must not drift.
TEST(Job, TypeNamesAreSystemds) {
  EXPECT_EQ(to_string(JobType::start), "start");
  EXPECT_EQ(to_string(JobType::stop), "stop");
  EXPECT_EQ(to_string(JobType::restart), "restart");
  EXPECT_EQ(to_string(JobType::reload), "reload");
}

TEST(Job, ResultNamesAreSystemds) {
  EXPECT_EQ(to_string(JobResult::done), "done");
  EXPECT_EQ(to_string(JobResult::failed), "failed");
  EXPECT_EQ(to_string(JobResult::dependency), "dependency");
  EXPECT_EQ(to_string(JobResult::canceled), "canceled");
  EXPECT_EQ(to_string(JobResult::skipped), "skipped");
  EXPECT_EQ(to_string(JobResult::invalid), "invalid");
  EXPECT_EQ(to_string(JobResult::assert_failed), "assert");
}

TEST(Job, EveryResultHasItsOwnName) {
  std::set<std::string_view> names;
  for (JobResult r : {JobResult::done, JobResult::failed, JobResult::dependency, JobResult::canceled,
                      JobResult::skipped, JobResult::invalid, JobResult::timeout, JobResult::assert_failed})
    names.insert(to_string(r));
  EXPECT_EQ(names.size(), 8u) << "no two results read alike";
}

}  // namespace
}  // namespace vermilion
