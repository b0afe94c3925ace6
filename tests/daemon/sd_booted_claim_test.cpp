#include "sd_booted_claim.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "temp_dir.h"

namespace vermilion {
namespace {

namespace fs = std::filesystem;

class SdBootedClaimTest : public ::testing::Test {
 protected:
  SdBootedClaimTest() {
    paths.run_systemd = dir.file("run-systemd");
    paths.marker = dir.file("marker");
    paths.pid1_comm = dir.file("comm");
    dir.write("comm", "vermiliond\n");
  }
  testing::TempDir dir;
  SdBootedPaths paths;
};

TEST_F(SdBootedClaimTest, CreatesTheDirectoryAndItsParentAndRemovesBothAtExit) {
  SdBootedClaim claim = claim_sd_booted(paths);
  EXPECT_EQ(claim.outcome, SdBootedClaim::Outcome::created) << claim.message;
  EXPECT_TRUE(fs::is_directory(paths.run_systemd + "/system"));
  EXPECT_TRUE(fs::exists(paths.marker));
  EXPECT_NE(claim.message.find("created " + paths.run_systemd + "/system"), std::string::npos) << claim.message;

  std::string message = release_sd_booted(paths, claim);
  EXPECT_NE(message.find("removed"), std::string::npos) << message;
  EXPECT_FALSE(fs::exists(paths.run_systemd));
  EXPECT_FALSE(fs::exists(paths.marker));
}

TEST_F(SdBootedClaimTest, KeepsAParentThatWasThere) {
  fs::create_directory(paths.run_systemd);
  fs::create_directory(paths.run_systemd + "/journal");
  SdBootedClaim claim = claim_sd_booted(paths);
  ASSERT_EQ(claim.outcome, SdBootedClaim::Outcome::created) << claim.message;
  (void)release_sd_booted(paths, claim);
  EXPECT_FALSE(fs::exists(paths.run_systemd + "/system"));
  EXPECT_TRUE(fs::is_directory(paths.run_systemd + "/journal"));
}

TEST_F(SdBootedClaimTest, RefusesWhenSystemdIsPid1) {
  dir.write("comm", "systemd\n");
  SdBootedClaim claim = claim_sd_booted(paths);
  EXPECT_EQ(claim.outcome, SdBootedClaim::Outcome::refused);
  EXPECT_NE(claim.message.find("systemd is the running service manager"), std::string::npos) << claim.message;
  EXPECT_FALSE(fs::exists(paths.run_systemd));
  EXPECT_EQ(release_sd_booted(paths, claim), "");
}

TEST_F(SdBootedClaimTest, RefusesADirectoryItDidNotMake) {
  fs::create_directories(paths.run_systemd + "/system");
  SdBootedClaim claim = claim_sd_booted(paths);
  EXPECT_EQ(claim.outcome, SdBootedClaim::Outcome::refused);
  EXPECT_NE(claim.message.find("did not create it"), std::string::npos) << claim.message;
  EXPECT_EQ(release_sd_booted(paths, claim), "");
  EXPECT_TRUE(fs::is_directory(paths.run_systemd + "/system"));
}

TEST_F(SdBootedClaimTest, TakesBackItsOwnDirectoryAfterACrash) {
  SdBootedClaim first = claim_sd_booted(paths);
  ASSERT_TRUE(first.ours());
  // No release: vermiliond died. The next one finds its marker.
  SdBootedClaim second = claim_sd_booted(paths);
  EXPECT_EQ(second.outcome, SdBootedClaim::Outcome::reused) << second.message;
  (void)release_sd_booted(paths, second);
  EXPECT_FALSE(fs::exists(paths.run_systemd + "/system"));
}

TEST_F(SdBootedClaimTest, LeavesADirectorySomeonePutFilesIn) {
  SdBootedClaim claim = claim_sd_booted(paths);
  ASSERT_TRUE(claim.ours());
  dir.write("run-systemd/system/x.service", "[Service]\n");
  std::string message = release_sd_booted(paths, claim);
  EXPECT_NE(message.find("left"), std::string::npos) << message;
  EXPECT_TRUE(fs::exists(paths.run_systemd + "/system/x.service"));
  // The marker stays: the directory is still ours next time.
  EXPECT_EQ(claim_sd_booted(paths).outcome, SdBootedClaim::Outcome::reused);
}

TEST_F(SdBootedClaimTest, AFileWhereTheDirectoryGoesIsRefused) {
  dir.write("run-systemd/system", "");
  dir.write("marker", "");
  EXPECT_EQ(claim_sd_booted(paths).outcome, SdBootedClaim::Outcome::refused);
}

TEST_F(SdBootedClaimTest, FailsWhenTheParentCannotBeMade) {
  paths.run_systemd = dir.file("missing/run-systemd");
  SdBootedClaim claim = claim_sd_booted(paths);
  EXPECT_EQ(claim.outcome, SdBootedClaim::Outcome::failed);
  EXPECT_EQ(claim.error, -ENOENT);
  EXPECT_FALSE(fs::exists(paths.marker));
}

}  // namespace
}  // namespace vermilion
