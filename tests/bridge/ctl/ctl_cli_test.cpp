// vermilionctl, the real binary, against a stand-in for vermilion-bridge: a
// small org.vermilion1 served in this process with the generated sdbus-c++
// adaptors, on a private dbus-daemon (never the machine's bus). It checks
// what the unit tests with a fake Control cannot: the generated proxies, the
// bus addresses vermilionctl honours, D-Bus error names arriving intact,
// exit codes of the process, and `logs -f` stopping on SIGTERM.
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <org.vermilion1.adaptor.h>
#include <sdbus-c++/sdbus-c++.h>

#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "private_bus.h"
#include "subprocess.h"
#include "temp_dir.h"
#include "common/unit_name.h"

namespace vermilion {
namespace {

using testing::Subprocess;
using testing::PrivateBus;
using testing::TempDir;

constexpr int kTimeoutMs = 20000;

std::string path_of(const std::string& name) { return "/org/vermilion1/service/" + bus_label_escape(name); }

struct FakeServiceState {
  std::string description, active, sub, result = "success";
  std::uint32_t main_pid = 0;
  std::uint32_t restarts = 0;
  std::uint64_t active_enter = 0;
  std::string status_text;
};

// One service object: properties only (vermilionctl acts through the Manager).
class FakeService final : public sdbus::AdaptorInterfaces<org::vermilion1::Service_adaptor> {
 public:
  FakeService(sdbus::IConnection& connection, std::string name, FakeServiceState state)
      : AdaptorInterfaces(connection, path_of(name)), name_(std::move(name)), state_(std::move(state)) {
    registerAdaptor();
  }
  ~FakeService() { unregisterAdaptor(); }

 private:
  static void refuse(sdbus::Result<>&& result) {
    result.returnError(sdbus::Error("org.freedesktop.DBus.Error.NotSupported", "not in this fake"));
  }
  void Start(sdbus::Result<>&& r) override { refuse(std::move(r)); }
  void Stop(sdbus::Result<>&& r) override { refuse(std::move(r)); }
  void Restart(sdbus::Result<>&& r) override { refuse(std::move(r)); }
  void Reload(sdbus::Result<>&& r) override { refuse(std::move(r)); }
  void Kill(sdbus::Result<>&& r, int32_t) override { refuse(std::move(r)); }
  std::string Name() override { return name_; }
  std::string Description() override { return state_.description; }
  std::string LoadState() override { return "loaded"; }
  std::string ActiveState() override { return state_.active; }
  std::string SubState() override { return state_.sub; }
  std::string Result() override { return state_.result; }
  uint32_t MainPID() override { return state_.main_pid; }
  int32_t ExecMainStatus() override { return 0; }
  uint32_t NRestarts() override { return state_.restarts; }
  uint64_t ActiveEnterTimestamp() override { return state_.active_enter; }
  uint64_t InactiveEnterTimestamp() override { return 0; }
  std::string StatusText() override { return state_.status_text; }

  std::string name_;
  FakeServiceState state_;
};

// The Manager, with a fixed cast:
//   web.service    active, logs, capabilities; stopping it is denied
//   crash.service  failed; starting it fails with exit-code; its logs are denied
//   slow.service   start and GetLogs answer after 1.5 s
class FakeBridge final : public sdbus::AdaptorInterfaces<org::vermilion1::Manager_adaptor> {
 public:
  explicit FakeBridge(sdbus::IConnection& connection) : AdaptorInterfaces(connection, "/org/vermilion1") {
    services_["web.service"] = {"Serves the site", "active", "running", "success",
                                static_cast<std::uint32_t>(getpid()), 2, 1700000000000000, "Serving 3 requests"};
    services_["crash.service"] = {"Crashes", "failed", "failed", "exit-code", 0, 5, 0, ""};
    services_["slow.service"] = {"Takes its time", "inactive", "dead", "success", 0, 0, 0, ""};
    for (const auto& [name, state] : services_)
      objects_.push_back(std::make_unique<FakeService>(connection, name, state));
    registerAdaptor();
  }
  ~FakeBridge() {
    // Delayed answers first: a reply sent after the object is unregistered
    // would use its freed vtable (ASan caught it).
    for (auto& t : delayed_) t.join();
    unregisterAdaptor();
  }

