// The filters on a service's cgroup, enforced by the kernel.
// DevicePolicy=/DeviceAllow=: each service runs a probe that opens device
// nodes for reading and for writing, and prints what it was let do. The
// expected values follow systemd 252's bpf-devices.c (the conformance case
// device-policy has how systemd parses and shows these keys; its recording
// user manager enforces none). IPAddressAllow=/IPAddressDeny= are measured
// against systemd in the conformance case ip-address-filter; here, what a
// reload does to a running service's filters, as systemd 252's
// daemon-reload re-applies them.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "supervisor_fixture.h"

namespace vermilion {
namespace {

// "NODE r w", "-" where the open was refused. A subshell each, as a failed
// redirection of a special built-in ends sh.
const std::string kProbe =
    "ExecStart=/bin/sh -c 'for n in /dev/null /dev/zero /dev/urandom /dev/kmsg /dev/loop-control /dev/ptmx; do "
    "r=-; w=-; (: < $$n) 2>/dev/null && r=r; (: >> $$n) 2>/dev/null && w=w; echo \"$$n $$r $$w\"; done'\n";

class CgroupFiltersKernelTest : public testing::SupervisorFixture {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "a device filter needs root (CAP_SYS_ADMIN or CAP_BPF)";
    for (const char* node : {"/dev/kmsg", "/dev/loop-control"}) {
      struct stat st {};
      if (stat(node, &st) < 0 || !S_ISCHR(st.st_mode)) GTEST_SKIP() << node << " is not here";
    }
  }

