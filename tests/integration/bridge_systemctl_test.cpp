// Debian's own systemctl (systemd 252) driving vermiliond through
// org.freedesktop.systemd1 (vermiliond --systemd-compat), as root against a
// private system-style bus and with --user against a session-style one.
//
// System scope needs what a booted machine has: systemctl checks
// sd_booted() (/run/systemd/system) and, as root, tries
// /run/systemd/private before the system bus. Each test runs in a mount
// namespace of its own with a tmpfs on /run/systemd (the machine's is never
// touched), where vermiliond creates /run/systemd/system and removes it
// when it exits; no /run/systemd/private exists there, so systemctl falls
// back to the bus at DBUS_SYSTEM_BUS_ADDRESS: the test's.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <systemd/sd-bus.h>
#include <time.h>
#include <unistd.h>

#include <cctype>
#include <thread>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "bridge_fixture.h"
#include "platform/cgroup.h"
#include "platform/taint.h"
#include "private_run_systemd.h"
#include "run_as.h"

namespace vermilion::testing {
namespace {

const std::pair<std::string, std::string> kFailsUnit{
    "fails.service", "[Unit]\nDescription=Fails at once\n[Service]\nType=oneshot\nExecStart=/bin/false\n"};
const std::pair<std::string, std::string> kOneshotUnit{
    "once.service", "[Unit]\nDescription=Runs once\n[Service]\nType=oneshot\nExecStart=/bin/true\n"};

const std::pair<std::string, std::string> kReloadsUnit{
    "reloads.service",
    "[Unit]\nDescription=Reloads on request\n[Service]\nExecStart=/bin/sleep infinity\nExecReload=/bin/true\n"
    "[Install]\nWantedBy=default.target\n"};
const std::pair<std::string, std::string> kDropInUnit{"reloads.service.d/10-after.conf",
                                                      "[Unit]\nAfter=sleeper.service\n"};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Counts the UnitFilesChanged signals of each interface that reach a client
// of the test's bus (Cockpit lists the unit files again on each).
class UnitFilesChangedCounter {
 public:
  explicit UnitFilesChangedCounter(const std::string& address) {
    if (sd_bus_new(&bus_) < 0) return;
    sd_bus_set_address(bus_, address.c_str());
    sd_bus_set_bus_client(bus_, 1);
    if (sd_bus_start(bus_) < 0) return;
    // Synchronous: the match is in place before anything is changed.
    sd_bus_match_signal(bus_, nullptr, nullptr, nullptr, nullptr, "UnitFilesChanged", &on_signal, this);
  }
  ~UnitFilesChangedCounter() { sd_bus_flush_close_unref(bus_); }
  // Processes the bus until `interface` has sent `n` of them, or 20 s passed.
  bool wait_for(const std::string& interface, int n) {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    const long long deadline = now.tv_sec * 1000LL + now.tv_nsec / 1000000 + 20000;
    for (;;) {
      while (sd_bus_process(bus_, nullptr) > 0) {
      }
      if (seen_[interface] >= n) return true;
      clock_gettime(CLOCK_MONOTONIC, &now);
      long long left = deadline - (now.tv_sec * 1000LL + now.tv_nsec / 1000000);
      if (left <= 0) return false;
      sd_bus_wait(bus_, static_cast<std::uint64_t>(left) * 1000);
    }
  }

 private:
  static int on_signal(sd_bus_message* m, void* self, sd_bus_error*) {
    static_cast<UnitFilesChangedCounter*>(self)->seen_[sd_bus_message_get_interface(m)]++;
    return 0;
  }
  sd_bus* bus_ = nullptr;
  std::map<std::string, int> seen_;
};

class SystemctlSystemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root: a mount namespace, and the bridge's system user";
    if (!user_identity("vermilion-bridge")) GTEST_SKIP() << "no user vermilion-bridge (scripts/setup-debian.sh)";
    std::string why;
    ASSERT_TRUE(private_run_systemd(why)) << why;
  }
  // `vendor`: the units go to a second unit directory, so that enablement's
  // first one holds only its links (a mask needs the name free there).
  void start(const std::vector<std::pair<std::string, std::string>>& units, bool vendor = false,
             const std::vector<std::string>& options = {}) {
    StackFiles files;
    files.vermiliond_options = {"--systemd-compat"};
    files.vermiliond_options.insert(files.vermiliond_options.end(), options.begin(), options.end());
    if (vendor) {
      // After the stack's own units/, as /usr/lib/systemd/system after /etc/systemd/system.
      for (const auto& [name, text] : units) vendor_.write(name, text);
      files.vermiliond_options.insert(files.vermiliond_options.end(), {"--unit-dir", vendor_.path()});
    } else {
      files.units = units;
    }
    files.also_wait_for = "org.freedesktop.systemd1";
    stack_ = std::make_unique<BridgeStack>(files, BusFlavour::system);
    ASSERT_TRUE(stack_->ok()) << stack_->error();
  }
  static std::vector<std::string> systemctl(std::vector<std::string> args) {
    args.insert(args.begin(), {"/usr/bin/systemctl", "--no-pager", "--no-ask-password"});
    return args;
  }
  CommandResult as_root(const std::vector<std::string>& args) { return run_command(systemctl(args)); }
  CommandResult as_nobody(const std::vector<std::string>& args) { return run_command(run_as(nobody(), systemctl(args))); }

  TempDir vendor_;
  std::unique_ptr<BridgeStack> stack_;
};

TEST_F(SystemctlSystemTest, VermiliondMakesTheMachineLookBootedAndCleansUp) {
  ASSERT_FALSE(std::filesystem::exists("/run/systemd/system"));
  start({kSleeperUnit});
  EXPECT_TRUE(std::filesystem::is_directory("/run/systemd/system"));
  EXPECT_TRUE(contains(stack_->log(), "created /run/systemd/system")) << stack_->log();
  stack_.reset();
  EXPECT_FALSE(std::filesystem::exists("/run/systemd/system"));
}

TEST_F(SystemctlSystemTest, ADirectoryThatIsNotOursMeansAnotherManagerRuns) {
  ASSERT_EQ(mkdir("/run/systemd/system", 0755), 0);
  StackFiles files;
  files.units = {kSleeperUnit};
  files.vermiliond_options = {"--systemd-compat"};
  BridgeStack stack(files, BusFlavour::system);
  ASSERT_TRUE(stack.ok()) << stack.error();  // org.vermilion1 is served all the same
  EXPECT_TRUE(contains(stack.log(), "/run/systemd/system exists and vermiliond did not create it")) << stack.log();
  auto owner = run_command({"/usr/bin/busctl", stack.address_option(), "status", "org.freedesktop.systemd1"});
  EXPECT_NE(owner.status, 0) << owner.output;
  // And it is left alone.
  EXPECT_TRUE(std::filesystem::is_directory("/run/systemd/system"));
}

TEST_F(SystemctlSystemTest, ListStatusShowIsActive) {
  start({kSleeperUnit, kFailsUnit});
  auto list = as_root({"list-units"});
  EXPECT_EQ(list.status, 0) << list.output;
  EXPECT_TRUE(contains(list.output, "sleeper.service")) << list.output;
  EXPECT_TRUE(contains(list.output, "Sleeps until stopped")) << list.output;
  EXPECT_FALSE(contains(list.output, "fails.service")) << list.output;  // inactive: only with --all

  auto all = as_root({"list-units", "--all"});
  EXPECT_TRUE(contains(all.output, "fails.service")) << all.output;
  auto pattern = as_root({"list-units", "--all", "sleep*"});
  EXPECT_TRUE(contains(pattern.output, "sleeper.service")) << pattern.output;
  EXPECT_FALSE(contains(pattern.output, "fails.service")) << pattern.output;
  auto state = as_root({"list-units", "--all", "--state=inactive"});
  EXPECT_TRUE(contains(state.output, "fails.service")) << state.output;
  EXPECT_FALSE(contains(state.output, "sleeper.service")) << state.output;
  auto type = as_root({"list-units", "--type=service"});
  EXPECT_TRUE(contains(type.output, "sleeper.service")) << type.output;

  auto status = as_root({"status", "sleeper"});
  EXPECT_EQ(status.status, 0) << status.output;
  EXPECT_TRUE(contains(status.output, "sleeper.service - Sleeps until stopped")) << status.output;
  EXPECT_TRUE(contains(status.output, "Active: active (running) since")) << status.output;
  EXPECT_TRUE(contains(status.output, "Main PID: ")) << status.output;
  EXPECT_FALSE(contains(status.output, "Failed to")) << status.output;
  EXPECT_TRUE(contains(status.output, "sleeper.service")) << "its processes, from GetUnitProcesses: " << status.output;
  EXPECT_TRUE(contains(status.output, "/bin/sleep infinity")) << status.output;

  auto missing = as_root({"status", "nosuch"});
  EXPECT_EQ(missing.status, 4) << missing.output;
  EXPECT_TRUE(contains(missing.output, "Unit nosuch.service could not be found.")) << missing.output;

  auto show = as_root({"show", "-p", "ActiveState,SubState", "sleeper"});
  EXPECT_EQ(show.output, "ActiveState=active\nSubState=running\n");
  auto value = as_root({"show", "-p", "LoadState", "--value", "nosuch.service"});
  EXPECT_EQ(value.output, "not-found\n");

  EXPECT_EQ(as_root({"is-active", "sleeper"}).status, 0);
  auto inactive = as_root({"is-active", "fails"});
  EXPECT_EQ(inactive.status, 3);
  EXPECT_EQ(inactive.output, "inactive\n");
}

