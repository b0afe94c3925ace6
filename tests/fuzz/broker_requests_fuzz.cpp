// The requests behind the private link, as a child can send them: a sequence
// of broker operations (derive, grant, revoke, drop, authorize, connect,
// open, watch, a policy reload, a link going away and coming back, another
// service's CList, the bus rules, a completed reload told to watchers) with
// holders among four services, fuzzed slot numbers, rights strings and
// service names, on a Broker with a fixed policy, a fake ServiceControl and
// fake LinkPeers. After every operation:
//  - the capability table's own invariants hold;
//  - every live capability descends, through live parents, from a root that
//    the policy in force grants, with the same kind and object and rights
//    only shrinking; so no holder ever has a right that policy did not grant
//    for that object in total;
//  - whatever the broker allowed (authorize, connect, open, capabilities_of,
//    the bus rules) was covered by the caller's capability and by the policy;
//  - capabilities_of gives exactly the named service's CList, and the bus
//    rules are those of the policy in force;
//  - a capability that policy grants and that is still held, directly or
//    derived, can still be used (an fd capability opens).
// Peers check that a received slot exists, a revoked one is gone, and that
// only a link holding a manager capability with `watch` hears state changes
// and reloads.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "broker/broker.h"
#include "broker/capability_table.h"
#include "broker/policy.h"
#include "common/unit_name.h"

namespace {

using namespace vermilion;

const char* const kHolders[] = {"a.service", "b.service", "c.service", "d.service"};
constexpr std::size_t kHolderCount = 4;

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "broker_requests_fuzz: %s\n", what.c_str());
  std::abort();
}

PolicyGrant make_grant(const char* to, CapabilityKind kind, const char* object, Rights r, std::uint64_t badge = 0) {
  PolicyGrant g;
  g.to = to;
  g.kind = kind;
  g.object = object;
  g.rights = r;
  g.badge = badge;
  g.where = {"fuzz.policy", 1};
  if (kind == CapabilityKind::fd) {
    g.fd = FdSpec{};
    g.fd->type = FdSpec::Type::file;
    g.fd->address = "/dev/null";
    g.fd->name = object;
  }
  return g;
}

// Policy A (the start) and policy B (a reload that takes some away and adds
// one); operation 7 switches between them.
PolicySet make_policy(bool reloaded) {
  namespace r = rights;
  PolicySet p;
  p.grants.push_back(make_grant("a.service", CapabilityKind::service, "web-*.service",
                           r::status | r::start | r::stop | r::restart | r::kill | r::logs));
  p.grants.push_back(make_grant("a.service", CapabilityKind::endpoint, "b.service", r::connect | r::grant, 7));
  p.grants.push_back(make_grant("b.service", CapabilityKind::service, "db.service", r::status | r::logs));
  p.grants.push_back(make_grant("b.service", CapabilityKind::endpoint, "c.service", r::grant, 9));
  p.grants.push_back(make_grant("c.service", CapabilityKind::manager, "", r::list | r::watch | r::inspect));
  p.grants.push_back(make_grant("d.service", CapabilityKind::fd, "null", r::use));
  p.grants.push_back(make_grant("d.service", CapabilityKind::endpoint, "a.service", r::connect | r::grant));
  p.grants.push_back(make_grant("b.service", CapabilityKind::manager, "", r::list | r::inspect));
  BusRule everyone;
  everyone.users = {"*"};
  everyone.service_glob = "*.service";
  everyone.rights = r::status;
  everyone.where = {"fuzz.policy", 2};
  p.bus_rules.push_back(everyone);
  if (!reloaded) {
    p.grants.push_back(make_grant("c.service", CapabilityKind::endpoint, "d.service", r::connect | r::grant, 3));
    p.grants.push_back(make_grant("d.service", CapabilityKind::service, "db.service", r::status | r::stop));
  } else {
    p.grants.push_back(make_grant("c.service", CapabilityKind::service, "web-1.service", r::status));
    BusRule root;
    root.users = {"root"};
    root.manager_rights = r::reload | r::inspect;
    root.where = {"fuzz.policy", 7};
    p.bus_rules.push_back(root);
  }
  return p;
}

