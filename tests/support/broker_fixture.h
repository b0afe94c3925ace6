// The supervisor fixture plus what broker tests share: children are
// tests/helpers/link_client.c (sd-bus on the private link), which print one
// line per result to stdout, read back with wait_log()/has_log().
#pragma once

#include <signal.h>

#include <string>
#include <vector>

#include "supervisor_fixture.h"

namespace vermilion::testing {

class BrokerFixture : public SupervisorFixture {
 protected:
  // These tests stop several linked children at once; run as vermiliond's
  // main() does (a subreaper reaping every child), so a stopping service's
  // scope is seen empty as in production. Without it, under ASan, a
  // service stopped together with others was now and then never seen empty
  // (its scope is asked right after its main process is reaped), and the
  // test's shutdown timed out. Found late in this change and not yet
  // explained: the in-process mode without a subreaper has no second event
  // that would tell the scope emptied (systemd watches cgroup.events).
  BrokerFixture() { as_main_process_ = true; }

  static std::string client(const std::string& args) {
    return kHelpers + "/vermilion-test-link_client " + args;
  }
  // A oneshot child: run_job(start) returns once it ran every command.
  void oneshot(const std::string& name, const std::string& args) {
    unit(name + ".service", "[Service]\nType=oneshot\nExecStart=" + client(args) + "\n");
  }
  // A simple child: run_job(start) returns once it was forked.
  void simple(const std::string& name, const std::string& args) {
    unit(name + ".service", "[Service]\nExecStart=" + client(args) + "\n");
  }
  [[nodiscard]] bool started(const std::string& name) { return run_job(JobType::start, name) == JobResult::done; }
  // Sends `sig` to the service's main process (the helpers' `sigwait`).
  void signal_main(const std::string& name, int sig = SIGUSR1) {
    pid_t pid = service(name).main_pid();
    ASSERT_GT(pid, 0) << name << " runs";
    ASSERT_EQ(::kill(pid, sig), 0);
  }
  // Waits for an audit line of vermiliond's log containing all of `parts`.
  [[nodiscard]] bool audited(std::vector<std::string> parts) {
    parts.insert(parts.begin(), "audit: ");
    return wait_daemon_log(parts);
  }
  [[nodiscard]] bool has_audit(const std::vector<std::string>& parts) {
    std::istringstream lines(daemon_log());
    for (std::string line; std::getline(lines, line);) {
      bool all = line.find("audit: ") != std::string::npos;
      for (const auto& p : parts) all = all && line.find(p) != std::string::npos;
      if (all) return true;
    }
    return false;
  }
};

}  // namespace vermilion::testing
