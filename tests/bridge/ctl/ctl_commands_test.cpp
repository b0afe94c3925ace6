#include "ctl/ctl_commands.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <time.h>

#include <map>
#include <sstream>

#include "ctl/ctl_errors.h"
#include "common/unit_name.h"

namespace vermilion::ctl {
namespace {

constexpr std::uint64_t kSec = 1'000'000;
constexpr std::uint64_t kNow = 1732615546 * kSec;  // Tue 2024-11-26 10:05:46 UTC

std::string path_of(const std::string& name) { return "/org/vermilion1/service/" + bus_label_escape(name); }

// org.vermilion1 as a table of services. `fail` makes a method (by its D-Bus
// name) answer with an error; `calls` records what was asked.
class FakeControl final : public Control {
 public:
  std::map<std::string, ServiceStatus> services;
  std::map<std::string, std::vector<LogEntry>> logs;
  std::map<std::string, std::vector<CapabilityEntry>> caps;
  std::map<std::string, BusError> fail;
  std::vector<std::string> calls;
  std::map<std::string, std::string> unit_files;  // name -> state

  void add(const std::string& name, const std::string& active, const std::string& sub,
           const std::string& description = "") {
    ServiceStatus& p = services[name];
    p.name = name;
    p.description = description;
    p.load_state = "loaded";
    p.active_state = active;
    p.sub_state = sub;
    p.result = "success";
  }

  Reply<std::vector<ServiceListEntry>> list_services() override {
    if (auto e = failure("ListServices", "")) return *e;
    std::vector<ServiceListEntry> out;
    for (const auto& [name, p] : services)
      out.push_back({name, p.description, p.active_state, p.sub_state, path_of(name)});
    return out;
  }
  Reply<std::string> get_service(const std::string& name) override {
    if (auto e = failure("GetService", name)) return *e;
    if (!services.count(name)) return no_such(name);
    return path_of(name);
  }
  Outcome start_service(const std::string& name) override { return job("StartService", name, "active", "running"); }
  Outcome stop_service(const std::string& name) override { return job("StopService", name, "inactive", "dead"); }
  Outcome restart_service(const std::string& name) override {
    return job("RestartService", name, "active", "running");
  }
  Outcome reload_service(const std::string& name) override { return job("ReloadService", name, "active", "running"); }
  Outcome enqueue_service_job(const std::string& name, const std::string& type, const std::string& mode) override {
    if (auto e = failure("EnqueueServiceJob", name + " " + type + " " + mode)) return e;
    if (!services.count(name)) return no_such(name);
    return std::nullopt;
  }
  Outcome kill_service(const std::string& name, int signal) override {
    if (auto e = failure("KillService", name + " " + std::to_string(signal))) return e;
    if (!services.count(name)) return no_such(name);
    return std::nullopt;
  }
  Reply<std::vector<LogEntry>> get_logs(const std::string& name, std::uint32_t lines) override {
    if (auto e = failure("GetLogs", name + " " + std::to_string(lines))) return *e;
    if (!services.count(name)) return no_such(name);
    const auto& all = logs[name];
    if (lines == 0 || lines >= all.size()) return all;
    return std::vector<LogEntry>(all.end() - lines, all.end());
  }
  Reply<std::vector<CapabilityEntry>> get_capabilities(const std::string& name) override {
    if (auto e = failure("GetCapabilities", name)) return *e;
    if (!services.count(name)) return no_such(name);
    return caps[name];
  }
  Outcome reload() override { return failure("Reload", ""); }
  Outcome reset_failed_service(const std::string& name) override {
    if (auto e = failure("ResetFailedService", name)) return e;
    if (!services.count(name)) return no_such(name);
    services[name].active_state = "inactive";
    services[name].result = "success";
    return std::nullopt;
  }
  Reply<std::vector<UnitFileChangeEntry>> change_unit_files(UnitFileVerb verb,
                                                            const std::vector<std::string>& names) override {
    static constexpr const char* kMembers[] = {"EnableUnitFiles", "DisableUnitFiles", "ReenableUnitFiles",
                                               "MaskUnitFiles", "UnmaskUnitFiles"};
    std::string listed;
    for (const auto& n : names) listed += (listed.empty() ? "" : " ") + n;
    if (auto e = failure(kMembers[static_cast<int>(verb)], listed)) return *e;
    std::vector<UnitFileChangeEntry> out;
    for (const auto& n : names) {
      if (!unit_files.count(n))
        return BusError{"org.vermilion1.Error.NoSuchUnitFile", "Unit file " + n + " does not exist."};
      std::string link = "/etc/vermilion/units/multi-user.target.wants/" + n;
      switch (verb) {
        case UnitFileVerb::enable: unit_files[n] = "enabled"; out.push_back({"symlink", link, "/lib/" + n}); break;
        case UnitFileVerb::disable: unit_files[n] = "disabled"; out.push_back({"unlink", link, ""}); break;
        case UnitFileVerb::reenable:
          out.push_back({"unlink", link, ""});
          out.push_back({"symlink", link, "/lib/" + n});
          unit_files[n] = "enabled";
          break;
        case UnitFileVerb::mask:
          unit_files[n] = "masked";
          out.push_back({"symlink", "/etc/vermilion/units/" + n, "/dev/null"});
          break;
        case UnitFileVerb::unmask:
          unit_files[n] = "disabled";
          out.push_back({"unlink", "/etc/vermilion/units/" + n, ""});
          break;
      }
    }
    return out;
  }
  Reply<std::string> get_unit_file_state(const std::string& name) override {
    if (auto e = failure("GetUnitFileState", name)) return *e;
    auto it = unit_files.find(name);
    if (it == unit_files.end()) return BusError{"org.vermilion1.Error.NoSuchUnitFile", "No such file or directory"};
    return it->second;
  }
  Reply<std::vector<UnitFileEntry>> list_unit_files() override {
    if (auto e = failure("ListUnitFiles", "")) return *e;
    std::vector<UnitFileEntry> out;
    for (const auto& [name, state] : unit_files) out.push_back({name, state});
    return out;
  }

