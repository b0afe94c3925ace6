// What vermilionctl says, and with which exit code, when a call fails. Texts
// follow systemctl's; exit codes are systemctl(1)'s (LSB) EXIT STATUS table.
//
//   exit  meaning                        vermilionctl
//   0     success / unit is active       every command that did what it was asked
//   1     generic failure                a job failed, access denied, no bridge on
//                                        the bus, a usage error (as systemctl)
//   3     unit is not active             status, is-active
//   4     no such unit                   any command naming a unit that is not
//                                        loaded (systemctl start really returns
//                                        5 there; the manual's table says 4, and
//                                        we use 4 everywhere), except is-active
//                                        (prints "inactive", exits 3, as
//                                        systemctl does for unknown units)
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ctl/ctl_control.h"
#include "common/error_names.h"

namespace vermilion::ctl {

inline constexpr int kExitSuccess = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitNotActive = 3;
inline constexpr int kExitNoSuchUnit = 4;

// Ours, from the shared list; then what the bus daemon says when nobody
// owns org.vermilion1 or an object is gone.
namespace bus_error {
inline constexpr std::string_view kNoSuchService = error_names::kNoSuchService;
inline constexpr std::string_view kStartFailed = error_names::kStartFailed;
inline constexpr std::string_view kJobFailed = error_names::kJobFailed;
inline constexpr std::string_view kUnavailable = error_names::kUnavailable;
inline constexpr std::string_view kAccessDenied = error_names::kAccessDenied;
inline constexpr std::string_view kInvalidArgs = error_names::kInvalidArgs;
inline constexpr std::string_view kServiceUnknown = "org.freedesktop.DBus.Error.ServiceUnknown";
inline constexpr std::string_view kNameHasNoOwner = "org.freedesktop.DBus.Error.NameHasNoOwner";
inline constexpr std::string_view kUnknownObject = "org.freedesktop.DBus.Error.UnknownObject";
}  // namespace bus_error

enum class ErrorKind {
  no_such_service,  // NoSuchService; UnknownObject (the object went away between two calls)
  access_denied,
  job_failed,       // StartFailed, JobFailed
  no_bridge,        // nobody owns org.vermilion1 on this bus
  other,
};

[[nodiscard]] ErrorKind classify(const BusError& error);

// What to print on stderr (whole lines, each ending in '\n') and the exit code.
struct Failure {
  std::string text;
  int exit_code = kExitFailure;
};

// A failed call. `what` completes "Failed to ...": "start web.service",
// "kill unit web.service", "list units". `unit` is the unit the call named,
// empty if none.
//   NoSuchService  "Failed to start web.service: Unit web.service not found."  4
//   AccessDenied   "Failed to stop web.service: Access denied"                 1
//   no bridge      "Failed to connect to org.vermilion1: <message>"            1
//   anything else  "Failed to start web.service: <message>"                    1
// Job failures go through describe_job_failure() instead.
[[nodiscard]] Failure describe_failure(std::string_view what, std::string_view unit, const BusError& error);

// A known job result or service Result named in a job error's message (the
// unit's own name is not searched: "timeout.service" names no result).
[[nodiscard]] std::optional<std::string> result_in_message(std::string_view message, std::string_view unit);

// A StartFailed/JobFailed reply, told as systemctl tells a failed job, e.g.
//   Job for web.service failed because the control process exited with error code.
//   See 'vermilionctl status web.service' for details.
// The reason is the job or service result the message names, else
// `service_result` (the Result property, read after the failure, as systemctl
// does), else the message itself. `ctl` is how to invoke vermilionctl again
// ("vermilionctl --user"). Exit code 1.
[[nodiscard]] Failure describe_job_failure(std::string_view unit, const BusError& error,
                                           std::optional<std::string> service_result, std::string_view ctl);

// The bus itself cannot be reached (connect_bus() failed), as systemctl says
// it: "Failed to connect to bus: No such file or directory". sdbus-c++ puts
// the reason in parentheses after its own words; only the reason is shown.
[[nodiscard]] Failure describe_connect_failure(const BusError& error);

}  // namespace vermilion::ctl
