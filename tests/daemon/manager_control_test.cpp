#include "manager_control.h"

#include <csignal>

#include <gtest/gtest.h>

#include "fake_system.h"
#include "temp_dir.h"

namespace vermilion {
namespace {

using testing::FakeEventPort;
using testing::FakeSystemOps;
using testing::make_config;

class MapSource final : public UnitSource {
 public:
  std::vector<std::string> list_units() override {
    std::vector<std::string> names;
    for (const auto& [name, _] : configs) names.push_back(name);
    return names;
  }
  ServiceConfig load(const std::string& name, Diagnostics&) override {
    auto it = configs.find(name);
    if (it != configs.end()) return it->second;
    ServiceConfig missing;
    missing.name = name;
    return missing;
  }
  std::map<std::string, ServiceConfig> configs;
};

class SilentObserver final : public ManagerObserver {
 public:
  void on_unit_state_changed(const ServiceStatus& status, const StateChange&) noexcept override {
    told.push_back(status.name + " " + status.active_state);
  }
  std::vector<std::string> told;  // "web.service failed", in order
  void on_unit_properties_changed(const ServiceStatus&) noexcept override {}
  void on_unit_message(const Service&, std::string_view) noexcept override {}
  void on_manager_message(Severity, std::string_view) noexcept override {}
  void on_job_finished(const std::string&, JobType, JobResult) noexcept override {}
  void on_emergency_action(const std::string&, const char*, EmergencyAction, int) noexcept override {}
};

class ManagerControlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServiceConfig web = make_config("web.service");
    web.description = "The web server";
    web.aliases = {"www.service"};
    source_.configs[web.name] = web;
    source_.configs["db.service"] = make_config("db.service");
    manager_ = std::make_unique<Manager>(source_, ops_, port_, observer_, ManagerOptions{"/run/notify", false},
                                         nullptr);
    Diagnostics diags;
    manager_->load_units(diags);
    control_ = std::make_unique<ManagerControl>(
        *manager_,
        [this](const std::string& unit, std::size_t lines) {
          asked_logs_.emplace_back(unit, lines);
          return std::vector<LogLine>{LogLine{0, "hello from " + unit}};
        },
        [this](std::function<void()> done) {
          ++reloads_;
          done();
        },
        install_paths_for({units_.path() + "/etc", units_.path() + "/run", units_.path() + "/lib"}));
  }

  // Starts through the control, as a link's Start call does.
  std::optional<JobResult> start(const std::string& name) {
    std::optional<JobResult> result;
    (void)control_->enqueue(JobType::start, name, [&](JobResult r) { result = r; }, JobMode::replace);
    return result;
  }

  testing::TempDir units_;  // the unit directories enablement works on
  MapSource source_;
  FakeSystemOps ops_;
  FakeEventPort port_;
  SilentObserver observer_;
  std::unique_ptr<Manager> manager_;
  std::unique_ptr<ManagerControl> control_;
  std::vector<std::pair<std::string, std::size_t>> asked_logs_;
  int reloads_ = 0;
};

TEST_F(ManagerControlTest, StatusIsTheServiceInSystemdsWords) {
  auto status = control_->status("web");
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->name, "web.service");
  EXPECT_EQ(status->description, "The web server");
  EXPECT_EQ(status->load_state, "loaded");
  EXPECT_EQ(status->active_state, "inactive");
  EXPECT_EQ(status->sub_state, "dead");
  EXPECT_EQ(status->result, "success");
  EXPECT_EQ(status->main_pid, 0u);
  EXPECT_EQ(status->active_enter_timestamp, 0u) << "never active";

  ASSERT_EQ(start("web"), JobResult::done);
  status = control_->status("www.service");  // an alias names the same service
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->name, "web.service");
  EXPECT_EQ(status->active_state, "active");
  EXPECT_EQ(status->sub_state, "running");
  EXPECT_EQ(status->main_pid, static_cast<std::uint32_t>(manager_->find("web")->main_pid()));
  EXPECT_EQ(status->active_enter_timestamp, port_.now_realtime());

  pid_t pid = manager_->find("web")->main_pid();
  ops_.live.erase(pid);
  manager_->on_child_exited(pid, {CLD_EXITED, 3});
  status = control_->status("web");
  EXPECT_EQ(status->active_state, "failed");
  EXPECT_EQ(status->result, "exit-code");
  EXPECT_EQ(status->exec_main_status, 3);
  EXPECT_EQ(status, status_of(*manager_->find("web")));
}

TEST_F(ManagerControlTest, UnknownServicesHaveNoStatusNoLogsAndCannotBeKilled) {
  EXPECT_EQ(control_->status("nope"), std::nullopt);
  EXPECT_TRUE(control_->logs("nope", 10).empty());
  EXPECT_TRUE(asked_logs_.empty()) << "the log source is not even asked";
  EXPECT_EQ(control_->kill("nope", SIGTERM), -ENOENT);
  EXPECT_EQ(start("nope"), std::nullopt) << "no job, so no result";
}

TEST_F(ManagerControlTest, ListHasEveryService) {
  auto list = control_->list();
  ASSERT_EQ(list.size(), 2u);
  std::set<std::string> names;
  for (const auto& s : list) names.insert(s.name);
  EXPECT_EQ(names, (std::set<std::string>{"db.service", "web.service"}));
}

