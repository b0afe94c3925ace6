#include "broker/broker.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>

#include "broker/policy.h"

namespace vermilion {
namespace {

class FakeControl : public ServiceControl {
 public:
  // Every service exists but those named "nosuch*"; "alias.service" is web's.
  std::optional<ServiceStatus> status(const std::string& name) override {
    ++status_reads;
    if (name.rfind("nosuch", 0) == 0) return std::nullopt;
    ServiceStatus s;
    s.name = name == "alias.service" ? "web.service" : name;
    s.description = "fake " + s.name;
    s.active_state = "inactive";
    s.sub_state = "dead";
    s.main_pid = 42;
    return s;
  }
  std::vector<ServiceStatus> list() override { return {}; }
  EnqueueResult enqueue(JobType, const std::string&, std::function<void(JobResult)> done, JobMode) override {
    done(JobResult::done);
    return {};
  }
  int kill(const std::string&, int) override { return 1; }
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
  int status_reads = 0;
};

class RecordingPeer : public LinkPeer {
 public:
  void capability_received(const Capability& cap, std::uint64_t badge) noexcept override {
    received.push_back({cap.slot, badge});
  }
  void revoked(Slot slot) noexcept override { revoked_slots.push_back(slot); }
  void connection(unique_fd fd, std::uint64_t badge) noexcept override {
    connections.push_back(std::move(fd));
    connection_badges.push_back(badge);
  }
  void service_state_changed(const ServiceStatus& status) noexcept override {
    states.push_back(status.name);
    statuses.push_back(status);
  }
  void service_properties_changed(const ServiceStatus& status) noexcept override {
    property_changes.push_back(status);
  }
  std::vector<ServiceStatus> property_changes;
  std::vector<std::pair<Slot, std::uint64_t>> received;
  std::vector<Slot> revoked_slots;
  std::vector<unique_fd> connections;
  std::vector<std::uint64_t> connection_badges;
  void reloaded() noexcept override { ++reloads; }
  std::vector<std::string> states;
  std::vector<ServiceStatus> statuses;
  int reloads = 0;
};

class BrokerTest : public ::testing::Test {
 protected:
  BrokerTest() : audit_file_(std::tmpfile()), logger_(LogLevel::info, fileno(audit_file_)), broker_(control_, logger_) {}
  ~BrokerTest() override { std::fclose(audit_file_); }

  void apply(const std::string& text) {
    Diagnostics diags;
    PolicySet set = parse_policy_text("t.policy", text, diags);
    ASSERT_FALSE(diags.has_errors()) << (diags.items().empty() ? "" : format_diagnostic(diags.items()[0]));
    broker_.apply_policy(set);
  }
  std::string audit() {
    std::fflush(audit_file_);
    std::string out;
    std::rewind(audit_file_);
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, audit_file_)) out.append(buf, n);
    std::fseek(audit_file_, 0, SEEK_END);
    return out;
  }

  FakeControl control_;
  std::FILE* audit_file_;
  Logger logger_;
  Broker broker_;
};

const char* kPanelPolicy =
    "[Grant]\nTo=panel\nCapability=service:web-*.service\nRights=status restart\n"
    "[Grant]\nTo=panel\nCapability=endpoint:worker\nRights=connect grant\nBadge=7\n";

TEST_F(BrokerTest, PolicyGrantsBecomeRootsAndAreAudited) {
  apply(kPanelPolicy);
  EXPECT_TRUE(broker_.has_capabilities("panel.service"));
  EXPECT_FALSE(broker_.has_capabilities("worker.service"));
  ASSERT_EQ(broker_.list("panel.service").size(), 2u);
  EXPECT_NE(audit().find("audit: action=grant subject=panel.service slot=1 object=service:web-*.service "
                         "rights=\"status restart\""),
            std::string::npos)
      << audit();
}

