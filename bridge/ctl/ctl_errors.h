// What vermilionctl says, and with which exit code, when a call fails. Texts
// follow systemctl's; exit codes are systemctl(1)'s (LSB) EXIT STATUS table.
//
//   exit  meaning                        vermilionctl
//   0     success / unit is active       every command that did what it was asked
//   1     generic failure                a job failed (also "dependency": a
//                                        Requisite= not active), access denied, a unit
//                                        with a bad setting or that failed to load
//                                        (as systemctl: BadUnitSetting is 1), no
//                                        bridge on the bus, a usage error (as systemctl)
//   3     unit is not active             status, is-active
//   4     no such unit                   any command naming a unit that is not
//                                        loaded, and a start needing one that does
//                                        not exist (Requires=, Requisite=; the
//                                        message names it). systemctl start really
//                                        returns 5 there; the manual's table says
//                                        4, and we use 4 everywhere, except
//                                        is-active (prints "inactive", exits 3, as
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
inline constexpr std::string_view kBadSetting = error_names::kBadSetting;
inline constexpr std::string_view kLoadFailed = error_names::kLoadFailed;
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
  unit_broken,      // BadSetting, LoadFailed: the unit (or one it requires) exists but does not load
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
// empty if none. As systemctl, the server's message is shown: vermiliond
// names the unit at fault, which may be one the named unit requires.
//   NoSuchService  "Failed to start web.service: <message>"                    4
//                  (without a message, or UnknownObject:
//                  "Failed to start web.service: Unit web.service not found.")
//   BadSetting     "Failed to start web.service: Unit web.service has a bad unit file setting."
//                  "See vermiliond's log and 'vermilionctl status web.service' for details."  1
//   LoadFailed     likewise, "Unit web.service failed to load properly..."  1
//   AccessDenied   "Failed to stop web.service: Access denied"                 1
//   no bridge      "Failed to connect to org.vermilion1: <message>"            1
//   anything else  "Failed to start web.service: <message>"                    1
// `ctl` is how to invoke vermilionctl again, for the hint. Job failures go
// through describe_job_failure() instead.
[[nodiscard]] Failure describe_failure(std::string_view what, std::string_view unit, const BusError& error,
                                       std::string_view ctl = "vermilionctl");

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
