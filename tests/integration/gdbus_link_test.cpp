// The private link spoken by GDBus (GLib) instead of sd-bus: the child is
// tests/helpers/gdbus_client.c, a peer-to-peer GDBusConnection on the
// inherited VERMILION_BROKER_FD, and prints what it gets.
#include "supervisor_fixture.h"

namespace vermilion {
namespace {

using testing::kHelpers;

class GdbusLinkTest : public testing::SupervisorFixture {
 protected:
  std::string client(const std::string& args) { return kHelpers + "/vermilion-test-gdbus_client " + args; }
};

TEST_F(GdbusLinkTest, GdbusChildAuthenticatesListsAndAsksForStatus) {
  unit("web.service", "[Service]\nExecStart=/bin/sleep 1000\n");
  unit("panel.service", "[Service]\nType=oneshot\nExecStart=" + client("list status 1 web rights 1") + "\n");
  policy("panel.policy", "[Grant]\nTo=panel\nCapability=service:web.service\nRights=status restart\n");
  boot();
  ASSERT_EQ(run_job(JobType::start, "web"), JobResult::done);
  ASSERT_EQ(run_job(JobType::start, "panel"), JobResult::done);
  ASSERT_TRUE(wait_log("panel.service", "done"));
  EXPECT_TRUE(has_log("panel.service", "connected fd-passing=yes"));
  EXPECT_TRUE(has_log("panel.service", "cap 1 service web.service [status restart] 0 /org/vermilion1/link/cap/1"));
  EXPECT_TRUE(has_log("panel.service", "listed 1"));
  const std::string pid = std::to_string(service("web").main_pid());
  EXPECT_TRUE(has_log("panel.service", "status active running success " + pid));
  EXPECT_TRUE(has_log("panel.service", "rights 1 [status restart]"));
  EXPECT_FALSE(has_log("panel.service", "error"));
}

TEST_F(GdbusLinkTest, GdbusChildGetsTheBrokersErrors) {
  unit("web.service", "[Service]\nExecStart=/bin/sleep 1000\n");
  unit("db.service", "[Service]\nExecStart=/bin/sleep 1000\n");
  unit("panel.service",
       "[Service]\nType=oneshot\nExecStart=" + client("status 2 web status 1 db") + "\n");
  policy("panel.policy", "[Grant]\nTo=panel\nCapability=service:web.service\nRights=status\n");
  boot();
  ASSERT_EQ(run_job(JobType::start, "panel"), JobResult::done);
  ASSERT_TRUE(wait_log("panel.service", "done"));
  EXPECT_TRUE(has_log("panel.service", "error org.vermilion1.Error.NoSuchCapability"));
  EXPECT_TRUE(has_log("panel.service", "error org.freedesktop.DBus.Error.AccessDenied"));
}

// interfaces/org.vermilion1.Link.xml is what clients (vermilion-bridge) are
// written against: every org.vermilion1 interface the link serves, on its
// root and on a slot of each kind, has exactly the methods, signals,
// properties and argument types the file documents, and the file documents
// nothing the link does not serve.
TEST_F(GdbusLinkTest, TheLinkServesExactlyTheDocumentedInterfaces) {
  unit("web.service", "[Service]\nExecStart=/bin/sleep 1000\n");
  const std::string xml = std::string(VERMILION_SOURCE_DIR) + "/interfaces/org.vermilion1.Link.xml";
  unit("panel.service", "[Service]\nType=oneshot\nExecStart=" + client("compare " + xml + " 1 2 3 4") + "\n");
  policy("panel.policy",
         "[Grant]\nTo=panel\nCapability=service:web\nRights=status\n"
         "[Grant]\nTo=panel\nCapability=manager\nRights=list\n"
         "[Grant]\nTo=panel\nCapability=endpoint:web\nRights=connect\n"
         "[Grant]\nTo=panel\nCapability=fd:null\nRights=use\nFile=/dev/null\n");
  boot();
  ASSERT_EQ(run_job(JobType::start, "panel"), JobResult::done);
  ASSERT_TRUE(wait_log("panel.service", "done"));
  auto lines = log_lines("panel.service");
  EXPECT_TRUE(has_log("panel.service", "compared 6 interfaces")) << ::testing::PrintToString(lines);
  EXPECT_FALSE(has_log("panel.service", "mismatch")) << ::testing::PrintToString(lines);
  EXPECT_FALSE(has_log("panel.service", "unserved")) << ::testing::PrintToString(lines);
  EXPECT_FALSE(has_log("panel.service", "error")) << ::testing::PrintToString(lines);
}

}  // namespace
}  // namespace vermilion