  Reply<ServiceStatus> properties(const std::string& path) override {
    if (auto e = failure("GetAll", path)) return *e;
    if (auto* p = by_path(path)) return *p;
    return unknown_object(path);
  }
  Reply<std::string> load_state(const std::string& path) override {
    if (auto e = failure("LoadState", path)) return *e;
    if (auto* p = by_path(path)) return p->load_state;
    return unknown_object(path);
  }
  Reply<std::string> active_state(const std::string& path) override {
    if (auto e = failure("ActiveState", path)) return *e;
    if (auto* p = by_path(path)) return p->active_state;
    return unknown_object(path);
  }
  Reply<std::string> result(const std::string& path) override {
    if (auto e = failure("Result", path)) return *e;
    if (auto* p = by_path(path)) return p->result;
    return unknown_object(path);
  }

 private:
  Outcome failure(const std::string& method, const std::string& args) {
    calls.push_back(args.empty() ? method : method + " " + args);
    if (auto it = fail.find(method); it != fail.end()) return it->second;
    return std::nullopt;
  }
  // What vermilion-bridge says.
  static BusError no_such(const std::string& name) {
    return {std::string(bus_error::kNoSuchService), "Unit " + name + " not found."};
  }
  static BusError unknown_object(const std::string& path) {
    return {std::string(bus_error::kUnknownObject), "no object " + path};
  }
  ServiceStatus* by_path(const std::string& path) {
    for (auto& [name, p] : services)
      if (path_of(name) == path) return &p;
    return nullptr;
  }
  Outcome job(const std::string& method, const std::string& name, const char* active, const char* sub) {
    if (auto e = failure(method, name)) return e;
    if (!services.count(name)) return no_such(name);
    services[name].active_state = active;
    services[name].sub_state = sub;
    return std::nullopt;
  }
};

class CtlCommands : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("TZ", "UTC0", 1);
    tzset();
  }

