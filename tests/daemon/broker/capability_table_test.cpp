#include "broker/capability_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace vermilion {
namespace {

using rights::connect;
using rights::grant;
using rights::kill;
using rights::logs;
using rights::restart;
using rights::start;
using rights::status;
using rights::stop;

constexpr Rights kAllService = status | start | stop | restart | kill | logs;

Slot root(CapabilityTable& table, const std::string& holder, CapabilityKind kind,
          std::string object, Rights r, std::uint64_t badge = 0) {
  const SlotResult result = table.install_root(holder, kind, std::move(object), r, badge,
                                               "policy test.policy:1");
  EXPECT_TRUE(result.slot) << to_string(result.error);
  return result.slot.value_or(0);
}

Slot derived(CapabilityTable& table, const std::string& holder, Slot from, Rights r) {
  const SlotResult result = table.derive(holder, from, r);
  EXPECT_TRUE(result.slot) << to_string(result.error);
  return result.slot.value_or(0);
}

std::set<CapabilityId> ids_of(const std::vector<RevokedCap>& revoked) {
  std::set<CapabilityId> ids;
  for (const auto& r : revoked) ids.insert(r.id);
  return ids;
}

CapabilityId id_at(const CapabilityTable& table, const std::string& holder, Slot slot) {
  const Capability* cap = table.lookup(holder, slot);
  EXPECT_NE(cap, nullptr) << holder << " slot " << slot;
  return cap == nullptr ? 0 : cap->id;
}

TEST(CapabilityTable, InstallRootFillsEveryField) {
  CapabilityTable table;
  const Slot slot = root(table, "a.service", CapabilityKind::service, "web-*.service",
                         status | restart, 7);
  EXPECT_EQ(slot, 1u);
  const Capability* cap = table.lookup("a.service", slot);
  ASSERT_NE(cap, nullptr);
  EXPECT_NE(cap->id, 0u);
  EXPECT_EQ(cap->kind, CapabilityKind::service);
  EXPECT_EQ(cap->object, "web-*.service");
  EXPECT_EQ(cap->rights, status | restart);
  EXPECT_EQ(cap->badge, 7u);
  EXPECT_EQ(cap->parent, 0u);
  EXPECT_EQ(cap->holder, "a.service");
  EXPECT_EQ(cap->slot, 1u);
  EXPECT_EQ(cap->origin, "policy test.policy:1");
  EXPECT_EQ(table.find(cap->id), cap);
  EXPECT_EQ(table.size("a.service"), 1u);
  EXPECT_EQ(table.check_invariants(), "");
}

TEST(CapabilityTable, InstallRootKeepsOnlyRightsOfItsKind) {
  CapabilityTable table;
  const Slot slot = root(table, "a", CapabilityKind::manager, "", rights::list | connect | status);
  EXPECT_EQ(table.lookup("a", slot)->rights, rights::list);
}

TEST(CapabilityTable, RootsIgnoreTheQuotaButCount) {
  CapabilityTable table(2);
  for (int i = 0; i < 3; ++i) root(table, "a", CapabilityKind::service, "x", status);
  EXPECT_EQ(table.size("a"), 3u);
  EXPECT_EQ(table.derive("a", 1, status).error, CapError::quota_exceeded);
}

TEST(CapabilityTable, SlotsArePerHolder) {
  CapabilityTable table;
  const Slot a1 = root(table, "a", CapabilityKind::service, "x.service", status);
  const Slot a2 = root(table, "a", CapabilityKind::service, "y.service", status);
  const Slot b1 = root(table, "b", CapabilityKind::service, "z.service", kill);
  EXPECT_EQ(a1, 1u);
  EXPECT_EQ(a2, 2u);
  EXPECT_EQ(b1, 1u);
  // b's slot 2 does not exist, even though a has a slot 2.
  EXPECT_EQ(table.lookup("b", 2), nullptr);
  EXPECT_EQ(table.lookup("b", 1)->object, "z.service");
  EXPECT_EQ(table.lookup("nobody", 1), nullptr);
  // Nothing b does can reach a's slot 2.
  EXPECT_EQ(table.derive("b", 2, 0).error, CapError::no_such_slot);
  EXPECT_EQ(table.drop("b", 2), CapError::no_such_slot);
  CapError error = CapError::ok;
  EXPECT_TRUE(table.revoke("b", 2, &error).empty());
  EXPECT_EQ(error, CapError::no_such_slot);
  EXPECT_NE(table.lookup("a", 2), nullptr);
}

TEST(CapabilityTable, UnknownHolder) {
  CapabilityTable table;
  EXPECT_EQ(table.derive("ghost", 1, 0).error, CapError::no_such_holder);
  EXPECT_EQ(table.grant("ghost", 1, 2, 0).error, CapError::no_such_holder);
  EXPECT_EQ(table.drop("ghost", 1), CapError::no_such_holder);
  CapError error = CapError::ok;
  EXPECT_TRUE(table.revoke("ghost", 1, &error).empty());
  EXPECT_EQ(error, CapError::no_such_holder);
  EXPECT_TRUE(table.clist("ghost").empty());
  EXPECT_TRUE(table.roots_of("ghost").empty());
  EXPECT_EQ(table.size("ghost"), 0u);
}

TEST(CapabilityTable, DeriveOnlyShrinksRights) {
  CapabilityTable table;
  const Slot r = root(table, "a", CapabilityKind::service, "web.service", status | restart | logs);
  const SlotResult d = table.derive("a", r, status | logs);
  ASSERT_TRUE(d.slot);
  EXPECT_EQ(d.error, CapError::ok);
  const Capability* cap = table.lookup("a", *d.slot);
  EXPECT_EQ(cap->rights, status | logs);
  EXPECT_EQ(cap->parent, id_at(table, "a", r));
  EXPECT_EQ(cap->object, "web.service");
  EXPECT_EQ(cap->kind, CapabilityKind::service);
  EXPECT_EQ(cap->origin, "derive");

  // Asking the derived one for what only the root has fails.
  const SlotResult more = table.derive("a", *d.slot, status | restart);
  EXPECT_FALSE(more.slot);
  EXPECT_EQ(more.error, CapError::rights_exceed);
  EXPECT_EQ(table.derive("a", r, kill).error, CapError::rights_exceed);
  EXPECT_EQ(table.derive("a", 99, 0).error, CapError::no_such_slot);
  // Same rights and the empty set are subsets.
  EXPECT_TRUE(table.derive("a", *d.slot, status | logs).slot);
  EXPECT_TRUE(table.derive("a", *d.slot, 0).slot);
}

TEST(CapabilityTable, BadgeIsSetOnceThenFixed) {
  CapabilityTable table;
  const Slot unbadged = root(table, "a", CapabilityKind::endpoint, "b", connect | grant);
  const SlotResult badged = table.derive("a", unbadged, connect | grant, 42);
  ASSERT_TRUE(badged.slot);
  EXPECT_EQ(table.lookup("a", *badged.slot)->badge, 42u);
  // Inherited when not given, accepted when unchanged, refused when changed.
  EXPECT_EQ(table.lookup("a", table.derive("a", *badged.slot, connect).slot.value())->badge, 42u);
  EXPECT_TRUE(table.derive("a", *badged.slot, connect, 42).slot);
  EXPECT_EQ(table.derive("a", *badged.slot, connect, 43).error, CapError::not_permitted);
  EXPECT_EQ(table.derive("a", *badged.slot, connect, 0).error, CapError::not_permitted);
}

TEST(CapabilityTable, GrantInstallsInTheEndpointsService) {
  CapabilityTable table;
  const Slot endpoint = root(table, "a", CapabilityKind::endpoint, "b", connect | grant, 1234);
  const Slot web = root(table, "a", CapabilityKind::service, "web.service", status | restart, 9);
  const auto result = table.grant("a", endpoint, web, status);
  ASSERT_TRUE(result.receiver);
  EXPECT_EQ(result.error, CapError::ok);
  EXPECT_EQ(*result.receiver, "b");
  EXPECT_EQ(result.receiver_slot, 1u);
  EXPECT_EQ(result.badge, 1234u);  // who granted: the endpoint's badge
  const Capability* cap = table.lookup("b", result.receiver_slot);
  ASSERT_NE(cap, nullptr);
  EXPECT_EQ(cap->object, "web.service");
  EXPECT_EQ(cap->rights, status);
  EXPECT_EQ(cap->badge, 9u);  // the capability's own badge travels with it
  EXPECT_EQ(cap->parent, id_at(table, "a", web));
  EXPECT_EQ(cap->holder, "b");
  EXPECT_EQ(cap->origin, "grant via endpoint b from a");
  // The granter keeps its capability.
  EXPECT_EQ(table.size("a"), 2u);
  EXPECT_EQ(table.check_invariants(), "");
}

TEST(CapabilityTable, GrantChecks) {
  CapabilityTable table;
  const Slot endpoint = root(table, "a", CapabilityKind::endpoint, "b", connect | grant);
  const Slot connect_only = root(table, "a", CapabilityKind::endpoint, "b", connect);
  const Slot web = root(table, "a", CapabilityKind::service, "web.service", status);
  EXPECT_EQ(table.grant("a", 99, web, status).error, CapError::no_such_slot);
  EXPECT_EQ(table.grant("a", web, web, status).error, CapError::wrong_kind);
  EXPECT_EQ(table.grant("a", connect_only, web, status).error, CapError::not_permitted);
  EXPECT_EQ(table.grant("a", endpoint, 99, status).error, CapError::no_such_slot);
  EXPECT_EQ(table.grant("a", endpoint, web, status | stop).error, CapError::rights_exceed);
  const auto failed = table.grant("a", endpoint, web, kill);
  EXPECT_FALSE(failed.receiver);
  EXPECT_EQ(failed.receiver_slot, 0u);
  EXPECT_EQ(table.size("b"), 0u);
  // An endpoint can grant itself onward, with fewer rights.
  const auto self = table.grant("a", endpoint, endpoint, connect);
  ASSERT_TRUE(self.receiver);
  EXPECT_EQ(table.lookup("b", self.receiver_slot)->kind, CapabilityKind::endpoint);
  EXPECT_EQ(table.lookup("b", self.receiver_slot)->rights, connect);
}

TEST(CapabilityTable, GrantToAnEndpointWithoutObjectFails) {
  CapabilityTable table;
  const Slot endpoint = root(table, "a", CapabilityKind::endpoint, "", grant);
  const Slot web = root(table, "a", CapabilityKind::service, "web.service", status);
  EXPECT_EQ(table.grant("a", endpoint, web, status).error, CapError::no_such_holder);
  EXPECT_EQ(table.size(""), 0u);
}

// A holds the root and an endpoint to B; B holds an endpoint to C.
struct Chain {
  CapabilityTable table;
  Slot a_root = 0;
  Slot b_slot = 0;
  Slot c_slot = 0;
  CapabilityId a_id = 0, b_id = 0, c_id = 0;

