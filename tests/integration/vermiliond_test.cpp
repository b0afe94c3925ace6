// The vermiliond binary as a user runs it: options, --verify, signals.
#include <gtest/gtest.h>
#include <pwd.h>
#include <grp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "enable_units.h"
#include "manager_control.h"
#include "subprocess.h"
#include "temp_dir.h"

namespace vermilion {
namespace {

using testing::enable_units;
using testing::Subprocess;
using testing::TempDir;

const std::string kVermiliond = VERMILIOND_PATH;
const std::string kFakeBridge = std::string(VERMILION_TEST_HELPER_DIR) + "/vermilion-test-fake_bridge";

TEST(Vermiliond, VerifyReportsEveryProblemWithFileAndLine) {
  TempDir dir;
  dir.write("good.service", "[Service]\nExecStart=/bin/true\nFancyKey=1\n");
  dir.write("bad.service", "[Unit]\nDescription=bad\n[Service]\nExecStart=/bin/true\nUser=bad:name\n");
  Subprocess good({kVermiliond, "--verify", dir.file("good.service")});
  int status = good.wait_exit();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << good.output();
  EXPECT_NE(good.output().find(dir.file("good.service") + ":3: warning:"), std::string::npos) << good.output();

  Subprocess both({kVermiliond, "--verify", dir.file("good.service"), dir.file("bad.service")});
  status = both.wait_exit();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1) << both.output();
  EXPECT_NE(both.output().find(dir.file("bad.service") + ":5: error:"), std::string::npos) << both.output();
  EXPECT_NE(both.output().find("bad:name"), std::string::npos) << both.output();
}

// As systemd-analyze verify 252: the drop-ins beside the file apply, and
// their problems name the drop-in and its line; one that makes the unit bad
// fails the verification.
TEST(Vermiliond, VerifyReadsTheDropInsBesideTheFile) {
  TempDir dir;
  dir.write("d.service", "[Service]\nExecStart=/bin/true\n");
  dir.write("d.service.d/10-x.conf", "[Service]\nRestart=bogus\n");
  Subprocess warned({kVermiliond, "--verify", dir.file("d.service")});
  int status = warned.wait_exit();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << warned.output();
  EXPECT_NE(warned.output().find(dir.file("d.service.d/10-x.conf") +
                                 ":2: warning: Failed to parse service restart specifier, ignoring: bogus"),
            std::string::npos)
      << warned.output();

  dir.write("d.service.d/20-y.conf", "[Service]\nExecStart=/bin/false\n");
  Subprocess refused({kVermiliond, "--verify", dir.file("d.service")});
  status = refused.wait_exit();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1) << refused.output();
  EXPECT_NE(refused.output().find(dir.file("d.service.d/20-y.conf") + ":2: error:"), std::string::npos)
      << refused.output();
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
  enable_units(units.path(), {"web.service"});
  units.write("broken.service", "[Service]\nExecStart=/bin/true\nUser=bad:name\n");
  Subprocess daemon({kVermiliond, "--system", "--unit-dir", units.path(), "--runtime-dir",
                     runtime.file("rt"), "--no-bridge"});
  ASSERT_TRUE(daemon.wait_for_output("web.service: state active/running")) << daemon.output();
  EXPECT_NE(daemon.output().find(units.file("broken.service") + ":3: error:"), std::string::npos)
      << daemon.output();

  units.write("extra.service", "[Service]\nExecStart=/bin/sleep 1000\n");
  kill(daemon.pid(), SIGHUP);
  ASSERT_TRUE(daemon.wait_for_output("reloading units")) << daemon.output();
  // web, broken, extra, and the built-in sysinit.target, basic.target,
  // multi-user.target, default.target and shutdown.target.
  ASSERT_TRUE(daemon.wait_for_output("reloaded: 8 units")) << daemon.output();