TEST_F(ManagerControlTest, JobsGoToTheManager) {
  EXPECT_EQ(start("db"), JobResult::done);
  EXPECT_EQ(manager_->find("db")->active_state(), ActiveState::active);
  EXPECT_EQ(ops_.spawns.size(), 1u);
}

// reset-failed's change is told before it returns, as a job's is: the
// link's reply must not overtake the signal.
TEST_F(ManagerControlTest, ResetFailedIsToldAtOnce) {
  ASSERT_EQ(start("web"), JobResult::done);
  pid_t pid = manager_->find("web")->main_pid();
  ops_.live.erase(pid);
  manager_->on_child_exited(pid, {CLD_EXITED, 3});
  ASSERT_EQ(control_->status("web")->active_state, "failed");
  observer_.told.clear();
  EXPECT_EQ(control_->reset_failed("www.service"), 0);
  EXPECT_EQ(observer_.told, std::vector<std::string>{"web.service inactive"});
  EXPECT_EQ(control_->status("web")->result, "success");
  EXPECT_EQ(control_->reset_failed("nope"), -ENOENT);
}

TEST_F(ManagerControlTest, CancelNeedsAJob) {
  EXPECT_EQ(control_->cancel_job("web"), -ESRCH) << "no job to cancel";
  EXPECT_EQ(control_->cancel_job("nope"), -ENOENT);
}

TEST_F(ManagerControlTest, KillSignalsTheWholeService) {
  ASSERT_EQ(start("web"), JobResult::done);
  EXPECT_GT(control_->kill("web", SIGUSR1), 0);
  EXPECT_TRUE(ops_.scope_was_signalled("web.service", SIGUSR1)) << "every process, not only the main one";
}

TEST_F(ManagerControlTest, LogsAreAskedForByTheCanonicalName) {
  auto lines = control_->logs("www", 7);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].text, "hello from web.service");
  ASSERT_EQ(asked_logs_.size(), 1u);
  EXPECT_EQ(asked_logs_[0], (std::pair<std::string, std::size_t>{"web.service", 7}));
}

TEST_F(ManagerControlTest, ReloadUnitsCallsTheReloaderWhichTellsWhenDone) {
  int done = 0;
  control_->reload_units([&] { ++done; });
  control_->reload_units([&] { ++done; });
  EXPECT_EQ(reloads_, 2);
  EXPECT_EQ(done, 2);
}

TEST_F(ManagerControlTest, WithoutALogSourceThereAreNoLogs) {
  ManagerControl bare(*manager_, nullptr, [](std::function<void()>) {}, InstallPaths{});
  EXPECT_TRUE(bare.logs("web", 10).empty());
}

// Enablement reaches the unit directories the supervisor was given: links
// go into the first one; one under /run/ would hold runtime links.
TEST_F(ManagerControlTest, EnablementWorksOnTheUnitDirectories) {
  units_.write("lib/web.service", "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n");
  std::vector<InstallChange> changes;
  Diagnostics diags;
  ASSERT_EQ(control_->change_unit_files(UnitFileOperation::enable, {"web.service"}, changes, diags), 0);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].path, units_.path() + "/etc/multi-user.target.wants/web.service");
  EXPECT_EQ(changes[0].target, units_.path() + "/lib/web.service");
  EXPECT_EQ(control_->unit_file_state("web.service"), UnitFileState::enabled);
  EXPECT_EQ(control_->unit_files().size(), 1u);
  EXPECT_EQ(control_->change_unit_files(UnitFileOperation::enable, {"nope.service"}, changes, diags), -ENOENT);

  InstallPaths paths = install_paths_for({"/etc/systemd/system", "/run/systemd/system", "/usr/lib/systemd/system"});
  EXPECT_EQ(paths.config, "/etc/systemd/system");
  EXPECT_EQ(paths.runtime_config, "/run/systemd/system");
  EXPECT_EQ(install_paths_for({"/etc/vermilion/system", "/usr/lib/vermilion/system"}).runtime_config, "");
}

// UnitFilePreset answers from the files as read at start or reload (as
// systemd keeps a unit's preset until daemon-reload); systemctl preset reads
// them again, as systemd's unit_file_preset() does at each call.
TEST_F(ManagerControlTest, PresetsAreReadAtLoadAndByEveryPresetOperation) {
  units_.write("lib/web.service", "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n");
  units_.write("preset/50-policy.preset", "disable web.service\n");
  Diagnostics diags;
  control_->load_presets({units_.path() + "/preset"}, diags);
  EXPECT_TRUE(diags.items().empty());
  EXPECT_EQ(control_->unit_file_preset("web.service"), PresetAction::disable);
  EXPECT_EQ(control_->unit_file_preset("other.service"), PresetAction::enable);

  units_.write("preset/50-policy.preset", "enable web.service\n");
  EXPECT_EQ(control_->unit_file_preset("web.service"), PresetAction::disable) << "until the next load";
  std::vector<InstallChange> changes;
  ASSERT_EQ(control_->preset_unit_files({"web.service"}, false, PresetMode::full, changes, diags), 0);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].path, units_.path() + "/etc/multi-user.target.wants/web.service");
  control_->load_presets({units_.path() + "/preset"}, diags);
  EXPECT_EQ(control_->unit_file_preset("web.service"), PresetAction::enable);
}

}  // namespace
}  // namespace vermilion