class FakeControl final : public ServiceControl {
 public:
  // The services of kNames and the holders (whose CLists capabilities_of shows).
  std::optional<ServiceStatus> status(const std::string& name) override {
    static const std::set<std::string> kKnown = {"web-1.service", "web-2.service", "db.service", "a.service",
                                                 "b.service",     "c.service",     "d.service"};
    if (!kKnown.count(name)) return std::nullopt;
    ServiceStatus s;
    s.name = name;
    s.active_state = "active";
    s.sub_state = "running";
    return s;
  }
  std::vector<ServiceStatus> list() override { return {}; }
  EnqueueResult enqueue(JobType, const std::string&, std::function<void(JobResult)>, JobMode) override { return {}; }
  int kill(const std::string&, int) override { return 0; }
  std::vector<LogLine> logs(const std::string&, std::size_t) override { return {}; }
  void reload_units(std::function<void()> done) override { done(); }
  // No unit files here: enablement finds none.
  int change_unit_files(UnitFileOperation, const std::vector<std::string>&, std::vector<InstallChange>&,
                        Diagnostics&) override {
    return -ENOENT;
  }
  std::optional<UnitFileState> unit_file_state(const std::string&) override { return std::nullopt; }
  int default_target(std::string&) override { return -ENOENT; }
  int processes(const std::string&, std::vector<pid_t>&) override { return -ENOENT; }
  std::map<std::string, UnitFileState> unit_files() override { return {}; }
  std::vector<std::pair<std::string, UnitFileState>> unit_file_paths() override { return {}; }
  int reset_failed(const std::string&) override { return -ENOENT; }
};

class FakePeer final : public LinkPeer {
 public:
  FakePeer(const Broker& broker, std::string holder) : broker_(broker), holder_(std::move(holder)) {}
  void capability_received(const Capability& cap, std::uint64_t) noexcept override {
    if (cap.holder != holder_ || broker_.lookup(holder_, cap.slot) == nullptr)
      fail(holder_ + " told of a capability it does not hold, slot " + std::to_string(cap.slot));
  }
  void revoked(Slot slot) noexcept override {
    if (broker_.lookup(holder_, slot) != nullptr)
      fail(holder_ + " told slot " + std::to_string(slot) + " was revoked, but it is still there");
  }
  void connection(unique_fd, std::uint64_t) noexcept override {}
  void service_state_changed(const ServiceStatus& status) noexcept override {
    if (status.name.empty() || status.active_state.empty()) fail(holder_ + " told of a state change without a state");
    if (!watches()) fail(holder_ + " told of a state change without a watch capability");
  }
  void service_properties_changed(const ServiceStatus& status) noexcept override {
    if (status.name.empty()) fail(holder_ + " told of a property change without a name");
    if (!watches()) fail(holder_ + " told of a property change without a watch capability");
  }
  void reloaded() noexcept override {
    if (!watches()) fail(holder_ + " told of a reload without a watch capability");
  }

 private:
  [[nodiscard]] bool watches() const {
    for (const Capability* cap : broker_.list(holder_))
      if (cap->kind == CapabilityKind::manager && (cap->rights & rights::watch)) return true;
    return false;
  }
  const Broker& broker_;
  std::string holder_;
};

const PolicyGrant* granting_root(const PolicySet& policy, const Capability& root) {
  for (const auto& g : policy.grants)
    if (g.to == root.holder && g.kind == root.kind && g.object == root.object && g.rights == root.rights &&
        g.badge == root.badge)
      return &g;
  return nullptr;
}

// Rights policy grants, to anyone, on (kind, object).
Rights granted_in_total(const PolicySet& policy, CapabilityKind kind, const std::string& object) {
  Rights total = 0;
  for (const auto& g : policy.grants)
    if (g.kind == kind && g.object == object) total |= g.rights;
  return total;
}

// `step` describes the operation, for messages only (built on failure).
void check(const Broker& broker, const PolicySet& policy, const std::function<std::string()>& step) {
  const CapabilityTable& table = broker.table();
  if (std::string broken = table.check_invariants(); !broken.empty()) fail(step() + ": " + broken);

  // Roots by id, tombstones included (find() does not return those).
  std::map<CapabilityId, const Capability*> roots;
  for (const char* h : kHolders)
    for (const Capability* r : table.roots_of(h)) roots[r->id] = r;

  for (const char* h : kHolders) {
    for (const Capability* cap : table.clist(h)) {
      auto what = [&] { return step() + ": " + h + " slot " + std::to_string(cap->slot); };
      if (!is_subset(cap->rights, granted_in_total(policy, cap->kind, cap->object)))
        fail(what() + " has rights \"" + rights_to_string(cap->rights) + "\" beyond policy");
      const Capability* c = cap;
      for (int depth = 0; c->parent != 0; ++depth) {
        const Capability* parent = table.find(c->parent);
        if (!parent) {
          auto it = roots.find(c->parent);
          parent = it == roots.end() ? nullptr : it->second;
        }
        if (!parent || depth > 100000) fail(what() + " descends from a capability that is gone");
        if (parent->kind != c->kind || parent->object != c->object || !is_subset(c->rights, parent->rights))
          fail(what() + " is not a subset of its parent");
        c = parent;
      }
      if (!granting_root(policy, *c)) fail(what() + " descends from a root policy does not grant");
    }
  }
}

