#include "supervision/job.h"

namespace vermilion {

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
    case JobResult::invalid: return "invalid";
  }
  return "failed";
}

}  // namespace vermilion
