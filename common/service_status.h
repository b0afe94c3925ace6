// One service's state in systemd's words (load_state "loaded", active_state
// "active", sub_state "running", result "success", ...): the snapshot the
// manager takes at each change, the org.vermilion1.Service properties the
// bridge mirrors, and what vermilionctl shows. One struct for all three, as
// they are one set of facts.
#pragma once

#include <cstdint>
#include <string>

namespace vermilion {

struct ServiceStatus {
  std::string name;  // "web.service"
  std::string description;
  std::string load_state;  // loaded, not-found, bad-setting, error, masked
  std::string active_state;
  std::string sub_state;
  std::string result;
  std::uint32_t main_pid = 0;
  std::int32_t exec_main_status = 0;  // exit status, or the signal that ended it
  std::uint32_t n_restarts = 0;
  std::uint64_t active_enter_timestamp = 0;    // realtime µs; 0 if never
  std::uint64_t inactive_enter_timestamp = 0;  // realtime µs; 0 if never
  // The service's own word on what it is doing: its last STATUS= through
  // sd_notify (systemd's StatusText), UTF-8; "" when it said none this run.
  std::string status_text;

  friend bool operator==(const ServiceStatus&, const ServiceStatus&) = default;
};

// Every field under its property name, the one org.vermilion1.Service and the
// private link's properties dict use, in the interface's order: calls
// visit("Name", &ServiceStatus::name), visit("Description", ...), ... so that
// encoders, decoders and comparisons name each property in one place. The
// member pointers' types are the D-Bus types: std::string s, std::uint32_t u,
// std::int32_t i, std::uint64_t t.
template <typename Visit>
void for_each_service_property(Visit&& visit) {
  visit("Name", &ServiceStatus::name);
  visit("Description", &ServiceStatus::description);
  visit("LoadState", &ServiceStatus::load_state);
  visit("ActiveState", &ServiceStatus::active_state);
  visit("SubState", &ServiceStatus::sub_state);
  visit("Result", &ServiceStatus::result);
  visit("MainPID", &ServiceStatus::main_pid);
  visit("ExecMainStatus", &ServiceStatus::exec_main_status);
  visit("NRestarts", &ServiceStatus::n_restarts);
  visit("ActiveEnterTimestamp", &ServiceStatus::active_enter_timestamp);
  visit("InactiveEnterTimestamp", &ServiceStatus::inactive_enter_timestamp);
  visit("StatusText", &ServiceStatus::status_text);
}

}  // namespace vermilion