// Mostly words that are rights of `source`'s kind (so that derive and grant
// get past parsing), sometimes any right's name, sometimes raw bytes.
std::string rights_text(FuzzedDataProvider& in, const Capability* source) {
  static const char* const kWords[] = {"status", "start",   "stop",  "restart", "kill",
                                       "logs",   "list",    "watch", "reload",  "connect",
                                       "grant",  "use",     "inspect"};
  const auto how = in.ConsumeIntegralInRange(0, 7);
  if (how == 0) return in.ConsumeRandomLengthString(24);
  Rights bits = in.ConsumeIntegral<std::uint16_t>();
  if (how > 1 && source) bits &= allowed_rights(source->kind);
  std::string out;
  for (std::size_t i = 0; i < std::size(kWords); ++i)
    if (bits & (1u << i)) out += std::string(out.empty() ? "" : " ") + kWords[i];
  return out;
}

std::string service_text(FuzzedDataProvider& in) {
  static const char* const kNames[] = {"",  "web-1",         "web-1.service", "web-2.service", "db",
                                       "db.service", "a", "b.service", "c", "web-*.service", "web-1.socket"};
  if (in.ConsumeIntegralInRange(0, 7) == 0) return in.ConsumeRandomLengthString(24);
  return kNames[in.ConsumeIntegralInRange<std::size_t>(0, std::size(kNames) - 1)];
}