  void log(const std::string& line) {
    std::lock_guard lock(mutex_);
    logs_.push_back({1700000000000000 + logs_.size() * 1000000, line});
  }
  std::string last_job() {
    std::lock_guard lock(mutex_);
    return last_job_;
  }
  int last_signal() {
    std::lock_guard lock(mutex_);
    return last_signal_;
  }
  int reloads() {
    std::lock_guard lock(mutex_);
    return reloads_;
  }

 private:
  using LogEntries = std::vector<sdbus::Struct<uint64_t, std::string>>;

  bool known(const std::string& name) const { return services_.count(name) > 0; }
  // In vermilion-bridge's words (bus_errors.cpp).
  static sdbus::Error no_such(const std::string& name) {
    return sdbus::Error("org.vermilion1.Error.NoSuchService", "Unit " + name + " not found.");
  }
  static sdbus::Error denied() { return sdbus::Error("org.freedesktop.DBus.Error.AccessDenied", "Access denied"); }
  // Answers later, from another thread (sdbus-c++ lets a Result be returned
  // from anywhere): a job that takes longer than sd-bus's call timeout.
  template <typename R, typename F>
  void later(R&& result, F&& answer) {
    delayed_.emplace_back([result = std::forward<R>(result), answer = std::forward<F>(answer)]() mutable {
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      answer(result);
    });
  }

