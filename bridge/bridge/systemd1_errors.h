// The D-Bus errors org.freedesktop.systemd1 answers with: systemd 252's names
// (src/libsystemd/sd-bus/bus-common-errors.h) and messages, so that
// systemctl prints and exits as it does against systemd
// (translate_bus_error_to_exit_status(): AccessDenied and UnitMasked 4,
// NoSuchUnit 5, JobTypeNotApplicable and NotSupported 3, LoadFailed 6).
#pragma once

namespace vermilion::bridge::systemd1::error_names {

inline constexpr const char* kNoSuchUnit = "org.freedesktop.systemd1.NoSuchUnit";
inline constexpr const char* kNoUnitForPid = "org.freedesktop.systemd1.NoUnitForPID";
inline constexpr const char* kNoUnitForInvocationId = "org.freedesktop.systemd1.NoUnitForInvocationID";
inline constexpr const char* kLoadFailed = "org.freedesktop.systemd1.LoadFailed";
inline constexpr const char* kBadUnitSetting = "org.freedesktop.systemd1.BadUnitSetting";
inline constexpr const char* kUnitMasked = "org.freedesktop.systemd1.UnitMasked";
inline constexpr const char* kOnlyByDependency = "org.freedesktop.systemd1.OnlyByDependency";
inline constexpr const char* kNoIsolation = "org.freedesktop.systemd1.NoIsolation";
inline constexpr const char* kTransactionIsDestructive = "org.freedesktop.systemd1.TransactionIsDestructive";
inline constexpr const char* kJobFailed = "org.freedesktop.systemd1.JobFailed";
inline constexpr const char* kNoSuchJob = "org.freedesktop.systemd1.NoSuchJob";
inline constexpr const char* kNoSuchProcess = "org.freedesktop.systemd1.NoSuchProcess";
inline constexpr const char* kJobTypeNotApplicable = "org.freedesktop.systemd1.JobTypeNotApplicable";
inline constexpr const char* kAlreadySubscribed = "org.freedesktop.systemd1.AlreadySubscribed";
inline constexpr const char* kNotSubscribed = "org.freedesktop.systemd1.NotSubscribed";
inline constexpr const char* kNoSuchUnitFile = "org.freedesktop.systemd1.NoSuchUnitFile";
// install_error() in src/core/dbus-manager.c: a file or link in the way.
inline constexpr const char* kUnitExists = "org.freedesktop.systemd1.UnitExists";
// What sd_bus_error_set_errno(-ENOENT) names: GetUnitFileState of a unit
// without a file ("No such file or directory", as systemctl is-enabled prints).
inline constexpr const char* kFileNotFound = "org.freedesktop.DBus.Error.FileNotFound";
inline constexpr const char* kAccessDenied = "org.freedesktop.DBus.Error.AccessDenied";
inline constexpr const char* kInvalidArgs = "org.freedesktop.DBus.Error.InvalidArgs";
inline constexpr const char* kNotSupported = "org.freedesktop.DBus.Error.NotSupported";
inline constexpr const char* kPropertyReadOnly = "org.freedesktop.DBus.Error.PropertyReadOnly";
inline constexpr const char* kLimitsExceeded = "org.freedesktop.DBus.Error.LimitsExceeded";
inline constexpr const char* kFailed = "org.freedesktop.DBus.Error.Failed";

}  // namespace vermilion::bridge::systemd1::error_names