TEST_F(BrokerTest, AuthorizeChecksKindRightsAndCoverage) {
  apply(kPanelPolicy);
  std::string resolved;
  EXPECT_TRUE(broker_.authorize("panel.service", 1, CapabilityKind::service, rights::status, "web-a", resolved).ok());
  EXPECT_EQ(resolved, "web-a.service");
  BrokerResult not_covered =
      broker_.authorize("panel.service", 1, CapabilityKind::service, rights::status, "db", resolved);
  EXPECT_EQ(not_covered.error, BrokerError::access_denied);
  EXPECT_EQ(broker_.authorize("panel.service", 1, CapabilityKind::service, rights::stop, "web-a", resolved).error,
            BrokerError::access_denied);
  EXPECT_EQ(broker_.authorize("panel.service", 1, CapabilityKind::service, rights::status, "", resolved).error,
            BrokerError::invalid_argument)
      << "a glob capability needs a name";
  EXPECT_EQ(broker_.authorize("panel.service", 9, CapabilityKind::service, rights::status, "web-a", resolved).error,
            BrokerError::no_such_capability);
  EXPECT_EQ(broker_.authorize("other.service", 1, CapabilityKind::service, rights::status, "web-a", resolved).error,
            BrokerError::no_such_capability)
      << "slot numbers mean nothing on another link";
  EXPECT_EQ(broker_.authorize("panel.service", 1, CapabilityKind::service, rights::status, "../x", resolved).error,
            BrokerError::invalid_argument);
  EXPECT_NE(audit().find("result=denied (not covered)"), std::string::npos);
  EXPECT_NE(audit().find("result=denied (no such capability)"), std::string::npos);
}

// A target is named as it is, and only a capability that covers targets
// covers it: "*" is every service, not every unit.
TEST_F(BrokerTest, TargetsAreCoveredOnlyByCapabilitiesNamingThem) {
  apply("[Grant]\nTo=admin\nCapability=service:*\nRights=start\n"
        "[Grant]\nTo=admin\nCapability=service:app-*.target\nRights=start\n");
  std::string resolved;
  EXPECT_EQ(broker_.authorize("admin.service", 1, CapabilityKind::service, rights::start, "app-a.target", resolved).error,
            BrokerError::access_denied);
  ASSERT_TRUE(broker_.authorize("admin.service", 2, CapabilityKind::service, rights::start, "app-a.target", resolved).ok());
  EXPECT_EQ(resolved, "app-a.target") << "not app-a.target.service";
  EXPECT_EQ(broker_.authorize("admin.service", 2, CapabilityKind::service, rights::start, "app-a", resolved).error,
            BrokerError::access_denied)
      << "a bare name is a service";
}

TEST_F(BrokerTest, DeriveOnlyShrinks) {
  apply(kPanelPolicy);
  Slot derived = 0;
  EXPECT_TRUE(broker_.derive("panel.service", 1, "status", derived).ok());
  EXPECT_EQ(broker_.lookup("panel.service", derived)->rights, rights::status);
  Slot more = 0;
  EXPECT_EQ(broker_.derive("panel.service", derived, "status restart", more).error, BrokerError::access_denied);
  EXPECT_EQ(broker_.derive("panel.service", 1, "status fly", more).error, BrokerError::invalid_argument);
  EXPECT_NE(audit().find("action=derive"), std::string::npos);
}

TEST_F(BrokerTest, GrantTellsTheReceiverWithTheEndpointBadge) {
  apply(kPanelPolicy);
  RecordingPeer worker;
  broker_.attach("worker.service", worker);
  Slot given = 0;
  ASSERT_TRUE(broker_.grant("panel.service", 2, 1, "status", given).ok());
  ASSERT_EQ(worker.received.size(), 1u);
  EXPECT_EQ(worker.received[0], (std::pair<Slot, std::uint64_t>{given, 7}));
  EXPECT_EQ(broker_.lookup("worker.service", given)->rights, rights::status);
  broker_.detach("worker.service", worker);
}

TEST_F(BrokerTest, RevokeTellsEveryHolderAndCutsConnections) {
  apply(kPanelPolicy);
  RecordingPeer worker, panel;
  broker_.attach("worker.service", worker);
  broker_.attach("panel.service", panel);
  Slot given = 0, copy = 0;
  ASSERT_TRUE(broker_.grant("panel.service", 2, 1, "status", given).ok());
  ASSERT_TRUE(broker_.derive("panel.service", 2, "connect", copy).ok());
  unique_fd mine;
  ASSERT_TRUE(broker_.connect("panel.service", copy, mine).ok());
  ASSERT_EQ(worker.connections.size(), 1u);
  EXPECT_EQ(worker.connection_badges[0], 7u);

  ASSERT_TRUE(broker_.revoke("panel.service", 2).ok()) << "revoking the endpoint root removes the copy";
  EXPECT_EQ(panel.revoked_slots, std::vector<Slot>{copy});
  char byte;
  EXPECT_EQ(::read(mine.get(), &byte, 1), 0) << "the connection was shut down";

  ASSERT_TRUE(broker_.revoke("panel.service", 1).ok());
  EXPECT_EQ(worker.revoked_slots, std::vector<Slot>{given});
  EXPECT_EQ(broker_.lookup("worker.service", given), nullptr);
  broker_.detach("worker.service", worker);
  broker_.detach("panel.service", panel);
}

