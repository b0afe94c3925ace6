// Requests that could wedge the bridge, from its review: jobs that never end,
// names that do not survive truncation, output that is not UTF-8.
#include <gtest/gtest.h>
#include <systemd/sd-bus.h>

#include <string>
#include <vector>

#include "bridge_fixture.h"

namespace vermilion::testing {
namespace {

StackFiles files() {
  StackFiles f;
  f.units = {kSleeperUnit,
             // Never sends READY=1: a start job on it never finishes.
             {"hang.service",
              "[Unit]\nDescription=Never ready\n[Service]\nType=notify\nExecStart=/bin/sleep infinity\n"
              "TimeoutStartSec=infinity\n"}};
  return f;
}

CommandResult busctl(BridgeStack& stack, std::vector<std::string> args) {
  std::vector<std::string> argv{"/usr/bin/busctl", stack.address_option(), "--timeout=10"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv);
}

// Records the error name of every reply ("" for success).
int record_reply(sd_bus_message* m, void* userdata, sd_bus_error*) {
  const sd_bus_error* error = sd_bus_message_get_error(m);
  static_cast<std::vector<std::string>*>(userdata)->push_back(error ? error->name : "");
  return 0;
}

void start_hung_jobs(sd_bus* client, int count, std::vector<std::string>& replies) {
  for (int i = 0; i < count; ++i) {
    ASSERT_GE(sd_bus_call_method_async(client, nullptr, "org.vermilion1", "/org/vermilion1", "org.vermilion1.Manager",
                                       "StartService", record_reply, &replies, "s", "hang"),
              0);
  }
  ASSERT_GE(sd_bus_flush(client), 0);
}

TEST(BridgeLimits, JobsThatNeverEndHoldUpNoQueryAndAStopCancelsThem) {
  BridgeStack stack(files());
  ASSERT_TRUE(stack.ok()) << stack.error();
  auto client = connect_bus(stack.bus().address());
  ASSERT_TRUE(client);
  std::vector<std::string> replies;
  start_hung_jobs(client.get(), 16, replies);

  auto logs = busctl(stack, {"call", "org.vermilion1", "/org/vermilion1", "org.vermilion1.Manager", "GetLogs", "su",
                             "sleeper", "5"});
  EXPECT_EQ(logs.status, 0) << "GetLogs on another service: " << logs.output;
  auto stop = busctl(stack, {"call", "org.vermilion1", "/org/vermilion1", "org.vermilion1.Manager", "StopService",
                             "s", "hang"});
  EXPECT_EQ(stop.status, 0) << "StopService cancelling the hung start: " << stop.output;
  // Every start caller hears that its job did not complete.
  long long deadline = monotonic_ms() + 20000;
  while (replies.size() < 16 && monotonic_ms() < deadline) {
    while (sd_bus_process(client.get(), nullptr) > 0) {
    }
    sd_bus_wait(client.get(), 1000 * 1000);
  }
  ASSERT_EQ(replies.size(), 16u);
  for (const auto& name : replies) EXPECT_EQ(name, "org.vermilion1.Error.StartFailed");
}

TEST(BridgeLimits, OneJobPastTheQuotaIsRefusedAtOnceAndQueriesStillWork) {
  BridgeStack stack(files());
  ASSERT_TRUE(stack.ok()) << stack.error();
  auto client = connect_bus(stack.bus().address());
  ASSERT_TRUE(client);
  std::vector<std::string> replies;
  start_hung_jobs(client.get(), 33, replies);
  long long deadline = monotonic_ms() + 20000;
  while (replies.empty() && monotonic_ms() < deadline) {
    while (sd_bus_process(client.get(), nullptr) > 0) {
    }
    sd_bus_wait(client.get(), 1000 * 1000);
  }
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0], "org.vermilion1.Error.LimitsExceeded");
  auto logs = busctl(stack, {"call", "org.vermilion1", "/org/vermilion1", "org.vermilion1.Manager", "GetLogs", "su",
                             "sleeper", "5"});
  EXPECT_EQ(logs.status, 0) << logs.output;
  EXPECT_EQ(stack.bus().wait_for_owner("org.vermilion1", 1000).value_or(""), stack.owner());
}

// The error message quotes the name cut at 64 bytes: a cut inside a UTF-8
// sequence must not make the reply invalid (sd-bus would drop it silently
// and the caller would wait for its timeout).
TEST(BridgeLimits, LongNonAsciiNameGetsAnErrorReply) {
  BridgeStack stack(files());
  ASSERT_TRUE(stack.ok()) << stack.error();
  std::string name(63, 'a');
  name += "\xc3\xa9";  // é straddles byte 64
  long long begin = monotonic_ms();
  auto result = busctl(stack, {"call", "org.vermilion1", "/org/vermilion1", "org.vermilion1.Manager", "StartService",
                               "s", name});
  EXPECT_NE(result.output.find("is not a valid unit name"), std::string::npos) << result.output;
  EXPECT_LT(monotonic_ms() - begin, 9000) << "no reply: busctl timed out";
}

TEST(BridgeLimits, OutputThatIsNotUtf8IsEscapedNotFatal) {
  StackFiles f = files();
  f.units.push_back({"binary.service",
                     "[Service]\nType=oneshot\nRemainAfterExit=yes\n"
                     "ExecStart=/usr/bin/printf 'ok\\\\n\\\\377\\\\376bad\\\\n'\n"});
  BridgeStack stack(f);
  ASSERT_TRUE(stack.ok()) << stack.error();
  ASSERT_EQ(busctl(stack, {"call", "org.vermilion1", "/org/vermilion1", "org.vermilion1.Manager", "StartService", "s",
                           "binary"})
                .status,
            0);
  auto logs = busctl(stack, {"call", "org.vermilion1", "/org/vermilion1", "org.vermilion1.Manager", "GetLogs", "su",
                             "binary", "0"});
  EXPECT_EQ(logs.status, 0) << logs.output << stack.log();
  EXPECT_NE(logs.output.find("\"\\\\xff\\\\xfebad\""), std::string::npos) << logs.output;
}

}  // namespace
}  // namespace vermilion::testing
