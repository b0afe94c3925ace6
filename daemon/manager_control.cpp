#include "manager_control.h"

#include <cerrno>

namespace vermilion {

std::optional<ServiceStatus> ManagerControl::status(const std::string& name) {
  Service* s = manager_.find(name);
  if (!s) return std::nullopt;
  return manager_.status(*s);
}

std::vector<ServiceStatus> ManagerControl::list() {
  std::vector<ServiceStatus> out;
  for (const Service* s : manager_.services()) out.push_back(manager_.status(*s));
  return out;
}

// A client's job is a manual one: RefuseManualStart=/RefuseManualStop= are
// checked here, not in the Manager, whose own jobs (dependencies, OnFailure=,
// boot) they do not concern (systemd 252's bus_unit_queue_job(); a restart
// needs both directions allowed).
EnqueueResult ManagerControl::enqueue(JobType type, const std::string& name, std::function<void(JobResult)> done,
                                     JobMode mode) {
  if (const Service* s = manager_.find(name)) {
    const ServiceConfig& c = s->config();
    if ((type == JobType::start && c.refuse_manual_start) || (type == JobType::stop && c.refuse_manual_stop) ||
        (type == JobType::restart && (c.refuse_manual_start || c.refuse_manual_stop)))
      return {EnqueueOutcome::only_by_dependency, s->name()};
  }
  return manager_.enqueue(type, name, std::move(done), mode);
}

EnqueueResult ManagerControl::isolate(const std::string& name, std::function<void(JobResult)> done) {
  if (const Service* s = manager_.find(name); s && s->config().refuse_manual_start)
    return {EnqueueOutcome::only_by_dependency, s->name()};
  return manager_.isolate(name, std::move(done));
}

int ManagerControl::kill(const std::string& name, int sig) {
  Service* s = manager_.find(name);
  if (!s) return -ENOENT;
  return s->kill(KillTarget::all, sig);
}

int ManagerControl::reset_failed(const std::string& name) {
  Service* s = manager_.find(name);
  if (!s) return -ENOENT;
  s->reset_failed();
  // Its state change is queued as any other: tell it now, before the reply.
  manager_.process_queues();
  return 0;
}

std::vector<LogLine> ManagerControl::logs(const std::string& name, std::size_t lines) {
  Service* s = manager_.find(name);
  if (!s || !logs_) return {};
  return logs_(s->name(), lines);
}

InstallPaths install_paths_for(const std::vector<std::string>& unit_dirs) {
  InstallPaths paths;
  paths.search_path = unit_dirs;
  if (!unit_dirs.empty()) paths.config = unit_dirs.front();
  for (std::size_t i = 1; i < unit_dirs.size() && paths.runtime_config.empty(); ++i)
    if (unit_dirs[i].starts_with("/run/")) paths.runtime_config = unit_dirs[i];
  return paths;
}

}  // namespace vermilion
