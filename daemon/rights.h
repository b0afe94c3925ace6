// Capability kinds and the rights each kind can carry. A right is one bit;
// a capability's rights are a set of them, and they only ever shrink when a
// capability is derived or granted (is_subset is that check).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vermilion {

enum class CapabilityKind { service, manager, endpoint, fd };

using Rights = std::uint32_t;

namespace rights {
inline constexpr Rights status = 1, start = 2, stop = 4, restart = 8, kill = 16, logs = 32, list = 64,
                        watch = 128, reload = 256, connect = 512, grant = 1024, use = 2048;
}  // namespace rights

// service: status start stop restart kill logs; manager: list watch reload;
// endpoint: connect grant; fd: use.
[[nodiscard]] Rights allowed_rights(CapabilityKind kind);

// "service", "manager", "endpoint", "fd" (exact, lower case).
[[nodiscard]] std::optional<CapabilityKind> parse_kind(std::string_view s);
[[nodiscard]] const char* to_string(CapabilityKind kind);

struct RightsParse {
  std::optional<Rights> rights;
  std::string error;  // set exactly when rights is empty
};

// Whitespace-separated right names ("status restart"), each allowed for
// kind; repeats are harmless. No words at all is an error: a capability
// without rights is a mistake, not a grant. The error names every unknown or
// disallowed word.
[[nodiscard]] RightsParse parse_rights(CapabilityKind kind, std::string_view words);

// Names in bit order, space separated ("status restart"); "" for none.
[[nodiscard]] std::string rights_to_string(Rights r);

[[nodiscard]] bool is_subset(Rights sub, Rights super);

}  // namespace vermilion