  FakeControl bus;
  std::ostringstream out, err;
  CommandEnv env{bus, out, err, "vermilionctl", kNow, nullptr};
};

TEST_F(CtlCommands, ListShowsEveryServiceWithItsLoadState) {
  bus.add("web.service", "active", "running", "Serves the site");
  bus.add("api.service", "failed", "failed", "The API");
  bus.services["api.service"].load_state = "bad-setting";
  EXPECT_EQ(run_list(env, true), kExitSuccess);
  EXPECT_EQ(out.str(),
            "  UNIT        LOAD        ACTIVE SUB     DESCRIPTION\n"
            "\u25CF api.service bad-setting failed failed  The API\n"
            "  web.service loaded      active running Serves the site\n"
            "\n"
            "LOAD   = Reflects whether the unit definition was properly loaded.\n"
            "ACTIVE = The high-level unit activation state, i.e. generalization of SUB.\n"
            "SUB    = The low-level unit activation state, values depend on unit type.\n"
            "2 loaded units listed.\n");
  EXPECT_EQ(err.str(), "");
}

TEST_F(CtlCommands, ListShowsADashWhenLoadStateCannotBeRead) {
  bus.add("web.service", "active", "running");
  bus.fail["LoadState"] = {std::string(bus_error::kAccessDenied), ""};
  EXPECT_EQ(run_list(env, false), kExitSuccess);
  EXPECT_EQ(out.str(), "\u25CF web.service - active running\n");
}

TEST_F(CtlCommands, ListWithoutABridge) {
  bus.fail["ListServices"] = {std::string(bus_error::kServiceUnknown),
                              "The name org.vermilion1 was not provided by any .service files"};
  EXPECT_EQ(run_list(env, true), kExitFailure);
  EXPECT_EQ(out.str(), "");
  EXPECT_EQ(err.str(),
            "Failed to connect to org.vermilion1: The name org.vermilion1 was not provided by any .service files\n");
}

TEST_F(CtlCommands, StatusShowsStateThenTheLastTenLines) {
  bus.add("web.service", "active", "running", "Serves the site");
  bus.services["web.service"].main_pid = 4242;
  bus.services["web.service"].active_enter_timestamp = kNow - 90 * kSec;
  for (int i = 0; i < 12; ++i) bus.logs["web.service"].push_back({kNow - 60 * kSec + i * kSec, "line " + std::to_string(i)});
  env.process_name = [](std::uint32_t pid) -> std::optional<std::string> {
    return pid == 4242 ? std::optional<std::string>("httpd") : std::nullopt;
  };
  EXPECT_EQ(run_status(env, "web.service"), kExitSuccess);
  std::string expected =
      "\u25CF web.service - Serves the site\n"
      "     Loaded: loaded\n"
      "     Active: active (running) since Tue 2024-11-26 10:04:16 UTC; 1min 30s ago\n"
      "   Main PID: 4242 (httpd)\n"
      "\n";
  for (int i = 2; i < 12; ++i)
    expected += "Nov 26 10:04:" + std::to_string(46 + i) + " web.service: line " + std::to_string(i) + "\n";
  EXPECT_EQ(out.str(), expected);
  EXPECT_EQ(err.str(), "");
}

TEST_F(CtlCommands, StatusWithoutLogsHasNoBlankLine) {
  bus.add("web.service", "inactive", "dead");
  EXPECT_EQ(run_status(env, "web.service"), kExitNotActive);
  EXPECT_EQ(out.str(),
            "\u25CB web.service\n"
            "     Loaded: loaded\n"
            "     Active: inactive (dead)\n");
}

TEST_F(CtlCommands, StatusNotesDeniedLogsAndStillSucceeds) {
  bus.add("web.service", "active", "running");
  bus.fail["GetLogs"] = {std::string(bus_error::kAccessDenied), "no right logs"};
  EXPECT_EQ(run_status(env, "web.service"), kExitSuccess);
  EXPECT_NE(out.str().find("     Active: active (running)\n\nLogs of web.service not shown: access denied.\n"),
            std::string::npos)
      << out.str();
  EXPECT_EQ(err.str(), "");
}