  kill(daemon.pid(), SIGTERM);
  ASSERT_TRUE(daemon.wait_for_output("web.service: state inactive/dead")) << daemon.output();
  int status = daemon.wait_exit();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << daemon.output();
  EXPECT_EQ(access(runtime.file("rt/notify").c_str(), F_OK), -1) << "the notify socket is removed";
  EXPECT_EQ(daemon.output().find("vermilion-bridge"), std::string::npos) << "--no-bridge: no bridge unit";
}

// Issue 12: which units start follows enablement, as in systemd. Both units
// say WantedBy=multi-user.target; only the enabled one (its link in
// multi-user.target.wants/) starts. A reload (SIGHUP, daemon-reload) after
// enabling the other starts nothing; once vermiliond starts again, it does.
// The second enable goes through install_paths_for(), which is how the
// supervisor hands its unit directories to ManagerControl's enablement.
TEST(Vermiliond, OnlyEnabledUnitsStartAtBoot) {
  if (geteuid() != 0) GTEST_SKIP() << "multi-user.target is the system scope's: needs root";
  TempDir units, runtime;
  for (const char* name : {"enabled.service", "disabled.service"})
    units.write(name, "[Service]\nExecStart=/bin/sleep 1000\n[Install]\nWantedBy=multi-user.target\n");
  enable_units(units.path(), {"enabled.service"});
  std::vector<std::string> argv{kVermiliond, "--system", "--unit-dir", units.path(), "--runtime-dir",
                                runtime.file("rt"), "--no-bridge"};
  {
    Subprocess daemon(argv);
    // default.target is reached after what it pulls in has started.
    ASSERT_TRUE(daemon.wait_for_output("default.target: state active/active")) << daemon.output();
    EXPECT_NE(daemon.output().find("enabled.service: state active/running"), std::string::npos) << daemon.output();
    EXPECT_NE(daemon.output().find("multi-user.target: state active/active"), std::string::npos) << daemon.output();

    std::vector<InstallChange> changes;
    Diagnostics diags;
    ASSERT_EQ(UnitInstaller(install_paths_for({units.path()}))
                  .change(UnitFileOperation::enable, {"disabled.service"}, changes, diags),
              0);
    ASSERT_EQ(changes.size(), 1u);
    EXPECT_EQ(changes[0].path, units.file("multi-user.target.wants/disabled.service"));
    kill(daemon.pid(), SIGHUP);
    ASSERT_TRUE(daemon.wait_for_output("reloaded: ")) << daemon.output();
    kill(daemon.pid(), SIGTERM);
    int status = daemon.wait_exit();
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << daemon.output();
    EXPECT_EQ(daemon.output().find("disabled.service: state"), std::string::npos)
        << "neither boot nor reload starts a unit that was not enabled then: " << daemon.output();
  }
  Subprocess again(argv);
  ASSERT_TRUE(again.wait_for_output("default.target: state active/active")) << again.output();
  EXPECT_NE(again.output().find("enabled.service: state active/running"), std::string::npos) << again.output();
  EXPECT_NE(again.output().find("disabled.service: state active/running"), std::string::npos) << again.output();
  kill(again.pid(), SIGTERM);
  int status = again.wait_exit();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << again.output();
}

