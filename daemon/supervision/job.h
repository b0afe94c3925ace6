// What someone asked the manager to do with a unit, and how it ended.
// Names as systemd's job types and results, so messages read the same.
#pragma once

#include <string_view>

namespace vermilion {

enum class JobType { start, stop, restart, reload };

enum class JobResult {
  done,
  failed,      // the unit failed
  dependency,  // a unit this one requires failed
  canceled,    // replaced by a conflicting job
  skipped,     // a start condition was false; the unit stays inactive
  invalid,     // not applicable to the unit's state (reload of an inactive unit)
};

[[nodiscard]] std::string_view to_string(JobType t);
[[nodiscard]] std::string_view to_string(JobResult r);

}  // namespace vermilion
