// The capability broker with real children on real private links: the
// children are tests/helpers/link_client.c (sd-bus) and print what they get.
#include "supervisor_fixture.h"

namespace vermilion {
namespace {

using testing::kHelpers;

class BrokerTest : public testing::SupervisorFixture {
 protected:
  std::string client(const std::string& args) { return kHelpers + "/vermilion-test-link_client " + args; }
};

TEST_F(BrokerTest, ChildListsItsCapabilitiesAndAsksForStatus) {
  unit("web.service", "[Service]\nExecStart=/bin/sleep 1000\n");
  unit("panel.service", "[Service]\nType=oneshot\nExecStart=" + client("list status 1 '' status 1 web") + "\n");
  policy("panel.policy", "[Grant]\nTo=panel\nCapability=service:web.service\nRights=status restart\n");
  boot();
  ASSERT_EQ(run_job(JobType::start, "web"), JobResult::done);
  ASSERT_EQ(run_job(JobType::start, "panel"), JobResult::done);
  ASSERT_TRUE(wait_log("panel.service", "status active running success"));
  EXPECT_TRUE(has_log("panel.service", "cap 1 service web.service [status restart] 0"));
  EXPECT_TRUE(has_log("panel.service", "listed 1"));
}

}  // namespace
}  // namespace vermilion
