// The one place where vermiliond's typed outcomes become D-Bus error names
// (common/error_names.h, documented in interfaces/org.vermilion1.Link.xml).
// The broker and the manager answer with enums; only the link speaks D-Bus.
#pragma once

#include "broker/broker.h"
#include "supervision/job.h"

namespace vermilion {

// A refused request: NoSuchCapability, AccessDenied, InvalidArgs,
// LimitsExceeded, NoSuchService, or org.freedesktop.DBus.Error.Failed.
[[nodiscard]] const char* error_name(BrokerError error);
// A job that was not queued: InvalidArgs, NoSuchService, BadSetting,
// LoadFailed. nullptr for EnqueueOutcome::queued, which is no error.
[[nodiscard]] const char* error_name(EnqueueOutcome outcome);

}  // namespace vermilion
