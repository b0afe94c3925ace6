// The bridge's copy of vermiliond's service table: what it read with
// ManagerCapability.ListServiceProperties and keeps current from the link's
// ServicePropertiesChanged signals. D-Bus property getters answer from here,
// so reading a property never waits on vermiliond.
//
// Pure bookkeeping: it tells its caller what changed (services added and
// removed, property names changed) and the caller emits the D-Bus signals.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/service_status.h"

namespace vermilion::bridge {

// The D-Bus names of the properties that differ between a and b
// ("ActiveState", "MainPID", ...), in the order of org.vermilion1.Service;
// never "Name", which is const.
[[nodiscard]] std::vector<std::string> changed_property_names(const ServiceStatus& a,
                                                              const ServiceStatus& b);

class ServiceMirror {
 public:
  struct Changed {
    std::string name;
    std::vector<std::string> properties;  // D-Bus property names
  };
  struct Delta {
    std::vector<std::string> added;    // names, sorted
    std::vector<std::string> removed;  // names, sorted
    std::vector<Changed> changed;      // services present before and after
  };

  // Replaces the whole table (after start-up or a reload).
  [[nodiscard]] Delta replace_all(std::vector<ServiceStatus> services);
  // One service's new properties: a name not seen before is added.
  [[nodiscard]] Delta update(ServiceStatus service);

  [[nodiscard]] const ServiceStatus* find(std::string_view name) const;
  [[nodiscard]] const std::map<std::string, ServiceStatus, std::less<>>& services() const {
    return services_;
  }

 private:
  std::map<std::string, ServiceStatus, std::less<>> services_;
};

}  // namespace vermilion::bridge
