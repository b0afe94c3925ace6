// The errors org.vermilion1 answers with (interfaces/org.vermilion1.xml),
// and how errors from the private link become them. sdbus-c++ turns a thrown
// sdbus::Error into the D-Bus error reply; these build them.
#pragma once

#include <sdbus-c++/Error.h>

#include <string>
#include <string_view>

#include "link_client/broker_link.h"
#include "common/error_names.h"

namespace vermilion::bridge::errors {

// A caller's string shown in an error message: at most 64 bytes, ASCII
// only (control and non-ASCII bytes as \xNN), so a hostile name can neither
// flood nor forge log lines, nor make the reply invalid UTF-8.
[[nodiscard]] std::string printable(std::string_view text);

[[nodiscard]] sdbus::Error no_such_service(std::string_view name);
[[nodiscard]] sdbus::Error invalid_args(const std::string& message);
[[nodiscard]] sdbus::Error access_denied(const std::string& message);

enum class JobKind { start, stop, restart, reload };

// A link error for a call about `service`. JobFailed becomes StartFailed
// for start and restart (with the service's Result), JobFailed otherwise;
// NoSuchService, BadSetting and LoadFailed keep vermiliond's message, which
// names the unit at fault (the service, or one it requires); the bridge's
// missing or revoked capability becomes AccessDenied.
[[nodiscard]] sdbus::Error from_link(const LinkError& error, std::string_view service, const JobKind* job,
                                     std::string_view result);

}  // namespace vermilion::bridge::errors
