#include "supervision/job.h"

namespace vermilion {

bool jobs_conflict(JobType a, JobType b) { return (a == JobType::stop) != (b == JobType::stop); }

std::optional<JobType> merged_job_type(JobType a, JobType b, bool unit_is_up) {
  if (a == b) return a;
  if (jobs_conflict(a, b)) return std::nullopt;
  if (a == JobType::restart || b == JobType::restart) return JobType::restart;
  return unit_is_up ? JobType::reload : JobType::start;  // systemd's reload-or-start, collapsed
}

std::string_view to_string(JobType t) {
  switch (t) {
    case JobType::start: return "start";
    case JobType::stop: return "stop";
    case JobType::restart: return "restart";
    case JobType::reload: return "reload";
  }
  return "start";
}

std::string_view to_string(JobResult r) {
  switch (r) {
    case JobResult::done: return "done";
    case JobResult::failed: return "failed";
    case JobResult::dependency: return "dependency";
    case JobResult::canceled: return "canceled";
    case JobResult::skipped: return "skipped";
    case JobResult::assert_failed: return "assert";
    case JobResult::invalid: return "invalid";
    case JobResult::timeout: return "timeout";
  }
  return "failed";
}

std::string describe(const EnqueueResult& r) {
  switch (r.outcome) {
    case EnqueueOutcome::queued: return "";
    case EnqueueOutcome::invalid_name: return "Unit name " + r.unit + " is not valid.";
    case EnqueueOutcome::not_found: return "Unit " + r.unit + " not found.";
    case EnqueueOutcome::bad_setting: return "Unit " + r.unit + " has a bad unit file setting.";
    // systemd adds the load error's errno; ours are logged with file:line
    // when the unit is loaded.
    case EnqueueOutcome::load_failed:
      return "Unit " + r.unit + " failed to load properly, please adjust/correct and reload service manager.";
    case EnqueueOutcome::only_by_dependency:
      return "Operation refused, unit " + r.unit +
             " may be requested by dependency only (it is configured to refuse manual start/stop).";
    case EnqueueOutcome::no_isolation: return "Operation refused, unit may not be isolated.";
    case EnqueueOutcome::destructive:
    case EnqueueOutcome::invalid_job_mode: return r.detail;
  }
  return "";
}

}  // namespace vermilion