  std::vector<sdbus::Struct<std::string, std::string, std::string, std::string, sdbus::ObjectPath>> ListServices()
      override {
    std::vector<sdbus::Struct<std::string, std::string, std::string, std::string, sdbus::ObjectPath>> out;
    for (const auto& [name, s] : services_) out.push_back({name, s.description, s.active, s.sub, path_of(name)});
    return out;
  }
  sdbus::ObjectPath GetService(const std::string& name) override {
    if (!known(name)) throw no_such(name);
    return path_of(name);
  }
  void StartService(sdbus::Result<>&& result, std::string name) override {
    if (!known(name)) return result.returnError(no_such(name));
    if (name == "crash.service")
      return result.returnError(
          sdbus::Error("org.vermilion1.Error.StartFailed", "crash.service failed (Result: exit-code)"));
    if (name == "slow.service") return later(std::move(result), [](sdbus::Result<>& r) { r.returnResults(); });
    result.returnResults();
  }
  void StopService(sdbus::Result<>&& result, std::string name) override {
    if (!known(name)) return result.returnError(no_such(name));
    if (name == "web.service") return result.returnError(denied());
    result.returnResults();
  }
  void RestartService(sdbus::Result<>&& result, std::string name) override {
    if (!known(name)) return result.returnError(no_such(name));
    result.returnResults();
  }
  void EnqueueServiceJob(sdbus::Result<>&& result, std::string name, std::string type, std::string mode) override {
    if (!known(name)) return result.returnError(no_such(name));
    if (mode == "fail")
      return result.returnError(sdbus::Error("org.vermilion1.Error.TransactionIsDestructive",
                                             "Transaction for " + name + "/" + type + " is destructive (" + name +
                                                 " has 'start' job queued, but '" + type +
                                                 "' is included in transaction)."));
    std::lock_guard lock(mutex_);
    last_job_ = name + " " + type + " " + mode;
    result.returnResults();
  }
  void ReloadService(sdbus::Result<>&& result, std::string name) override {
    if (!known(name)) return result.returnError(no_such(name));
    result.returnError(sdbus::Error("org.vermilion1.Error.JobFailed", "job for " + name + " finished: invalid"));
  }
  void KillService(sdbus::Result<>&& result, std::string name, int32_t signal) override {
    if (!known(name)) return result.returnError(no_such(name));
    std::lock_guard lock(mutex_);
    last_signal_ = signal;
    result.returnResults();
  }
  void GetLogs(sdbus::Result<LogEntries>&& result, std::string name, uint32_t lines) override {
    if (!known(name)) return result.returnError(no_such(name));
    if (name == "crash.service") return result.returnError(denied());
    if (name == "slow.service")
      return later(std::move(result), [](sdbus::Result<LogEntries>& r) { r.returnResults({}); });
    std::lock_guard lock(mutex_);
    LogEntries out(logs_.end() - std::min<std::size_t>(lines == 0 ? logs_.size() : lines, logs_.size()),
                   logs_.end());
    result.returnResults(out);
  }
  void GetCapabilities(sdbus::Result<std::vector<sdbus::Struct<uint32_t, std::string, std::string, std::string, uint64_t>>>&&
                           result,
                       std::string name) override {
    if (!known(name)) return result.returnError(no_such(name));
    result.returnResults({{1u, "fd", "tcp:127.0.0.1:8080", "use", uint64_t{0}},
                          {2u, "service", "web.service", "status,restart", uint64_t{7}}});
  }
  void Reload(sdbus::Result<>&& result) override {
    std::lock_guard lock(mutex_);
    ++reloads_;
    result.returnResults();
  }
  void ResetFailedService(sdbus::Result<>&& result, std::string name) override {
    if (!known(name)) return result.returnError(no_such(name));
    result.returnResults();
  }
  using Changes = std::vector<sdbus::Struct<std::string, std::string, std::string>>;
  // Enablement on a table: web enabled, crash disabled, nothing else.
  void change(sdbus::Result<Changes>&& result, const std::vector<std::string>& names, const std::string& state) {
    Changes out;
    for (const auto& n : names) {
      if (!unit_files_.count(n))
        return result.returnError(
            sdbus::Error("org.vermilion1.Error.NoSuchUnitFile", "Unit file " + n + " does not exist."));
      unit_files_[n] = state;
      if (state == "enabled") out.push_back({"symlink", "/etc/units/multi-user.target.wants/" + n, "/lib/" + n});
      if (state == "disabled") out.push_back({"unlink", "/etc/units/multi-user.target.wants/" + n, ""});
      if (state == "masked") out.push_back({"symlink", "/etc/units/" + n, "/dev/null"});
    }
    result.returnResults(out);
  }
  void EnableUnitFiles(sdbus::Result<Changes>&& r, std::vector<std::string> n) override {
    change(std::move(r), n, "enabled");
  }
  void DisableUnitFiles(sdbus::Result<Changes>&& r, std::vector<std::string> n) override {
    change(std::move(r), n, "disabled");
  }
  void ReenableUnitFiles(sdbus::Result<Changes>&& r, std::vector<std::string> n) override {
    change(std::move(r), n, "enabled");
  }
  void MaskUnitFiles(sdbus::Result<Changes>&& r, std::vector<std::string> n) override {
    change(std::move(r), n, "masked");
  }
  void UnmaskUnitFiles(sdbus::Result<Changes>&& r, std::vector<std::string> n) override {
    change(std::move(r), n, "disabled");
  }
  void GetUnitFileState(sdbus::Result<std::string>&& result, std::string name) override {
    auto it = unit_files_.find(name);
    if (it == unit_files_.end())
      return result.returnError(sdbus::Error("org.vermilion1.Error.NoSuchUnitFile", "No such file or directory"));
    result.returnResults(it->second);
  }
  void ListUnitFiles(sdbus::Result<std::vector<sdbus::Struct<std::string, std::string>>>&& result) override {
    std::vector<sdbus::Struct<std::string, std::string>> out;
    for (const auto& [name, state] : unit_files_) out.push_back({name, state});
    result.returnResults(out);
  }
  std::string Version() override { return "test"; }