TEST_F(BrokerTest, ReloadKeepsWhatIsStillGrantedAndRevokesTheRest) {
  apply(kPanelPolicy);
  RecordingPeer panel;
  broker_.attach("panel.service", panel);
  Slot derived = 0;
  ASSERT_TRUE(broker_.derive("panel.service", 1, "status", derived).ok());
  // The endpoint grant goes; the service grant stays (and so does its copy).
  apply("[Grant]\nTo=panel\nCapability=service:web-*.service\nRights=status restart\n");
  EXPECT_EQ(panel.revoked_slots, std::vector<Slot>{2});
  EXPECT_NE(broker_.lookup("panel.service", 1), nullptr);
  EXPECT_NE(broker_.lookup("panel.service", derived), nullptr);
  // A changed grant is a new capability: the old one and its copies go.
  apply("[Grant]\nTo=panel\nCapability=service:web-*.service\nRights=status\n");
  EXPECT_EQ(broker_.lookup("panel.service", 1), nullptr);
  EXPECT_EQ(broker_.lookup("panel.service", derived), nullptr);
  ASSERT_EQ(broker_.list("panel.service").size(), 1u);
  EXPECT_EQ(broker_.list("panel.service")[0]->rights, rights::status);
  broker_.detach("panel.service", panel);
}

ServiceStatus snapshot(const std::string& name, const std::string& active, const std::string& sub, pid_t pid) {
  ServiceStatus s;
  s.name = name;
  s.description = "as it was";
  s.active_state = active;
  s.sub_state = sub;
  s.main_pid = static_cast<std::uint32_t>(pid);
  return s;
}

TEST_F(BrokerTest, WatchersHearStateChangesOnlyWhileTheyHoldWatch) {
  apply("[Grant]\nTo=bridge\nCapability=manager\nRights=list watch\n");
  RecordingPeer bridge;
  broker_.attach("bridge.service", bridge);
  broker_.watch("bridge.service", 1, bridge);
  broker_.service_state_changed(snapshot("web.service", "active", "running", 7));
  EXPECT_EQ(bridge.states, std::vector<std::string>{"web.service"});
  apply("");
  broker_.service_state_changed(snapshot("db.service", "active", "running", 8));
  EXPECT_EQ(bridge.states.size(), 1u) << "the capability is gone, and so is the subscription";
  broker_.detach("bridge.service", bridge);
}

// The manager's snapshots go to the watchers as they are, one per change,
// in order: the broker reads nothing back (the control would answer with the
// service as it is now, fake web.service with PID 42, for every change).
TEST_F(BrokerTest, WatchersGetEachChangesOwnSnapshotWithoutAReadBack) {
  apply("[Grant]\nTo=bridge\nCapability=manager\nRights=list watch\n");
  RecordingPeer bridge;
  broker_.attach("bridge.service", bridge);
  broker_.watch("bridge.service", 1, bridge);
  std::vector<ServiceStatus> changes = {snapshot("web.service", "deactivating", "stop-sigterm", 0),
                                        snapshot("web.service", "activating", "start", 43),
                                        snapshot("web.service", "active", "running", 43)};
  for (const ServiceStatus& change : changes) broker_.service_state_changed(change);
  EXPECT_EQ(bridge.statuses, changes);
  ServiceStatus says = changes.back();
  says.status_text = "serving";
  broker_.service_properties_changed(says);
  EXPECT_EQ(bridge.property_changes, std::vector<ServiceStatus>{says});
  EXPECT_EQ(control_.status_reads, 0);
  broker_.detach("bridge.service", bridge);
}

TEST_F(BrokerTest, CapabilitiesOfAnotherServiceNeedInspect) {
  apply(std::string(kPanelPolicy) +
        "[Grant]\nTo=bridge\nCapability=manager\nRights=list inspect\n"
        "[Grant]\nTo=web\nCapability=service:web\nRights=status\nBadge=3\n");
  Slot narrow = 0;
  ASSERT_TRUE(broker_.derive("bridge.service", 1, "list", narrow).ok());
  std::vector<const Capability*> caps;
  ASSERT_TRUE(broker_.capabilities_of("bridge.service", 1, "panel", caps).ok());
  ASSERT_EQ(caps.size(), 2u);
  EXPECT_EQ(caps[0]->object, "web-*.service");
  EXPECT_EQ(caps[1]->kind, CapabilityKind::endpoint);
  ASSERT_TRUE(broker_.capabilities_of("bridge.service", 1, "alias", caps).ok());
  ASSERT_EQ(caps.size(), 1u) << "an alias names the service's own CList";
  EXPECT_EQ(caps[0]->badge, 3u);
  ASSERT_TRUE(broker_.capabilities_of("bridge.service", 1, "worker.service", caps).ok());
  EXPECT_TRUE(caps.empty()) << "a service that holds nothing";
  EXPECT_EQ(broker_.capabilities_of("bridge.service", 1, "nosuch", caps).error, BrokerError::no_such_service);
  EXPECT_EQ(broker_.capabilities_of("bridge.service", 1, "../x", caps).error, BrokerError::invalid_argument);
  EXPECT_EQ(broker_.capabilities_of("bridge.service", narrow, "panel", caps).error, BrokerError::access_denied);
  EXPECT_EQ(broker_.capabilities_of("panel.service", 1, "panel", caps).error, BrokerError::access_denied)
      << "a service capability is no manager";
  EXPECT_NE(audit().find("action=invoke subject=bridge.service slot=2 object=manager rights=\"list\" badge=0 "
                         "asked=\"inspect\" result=denied (right not held)"),
            std::string::npos)
      << audit();
}

