// What someone asked the manager to do with a unit, and how it ended — or
// why it was never queued. Names as systemd's job types and results, and
// refusals in systemd's words, so messages read the same.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace vermilion {

enum class JobType { start, stop, restart, reload };

enum class JobResult {
  done,
  failed,      // the unit failed
  dependency,  // a unit this one requires failed, or a Requisite= is not active
  canceled,    // replaced by a conflicting job
  skipped,     // a start condition was false; the unit stays inactive
  assert_failed,  // an Assert*= did not hold ("assert"); the unit stays as it was
  invalid,     // not applicable to the unit's state (reload of an inactive unit)
  timeout,     // JobTimeoutSec=/JobRunningTimeoutSec= passed; the unit goes on as it was
};

// Whether a job was queued, and if not, why. A job that was not queued never
// runs its callback; one that was always does, exactly once.
enum class EnqueueOutcome {
  queued,
  invalid_name,  // not a service unit name ("bad name", "../x")
  not_found,     // no such unit: no file for it in the search path
  bad_setting,   // load state bad-setting: an invalid value of a known key
  load_failed,   // load state error: a syntax error, masked, unreadable
  only_by_dependency,  // RefuseManualStart=/RefuseManualStop= (a client's request only)
  no_isolation,        // isolate of a unit without AllowIsolate=
  // systemd's TransactionIsDestructive: the request would reverse a queued
  // job (start against stop) that its mode may not replace: any, in mode
  // `fail`; an irreversible one (replace-irreversibly), in every mode.
  destructive,
  // A job mode that does not go with the job type (isolate of a stop,
  // triggering of a start): systemd's InvalidArgs.
  invalid_job_mode,
};

struct [[nodiscard]] EnqueueResult {
  EnqueueResult() = default;
  EnqueueResult(EnqueueOutcome o, std::string u, std::string d = {})
      : outcome(o), unit(std::move(u)), detail(std::move(d)) {}

  EnqueueOutcome outcome = EnqueueOutcome::queued;
  // When refused, the unit at fault: the one asked for, or a unit it
  // requires (Requires=, BindsTo=, Requisite=). Empty when queued.
  std::string unit;
  // destructive, invalid_job_mode: systemd's whole message ("Transaction
  // for a.service/stop is destructive (...)."), which names more than one
  // unit.
  std::string detail;

  [[nodiscard]] bool queued() const { return outcome == EnqueueOutcome::queued; }
};

// job_type_is_conflicting(): a stop merges with nothing but a stop.
[[nodiscard]] bool jobs_conflict(JobType a, JobType b);
// job_type_lookup_merge() then job_type_collapse(): the one job that does
// what both ask, none when they conflict. Start and restart make a
// restart, as do reload and restart; start and reload make a reload of a
// unit that is up (active or reloading) and a start of one that is not.
[[nodiscard]] std::optional<JobType> merged_job_type(JobType a, JobType b, bool unit_is_up);

[[nodiscard]] std::string_view to_string(JobType t);
[[nodiscard]] std::string_view to_string(JobResult r);
// Why it was refused, in systemd's words (bus_unit_validate_load_state):
// "Unit db.service not found.", "Unit web.service has a bad unit file
// setting."; "" when queued.
[[nodiscard]] std::string describe(const EnqueueResult& r);

}  // namespace vermilion
