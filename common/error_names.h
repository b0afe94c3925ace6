// The D-Bus error names Vermilion answers with, on the private links and on
// org.vermilion1 (interfaces/*.xml), spelled once for vermiliond, the bridge
// and vermilionctl.
#pragma once

namespace vermilion::error_names {

inline constexpr const char* kNoSuchCapability = "org.vermilion1.Error.NoSuchCapability";
inline constexpr const char* kNoSuchService = "org.vermilion1.Error.NoSuchService";
// The unit (the one named, or one it requires) has an invalid value of a known
// key: load state bad-setting (systemd's org.freedesktop.systemd1.BadUnitSetting).
inline constexpr const char* kBadSetting = "org.vermilion1.Error.BadSetting";
// The unit (the one named, or one it requires) could not be loaded at all:
// load state error (a syntax error, masked, unreadable).
inline constexpr const char* kLoadFailed = "org.vermilion1.Error.LoadFailed";
// Enablement: no unit file of that name (systemd's NoSuchUnit for files), the
// unit is masked (systemd's UnitMasked), a file or link is in the way.
inline constexpr const char* kNoSuchUnitFile = "org.vermilion1.Error.NoSuchUnitFile";
inline constexpr const char* kUnitMasked = "org.vermilion1.Error.UnitMasked";
inline constexpr const char* kFileExists = "org.freedesktop.DBus.Error.FileExists";
// RefuseManualStart=/RefuseManualStop=: the unit may be started or stopped
// only as another unit's dependency (systemd's OnlyByDependency).
inline constexpr const char* kOnlyByDependency = "org.vermilion1.Error.OnlyByDependency";
// Isolate of a unit without AllowIsolate= (systemd's NoIsolation).
inline constexpr const char* kNoIsolation = "org.vermilion1.Error.NoIsolation";
// The job would reverse a queued one that its mode may not replace
// (systemd's TransactionIsDestructive; job modes `fail`, replace-irreversibly).
inline constexpr const char* kTransactionIsDestructive = "org.vermilion1.Error.TransactionIsDestructive";
inline constexpr const char* kStartFailed = "org.vermilion1.Error.StartFailed";
inline constexpr const char* kJobFailed = "org.vermilion1.Error.JobFailed";
// CancelJob of a unit that has no job.
inline constexpr const char* kNoSuchJob = "org.vermilion1.Error.NoSuchJob";
// Kill of a process the service does not have now (its main or control
// process, or any process at all).
inline constexpr const char* kNoSuchProcess = "org.vermilion1.Error.NoSuchProcess";
inline constexpr const char* kRevoked = "org.vermilion1.Error.Revoked";
inline constexpr const char* kLimitsExceeded = "org.vermilion1.Error.LimitsExceeded";
inline constexpr const char* kUnavailable = "org.vermilion1.Error.Unavailable";
inline constexpr const char* kAccessDenied = "org.freedesktop.DBus.Error.AccessDenied";
inline constexpr const char* kInvalidArgs = "org.freedesktop.DBus.Error.InvalidArgs";
inline constexpr const char* kFailed = "org.freedesktop.DBus.Error.Failed";

}  // namespace vermilion::error_names