TEST_F(SystemctlSystemTest, JobsWaitAndReportAsSystemds) {
  start({kSleeperUnit, kFailsUnit, kOneshotUnit});
  EXPECT_EQ(as_root({"stop", "sleeper"}).status, 0);
  EXPECT_EQ(as_root({"is-active", "sleeper"}).output, "inactive\n");
  EXPECT_EQ(as_root({"start", "sleeper"}).status, 0);
  EXPECT_EQ(as_root({"is-active", "sleeper"}).output, "active\n");
  EXPECT_EQ(as_root({"restart", "sleeper"}).status, 0);
  EXPECT_EQ(as_root({"try-restart", "sleeper"}).status, 0);
  EXPECT_EQ(as_root({"try-restart", "once"}).status, 0);  // inactive: nothing to do, done
  EXPECT_EQ(as_root({"is-active", "once"}).output, "inactive\n");
  EXPECT_EQ(as_root({"start", "once"}).status, 0);  // a oneshot's start waits for it to finish

  auto failed = as_root({"start", "fails"});
  EXPECT_EQ(failed.status, 1) << failed.output;
  EXPECT_TRUE(contains(failed.output, "Job for fails.service failed because the control process exited with error code."))
      << failed.output;
  EXPECT_EQ(as_root({"is-failed", "fails"}).output, "failed\n");

  auto unknown = as_root({"start", "nosuch"});
  EXPECT_EQ(unknown.status, 5) << unknown.output;
  EXPECT_TRUE(contains(unknown.output, "Unit nosuch.service not found.")) << unknown.output;

  EXPECT_EQ(as_root({"kill", "sleeper"}).status, 0);
  auto reload = as_root({"daemon-reload"});
  EXPECT_EQ(reload.status, 0) << reload.output;
  auto jobs = as_root({"list-jobs"});
  EXPECT_EQ(jobs.status, 0) << jobs.output;
  EXPECT_TRUE(contains(jobs.output, "No jobs running.")) << jobs.output;
}

// daemon-reload returns once the reload is done (systemd's method_reload()
// answers after manager_reload()), generators included: a unit a
// generator writes on reload can be started right after it. The
// generator is slow on purpose, so an answer sent before it ran would
// find no such unit. The machine's own unit and generator directories are
// hidden under tmpfs (this test runs in its own mount namespace).
TEST_F(SystemctlSystemTest, DaemonReloadAnswersOnceTheGeneratorsRan) {
  for (const char* dir : {"/etc/systemd/system", "/usr/local/lib/systemd/system", "/lib/systemd/system",
                          "/usr/lib/systemd/system", "/etc/systemd/system-generators",
                          "/usr/local/lib/systemd/system-generators", "/lib/systemd/system-generators",
                          "/usr/lib/systemd/system-generators"})
    if (std::filesystem::is_directory(dir)) {
      ASSERT_EQ(mount("tmpfs", dir, "tmpfs", 0, "mode=0755"), 0) << dir;
    }
  ASSERT_EQ(mkdir("/run/systemd/system-generators", 0755), 0);
  const std::string generator = "/run/systemd/system-generators/late-unit";
  {
    std::ofstream out(generator);
    // The first run (at start) writes nothing; the next, after a pause, a unit.
    out << R"(#!/bin/sh
[ -e /run/systemd/late-unit-ran ] || { : >/run/systemd/late-unit-ran; exit 0; }
sleep 0.5
printf '[Service]\nExecStart=/bin/sleep infinity\n' >"$1/generated.service"
)";
  }
  ASSERT_EQ(chmod(generator.c_str(), 0755), 0);
  StackFiles files;
  files.systemd_paths = true;
  files.vermiliond_options = {"--systemd-compat"};
  files.also_wait_for = "org.freedesktop.systemd1";
  stack_ = std::make_unique<BridgeStack>(files, BusFlavour::system);
  ASSERT_TRUE(stack_->ok()) << stack_->error();
  EXPECT_EQ(as_root({"start", "generated"}).status, 5) << "no such unit before the reload";

  auto reload = as_root({"daemon-reload"});
  EXPECT_EQ(reload.status, 0) << reload.output;
  auto started = as_root({"start", "generated"});
  EXPECT_EQ(started.status, 0) << started.output << stack_->log();
  EXPECT_EQ(as_root({"is-active", "generated"}).output, "active\n");
}

// RefuseManualStart= through systemctl: refused with systemd's error
// (OnlyByDependency) and words, from the bridge's mirror; vermiliond
// refuses the same request on the link.
TEST_F(SystemctlSystemTest, RefuseManualStartIsSystemdsError) {
  start({{"nostart.service", "[Unit]\nRefuseManualStart=yes\n[Service]\nExecStart=/bin/sleep infinity\n"}});
  auto refused = as_root({"start", "nostart"});
  EXPECT_NE(refused.status, 0);
  EXPECT_TRUE(contains(refused.output,
                       "Failed to start nostart.service: Operation refused, unit nostart.service may be requested by "
                       "dependency only (it is configured to refuse manual start/stop)."))
      << refused.output;
  EXPECT_EQ(as_root({"show", "-p", "RefuseManualStart", "--value", "nostart"}).output, "yes\n");
  EXPECT_EQ(as_root({"is-active", "nostart"}).output, "inactive\n");
}

// DevicePolicy=, DeviceAllow=, IPAddressAllow=, IPAddressDeny= as systemctl
// shows them (device values as systemd 252 shows them:
// tests/conformance/cases/device-policy; systemd's own order of addresses
// is its hash set's, ours is sorted).
TEST_F(SystemctlSystemTest, ShowTellsTheDeviceFilter) {
  start({{"devices.service", "[Service]\nExecStart=/bin/sleep infinity\nPrivateDevices=yes\nProtectClock=yes\n"
                             "DeviceAllow=/dev/kmsg r\nDeviceAllow=block-loop\n"},
         {"plain.service", "[Service]\nExecStart=/bin/sleep infinity\n"},
         {"walled.service", "[Service]\nExecStart=/bin/sleep infinity\nIPAddressDeny=any\n"
                            "IPAddressAllow=localhost 10.1.2.3/8\n"}});
  EXPECT_EQ(as_root({"show", "-p", "IPAddressAllow,IPAddressDeny", "walled"}).output,
            "IPAddressAllow=10.0.0.0/8 127.0.0.0/8 ::1/128\nIPAddressDeny=0.0.0.0/0 ::/0\n");
  EXPECT_EQ(as_root({"show", "-p", "DevicePolicy", "--value", "devices"}).output, "closed\n");
  EXPECT_EQ(as_root({"show", "-p", "DeviceAllow", "--value", "devices"}).output,
            "char-rtc r\nblock-loop rwm\n/dev/kmsg r\n");
  EXPECT_EQ(as_root({"show", "-p", "DevicePolicy,DeviceAllow,IPAddressDeny", "plain"}).output,
            "DevicePolicy=auto\nIPAddressDeny=\n")
      << "an empty a(ss) is left out without --all, an empty a(iayu) not: systemctl's own way";
}

// FileDescriptorStoreMax= and how many fds the store holds (the store
// itself: tests/conformance/cases/fd-store).
TEST_F(SystemctlSystemTest, ShowTellsTheFdStore) {
  start({{"stores.service", "[Service]\nExecStart=/bin/sleep infinity\nFileDescriptorStoreMax=4\n"}});
  EXPECT_EQ(as_root({"show", "-p", "FileDescriptorStoreMax,NFileDescriptorStore,NotifyAccess", "stores"}).output,
            "NotifyAccess=main\nFileDescriptorStoreMax=4\nNFileDescriptorStore=0\n");
}

// Documentation= as systemctl status shows it ("Docs:", one URI a line).
TEST_F(SystemctlSystemTest, StatusShowsTheDocumentation) {
  start({{"documented.service",
          "[Unit]\nDocumentation=man:documented(8) https://example.org/doc\n"
          "[Service]\nExecStart=/bin/sleep infinity\n"}});
  EXPECT_EQ(as_root({"start", "documented"}).status, 0);
  auto status = as_root({"status", "documented"});
  EXPECT_EQ(status.status, 0) << status.output;
  EXPECT_TRUE(contains(status.output, "Docs: man:documented(8)\n")) << status.output;
  EXPECT_TRUE(contains(status.output, "      https://example.org/doc\n")) << status.output;
}