  Chain() {
    a_root = root(table, "A", CapabilityKind::service, "web.service", status | restart | stop);
    const Slot a_to_b = root(table, "A", CapabilityKind::endpoint, "B", grant, 1);
    const Slot b_to_c = root(table, "B", CapabilityKind::endpoint, "C", grant, 2);
    const auto to_b = table.grant("A", a_to_b, a_root, status | restart);
    const auto to_c = table.grant("B", b_to_c, to_b.receiver_slot, status);
    b_slot = to_b.receiver_slot;
    c_slot = to_c.receiver_slot;
    a_id = id_at(table, "A", a_root);
    b_id = id_at(table, "B", b_slot);
    c_id = id_at(table, "C", c_slot);
  }
};

TEST(CapabilityTable, ChainRightsShrinkAlongIt) {
  Chain chain;
  EXPECT_EQ(chain.table.lookup("B", chain.b_slot)->parent, chain.a_id);
  EXPECT_EQ(chain.table.lookup("C", chain.c_slot)->parent, chain.b_id);
  EXPECT_EQ(chain.table.lookup("C", chain.c_slot)->rights, status);
  EXPECT_EQ(chain.table.check_invariants(), "");
}

TEST(CapabilityTable, RevokeAtRootRemovesWholeChain) {
  Chain chain;
  CapError error = CapError::no_such_slot;
  const auto revoked = chain.table.revoke("A", chain.a_root, &error);
  EXPECT_EQ(error, CapError::ok);
  ASSERT_EQ(revoked.size(), 2u);
  // Children before parents: C, then B.
  EXPECT_EQ(revoked[0].id, chain.c_id);
  EXPECT_EQ(revoked[0].holder, "C");
  EXPECT_EQ(revoked[0].slot, chain.c_slot);
  EXPECT_EQ(revoked[1].id, chain.b_id);
  EXPECT_EQ(revoked[1].holder, "B");
  EXPECT_EQ(revoked[1].slot, chain.b_slot);
  EXPECT_EQ(chain.table.lookup("B", chain.b_slot), nullptr);
  EXPECT_EQ(chain.table.lookup("C", chain.c_slot), nullptr);
  EXPECT_EQ(chain.table.find(chain.b_id), nullptr);
  // A's own capability stays, and so do the endpoints.
  EXPECT_NE(chain.table.lookup("A", chain.a_root), nullptr);
  EXPECT_EQ(chain.table.size("A"), 2u);
  EXPECT_EQ(chain.table.size("B"), 1u);
  EXPECT_EQ(chain.table.check_invariants(), "");
}

TEST(CapabilityTable, RevokeInTheMiddleRemovesOnlyBelow) {
  Chain chain;
  const auto revoked = chain.table.revoke("B", chain.b_slot);
  ASSERT_EQ(revoked.size(), 1u);
  EXPECT_EQ(revoked[0].id, chain.c_id);
  EXPECT_NE(chain.table.lookup("B", chain.b_slot), nullptr);
  EXPECT_NE(chain.table.lookup("A", chain.a_root), nullptr);
  EXPECT_EQ(chain.table.lookup("C", chain.c_slot), nullptr);
  // Nothing left below C's old parent; revoking again is a no-op.
  EXPECT_TRUE(chain.table.revoke("B", chain.b_slot).empty());
  EXPECT_EQ(chain.table.check_invariants(), "");
}

TEST(CapabilityTable, RevokeLeavesSiblingsAlone) {
  CapabilityTable table;
  const Slot r = root(table, "a", CapabilityKind::service, "x", kAllService);
  const Slot left = derived(table, "a", r, status | stop);
  const Slot right = derived(table, "a", r, status | kill);
  const Slot left_child = derived(table, "a", left, status);
  const Slot right_child = derived(table, "a", right, kill);
  const CapabilityId left_child_id = id_at(table, "a", left_child);
  const auto revoked = table.revoke("a", left);
  EXPECT_EQ(ids_of(revoked), std::set<CapabilityId>{left_child_id});
  EXPECT_NE(table.lookup("a", right), nullptr);
  EXPECT_NE(table.lookup("a", right_child), nullptr);
  EXPECT_NE(table.lookup("a", left), nullptr);
}

TEST(CapabilityTable, RevokeOrdersEveryChildBeforeItsParent) {
  CapabilityTable table;
  const Slot r = root(table, "a", CapabilityKind::service, "x", kAllService);
  std::vector<Slot> slots{r};
  std::mt19937 rng(7);
  for (int i = 0; i < 200; ++i) {
    const Slot parent = slots[rng() % slots.size()];
    slots.push_back(derived(table, "a", parent, table.lookup("a", parent)->rights & rng()));
  }
  std::map<CapabilityId, CapabilityId> parent_of;
  for (const Capability* cap : table.clist("a")) parent_of[cap->id] = cap->parent;
  const auto revoked = table.revoke("a", r);
  EXPECT_EQ(revoked.size(), 200u);
  std::set<CapabilityId> seen;
  for (const auto& cap : revoked) {
    // Its parent has not been reported yet.
    EXPECT_FALSE(seen.contains(parent_of[cap.id]));
    seen.insert(cap.id);
  }
  EXPECT_EQ(table.size("a"), 1u);
}

TEST(CapabilityTable, DropMovesChildrenUpToTheParent) {
  Chain chain;
  // B drops its capability; C's stays and hangs from A's now.
  EXPECT_EQ(chain.table.drop("B", chain.b_slot), CapError::ok);
  EXPECT_EQ(chain.table.lookup("B", chain.b_slot), nullptr);
  EXPECT_EQ(chain.table.find(chain.b_id), nullptr);
  ASSERT_NE(chain.table.lookup("C", chain.c_slot), nullptr);
  EXPECT_EQ(chain.table.lookup("C", chain.c_slot)->parent, chain.a_id);
  EXPECT_EQ(chain.table.check_invariants(), "");
  // A can still revoke it.
  EXPECT_EQ(ids_of(chain.table.revoke("A", chain.a_root)), std::set<CapabilityId>{chain.c_id});
  EXPECT_EQ(chain.table.drop("B", chain.b_slot), CapError::no_such_slot);
}

TEST(CapabilityTable, DroppedRootStaysAsTombstoneForRemoveRoot) {
  Chain chain;
  EXPECT_EQ(chain.table.drop("A", chain.a_root), CapError::ok);
  EXPECT_EQ(chain.table.lookup("A", chain.a_root), nullptr);
  EXPECT_EQ(chain.table.find(chain.a_id), nullptr);
  EXPECT_EQ(chain.table.size("A"), 1u);  // the endpoint
  EXPECT_EQ(chain.table.tombstone_count(), 1u);
  // B's and C's capabilities still stand on it.
  EXPECT_EQ(chain.table.lookup("B", chain.b_slot)->parent, chain.a_id);
  const auto roots = chain.table.roots_of("A");
  ASSERT_EQ(roots.size(), 2u);
  EXPECT_EQ(roots[0]->id, chain.a_id);
  EXPECT_EQ(roots[0]->slot, 0u);
  EXPECT_EQ(chain.table.check_invariants(), "");
  // A policy reload that no longer grants it removes everything below.
  const auto removed = chain.table.remove_root(chain.a_id);
  EXPECT_EQ(ids_of(removed), (std::set<CapabilityId>{chain.b_id, chain.c_id}));
  EXPECT_EQ(chain.table.tombstone_count(), 0u);
  EXPECT_EQ(chain.table.roots_of("A").size(), 1u);
  EXPECT_EQ(chain.table.check_invariants(), "");
}

TEST(CapabilityTable, TombstoneGoesWithItsLastChild) {
  Chain chain;
  EXPECT_EQ(chain.table.drop("A", chain.a_root), CapError::ok);
  EXPECT_EQ(chain.table.drop("B", chain.b_slot), CapError::ok);  // C moves up to the tombstone
  EXPECT_EQ(chain.table.tombstone_count(), 1u);
  EXPECT_EQ(chain.table.lookup("C", chain.c_slot)->parent, chain.a_id);
  EXPECT_EQ(chain.table.drop("C", chain.c_slot), CapError::ok);
  EXPECT_EQ(chain.table.tombstone_count(), 0u);
  EXPECT_EQ(chain.table.roots_of("A").size(), 1u);
  EXPECT_TRUE(chain.table.remove_root(chain.a_id).empty());
  EXPECT_EQ(chain.table.check_invariants(), "");
}

TEST(CapabilityTable, DroppedLeafRootLeavesNothing) {
  CapabilityTable table;
  const Slot r = root(table, "a", CapabilityKind::fd, "socket", rights::use);
  EXPECT_EQ(table.drop("a", r), CapError::ok);
  EXPECT_EQ(table.tombstone_count(), 0u);
  EXPECT_EQ(table.capability_count(), 0u);
  EXPECT_TRUE(table.roots_of("a").empty());
}

TEST(CapabilityTable, RemoveRootIncludesTheRootLast) {
  Chain chain;
  const auto removed = chain.table.remove_root(chain.a_id);
  ASSERT_EQ(removed.size(), 3u);
  EXPECT_EQ(removed.back().id, chain.a_id);
  EXPECT_EQ(removed.back().holder, "A");
  EXPECT_EQ(removed.back().slot, chain.a_root);
  EXPECT_EQ(chain.table.lookup("A", chain.a_root), nullptr);
  EXPECT_EQ(chain.table.size("B"), 1u);  // its endpoint root
  // Not a root, or gone: nothing happens.
  EXPECT_TRUE(chain.table.remove_root(chain.a_id).empty());
  EXPECT_TRUE(chain.table.remove_root(0).empty());
  EXPECT_EQ(chain.table.check_invariants(), "");
}

TEST(CapabilityTable, RemoveRootRefusesDerived) {
  Chain chain;
  EXPECT_TRUE(chain.table.remove_root(chain.b_id).empty());
  EXPECT_NE(chain.table.find(chain.b_id), nullptr);
}

TEST(CapabilityTable, QuotaOnDerive) {
  CapabilityTable table(3);
  const Slot r = root(table, "a", CapabilityKind::service, "x", status);
  derived(table, "a", r, status);
  const Slot last = derived(table, "a", r, status);
  const SlotResult full = table.derive("a", r, status);
  EXPECT_FALSE(full.slot);
  EXPECT_EQ(full.error, CapError::quota_exceeded);
  // Room again after a drop.
  EXPECT_EQ(table.drop("a", last), CapError::ok);
  EXPECT_TRUE(table.derive("a", r, status).slot);
}

TEST(CapabilityTable, QuotaOnGrantCountsTheReceiver) {
  CapabilityTable table(2);
  const Slot endpoint = root(table, "a", CapabilityKind::endpoint, "b", grant);
  const Slot web = root(table, "a", CapabilityKind::service, "web", status);
  EXPECT_TRUE(table.grant("a", endpoint, web, status).receiver);  // a is full, b is not
  EXPECT_TRUE(table.grant("a", endpoint, web, status).receiver);
  const auto full = table.grant("a", endpoint, web, status);
  EXPECT_FALSE(full.receiver);
  EXPECT_EQ(full.error, CapError::quota_exceeded);
  EXPECT_EQ(table.size("b"), 2u);
}

TEST(CapabilityTable, DefaultQuota) {
  CapabilityTable table;
  EXPECT_EQ(table.max_per_holder(), 256u);
  const Slot r = root(table, "a", CapabilityKind::service, "x", status);
  for (int i = 1; i < 256; ++i) ASSERT_TRUE(table.derive("a", r, status).slot) << i;
  EXPECT_EQ(table.derive("a", r, status).error, CapError::quota_exceeded);
}

TEST(CapabilityTable, SlotsAndIdsAreNeverReused) {
  CapabilityTable table;
  const Slot r = root(table, "a", CapabilityKind::service, "x", status);
  std::set<Slot> slots{r};
  std::set<CapabilityId> ids{id_at(table, "a", r)};
  for (int i = 0; i < 50; ++i) {
    const Slot s = derived(table, "a", r, status);
    EXPECT_TRUE(slots.insert(s).second) << s;
    EXPECT_TRUE(ids.insert(id_at(table, "a", s)).second);
    EXPECT_EQ(table.drop("a", s), CapError::ok);
  }
  // Also after a holder has had nothing at all for a while.
  EXPECT_EQ(table.drop("a", r), CapError::ok);
  const Slot again = root(table, "a", CapabilityKind::service, "x", status);
  EXPECT_TRUE(slots.insert(again).second);
}

TEST(CapabilityTable, ClistIsSortedBySlot) {
  CapabilityTable table;
  const Slot r = root(table, "a", CapabilityKind::service, "x", status | stop);
  for (int i = 0; i < 5; ++i) derived(table, "a", r, status);
  EXPECT_EQ(table.drop("a", 3), CapError::ok);
  std::vector<Slot> slots;
  for (const Capability* cap : table.clist("a")) slots.push_back(cap->slot);
  EXPECT_EQ(slots, (std::vector<Slot>{1, 2, 4, 5, 6}));
}

TEST(CapabilityTable, ErrorNames) {
  EXPECT_STREQ(to_string(CapError::ok), "ok");
  EXPECT_STREQ(to_string(CapError::no_such_slot), "no_such_slot");
  EXPECT_STREQ(to_string(CapError::rights_exceed), "rights_exceed");
  EXPECT_STREQ(to_string(CapError::wrong_kind), "wrong_kind");
  EXPECT_STREQ(to_string(CapError::not_permitted), "not_permitted");
  EXPECT_STREQ(to_string(CapError::quota_exceeded), "quota_exceeded");
  EXPECT_STREQ(to_string(CapError::no_such_holder), "no_such_holder");
}

TEST(CapabilityCovers, GlobsAndExactNames) {
  Capability cap;
  cap.kind = CapabilityKind::service;
  cap.object = "web-*.service";
  EXPECT_TRUE(capability_covers(cap, "web-1.service"));
  EXPECT_TRUE(capability_covers(cap, "web-.service"));
  EXPECT_FALSE(capability_covers(cap, "web.service"));
  EXPECT_FALSE(capability_covers(cap, "db-1.service"));
  cap.object = "web-?.service";
  EXPECT_TRUE(capability_covers(cap, "web-a.service"));
  EXPECT_FALSE(capability_covers(cap, "web-ab.service"));
  cap.object = "web-[0-9].service";
  EXPECT_TRUE(capability_covers(cap, "web-7.service"));
  EXPECT_FALSE(capability_covers(cap, "web-x.service"));
  cap.object = "db.service";
  EXPECT_TRUE(capability_covers(cap, "db.service"));
  EXPECT_FALSE(capability_covers(cap, "db.services"));
  EXPECT_FALSE(capability_covers(cap, std::string_view("db.service\0x", 12)));
  // A backslash is part of systemd's escaped names, never a glob escape (as
  // the bridge matches [Bus] Service=: common/service_glob.h).
  cap.object = "a\\x2db.service";
  EXPECT_TRUE(capability_covers(cap, "a\\x2db.service"));
  EXPECT_FALSE(capability_covers(cap, "ax2db.service"));
  cap.object = "app-*.target";
  EXPECT_TRUE(capability_covers(cap, "app-web.target"));
  EXPECT_FALSE(capability_covers(cap, "app-web.service"));
}

TEST(CapabilityCovers, OnlyServiceCapabilitiesCoverServices) {
  Capability cap;
  cap.object = "db.service";
  for (auto kind : {CapabilityKind::manager, CapabilityKind::endpoint, CapabilityKind::fd}) {
    cap.kind = kind;
    EXPECT_FALSE(capability_covers(cap, "db.service")) << to_string(kind);
  }
}


// Random derive/grant/revoke/drop/remove_root sequences against a model that
// only knows parent links and finds descendants by scanning everything, a
// different algorithm from the table's child lists.
class CapabilityTableProperty : public ::testing::TestWithParam<unsigned> {
 protected:
  struct Model {
    CapabilityId parent = 0;
    Rights rights = 0;
    std::uint64_t badge = 0;
    CapabilityKind kind = CapabilityKind::service;
    std::string object;
    std::string holder;
    Slot slot = 0;
    bool live = true;  // false: a dropped root kept for its children
  };

