#include "supervision/service_snapshot.h"

#include <string>

namespace vermilion {

ServiceStatus status_of(const Service& s) {
  ServiceStatus out;
  out.name = s.name();
  out.description = s.config().description;
  out.load_state = to_string(s.config().load_state);
  out.active_state = std::string(to_string(s.active_state()));
  out.sub_state = std::string(to_string(s.sub_state()));
  out.result = std::string(to_string(s.result()));
  out.main_pid = static_cast<std::uint32_t>(s.main_pid());
  out.exec_main_status = s.exec_main_status().status;
  out.n_restarts = s.n_restarts();
  out.active_enter_timestamp = s.active_enter_timestamp();
  out.inactive_enter_timestamp = s.inactive_enter_timestamp();
  out.status_text = s.status_text();
  return out;
}

}  // namespace vermilion
