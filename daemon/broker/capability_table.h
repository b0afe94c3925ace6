// The broker's capabilities: every holder's CList and the derivation tree
// that links them (ARCHITECTURE.md, "Capabilities"). Pure data, no I/O: the
// private-link server and the policy loader drive it and do the audit log.
//
// Contract
//  - A capability lives in exactly one slot of one holder (a service). Slot
//    numbers are per holder: they start at 1, are never reused within that
//    holder, and mean nothing to any other holder (lookup() with another
//    holder's slot number finds nothing or that holder's own capability).
//    CapabilityIds are unique for the table's life and never reused; 0 is
//    "none".
//  - Roots come from policy (install_root, parent 0). Every other capability
//    is derived from exactly one parent, with the same kind and object and a
//    subset of its rights: rights only shrink. Derivation stays within the
//    holder (derive) or crosses to another holder over an endpoint that
//    carries `grant` (grant).
//  - Badges: a capability with badge 0 may be derived with any badge; a
//    badged one only with its own badge (seL4 Mint), so a holder cannot pass
//    a capability off as someone else's. grant() keeps the granted
//    capability's badge and reports the endpoint capability's badge to the
//    receiver, so the receiver can tell who granted.
//  - Quota: derive and grant fail with quota_exceeded when the receiving
//    holder already holds max_per_holder capabilities. Roots ignore the
//    quota: policy is the only authority and its grants are never cut short
//    silently; they do count towards the holder's size, so a holder whose
//    policy fills its quota cannot derive more.
//  - revoke removes every capability derived from the given one,
//    transitively, in one step; the capability itself stays. It costs
//    O(size of the subtree · log): every capability keeps its children.
//  - drop removes one's own slot. Its children are re-parented to its parent,
//    so they stay revocable through every remaining ancestor (their rights
//    are a subset of the new parent's too, by transitivity). A dropped root
//    that still has children stays as a slotless tombstone (slot 0) so that
//    remove_root() on a policy reload still removes what was derived from
//    it; the tombstone goes away with its last child. Only roots are ever
//    tombstones, so tombstones are bounded by what policy installed.
//  - Lists of removed capabilities (revoke, remove_root) name only live ones
//    (never a tombstone), each after all of its own descendants, so holders
//    can be told children first.
//  - Pointers returned by lookup/find/clist/roots_of stay valid until that
//    capability is removed (the table's nodes do not move).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/rights.h"

namespace vermilion {

using CapabilityId = std::uint64_t;  // unique for the daemon's life, never reused; 0 = none
using Slot = std::uint32_t;          // per holder, starts at 1, never reused within a holder

struct Capability {
  CapabilityId id = 0;
  CapabilityKind kind = CapabilityKind::service;
  // service: unit name or glob ("web-*.service"); manager: ""; endpoint: the
  // target service's name; fd: resource name.
  std::string object;
  Rights rights = 0;
  std::uint64_t badge = 0;  // chosen by whoever mints; see the contract above
  CapabilityId parent = 0;  // 0 for roots (installed from policy)
  std::string holder;       // service name owning the slot
  Slot slot = 0;            // 0 only for a dropped root kept as a tombstone
  std::string origin;       // "policy FILE:LINE", "derive", "grant via endpoint X from H"
};

enum class CapError {
  ok = 0,
  no_such_slot,    // the holder has no capability in that slot
  rights_exceed,   // asked for rights the source does not have
  wrong_kind,      // grant over something that is not an endpoint
  not_permitted,   // endpoint without `grant`, or a badge change on a badged capability
  quota_exceeded,  // the receiving holder is full, or has used up its slot numbers
  no_such_holder,  // the holder has never held anything; a grant's endpoint names no one
};
// The enumerator's name ("rights_exceed"), for audit lines and error names.
[[nodiscard]] const char* to_string(CapError error);

struct SlotResult {
  std::optional<Slot> slot;      // set on success
  CapError error = CapError::ok;  // ok exactly when slot is set
};

struct RevokedCap {
  std::string holder;
  Slot slot = 0;
  CapabilityId id = 0;
};

// Whether a service capability names `service_name`: its object is matched
// as an fnmatch(3) pattern (`*`, `?`, `[...]`, backslash escapes), so an
// object without those is an exact name. Capabilities of other kinds cover
// no service.
[[nodiscard]] bool capability_covers(const Capability& cap, std::string_view service_name);

class CapabilityTable {
 public:
  // 256: far more than a service needs for its own grants plus what it is
  // handed, small enough that a service granting in a loop is stopped early.
  static constexpr std::size_t kDefaultMaxPerHolder = 256;

  explicit CapabilityTable(std::size_t max_per_holder = kDefaultMaxPerHolder)
      : max_per_holder_(max_per_holder) {}

