// The values of org.freedesktop.systemd1 properties (Manager, Unit,
// Service, Job), one table per interface: property name -> what appends its
// value. A property in no table answers its type's zero, or systemd's "not
// available" for counters and limits (systemd1_values.h); which are which
// is what systemd1_served_test holds against tests/data/systemd1/unserved.txt.
#pragma once

#include <systemd/sd-bus.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bridge/bridge.h"

namespace vermilion::bridge::systemd1 {

// What a unit object's properties are read from.
struct UnitFacts {
  std::string_view name;
  const ServiceStatus* status = nullptr;  // null: vermiliond has no such unit (load state not-found)
  std::uint32_t job_id = 0;               // 0: no job
  std::string_view unit_file_state;       // "" without a file
  std::string_view unit_file_preset;      // "enabled", "disabled"; "" when there is none to tell
};

struct ManagerFacts {
  const Bridge& bridge;
  std::size_t n_jobs = 0;
};

struct JobFacts {
  std::uint32_t id = 0;
  std::string_view unit, type, state;
};

// Each appends the property's value to `reply` and returns sd-bus's result;
// -ENOENT for a property that has no entry in its interface's table.
[[nodiscard]] int append_manager_property(const ManagerFacts& manager, std::string_view property,
                                          sd_bus_message* reply);
[[nodiscard]] int append_unit_property(const UnitFacts& unit, std::string_view property, sd_bus_message* reply);
[[nodiscard]] int append_service_property(const UnitFacts& unit, std::string_view property, sd_bus_message* reply);
[[nodiscard]] int append_job_property(const JobFacts& job, std::string_view property, sd_bus_message* reply);

// The Service counters vermiliond reads from the cgroup when asked
// (MemoryCurrent, TasksCurrent, CPUUsageNSec): whether `property` is one,
// and its value from `usage` (-ENOENT for any other property).
[[nodiscard]] bool is_counter(std::string_view property);
[[nodiscard]] int append_counter(const ResourceUsage& usage, std::string_view property, sd_bus_message* reply);

// Counters and limits Vermilion does not measure or set: systemd's "not
// available" (UINT64_MAX), never a zero that would read as a value.
[[nodiscard]] bool is_not_available(std::string_view interface, std::string_view property);

// "org.freedesktop.systemd1.Unit.Id", ...: every property with a value of
// its own (an entry in a table), for the served-members test.
[[nodiscard]] std::vector<std::string> served_properties();

}  // namespace vermilion::bridge::systemd1