// --systemd-paths: the units packages install (/usr/lib/systemd/system) and
// the links `systemctl enable` made (/etc/systemd/system) are what
// vermiliond sees. Inside `unshare --mount`, with a tmpfs on /run and on
// each of systemd's unit and generator directories that exists here, so
// the machine's own units, generators, /etc and /run stay untouched and
// unseen (vermiliond runs generators and writes /run/systemd/generator*).
TEST(Vermiliond, SystemdPathsSeeWhatPackagesAndEnableWrote) {
  if (geteuid() != 0) GTEST_SKIP() << "unshare --mount needs root";
  if (::access("/usr/bin/unshare", X_OK) != 0) GTEST_SKIP() << "no unshare(1)";
  TempDir runtime;
  const std::string script =
      "set -e\n"
      "mount -t tmpfs vermilion-test /run\n"
      "for d in /etc/systemd/system /usr/local/lib/systemd/system /lib/systemd/system /usr/lib/systemd/system "
      "/etc/systemd/system-generators /usr/local/lib/systemd/system-generators /lib/systemd/system-generators "
      "/usr/lib/systemd/system-generators; do if [ -d \"$d\" ]; then mount -t tmpfs vermilion-test \"$d\"; fi; done\n"
      "[ -d /etc/systemd/system ] && [ -d /usr/lib/systemd/system ] || exit 77\n"
      "printf '[Service]\\nExecStart=/bin/sleep 1000\\n[Install]\\nWantedBy=multi-user.target\\n' "
      ">/usr/lib/systemd/system/packaged.service\n"
      "cp /usr/lib/systemd/system/packaged.service /usr/lib/systemd/system/not-enabled.service\n"
      "mkdir /etc/systemd/system/multi-user.target.wants\n"
      "ln -s /usr/lib/systemd/system/packaged.service /etc/systemd/system/multi-user.target.wants/\n"
      "exec \"$0\" --system --systemd-paths --no-bridge --runtime-dir \"$1\"\n";
  Subprocess daemon({"/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c", script,
                     kVermiliond, runtime.file("rt")});
  ASSERT_TRUE(daemon.wait_for_output("default.target: state active/active")) << daemon.output();
  EXPECT_NE(daemon.output().find("packaged.service: state active/running"), std::string::npos) << daemon.output();
  EXPECT_EQ(daemon.output().find("not-enabled.service: state"), std::string::npos) << daemon.output();
  EXPECT_NE(daemon.output().find("units from 5 directories"), std::string::npos) << daemon.output();
  kill(daemon.pid(), SIGTERM);
  int status = daemon.wait_exit();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << daemon.output();
}

// Files a unit makes vermiliond read must never stop it: a FIFO or a
// device as EnvironmentFile= or as the unit file itself fails that unit
// alone, with the unit, the key and the file named, and the others run.
TEST(Vermiliond, UnreadableFilesFailOnlyTheirUnit) {
  TempDir units, runtime;
  ASSERT_EQ(mkfifo(units.file("env.fifo").c_str(), 0600), 0);
  ASSERT_EQ(mkfifo(units.file("fifo.service").c_str(), 0600), 0);
  units.write("fifo-env.service", "[Service]\nEnvironmentFile=" + units.file("env.fifo") +
                                       "\nExecStart=/bin/sleep 1000\n[Install]\nWantedBy=default.target\n");
  units.write("zero-env.service",
              "[Service]\nEnvironmentFile=/dev/zero\nExecStart=/bin/sleep 1000\n[Install]\nWantedBy=default.target\n");
  units.write("web.service", "[Service]\nExecStart=/bin/sleep 1000\n[Install]\nWantedBy=default.target\n");
  enable_units(units.path(), {"fifo-env.service", "zero-env.service", "web.service"});
  Subprocess daemon({kVermiliond, "--user", "--unit-dir", units.path(), "--runtime-dir", runtime.file("rt"),
                     "--no-bridge"});
  // The three units start in parallel: their lines come in any order.
  auto seen = [&](const std::string& text) {
    return daemon.output().find(text) != std::string::npos || daemon.wait_for_output(text);
  };
  ASSERT_TRUE(seen("web.service: state active/running")) << daemon.output();
  ASSERT_TRUE(seen("fifo-env.service: failed to spawn /bin/sleep: EnvironmentFile=" + units.file("env.fifo") +
                   ": not a regular file"))
      << daemon.output();
  ASSERT_TRUE(seen("zero-env.service: failed to spawn /bin/sleep: EnvironmentFile=/dev/zero: not a regular file"))
      << daemon.output();
  ASSERT_TRUE(seen("zero-env.service: state failed/failed result=resources")) << daemon.output();
  EXPECT_NE(daemon.output().find(units.file("fifo.service") + ": error: Cannot read unit file: not a regular file"),
            std::string::npos)
      << daemon.output();
  kill(daemon.pid(), SIGTERM);
  int status = daemon.wait_exit();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << daemon.output();
}

