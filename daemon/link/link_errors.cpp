#include "link/link_errors.h"

#include "common/error_names.h"

namespace vermilion {

const char* error_name(BrokerError error) {
  switch (error) {
    case BrokerError::no_such_capability: return error_names::kNoSuchCapability;
    case BrokerError::access_denied: return error_names::kAccessDenied;
    case BrokerError::invalid_argument: return error_names::kInvalidArgs;
    case BrokerError::quota_exceeded: return error_names::kLimitsExceeded;
    case BrokerError::no_such_service: return error_names::kNoSuchService;
    case BrokerError::unavailable: return error_names::kFailed;
    case BrokerError::no_such_unit_file: return error_names::kNoSuchUnitFile;
    case BrokerError::unit_masked: return error_names::kUnitMasked;
    case BrokerError::file_exists: return error_names::kFileExists;
  }
  return error_names::kFailed;
}

const char* error_name(EnqueueOutcome outcome) {
  switch (outcome) {
    case EnqueueOutcome::queued: return nullptr;
    case EnqueueOutcome::invalid_name: return error_names::kInvalidArgs;
    case EnqueueOutcome::not_found: return error_names::kNoSuchService;
    case EnqueueOutcome::bad_setting: return error_names::kBadSetting;
    case EnqueueOutcome::load_failed: return error_names::kLoadFailed;
    case EnqueueOutcome::only_by_dependency: return error_names::kOnlyByDependency;
    case EnqueueOutcome::no_isolation: return error_names::kNoIsolation;
    case EnqueueOutcome::destructive: return error_names::kTransactionIsDestructive;
    case EnqueueOutcome::invalid_job_mode: return error_names::kInvalidArgs;
  }
  return error_names::kFailed;
}

}  // namespace vermilion
