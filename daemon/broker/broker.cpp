#include "broker/broker.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "broker/fd_resource.h"
#include "common/unit_name.h"

namespace vermilion {

struct Broker::Resource {
  unique_fd fd;
  std::string name;  // FileDescriptorName=
};

namespace {

// A grant's identity across reloads: what it gives to whom, not where it is
// written, so moving a [Grant] between files revokes nothing.
std::string grant_key(const PolicyGrant& g) {
  std::string key = g.to + '\n' + to_string(g.kind) + '\n' + g.object + '\n' +
                    std::to_string(g.rights) + '\n' + std::to_string(g.badge);
  if (g.fd) {
    key += '\n' + std::to_string(static_cast<int>(g.fd->type)) + '\n' + g.fd->address + '\n' +
           std::to_string(static_cast<int>(g.fd->mode)) + '\n' + g.fd->name + '\n' +
           std::to_string(g.fd->socket_mode);
  }
  return key;
}

BrokerError error_of(CapError e) {
  switch (e) {
    case CapError::no_such_slot: return BrokerError::no_such_capability;
    case CapError::rights_exceed:
    case CapError::not_permitted:
    case CapError::wrong_kind: return BrokerError::access_denied;
    case CapError::quota_exceeded: return BrokerError::quota_exceeded;
    case CapError::ok:  // not an error: never asked
    case CapError::no_such_holder: return BrokerError::unavailable;
  }
  return BrokerError::unavailable;
}

bool has_glob(std::string_view s) { return s.find_first_of("*?[") != std::string_view::npos; }

// Appends into one reserved string: `"\"" + std::string(s) + "\""` makes
// g++ 12 at -O2 report a false -Wrestrict (GCC bug 105329).
std::string quoted(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('"');
  out.append(s);
  out.push_back('"');
  return out;
}

}  // namespace

Broker::Broker(ServiceControl& control, const Logger& audit_log, BrokerLimits limits)
    : control_(control),
      audit_log_(audit_log),
      limits_(limits),
      table_(limits.capabilities_per_holder) {}

Broker::~Broker() = default;

void Broker::audit(const std::string& action, const std::string& subject, const std::string& detail,
                   const std::string& result) const {
  audit_log_.info("audit: action=" + action + " subject=" + subject + (detail.empty() ? "" : " ") +
                  detail + " result=" + result);
}

std::string Broker::describe(const Capability& cap) const {
  return "slot=" + std::to_string(cap.slot) + " object=" + to_string(cap.kind) +
         (cap.object.empty() ? "" : ":" + cap.object) + " rights=" + quoted(rights_to_string(cap.rights)) +
         " badge=" + std::to_string(cap.badge);
}

// ---- policy ----------------------------------------------------------------------

void Broker::apply_policy(const PolicySet& policy) {
  bus_rules_ = policy.bus_rules;
  std::set<std::string> wanted;
  for (const auto& g : policy.grants) wanted.insert(grant_key(g));

  // What is no longer granted goes, with everything derived from it.
  std::set<std::string> kept;
  for (auto it = root_keys_.begin(); it != root_keys_.end();) {
    if (wanted.count(it->second)) {
      kept.insert(it->second);  // still granted: keep it (and what was derived)
      ++it;
      continue;
    }
    CapabilityId root = it->first;
    std::vector<RevokedCap> removed = table_.remove_root(root);
    audit("revoke", "policy", "root=" + std::to_string(root) + " removed=" + std::to_string(removed.size()),
          "ok (no longer granted)");
    tell_revoked(removed);
    resources_.erase(root);
    it = root_keys_.erase(it);
  }

  // New grants, in policy order, so slot numbers follow the files.
  for (const PolicyGrant& g : policy.grants) {
    std::string key = grant_key(g);
    if (!kept.insert(key).second) continue;  // held already, or granted twice
    const PolicyGrant* grant = &g;
    std::unique_ptr<Resource> resource;
    if (grant->fd) {
      resource = std::make_unique<Resource>();
      resource->name = grant->fd->name;
      if (int r = open_fd_resource(*grant->fd, resource->fd); r < 0) {
        audit_log_.error(format_diagnostic({Severity::error, grant->where,
                                            "cannot open " + grant->fd->address + " for fd:" +
                                                grant->object + ": " + std::strerror(-r) +
                                                "; not granted"}));
        continue;
      }
    }
    std::string origin = "policy " + grant->where.file + ":" + std::to_string(grant->where.line);
    SlotResult slot = table_.install_root(grant->to, grant->kind, grant->object, grant->rights,
                                          grant->badge, origin);
    if (!slot.slot) {
      audit("grant", grant->to, origin, std::string("error ") + to_string(slot.error));
      continue;
    }
    const Capability* cap = table_.lookup(grant->to, *slot.slot);
    root_keys_[cap->id] = key;
    if (resource) resources_[cap->id] = std::move(resource);
    audit("grant", grant->to, describe(*cap) + " origin=" + quoted(origin), "ok");
    auto peers = peers_.find(grant->to);
    if (peers != peers_.end())
      for (LinkPeer* p : peers->second) p->capability_received(*cap, cap->badge);
  }
}

bool Broker::has_capabilities(const std::string& holder) const { return table_.size(holder) > 0; }

std::vector<Broker::PassedFd> Broker::listen_fds(const std::string& holder) const {
  std::vector<PassedFd> out;
  for (const Capability* root : table_.roots_of(holder)) {
    if (root->kind != CapabilityKind::fd || root->slot == 0) continue;
    auto it = resources_.find(root->id);
    if (it != resources_.end()) out.push_back({it->second->fd.get(), it->second->name});
  }
  return out;
}

void Broker::attach(const std::string& holder, LinkPeer& peer) { peers_[holder].insert(&peer); }

void Broker::detach(const std::string& holder, LinkPeer& peer) {
  auto it = peers_.find(holder);
  if (it != peers_.end()) {
    it->second.erase(&peer);
    if (it->second.empty()) {
      peers_.erase(it);
      for (const Capability* cap : table_.clist(holder)) connections_.erase(cap->id);
    }
  }
  watchers_.remove(peer);
}

void Broker::tell_revoked(const std::vector<RevokedCap>& removed) {
  for (const RevokedCap& r : removed) {
    audit("revoke", r.holder, "slot=" + std::to_string(r.slot) + " id=" + std::to_string(r.id), "removed");
    // Connections made through a revoked endpoint are cut: shutdown() on our
    // end ends the stream for both sides.
    auto conns = connections_.find(r.id);
    if (conns != connections_.end()) {
      for (auto& fd : conns->second) ::shutdown(fd.get(), SHUT_RDWR);
      connections_.erase(conns);
    }
    auto peers = peers_.find(r.holder);
    if (peers != peers_.end())
      for (LinkPeer* p : peers->second) p->revoked(r.slot);
  }
}

// ---- a child's requests ----------------------------------------------------------

std::vector<const Capability*> Broker::list(const std::string& holder) const { return table_.clist(holder); }

const Capability* Broker::lookup(const std::string& holder, Slot slot) const {
  return table_.lookup(holder, slot);
}

BrokerResult Broker::derive(const std::string& holder, Slot slot, const std::string& rights, Slot& out) {
  const Capability* cap = table_.lookup(holder, slot);
  if (!cap) {
    audit("derive", holder, "slot=" + std::to_string(slot), "denied (no such capability)");
    return BrokerResult::failure(BrokerError::no_such_capability, "no capability in slot " + std::to_string(slot));
  }
  RightsParse parsed = parse_rights(cap->kind, rights);
  if (!parsed.rights) {
    audit("derive", holder, describe(*cap) + " asked=" + quoted(rights), "denied (invalid rights)");
    return BrokerResult::failure(BrokerError::invalid_argument, parsed.error);
  }
  SlotResult r = table_.derive(holder, slot, *parsed.rights);
  if (!r.slot) {
    audit("derive", holder, describe(*cap) + " asked=" + quoted(rights),
          std::string("denied (") + to_string(r.error) + ")");
    return BrokerResult::failure(error_of(r.error),
                                 r.error == CapError::rights_exceed
                                     ? "asked for rights beyond \"" + rights_to_string(cap->rights) + "\""
                                     : std::string("cannot derive: ") + to_string(r.error));
  }
  out = *r.slot;
  audit("derive", holder, describe(*table_.lookup(holder, out)) + " parent-slot=" + std::to_string(slot), "ok");
  return BrokerResult::success();
}

BrokerResult Broker::grant(const std::string& holder, Slot endpoint, Slot cap_slot,
                           const std::string& rights, Slot& receiver_slot) {
  const Capability* cap = table_.lookup(holder, cap_slot);
  const Capability* ep = table_.lookup(holder, endpoint);
  std::string detail = "endpoint-slot=" + std::to_string(endpoint) + " cap-slot=" + std::to_string(cap_slot) +
                       " rights=" + quoted(rights);
  if (!cap || !ep) {
    audit("grant", holder, detail, "denied (no such capability)");
    return BrokerResult::failure(BrokerError::no_such_capability, "no capability in slot " +
                                                                std::to_string(!ep ? endpoint : cap_slot));
  }
  RightsParse parsed = parse_rights(cap->kind, rights);
  if (!parsed.rights) {
    audit("grant", holder, detail, "denied (invalid rights)");
    return BrokerResult::failure(BrokerError::invalid_argument, parsed.error);
  }
  CapabilityTable::GrantResult r = table_.grant(holder, endpoint, cap_slot, *parsed.rights);
  if (!r.receiver) {
    audit("grant", holder, detail, std::string("denied (") + to_string(r.error) + ")");
    return BrokerResult::failure(error_of(r.error), std::string("cannot grant: ") + to_string(r.error));
  }
  receiver_slot = r.receiver_slot;
  const Capability* given = table_.lookup(*r.receiver, r.receiver_slot);
  audit("grant", holder, detail + " receiver=" + *r.receiver + " " + describe(*given), "ok");
  auto peers = peers_.find(*r.receiver);
  if (peers != peers_.end())
    for (LinkPeer* p : peers->second) p->capability_received(*given, r.badge);
  return BrokerResult::success();
}

BrokerResult Broker::revoke(const std::string& holder, Slot slot) {
  CapError error = CapError::ok;
  std::vector<RevokedCap> removed = table_.revoke(holder, slot, &error);
  if (error != CapError::ok) {
    audit("revoke", holder, "slot=" + std::to_string(slot), std::string("denied (") + to_string(error) + ")");
    return BrokerResult::failure(error_of(error), "no capability in slot " + std::to_string(slot));
  }
  audit("revoke", holder, "slot=" + std::to_string(slot) + " removed=" + std::to_string(removed.size()), "ok");
  tell_revoked(removed);
  return BrokerResult::success();
}

BrokerResult Broker::drop(const std::string& holder, Slot slot) {
  const Capability* cap = table_.lookup(holder, slot);
  CapabilityId id = cap ? cap->id : 0;
  CapError error = table_.drop(holder, slot);
  if (error != CapError::ok) {
    audit("drop", holder, "slot=" + std::to_string(slot), std::string("denied (") + to_string(error) + ")");
    return BrokerResult::failure(error_of(error), "no capability in slot " + std::to_string(slot));
  }
  audit("drop", holder, "slot=" + std::to_string(slot), "ok");
  connections_.erase(id);
  return BrokerResult::success();
}

BrokerResult Broker::connect(const std::string& holder, Slot endpoint, unique_fd& mine) {
  const Capability* ep = table_.lookup(holder, endpoint);
  std::string detail = "slot=" + std::to_string(endpoint);
  if (!ep) {
    audit("connect", holder, detail, "denied (no such capability)");
    return BrokerResult::failure(BrokerError::no_such_capability, "no capability in slot " + std::to_string(endpoint));
  }
  if (ep->kind != CapabilityKind::endpoint || !(ep->rights & rights::connect)) {
    audit("connect", holder, describe(*ep), "denied (no connect right)");
    return BrokerResult::failure(BrokerError::access_denied, "capability does not allow connect");
  }
  auto peers = peers_.find(ep->object);
  if (peers == peers_.end() || peers->second.empty()) {
    audit("connect", holder, describe(*ep), "failed (target not linked)");
    return BrokerResult::failure(BrokerError::unavailable, ep->object + " is not running with a link");
  }
  if (open_connections(holder) >= limits_.connections_per_link) {
    audit("quota", holder, describe(*ep) + " connections=" + std::to_string(limits_.connections_per_link),
          "denied (connections open)");
    return BrokerResult::failure(BrokerError::quota_exceeded, "more than " +
                                                              std::to_string(limits_.connections_per_link) +
                                                              " connections open");
  }
  fd_pair pair;
  if (int r = make_socketpair(pair, AF_UNIX, SOCK_STREAM); r < 0)
    return BrokerResult::failure(BrokerError::unavailable, std::string("socketpair: ") + std::strerror(-r));
  unique_fd kept(::fcntl(pair.first.get(), F_DUPFD_CLOEXEC, 3));
  if (!kept) return BrokerResult::failure(BrokerError::unavailable, std::string("dup: ") + std::strerror(errno));
  connections_[ep->id].push_back(std::move(kept));
  // The most recently linked process of the target is the one serving.
  (*peers->second.rbegin())->connection(std::move(pair.second), ep->badge);
  mine = std::move(pair.first);
  audit("connect", holder, describe(*ep), "ok");
  return BrokerResult::success();
}

std::size_t Broker::open_connections(const std::string& holder) {
  std::size_t open = 0;
  for (const Capability* cap : table_.clist(holder)) {
    auto it = connections_.find(cap->id);
    if (it == connections_.end()) continue;
    // The target closed its end: ours reports a hang-up, and nothing is
    // left to cut.
    std::erase_if(it->second, [](const unique_fd& fd) {
      pollfd p{fd.get(), POLLIN, 0};
      return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLERR | POLLNVAL));
    });
    open += it->second.size();
    if (it->second.empty()) connections_.erase(it);
  }
  return open;
}

