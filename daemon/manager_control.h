// The broker's window on the manager: the few operations a capability can
// stand for, and nothing else.
#pragma once

#include <cstdint>
#include <functional>
#include <utility>

#include "common/clock.h"

#include "broker/broker.h"
#include "supervision/manager.h"
#include "platform/taint.h"
#include "supervision/service_snapshot.h"
#include "units/preset_install.h"
#include "units/unit_install.h"
#include "units/unit_presets.h"

namespace vermilion {

class ManagerControl final : public ServiceControl {
 public:
  using LogSource = std::function<std::vector<LogLine>(const std::string& unit, std::size_t lines)>;
  using Reloader = std::function<void(std::function<void()> done)>;

  // `install` is where enablement reads unit files and writes its links.
  ManagerControl(Manager& manager, LogSource logs, Reloader reload, InstallPaths install)
      : manager_(manager), logs_(std::move(logs)), reload_(std::move(reload)), installer_(std::move(install)) {}

  [[nodiscard]] std::optional<ServiceStatus> status(const std::string& name) override;
  [[nodiscard]] std::vector<ServiceStatus> list() override;
  // Manager::enqueue, for a client: also refused (only_by_dependency) as
  // RefuseManualStart=/RefuseManualStop= say.
  EnqueueResult enqueue(JobType type, const std::string& name, std::function<void(JobResult)> done,
                        JobMode mode) override;
  EnqueueResult isolate(const std::string& name, std::function<void(JobResult)> done) override;
  [[nodiscard]] int kill(const std::string& name, int sig) override;
  void bus_name_owners(const std::vector<std::pair<std::string, std::string>>& owners, bool complete) override {
    manager_.on_bus_name_owners(owners, complete);
  }
  [[nodiscard]] int kill_process(const std::string& name, KillWhom whom, int sig) override {
    Service* s = manager_.find(name);
    if (!s) return -ENOENT;
    return s->kill(whom == KillWhom::main ? KillTarget::main : KillTarget::control, sig);
  }
  [[nodiscard]] int processes(const std::string& name, std::vector<pid_t>& out) override {
    Service* s = manager_.find(name);
    return s ? s->processes(out) : -ENOENT;
  }
  [[nodiscard]] int resource_usage(const std::string& name, ResourceUsage& out) override {
    Service* s = manager_.find(name);
    if (!s) return -ENOENT;
    out = s->resource_usage();
    return 0;
  }
  [[nodiscard]] std::vector<LogLine> logs(const std::string& name, std::size_t lines) override;
  void reload_units(std::function<void()> done) override { reload_(std::move(done)); }
  [[nodiscard]] int change_unit_files(UnitFileOperation op, const std::vector<std::string>& names,
                                      std::vector<InstallChange>& changes, Diagnostics& diags) override {
    return installer_.change(op, names, changes, diags);
  }
  [[nodiscard]] std::optional<UnitFileState> unit_file_state(const std::string& name) override {
    return installer_.state(name);
  }
  [[nodiscard]] int default_target(std::string& out) override { return installer_.default_target(out); }
  [[nodiscard]] std::map<std::string, UnitFileState> unit_files() override { return installer_.list(); }
  [[nodiscard]] std::vector<std::pair<std::string, UnitFileState>> unit_file_paths() override {
    return installer_.list_paths();
  }
  [[nodiscard]] std::optional<PresetAction> unit_file_preset(const std::string& name) override {
    return presets_.query(name);
  }
  // The preset files as they are now: systemd's unit_file_preset() reads
  // them at each call.
  [[nodiscard]] int preset_unit_files(const std::vector<std::string>& names, bool all, PresetMode mode,
                                      std::vector<InstallChange>& changes, Diagnostics& diags) override {
    const UnitPresets now = UnitPresets::read(preset_dirs_, diags);
    return all ? apply_presets_to_all(installer_, now, mode, changes, diags)
               : apply_presets(installer_, now, names, mode, changes, diags);
  }
  [[nodiscard]] int set_default_target(const std::string& name, bool force, std::vector<InstallChange>& changes,
                                       Diagnostics& diags) override {
    return installer_.set_default(name, force, changes, diags);
  }
  [[nodiscard]] int unit_file_links(const std::string& name, bool runtime, std::vector<std::string>& out,
                                    Diagnostics& diags) override {
    return installer_.links_of({name}, runtime, out, diags);
  }
  [[nodiscard]] int service_of_process(pid_t pid, std::string& out) override {
    const Service* s = manager_.service_of_process(pid);
    if (!s) return -ESRCH;
    out = s->name();
    return 0;
  }
  [[nodiscard]] int reset_failed(const std::string& name) override;
  // Reads the preset files of `dirs` (units/unit_presets.h): what
  // UnitFilePreset answers until the next call (the supervisor's start and
  // each reload, as systemd keeps a unit's preset until daemon-reload), and
  // where preset operations read them again.
  void load_presets(std::vector<std::string> dirs, Diagnostics& diags) {
    preset_dirs_ = std::move(dirs);
    presets_ = UnitPresets::read(preset_dirs_, diags);
  }
  [[nodiscard]] int cancel_job(const std::string& name) override { return manager_.cancel_job(name); }
  [[nodiscard]] std::pair<std::uint64_t, std::uint64_t> started_at() override { return started_at_; }
  [[nodiscard]] std::vector<std::string> manager_environment() override { return environment_; }
  [[nodiscard]] std::vector<std::string> unit_path() override { return unit_path_; }
  // Probed on each ask, as systemd's property getter does: a few stat()s
  // and two small regular files.
  [[nodiscard]] std::string tainted() override {
    return taint_string(probe_taint("", clock_now_usec(CLOCK_REALTIME)));
  }
  // Set by the supervisor once it knows them (see ServiceControl).
  void set_manager_facts(std::vector<std::string> environment, std::vector<std::string> unit_path) {
    environment_ = std::move(environment);
    unit_path_ = std::move(unit_path);
  }

 private:
  Manager& manager_;
  LogSource logs_;
  Reloader reload_;
  UnitInstaller installer_;
  std::vector<std::string> preset_dirs_;
  UnitPresets presets_;
  std::vector<std::string> environment_, unit_path_;
  // Made once, as vermiliond sets up its manager.
  std::pair<std::uint64_t, std::uint64_t> started_at_{clock_now_usec(CLOCK_REALTIME),
                                                      clock_now_usec(CLOCK_MONOTONIC)};
};

// Where enablement writes: the first unit directory (as systemctl enable
// writes /etc/systemd/system); the first other one under /run/ holds
// runtime links (systemd's /run/systemd/system).
[[nodiscard]] InstallPaths install_paths_for(const std::vector<std::string>& unit_dirs);

}  // namespace vermilion
