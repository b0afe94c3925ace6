#include "link/link_errors.h"

#include <gtest/gtest.h>

#include "common/error_names.h"

namespace vermilion {
namespace {

TEST(LinkErrors, BrokerRefusalsByName) {
  EXPECT_STREQ(error_name(BrokerError::no_such_capability), error_names::kNoSuchCapability);
  EXPECT_STREQ(error_name(BrokerError::access_denied), error_names::kAccessDenied);
  EXPECT_STREQ(error_name(BrokerError::invalid_argument), error_names::kInvalidArgs);
  EXPECT_STREQ(error_name(BrokerError::quota_exceeded), error_names::kLimitsExceeded);
  EXPECT_STREQ(error_name(BrokerError::no_such_service), error_names::kNoSuchService);
  EXPECT_STREQ(error_name(BrokerError::unavailable), error_names::kFailed);
}

// A unit that exists but does not load is not "no such service": that
// distinction is what vermilionctl's exit code (1, not 4) rests on.
TEST(LinkErrors, JobsThatCannotBeQueuedByName) {
  EXPECT_EQ(error_name(EnqueueOutcome::queued), nullptr);
  EXPECT_STREQ(error_name(EnqueueOutcome::invalid_name), error_names::kInvalidArgs);
  EXPECT_STREQ(error_name(EnqueueOutcome::not_found), error_names::kNoSuchService);
  EXPECT_STREQ(error_name(EnqueueOutcome::bad_setting), error_names::kBadSetting);
  EXPECT_STREQ(error_name(EnqueueOutcome::load_failed), error_names::kLoadFailed);
  EXPECT_STREQ(error_name(EnqueueOutcome::only_by_dependency), error_names::kOnlyByDependency);
}

}  // namespace
}  // namespace vermilion