  std::map<std::string, std::string> unit_files_{{"web.service", "enabled"}, {"crash.service", "disabled"}};
  std::map<std::string, FakeServiceState> services_;
  std::vector<std::unique_ptr<FakeService>> objects_;
  std::vector<std::thread> delayed_;
  std::mutex mutex_;
  LogEntries logs_;
  int last_signal_ = 0;
  std::string last_job_;
  int reloads_ = 0;
};

class VermilionctlCli : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(bus_.ok()) << bus_.error();
    address_ = bus_.address();
    // vermilionctl finds the bus where systemctl would: --system (the
    // default) through DBUS_SYSTEM_BUS_ADDRESS, --user through
    // DBUS_SESSION_BUS_ADDRESS. Both name the private bus.
    setenv("DBUS_SYSTEM_BUS_ADDRESS", address_.c_str(), 1);
    setenv("DBUS_SESSION_BUS_ADDRESS", address_.c_str(), 1);
    setenv("TZ", "UTC0", 1);
  }

  void TearDown() override {
    bridge_.reset();
    connection_.reset();
  }

  void start_bridge() {
    connection_ = sdbus::createSessionBusConnectionWithAddress(address_);
    connection_->requestName("org.vermilion1");
    bridge_ = std::make_unique<FakeBridge>(*connection_);
    connection_->enterEventLoopAsync();
  }

  struct Run {
    int exit_code = -1;
    std::string output;  // stdout and stderr together
  };
  static Run run(std::vector<std::string> args) {
    args.insert(args.begin(), VERMILIONCTL_PATH);
    Subprocess ctl(args);
    int status = ctl.wait_exit(kTimeoutMs);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, ctl.output()};
  }

  TempDir dir_;
  PrivateBus bus_;
  std::string address_;
  std::unique_ptr<sdbus::IConnection> connection_;
  std::unique_ptr<FakeBridge> bridge_;
};