BrokerResult Broker::open_fd(const std::string& holder, Slot slot, int& fd) {
  const Capability* cap = table_.lookup(holder, slot);
  if (!cap) {
    audit("open", holder, "slot=" + std::to_string(slot), "denied (no such capability)");
    return BrokerResult::failure(BrokerError::no_such_capability, "no capability in slot " + std::to_string(slot));
  }
  if (cap->kind != CapabilityKind::fd || !(cap->rights & rights::use)) {
    audit("open", holder, describe(*cap), "denied (no use right)");
    return BrokerResult::failure(BrokerError::access_denied, "capability does not allow use");
  }
  // The resource belongs to the root this capability descends from. Its
  // holder may have dropped that root: then it is a slotless tombstone,
  // which find() does not return. Only roots become tombstones (drop
  // re-parents the children of anything else), so a parent id that find()
  // does not know is the root's.
  CapabilityId root = cap->id;
  for (const Capability* c = cap; c && c->parent != 0; c = table_.find(c->parent)) root = c->parent;
  auto it = resources_.find(root);
  if (it == resources_.end()) return BrokerResult::failure(BrokerError::unavailable, "resource is gone");
  fd = it->second->fd.get();
  audit("open", holder, describe(*cap), "ok");
  return BrokerResult::success();
}

