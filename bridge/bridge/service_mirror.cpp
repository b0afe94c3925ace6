#include "bridge/service_mirror.h"

#include <utility>

namespace vermilion::bridge {

std::vector<std::string> changed_property_names(const ServiceStatus& a, const ServiceStatus& b) {
  std::vector<std::string> names;
  auto check = [&](bool differs, const char* name) {
    if (differs) names.emplace_back(name);
  };
  check(a.description != b.description, "Description");
  check(a.load_state != b.load_state, "LoadState");
  check(a.active_state != b.active_state, "ActiveState");
  check(a.sub_state != b.sub_state, "SubState");
  check(a.result != b.result, "Result");
  check(a.main_pid != b.main_pid, "MainPID");
  check(a.exec_main_status != b.exec_main_status, "ExecMainStatus");
  check(a.n_restarts != b.n_restarts, "NRestarts");
  check(a.active_enter_timestamp != b.active_enter_timestamp, "ActiveEnterTimestamp");
  check(a.inactive_enter_timestamp != b.inactive_enter_timestamp, "InactiveEnterTimestamp");
  return names;
}

ServiceMirror::Delta ServiceMirror::replace_all(std::vector<ServiceStatus> services) {
  std::map<std::string, ServiceStatus, std::less<>> next;
  for (auto& service : services) {
    std::string name = service.name;
    next.insert_or_assign(std::move(name), std::move(service));
  }
  Delta delta;
  for (const auto& [name, old] : services_) {
    auto it = next.find(name);
    if (it == next.end()) {
      delta.removed.push_back(name);
    } else if (auto names = changed_property_names(old, it->second); !names.empty()) {
      delta.changed.push_back({name, std::move(names)});
    }
  }
  for (const auto& [name, service] : next) {
    if (!services_.contains(name)) delta.added.push_back(name);
  }
  services_ = std::move(next);
  return delta;
}

ServiceMirror::Delta ServiceMirror::update(ServiceStatus service) {
  Delta delta;
  auto it = services_.find(service.name);
  if (it == services_.end()) {
    delta.added.push_back(service.name);
    std::string name = service.name;
    services_.emplace(std::move(name), std::move(service));
    return delta;
  }
  if (auto names = changed_property_names(it->second, service); !names.empty()) {
    delta.changed.push_back({service.name, std::move(names)});
  }
  it->second = std::move(service);
  return delta;
}

const ServiceStatus* ServiceMirror::find(std::string_view name) const {
  auto it = services_.find(name);
  return it == services_.end() ? nullptr : &it->second;
}

}  // namespace vermilion::bridge