TEST_F(CtlCommands, StatusOfAnUnknownUnitIsExit4) {
  EXPECT_EQ(run_status(env, "nope.service"), kExitNoSuchUnit);
  EXPECT_EQ(out.str(), "");
  EXPECT_EQ(err.str(), "Unit nope.service could not be found.\n");
}

TEST_F(CtlCommands, StatusOfAFailedUnitIsExit3) {
  bus.add("web.service", "failed", "failed");
  bus.services["web.service"].result = "exit-code";
  EXPECT_EQ(run_status(env, "web.service"), kExitNotActive);
  EXPECT_NE(out.str().find("Active: failed (Result: exit-code)"), std::string::npos);
}

TEST_F(CtlCommands, StatusWhenPropertiesAreDenied) {
  bus.add("web.service", "active", "running");
  bus.fail["GetAll"] = {std::string(bus_error::kAccessDenied), ""};
  EXPECT_EQ(run_status(env, "web.service"), kExitFailure);
  EXPECT_EQ(err.str(), "Failed to get properties of web.service: Access denied\n");
}

TEST_F(CtlCommands, JobsAreSilentOnSuccess) {
  bus.add("web.service", "inactive", "dead");
  EXPECT_EQ(run_job(env, JobVerb::start, "web.service"), kExitSuccess);
  EXPECT_EQ(run_job(env, JobVerb::reload, "web.service"), kExitSuccess);
  EXPECT_EQ(run_job(env, JobVerb::restart, "web.service"), kExitSuccess);
  EXPECT_EQ(run_job(env, JobVerb::stop, "web.service"), kExitSuccess);
  EXPECT_EQ(run_job(env, JobVerb::stop, "web.service", "fail"), kExitSuccess);
  EXPECT_EQ(out.str() + err.str(), "");
  EXPECT_EQ(bus.calls, (std::vector<std::string>{"StartService web.service", "ReloadService web.service",
                                                 "RestartService web.service", "StopService web.service",
                                                 "EnqueueServiceJob web.service stop fail"}))
      << "a mode but replace: EnqueueServiceJob";
}

// enable --now: the links, then a start of each unit; disable --now and
// mask --now stop; reenable and unmask never start or stop anything.
TEST_F(CtlCommands, UnitFileChangesWithNow) {
  bus.add("web.service", "inactive", "dead");
  bus.unit_files["web.service"] = "disabled";
  EXPECT_EQ(run_unit_files(env, UnitFileVerb::enable, {"web.service"}, true), kExitSuccess);
  EXPECT_EQ(err.str(), "Created symlink /etc/vermilion/units/multi-user.target.wants/web.service \u2192 "
                       "/lib/web.service.\n");
  EXPECT_EQ(bus.services["web.service"].active_state, "active");
  EXPECT_EQ(run_unit_files(env, UnitFileVerb::mask, {"web.service"}, true), kExitSuccess);
  EXPECT_EQ(bus.services["web.service"].active_state, "inactive");
  EXPECT_EQ(run_unit_files(env, UnitFileVerb::unmask, {"web.service"}, true), kExitSuccess);
  EXPECT_EQ(bus.calls, (std::vector<std::string>{"EnableUnitFiles web.service", "StartService web.service",
                                                 "MaskUnitFiles web.service", "StopService web.service",
                                                 "UnmaskUnitFiles web.service"}));
}

TEST_F(CtlCommands, UnitFileFailuresAreSystemctls) {
  bus.unit_files["web.service"] = "static";
  EXPECT_EQ(run_unit_files(env, UnitFileVerb::disable, {"nope.service"}, false), kExitFailure);
  EXPECT_EQ(err.str(), "Failed to disable unit: Unit file nope.service does not exist.\n");
  EXPECT_EQ(run_is_enabled(env, {"web.service"}, false), kExitSuccess) << "static counts as enabled";
  EXPECT_EQ(run_is_enabled(env, {"web.service"}, true), kExitSuccess);
  EXPECT_EQ(out.str(), "static\n") << "quiet prints nothing";
  bus.unit_files["web.service"] = "indirect";
  EXPECT_EQ(run_is_enabled(env, {"web.service"}, true), kExitSuccess);
  bus.unit_files["web.service"] = "linked";
  EXPECT_EQ(run_is_enabled(env, {"web.service"}, true), kExitFailure);
  bus.fail["ListUnitFiles"] = {"org.freedesktop.DBus.Error.AccessDenied", "Access denied"};
  EXPECT_EQ(run_list_unit_files(env, true), kExitFailure);
}