// FailureAction=exit (systemd.unit(5)): the failing unit ends vermiliond as
// SIGTERM does, every other service stopped, with FailureActionExitStatus=
// as its exit status.
TEST(Vermiliond, FailureActionExitStopsEverythingWithItsExitStatus) {
  TempDir units, runtime;
  units.write("web.service", "[Service]\nExecStart=/bin/sleep 1000\n[Install]\nWantedBy=default.target\n");
  // After web: web is running when the job fails.
  units.write("job.service",
              "[Unit]\nAfter=web.service\nFailureAction=exit\nFailureActionExitStatus=7\n"
              "[Service]\nType=oneshot\nExecStart=/bin/sh -c 'exit 3'\n[Install]\nWantedBy=default.target\n");
  enable_units(units.path(), {"web.service", "job.service"});
  Subprocess daemon({kVermiliond, "--user", "--unit-dir", units.path(), "--runtime-dir", runtime.file("rt"),
                     "--no-bridge"});
  int status = daemon.wait_exit();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 7) << daemon.output();
  EXPECT_NE(daemon.output().find("web.service: state active/running"), std::string::npos) << daemon.output();
  EXPECT_NE(daemon.output().find("job.service: FailureAction=exit, stopping all services and exiting with status 7"),
            std::string::npos)
      << daemon.output();
  EXPECT_NE(daemon.output().find("web.service: state inactive/dead"), std::string::npos) << daemon.output();
}

