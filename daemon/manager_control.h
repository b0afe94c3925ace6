// The broker's window on the manager: the few operations a capability can
// stand for, and nothing else.
#pragma once

#include <cstdint>
#include <functional>
#include <utility>

#include "common/clock.h"

#include "broker/broker.h"
#include "supervision/manager.h"
#include "supervision/service_snapshot.h"
#include "units/unit_install.h"

namespace vermilion {

class ManagerControl final : public ServiceControl {
 public:
  using LogSource = std::function<std::vector<LogLine>(const std::string& unit, std::size_t lines)>;
  using Reloader = std::function<void()>;

  // `install` is where enablement reads unit files and writes its links.
  ManagerControl(Manager& manager, LogSource logs, Reloader reload, InstallPaths install)
      : manager_(manager), logs_(std::move(logs)), reload_(std::move(reload)), installer_(std::move(install)) {}

  [[nodiscard]] std::optional<ServiceStatus> status(const std::string& name) override;
  [[nodiscard]] std::vector<ServiceStatus> list() override;
  EnqueueResult enqueue(JobType type, const std::string& name, std::function<void(JobResult)> done) override;
  [[nodiscard]] int kill(const std::string& name, int sig) override;
  [[nodiscard]] int processes(const std::string& name, std::vector<pid_t>& out) override {
    Service* s = manager_.find(name);
    return s ? s->processes(out) : -ENOENT;
  }
  [[nodiscard]] std::vector<LogLine> logs(const std::string& name, std::size_t lines) override;
  void reload_units() override { reload_(); }
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
  [[nodiscard]] int reset_failed(const std::string& name) override;
  [[nodiscard]] int cancel_job(const std::string& name) override { return manager_.cancel_job(name); }
  [[nodiscard]] std::pair<std::uint64_t, std::uint64_t> started_at() override { return started_at_; }

 private:
  Manager& manager_;
  LogSource logs_;
  Reloader reload_;
  UnitInstaller installer_;
  // Made once, as vermiliond sets up its manager.
  std::pair<std::uint64_t, std::uint64_t> started_at_{clock_now_usec(CLOCK_REALTIME),
                                                      clock_now_usec(CLOCK_MONOTONIC)};
};

// Where enablement writes: the first unit directory (as systemctl enable
// writes /etc/systemd/system); the first other one under /run/ holds
// runtime links (systemd's /run/systemd/system).
[[nodiscard]] InstallPaths install_paths_for(const std::vector<std::string>& unit_dirs);

}  // namespace vermilion