BrokerResult Broker::authorize(const std::string& holder, Slot slot, CapabilityKind kind, Rights right,
                               const std::string& service, std::string& resolved) {
  const Capability* cap = table_.lookup(holder, slot);
  // Built only for a denial: this is every call's path.
  auto detail = [&] {
    return "slot=" + std::to_string(slot) + " right=" + quoted(rights_to_string(right)) +
           (service.empty() ? "" : " service=" + quoted(service));
  };
  if (!cap) {
    audit("invoke", holder, detail(), "denied (no such capability)");
    return BrokerResult::failure(BrokerError::no_such_capability, "no capability in slot " + std::to_string(slot));
  }
  if (cap->kind != kind || (cap->rights & right) != right) {
    audit("invoke", holder, describe(*cap) + " asked=" + quoted(rights_to_string(right)), "denied (right not held)");
    return BrokerResult::failure(BrokerError::access_denied,
                                 "this capability does not carry \"" + rights_to_string(right) + "\"");
  }
  if (kind != CapabilityKind::service) return BrokerResult::success();
  if (service.empty()) {
    if (has_glob(cap->object)) {
      return BrokerResult::failure(BrokerError::invalid_argument,
                                   "this capability covers " + cap->object + ": name a service");
    }
    resolved = cap->object;
    return BrokerResult::success();
  }
  // A service or a target (which a service capability may cover: policy.h).
  auto normalized = normalize_unit_name(service);
  if (!normalized) {
    audit("invoke", holder, detail(), "denied (invalid name)");
    return BrokerResult::failure(BrokerError::invalid_argument, "invalid unit name");
  }
  if (!capability_covers(*cap, *normalized)) {
    audit("invoke", holder, describe(*cap) + " service=" + quoted(*normalized), "denied (not covered)");
    return BrokerResult::failure(BrokerError::access_denied,
                                 "this capability covers " + cap->object + ", not " + *normalized);
  }
  resolved = *normalized;
  return BrokerResult::success();
}

