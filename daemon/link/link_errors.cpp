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
  }
  return error_names::kFailed;
}

}  // namespace vermilion
