#include "bridge/bus_errors.h"

#include <gtest/gtest.h>

namespace vermilion::bridge::errors {
namespace {

using namespace error_names;

TEST(BusErrors, PrintableEscapesAndBounds) {
  EXPECT_EQ(printable("web.service"), "web.service");
  EXPECT_EQ(printable(std::string("a\nb\x01\\", 5)), "a\\x0ab\\x01\\x5c");
  EXPECT_EQ(printable(std::string(100, 'x')), std::string(64, 'x') + "...");
  // Non-ASCII is escaped: a cut at 64 bytes can never split a UTF-8 sequence.
  EXPECT_EQ(printable(std::string(63, 'a') + "\xc3\xa9"), std::string(63, 'a') + "\\xc3...");
}

TEST(BusErrors, JobFailureBecomesStartFailedForStartsOnly) {
  LinkError failed{"org.vermilion1.Error.JobFailed", "start job failed"};
  JobKind start = JobKind::start;
  auto error = from_link(failed, "web.service", &start, "exit-code");
  EXPECT_EQ(error.getName(), kStartFailed);
  EXPECT_EQ(error.getMessage(), "Job for web.service failed (Result: exit-code): start job failed");
  JobKind stop = JobKind::stop;
  EXPECT_EQ(from_link(failed, "web.service", &stop, "success").getName(), kJobFailed);
}

TEST(BusErrors, TheBridgesMissingAuthorityIsAccessDenied) {
  EXPECT_EQ(from_link({"org.vermilion1.Error.Revoked", "gone"}, "a.service", nullptr, "").getName(), kAccessDenied);
  EXPECT_EQ(from_link({"org.vermilion1.Error.NoSuchCapability", "no"}, "a.service", nullptr, "").getName(),
            kAccessDenied);
  EXPECT_EQ(from_link({kAccessDenied, "no"}, "a.service", nullptr, "").getName(), kAccessDenied);
  EXPECT_EQ(from_link({"org.vermilion1.Error.NoSuchService", "x"}, "a.service", nullptr, "").getName(),
            kNoSuchService);
  EXPECT_EQ(from_link({"org.example.Weird", "x"}, "a.service", nullptr, "").getName(), kUnavailable);
}

TEST(BusErrors, UnitsThatDoNotLoadKeepVermilionsWordsAndName) {
  JobKind start = JobKind::start;
  // The unit at fault may be one the service requires: vermiliond's message says which.
  auto missing = from_link({kNoSuchService, "Unit db.service not found."}, "web.service", &start, "");
  EXPECT_EQ(missing.getName(), kNoSuchService);
  EXPECT_EQ(missing.getMessage(), "Unit db.service not found.");
  auto bad = from_link({kBadSetting, "Unit web.service has a bad unit file setting."}, "web.service", &start, "");
  EXPECT_EQ(bad.getName(), kBadSetting);
  EXPECT_EQ(bad.getMessage(), "Unit web.service has a bad unit file setting.");
  EXPECT_EQ(from_link({kLoadFailed, "Unit x.service failed to load properly"}, "x.service", &start, "").getName(),
            kLoadFailed);
  // Without a message, the service the call named.
  EXPECT_EQ(from_link({kNoSuchService, ""}, "web.service", &start, "").getMessage(), "Unit web.service not found.");
}

}  // namespace
}  // namespace vermilion::bridge::errors