  // A root from a policy grant; ignores the quota (see the contract). Rights
  // outside allowed_rights(kind) are not installed: policy parsing refuses
  // them first (parse_rights), this only keeps the table's invariant. Fails
  // only when the holder has used up every slot number (never in practice):
  // quota_exceeded.
  [[nodiscard]] SlotResult install_root(const std::string& holder, CapabilityKind kind,
                                        std::string object, Rights rights, std::uint64_t badge,
                                        std::string origin);

  // Mint: a new slot in the same holder with `wanted` ⊆ the source's rights
  // (else rights_exceed). `badge` unset keeps the source's badge; set, it
  // must equal the source's badge unless that is 0 (else not_permitted).
  [[nodiscard]] SlotResult derive(const std::string& holder, Slot from, Rights wanted,
                                  std::optional<std::uint64_t> badge = std::nullopt);

  // Delegation over an endpoint. `endpoint_slot` must hold an endpoint
  // capability (else wrong_kind) with `grant` (else not_permitted); a
  // capability derived from `cap_slot` with `wanted` ⊆ its rights (else
  // rights_exceed) and its badge is installed in the CList of the endpoint's
  // object, the receiver, which may be the granter itself. Checks in this
  // order: holder, endpoint slot, kind, grant right, cap slot, rights, quota.
  struct GrantResult {
    std::optional<std::string> receiver;  // set on success
    Slot receiver_slot = 0;
    std::uint64_t badge = 0;  // the endpoint capability's badge: who granted
    CapError error = CapError::ok;
  };
  [[nodiscard]] GrantResult grant(const std::string& holder, Slot endpoint_slot, Slot cap_slot,
                                  Rights wanted);

  // Removes every capability derived from the one in `slot`, transitively;
  // that one stays. Children come before their parents in the result. On an
  // unknown holder or slot, returns nothing and sets *error (when given).
  [[nodiscard]] std::vector<RevokedCap> revoke(const std::string& holder, Slot slot,
                                               CapError* error = nullptr);

  // Removes one's own capability; its children move up to its parent (see
  // the contract).
  [[nodiscard]] CapError drop(const std::string& holder, Slot slot);

  // Removes a root, live or dropped, and everything derived from it (policy
  // reload that no longer grants it). Returns the live ones removed, the root
  // last; nothing when `root` is no root.
  [[nodiscard]] std::vector<RevokedCap> remove_root(CapabilityId root);

  // Everything a holder has, sorted by slot (ListCapabilities).
  [[nodiscard]] std::vector<const Capability*> clist(const std::string& holder) const;
  // nullptr when the holder has nothing in that slot.
  [[nodiscard]] const Capability* lookup(const std::string& holder, Slot slot) const;
  // A live capability by id; nullptr for unknown, removed, or dropped.
  [[nodiscard]] const Capability* find(CapabilityId id) const;
  // The holder's roots by id, for a policy reload to compare against what
  // policy now grants: live ones and dropped ones that still have
  // descendants (slot 0), so that those can be removed too.
  [[nodiscard]] std::vector<const Capability*> roots_of(const std::string& holder) const;
  // Live capabilities the holder has (what the quota counts).
  [[nodiscard]] std::size_t size(const std::string& holder) const;
  [[nodiscard]] std::size_t max_per_holder() const { return max_per_holder_; }

  // Live capabilities and tombstones in the whole table.
  [[nodiscard]] std::size_t capability_count() const { return nodes_.size() - tombstones_; }
  [[nodiscard]] std::size_t tombstone_count() const { return tombstones_; }

  // "" when every internal invariant holds, else the first broken one. For
  // tests and fuzzing; O(table).
  [[nodiscard]] std::string check_invariants() const;

 private:
  struct Node {
    Capability cap;
    std::set<CapabilityId> children;  // ordered: results do not depend on hashing
    bool dropped = false;             // a root tombstone: no slot, kept for its children
  };
  struct Holder {
    // Hashed, so that a look-up costs the same at 10 and at 10 000 held
    // (issue 10); clist() sorts by slot.
    std::unordered_map<Slot, CapabilityId> slots;
    std::set<CapabilityId> roots;  // live and dropped
    Slot next_slot = 1;            // 0 after wrapping: slot numbers used up
  };

  Node* live_node(const std::string& holder, Slot slot);
  // Adds a capability to `holder` under a fresh slot; nullopt when the slot
  // numbers are used up. Does not check the quota.
  std::optional<Slot> insert(const std::string& holder, Capability cap);
  bool over_quota(const std::string& holder) const;
  // Ids of all descendants of `id` (not `id` itself), parents before children.
  std::vector<CapabilityId> descendants(CapabilityId id) const;
  // Erases `ids` (each after its descendants, so in reverse) and reports the
  // live ones. Does not touch the children set of any node outside `ids`.
  std::vector<RevokedCap> erase_all(const std::vector<CapabilityId>& ids);

  std::size_t max_per_holder_;
  CapabilityId next_id_ = 1;
  std::size_t tombstones_ = 0;
  std::unordered_map<CapabilityId, Node> nodes_;
  std::unordered_map<std::string, Holder> holders_;  // never erased: slot numbers must not restart
};

}  // namespace vermilion