// The command lists (Service.ExecStartPre, ExecStart, ...): systemctl
// status prints a "Process:" line for each command that ended, systemctl
// show each command with its last run (the format is systemctl's own; the
// values are checked against systemd 252 in tests/conformance/cases/
// exec-command-status).
TEST_F(SystemctlSystemTest, StatusAndShowTellEachCommandsLastRun) {
  start({{"steps.service", "[Service]\nExecStartPre=/bin/true first\nExecStartPre=-/bin/false\n"
                           "ExecStart=/bin/sleep infinity\n"},
         {"dies.service", "[Service]\nType=oneshot\nExecStart=/bin/sh -c 'kill -9 $$$$'\nExecStopPost=/bin/true\n"}});
  auto before = as_root({"show", "-p", "ExecStart", "--value", "steps"});
  EXPECT_EQ(before.output,
            "{ path=/bin/sleep ; argv[]=/bin/sleep infinity ; ignore_errors=no ; start_time=[n/a] ; "
            "stop_time=[n/a] ; pid=0 ; code=(null) ; status=0/0 }\n");
  ASSERT_EQ(as_root({"start", "steps"}).status, 0);
  auto status = as_root({"status", "steps"});
  EXPECT_EQ(status.status, 0) << status.output;
  EXPECT_TRUE(std::regex_search(status.output,
                                std::regex("\n +Process: [0-9]+ ExecStartPre=/bin/true first \\(code=exited, "
                                           "status=0/SUCCESS\\)\n")))
      << status.output;
  EXPECT_TRUE(std::regex_search(
      status.output, std::regex("\n +Process: [0-9]+ ExecStartPre=/bin/false \\(code=exited, status=1/FAILURE\\)\n")))
      << status.output;
  EXPECT_FALSE(contains(status.output, "ExecStart=/bin/sleep")) << "the main process runs: no Process: line";
  auto pre = as_root({"show", "-p", "ExecStartPreEx", "--value", "steps"});
  EXPECT_TRUE(std::regex_match(
      pre.output, std::regex("\\{ path=/bin/true ; argv\\[\\]=/bin/true first ; flags= ; start_time=\\[[A-Z][^\\]]+\\] ; "
                             "stop_time=\\[[A-Z][^\\]]+\\] ; pid=[1-9][0-9]* ; code=exited ; status=0 \\}\n"
                             "\\{ path=/bin/false ; argv\\[\\]=/bin/false ; flags=ignore-failure ; .* ; "
                             "code=exited ; status=1 \\}\n")))
      << pre.output;
  // A oneshot that dies of SIGKILL: the start job fails once ExecStopPost= ran.
  // argv is as written, "$$" escapes included, as systemd shows it.
  EXPECT_NE(as_root({"start", "dies"}).status, 0);
  auto failed = as_root({"status", "dies"});
  EXPECT_TRUE(std::regex_search(
      failed.output, std::regex("\n +Process: [0-9]+ ExecStart=/bin/sh -c kill -9 \\$\\$\\$\\$ \\(code=killed, signal=KILL\\)\n")))
      << failed.output;
  EXPECT_TRUE(std::regex_search(failed.output,
                                std::regex("\n +Process: [0-9]+ ExecStopPost=/bin/true \\(code=exited, "
                                           "status=0/SUCCESS\\)\n")))
      << failed.output;
}

// A start skipped by a condition: systemctl status names the condition that
// was not met, in systemd's order (the last assignment is tested first,
// and the test stops at the first that fails: test-condition.c,
// load-fragment.c). Conditions carries each one's state.
TEST_F(SystemctlSystemTest, StatusNamesTheConditionThatWasNotMet) {
  start({{"cond.service", "[Unit]\nConditionPathExists=|/\nConditionPathExists=/nonexistent-vermilion\n"
                          "ConditionPathExists=!/etc\n[Service]\nExecStart=/bin/sleep infinity\n"}});
  EXPECT_EQ(as_root({"show", "-p", "ConditionResult,ConditionTimestamp", "cond"}).output,
            "ConditionResult=no\nConditionTimestamp=\n");
  EXPECT_EQ(as_root({"start", "cond"}).status, 0) << "a condition that fails is no error";
  auto status = as_root({"status", "cond"});
  EXPECT_EQ(status.status, 3) << status.output;
  EXPECT_TRUE(contains(status.output, "Condition: start condition failed at ")) << status.output;
  EXPECT_TRUE(contains(status.output, "ConditionPathExists=!/etc was not met")) << status.output;
  EXPECT_FALSE(contains(status.output, "nonexistent-vermilion")) << "never tested: " << status.output;
  auto conditions = run_command({"/usr/bin/busctl", stack_->address_option(), "get-property", "org.freedesktop.systemd1",
                                 "/org/freedesktop/systemd1/unit/cond_2eservice", "org.freedesktop.systemd1.Unit",
                                 "Conditions"});
  EXPECT_EQ(conditions.output,
            "a(sbbsi) 3 \"ConditionPathExists\" false true \"/etc\" -1 \"ConditionPathExists\" false false "
            "\"/nonexistent-vermilion\" 0 \"ConditionPathExists\" true false \"/\" 0\n");
}

// An assert that fails fails the job with result "assert", which systemctl
// names; status shows it, and Asserts carries each one's outcome.
TEST_F(SystemctlSystemTest, AFailedAssertIsSystemctlsAssertionFailed) {
  start({{"asserted.service", "[Unit]\nAssertPathExists=/nonexistent-vermilion\nAssertPathIsDirectory=/\n"
                              "[Service]\nExecStart=/bin/sleep infinity\n"}});
  auto started = as_root({"start", "asserted"});
  EXPECT_EQ(started.status, 1);
  EXPECT_TRUE(contains(started.output, "Assertion failed on job for asserted.service.")) << started.output;
  auto status = as_root({"status", "asserted"});
  EXPECT_TRUE(contains(status.output, "Assert: start assertion failed at ")) << status.output;
  EXPECT_TRUE(contains(status.output, "AssertPathExists=/nonexistent-vermilion was not met")) << status.output;
  auto asserts = run_command({"/usr/bin/busctl", stack_->address_option(), "get-property", "org.freedesktop.systemd1",
                              "/org/freedesktop/systemd1/unit/asserted_2eservice", "org.freedesktop.systemd1.Unit",
                              "Asserts"});
  EXPECT_EQ(asserts.output,
            "a(sbbsi) 2 \"AssertPathIsDirectory\" false false \"/\" 1 \"AssertPathExists\" false false "
            "\"/nonexistent-vermilion\" -1\n");
}

// systemd reads a service's counters from its cgroup when asked:
// MemoryCurrent (memory.current), TasksCurrent (pids.current) where those
// controllers are enabled, and CPUUsageNSec (cpu.stat), which outlives the
// cgroup until the next start. systemctl status prints "CPU:", "Memory:"
// and "Tasks:" for the ones that are set, show "[not set]" for the others.
TEST_F(SystemctlSystemTest, StatusAndShowReadTheCountersFromTheCgroup) {
  CgroupLocation cgroups;
  if (discover_cgroup(cgroups) < 0 || !cgroups.writable) GTEST_SKIP() << "no writable cgroup v2: no counters";
  start({{"busy.service", "[Service]\nExecStart=/bin/sh -c 'i=0; while [ $$i -lt 20000 ]; do i=$$((i+1)); done; "
                          "exec /bin/sleep infinity'\n"}});
  ASSERT_EQ(as_root({"start", "busy"}).status, 0);
  const std::string cgroup = as_root({"show", "-p", "ControlGroup", "--value", "busy"}).output;
  ASSERT_TRUE(cgroup.starts_with("/") && cgroup.ends_with("/busy.service\n")) << cgroup;
  const std::string directory = cgroups.mount_point + cgroup.substr(0, cgroup.size() - 1);
  const bool memory = std::filesystem::exists(directory + "/memory.current");
  const bool pids = std::filesystem::exists(directory + "/pids.current");
  const std::regex number("[1-9][0-9]*\n");

  auto cpu = as_root({"show", "-p", "CPUUsageNSec", "--value", "busy"});
  EXPECT_TRUE(std::regex_match(cpu.output, number)) << cpu.output;
  auto memory_current = as_root({"show", "-p", "MemoryCurrent", "--value", "busy"});
  EXPECT_TRUE(memory ? std::regex_match(memory_current.output, number) : memory_current.output == "[not set]\n")
      << memory_current.output;
  auto tasks = as_root({"show", "-p", "TasksCurrent", "--value", "busy"});
  EXPECT_EQ(tasks.output, pids ? "1\n" : "[not set]\n");
  auto status = as_root({"status", "busy"});
  EXPECT_TRUE(std::regex_search(status.output, std::regex("\n +CPU: [0-9][^\n]*\n"))) << status.output;
  // GetAll("") in sd-bus's order, the Service interface first (systemd's
  // `systemctl show` begins with Type=), then the Unit's.
  auto show = as_root({"show", "busy"});
  EXPECT_TRUE(show.output.starts_with("Type=simple\nRestart=no\n")) << show.output.substr(0, 200);
  EXPECT_LT(show.output.find("\nCPUUsageNSec="), show.output.find("\nId=busy.service\n"));
  EXPECT_EQ(contains(status.output, "\n     Memory: "), memory) << status.output;
  EXPECT_EQ(contains(status.output, "\n      Tasks: 1"), pids) << status.output;
  // Properties.Get of one counter waits for vermiliond as GetAll does.
  auto get = run_command({"/usr/bin/busctl", stack_->address_option(), "get-property", "org.freedesktop.systemd1",
                          "/org/freedesktop/systemd1/unit/busy_2eservice", "org.freedesktop.systemd1.Service",
                          "CPUUsageNSec"});
  EXPECT_TRUE(std::regex_match(get.output, std::regex("t [1-9][0-9]*\n"))) << get.output;

  ASSERT_EQ(as_root({"stop", "busy"}).status, 0);
  // In systemd's introspection order, as GetAll answers.
  auto kept = as_root({"show", "-p", "CPUUsageNSec,MemoryCurrent,TasksCurrent", "busy"});
  EXPECT_TRUE(std::regex_match(kept.output, std::regex("MemoryCurrent=\\[not set\\]\nCPUUsageNSec=[1-9][0-9]*\n"
                                                        "TasksCurrent=\\[not set\\]\n")))
      << kept.output;
  EXPECT_TRUE(contains(as_root({"status", "busy"}).output, "\n        CPU: ")) << "kept after the stop";
}