BrokerResult Broker::capabilities_of(const std::string& holder, Slot slot, const std::string& service,
                                     std::vector<const Capability*>& out) {
  std::string unused;
  BrokerResult allowed = authorize(holder, slot, CapabilityKind::manager, rights::inspect, "", unused);
  if (!allowed.ok()) return allowed;
  auto normalized = normalize_service_name(service);
  if (!normalized) return BrokerResult::failure(BrokerError::invalid_argument, "invalid service name");
  std::optional<ServiceStatus> status = control_.status(*normalized);
  if (!status) return BrokerResult::failure(BrokerError::no_such_service, "Unit " + *normalized + " not found.");
  out = table_.clist(status->name);  // by its own name, not an alias
  return BrokerResult::success();
}

BrokerResult Broker::change_unit_files(const std::string& holder, Slot slot, UnitFileOperation op,
                                       const std::vector<std::string>& names, std::vector<InstallChange>& changes) {
  std::string unused;
  BrokerResult allowed = authorize(holder, slot, CapabilityKind::manager, rights::enable, "", unused);
  if (!allowed.ok()) return allowed;
  if (names.empty()) return BrokerResult::failure(BrokerError::invalid_argument, "no unit files named");
  std::string listed;
  for (const std::string& n : names) listed += (listed.empty() ? "" : " ") + quoted(n);
  Diagnostics diags;
  int r = control_.change_unit_files(op, names, changes, diags);
  return changed_unit_files(holder, to_string(op), "units=" + listed, r, diags, changes);
}

