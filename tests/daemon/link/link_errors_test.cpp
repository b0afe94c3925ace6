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

}  // namespace
}  // namespace vermilion
