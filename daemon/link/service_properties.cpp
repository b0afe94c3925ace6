#include "link/service_properties.h"

namespace vermilion {
namespace {

// One "{sv}" entry; `type` is the variant's signature, `value` what
// sd_bus_message_append takes for it.
template <typename T>
int append_entry(sd_bus_message* m, const char* key, const char* type, T value) {
  int r = sd_bus_message_open_container(m, 'e', "sv");
  if (r >= 0) r = sd_bus_message_append(m, "s", key);
  if (r >= 0) r = sd_bus_message_open_container(m, 'v', type);
  if (r >= 0) r = sd_bus_message_append(m, type, value);
  if (r >= 0) r = sd_bus_message_close_container(m);
  if (r >= 0) r = sd_bus_message_close_container(m);
  return r;
}

}  // namespace

int append_service_properties(sd_bus_message* m, const ServiceStatus& s) {
  int r = sd_bus_message_open_container(m, 'a', "{sv}");
  if (r >= 0) r = append_entry(m, "Name", "s", s.name.c_str());
  if (r >= 0) r = append_entry(m, "Description", "s", s.description.c_str());
  if (r >= 0) r = append_entry(m, "LoadState", "s", s.load_state.c_str());
  if (r >= 0) r = append_entry(m, "ActiveState", "s", s.active_state.c_str());
  if (r >= 0) r = append_entry(m, "SubState", "s", s.sub_state.c_str());
  if (r >= 0) r = append_entry(m, "Result", "s", s.result.c_str());
  if (r >= 0) r = append_entry(m, "MainPID", "u", s.main_pid);
  if (r >= 0) r = append_entry(m, "ExecMainStatus", "i", s.exec_main_status);
  if (r >= 0) r = append_entry(m, "NRestarts", "u", s.n_restarts);
  if (r >= 0) r = append_entry(m, "ActiveEnterTimestamp", "t", s.active_enter_timestamp);
  if (r >= 0) r = append_entry(m, "InactiveEnterTimestamp", "t", s.inactive_enter_timestamp);
  if (r >= 0) r = sd_bus_message_close_container(m);
  return r < 0 ? r : 0;
}

}  // namespace vermilion