TEST_F(CtlCommands, JobOnAnUnknownUnit) {
  EXPECT_EQ(run_job(env, JobVerb::start, "nope.service"), kExitNoSuchUnit);
  EXPECT_EQ(err.str(), "Failed to start nope.service: Unit nope.service not found.\n");
}

TEST_F(CtlCommands, JobNeedingAMissingUnitNamesIt) {
  bus.add("web.service", "inactive", "dead");
  bus.fail["StartService"] = {std::string(bus_error::kNoSuchService), "Unit db.service not found."};
  EXPECT_EQ(run_job(env, JobVerb::start, "web.service"), kExitNoSuchUnit);
  EXPECT_EQ(err.str(), "Failed to start web.service: Unit db.service not found.\n");
}

TEST_F(CtlCommands, StartOfABadSettingUnitIsNotNoSuchUnit) {
  bus.add("bad.service", "inactive", "dead");
  bus.services["bad.service"].load_state = "bad-setting";
  bus.fail["StartService"] = {std::string(bus_error::kBadSetting), "Unit bad.service has a bad unit file setting."};
  env.ctl = "vermilionctl --user";
  // systemctl: "Failed to start X: Unit X has a bad unit file setting.", exit 1.
  EXPECT_EQ(run_job(env, JobVerb::start, "bad.service"), kExitFailure);
  EXPECT_EQ(err.str(),
            "Failed to start bad.service: Unit bad.service has a bad unit file setting.\n"
            "See vermiliond's log and 'vermilionctl --user status bad.service' for details.\n");
  EXPECT_EQ(bus.calls, (std::vector<std::string>{"StartService bad.service"})) << "no Result to read";
}

TEST_F(CtlCommands, StartWithAnInactiveRequisiteIsADependencyFailure) {
  bus.add("web.service", "inactive", "dead");
  // What the bridge makes of the link's JobFailed "dependency".
  bus.fail["StartService"] = {std::string(bus_error::kStartFailed),
                              "Job for web.service failed: job for web.service finished: dependency"};
  EXPECT_EQ(run_job(env, JobVerb::start, "web.service"), kExitFailure);
  EXPECT_EQ(err.str(), "A dependency job for web.service failed. See 'vermilionctl status web.service' for details.\n");
}

TEST_F(CtlCommands, JobDenied) {
  bus.add("web.service", "active", "running");
  bus.fail["StopService"] = {std::string(bus_error::kAccessDenied), "Access denied"};
  EXPECT_EQ(run_job(env, JobVerb::stop, "web.service"), kExitFailure);
  EXPECT_EQ(err.str(), "Failed to stop web.service: Access denied\n");
}

TEST_F(CtlCommands, FailedStartExplainsTheResultItNames) {
  bus.add("web.service", "inactive", "dead");
  bus.fail["StartService"] = {std::string(bus_error::kStartFailed), "web.service: exit-code"};
  EXPECT_EQ(run_job(env, JobVerb::start, "web.service"), kExitFailure);
  EXPECT_EQ(err.str(),
            "Job for web.service failed because the control process exited with error code.\n"
            "See 'vermilionctl status web.service' for details.\n");
  // The message named the result: no need to ask for it.
  EXPECT_EQ(bus.calls, (std::vector<std::string>{"StartService web.service"}));
}

