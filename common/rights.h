// Capability kinds and their rights, as bit sets.
//
// Every kind has a fixed set of rights that make sense for it (the table in
// ARCHITECTURE.md, "Capabilities"). Policies name rights as words
// ("status restart"); parse_rights() turns them into bits and refuses a word
// that is not a right of the capability's kind, so a capability can never
// carry a right its kind does not have. Rights only ever shrink from a
// capability to the ones derived from it: is_subset() is that check.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vermilion {

enum class CapabilityKind { service, manager, endpoint, fd };

using Rights = std::uint32_t;  // bit set of rights::*

namespace rights {
// The order of the bits is the order rights_to_string() prints them in.
inline constexpr Rights status = 1;
inline constexpr Rights start = 2;
inline constexpr Rights stop = 4;
inline constexpr Rights restart = 8;
inline constexpr Rights kill = 16;
inline constexpr Rights logs = 32;
inline constexpr Rights list = 64;
inline constexpr Rights watch = 128;
inline constexpr Rights reload = 256;
inline constexpr Rights connect = 512;
inline constexpr Rights grant = 1024;
inline constexpr Rights use = 2048;
inline constexpr Rights inspect = 4096;
inline constexpr Rights enable = 8192;
inline constexpr Rights isolate = 16384;
inline constexpr Rights bus_names = 32768;
inline constexpr Rights all_known = 65535;  // every bit above
}  // namespace rights

// service: status start stop restart kill logs reload; manager: list watch
// reload inspect enable isolate bus-names; endpoint: connect grant; fd: use.
// `isolate` (systemctl isolate) is the manager's: it starts a unit and
// stops every other, which no capability for one service may do. `bus-names`
// (the bridge's) reports who owns which D-Bus names, which Type=dbus services
// wait for (systemd.service(5) BusName=). `reload` is one bit for
// both kinds: on a service capability it reloads that service (ExecReload=),
// on the manager it reloads units and policies.
[[nodiscard]] Rights allowed_rights(CapabilityKind kind);

// "service", "manager", "endpoint", "fd"; nothing else (case matters).
[[nodiscard]] std::optional<CapabilityKind> parse_kind(std::string_view word);
[[nodiscard]] const char* to_string(CapabilityKind kind);

struct RightsParse {
  std::optional<Rights> rights;  // set on success
  std::string error;             // set on failure, names the bad word and the kind
};

// Words separated by spaces or tabs, in any order; a repeated word counts
// once. No words at all is an empty set (0), which is valid: a capability
// that can be held and listed but not used. A word that is not a right of
// `kind` (whether it is a right of another kind or no right at all) fails
// with "'connect' is not a right of service capabilities".
[[nodiscard]] RightsParse parse_rights(CapabilityKind kind, std::string_view words);

// "status restart": the names of the set bits in the order of rights::*,
// separated by one space; "" for 0. Bits that are no right at all are
// appended as one hexadecimal number ("status 0x10000") rather than hidden.
[[nodiscard]] std::string rights_to_string(Rights set);

// Every right in `sub` is also in `super`.
[[nodiscard]] constexpr bool is_subset(Rights sub, Rights super) { return (sub & ~super) == 0; }

}  // namespace vermilion
