// A stranger floods vermiliond's notify socket: other services still become
// ready and still restart, and vermiliond's own log stays short. No timing
// is asserted beyond "it happens within the usual waits"; the figures are
// bench/notify_flood_bench.cpp's.
#include <sstream>

#include "notify_flooder.h"
#include "supervisor_fixture.h"

namespace vermilion {
namespace {

using testing::kHelpers;
using testing::NotifyFlooder;
using testing::process_exists;

constexpr std::uint64_t kFlood = 100'000;

class NotifyFloodTest : public testing::SupervisorFixture {
 protected:
  int count_log_lines(const std::string& text) {
    std::istringstream lines(daemon_log());
    int n = 0;
    for (std::string line; std::getline(lines, line);) n += line.find(text) != std::string::npos;
    return n;
  }
};

TEST_F(NotifyFloodTest, ReadinessAndRestartsGoOnAndTheLogStaysShort) {
  unit("notifier.service", "[Service]\nType=notify\nExecStart=" + kHelpers + "/vermilion-test-notify\n");
  unit("crashy.service",
       "[Unit]\nStartLimitIntervalSec=0\n[Service]\nExecStart=/bin/sleep 1000\nRestart=always\nRestartSec=0\n");
  boot();
  ASSERT_EQ(run_job(JobType::start, "crashy"), JobResult::done);

  NotifyFlooder flooder(runtime_.file("vermilion") + "/notify");
  ASSERT_TRUE(flooder.started());
  ASSERT_TRUE(wait_for([&] { return flooder.sent() >= 1000 || !flooder.alive(); }));
  ASSERT_TRUE(flooder.alive()) << "the flooder (as nobody) reaches the socket";

  // While the flood goes on (the flooder stops only when killed below).
  EXPECT_EQ(run_job(JobType::start, "notifier"), JobResult::done) << "READY=1 got through the flood";
  EXPECT_EQ(service("notifier").status_text(), "ready");
  pid_t first = service("crashy").main_pid();
  kill(first, SIGKILL);
  EXPECT_TRUE(wait_for([&] {
    Service& s = service("crashy");
    return s.n_restarts() == 1 && s.sub_state() == SubState::running && s.main_pid() != first;
  })) << "the crashed service was restarted during the flood";
  EXPECT_TRUE(process_exists(service("crashy").main_pid()));

  ASSERT_TRUE(wait_for([&] { return flooder.sent() >= kFlood || !flooder.alive(); }));
  EXPECT_TRUE(flooder.stop()) << "it flooded throughout, " << flooder.sent() << " datagrams";
  EXPECT_GE(flooder.sent(), kFlood);

  // Every datagram asks vermiliond to log "belongs to no service"; the
  // rate limit lets through a burst per interval (10 per 10 s) and a count.
  int warnings = count_log_lines("which belongs to no service, ignored");
  EXPECT_GE(warnings, 1);
  EXPECT_LE(warnings, 100) << "of " << flooder.sent() << " datagrams";
}

// Datagrams the socket drops (here: an embedded NUL) are logged as
// problems, rate-limited the same way.
TEST_F(NotifyFloodTest, MalformedDatagramsAreLoggedRateLimited) {
  boot();
  NotifyFlooder flooder(runtime_.file("vermilion") + "/notify", std::string("READY=1\0x", 9));
  ASSERT_TRUE(flooder.started());
  ASSERT_TRUE(wait_for([&] { return flooder.sent() >= 10'000 || !flooder.alive(); }));
  EXPECT_TRUE(flooder.stop());
  ASSERT_TRUE(wait_daemon_log({"notify socket: message contains a NUL byte"}));
  int problems = count_log_lines("notify socket: message contains a NUL byte");
  EXPECT_LE(problems, 100) << "of " << flooder.sent() << " datagrams";
}

}  // namespace
}  // namespace vermilion
