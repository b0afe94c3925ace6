#include "manager_control.h"

#include <cerrno>

namespace vermilion {

ServiceStatus status_of(const Service& s) {
  ServiceStatus out;
  out.name = s.name();
  out.description = s.config().description;
  out.active_state = std::string(to_string(s.active_state()));
  out.sub_state = std::string(to_string(s.sub_state()));
  out.result = std::string(to_string(s.result()));
  out.main_pid = static_cast<std::uint32_t>(s.main_pid());
  out.n_restarts = s.n_restarts();
  out.exec_main_status = s.exec_main_status().status;
  out.load_state = to_string(s.config().load_state);
  out.active_enter_timestamp = s.active_enter_timestamp();
  out.inactive_enter_timestamp = s.inactive_enter_timestamp();
  return out;
}

std::optional<ServiceStatus> ManagerControl::status(const std::string& name) {
  Service* s = manager_.find(name);
  if (!s) return std::nullopt;
  return status_of(*s);
}

std::vector<ServiceStatus> ManagerControl::list() {
  std::vector<ServiceStatus> out;
  for (const Service* s : manager_.services()) out.push_back(status_of(*s));
  return out;
}

EnqueueResult ManagerControl::enqueue(JobType type, const std::string& name, std::function<void(JobResult)> done) {
  return manager_.enqueue(type, name, std::move(done));
}

int ManagerControl::kill(const std::string& name, int sig) {
  Service* s = manager_.find(name);
  if (!s) return -ENOENT;
  return s->kill(KillTarget::all, sig);
}

std::vector<LogLine> ManagerControl::logs(const std::string& name, std::size_t lines) {
  Service* s = manager_.find(name);
  if (!s || !logs_) return {};
  return logs_(s->name(), lines);
}

}  // namespace vermilion