  static constexpr std::size_t kQuota = 12;
  const std::vector<std::string> holders_{"h0", "h1", "h2", "h3", "h4"};

  CapabilityTable table_{kQuota};
  std::map<CapabilityId, Model> model_;
  std::set<std::string> known_holders_;
  std::mt19937 rng_{GetParam()};

  unsigned pick(unsigned n) { return rng_() % n; }
  bool chance(unsigned percent) { return pick(100) < percent; }
  const std::string& any_holder() { return holders_[pick(holders_.size())]; }

  std::size_t live_count(const std::string& holder) const {
    std::size_t n = 0;
    for (const auto& [id, m] : model_) n += (m.live && m.holder == holder) ? 1 : 0;
    return n;
  }
  const Model* model_at(const std::string& holder, Slot slot, CapabilityId* id) const {
    for (const auto& [i, m] : model_) {
      if (m.live && m.holder == holder && m.slot == slot) {
        *id = i;
        return &m;
      }
    }
    return nullptr;
  }
  // Mostly a slot the holder has (of the given kind when asked), sometimes any number.
  Slot any_slot(const std::string& holder, std::optional<CapabilityKind> kind = std::nullopt) {
    std::vector<Slot> slots;
    for (const auto& [id, m] : model_) {
      if (m.live && m.holder == holder && (!kind || m.kind == *kind)) slots.push_back(m.slot);
    }
    if (slots.empty() || chance(15)) return 1 + pick(40);
    return slots[pick(slots.size())];
  }
  Rights wanted_from(const Model* source) {
    if (source != nullptr && chance(75)) return source->rights & rng_();
    return rights::all_known & rng_();
  }
  std::set<CapabilityId> model_descendants(CapabilityId of) const {
    std::set<CapabilityId> found{of};
    for (bool grew = true; grew;) {
      grew = false;
      for (const auto& [id, m] : model_) {
        if (m.parent != 0 && found.contains(m.parent) && found.insert(id).second) grew = true;
      }
    }
    found.erase(of);
    return found;
  }
  bool has_children(CapabilityId id) const {
    return std::any_of(model_.begin(), model_.end(),
                       [&](const auto& entry) { return entry.second.parent == id; });
  }

