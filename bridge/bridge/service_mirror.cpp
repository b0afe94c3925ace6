#include "bridge/service_mirror.h"

#include <string_view>
#include <utility>

namespace vermilion::bridge {

std::vector<std::string> changed_property_names(const ServiceStatus& a, const ServiceStatus& b) {
  std::vector<std::string> names;
  for_each_service_property([&](const char* name, auto member) {
    // Name is the mirror's key, and const on the bus: never "changed".
    if (std::string_view(name) != "Name" && a.*member != b.*member) names.emplace_back(name);
  });
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
