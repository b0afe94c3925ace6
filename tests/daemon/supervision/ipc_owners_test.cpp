// supervision/ipc_owners.h: the counts behind RemoveIPC= (systemd 252's
// manager_ref_uid(), manager_unref_uid() and their DESTROY_IPC_FLAG).
#include "supervision/ipc_owners.h"

#include <gtest/gtest.h>

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
  EXPECT_EQ(*owner, (IpcOwner{"redis", "redis", true}));
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
  EXPECT_EQ(*owner, (IpcOwner{"alice", "", false}));
  owner = owners.unref(*b);
  ASSERT_TRUE(owner.has_value());
  EXPECT_EQ(*owner, (IpcOwner{"", "staff", false})) << "the flag stays on the group until its count ends";
}

TEST(IpcOwnersTest, AGroupAloneIsCounted) {
  IpcOwners owners;
  auto r = owners.ref("", "audio", true);
  ASSERT_TRUE(r.has_value());
  auto owner = owners.unref(*r);
  ASSERT_TRUE(owner.has_value());
  EXPECT_EQ(*owner, (IpcOwner{"", "audio", false}));
}

}  // namespace
}  // namespace vermilion