  void record(const std::string& holder, Slot slot) {
    const Capability* cap = table_.lookup(holder, slot);
    ASSERT_NE(cap, nullptr);
    ASSERT_FALSE(model_.contains(cap->id)) << "id reused";
    model_[cap->id] = {cap->parent, cap->rights, cap->badge, cap->kind, cap->object, holder,
                       slot, true};
    known_holders_.insert(holder);
  }

  void check_removed(const std::vector<RevokedCap>& removed, std::set<CapabilityId> expected) {
    std::set<CapabilityId> seen;
    for (const RevokedCap& r : removed) {
      ASSERT_TRUE(model_.contains(r.id));
      const Model& m = model_.at(r.id);
      EXPECT_TRUE(m.live);
      EXPECT_EQ(r.holder, m.holder);
      EXPECT_EQ(r.slot, m.slot);
      EXPECT_FALSE(seen.contains(m.parent)) << "parent reported before its child";
      EXPECT_TRUE(seen.insert(r.id).second) << "reported twice";
    }
    std::erase_if(expected, [&](CapabilityId id) { return !model_.at(id).live; });
    EXPECT_EQ(seen, expected);
  }

  void step_install_root() {
    const std::string& holder = any_holder();
    const auto kind = static_cast<CapabilityKind>(pick(4));
    std::string object = kind == CapabilityKind::endpoint ? any_holder()
                         : kind == CapabilityKind::manager ? ""
                                                           : "s" + std::to_string(pick(3));
    Rights r = allowed_rights(kind) & rng_();
    if (kind == CapabilityKind::endpoint && chance(70)) r |= rights::grant;  // grants happen
    const SlotResult result =
        table_.install_root(holder, kind, std::move(object), r, chance(50) ? 0 : 1 + pick(3), "p");
    ASSERT_TRUE(result.slot);
    record(holder, *result.slot);
  }

