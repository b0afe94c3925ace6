// The vermiliond binary as a user runs it: options, --verify, signals.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include "subprocess.h"
#include "temp_dir.h"

namespace vermilion {
namespace {

using testing::Subprocess;
using testing::TempDir;

const std::string kVermiliond = VERMILIOND_PATH;

TEST(Vermiliond, VerifyReportsEveryProblemWithFileAndLine) {
  TempDir dir;
  dir.write("good.service", "[Service]\nExecStart=/bin/true\nFancyKey=1\n");
  dir.write("bad.service", "[Unit]\nDescription=bad\n[Service]\nExecStart=/bin/true\nRestart=sometimes\n");
  Subprocess good({kVermiliond, "--verify", dir.file("good.service")});
  int status = good.wait_exit();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << good.output();
  EXPECT_NE(good.output().find(dir.file("good.service") + ":3: warning:"), std::string::npos) << good.output();

  Subprocess both({kVermiliond, "--verify", dir.file("good.service"), dir.file("bad.service")});
  status = both.wait_exit();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1) << both.output();
  EXPECT_NE(both.output().find(dir.file("bad.service") + ":5: error:"), std::string::npos) << both.output();
  EXPECT_NE(both.output().find("Restart"), std::string::npos) << both.output();
}

TEST(Vermiliond, BadArgumentsAreClearErrors) {
  Subprocess level({kVermiliond, "--log-level", "loud"});
  int status = level.wait_exit();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 0);
  EXPECT_NE(level.output().find("--log-level"), std::string::npos) << level.output();

  Subprocess both({kVermiliond, "--system", "--user"});
  status = both.wait_exit();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 0);
  EXPECT_NE(both.output().find("excludes"), std::string::npos) << both.output();

  Subprocess dir({kVermiliond, "--unit-dir", "/nonexistent/units"});
  status = dir.wait_exit();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 0);
  EXPECT_NE(dir.output().find("/nonexistent/units"), std::string::npos) << dir.output();
}

TEST(Vermiliond, StartsBootUnitsReloadsOnSighupAndStopsEverythingOnSigterm) {
  if (geteuid() != 0) {
    GTEST_SKIP() << "system scope needs root";
  }
  TempDir units, runtime;
  units.write("web.service",
              "[Unit]\nDescription=web\n[Service]\nExecStart=/bin/sleep 1000\n"
              "[Install]\nWantedBy=multi-user.target\n");
  units.write("broken.service", "[Service]\nExecStart=/bin/true\nTimeoutSec=soon\n");
  Subprocess daemon({kVermiliond, "--system", "--unit-dir", units.path(), "--runtime-dir",
                     runtime.file("rt")});
  ASSERT_TRUE(daemon.wait_for_output("web.service: state active/running")) << daemon.output();
  EXPECT_NE(daemon.output().find(units.file("broken.service") + ":3: error:"), std::string::npos)
      << daemon.output();

  units.write("extra.service", "[Service]\nExecStart=/bin/sleep 1000\n");
  kill(daemon.pid(), SIGHUP);
  ASSERT_TRUE(daemon.wait_for_output("reloading units")) << daemon.output();
  ASSERT_TRUE(daemon.wait_for_output("3 units")) << daemon.output();

  kill(daemon.pid(), SIGTERM);
  ASSERT_TRUE(daemon.wait_for_output("web.service: state inactive/dead")) << daemon.output();
  int status = daemon.wait_exit();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << daemon.output();
  EXPECT_EQ(access(runtime.file("rt/notify").c_str(), F_OK), -1) << "the notify socket is removed";
}

}  // namespace
}  // namespace vermilion