// A process's state letter from /proc/PID/stat ('T' stopped), '?' if gone.
char process_state(const std::string& pid) {
  std::ifstream stat("/proc/" + pid + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  auto close = text.rfind(')');
  return close == std::string::npos || close + 2 >= text.size() ? '?' : text[close + 2];
}

bool wait_for_state(const std::string& pid, char state) {
  for (int i = 0; i < 500; ++i) {
    if (process_state(pid) == state) return true;
    usleep(10'000);
  }
  return false;
}

// systemctl kill --kill-whom= as systemd 252's unit_kill_common(): main or
// control signals that one process ("No main process to kill" without
// one), all every process and is content with none, the -fail forms want one.
TEST_F(SystemctlSystemTest, KillWhomNamesTheProcess) {
  start({{"forks.service", "[Service]\nExecStart=/bin/sh -c '/bin/sleep 1001 & exec /bin/sleep 1002'\n"},
         {"done.service", "[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n"}});
  ASSERT_EQ(as_root({"start", "forks", "done"}).status, 0);
  const std::string main_pid = as_root({"show", "-p", "MainPID", "--value", "forks"}).output;
  const std::string main = main_pid.substr(0, main_pid.find('\n'));
  std::string helper;
  for (int i = 0; i < 100 && helper.empty(); ++i) {
    std::ifstream children("/proc/" + main + "/task/" + main + "/children");
    children >> helper;
    if (helper.empty()) usleep(20'000);
  }
  ASSERT_FALSE(helper.empty());
  EXPECT_EQ(as_root({"kill", "--kill-whom=main", "-s", "SIGSTOP", "forks"}).status, 0);
  EXPECT_TRUE(wait_for_state(main, 'T'));
  EXPECT_NE(process_state(helper), 'T') << "only the main process";
  EXPECT_EQ(as_root({"kill", "-s", "SIGSTOP", "forks"}).status, 0);
  EXPECT_TRUE(wait_for_state(helper, 'T')) << "all: every process";
  EXPECT_EQ(as_root({"kill", "-s", "SIGCONT", "forks"}).status, 0);
  EXPECT_TRUE(wait_for_state(main, 'S'));
  auto control = as_root({"kill", "--kill-whom=control", "forks"});
  EXPECT_EQ(control.status, 1) << control.output;
  EXPECT_TRUE(contains(control.output, "Failed to kill unit forks.service: No control process to kill")) << control.output;
  // done.service is active with no process left.
  EXPECT_EQ(as_root({"kill", "done"}).status, 0) << "all is content with none";
  auto main_none = as_root({"kill", "--kill-whom=main", "done"});
  EXPECT_TRUE(contains(main_none.output, "No main process to kill")) << main_none.output;
  auto all_fail = as_root({"kill", "--kill-whom=all-fail", "done"});
  EXPECT_EQ(all_fail.status, 1) << all_fail.output;
  EXPECT_TRUE(contains(all_fail.output, "No matching processes to kill")) << all_fail.output;
  EXPECT_EQ(as_root({"is-active", "forks"}).output, "active\n");
}

// JobRunningTimeoutSec=: the start job ends with result timeout, which
// systemctl words as systemd's; the unit goes on starting.
TEST_F(SystemctlSystemTest, AJobThatTimesOutSaysSo) {
  start({{"slow.service", "[Unit]\nJobRunningTimeoutSec=300ms\n[Service]\nType=oneshot\nRemainAfterExit=yes\n"
                          "ExecStart=/bin/sleep 1\n"}});
  auto started = as_root({"start", "slow"});
  EXPECT_EQ(started.status, 1) << started.output;
  EXPECT_TRUE(contains(started.output, "Job for slow.service timed out.")) << started.output;
  EXPECT_EQ(as_root({"show", "-p", "JobRunningTimeoutUSec,JobTimeoutUSec", "slow"}).output,
            "JobTimeoutUSec=infinity\nJobRunningTimeoutUSec=300ms\n");
}

// NeedDaemonReload: vermiliond watches the unit directories; a unit file or
// drop-in changed on disk makes systemctl warn until a daemon-reload.
TEST_F(SystemctlSystemTest, AUnitFileChangedOnDiskAsksForADaemonReload) {
  start({{"edited.service", "[Service]\nExecStart=/bin/sleep infinity\n"}, kSleeperUnit});
  const std::string units = stack_->dir().file("units");
  auto need = [&](const char* unit) {
    return as_root({"show", "-p", "NeedDaemonReload", "--value", unit}).output;
  };
  // Waits for the watch (it settles for 100 ms after a change) to tell.
  // Polled: NeedDaemonReload emits no PropertiesChanged, in systemd as here
  // (service.busctl), so a client can only ask again.
  auto wait_need = [&](const char* unit, const std::string& want) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (need(unit) != want && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return need(unit);
  };
  EXPECT_EQ(need("edited"), "no\n");
  ASSERT_EQ(as_root({"start", "edited"}).status, 0);
  {
    std::ofstream(units + "/edited.service") << "[Service]\nExecStart=/bin/sleep 1000\n";
  }
  EXPECT_EQ(wait_need("edited", "yes\n"), "yes\n");
  EXPECT_EQ(need("sleeper"), "no\n") << "another unit's file did not change";
  auto status = as_root({"status", "edited"});
  EXPECT_TRUE(contains(status.output, "Warning: The unit file, source configuration file or drop-ins of "
                                      "edited.service changed on disk. Run 'systemctl daemon-reload' to reload units."))
      << status.output;
  ASSERT_EQ(as_root({"daemon-reload"}).status, 0);
  EXPECT_EQ(need("edited"), "no\n") << "the reload loaded what is on disk";

  // A drop-in directory made after the start is watched too.
  std::filesystem::create_directories(units + "/sleeper.service.d");
  {
    std::ofstream(units + "/sleeper.service.d/10-more.conf") << "[Service]\nEnvironment=MORE=1\n";
  }
  EXPECT_EQ(wait_need("sleeper", "yes\n"), "yes\n");
  ASSERT_EQ(as_root({"daemon-reload"}).status, 0);
  EXPECT_EQ(need("sleeper"), "no\n");
}

// The manager's environment (what every service starts with) and its unit
// search path, as systemd's Manager.Environment and UnitPath.
TEST_F(SystemctlSystemTest, ShowEnvironmentAndTheUnitPath) {
  start({kSleeperUnit});
  auto environment = as_root({"show-environment"});
  EXPECT_EQ(environment.status, 0) << environment.output;
  EXPECT_TRUE(contains(environment.output, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n"))
      << environment.output;
  auto path = as_root({"show", "-p", "UnitPath", "--value"});
  EXPECT_TRUE(contains(path.output, stack_->dir().file("units"))) << path.output;
}

TEST_F(SystemctlSystemTest, AnUnprivilegedCallerReadsButMayNotAct) {
  start({kSleeperUnit});
  auto status = as_nobody({"status", "sleeper"});
  EXPECT_EQ(status.status, 0) << status.output;
  EXPECT_TRUE(contains(status.output, "Active: active (running)")) << status.output;
  auto list = as_nobody({"list-units"});
  EXPECT_TRUE(contains(list.output, "sleeper.service")) << list.output;

  auto stop = as_nobody({"stop", "sleeper"});
  EXPECT_EQ(stop.status, 4) << stop.output;
  // systemctl prints every AccessDenied as this (bus_error_message()).
  EXPECT_TRUE(contains(stop.output, "Failed to stop sleeper.service: Access denied")) << stop.output;
  EXPECT_EQ(as_root({"is-active", "sleeper"}).output, "active\n");
  auto reload = as_nobody({"daemon-reload"});
  EXPECT_EQ(reload.status, 1) << reload.output;  // systemctl's daemon-reload exits 1 on any error
  EXPECT_TRUE(contains(reload.output, "Reload daemon failed: Access denied")) << reload.output;
}

// Targets are started and stopped as systemd does it: `systemctl start
// app.target` pulls in what it Wants=, a stop of the target leaves them
// (Wants= does not propagate a stop), and status shows it. Everyone reads,
// only root acts: the shipped policy's *.target grant and [Bus] rules.
TEST_F(SystemctlSystemTest, TargetsStartStopAndStatusAsSystemds) {
  start({{"app.target", "[Unit]\nDescription=The app\nWants=app-web.service\n"},
         {"app-web.service", "[Service]\nExecStart=/bin/sleep infinity\n"}});
  auto denied = as_nobody({"start", "app.target"});
  EXPECT_EQ(denied.status, 4) << denied.output;
  EXPECT_TRUE(contains(denied.output, "Failed to start app.target: Access denied")) << denied.output;

  auto started = as_root({"start", "app.target"});
  EXPECT_EQ(started.status, 0) << started.output;
  EXPECT_EQ(as_root({"is-active", "app.target", "app-web.service"}).output, "active\nactive\n");
  auto status = as_nobody({"status", "app.target"});
  EXPECT_EQ(status.status, 0) << status.output;
  EXPECT_TRUE(contains(status.output, "app.target - The app")) << status.output;
  EXPECT_TRUE(contains(status.output, "Active: active since")) << status.output;
  auto list = as_root({"list-units", "--type=target"});
  EXPECT_TRUE(contains(list.output, "app.target")) << list.output;

  auto stopped = as_root({"stop", "app.target"});
  EXPECT_EQ(stopped.status, 0) << stopped.output;
  EXPECT_EQ(as_root({"is-active", "app.target", "app-web.service"}).output, "inactive\nactive\n");
}

// systemctl isolate (StartUnit with mode "isolate"): the target starts,
// what it does not pull in stops, units with IgnoreOnIsolate= and the
// bridge itself stay; without AllowIsolate= systemd's refusal; only a
// caller with the manager's `isolate` right (root in the shipped policy).
TEST_F(SystemctlSystemTest, IsolateAsSystemctlDoesIt) {
  start({{"iso.target", "[Unit]\nAllowIsolate=yes\nWants=kept.service\n"},
         {"plain.target", "[Unit]\nWants=kept.service\n"},
         {"kept.service", "[Service]\nExecStart=/bin/sleep infinity\n"},
         {"other.service", "[Service]\nExecStart=/bin/sleep infinity\n"},
         {"ignored.service", "[Unit]\nIgnoreOnIsolate=yes\n[Service]\nExecStart=/bin/sleep infinity\n"}});
  ASSERT_EQ(as_root({"start", "other", "ignored"}).status, 0);
  auto refused = as_root({"isolate", "plain.target"});
  EXPECT_EQ(refused.status, 4) << refused.output;  // systemctl's own mapping of NoIsolation
  EXPECT_TRUE(contains(refused.output, "Failed to start plain.target: Operation refused, unit may not be isolated."))
      << refused.output;
  auto denied = as_nobody({"isolate", "iso.target"});
  EXPECT_EQ(denied.status, 4) << denied.output;
  EXPECT_EQ(as_root({"is-active", "other"}).output, "active\n");

  auto isolated = as_root({"isolate", "iso.target"});
  EXPECT_EQ(isolated.status, 0) << isolated.output;
  EXPECT_EQ(as_root({"is-active", "iso.target", "kept", "ignored", "vermilion-bridge"}).output,
            "active\nactive\nactive\nactive\n");
  auto other = as_root({"is-active", "other"});
  EXPECT_TRUE(other.output == "inactive\n" || other.output == "deactivating\n") << other.output;
  auto show = as_root({"show", "-p", "AllowIsolate", "-p", "IgnoreOnIsolate", "iso.target", "ignored"});
  EXPECT_TRUE(contains(show.output, "AllowIsolate=yes\nIgnoreOnIsolate=no")) << show.output;
  EXPECT_TRUE(contains(show.output, "AllowIsolate=no\nIgnoreOnIsolate=yes")) << show.output;

  // systemd refuses an isolate before it looks at the unit's load state.
  auto unknown = as_root({"isolate", "nosuch.target"});
  EXPECT_TRUE(contains(unknown.output, "Operation refused, unit may not be isolated.")) << unknown.output;
  // The built-in main target may be isolated, as systemd's own file says.
  auto back = as_root({"isolate", "multi-user.target"});
  EXPECT_EQ(back.status, 0) << back.output;
  EXPECT_EQ(as_root({"is-active", "multi-user.target", "iso.target", "vermilion-bridge"}).output,
            "active\ninactive\nactive\n");
}

// Enablement through org.freedesktop.systemd1: systemctl asks vermiliond
// (through the bridge's manager capability), then daemon-reloads; states,
// messages and exit codes are systemctl's against systemd.
TEST_F(SystemctlSystemTest, EnablementAsSystemctlDoesIt) {
  start({kSleeperUnit, kFailsUnit, kReloadsUnit}, true);
  const std::string units = stack_->dir().file("units");
  const std::string vendor = vendor_.path();

  auto files = as_root({"list-unit-files"});
  EXPECT_EQ(files.status, 0) << files.output;
  EXPECT_TRUE(contains(files.output, "sleeper.service")) << files.output;
  EXPECT_TRUE(contains(files.output, "3 unit files listed.")) << files.output;
  auto by_state = as_root({"list-unit-files", "--state=static"});
  EXPECT_TRUE(contains(by_state.output, "fails.service")) << by_state.output;
  EXPECT_FALSE(contains(by_state.output, "sleeper.service")) << by_state.output;
  auto by_pattern = as_root({"list-unit-files", "sleep*"});
  EXPECT_TRUE(contains(by_pattern.output, "1 unit files listed.")) << by_pattern.output;

  auto disabled = as_root({"is-enabled", "sleeper"});
  EXPECT_EQ(disabled.status, 1) << disabled.output;
  EXPECT_EQ(disabled.output, "disabled\n");
  auto is_static = as_root({"is-enabled", "fails"});
  EXPECT_EQ(is_static.status, 0) << is_static.output;  // static counts as enabled
  EXPECT_EQ(is_static.output, "static\n");
  auto nosuch = as_root({"is-enabled", "nosuch"});
  EXPECT_EQ(nosuch.status, 1) << nosuch.output;
  EXPECT_TRUE(contains(nosuch.output, "Failed to get unit file state for nosuch.service: No such file or directory"))
      << nosuch.output;

  EXPECT_EQ(as_root({"is-active", "sleeper"}).output, "inactive\n") << "not enabled, so not started at boot";
  UnitFilesChangedCounter signals(stack_->bus().address());
  auto enable = as_root({"enable", "--now", "sleeper"});
  EXPECT_TRUE(signals.wait_for("org.freedesktop.systemd1.Manager", 1)) << "systemd's UnitFilesChanged";
  EXPECT_TRUE(signals.wait_for("org.vermilion1.Manager", 1)) << "and org.vermilion1's";
  EXPECT_EQ(enable.status, 0) << enable.output;
  EXPECT_TRUE(contains(enable.output, "Created symlink " + units + "/default.target.wants/sleeper.service → " +
                                          vendor + "/sleeper.service."))
      << enable.output;
  EXPECT_TRUE(std::filesystem::is_symlink(units + "/default.target.wants/sleeper.service"));
  EXPECT_EQ(as_root({"is-enabled", "sleeper"}).output, "enabled\n");
  // --force (which SystemdGenie always passes) with nothing in the way is a
  // plain enable: the link is already there, nothing changes.
  auto forced = as_root({"enable", "--force", "sleeper"});
  EXPECT_EQ(forced.status, 0) << forced.output;
  EXPECT_FALSE(contains(forced.output, "Created symlink")) << forced.output;
  auto status = as_root({"status", "sleeper"});
  EXPECT_EQ(status.status, 0) << status.output;
  EXPECT_TRUE(contains(status.output, "Loaded: loaded (" + vendor + "/sleeper.service; enabled")) << status.output;
  EXPECT_TRUE(contains(status.output, "Active: active (running) since ")) << status.output;
  EXPECT_TRUE(contains(status.output, " ago")) << status.output;
  auto static_enable = as_root({"enable", "fails"});
  EXPECT_EQ(static_enable.status, 0) << static_enable.output;
  EXPECT_TRUE(contains(static_enable.output, "The unit files have no installation config")) << static_enable.output;

  auto disable = as_root({"disable", "sleeper"});
  EXPECT_EQ(disable.status, 0) << disable.output;
  EXPECT_TRUE(contains(disable.output, "Removed")) << disable.output;
  EXPECT_EQ(as_root({"is-enabled", "sleeper"}).output, "disabled\n");
  EXPECT_EQ(as_root({"reenable", "sleeper"}).status, 0);
  EXPECT_EQ(as_root({"is-enabled", "sleeper"}).output, "enabled\n");
  auto missing = as_root({"enable", "nosuch"});
  EXPECT_EQ(missing.status, 1) << missing.output;
  EXPECT_TRUE(contains(missing.output, "Failed to enable unit: Unit file nosuch.service does not exist."))
      << missing.output;

  // mask --now: the link to /dev/null, then a stop.
  auto mask = as_root({"mask", "--now", "sleeper"});
  EXPECT_EQ(mask.status, 0) << mask.output;
  EXPECT_TRUE(contains(mask.output, "Created symlink " + units + "/sleeper.service → /dev/null")) << mask.output;
  auto masked = as_root({"is-enabled", "sleeper"});
  EXPECT_EQ(masked.output, "masked\n");
  EXPECT_EQ(masked.status, 1);
  EXPECT_EQ(as_root({"is-active", "sleeper"}).output, "inactive\n");
  auto enable_masked = as_root({"enable", "sleeper"});
  EXPECT_EQ(enable_masked.status, 1) << enable_masked.output;
  EXPECT_TRUE(contains(enable_masked.output, "masked")) << enable_masked.output;
  EXPECT_EQ(as_root({"unmask", "sleeper"}).status, 0);
  EXPECT_EQ(as_root({"is-enabled", "sleeper"}).output, "enabled\n");
  auto disable_now = as_root({"disable", "--now", "reloads"});
  EXPECT_EQ(disable_now.status, 0) << disable_now.output;
  EXPECT_EQ(as_root({"is-active", "reloads"}).output, "inactive\n");
  auto enable_now = as_root({"enable", "--now", "reloads"});
  EXPECT_EQ(enable_now.status, 0) << enable_now.output;
  EXPECT_EQ(as_root({"is-active", "reloads"}).output, "active\n");
  EXPECT_EQ(as_root({"is-enabled", "reloads"}).output, "enabled\n");

  // Nobody may read, not change.
  auto denied = as_nobody({"disable", "reloads"});
  EXPECT_EQ(denied.status, 1) << denied.output;
  EXPECT_TRUE(contains(denied.output, "Access denied")) << denied.output;
  EXPECT_EQ(as_nobody({"is-enabled", "reloads"}).output, "enabled\n");
}

TEST_F(SystemctlSystemTest, ResetFailedIsFailedCatAndReloads) {
  std::pair<std::string, std::string> drop_in{kDropInUnit};
  start({kSleeperUnit, kFailsUnit, kReloadsUnit, drop_in});
  const std::string units = stack_->dir().file("units");

  EXPECT_EQ(as_root({"start", "fails"}).status, 1);
  auto failed = as_root({"is-failed", "fails"});
  EXPECT_EQ(failed.status, 0) << failed.output;
  EXPECT_EQ(failed.output, "failed\n");
  auto list = as_root({"list-units", "--failed"});
  EXPECT_TRUE(contains(list.output, "fails.service")) << list.output;
  auto reset = as_root({"reset-failed", "fails"});
  EXPECT_EQ(reset.status, 0) << reset.output;
  auto after = as_root({"is-failed", "fails"});
  EXPECT_EQ(after.status, 1) << after.output;
  EXPECT_EQ(after.output, "inactive\n");
  EXPECT_EQ(as_root({"start", "fails"}).status, 1);
  EXPECT_EQ(as_root({"reset-failed"}).status, 0);  // every unit
  EXPECT_EQ(as_root({"is-failed", "fails"}).output, "inactive\n");
  auto unknown = as_root({"reset-failed", "nosuch"});
  EXPECT_NE(unknown.status, 0) << unknown.output;
  EXPECT_TRUE(contains(unknown.output, "Unit nosuch.service not loaded.")) << unknown.output;
  EXPECT_EQ(as_root({"start", "fails"}).status, 1);
  auto denied = as_nobody({"reset-failed", "fails"});
  EXPECT_NE(denied.status, 0) << denied.output;
  EXPECT_TRUE(contains(denied.output, "Access denied")) << denied.output;
  EXPECT_EQ(as_root({"is-failed", "fails"}).output, "failed\n");

  // cat reads FragmentPath and DropInPaths itself.
  auto cat = as_root({"cat", "reloads"});
  EXPECT_EQ(cat.status, 0) << cat.output;
  EXPECT_TRUE(contains(cat.output, "# " + units + "/reloads.service\n")) << cat.output;
  EXPECT_TRUE(contains(cat.output, "ExecReload=/bin/true")) << cat.output;
  EXPECT_TRUE(contains(cat.output, "# " + units + "/reloads.service.d/10-after.conf\n")) << cat.output;
  auto status = as_root({"status", "reloads"});
  EXPECT_TRUE(contains(status.output, "Drop-In: " + units + "/reloads.service.d")) << status.output;
  auto show = as_root({"show", "-p", "After,CanReload,Type,Restart", "reloads"});
  // After= is the drop-in's and what DefaultDependencies= adds (system scope).
  for (const char* line : {"Type=simple\n", "Restart=no\n", "CanReload=yes\n",
                           "After=basic.target sleeper.service sysinit.target\n"})
    EXPECT_TRUE(contains(show.output, line)) << show.output;
  auto main = as_root({"show", "-p", "ExecMainPID,ExecMainStartTimestamp,FragmentPath,UnitFileState", "reloads"});
  EXPECT_TRUE(contains(main.output, "FragmentPath=" + units + "/reloads.service\n")) << main.output;
  EXPECT_TRUE(contains(main.output, "UnitFileState=enabled\n")) << main.output;
  EXPECT_FALSE(contains(main.output, "ExecMainPID=0\n")) << main.output;
  EXPECT_FALSE(contains(main.output, "ExecMainStartTimestamp=\n")) << main.output;
  // InvocationID: the $INVOCATION_ID of the running activation, as systemctl
  // prints systemd's (32 hex digits).
  auto invocation = as_root({"show", "-p", "InvocationID", "--value", "reloads"});
  EXPECT_EQ(invocation.status, 0) << invocation.output;
  EXPECT_EQ(invocation.output.size(), 33u) << invocation.output;
  EXPECT_EQ(invocation.output.find_first_not_of("0123456789abcdef\n"), std::string::npos) << invocation.output;
  // ... and GetUnitByInvocationID finds the unit by those 16 bytes.
  if (invocation.output.size() == 33) {
    std::vector<std::string> call{"/usr/bin/busctl", stack_->address_option(), "call", "org.freedesktop.systemd1",
                                  "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager",
                                  "GetUnitByInvocationID", "ay", "16"};
    for (std::size_t i = 0; i < 32; i += 2)
      call.push_back(std::to_string(std::stoi(invocation.output.substr(i, 2), nullptr, 16)));
    auto found = run_command(call);
    EXPECT_EQ(found.output, "o \"/org/freedesktop/systemd1/unit/reloads_2eservice\"\n") << found.output;
  }

  EXPECT_EQ(as_root({"reload", "reloads"}).status, 0);
  auto not_applicable = as_root({"reload", "sleeper"});
  EXPECT_EQ(not_applicable.status, 3) << not_applicable.output;  // JobTypeNotApplicable, as systemd
  EXPECT_TRUE(contains(not_applicable.output, "Job type reload is not applicable for unit sleeper.service."))
      << not_applicable.output;
  EXPECT_EQ(as_root({"reload-or-restart", "sleeper"}).status, 0);  // restarts what cannot reload
  EXPECT_EQ(as_root({"reload-or-restart", "reloads"}).status, 0);
  EXPECT_EQ(as_root({"try-reload-or-restart", "reloads"}).status, 0);
  EXPECT_EQ(as_root({"is-active", "sleeper", "reloads"}).output, "active\nactive\n");

  // The manager's own block: "Since:" is when vermiliond began to serve.
  auto system = as_root({"status"});
  EXPECT_TRUE(contains(system.output, "State: degraded")) << "fails.service failed: " << system.output;
  EXPECT_TRUE(contains(system.output, "Since: ")) << system.output;
  EXPECT_FALSE(contains(system.output, "Since: n/a")) << system.output;
}

// systemctl cancel: the job ends "canceled" for whoever waited, list-jobs
// has it no more, and what the unit was doing goes on (systemd's
// job_finish_and_invalidate()).
TEST_F(SystemctlSystemTest, CancelAJobThatWaits) {
  start({kSleeperUnit,
         {"waits.service", "[Service]\nType=notify\nExecStart=/bin/sleep infinity\nTimeoutStartSec=infinity\n"}});
  auto queued = as_root({"start", "--no-block", "waits"});
  EXPECT_EQ(queued.status, 0) << queued.output;
  auto jobs = as_root({"list-jobs"});
  EXPECT_TRUE(contains(jobs.output, "waits.service start")) << jobs.output;
  // The first column of the first row is the job's id.
  auto row = jobs.output.find('\n');
  ASSERT_NE(row, std::string::npos) << jobs.output;
  std::string id;
  for (std::size_t i = row + 1; i < jobs.output.size() && std::isdigit(static_cast<unsigned char>(jobs.output[i])); ++i)
    id += jobs.output[i];
  ASSERT_FALSE(id.empty()) << jobs.output;

  auto denied = as_nobody({"cancel", id});
  EXPECT_NE(denied.status, 0) << denied.output;
  EXPECT_TRUE(contains(denied.output, "Access denied")) << denied.output;
  auto cancel = as_root({"cancel", id});
  EXPECT_EQ(cancel.status, 0) << cancel.output;
  EXPECT_TRUE(contains(as_root({"list-jobs"}).output, "No jobs running."));
  EXPECT_EQ(as_root({"is-active", "waits"}).output, "activating\n") << "the start under way goes on";
  auto again = as_root({"cancel", id});
  EXPECT_NE(again.status, 0) << again.output;
  EXPECT_TRUE(contains(again.output, "Job " + id + " does not exist.")) << again.output;
  EXPECT_EQ(as_root({"stop", "waits"}).status, 0);
}

// systemctl --job-mode= reaches vermiliond's manager (Manager::enqueue()).
TEST_F(SystemctlSystemTest, JobModesReachTheManager) {
  start({kSleeperUnit,
         {"waits.service", "[Service]\nType=notify\nExecStart=/bin/sleep infinity\nTimeoutStartSec=infinity\n"},
         {"needs.service", "[Unit]\nRequires=needed.service\n[Service]\nExecStart=/bin/sleep infinity\n"},
         {"needed.service", "[Service]\nExecStart=/bin/sleep infinity\n"}});
  ASSERT_EQ(as_root({"start", "--no-block", "waits"}).status, 0);
  // `fail`: the stop would reverse the queued start: refused, as systemd
  // refuses it (the call's error; no job), with or without --no-block.
  for (bool no_block : {false, true}) {
    auto refused = no_block ? as_root({"stop", "--job-mode=fail", "--no-block", "waits"})
                            : as_root({"stop", "--job-mode=fail", "waits"});
    EXPECT_NE(refused.status, 0) << refused.output;
    EXPECT_TRUE(contains(refused.output,
                         "Failed to stop waits.service: Transaction for waits.service/stop is destructive "
                         "(waits.service has 'start' job queued, but 'stop' is included in transaction)."))
        << refused.output;
  }
  EXPECT_TRUE(contains(as_root({"list-jobs"}).output, "waits.service start"));
  EXPECT_EQ(as_root({"is-active", "waits"}).output, "activating\n");
  // `ignore-dependencies`: Requires= pulls nothing in.
  auto alone = as_root({"start", "--job-mode=ignore-dependencies", "needs"});
  EXPECT_EQ(alone.status, 0) << alone.output;
  EXPECT_EQ(as_root({"is-active", "needed"}).output, "inactive\n");
  // `flush`: every other queued job is canceled.
  EXPECT_EQ(as_root({"start", "--job-mode=flush", "sleeper"}).status, 0);
  EXPECT_TRUE(contains(as_root({"list-jobs"}).output, "No jobs running."));
  for (const char* unit : {"sleeper", "missing"}) {  // before the unit's load state is looked at
    auto triggering = as_root({"start", "--job-mode=triggering", unit});
    EXPECT_TRUE(contains(triggering.output, "--job-mode=triggering is only valid for stop.")) << triggering.output;
  }
  EXPECT_EQ(as_root({"stop", "--job-mode=triggering", "needs"}).status, 0);
  EXPECT_EQ(as_root({"stop", "waits"}).status, 0);
}

// systemctl show: how a unit is stopped and who may notify are its unit
// file's (and systemd's defaults where it says nothing).
TEST_F(SystemctlSystemTest, ShowsHowAUnitIsStopped) {
  start({kSleeperUnit,
         {"stops.service", "[Service]\nExecStart=/bin/sleep infinity\nKillMode=mixed\nKillSignal=SIGINT\n"
                           "FinalKillSignal=SIGQUIT\nSendSIGKILL=no\nNotifyAccess=all\n"}});
  auto own = as_root({"show", "-p", "KillMode,KillSignal,RestartKillSignal,FinalKillSignal,SendSIGKILL,NotifyAccess",
                      "stops"});
  for (const char* line : {"KillMode=mixed\n", "KillSignal=2\n", "RestartKillSignal=2\n", "FinalKillSignal=3\n",
                           "SendSIGKILL=no\n", "NotifyAccess=all\n"})
    EXPECT_TRUE(contains(own.output, line)) << line << " in " << own.output;
  auto defaults = as_root(
      {"show", "-p", "KillMode,KillSignal,RestartKillSignal,FinalKillSignal,SendSIGKILL,NotifyAccess", "sleeper"});
  for (const char* line : {"KillMode=control-group\n", "KillSignal=15\n", "RestartKillSignal=15\n",
                           "FinalKillSignal=9\n", "SendSIGKILL=yes\n", "NotifyAccess=none\n"})
    EXPECT_TRUE(contains(defaults.output, line)) << line << " in " << defaults.output;
  // The system manager's services get a session keyring of their own.
  EXPECT_EQ(as_root({"show", "-p", "KeyringMode", "--value", "sleeper"}).output, "private\n");
}

// The timeouts systemctl show prints, as in effect: the values systemd 252
// printed for the same units in the conformance recordings
// (tests/conformance/cases/watchdog-abort, type-defaults, runtime-max-sec).
TEST_F(SystemctlSystemTest, ShowsTheTimeoutsInEffect) {
  start({{"a.service", "[Service]\nWatchdogSec=1\nWatchdogSignal=SIGUSR1\nTimeoutStopSec=60\nTimeoutAbortSec=1\n"
                       "ExecStart=/bin/sleep infinity\n"},
         {"b.service", "[Service]\nTimeoutStopSec=7\nRestartSec=2\nRuntimeMaxSec=1h\n"
                       "RuntimeRandomizedExtraSec=1s\nExecStart=/bin/sleep infinity\n"},
         {"oneshot.service", "[Service]\nType=oneshot\nExecStart=/bin/true\n"}});
  const std::string timeouts = "TimeoutStartUSec,TimeoutStopUSec,TimeoutAbortUSec,RestartUSec,RuntimeMaxUSec,"
                               "RuntimeRandomizedExtraUSec,WatchdogUSec,WatchdogSignal";
  auto a = as_root({"show", "-p", timeouts, "a"});
  for (const char* line : {"TimeoutAbortUSec=1s\n", "TimeoutStopUSec=1min\n", "WatchdogSignal=10\n",
                           "WatchdogUSec=1s\n", "TimeoutStartUSec=1min 30s\n", "RestartUSec=100ms\n",
                           "RuntimeMaxUSec=infinity\n"})
    EXPECT_TRUE(contains(a.output, line)) << line << " in " << a.output;
  auto b = as_root({"show", "-p", timeouts, "b"});
  for (const char* line : {"TimeoutStopUSec=7s\n", "TimeoutAbortUSec=7s\n", "RestartUSec=2s\n",
                           "RuntimeMaxUSec=1h\n", "RuntimeRandomizedExtraUSec=1s\n", "WatchdogUSec=0\n",
                           "WatchdogSignal=6\n"})
    EXPECT_TRUE(contains(b.output, line)) << line << " in " << b.output;
  auto oneshot = as_root({"show", "-p", timeouts, "oneshot"});
  for (const char* line : {"TimeoutStartUSec=infinity\n", "TimeoutStopUSec=1min 30s\n"})
    EXPECT_TRUE(contains(oneshot.output, line)) << line << " in " << oneshot.output;
}

// systemctl get-default: what default.target links to, read when asked;
// systemd's errno reply without one. Anyone may ask.
TEST_F(SystemctlSystemTest, GetDefaultFollowsTheLink) {
  start({kSleeperUnit, {"multi-user.target", "[Unit]\nDescription=Multi-User System\n"}});
  auto none = as_root({"get-default"});
  EXPECT_EQ(none.status, 1) << none.output;
  EXPECT_EQ(none.output, "Failed to get default target: No such file or directory\n");
  const std::string units = stack_->dir().file("units");
  std::filesystem::create_symlink("multi-user.target", units + "/default.target");
  auto set = as_nobody({"get-default"});
  EXPECT_EQ(set.status, 0) << set.output;
  EXPECT_EQ(set.output, "multi-user.target\n");
}

// Presets (systemd.preset(5)) from vermiliond --preset-dir: systemctl
// status shows them as systemd 252 does ("; preset: enabled)"), systemctl
// preset applies them through PresetUnitFilesWithMode, preset-all too.
TEST_F(SystemctlSystemTest, PresetsAsSystemctlShowsAndAppliesThem) {
  TempDir presets;
  presets.write("50-test.preset", "# vendor policy\nenable sleeper.service\ndisable *\n");
  start({kSleeperUnit, kReloadsUnit, kFailsUnit}, true, {"--preset-dir", presets.path()});
  const std::string units = stack_->dir().file("units");
  const std::string vendor = vendor_.path();

  auto sleeper = as_root({"status", "sleeper"});
  EXPECT_TRUE(contains(sleeper.output, "Loaded: loaded (" + vendor + "/sleeper.service; disabled; preset: enabled)"))
      << sleeper.output;
  auto reloads = as_root({"status", "reloads"});
  EXPECT_TRUE(contains(reloads.output, "Loaded: loaded (" + vendor + "/reloads.service; disabled; preset: disabled)"))
      << reloads.output;
  EXPECT_EQ(as_root({"show", "-p", "UnitFilePreset", "--value", "fails"}).output, "disabled\n");
  EXPECT_EQ(as_root({"show", "-p", "UnitFilePreset", "--value", "nosuch.service"}).output, "\n")
      << "no file: systemd cannot tell";

  auto preset = as_root({"preset", "sleeper"});
  EXPECT_EQ(preset.status, 0) << preset.output;
  EXPECT_TRUE(contains(preset.output, "Created symlink " + units + "/default.target.wants/sleeper.service → " +
                                          vendor + "/sleeper.service."))
      << preset.output;
  EXPECT_EQ(as_root({"is-enabled", "sleeper"}).output, "enabled\n");
  // is-enabled --full lists the links, from GetUnitFileLinks (anyone may ask).
  auto full = as_nobody({"is-enabled", "--full", "sleeper"});
  EXPECT_EQ(full.status, 0) << full.output;
  EXPECT_TRUE(contains(full.output, units + "/default.target.wants/sleeper.service")) << full.output;
  auto shown = as_root({"status", "sleeper"});
  EXPECT_TRUE(contains(shown.output, "/sleeper.service; enabled; preset: enabled)")) << shown.output;

  EXPECT_EQ(as_root({"enable", "reloads"}).status, 0);
  auto disabled = as_root({"preset", "reloads"});
  EXPECT_EQ(disabled.status, 0) << disabled.output;
  EXPECT_TRUE(contains(disabled.output, "Removed \"" + units + "/default.target.wants/reloads.service\".")) << disabled.output;
  EXPECT_EQ(as_root({"is-enabled", "reloads"}).output, "disabled\n");
  EXPECT_EQ(as_root({"enable", "reloads"}).status, 0);
  EXPECT_EQ(as_root({"preset", "--preset-mode=enable-only", "reloads"}).status, 0);
  EXPECT_EQ(as_root({"is-enabled", "reloads"}).output, "enabled\n") << "enable-only disables nothing";

  auto missing = as_root({"preset", "nosuch"});
  EXPECT_EQ(missing.status, 1) << missing.output;
  EXPECT_TRUE(contains(missing.output, "Unit file nosuch.service does not exist.")) << missing.output;
  auto denied = as_nobody({"preset", "sleeper"});
  EXPECT_EQ(denied.status, 1) << denied.output;
  EXPECT_TRUE(contains(denied.output, "Access denied")) << denied.output;

  auto all = as_root({"preset-all"});
  EXPECT_EQ(all.status, 0) << all.output;
  EXPECT_EQ(as_root({"is-enabled", "reloads"}).output, "disabled\n");
  EXPECT_EQ(as_root({"is-enabled", "sleeper"}).output, "enabled\n");
}

// systemctl set-default writes default.target in the first unit directory
// (as systemd writes /etc/systemd/system/default.target), replacing the
// link that is there; get-default reads it back.
TEST_F(SystemctlSystemTest, SetDefaultAndGetDefault) {
  start({kSleeperUnit,
         {"multi-user.target", "[Unit]\nDescription=Multi-User System\n"},
         {"graphical.target", "[Unit]\nDescription=Graphical Interface\n"}},
        true);
  const std::string units = stack_->dir().file("units");
  const std::string vendor = vendor_.path();
  auto set = as_root({"set-default", "multi-user.target"});
  EXPECT_EQ(set.status, 0) << set.output;
  EXPECT_EQ(set.output, "Created symlink " + units + "/default.target → " + vendor + "/multi-user.target.\n");
  EXPECT_EQ(std::filesystem::read_symlink(units + "/default.target"), vendor + "/multi-user.target");
  EXPECT_EQ(as_root({"get-default"}).output, "multi-user.target\n");

  auto again = as_root({"set-default", "graphical"});  // systemctl adds .target
  EXPECT_EQ(again.status, 0) << again.output;
  EXPECT_EQ(again.output, "Removed \"" + units + "/default.target\".\nCreated symlink " + units +
                              "/default.target → " + vendor + "/graphical.target.\n");
  EXPECT_EQ(as_nobody({"get-default"}).output, "graphical.target\n");

  auto missing = as_root({"set-default", "nosuch.target"});
  EXPECT_EQ(missing.status, 1) << missing.output;
  EXPECT_TRUE(contains(missing.output, "Unit file nosuch.target does not exist.")) << missing.output;
  auto denied = as_nobody({"set-default", "multi-user.target"});
  EXPECT_EQ(denied.status, 1) << denied.output;
  EXPECT_TRUE(contains(denied.output, "Access denied")) << denied.output;
  EXPECT_EQ(as_root({"get-default"}).output, "graphical.target\n");

  // default.target, a unit of its own at start, is an alias now: it still
  // stops, and vermiliond exits on SIGTERM (it once waited forever).
  kill(stack_->daemon().pid(), SIGTERM);
  int status = stack_->daemon().wait_exit(10000);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << stack_->log();
}

// systemctl status PID asks GetUnitByPID: a service's other processes
// (here the shell's child left running beside the main process) name it
// too, as systemd finds them by their cgroup.
TEST_F(SystemctlSystemTest, StatusOfAnyProcessOfAService) {
  start({{"forks.service",
          "[Unit]\nDescription=Forks a helper\n[Service]\n"
          "ExecStart=/bin/sh -c '/bin/sleep 1001 & exec /bin/sleep 1002'\n"}});
  ASSERT_EQ(as_root({"start", "forks"}).status, 0);
  auto main = as_root({"show", "-p", "MainPID", "--value", "forks"});
  const std::string main_pid = main.output.substr(0, main.output.find('\n'));
  ASSERT_NE(main_pid, "0") << main.output;
  std::string child;
  for (int i = 0; i < 100 && child.empty(); ++i) {
    std::ifstream children("/proc/" + main_pid + "/task/" + main_pid + "/children");
    children >> child;
    if (child.empty()) usleep(20'000);
  }
  ASSERT_FALSE(child.empty()) << "the helper of " << main_pid;
  auto status = as_root({"status", child});
  EXPECT_EQ(status.status, 0) << status.output;
  EXPECT_TRUE(contains(status.output, "forks.service - Forks a helper")) << status.output;
  auto nobody = as_root({"status", std::to_string(getpid())});
  EXPECT_NE(nobody.status, 0) << nobody.output;
  EXPECT_TRUE(contains(nobody.output, "PID " + std::to_string(getpid()) + " does not belong to any loaded unit."))
      << nobody.output;
}

// systemctl status shows processes from GetUnitProcesses: the manager's
// block (the root slice: every service) and a unit's (its ControlGroup),
// with no "Failed to dump process list" warning.
TEST_F(SystemctlSystemTest, StatusOfTheManagerWarnsOfNothing) {
  start({kSleeperUnit});
  auto status = as_root({"status"});
  EXPECT_EQ(status.status, 0) << status.output;
  EXPECT_TRUE(contains(status.output, "State: running")) << status.output;
  EXPECT_FALSE(contains(status.output, "Failed to")) << status.output;
  EXPECT_TRUE(contains(status.output, "sleeper.service")) << "its processes, from GetUnitProcesses: " << status.output;
  EXPECT_TRUE(contains(status.output, "/bin/sleep infinity")) << status.output;
  // Tainted, probed as systemd probes it (platform/taint.h), and printed as
  // systemctl prints it when there is any.
  const std::string tainted = taint_string(probe_taint("", clock_now_usec(CLOCK_REALTIME)));
  EXPECT_EQ(as_root({"show", "-p", "Tainted", "--value"}).output, tainted + "\n");
  EXPECT_EQ(contains(status.output, "\n  Tainted: " + tainted + "\n"), !tainted.empty()) << status.output;
  // A unit's block shows its ControlGroup and the processes in it, also to
  // a caller who may only read.
  for (const auto& unit : {as_root({"status", "sleeper"}), as_nobody({"status", "sleeper"})}) {
    EXPECT_EQ(unit.status, 0) << unit.output;
    EXPECT_TRUE(contains(unit.output, "CGroup: /")) << unit.output;
    EXPECT_TRUE(contains(unit.output, "/bin/sleep infinity")) << unit.output;
    EXPECT_FALSE(contains(unit.output, "Failed to")) << unit.output;
  }
}

// systemctl cancel without ids: ClearJobs cancels every job, all or none.
TEST_F(SystemctlSystemTest, CancelWithoutIdsClearsEveryJob) {
  const std::string waits = "[Service]\nType=notify\nExecStart=/bin/sleep infinity\nTimeoutStartSec=infinity\n";
  start({kSleeperUnit, {"waits.service", waits}, {"waits-too.service", waits}});
  EXPECT_EQ(as_root({"start", "--no-block", "waits", "waits-too"}).status, 0);
  auto denied = as_nobody({"cancel"});
  EXPECT_NE(denied.status, 0) << denied.output;
  EXPECT_TRUE(contains(denied.output, "Access denied")) << denied.output;
  auto jobs = as_root({"list-jobs"});
  EXPECT_TRUE(contains(jobs.output, "2 jobs listed."))
      << "a refusal cancels nothing: " << jobs.output;
  auto cancel = as_root({"cancel"});
  EXPECT_EQ(cancel.status, 0) << cancel.output;
  EXPECT_EQ(cancel.output, "");
  EXPECT_TRUE(contains(as_root({"list-jobs"}).output, "No jobs running."));
  EXPECT_EQ(as_root({"stop", "waits", "waits-too"}).status, 0);
}

// --user: systemctl tries $XDG_RUNTIME_DIR/systemd/private, then the
// session bus.
TEST(SystemctlUserTest, DrivesAUserVermiliond) {
  StackFiles files;
  files.units = {kSleeperUnit};
  files.vermiliond_options = {"--systemd-compat"};
  files.also_wait_for = "org.freedesktop.systemd1";
  BridgeStack stack(files, BusFlavour::session);
  ASSERT_TRUE(stack.ok()) << stack.error();
  TempDir runtime;  // no systemd/private in it
  setenv("XDG_RUNTIME_DIR", runtime.path().c_str(), 1);
  auto sc = [](std::vector<std::string> args) {
    args.insert(args.begin(), {"/usr/bin/systemctl", "--user", "--no-pager"});
    return run_command(args);
  };
  auto list = sc({"list-units"});
  EXPECT_EQ(list.status, 0) << list.output;
  EXPECT_TRUE(contains(list.output, "sleeper.service")) << list.output;
  EXPECT_EQ(sc({"stop", "sleeper"}).status, 0);
  EXPECT_EQ(sc({"is-active", "sleeper"}).output, "inactive\n");
  EXPECT_EQ(sc({"start", "sleeper"}).status, 0);
  auto status = sc({"status", "sleeper"});
  EXPECT_EQ(status.status, 0) << status.output;
  EXPECT_TRUE(contains(status.output, "Active: active (running)")) << status.output;
  unsetenv("XDG_RUNTIME_DIR");
}

// systemctl does enablement itself, in the files, unless sd_booted() (also
// with --user: install_client_side()); where the machine looks booted it
// asks the manager, here vermiliond --user through the bridge.
TEST(SystemctlUserTest, EnablementGoesToTheUserVermiliond) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root: a mount namespace";
  std::string why;
  ASSERT_TRUE(private_run_systemd(why)) << why;
  ASSERT_EQ(mkdir("/run/systemd/system", 0755), 0);  // what a booted machine has
  TempDir vendor;
  vendor.write(kSleeperUnit.first, kSleeperUnit.second);
  StackFiles files;
  files.vermiliond_options = {"--systemd-compat", "--unit-dir", vendor.path()};
  files.also_wait_for = "org.freedesktop.systemd1";
  BridgeStack stack(files, BusFlavour::session);
  ASSERT_TRUE(stack.ok()) << stack.error();
  TempDir runtime;
  setenv("XDG_RUNTIME_DIR", runtime.path().c_str(), 1);
  auto sc = [](std::vector<std::string> args) {
    args.insert(args.begin(), {"/usr/bin/systemctl", "--user", "--no-pager"});
    return run_command(args);
  };
  EXPECT_EQ(sc({"is-enabled", "sleeper"}).output, "disabled\n");
  auto enable = sc({"enable", "sleeper"});
  EXPECT_EQ(enable.status, 0) << enable.output;
  EXPECT_TRUE(contains(enable.output, "Created symlink " + stack.dir().file("units") +
                                          "/default.target.wants/sleeper.service"))
      << enable.output;
  EXPECT_EQ(sc({"is-enabled", "sleeper"}).output, "enabled\n");
  auto listed = sc({"list-unit-files"});
  EXPECT_TRUE(contains(listed.output, "sleeper.service")) << listed.output;
  EXPECT_TRUE(contains(listed.output, "1 unit files listed.")) << listed.output;
  unsetenv("XDG_RUNTIME_DIR");
}

}  // namespace
}  // namespace vermilion::testing