  void step_derive() {
    const std::string& holder = any_holder();
    const Slot from = any_slot(holder);
    CapabilityId source_id = 0;
    const Model* source = model_at(holder, from, &source_id);
    const Rights wanted = wanted_from(source);
    std::optional<std::uint64_t> badge;
    if (chance(30)) badge = pick(4);
    CapError expected = CapError::ok;
    if (!known_holders_.contains(holder)) {
      expected = CapError::no_such_holder;
    } else if (source == nullptr) {
      expected = CapError::no_such_slot;
    } else if (!is_subset(wanted, source->rights)) {
      expected = CapError::rights_exceed;
    } else if (badge && source->badge != 0 && *badge != source->badge) {
      expected = CapError::not_permitted;
    } else if (live_count(holder) >= kQuota) {
      expected = CapError::quota_exceeded;
    }
    const SlotResult result = table_.derive(holder, from, wanted, badge);
    ASSERT_EQ(result.error, expected);
    ASSERT_EQ(result.slot.has_value(), expected == CapError::ok);
    if (!result.slot) return;
    record(holder, *result.slot);
    const Model& made = model_.at(table_.lookup(holder, *result.slot)->id);
    EXPECT_EQ(made.parent, source_id);
    EXPECT_EQ(made.rights, wanted);
    EXPECT_EQ(made.badge, badge.value_or(source->badge));
  }