  // The probe's lines from a oneshot's log, once it has run.
  std::vector<std::string> probe(const std::string& name, const std::string& keys,
                                 JobResult expected = JobResult::done) {
    unit(name + ".service", "[Service]\nType=oneshot\n" + keys + kProbe);
    boot();
    EXPECT_EQ(run_job(JobType::start, name), expected);
    std::vector<std::string> lines;
    for (const std::string& line : log_lines(name))
      if (line.starts_with("/dev/")) lines.push_back(line);
    return lines;
  }
};

TEST_F(CgroupFiltersKernelTest, WithoutEitherKeyNothingIsFiltered) {
  auto lines = probe("open", "");
  EXPECT_EQ(lines, (std::vector<std::string>{"/dev/null r w", "/dev/zero r w", "/dev/urandom r w", "/dev/kmsg r w",
                                             "/dev/loop-control r w", "/dev/ptmx r w"}));
}

TEST_F(CgroupFiltersKernelTest, ClosedAllowsThePseudoDevicesOnly) {
  auto lines = probe("closed", "DevicePolicy=closed\n");
  EXPECT_EQ(lines, (std::vector<std::string>{"/dev/null r w", "/dev/zero r w", "/dev/urandom r w", "/dev/kmsg - -",
                                             "/dev/loop-control - -", "/dev/ptmx r w"}));
}

TEST_F(CgroupFiltersKernelTest, DeviceAllowAloneClosesAndAddsItsRights) {
  // kmsg for reading only; the whole "misc" major (loop-control is 10:237)
  // for writing only, by its name in /proc/devices.
  auto lines = probe("allow", "DeviceAllow=/dev/kmsg r\nDeviceAllow=char-misc w\n");
  EXPECT_EQ(lines, (std::vector<std::string>{"/dev/null r w", "/dev/zero r w", "/dev/urandom r w", "/dev/kmsg r -",
                                             "/dev/loop-control - w", "/dev/ptmx r w"}));
}

TEST_F(CgroupFiltersKernelTest, StrictAllowsOnlyWhatIsListed) {
  // Standard input is /dev/null, opened inside the cgroup as in systemd:
  // it has to be allowed too, or the process fails with 208/STDIN.
  auto lines = probe("strict", "DevicePolicy=strict\nDeviceAllow=/dev/null rw\nDeviceAllow=/dev/zero r\n");
  EXPECT_EQ(lines, (std::vector<std::string>{"/dev/null r w", "/dev/zero r -", "/dev/urandom - -", "/dev/kmsg - -",
                                             "/dev/loop-control - -", "/dev/ptmx - -"}));
}

TEST_F(CgroupFiltersKernelTest, StrictWithNothingAllowedCannotEvenOpenItsStandardInput) {
  (void)probe("nothing", "DevicePolicy=strict\n", JobResult::failed);
  EXPECT_EQ(service("nothing").result(), ServiceResult::exit_code);
  EXPECT_EQ(service("nothing").exec_main_status().status, 208);
  EXPECT_TRUE(wait_daemon_log({"nothing.service", "No devices matched by device filter."}));
}

TEST_F(CgroupFiltersKernelTest, PrivateDevicesClosesTheFilterToo) {
  auto lines = probe("private", "PrivateDevices=yes\n");
  // Its own /dev has no kmsg or loop-control at all.
  EXPECT_EQ(lines, (std::vector<std::string>{"/dev/null r w", "/dev/zero r w", "/dev/urandom r w", "/dev/kmsg - -",
                                             "/dev/loop-control - -", "/dev/ptmx r w"}));
}

TEST_F(CgroupFiltersKernelTest, AnEntryThatMatchesNothingIsNamedAndTheRestStillApplies) {
  auto lines = probe("missing", "DeviceAllow=/dev/no-such-node rw\nDeviceAllow=block-no-such-driver r\n");
  EXPECT_EQ(lines, (std::vector<std::string>{"/dev/null r w", "/dev/zero r w", "/dev/urandom r w", "/dev/kmsg - -",
                                             "/dev/loop-control - -", "/dev/ptmx r w"}));
  EXPECT_TRUE(wait_daemon_log({"missing.service", "Couldn't stat device /dev/no-such-node: No such file or directory"}));
}

// A cgroup an earlier run left behind (KillMode=none: the sleeper stays, the
// run ends after TimeoutStopSec=, as in systemd) keeps its filter until the
// next run puts the new one in its place: after a reload that drops
// DevicePolicy=, nothing is filtered any more.
TEST_F(CgroupFiltersKernelTest, AReusedCgroupGetsTheNewFilterInPlaceOfTheOld) {
  const std::string pid_file = scratch_.file("sleeper.pid");
  const std::string keep = "ExecStartPost=/bin/sh -c 'sleep 1000 & echo $$! >> " + pid_file + "'\nKillMode=none\nTimeoutStopSec=100ms\n";
  unit("reused.service", "[Service]\nType=oneshot\nDevicePolicy=closed\n" + keep + kProbe);
  boot();
  (void)run_job(JobType::start, "reused");
  ASSERT_TRUE(wait_state("reused.service", ActiveState::failed, SubState::failed));
  auto kmsg_lines = [&] {
    std::vector<std::string> found;
    for (const std::string& line : log_lines("reused"))
      if (line.starts_with("/dev/kmsg")) found.push_back(line);
    return found;
  };
  EXPECT_EQ(kmsg_lines(), std::vector<std::string>{"/dev/kmsg - -"});
  unit("reused.service", "[Service]\nType=oneshot\n" + keep + kProbe);
  bool reloaded = false;
  supervisor_->reload([&] { reloaded = true; });
  ASSERT_TRUE(wait_for([&] { return reloaded; }));
  (void)run_job(JobType::start, "reused");
  ASSERT_TRUE(wait_state("reused.service", ActiveState::failed, SubState::failed));
  EXPECT_TRUE(has_log("reused", "/dev/kmsg r w")) << "the cgroup was not made anew";
  EXPECT_EQ(kmsg_lines(), (std::vector<std::string>{"/dev/kmsg - -", "/dev/kmsg r w"}));
  // The sleepers outlive both runs (KillMode=none); they are ours to end.
  EXPECT_EQ(system(("kill $(cat " + pid_file + ")").c_str()), 0);
}

// A service that probes again each time the test asks (a file appears):
// "/dev/kmsg r w" as kProbe does, then "127.0.0.1 connected" or "refused"
// for a connection to a listener in the same service, then "probed".
const char kConnectProbe[] =
    "import socket\n"
    "with socket.socket() as listener, socket.socket() as client:\n"
    "    listener.bind(('127.0.0.1', 0))\n"
    "    listener.listen()\n"
    "    client.settimeout(0.5)  # loopback connects at once; a dropped SYN never does\n"
    "    print('127.0.0.1', 'connected' if client.connect_ex(listener.getsockname()) == 0 else 'refused')\n";

std::string reprobing_service(const std::string& trigger, const std::string& script, const std::string& keys) {
  return "[Service]\n" + keys + "ExecStart=/bin/sh -c 'while :; do if [ -e " + trigger + " ]; then rm -f " + trigger +
         "; n=/dev/kmsg; r=-; w=-; (: < $$n) 2>/dev/null && r=r; (: >> $$n) 2>/dev/null && w=w; "
         "echo \"$$n $$r $$w\"; python3 " + script + " 2>&1; echo probed; fi; sleep 0.05; done'\n";
}

TEST_F(CgroupFiltersKernelTest, AReloadPutsTheNewFiltersOnARunningService) {
  const std::string trigger = scratch_.file("probe-now");
  const std::string script = scratch_.file("connect.py");
  scratch_.write("connect.py", kConnectProbe);
  unit("live.service", reprobing_service(trigger, script, ""));
  // A SIGTERM between the loop's fork and exec of `sleep` leaves that child
  // an orphan, whose exit only a subreaper sees (vermiliond is one).
  as_main_process_ = true;
  boot();
  ASSERT_EQ(run_job(JobType::start, "live"), JobResult::done);
  auto probe_now = [&](std::size_t round) {
    EXPECT_EQ(system(("touch " + trigger).c_str()), 0);
    EXPECT_TRUE(wait_for([&] {
      const std::vector<std::string> lines = log_lines("live");
      return static_cast<std::size_t>(std::count(lines.begin(), lines.end(), "probed")) == round;
    }));
  };
  probe_now(1);
  unit("live.service", reprobing_service(trigger, script, "DevicePolicy=closed\nIPAddressDeny=localhost\n"));
  bool reloaded = false;
  supervisor_->reload([&] { reloaded = true; });
  ASSERT_TRUE(wait_for([&] { return reloaded; }));
  probe_now(2);
  unit("live.service",
       reprobing_service(trigger, script, "DevicePolicy=closed\nIPAddressDeny=localhost\nIPAddressAllow=127.0.0.1\n"));
  reloaded = false;
  supervisor_->reload([&] { reloaded = true; });
  ASSERT_TRUE(wait_for([&] { return reloaded; }));
  probe_now(3);
  std::vector<std::string> seen;
  for (const std::string& line : log_lines("live"))
    if (line != "probed") seen.push_back(line);
  EXPECT_EQ(seen, (std::vector<std::string>{"/dev/kmsg r w", "127.0.0.1 connected",  // before
                                            "/dev/kmsg - -", "127.0.0.1 refused",    // closed, localhost denied
                                            "/dev/kmsg - -", "127.0.0.1 connected"}))  // the one address allowed
      << "each reload replaced the filters, none piled up";
  EXPECT_EQ(service("live").sub_state(), SubState::running) << "the service ran on throughout";
}

}  // namespace
}  // namespace vermilion