TEST_F(CtlCommands, FailedJobReadsTheResultPropertyOtherwise) {
  bus.add("web.service", "failed", "failed");
  bus.services["web.service"].result = "timeout";
  bus.fail["StopService"] = {std::string(bus_error::kJobFailed), "job for web.service finished: failed"};
  env.ctl = "vermilionctl --user";
  EXPECT_EQ(run_job(env, JobVerb::stop, "web.service"), kExitFailure);
  EXPECT_EQ(err.str(),
            "Job for web.service failed because a timeout was exceeded.\n"
            "See 'vermilionctl --user status web.service' for details.\n");
  EXPECT_EQ(bus.calls, (std::vector<std::string>{"StopService web.service", "GetService web.service",
                                                 "Result " + path_of("web.service")}));
}

TEST_F(CtlCommands, KillSendsTheSignal) {
  bus.add("web.service", "active", "running");
  EXPECT_EQ(run_kill(env, "web.service", 1), kExitSuccess);
  EXPECT_EQ(bus.calls, (std::vector<std::string>{"KillService web.service 1"}));
  EXPECT_EQ(run_kill(env, "nope.service", 15), kExitNoSuchUnit);
  EXPECT_EQ(err.str(), "Failed to kill unit nope.service: Unit nope.service not found.\n");
}

TEST_F(CtlCommands, IsActive) {
  bus.add("web.service", "active", "running");
  bus.add("re.service", "reloading", "reload");
  bus.add("bad.service", "failed", "failed");
  EXPECT_EQ(run_is_active(env, "web.service", false), kExitSuccess);
  EXPECT_EQ(run_is_active(env, "re.service", false), kExitSuccess);
  EXPECT_EQ(run_is_active(env, "bad.service", false), kExitNotActive);
  // Like systemctl: an unknown unit is "inactive", exit 3, not an error.
  EXPECT_EQ(run_is_active(env, "nope.service", false), kExitNotActive);
  EXPECT_EQ(out.str(), "active\nreloading\nfailed\ninactive\n");
  EXPECT_EQ(err.str(), "");
}

TEST_F(CtlCommands, IsActiveQuietAndDenied) {
  bus.add("web.service", "active", "running");
  EXPECT_EQ(run_is_active(env, "web.service", true), kExitSuccess);
  EXPECT_EQ(run_is_active(env, "nope.service", true), kExitNotActive);
  EXPECT_EQ(out.str(), "");
  bus.fail["ActiveState"] = {std::string(bus_error::kAccessDenied), ""};
  EXPECT_EQ(run_is_active(env, "web.service", false), kExitFailure);
  EXPECT_EQ(out.str(), "");
  EXPECT_EQ(err.str(), "Failed to get state of web.service: Access denied\n");
}

TEST_F(CtlCommands, LogsPrintsTheLastLines) {
  bus.add("web.service", "active", "running");
  bus.logs["web.service"] = {{kNow, "one"}, {kNow + kSec, "two"}, {kNow + 2 * kSec, "three"}};
  EXPECT_EQ(run_logs(env, "web.service", 2, false, [] { return false; }), kExitSuccess);
  EXPECT_EQ(out.str(),
            "Nov 26 10:05:47 web.service: two\n"
            "Nov 26 10:05:48 web.service: three\n");
  EXPECT_EQ(bus.calls, (std::vector<std::string>{"GetLogs web.service 2"}));
}

TEST_F(CtlCommands, LogsErrors) {
  EXPECT_EQ(run_logs(env, "nope.service", 10, false, [] { return false; }), kExitNoSuchUnit);
  EXPECT_EQ(err.str(), "Failed to get logs of nope.service: Unit nope.service not found.\n");
  bus.add("web.service", "active", "running");
  bus.fail["GetLogs"] = {std::string(bus_error::kAccessDenied), ""};
  EXPECT_EQ(run_logs(env, "web.service", 10, true, [] { return true; }), kExitFailure);
}