  void step_grant() {
    const std::string& holder = any_holder();
    const Slot endpoint_slot = any_slot(holder, CapabilityKind::endpoint);
    const Slot cap_slot = any_slot(holder);
    CapabilityId endpoint_id = 0, source_id = 0;
    const Model* endpoint = model_at(holder, endpoint_slot, &endpoint_id);
    const Model* source = model_at(holder, cap_slot, &source_id);
    const Rights wanted = wanted_from(source);
    CapError expected = CapError::ok;
    if (!known_holders_.contains(holder)) {
      expected = CapError::no_such_holder;
    } else if (endpoint == nullptr) {
      expected = CapError::no_such_slot;
    } else if (endpoint->kind != CapabilityKind::endpoint) {
      expected = CapError::wrong_kind;
    } else if ((endpoint->rights & rights::grant) == 0) {
      expected = CapError::not_permitted;
    } else if (source == nullptr) {
      expected = CapError::no_such_slot;
    } else if (!is_subset(wanted, source->rights)) {
      expected = CapError::rights_exceed;
    } else if (live_count(endpoint->object) >= kQuota) {
      expected = CapError::quota_exceeded;
    }
    const auto result = table_.grant(holder, endpoint_slot, cap_slot, wanted);
    ASSERT_EQ(result.error, expected);
    ASSERT_EQ(result.receiver.has_value(), expected == CapError::ok);
    if (!result.receiver) return;
    EXPECT_EQ(*result.receiver, endpoint->object);
    EXPECT_EQ(result.badge, endpoint->badge);
    const std::uint64_t source_badge = source->badge;
    record(*result.receiver, result.receiver_slot);
    const Model& made = model_.at(table_.lookup(*result.receiver, result.receiver_slot)->id);
    EXPECT_EQ(made.parent, source_id);
    EXPECT_EQ(made.rights, wanted);
    EXPECT_EQ(made.badge, source_badge);
  }

