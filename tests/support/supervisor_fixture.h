// A real supervisor in-process, on temporary unit and policy directories,
// with helpers that wait on its loop (never sleep).
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cgroup_leftovers.h"
#include "process_setup.h"
#include "supervisor.h"
#include "enable_units.h"
#include "temp_dir.h"

namespace vermilion::testing {

inline constexpr usec_t kWait = 20 * kUsecPerSec;  // generous: CI machines are slow
inline const std::string kHelpers = VERMILION_TEST_HELPER_DIR;

// Alive: signalable and not a zombie. A process killed a moment ago stays
// signalable until its parent (or the subreaper, often the test itself)
// reaps it; it has exited all the same, as systemd's cgroup sees it.
inline bool process_exists(pid_t pid) {
  if (pid <= 0 || kill(pid, 0) != 0) return false;
  // read(2), not a stream: a process that exits meanwhile makes the read
  // fail with ESRCH, which libstdc++'s filebuf would throw.
  int fd = ::open(("/proc/" + std::to_string(pid) + "/stat").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buf[512];
  ssize_t n = ::read(fd, buf, sizeof buf);
  ::close(fd);
  if (n <= 0) return false;
  std::string line(buf, static_cast<std::size_t>(n));
  auto end_of_name = line.rfind(')');  // the name may hold spaces and ')'
  if (end_of_name == std::string::npos || end_of_name + 2 >= line.size()) return true;
  char state = line[end_of_name + 2];
  return state != 'Z' && state != 'X';
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Children of `parent`, from /proc.
inline std::set<pid_t> children_of(pid_t parent) {
  std::set<pid_t> out;
  DIR* dir = opendir("/proc");
  if (!dir) return out;
  while (dirent* e = readdir(dir)) {
    pid_t pid = static_cast<pid_t>(std::atoi(e->d_name));
    if (pid <= 0) continue;
    std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
    auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(stat.substr(close + 2));
    char state;
    pid_t ppid;
    rest >> state >> ppid;
    if (ppid == parent) out.insert(pid);
  }
  closedir(dir);
  return out;
}

class SupervisorFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) {
      GTEST_SKIP() << "runs services in system scope: needs root";
    }
  }
  void TearDown() override {
    if (supervisor_) {
      EXPECT_TRUE(supervisor_->shutdown(kWait)) << "every service stops";
    }
    supervisor_.reset();
    // What a case leaves on purpose (KillMode=none, process) or a failed
    // test left: killed, and the cgroup tree removed.
    kill_cgroup_leftovers(getpid());
    if (as_main_process_) {
      // What set_up_supervisor_process() did, undone for the next test.
      prctl(PR_SET_CHILD_SUBREAPER, 0);
      sigprocmask(SIG_SETMASK, &saved_mask_, nullptr);
    }
    if (log_fd_ >= 0) {
      ::close(log_fd_);
      std::fputs(daemon_log().c_str(), stderr);
    }
  }

  // Everything vermiliond logged so far.
  [[nodiscard]] std::string daemon_log() { return read_file(scratch_.file("vermiliond.log")); }
  // Waits until vermiliond's log has a line containing all of `parts`.
  [[nodiscard]] bool wait_daemon_log(const std::vector<std::string>& parts) {
    return wait_for([&] {
      std::istringstream lines(daemon_log());
      for (std::string line; std::getline(lines, line);) {
        bool all = true;
        for (const auto& p : parts) all = all && line.find(p) != std::string::npos;
        if (all) return true;
      }
      return false;
    });
  }

  void unit(const std::string& name, const std::string& text) { units_.write(name, text); }
  // `systemctl enable NAME...`: the links of their [Install] sections.
  void enable(const std::vector<std::string>& names) { enable_units(units_.path(), names); }
  void policy(const std::string& name, const std::string& text) { policies_.write(name, text); }

  Supervisor& boot() {
    SupervisorOptions options;
    options.scope = scope_;
    options.environment = environment_;
    options.start_boot_units = start_boot_units_;
    options.bridge = bridge_;
    options.unit_dirs = {units_.path()};
    options.policy_dirs = {policies_.path()};
    options.runtime_dir = runtime_.file("vermilion");
    options.use_journal = false;
    options.log_level = LogLevel::debug;
    options.broker_limits = broker_limits_;
    // The daemon's own log goes to a file the test can read (audit lines),
    // and is echoed to stderr when the test ends.
    log_fd_ = ::open(scratch_.file("vermiliond.log").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    options.log_fd = log_fd_;
    if (as_main_process_) {
      sigprocmask(SIG_SETMASK, nullptr, &saved_mask_);
      EXPECT_EQ(set_up_supervisor_process(options), 0);
    }
    EXPECT_EQ(Supervisor::create(options, supervisor_), 0);
    supervisor_->start();
    return *supervisor_;
  }

  Service& service(const std::string& name) {
    Service* s = supervisor_->manager().find(name);
    EXPECT_NE(s, nullptr) << name;
    return *s;
  }

  [[nodiscard]] bool wait_for(const std::function<bool()>& done) {
    return supervisor_->run_until(done, kWait);
  }
  [[nodiscard]] bool wait_state(const std::string& name, ActiveState active, SubState sub) {
    return wait_for([&] {
      Service* s = supervisor_->manager().find(name);
      return s && s->active_state() == active && s->sub_state() == sub;
    });
  }

  JobResult run_job(JobType type, const std::string& name) {
    std::optional<JobResult> result;
    EnqueueResult r = supervisor_->manager().enqueue(type, name, [&](JobResult j) { result = j; });
    EXPECT_TRUE(r.queued()) << describe(r);
    if (!r.queued()) return JobResult::invalid;
    EXPECT_TRUE(wait_for([&] { return result.has_value(); })) << "job on " << name << " finished";
    return result.value_or(JobResult::canceled);
  }

  std::vector<std::string> log_lines(const std::string& name) {
    std::vector<std::string> out;
    if (const OutputCapture* log = supervisor_->log_of(name))
      for (const auto& line : log->buffer().tail(1000)) out.push_back(line.text);
    return out;
  }

  // Waits until the service has printed a line containing `text`.
  [[nodiscard]] bool wait_log(const std::string& name, const std::string& text) {
    return wait_for([&] {
      for (const auto& line : log_lines(name))
        if (line.find(text) != std::string::npos) return true;
      return false;
    });
  }
  [[nodiscard]] bool has_log(const std::string& name, const std::string& text) {
    for (const auto& line : log_lines(name))
      if (line.find(text) != std::string::npos) return true;
    return false;
  }

  TempDir units_, policies_, runtime_, scratch_;
  BrokerLimits broker_limits_;  // set before boot() to test quotas
  RuntimeScope scope_ = RuntimeScope::system;  // set before boot()
  ProcessEnvironment environment_;             // set before boot(): HOME, XDG_* for --user
  bool start_boot_units_ = true;               // set before boot()
  std::optional<BridgeOptions> bridge_;       // set before boot(): supervise a bridge
  // Set before boot(): the test process is set up as vermiliond's main()
  // sets up its own (a child subreaper; SIGCHLD, SIGTERM, SIGINT, SIGHUP
  // blocked and taken by the supervisor), for tests that signal themselves
  // as an admin signals the daemon, or need orphans reparented to them.
  // The supervisor then reaps every child of the test. Undone at TearDown.
  bool as_main_process_ = false;
  sigset_t saved_mask_{};
  int log_fd_ = -1;
  std::unique_ptr<Supervisor> supervisor_;
};

}  // namespace vermilion::testing
