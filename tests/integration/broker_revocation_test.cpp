// Revocation with real children: transitive through delegation, connections
// cut, policy reloads, and jobs whose capability goes while they run.
#include <signal.h>
#include <unistd.h>

#include <algorithm>

#include "broker_fixture.h"

namespace vermilion {
namespace {

using testing::kHelpers;

constexpr const char* kNoSuchCapability = "error org.vermilion1.Error.NoSuchCapability";

class BrokerRevocationTest : public testing::BrokerFixture {
 protected:
  // a --endpoint:b (grant)--> b --endpoint:c (grant)--> c, with a holding
  // service:web (slot 2) to pass down. c holds a manager capability only so
  // that it has a link (slot 1); what it is granted lands in slot 2, as in b.
  void chain_policies() {
    unit("web.service", "[Service]\nExecStart=/bin/sleep 1000\n");
    policy("a.policy",
           "[Grant]\nTo=a\nCapability=endpoint:b\nRights=grant\n"
           "[Grant]\nTo=a\nCapability=service:web\nRights=status restart\n");
    policy("b.policy", "[Grant]\nTo=b\nCapability=endpoint:c\nRights=grant\n");
    policy("c.policy", "[Grant]\nTo=c\nCapability=manager\nRights=list\n");
  }
  // Starts c, then b, then a, each once the one before is listening.
  void start_chain() {
    boot();
    ASSERT_TRUE(started("web"));
    ASSERT_TRUE(started("c"));
    ASSERT_TRUE(wait_log("c.service", "waiting CapabilityReceived"));
    ASSERT_TRUE(started("b"));
    ASSERT_TRUE(wait_log("b.service", "waiting CapabilityReceived"));
    ASSERT_TRUE(started("a"));
    ASSERT_TRUE(wait_log("c.service", "signal CapabilityReceived 2 service web.service [status] 0"));
    ASSERT_TRUE(wait_log("c.service", "status active running")) << "c uses what came down the chain";
  }
};

TEST_F(BrokerRevocationTest, RevokingTheRootRemovesEveryDelegatedCopyTransitively) {
  chain_policies();
  simple("a", "grant 1 2 'status restart' sigwait revoke 2 status 2 web");
  simple("b", "wait CapabilityReceived grant 1 2 status wait Revoked status 2 web");
  simple("c", "wait CapabilityReceived status 2 web wait Revoked status 2 web list");
  ASSERT_NO_FATAL_FAILURE(start_chain());
  EXPECT_TRUE(has_log("b.service", "signal CapabilityReceived 2 service web.service [status restart] 0"));

  signal_main("a");
  ASSERT_TRUE(wait_log("a.service", "done Revoke"));
  ASSERT_TRUE(wait_log("b.service", "signal Revoked 2"));
  ASSERT_TRUE(wait_log("c.service", "signal Revoked 2"));
  ASSERT_TRUE(wait_log("b.service", kNoSuchCapability)) << "b's copy is gone";
  ASSERT_TRUE(wait_log("c.service", "listed 1"));
  EXPECT_TRUE(has_log("c.service", kNoSuchCapability)) << "c's copy is gone";
  EXPECT_TRUE(has_log("c.service", "cap 1 manager  [list] 0")) << "what c got from policy stays";
  ASSERT_TRUE(wait_for([&] { return has_log("a.service", "status active running"); }))
      << "Revoke keeps the capability itself";

  EXPECT_TRUE(audited({"action=grant subject=b.service", "receiver=c.service slot=2", "result=ok"}));
  EXPECT_TRUE(audited({"action=revoke subject=a.service slot=2 removed=2 result=ok"}));
  EXPECT_TRUE(audited({"action=revoke subject=b.service slot=2", "result=removed"}));
  EXPECT_TRUE(audited({"action=revoke subject=c.service slot=2", "result=removed"}));
}

TEST_F(BrokerRevocationTest, RevokingInTheMiddleRemovesOnlyWhatWasDerivedBelow) {
  chain_policies();
  simple("a", "grant 1 2 'status restart' sigwait status 2 web");
  simple("b", "wait CapabilityReceived grant 1 2 status sigwait revoke 2 status 2 web");
  simple("c", "wait CapabilityReceived status 2 web wait Revoked status 2 web");
  ASSERT_NO_FATAL_FAILURE(start_chain());

  signal_main("b");
  ASSERT_TRUE(wait_log("b.service", "done Revoke"));
  ASSERT_TRUE(wait_log("c.service", "signal Revoked 2"));
  ASSERT_TRUE(wait_log("c.service", kNoSuchCapability));
  ASSERT_TRUE(wait_for([&] {
    auto lines = log_lines("b.service");
    return !lines.empty() && lines.back().rfind("status active running", 0) == 0;
  })) << "b keeps its own slot";
  signal_main("a");
  ASSERT_TRUE(wait_log("a.service", "status active running")) << "a is untouched";

  EXPECT_TRUE(audited({"action=revoke subject=b.service slot=2 removed=1 result=ok"}));
  EXPECT_TRUE(audited({"action=revoke subject=c.service slot=2", "result=removed"}));
  EXPECT_FALSE(has_audit({"action=revoke subject=b.service slot=2", "result=removed"}));
  EXPECT_NE(supervisor_->broker().lookup("b.service", 2), nullptr);
  EXPECT_NE(supervisor_->broker().lookup("a.service", 2), nullptr);
  EXPECT_EQ(supervisor_->broker().lookup("c.service", 2), nullptr);
}

// Connect hands out a socketpair the broker can cut: revoking the endpoint
// capability a connection was made with ends the stream.
TEST_F(BrokerRevocationTest, RevokingAnEndpointCutsTheConnectionsMadeThroughIt) {
  simple("b", "serve");
  oneshot("a", "derive 1 connect connect 2 revoke 1 eof");
  policy("a.policy", "[Grant]\nTo=a\nCapability=endpoint:b\nRights=connect\nBadge=5\n");
  policy("b.policy", "[Grant]\nTo=b\nCapability=manager\nRights=list\n");
  boot();
  ASSERT_TRUE(started("b"));
  ASSERT_TRUE(wait_log("b.service", "serving"));
  ASSERT_TRUE(started("a"));
  auto lines = log_lines("a.service");
  ASSERT_EQ(lines.size(), 6u) << ::testing::PrintToString(lines);
  EXPECT_EQ(lines[0], "derived 2");
  EXPECT_EQ(lines[1], "connected");
  EXPECT_EQ(lines[2], "peer-said hello badge=5") << "b was told the endpoint's badge";
  EXPECT_EQ(lines[3], "connection-open") << "b keeps its end: only the broker can end the stream";
  EXPECT_EQ(lines[4], "done Revoke");
  EXPECT_EQ(lines[5], "connection-closed 0") << "a's read sees EOF";
  EXPECT_TRUE(has_log("b.service", "signal Connection 5"));
  EXPECT_TRUE(audited({"action=connect subject=a.service slot=2 object=endpoint:b.service", "result=ok"}));
  EXPECT_TRUE(audited({"action=revoke subject=a.service slot=2", "result=removed"}));
}

// A reload revokes what policy no longer grants (and what was derived from
// it); what it still grants keeps its slot.
TEST_F(BrokerRevocationTest, PolicyReloadRevokesWhatIsNoLongerGranted) {
  unit("web.service", "[Service]\nExecStart=/bin/sleep 1000\n");
  unit("other.service", "[Service]\nExecStart=/bin/sleep 1000\n");
  // Slots follow policy order: manager = slot 1 (10-manager), service:web =
  // slot 2 (20-web), derived from it = slot 3.
  simple("a", "derive 2 status wait Revoked 2 status 2 web status 3 web services 1 list");
  policy("20-web.policy", "[Grant]\nTo=a\nCapability=service:web\nRights=status\n");
  policy("10-manager.policy", "[Grant]\nTo=a\nCapability=manager\nRights=list\n");
  as_main_process_ = true;  // SIGHUP is the process's
  boot();
  ASSERT_TRUE(started("web"));
  ASSERT_TRUE(started("a"));
  ASSERT_TRUE(wait_log("a.service", "waiting Revoked"));
  EXPECT_TRUE(has_log("a.service", "derived 3"));

  policy("20-web.policy", "[Grant]\nTo=a\nCapability=service:other\nRights=status\n");
  ASSERT_EQ(::kill(::getpid(), SIGHUP), 0);  // what an admin does; handled on the loop
  ASSERT_TRUE(wait_log("a.service", "listed 2"));
  EXPECT_TRUE(has_log("a.service", "signal Revoked 3"));
  EXPECT_TRUE(has_log("a.service", "signal Revoked 2"));
  auto lines = log_lines("a.service");
  auto after = std::find(lines.begin(), lines.end(), "signal Revoked 2");
  ASSERT_NE(after, lines.end());
  ASSERT_GE(lines.end() - after, 6);
  EXPECT_EQ(after[1].rfind(kNoSuchCapability, 0), 0u) << after[1];
  EXPECT_EQ(after[2].rfind(kNoSuchCapability, 0), 0u) << after[2];
  EXPECT_TRUE(has_log("a.service", "service web.service active running")) << "slot 1 still works";
  EXPECT_TRUE(has_log("a.service", "cap 1 manager  [list] 0")) << "kept, under the same slot";
  EXPECT_TRUE(has_log("a.service", "cap 4 service other.service [status] 0")) << "the new grant";
  EXPECT_TRUE(audited({"action=revoke subject=policy", "removed=2", "result=ok (no longer granted)"}));
  EXPECT_TRUE(audited({"action=grant subject=a.service slot=4 object=service:other.service", "result=ok"}));
}

// Start/Stop/Restart reply when the job has finished, not when it is queued.
TEST_F(BrokerRevocationTest, JobsReplyWhenFinishedAndStayWithinTheGlob) {
  unit("job-slow.service", "[Service]\nType=notify\nExecStart=" + kHelpers +
                               "/vermilion-test-notify ready-on-usr1\n");
  unit("job-plain.service", "[Service]\nExecStart=/bin/sleep 1000\n");
  unit("other.service", "[Service]\nExecStart=/bin/sleep 1000\n");
  simple("a",
         "start 1 job-slow status 1 job-slow start 1 job-plain restart 1 job-plain status 1 job-plain "
         "stop 1 job-plain status 1 job-plain start 1 other status 1 other");
  policy("a.policy", "[Grant]\nTo=a\nCapability=service:job-*\nRights=status start stop restart\n");
  boot();
  ASSERT_TRUE(started("a"));
  ASSERT_TRUE(wait_log("job-slow.service", "waiting for SIGUSR1"));
  EXPECT_EQ(service("job-slow").active_state(), ActiveState::activating);
  EXPECT_FALSE(has_log("a.service", "done Start")) << "no reply while the job runs";
  signal_main("job-slow");
  ASSERT_TRUE(wait_for([&] { return log_lines("a.service").size() >= 9; }));
  auto lines = log_lines("a.service");
  ASSERT_EQ(lines.size(), 9u) << ::testing::PrintToString(lines);
  EXPECT_EQ(lines[0], "done Start");
  EXPECT_EQ(lines[1].rfind("status active running", 0), 0u) << "ready by the time Start replied: " << lines[1];
  EXPECT_EQ(lines[2], "done Start");
  EXPECT_EQ(lines[3], "done Restart");
  EXPECT_EQ(lines[4].rfind("status active running", 0), 0u) << lines[4];
  EXPECT_EQ(lines[5], "done Stop");
  EXPECT_EQ(lines[6].rfind("status inactive dead", 0), 0u) << "stopped by the time Stop replied: " << lines[6];
  EXPECT_EQ(lines[7].rfind("error org.freedesktop.DBus.Error.AccessDenied", 0), 0u) << lines[7];
  EXPECT_EQ(lines[8].rfind("error org.freedesktop.DBus.Error.AccessDenied", 0), 0u) << lines[8];
  EXPECT_EQ(service("job-plain").n_restarts(), 0u) << "Restart is a job, not an automatic restart";
  EXPECT_EQ(service("other").active_state(), ActiveState::inactive);
  EXPECT_TRUE(audited({"action=invoke subject=a.service slot=1 object=service:job-*.service",
                       "service=\"other.service\" result=denied (not covered)"}));
}

// A job call whose capability is revoked before the job finishes is answered
// with Revoked, not with the job's result.
TEST_F(BrokerRevocationTest, JobCallWhoseCapabilityIsRevokedMeanwhileGetsRevoked) {
  unit("job-slow.service", "[Service]\nType=notify\nExecStart=" + kHelpers +
                               "/vermilion-test-notify ready-on-usr1\n");
  simple("a", "derive 1 'start status' start 2 job-slow status 1 job-slow");
  policy("a.policy", "[Grant]\nTo=a\nCapability=service:job-*\nRights=status start\n");
  boot();
  ASSERT_TRUE(started("a"));
  ASSERT_TRUE(wait_log("job-slow.service", "waiting for SIGUSR1"));
  ASSERT_TRUE(has_log("a.service", "derived 2"));
  // a is blocked in Start: its parent slot is revoked from outside the child
  // (the call the Revoke method makes).
  ASSERT_TRUE(supervisor_->broker().revoke("a.service", 1).ok());
  signal_main("job-slow");
  ASSERT_TRUE(wait_log("a.service", "status active running")) << "the job itself ran to the end";
  auto lines = log_lines("a.service");
  ASSERT_EQ(lines.size(), 3u) << ::testing::PrintToString(lines);
  EXPECT_EQ(lines[1].rfind("error org.vermilion1.Error.Revoked", 0), 0u) << lines[1];
  EXPECT_TRUE(audited({"action=revoke subject=a.service slot=2", "result=removed"}));
}

}  // namespace
}  // namespace vermilion