  void step_revoke() {
    const std::string& holder = any_holder();
    const Slot slot = any_slot(holder);
    CapabilityId id = 0;
    const Model* target = model_at(holder, slot, &id);
    CapError error = CapError::ok;
    const auto removed = table_.revoke(holder, slot, &error);
    if (target == nullptr) {
      EXPECT_EQ(error, known_holders_.contains(holder) ? CapError::no_such_slot
                                                       : CapError::no_such_holder);
      EXPECT_TRUE(removed.empty());
      return;
    }
    ASSERT_EQ(error, CapError::ok);
    const std::set<CapabilityId> below = model_descendants(id);
    check_removed(removed, below);
    for (const CapabilityId gone : below) model_.erase(gone);
    EXPECT_TRUE(model_.contains(id));
  }

  void step_drop() {
    const std::string& holder = any_holder();
    const Slot slot = any_slot(holder);
    CapabilityId id = 0;
    const Model* target = model_at(holder, slot, &id);
    const CapError error = table_.drop(holder, slot);
    if (target == nullptr) {
      EXPECT_EQ(error, known_holders_.contains(holder) ? CapError::no_such_slot
                                                       : CapError::no_such_holder);
      return;
    }
    ASSERT_EQ(error, CapError::ok);
    const CapabilityId parent = target->parent;
    if (parent == 0 && has_children(id)) {
      model_.at(id).live = false;
      model_.at(id).slot = 0;
      return;
    }
    for (auto& [child, m] : model_) {
      if (m.parent == id) m.parent = parent;
    }
    model_.erase(id);
    if (parent != 0 && !model_.at(parent).live && !has_children(parent)) model_.erase(parent);
  }