TEST_F(CtlCommands, LogsFollowPrintsEachNewLineOnce) {
  bus.add("web.service", "active", "running");
  auto& lines = bus.logs["web.service"];
  std::uint64_t t = kNow - kSec;
  auto say = [&](const std::string& text) {
    t += kSec;
    lines.push_back({t, text});
  };
  say("old");
  say("last");
  // Each poll: the service printed something (or nothing), then we look.
  std::vector<std::vector<std::string>> script = {{"a", "b"}, {}, {"last"}, {"c"}};
  std::size_t step = 0;
  auto wait = [&] {
    if (step == script.size()) return false;  // SIGINT
    for (const auto& text : script[step++]) say(text);
    return true;
  };
  EXPECT_EQ(run_logs(env, "web.service", 1, true, wait), kExitSuccess);
  EXPECT_EQ(out.str(),
            "Nov 26 10:05:47 web.service: last\n"
            "Nov 26 10:05:48 web.service: a\n"
            "Nov 26 10:05:49 web.service: b\n"
            "Nov 26 10:05:50 web.service: last\n"
            "Nov 26 10:05:51 web.service: c\n");
  EXPECT_EQ(err.str(), "");
}

TEST_F(CtlCommands, LogsFollowWidensWhenMoreThanAWindowCame) {
  bus.add("web.service", "active", "running");
  auto& lines = bus.logs["web.service"];
  lines.push_back({kNow, "start"});
  bool flooded = false;
  auto wait = [&] {
    if (flooded) return false;
    for (std::uint32_t i = 0; i < kFollowWindow + 10; ++i) lines.push_back({kNow + 1 + i, std::to_string(i)});
    flooded = true;
    return true;
  };
  EXPECT_EQ(run_logs(env, "web.service", 10, true, wait), kExitSuccess);
  std::istringstream printed(out.str());
  std::vector<std::string> got;
  for (std::string line; std::getline(printed, line);) got.push_back(line.substr(line.rfind(' ') + 1));
  ASSERT_EQ(got.size(), kFollowWindow + 11);
  EXPECT_EQ(got.front(), "start");
  for (std::uint32_t i = 0; i < kFollowWindow + 10; ++i) EXPECT_EQ(got[i + 1], std::to_string(i));
  EXPECT_EQ(bus.calls, (std::vector<std::string>{"GetLogs web.service 10",
                                                 "GetLogs web.service " + std::to_string(kFollowWindow),
                                                 "GetLogs web.service 0"}));
}

TEST_F(CtlCommands, LogsFollowStopsOnAFailedPoll) {
  bus.add("web.service", "active", "running");
  auto wait = [&] {
    bus.services.erase("web.service");  // removed by a reload
    return true;
  };
  EXPECT_EQ(run_logs(env, "web.service", 10, true, wait), kExitNoSuchUnit);
  EXPECT_EQ(err.str(), "Failed to get logs of web.service: Unit web.service not found.\n");
}

TEST_F(CtlCommands, Caps) {
  bus.add("admin.service", "active", "running");
  bus.caps["admin.service"] = {{2, "service", "web.service", "status,restart", 0}, {1, "manager", "", "list", 0}};
  EXPECT_EQ(run_caps(env, "admin.service", true), kExitSuccess);
  EXPECT_EQ(out.str(),
            "SLOT KIND    OBJECT      RIGHTS         BADGE\n"
            "1    manager             list           0\n"
            "2    service web.service status,restart 0\n"
            "\n"
            "2 capabilities listed.\n");
  EXPECT_EQ(run_caps(env, "nope.service", true), kExitNoSuchUnit);
  EXPECT_EQ(err.str(), "Failed to get capabilities of nope.service: Unit nope.service not found.\n");
}

TEST_F(CtlCommands, ReloadConfig) {
  EXPECT_EQ(run_reload_config(env), kExitSuccess);
  EXPECT_EQ(bus.calls, (std::vector<std::string>{"Reload"}));
  bus.fail["Reload"] = {std::string(bus_error::kAccessDenied), ""};
  EXPECT_EQ(run_reload_config(env), kExitFailure);
  EXPECT_EQ(err.str(), "Failed to reload configuration: Access denied\n");
}

}  // namespace
}  // namespace vermilion::ctl