// A stop of everything leaves no process: vermiliond waits for its own
// helpers, the removers of PrivateTmp= directories (forked, as systemd's
// asynchronous_rm_rf()), before it exits: the directories are gone once
// vermiliond is, and no process of its is left to us, a subreaper (the
// remover used to be, running or a zombie: real_units saw it in ps).
TEST(Vermiliond, ExitWaitsForThePrivateTmpRemoval) {
  if (geteuid() != 0) {
    GTEST_SKIP() << "PrivateTmp= needs a mount namespace: root";
  }
  // Whatever vermiliond leaves behind becomes our child.
  ASSERT_EQ(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
  TempDir units, runtime;
  units.write("ptmp.service",
              "[Service]\nType=oneshot\nRemainAfterExit=yes\nPrivateTmp=yes\n"
              "ExecStart=/bin/sh -c 'mkdir /tmp/d && cd /tmp/d && seq 1 2000 | xargs touch'\n"
              "[Install]\nWantedBy=multi-user.target\n");
  enable_units(units.path(), {"ptmp.service"});
  Subprocess daemon({kVermiliond, "--system", "--unit-dir", units.path(), "--runtime-dir", runtime.file("rt"),
                     "--no-bridge"});
  ASSERT_TRUE(daemon.wait_for_output("ptmp.service: state active/exited")) << daemon.output();
  auto private_dirs = [] {
    std::vector<std::string> out;
    for (const char* top : {"/tmp", "/var/tmp"})
      for (const auto& entry : std::filesystem::directory_iterator(top))
        if (entry.path().filename().string().find("-ptmp.service-") != std::string::npos &&
            entry.path().filename().string().starts_with("systemd-private-"))
          out.push_back(entry.path());
    return out;
  };
  ASSERT_EQ(private_dirs().size(), 2u) << "/tmp's and /var/tmp's";
  kill(daemon.pid(), SIGTERM);
  int status = daemon.wait_exit();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << daemon.output();
  EXPECT_EQ(private_dirs(), std::vector<std::string>{}) << daemon.output();
  errno = 0;
  EXPECT_EQ(waitpid(-1, nullptr, WNOHANG), -1) << "a process vermiliond left, running or not reaped";
  EXPECT_EQ(errno, ECHILD);
  (void)prctl(PR_SET_CHILD_SUBREAPER, 0);
}

// systemd resolves User= in the forked child; so must vermiliond. With every
// user/group lookup in vermiliond's own process made to hang after start-up
// (tests/preload/nss_hang.c), services with User=, Group= and
// SupplementaryGroups= still start and restart, and SIGTERM still works.
TEST(Vermiliond, NoNameServiceLookupInTheSupervisorAfterStartUp) {
  TempDir units, runtime, work;
  passwd* me = getpwuid(geteuid());
  group* my_group = getgrgid(getegid());
  ASSERT_TRUE(me && my_group);
  units.write("nss.service", std::string("[Unit]\nStartLimitIntervalSec=0\n[Service]\nUser=") + me->pw_name +
                                 "\nGroup=" + my_group->gr_name + "\nSupplementaryGroups=" + my_group->gr_name +
                                 "\nRuntimeDirectory=nss\nExecStart=/bin/sh -c 'echo home=$HOME'\n"
                                 "StandardOutput=append:" + work.file("out") +
                                 "\nRestart=always\nRestartSec=100ms\n[Install]\nWantedBy=default.target\n");
  enable_units(units.path(), {"nss.service"});
  const std::string log = work.file("nss.log"), trigger = work.file("hang");
  // Armed from the start: vermiliond's own start-up (who am I) runs before
  // the file exists; the test creates it once the first run has started.
  ::setenv("LD_PRELOAD", VERMILION_NSS_HANG_PATH, 1);
  ::setenv("ASAN_OPTIONS", "verify_asan_link_order=0", 1);  // the shim comes before libasan
  ::setenv("VERMILION_NSS_LOG", log.c_str(), 1);
  ::setenv("VERMILION_NSS_HANG_WHEN", trigger.c_str(), 1);
  Subprocess daemon({kVermiliond, "--user", "--unit-dir", units.path(), "--runtime-dir", runtime.file("rt"),
                     "--no-bridge"});
  for (const char* name : {"LD_PRELOAD", "ASAN_OPTIONS", "VERMILION_NSS_LOG", "VERMILION_NSS_HANG_WHEN"})
    ::unsetenv(name);
  ASSERT_TRUE(daemon.wait_for_output("nss.service: state active/running")) << daemon.output();
  work.write("hang", "");
  std::ifstream before_file(log);
  std::string before((std::istreambuf_iterator<char>(before_file)), std::istreambuf_iterator<char>());

  // Each run resolves User= again: in the child, or vermiliond would hang here.
  for (int run = 0; run < 3; ++run) {
    ASSERT_TRUE(daemon.wait_for_output("nss.service: main process exited, code=exited, status=0")) << daemon.output();
    ASSERT_TRUE(daemon.wait_for_output("nss.service: state activating/auto-restart")) << daemon.output();
  }
  std::ifstream out_file(work.file("out"));
  std::string out((std::istreambuf_iterator<char>(out_file)), std::istreambuf_iterator<char>());
  EXPECT_NE(out.find("home=" + std::string(me->pw_dir) + "\n"), std::string::npos) << out;
  kill(daemon.pid(), SIGTERM);
  int status = daemon.wait_exit();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << daemon.output();
  std::ifstream after_file(log);
  std::string after((std::istreambuf_iterator<char>(after_file)), std::istreambuf_iterator<char>());
  EXPECT_EQ(after, before) << "lookups in vermiliond after start-up:\n" << after.substr(before.size());
}

// What vermiliond prints for one run of --user over `units` until `text`
// appears, then SIGTERM; extra arguments go last.
class VermiliondBridge : public ::testing::Test {
 protected:
  void SetUp() override {
    units_.write("web.service", "[Service]\nExecStart=/bin/sleep 1000\n[Install]\nWantedBy=default.target\n");
    enable_units(units_.path(), {"web.service"});
  }
  std::vector<std::string> argv(const std::string& program, std::vector<std::string> extra) {
    std::vector<std::string> out{program, "--user", "--unit-dir", units_.path(), "--runtime-dir",
                                 runtime_.file("rt"), "--log-level", "debug"};
    out.insert(out.end(), extra.begin(), extra.end());
    return out;
  }
  // The bridge's output and its state changes come through different
  // sources (log pipe, notify socket): their order in the log varies.
  static bool wait_anywhere(Subprocess& daemon, const std::string& text) {
    return daemon.output().find(text) != std::string::npos || daemon.wait_for_output(text);
  }
  static void stop(Subprocess& daemon) {
    kill(daemon.pid(), SIGTERM);
    int status = daemon.wait_exit();
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << daemon.output();
  }
  TempDir units_, runtime_;
};

TEST_F(VermiliondBridge, BridgePathRunsTheBridgeWithItsBusAddress) {
  ::setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/tmp/test bus", 1);
  Subprocess daemon(argv(kVermiliond, {"--bridge-path", kFakeBridge}));
  ::unsetenv("DBUS_SESSION_BUS_ADDRESS");
  ASSERT_TRUE(wait_anywhere(daemon, "vermilion-bridge.service| bridge ready")) << daemon.output();
  ASSERT_TRUE(wait_anywhere(daemon, "vermilion-bridge.service: state active/running")) << daemon.output();
  EXPECT_NE(daemon.output().find("vermilion-bridge.service| arg=--user"), std::string::npos) << daemon.output();
  EXPECT_NE(daemon.output().find("vermilion-bridge.service| env=DBUS_SESSION_BUS_ADDRESS=unix:path=/tmp/test bus"),
            std::string::npos)
      << daemon.output();
  stop(daemon);
}

TEST_F(VermiliondBridge, DefaultBridgeIsTheOneBesideVermiliond) {
  TempDir bin;
  std::filesystem::copy_file(kVermiliond, bin.file("vermiliond"));
  std::filesystem::copy_file(kFakeBridge, bin.file("vermilion-bridge"));
  std::filesystem::permissions(bin.file("vermiliond"), std::filesystem::perms(0755));
  std::filesystem::permissions(bin.file("vermilion-bridge"), std::filesystem::perms(0755));
  Subprocess daemon(argv(bin.file("vermiliond"), {}));
  ASSERT_TRUE(wait_anywhere(daemon, "vermilion-bridge.service| arg=" + bin.file("vermilion-bridge")))
      << daemon.output();
  ASSERT_TRUE(wait_anywhere(daemon, "vermilion-bridge.service: state active/running")) << daemon.output();
  stop(daemon);
}

TEST_F(VermiliondBridge, BadBridgePathFailsOnlyTheBridgeUnit) {
  Subprocess daemon(argv(kVermiliond, {"--bridge-path", "/nonexistent/vermilion-bridge"}));
  ASSERT_TRUE(daemon.wait_for_output(
      "vermilion-bridge.service: bridge executable /nonexistent/vermilion-bridge: No such file or directory"))
      << daemon.output();
  ASSERT_TRUE(daemon.wait_for_output("vermilion-bridge.service: main process exited, code=exited, status=203"))
      << daemon.output();
  ASSERT_TRUE(daemon.wait_for_output("vermilion-bridge.service: start request repeated too quickly"))
      << daemon.output();
  ASSERT_TRUE(daemon.wait_for_output("vermilion-bridge.service: state failed/failed result=exit-code"))
      << daemon.output();
  EXPECT_NE(daemon.output().find("web.service: state active/running"), std::string::npos) << daemon.output();
  EXPECT_EQ(daemon.output().find("web.service: state inactive"), std::string::npos) << daemon.output();
  stop(daemon);
  EXPECT_NE(daemon.output().find("web.service: state inactive/dead"), std::string::npos)
      << "web.service ran until SIGTERM: " << daemon.output();
}

TEST_F(VermiliondBridge, NoBridgeAndBridgePathExcludeEachOther) {
  Subprocess both(argv(kVermiliond, {"--no-bridge", "--bridge-path", "/x"}));
  int status = both.wait_exit();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 0);
  EXPECT_NE(both.output().find("excludes"), std::string::npos) << both.output();
}

}  // namespace
}  // namespace vermilion