BrokerResult Broker::preset_unit_files(const std::string& holder, Slot slot, const std::vector<std::string>& names,
                                       bool all, PresetMode mode, std::vector<InstallChange>& changes) {
  std::string unused;
  BrokerResult allowed = authorize(holder, slot, CapabilityKind::manager, rights::enable, "", unused);
  if (!allowed.ok()) return allowed;
  if (!all && names.empty()) return BrokerResult::failure(BrokerError::invalid_argument, "no unit files named");
  std::string listed;
  for (const std::string& n : names) listed += (listed.empty() ? "" : " ") + quoted(n);
  const char* mode_word = mode == PresetMode::full ? "full" : mode == PresetMode::enable_only ? "enable-only"
                                                                                                : "disable-only";
  Diagnostics diags;
  int r = control_.preset_unit_files(names, all, mode, changes, diags);
  return changed_unit_files(holder, all ? "preset-all" : "preset",
                            (all ? std::string() : "units=" + listed + " ") + "mode=" + mode_word, r, diags, changes);
}

BrokerResult Broker::set_default_target(const std::string& holder, Slot slot, const std::string& name, bool force,
                                        std::vector<InstallChange>& changes) {
  std::string unused;
  BrokerResult allowed = authorize(holder, slot, CapabilityKind::manager, rights::enable, "", unused);
  if (!allowed.ok()) return allowed;
  Diagnostics diags;
  int r = control_.set_default_target(name, force, changes, diags);
  return changed_unit_files(holder, "set-default", "unit=" + quoted(name), r, diags, changes);
}

BrokerResult Broker::changed_unit_files(const std::string& holder, const std::string& action,
                                        const std::string& detail, int r, const Diagnostics& diags,
                                        const std::vector<InstallChange>& changes) {
  std::string message;
  for (const Diagnostic& d : diags.items())
    if (d.severity == Severity::error) message += (message.empty() ? "" : " ") + d.message;
  audit(action, holder, detail + " changes=" + std::to_string(changes.size()),
        r < 0 ? "failed (" + message + ")" : std::string("ok"));
  // Before the reply, as systemd sends UnitFilesChanged before its reply.
  if (!changes.empty()) unit_files_changed();
  if (r >= 0) return BrokerResult::success();
  BrokerError error = r == -ENOENT    ? BrokerError::no_such_unit_file
                      : r == -ERFKILL ? BrokerError::unit_masked
                      : r == -EEXIST  ? BrokerError::file_exists
                      : r == -EINVAL  ? BrokerError::invalid_argument
                                      : BrokerError::unavailable;
  return BrokerResult::failure(error, message.empty() ? std::strerror(-r) : message);
}

