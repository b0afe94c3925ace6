#include "broker/capability_table.h"

#include <algorithm>

#include <utility>

#include "common/service_glob.h"

namespace vermilion {

const char* to_string(CapError error) {
  switch (error) {
    case CapError::ok:
      return "ok";
    case CapError::no_such_slot:
      return "no_such_slot";
    case CapError::rights_exceed:
      return "rights_exceed";
    case CapError::wrong_kind:
      return "wrong_kind";
    case CapError::not_permitted:
      return "not_permitted";
    case CapError::quota_exceeded:
      return "quota_exceeded";
    case CapError::no_such_holder:
      return "no_such_holder";
  }
  return "unknown";
}

bool capability_covers(const Capability& cap, std::string_view service_name) {
  if (cap.kind != CapabilityKind::service) return false;
  // fnmatch needs NUL-terminated strings; a name with a NUL in it is no unit
  // name and matches nothing.
  if (service_name.find('\0') != std::string_view::npos) return false;
  // As the bridge matches [Bus] Service= globs: a backslash is part of a
  // unit name ("a\x2db.service"), never an escape.
  return service_glob_matches(cap.object, service_name);
}

CapabilityTable::Node* CapabilityTable::live_node(const std::string& holder, Slot slot) {
  const auto h = holders_.find(holder);
  if (h == holders_.end()) return nullptr;
  const auto s = h->second.slots.find(slot);
  if (s == h->second.slots.end()) return nullptr;
  return &nodes_.at(s->second);
}

bool CapabilityTable::over_quota(const std::string& holder) const {
  return size(holder) >= max_per_holder_;
}

std::optional<Slot> CapabilityTable::insert(const std::string& holder, Capability cap) {
  Holder& h = holders_[holder];
  if (h.next_slot == 0) return std::nullopt;
  const Slot slot = h.next_slot++;
  const CapabilityId id = next_id_++;
  cap.id = id;
  cap.holder = holder;
  cap.slot = slot;
  if (cap.parent == 0) {
    h.roots.emplace_hint(h.roots.end(), id);
  } else {
    // Ids only grow: the hint makes this O(1) however many children.
    std::set<CapabilityId>& children = nodes_.at(cap.parent).children;
    children.emplace_hint(children.end(), id);
  }
  h.slots.emplace(slot, id);
  nodes_.emplace(id, Node{std::move(cap), {}, false});
  return slot;
}

SlotResult CapabilityTable::install_root(const std::string& holder, CapabilityKind kind,
                                         std::string object, Rights rights, std::uint64_t badge,
                                         std::string origin) {
  Capability cap;
  cap.kind = kind;
  cap.object = std::move(object);
  cap.rights = rights & allowed_rights(kind);
  cap.badge = badge;
  cap.origin = std::move(origin);
  const std::optional<Slot> slot = insert(holder, std::move(cap));
  if (!slot) return {std::nullopt, CapError::quota_exceeded};
  return {slot, CapError::ok};
}

SlotResult CapabilityTable::derive(const std::string& holder, Slot from, Rights wanted,
                                   std::optional<std::uint64_t> badge) {
  if (!holders_.contains(holder)) return {std::nullopt, CapError::no_such_holder};
  const Node* source = live_node(holder, from);
  if (source == nullptr) return {std::nullopt, CapError::no_such_slot};
  if (!is_subset(wanted, source->cap.rights)) return {std::nullopt, CapError::rights_exceed};
  if (badge && source->cap.badge != 0 && *badge != source->cap.badge) {
    return {std::nullopt, CapError::not_permitted};
  }
  if (over_quota(holder)) return {std::nullopt, CapError::quota_exceeded};

  Capability cap;
  cap.kind = source->cap.kind;
  cap.object = source->cap.object;
  cap.rights = wanted;
  cap.badge = badge.value_or(source->cap.badge);
  cap.parent = source->cap.id;
  cap.origin = "derive";
  const std::optional<Slot> slot = insert(holder, std::move(cap));
  if (!slot) return {std::nullopt, CapError::quota_exceeded};
  return {slot, CapError::ok};
}

CapabilityTable::GrantResult CapabilityTable::grant(const std::string& holder, Slot endpoint_slot,
                                                    Slot cap_slot, Rights wanted) {
  GrantResult result;
  if (!holders_.contains(holder)) {
    result.error = CapError::no_such_holder;
    return result;
  }
  const Node* endpoint = live_node(holder, endpoint_slot);
  if (endpoint == nullptr) {
    result.error = CapError::no_such_slot;
    return result;
  }
  if (endpoint->cap.kind != CapabilityKind::endpoint) {
    result.error = CapError::wrong_kind;
    return result;
  }
  if ((endpoint->cap.rights & rights::grant) == 0) {
    result.error = CapError::not_permitted;
    return result;
  }
  const Node* source = live_node(holder, cap_slot);
  if (source == nullptr) {
    result.error = CapError::no_such_slot;
    return result;
  }
  if (!is_subset(wanted, source->cap.rights)) {
    result.error = CapError::rights_exceed;
    return result;
  }
  const std::string& receiver = endpoint->cap.object;
  if (receiver.empty()) {
    result.error = CapError::no_such_holder;
    return result;
  }
  if (over_quota(receiver)) {
    result.error = CapError::quota_exceeded;
    return result;
  }

  Capability cap;
  cap.kind = source->cap.kind;
  cap.object = source->cap.object;
  cap.rights = wanted;
  cap.badge = source->cap.badge;
  cap.parent = source->cap.id;
  cap.origin = "grant via endpoint " + receiver + " from " + holder;
  const std::uint64_t endpoint_badge = endpoint->cap.badge;
  // Copied: insert() may rehash holders_, and `receiver` lives in a node.
  std::string receiver_name = receiver;
  const std::optional<Slot> slot = insert(receiver_name, std::move(cap));
  if (!slot) {
    result.error = CapError::quota_exceeded;
    return result;
  }
  result.receiver = std::move(receiver_name);
  result.receiver_slot = *slot;
  result.badge = endpoint_badge;
  return result;
}

std::vector<CapabilityId> CapabilityTable::descendants(CapabilityId id) const {
  std::vector<CapabilityId> out;
  std::vector<CapabilityId> stack;
  const auto push_children = [&](CapabilityId of) {
    const std::set<CapabilityId>& children = nodes_.at(of).children;
    // Reversed so that siblings come out in id order.
    for (auto it = children.rbegin(); it != children.rend(); ++it) stack.push_back(*it);
  };
  push_children(id);
  while (!stack.empty()) {
    const CapabilityId next = stack.back();
    stack.pop_back();
    out.push_back(next);
    push_children(next);
  }
  return out;
}

std::vector<RevokedCap> CapabilityTable::erase_all(const std::vector<CapabilityId>& ids) {
  std::vector<RevokedCap> removed;
  removed.reserve(ids.size());
  for (auto it = ids.rbegin(); it != ids.rend(); ++it) {
    const auto node = nodes_.find(*it);
    const Capability& cap = node->second.cap;
    Holder& h = holders_.at(cap.holder);
    if (cap.parent == 0) h.roots.erase(cap.id);
    if (node->second.dropped) {
      --tombstones_;
    } else {
      h.slots.erase(cap.slot);
      removed.push_back({cap.holder, cap.slot, cap.id});
    }
    nodes_.erase(node);
  }
  return removed;
}

std::vector<RevokedCap> CapabilityTable::revoke(const std::string& holder, Slot slot,
                                                CapError* error) {
  const auto fail = [&](CapError e) {
    if (error != nullptr) *error = e;
    return std::vector<RevokedCap>{};
  };
  if (!holders_.contains(holder)) return fail(CapError::no_such_holder);
  Node* node = live_node(holder, slot);
  if (node == nullptr) return fail(CapError::no_such_slot);
  if (error != nullptr) *error = CapError::ok;
  // Every descendant's parent is in the subtree, so only this node's
  // children set points into it from outside.
  std::vector<RevokedCap> removed = erase_all(descendants(node->cap.id));
  node->children.clear();
  return removed;
}

CapError CapabilityTable::drop(const std::string& holder, Slot slot) {
  if (!holders_.contains(holder)) return CapError::no_such_holder;
  Node* node = live_node(holder, slot);
  if (node == nullptr) return CapError::no_such_slot;
  Holder& h = holders_.at(holder);
  const CapabilityId id = node->cap.id;
  const CapabilityId parent_id = node->cap.parent;
  h.slots.erase(slot);

  if (parent_id == 0) {
    if (node->children.empty()) {
      h.roots.erase(id);
      nodes_.erase(id);
    } else {
      node->dropped = true;
      node->cap.slot = 0;
      ++tombstones_;
    }
    return CapError::ok;
  }

  Node& parent = nodes_.at(parent_id);
  parent.children.erase(id);
  for (const CapabilityId child : node->children) {
    nodes_.at(child).cap.parent = parent_id;
    parent.children.insert(child);
  }
  nodes_.erase(id);
  if (parent.dropped && parent.children.empty()) {
    holders_.at(parent.cap.holder).roots.erase(parent_id);
    --tombstones_;
    nodes_.erase(parent_id);
  }
  return CapError::ok;
}

std::vector<RevokedCap> CapabilityTable::remove_root(CapabilityId root) {
  const auto node = nodes_.find(root);
  if (node == nodes_.end() || node->second.cap.parent != 0) return {};
  std::vector<CapabilityId> ids{root};
  const std::vector<CapabilityId> below = descendants(root);
  ids.insert(ids.end(), below.begin(), below.end());
  return erase_all(ids);
}

std::vector<const Capability*> CapabilityTable::clist(const std::string& holder) const {
  std::vector<const Capability*> out;
  const auto h = holders_.find(holder);
  if (h == holders_.end()) return out;
  out.reserve(h->second.slots.size());
  for (const auto& [slot, id] : h->second.slots) out.push_back(&nodes_.at(id).cap);
  std::sort(out.begin(), out.end(), [](const Capability* a, const Capability* b) { return a->slot < b->slot; });
  return out;
}

const Capability* CapabilityTable::lookup(const std::string& holder, Slot slot) const {
  const auto h = holders_.find(holder);
  if (h == holders_.end()) return nullptr;
  const auto s = h->second.slots.find(slot);
  if (s == h->second.slots.end()) return nullptr;
  return &nodes_.at(s->second).cap;
}

const Capability* CapabilityTable::find(CapabilityId id) const {
  const auto node = nodes_.find(id);
  if (node == nodes_.end() || node->second.dropped) return nullptr;
  return &node->second.cap;
}

std::vector<const Capability*> CapabilityTable::roots_of(const std::string& holder) const {
  std::vector<const Capability*> out;
  const auto h = holders_.find(holder);
  if (h == holders_.end()) return out;
  for (const CapabilityId id : h->second.roots) out.push_back(&nodes_.at(id).cap);
  return out;
}

std::size_t CapabilityTable::size(const std::string& holder) const {
  const auto h = holders_.find(holder);
  return h == holders_.end() ? 0 : h->second.slots.size();
}

std::string CapabilityTable::check_invariants() const {
  const auto describe = [](const Capability& cap) {
    return "capability " + std::to_string(cap.id) + " (" + cap.holder + " slot " +
           std::to_string(cap.slot) + ")";
  };
  std::size_t slotted = 0;
  std::size_t dropped = 0;
  for (const auto& [id, node] : nodes_) {
    const Capability& cap = node.cap;
    if (cap.id != id || id == 0 || id >= next_id_) return describe(cap) + ": bad id";
    if (!is_subset(cap.rights, allowed_rights(cap.kind))) {
      return describe(cap) + ": rights not allowed for its kind";
    }
    const auto h = holders_.find(cap.holder);
    if (h == holders_.end()) return describe(cap) + ": holder unknown";
    if (node.dropped) {
      ++dropped;
      if (cap.parent != 0) return describe(cap) + ": dropped but not a root";
      if (node.children.empty()) return describe(cap) + ": dropped without children";
      if (cap.slot != 0) return describe(cap) + ": dropped but has a slot";
    } else {
      ++slotted;
      const auto s = h->second.slots.find(cap.slot);
      if (s == h->second.slots.end() || s->second != id) {
        return describe(cap) + ": not in its holder's slot";
      }
      if (cap.slot == 0 || cap.slot >= h->second.next_slot) {
        if (h->second.next_slot != 0) return describe(cap) + ": slot number not yet handed out";
      }
    }
    if (cap.parent == 0) {
      if (!h->second.roots.contains(id)) return describe(cap) + ": root not in roots";
    } else {
      const auto p = nodes_.find(cap.parent);
      if (p == nodes_.end()) return describe(cap) + ": dangling parent";
      const Capability& parent = p->second.cap;
      if (!p->second.children.contains(id)) return describe(cap) + ": missing from parent";
      if (!is_subset(cap.rights, parent.rights)) return describe(cap) + ": rights grew";
      if (cap.kind != parent.kind || cap.object != parent.object) {
        return describe(cap) + ": kind or object differs from parent";
      }
      if (parent.badge != 0 && cap.badge != parent.badge) return describe(cap) + ": badge changed";
    }
    for (const CapabilityId child : node.children) {
      const auto c = nodes_.find(child);
      if (c == nodes_.end() || c->second.cap.parent != id) {
        return describe(cap) + ": child " + std::to_string(child) + " does not point back";
      }
    }
  }
  std::size_t slots = 0;
  for (const auto& [name, h] : holders_) {
    slots += h.slots.size();
    for (const CapabilityId id : h.roots) {
      const auto r = nodes_.find(id);
      if (r == nodes_.end() || r->second.cap.parent != 0 || r->second.cap.holder != name) {
        return "holder " + name + ": root " + std::to_string(id) + " is not its root";
      }
    }
  }
  if (slots != slotted) return "slot maps name capabilities that do not exist";
  if (dropped != tombstones_) return "tombstone count is off";
  // Every node reaches a root by parent links: no cycles. Parents are always
  // created before their children and drop only moves children up, so ids
  // strictly decrease along the way.
  for (const auto& [id, node] : nodes_) {
    if (node.cap.parent != 0 && node.cap.parent >= id) {
      return describe(node.cap) + ": parent is not older";
    }
  }
  return {};
}

}  // namespace vermilion
