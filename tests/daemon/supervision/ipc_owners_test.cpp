// supervision/ipc_owners.h: the counts behind RemoveIPC= (systemd 252's
// manager_ref_uid(), manager_unref_uid() and their DESTROY_IPC_FLAG).
#include "supervision/ipc_owners.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vermilion {
namespace {

TEST(IpcOwnersTest, NothingIsCountedWithoutUserOrGroup) {
  IpcOwners owners;
  EXPECT_FALSE(owners.ref("", "", true).has_value());
  EXPECT_EQ(owners.size(), 0u);
}

TEST(IpcOwnersTest, TheLastRunCleansItsUserAndItsPrimaryGroup) {
  IpcOwners owners;
  auto first = owners.ref("redis", "", true);
  auto second = owners.ref("redis", "", false);
  ASSERT_TRUE(first && second);
  EXPECT_FALSE(owners.unref(*first).has_value());
  auto owner = owners.unref(*second);
  ASSERT_TRUE(owner.has_value());
  EXPECT_EQ(*owner, (IpcOwner{.user = "redis", .group = "redis", .group_of_user = true}));
  EXPECT_EQ(owners.size(), 0u);
}

TEST(IpcOwnersTest, WithoutRemoveIPCNothingIsCleanedAndTheFlagEndsWithTheCount) {
  IpcOwners owners;
  auto plain = owners.ref("www", "", false);
  EXPECT_FALSE(owners.unref(*plain).has_value());
  auto flagged = owners.ref("www", "", true);
  EXPECT_TRUE(owners.unref(*flagged).has_value());
  auto again = owners.ref("www", "", false);
  EXPECT_FALSE(owners.unref(*again).has_value());
}

// User and group are counted apart: a group still in use by another user's
// run stays, the user's objects go.
TEST(IpcOwnersTest, UserAndGroupAreCountedApart) {
  IpcOwners owners;
  auto a = owners.ref("alice", "staff", true);
  auto b = owners.ref("bob", "staff", false);
  auto owner = owners.unref(*a);
  ASSERT_TRUE(owner.has_value());
  EXPECT_EQ(owner->user, "alice");
  EXPECT_EQ(owner->group, "");
  // What still runs is named, so that the cleaner spares what it resolves to.
  EXPECT_EQ(owner->users_in_use, std::vector<std::string>{"bob"});
  EXPECT_EQ(owner->groups_in_use, std::vector<std::string>{"staff"});
  owner = owners.unref(*b, 1234);
  ASSERT_TRUE(owner.has_value());
  EXPECT_EQ(*owner, (IpcOwner{.group = "staff", .made_before = 1234})) << "the flag stays on the group until its count ends";
}

TEST(IpcOwnersTest, AGroupAloneIsCounted) {
  IpcOwners owners;
  auto r = owners.ref("", "audio", true);
  ASSERT_TRUE(r.has_value());
  auto owner = owners.unref(*r);
  ASSERT_TRUE(owner.has_value());
  EXPECT_EQ(*owner, (IpcOwner{.user = "", .group = "audio", .group_of_user = false}));
}

}  // namespace
}  // namespace vermilion