TEST_F(VermilionctlCli, List) {
  start_bridge();
  Run r = run({"list"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output,
            "  UNIT          LOAD   ACTIVE   SUB     DESCRIPTION\n"
            "\u25CF crash.service loaded failed   failed  Crashes\n"
            "  slow.service  loaded inactive dead    Takes its time\n"
            "  web.service   loaded active   running Serves the site\n"
            "\n"
            "LOAD   = Reflects whether the unit definition was properly loaded.\n"
            "ACTIVE = The high-level unit activation state, i.e. generalization of SUB.\n"
            "SUB    = The low-level unit activation state, values depend on unit type.\n"
            "3 loaded units listed.\n");
  // No command means list; --user takes the session bus; options may follow.
  EXPECT_EQ(run({}).output, r.output);
  EXPECT_EQ(run({"list", "--user", "--no-legend"}).output,
            "\u25CF crash.service loaded failed   failed  Crashes\n"
            "  slow.service  loaded inactive dead    Takes its time\n"
            "  web.service   loaded active   running Serves the site\n");
}

// Enablement commands: systemctl's words on stderr, its exit codes.
TEST_F(VermilionctlCli, EnablementCommands) {
  start_bridge();
  Run files = run({"list-unit-files"});
  EXPECT_EQ(files.exit_code, 0);
  EXPECT_EQ(files.output,
            "UNIT FILE     STATE\n"
            "crash.service disabled\n"
            "web.service   enabled\n"
            "\n"
            "2 unit files listed.\n");
  Run states = run({"is-enabled", "web", "crash"});
  EXPECT_EQ(states.exit_code, 0) << "one of them is enabled";
  EXPECT_EQ(states.output, "enabled\ndisabled\n");
  EXPECT_EQ(run({"is-enabled", "crash"}).exit_code, 1);
  Run missing = run({"is-enabled", "nope"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.output, "Failed to get unit file state for nope.service: No such file or directory\n");

  Run enable = run({"enable", "crash"});
  EXPECT_EQ(enable.exit_code, 0);
  EXPECT_EQ(enable.output,
            "Created symlink /etc/units/multi-user.target.wants/crash.service \u2192 /lib/crash.service.\n");
  Run disable = run({"disable", "crash.service"});
  EXPECT_EQ(disable.output, "Removed \"/etc/units/multi-user.target.wants/crash.service\".\n");
  Run mask = run({"mask", "web"});
  EXPECT_EQ(mask.output, "Created symlink /etc/units/web.service \u2192 /dev/null.\n");
  EXPECT_EQ(run({"is-enabled", "web"}).output, "masked\n");
  Run bad = run({"enable", "nope"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.output, "Failed to enable unit: Unit file nope.service does not exist.\n");
  EXPECT_EQ(run({"reset-failed", "crash"}).exit_code, 0);
  EXPECT_EQ(run({"reset-failed", "nope"}).exit_code, 4);
  EXPECT_NE(run({"enable"}).exit_code, 0) << "a name is required";
}

TEST_F(VermilionctlCli, Status) {
  start_bridge();
  bridge_->log("hello");
  bridge_->log("world");
  Run r = run({"status", "web"});
  EXPECT_EQ(r.exit_code, 0);
  // Main PID is this test's own process, so its name is known.
  std::ifstream comm("/proc/self/comm");
  std::string name;
  std::getline(comm, name);
  EXPECT_EQ(r.output.substr(0, r.output.find("; ")),
            "\u25CF web.service - Serves the site\n"
            "     Loaded: loaded\n"
            "     Active: active (running) since Tue 2023-11-14 22:13:20 UTC")
      << r.output;
  EXPECT_NE(r.output.find(" ago\n   Main PID: " + std::to_string(getpid()) + " (" + name +
                          ")\n     Status: \"Serving 3 requests\"\n   Restarts: 2\n\n"
                          "Nov 14 22:13:20 web.service: hello\n"
                          "Nov 14 22:13:21 web.service: world\n"),
            std::string::npos)
      << r.output;

  r = run({"status", "crash.service"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.output,
            "\u00D7 crash.service - Crashes\n"
            "     Loaded: loaded\n"
            "     Active: failed (Result: exit-code)\n"
            "   Restarts: 5\n"
            "\n"
            "Logs of crash.service not shown: access denied.\n");

  r = run({"status", "nope"});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_EQ(r.output, "Unit nope.service could not be found.\n");
}

TEST_F(VermilionctlCli, JobsAndTheirFailures) {
  start_bridge();
  Run r = run({"restart", "web"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output, "");

  r = run({"start", "crash"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.output,
            "Job for crash.service failed because the control process exited with error code.\n"
            "See 'vermilionctl status crash.service' for details.\n");

  r = run({"--user", "reload", "web"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.output, "web.service is not active, cannot reload.\n");

  r = run({"stop", "web"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.output, "Failed to stop web.service: Access denied\n");

  r = run({"start", "nope"});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_EQ(r.output, "Failed to start nope.service: Unit nope.service not found.\n");
}

TEST_F(VermilionctlCli, JobsWaitPastTheCallTimeoutOtherCallsDoNot) {
  start_bridge();
  // sd-bus's call timeout, 1 s here; both calls below answer after 1.5 s.
  setenv("SYSTEMD_BUS_TIMEOUT", "1", 1);
  Run r = run({"start", "slow"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "");
  r = run({"logs", "slow"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.output.rfind("Failed to get logs of slow.service: ", 0), 0u) << r.output;
  unsetenv("SYSTEMD_BUS_TIMEOUT");
}

// --job-mode= as systemctl's: a mode but replace goes through
// EnqueueServiceJob; vermiliond's refusal is told as systemd's message.
TEST_F(VermilionctlCli, JobModes) {
  start_bridge();
  Run r = run({"start", "--job-mode=ignore-dependencies", "web"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(bridge_->last_job(), "web.service start ignore-dependencies");
  r = run({"--job-mode", "flush", "restart", "web"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(bridge_->last_job(), "web.service restart flush");
  r = run({"stop", "--job-mode=fail", "web"});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("Transaction for web.service/stop is destructive"), std::string::npos) << r.output;
  r = run({"start", "--job-mode=isolate", "web"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("--job-mode"), std::string::npos) << r.output;
}

TEST_F(VermilionctlCli, KillIsActiveCapsReloadConfig) {
  start_bridge();
  Run r = run({"kill", "-s", "SIGHUP", "web"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output, "");
  EXPECT_EQ(bridge_->last_signal(), SIGHUP);
  EXPECT_EQ(run({"kill", "web"}).exit_code, 0);
  EXPECT_EQ(bridge_->last_signal(), SIGTERM);
  r = run({"kill", "--signal", "BOGUS", "web"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.output.rfind("--signal: Invalid signal 'BOGUS'", 0), 0u) << r.output;

  r = run({"is-active", "web"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output, "active\n");
  r = run({"is-active", "crash"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.output, "failed\n");
  r = run({"is-active", "nope"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.output, "inactive\n");

  r = run({"caps", "web"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output,
            "SLOT KIND    OBJECT             RIGHTS         BADGE\n"
            "1    fd      tcp:127.0.0.1:8080 use            0\n"
            "2    service web.service        status,restart 7\n"
            "\n"
            "2 capabilities listed.\n");

  r = run({"reload-config"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(bridge_->reloads(), 1);
}

TEST_F(VermilionctlCli, LogsFollowUntilSigterm) {
  start_bridge();
  for (int i = 0; i < 12; ++i) bridge_->log("line " + std::to_string(i));
  EXPECT_EQ(run({"logs", "-n", "2", "web"}).output,
            "Nov 14 22:13:30 web.service: line 10\n"
            "Nov 14 22:13:31 web.service: line 11\n");
  EXPECT_EQ(run({"logs", "-n", "0", "web"}).output.find("line 0\n") != std::string::npos, true);

  Subprocess follow({VERMILIONCTL_PATH, "logs", "-f", "web"});
  ASSERT_TRUE(follow.wait_for_output("line 11\n", kTimeoutMs)) << follow.output();
  bridge_->log("fresh");
  ASSERT_TRUE(follow.wait_for_output("web.service: fresh\n", kTimeoutMs)) << follow.output();
  kill(follow.pid(), SIGTERM);
  int status = follow.wait_exit(kTimeoutMs);
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
  // The last 10, then the new one, each once.
  std::string out = follow.output();
  EXPECT_EQ(out.find("line 1\n"), std::string::npos);
  EXPECT_NE(out.find("line 2\n"), std::string::npos);
  EXPECT_EQ(out.find("line 11\n"), out.rfind("line 11\n"));
  EXPECT_EQ(out.find("fresh\n"), out.rfind("fresh\n"));
}

TEST_F(VermilionctlCli, NoBridgeOnTheBus) {
  Run r = run({"list"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.output.rfind("Failed to connect to org.vermilion1: ", 0), 0u) << r.output;
  r = run({"is-active", "web"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.output.rfind("Failed to connect to org.vermilion1: ", 0), 0u) << r.output;
}

TEST_F(VermilionctlCli, NoBusAtAll) {
  setenv("DBUS_SYSTEM_BUS_ADDRESS", ("unix:path=" + dir_.file("nothing-here")).c_str(), 1);
  Run r = run({"list"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.output, "Failed to connect to bus: No such file or directory\n");
}

TEST_F(VermilionctlCli, UsageErrorsExit1) {
  Run r = run({"status"});
  EXPECT_EQ(r.exit_code, 1);
  r = run({"status", "not a name"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.output.rfind("NAME: Invalid unit name 'not a name'", 0), 0u) << r.output;
  EXPECT_EQ(run({"--user", "--system", "list"}).exit_code, 1);
  EXPECT_EQ(run({"--help"}).exit_code, 0);
}

}  // namespace
}  // namespace vermilion