Slot slot_number(FuzzedDataProvider& in) {
  if (in.ConsumeIntegralInRange(0, 15) == 0) return in.ConsumeIntegral<Slot>();
  return in.ConsumeIntegralInRange<Slot>(0, 8);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  FakeControl control;
  const Logger quiet(LogLevel::error);  // audit lines are info: not written
  BrokerLimits limits;
  limits.capabilities_per_holder = 12;
  Broker broker(control, quiet, limits);
  std::vector<std::unique_ptr<FakePeer>> peers;
  std::vector<bool> attached(kHolderCount, false);
  for (std::size_t i = 0; i < kHolderCount; ++i) peers.push_back(std::make_unique<FakePeer>(broker, kHolders[i]));
  // d has no link at first: connect to it fails until it attaches.
  for (std::size_t i = 0; i + 1 < kHolderCount; ++i) {
    broker.attach(kHolders[i], *peers[i]);
    attached[i] = true;
  }

  static const PolicySet kPolicies[2] = {make_policy(false), make_policy(true)};
  bool reloaded = false;
  const PolicySet* current = &kPolicies[0];
  broker.apply_policy(*current);
  check(broker, *current, [] { return std::string("initial policy"); });

  for (int steps = 0; in.remaining_bytes() > 0 && steps < 64; ++steps) {
    const auto op = in.ConsumeIntegralInRange(0, 12);
    const std::size_t h = in.ConsumeIntegralInRange<std::size_t>(0, kHolderCount - 1);
    const std::string holder = kHolders[h];
    const Slot slot = slot_number(in);
    auto after = [&] { return "step " + std::to_string(steps) + ": op " + std::to_string(op) + " by " + holder +
                              " on slot " + std::to_string(slot); };
    switch (op) {
      case 0: {
        Slot out = 0;
        std::string r = rights_text(in, broker.lookup(holder, slot));
        if (broker.derive(holder, slot, r, out).ok() && !broker.lookup(holder, out))
          fail(after() + ": derived slot is missing");
        break;
      }
      case 1: {
        Slot receiver_slot = 0;
        const Slot cap = slot_number(in);
        (void)broker.grant(holder, slot, cap, rights_text(in, broker.lookup(holder, cap)), receiver_slot);
        break;
      }
      case 2:
        (void)broker.revoke(holder, slot);
        break;
      case 3:
        (void)broker.drop(holder, slot);
        break;
      case 4: {
        const auto kind = static_cast<CapabilityKind>(in.ConsumeIntegralInRange(0, 3));
        const Rights right = Rights{1} << in.ConsumeIntegralInRange(0, 12);
        const std::string service = service_text(in);
        std::string resolved;
        if (broker.authorize(holder, slot, kind, right, service, resolved).ok()) {
          const Capability* cap = broker.lookup(holder, slot);
          if (!cap || cap->kind != kind || !(cap->rights & right)) fail(after() + ": authorized without the right");
          if (kind == CapabilityKind::service) {
            if (!capability_covers(*cap, resolved)) fail(after() + ": authorized " + resolved + " not covered");
            bool granted = false;
            for (const auto& g : current->grants) {
              Capability as_cap;
              as_cap.kind = g.kind;
              as_cap.object = g.object;
              granted = granted || ((g.rights & right) && capability_covers(as_cap, resolved));
            }
            if (!granted) fail(after() + ": authorized " + resolved + " which no policy grant covers");
          }
        }
        break;
      }
      case 5: {
        unique_fd mine;
        if (broker.connect(holder, slot, mine).ok()) {
          const Capability* cap = broker.lookup(holder, slot);
          if (!mine || !cap || cap->kind != CapabilityKind::endpoint || !(cap->rights & rights::connect))
            fail(after() + ": connected without the right");
        }
        break;
      }
      case 6: {
        int fd = -1;
        if (broker.open_fd(holder, slot, fd).ok()) {
          const Capability* cap = broker.lookup(holder, slot);
          if (fd < 0 || !cap || cap->kind != CapabilityKind::fd || !(cap->rights & rights::use))
            fail(after() + ": opened without the right");
        }
        break;
      }
      case 7:
        reloaded = !reloaded;
        current = &kPolicies[reloaded];
        broker.apply_policy(*current);
        break;
      case 8: {
        std::string unused;
        if (attached[h] && broker.authorize(holder, slot, CapabilityKind::manager, rights::watch, "", unused).ok())
          broker.watch(holder, slot, *peers[h]);
        ServiceStatus running;
        running.name = "web-1.service";
        running.active_state = "active";
        running.sub_state = "running";
        broker.service_state_changed(running);
        running.status_text = "serving";
        broker.service_properties_changed(running);
        break;
      }
      case 9:
        // The link goes away (the process exited) or a new one comes.
        if (attached[h])
          broker.detach(holder, *peers[h]);
        else
          broker.attach(holder, *peers[h]);
        attached[h] = !attached[h];
        break;
      case 10: {
        // ManagerCapability.ListCapabilitiesOf
        const std::string service = service_text(in);
        std::vector<const Capability*> caps;
        if (broker.capabilities_of(holder, slot, service, caps).ok()) {
          const Capability* cap = broker.lookup(holder, slot);
          if (!cap || cap->kind != CapabilityKind::manager || !(cap->rights & rights::inspect))
            fail(after() + ": inspected " + service + " without the right");
          const auto named = normalize_service_name(service);
          if (!named || caps != broker.table().clist(*named))
            fail(after() + ": capabilities_of " + service + " is not its CList");
        }
        break;
      }
      case 11: {
        // ManagerCapability.GetBusRules
        std::string unused;
        if (broker.authorize(holder, slot, CapabilityKind::manager, rights::list, "", unused).ok()) {
          const auto& rules = broker.bus_rules();
          if (rules.size() != current->bus_rules.size()) fail(after() + ": bus rules are not the policy's");
          for (std::size_t i = 0; i < rules.size(); ++i)
            if (rules[i].users != current->bus_rules[i].users ||
                rules[i].manager_rights != current->bus_rules[i].manager_rights ||
                rules[i].where.line != current->bus_rules[i].where.line)
              fail(after() + ": bus rule " + std::to_string(i) + " is not the policy's");
        }
        break;
      }
      case 12:
        // A reload of units and policies completed: watchers are told.
        broker.reloaded();
        break;
    }
    check(broker, *current, after);

    // What policy grants and is still held can still be used: every fd
    // capability with `use` opens, whoever holds it.
    for (const char* h2 : kHolders) {
      for (const Capability* cap : broker.table().clist(h2)) {
        int fd = -1;
        if (cap->kind == CapabilityKind::fd && (cap->rights & rights::use) && !broker.open_fd(h2, cap->slot, fd).ok())
          fail(after() + ": " + h2 + " cannot open its fd capability in slot " + std::to_string(cap->slot));
      }
    }
  }
  for (std::size_t i = 0; i < kHolderCount; ++i)
    if (attached[i]) broker.detach(kHolders[i], *peers[i]);
  return 0;
}
