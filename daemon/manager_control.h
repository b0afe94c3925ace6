// The broker's window on the manager: the few operations a capability can
// stand for, and nothing else.
#pragma once

#include <functional>

#include "broker/broker.h"
#include "supervision/manager.h"
#include "supervision/service_snapshot.h"

namespace vermilion {

class ManagerControl final : public ServiceControl {
 public:
  using LogSource = std::function<std::vector<LogLine>(const std::string& unit, std::size_t lines)>;
  using Reloader = std::function<void()>;

  ManagerControl(Manager& manager, LogSource logs, Reloader reload)
      : manager_(manager), logs_(std::move(logs)), reload_(std::move(reload)) {}

  [[nodiscard]] std::optional<ServiceStatus> status(const std::string& name) override;
  [[nodiscard]] std::vector<ServiceStatus> list() override;
  EnqueueResult enqueue(JobType type, const std::string& name, std::function<void(JobResult)> done) override;
  [[nodiscard]] int kill(const std::string& name, int sig) override;
  [[nodiscard]] std::vector<LogLine> logs(const std::string& name, std::size_t lines) override;
  void reload_units() override { reload_(); }

 private:
  Manager& manager_;
  LogSource logs_;
  Reloader reload_;
};

}  // namespace vermilion