TEST_F(BrokerTest, ReloadedReachesOnlyLinksThatStillWatch) {
  apply("[Grant]\nTo=bridge\nCapability=manager\nRights=list watch\n"
        "[Grant]\nTo=other\nCapability=manager\nRights=list watch\n");
  RecordingPeer bridge, other;
  broker_.attach("bridge.service", bridge);
  broker_.attach("other.service", other);
  broker_.watch("bridge.service", 1, bridge);
  broker_.reloaded();
  EXPECT_EQ(bridge.reloads, 1);
  EXPECT_EQ(other.reloads, 0) << "other never called Watch";
  apply("[Grant]\nTo=other\nCapability=manager\nRights=list watch\n");
  broker_.reloaded();
  EXPECT_EQ(bridge.reloads, 1) << "the watch capability is gone";
  broker_.detach("bridge.service", bridge);
  broker_.detach("other.service", other);
}

TEST_F(BrokerTest, KeepsTheBusRulesOfThePolicyInEffect) {
  apply("[Bus]\nUser=*\nService=*\nRights=status\n[Bus]\nUser=root\nManagerRights=reload\n");
  ASSERT_EQ(broker_.bus_rules().size(), 2u);
  EXPECT_EQ(broker_.bus_rules()[0].users, std::vector<std::string>{"*"});
  EXPECT_EQ(broker_.bus_rules()[1].manager_rights, rights::reload);
  EXPECT_EQ(broker_.bus_rules()[1].where.line, 5u);
  apply("");
  EXPECT_TRUE(broker_.bus_rules().empty()) << "a reload replaces them";
}

TEST_F(BrokerTest, ConnectNeedsALinkedTarget) {
  apply(kPanelPolicy);
  unique_fd mine;
  EXPECT_EQ(broker_.connect("panel.service", 2, mine).error, BrokerError::unavailable);
  EXPECT_EQ(broker_.connect("panel.service", 1, mine).error, BrokerError::access_denied);
}

// Each open connection costs vermiliond the fd it keeps to cut it: a holder
// gets at most connections_per_link; one whose target hung up no longer
// counts, and a holder with no link left (its process is gone) keeps none,
// so its targets see the end of the stream.
TEST_F(BrokerTest, OpenConnectionsPerHolderAreBounded) {
  apply(kPanelPolicy);
  RecordingPeer worker, panel;
  broker_.attach("worker.service", worker);
  broker_.attach("panel.service", panel);
  const std::size_t limit = broker_.limits().connections_per_link;
  std::vector<unique_fd> mine(limit);
  for (auto& fd : mine) ASSERT_TRUE(broker_.connect("panel.service", 2, fd).ok());
  unique_fd one_more;
  BrokerResult over = broker_.connect("panel.service", 2, one_more);
  EXPECT_EQ(over.error, BrokerError::quota_exceeded);
  EXPECT_NE(audit().find("result=denied (connections open)"), std::string::npos);

  worker.connections[0].reset();  // the target closes one
  EXPECT_TRUE(broker_.connect("panel.service", 2, one_more).ok()) << "a closed connection still counted";

  // The caller's process is gone (its ends closed, its link detached):
  // the target's ends read the end of the stream.
  mine.clear();
  one_more.reset();
  broker_.detach("panel.service", panel);
  char byte;
  EXPECT_EQ(::read(worker.connections[1].get(), &byte, 1), 0) << "vermiliond still holds the caller's end";
  EXPECT_EQ(::read(worker.connections.back().get(), &byte, 1), 0);
  broker_.detach("worker.service", worker);
}

}  // namespace
}  // namespace vermilion
