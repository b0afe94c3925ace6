#include "exec/exec_credentials.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

namespace vermilion {
namespace {

using ::testing::Contains;

TEST(ExecCredentials, NoUserNoChange) {
  ServiceConfig config;
  ExecCredentials creds;
  CredentialFailure failure;
  ASSERT_EQ(resolve_credentials({&config, false, true}, creds, failure), 0);
  EXPECT_FALSE(creds.change);
  EXPECT_FALSE(creds.login);
}

TEST(ExecCredentials, UserByNameAndNumber) {
  for (const char* user : {"nobody", "65534"}) {
    ServiceConfig config;
    config.user = user;
    ExecCredentials creds;
    CredentialFailure failure;
    ASSERT_EQ(resolve_credentials({&config, false, true}, creds, failure), 0) << user;
    EXPECT_TRUE(creds.change);
    EXPECT_EQ(creds.uid, 65534u);
    EXPECT_EQ(creds.gid, 65534u);
    EXPECT_TRUE(creds.set_groups);
    EXPECT_THAT(creds.groups, Contains(65534u));
    ASSERT_TRUE(creds.login);
    EXPECT_EQ(creds.login->user, "nobody");
    EXPECT_EQ(creds.login->home, "/nonexistent");
  }
}

TEST(ExecCredentials, GroupAndSupplementaryGroups) {
  ServiceConfig config;
  config.user = "nobody";
  config.group = "root";
  config.supplementary_groups = {"nogroup", "4"};
  ExecCredentials creds;
  CredentialFailure failure;
  ASSERT_EQ(resolve_credentials({&config, false, true}, creds, failure), 0);
  EXPECT_EQ(creds.gid, 0u);
  EXPECT_THAT(creds.groups, Contains(65534u));
  EXPECT_THAT(creds.groups, Contains(4u));
}

TEST(ExecCredentials, UnknownUserAndGroupFailWithTheirStatus) {
  ServiceConfig config;
  config.user = "no-such-user-vermilion";
  ExecCredentials creds;
  CredentialFailure failure;
  EXPECT_LT(resolve_credentials({&config, false, true}, creds, failure), 0);
  EXPECT_EQ(failure.status, ExecExitStatus::user);
  EXPECT_EQ(failure.what, "resolve user no-such-user-vermilion");
  config.user.clear();
  config.group = "no-such-group-vermilion";
  EXPECT_LT(resolve_credentials({&config, false, true}, creds, failure), 0);
  EXPECT_EQ(failure.status, ExecExitStatus::group);
}

TEST(ExecCredentials, PrivilegedCommandKeepsIdentityButKnowsLogin) {
  ServiceConfig config;
  config.user = "nobody";
  ExecCredentials creds;
  CredentialFailure failure;
  ASSERT_EQ(resolve_credentials({&config, false, false}, creds, failure), 0);
  EXPECT_FALSE(creds.change);
  ASSERT_TRUE(creds.login);
  EXPECT_EQ(creds.login->user, "nobody");
  EXPECT_EQ(creds.user_uid, 65534u) << "a terminal on stdin still becomes User='s";
}

// The owner a terminal on stdin is handed to: User= only, not Group=.
TEST(ExecCredentials, OnlyUserNamesTheTerminalsOwner) {
  ServiceConfig config;
  config.group = "nogroup";
  ExecCredentials creds;
  CredentialFailure failure;
  ASSERT_EQ(resolve_credentials({&config, false, true}, creds, failure), 0);
  EXPECT_TRUE(creds.change);
  EXPECT_FALSE(creds.user_uid.has_value());
  config.user = "nobody";
  ASSERT_EQ(resolve_credentials({&config, false, true}, creds, failure), 0);
  EXPECT_EQ(creds.user_uid, 65534u);
}

TEST(ExecCredentials, UserManagerOnlyRunsAsItself) {
  ServiceConfig config;
  ExecCredentials creds;
  CredentialFailure failure;
  ASSERT_EQ(resolve_credentials({&config, true, true}, creds, failure), 0);
  EXPECT_FALSE(creds.change);
  ASSERT_TRUE(creds.login);
  config.user = std::to_string(getuid());
  EXPECT_EQ(resolve_credentials({&config, true, true}, creds, failure), 0);
  config.user = getuid() == 0 ? "nobody" : "root";
  EXPECT_EQ(resolve_credentials({&config, true, true}, creds, failure), -EPERM);
  EXPECT_EQ(failure.status, ExecExitStatus::user);
}

}  // namespace
}  // namespace vermilion
