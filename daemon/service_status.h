// One service as the broker sees it through ServiceControl: a snapshot taken
// when asked, in systemd's words (load_state "loaded", active_state
// "active", sub_state "running", result "success", ...).
#pragma once

#include <cstdint>
#include <string>

namespace vermilion {

struct ServiceStatus {
  std::string name, description, active_state, sub_state, result;
  std::uint32_t main_pid = 0;
  std::uint32_t n_restarts = 0;
  std::int32_t exec_main_status = 0;  // exit status, or the signal that ended it
  std::string load_state;             // loaded, not-found, bad-setting, error
  std::uint64_t active_enter_timestamp = 0;    // realtime µs; 0 if never
  std::uint64_t inactive_enter_timestamp = 0;  // realtime µs; 0 if never
};

}  // namespace vermilion