BrokerResult Broker::unit_file_links(const std::string& holder, Slot slot, const std::string& name, bool runtime,
                                     std::vector<std::string>& out) {
  std::string unused;
  BrokerResult allowed = authorize(holder, slot, CapabilityKind::manager, rights::list, "", unused);
  if (!allowed.ok()) return allowed;
  Diagnostics diags;
  int r = control_.unit_file_links(name, runtime, out, diags);
  if (r >= 0) return BrokerResult::success();
  std::string message;
  for (const Diagnostic& d : diags.items())
    if (d.severity == Severity::error) message += (message.empty() ? "" : " ") + d.message;
  return BrokerResult::failure(r == -EINVAL ? BrokerError::invalid_argument : BrokerError::unavailable,
                               message.empty() ? std::strerror(-r) : message);
}

BrokerResult Broker::unit_file_state(const std::string& holder, Slot slot, const std::string& name,
                                     UnitFileState& out) {
  std::string unused;
  BrokerResult allowed = authorize(holder, slot, CapabilityKind::manager, rights::list, "", unused);
  if (!allowed.ok()) return allowed;
  auto state = control_.unit_file_state(name);
  if (!state) return BrokerResult::failure(BrokerError::no_such_unit_file, "No such file or directory: " + name);
  out = *state;
  return BrokerResult::success();
}

BrokerResult Broker::default_target(const std::string& holder, Slot slot, std::string& out) {
  std::string unused;
  BrokerResult allowed = authorize(holder, slot, CapabilityKind::manager, rights::list, "", unused);
  if (!allowed.ok()) return allowed;
  int r = control_.default_target(out);
  if (r == -ENOENT) return BrokerResult::failure(BrokerError::no_such_unit_file, "No such file or directory");
  if (r == -ERFKILL) return BrokerResult::failure(BrokerError::unit_masked, "Unit file is masked.");
  if (r < 0) return BrokerResult::failure(BrokerError::unavailable, std::string("default.target: ") + std::strerror(-r));
  return BrokerResult::success();
}

BrokerResult Broker::unit_files(const std::string& holder, Slot slot, std::map<std::string, UnitFileState>& out) {
  std::string unused;
  BrokerResult allowed = authorize(holder, slot, CapabilityKind::manager, rights::list, "", unused);
  if (!allowed.ok()) return allowed;
  out = control_.unit_files();
  return BrokerResult::success();
}

BrokerResult Broker::unit_file_paths(const std::string& holder, Slot slot, std::vector<UnitFileRow>& out) {
  std::string unused;
  BrokerResult allowed = authorize(holder, slot, CapabilityKind::manager, rights::list, "", unused);
  if (!allowed.ok()) return allowed;
  out.clear();
  for (auto& [path, state] : control_.unit_file_paths()) {
    auto preset = control_.unit_file_preset(path.substr(path.rfind('/') + 1));
    out.push_back(UnitFileRow{std::move(path), state, preset ? to_state_word(*preset) : ""});
  }
  return BrokerResult::success();
}

BrokerResult Broker::service_of_process(const std::string& holder, Slot slot, pid_t pid, std::string& out) {
  std::string unused;
  BrokerResult allowed = authorize(holder, slot, CapabilityKind::manager, rights::list, "", unused);
  if (!allowed.ok()) return allowed;
  if (control_.service_of_process(pid, out) < 0)
    return BrokerResult::failure(BrokerError::no_such_service,
                                 "PID " + std::to_string(pid) + " does not belong to any loaded unit.");
  return BrokerResult::success();
}

bool Broker::still_held(const std::string& holder, Slot slot, CapabilityId id) const {
  const Capability* cap = table_.lookup(holder, slot);
  return cap && cap->id == id;
}

void Broker::watch(const std::string& holder, Slot slot, LinkPeer& peer) {
  const Capability* cap = table_.lookup(holder, slot);
  if (cap) watchers_.add(peer, holder, slot, cap->id);
}

void Broker::service_state_changed(const ServiceStatus& status) { watchers_.service_state_changed(status); }

void Broker::service_properties_changed(const ServiceStatus& status) {
  watchers_.service_properties_changed(status);
}

void Broker::reloaded() { watchers_.reloaded(); }

void Broker::unit_files_changed() { watchers_.unit_files_changed(); }

}  // namespace vermilion