  void step_remove_root() {
    std::vector<CapabilityId> roots;
    for (const auto& [id, m] : model_) {
      if (m.parent == 0) roots.push_back(id);
    }
    CapabilityId id = 1 + pick(200);
    if (!roots.empty() && chance(80)) id = roots[pick(roots.size())];
    const auto removed = table_.remove_root(id);
    if (!model_.contains(id) || model_.at(id).parent != 0) {
      EXPECT_TRUE(removed.empty());
      return;
    }
    std::set<CapabilityId> expected = model_descendants(id);
    expected.insert(id);
    check_removed(removed, expected);
    if (!removed.empty() && model_.at(id).live) {
      EXPECT_EQ(removed.back().id, id);
    }
    for (const CapabilityId gone : expected) model_.erase(gone);
  }

  void check_against_model() {
    ASSERT_EQ(table_.check_invariants(), "");
    std::size_t live = 0, dropped = 0;
    for (const auto& [id, m] : model_) {
      if (!m.live) {
        ++dropped;
        EXPECT_EQ(table_.find(id), nullptr);
        EXPECT_TRUE(has_children(id)) << "tombstone without children in the model";
        continue;
      }
      ++live;
      const Capability* cap = table_.find(id);
      ASSERT_NE(cap, nullptr) << id;
      EXPECT_EQ(table_.lookup(m.holder, m.slot), cap);
      EXPECT_EQ(cap->parent, m.parent);
      EXPECT_EQ(cap->rights, m.rights);
      EXPECT_EQ(cap->badge, m.badge);
      EXPECT_EQ(cap->holder, m.holder);
      // The invariants the brief names, on the model's own terms.
      if (m.parent != 0) {
        ASSERT_TRUE(model_.contains(m.parent)) << "dangling parent";
        EXPECT_TRUE(is_subset(m.rights, model_.at(m.parent).rights));
      }
    }
    EXPECT_EQ(table_.capability_count(), live);
    EXPECT_EQ(table_.tombstone_count(), dropped);
    std::size_t sizes = 0;
    for (const auto& holder : holders_) {
      EXPECT_EQ(table_.size(holder), live_count(holder));
      sizes += table_.size(holder);
    }
    EXPECT_EQ(sizes, live);
  }
};

TEST_P(CapabilityTableProperty, RandomOperationsKeepInvariants) {
  for (int step = 0; step < 1500; ++step) {
    SCOPED_TRACE("step " + std::to_string(step));
    const unsigned op = pick(100);
    if (op < 8 || model_.empty()) {
      step_install_root();
    } else if (op < 40) {
      step_derive();
    } else if (op < 65) {
      step_grant();
    } else if (op < 80) {
      step_revoke();
    } else if (op < 97) {
      step_drop();
    } else {
      step_remove_root();
    }
    check_against_model();
    if (HasFatalFailure()) return;
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, CapabilityTableProperty, ::testing::Range(1u, 21u));

}  // namespace
}  // namespace vermilion
