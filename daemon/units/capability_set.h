// Capability sets as unit files write them (CapabilityBoundingSet=,
// AmbientCapabilities=; systemd.exec(5)), held as systemd holds them: a
// 64-bit mask, bit N for capability N (CAP_CHOWN is bit 0). Names come from
// libcap (cap_from_name(): "cap_chown", any case, or a number).
#pragma once

#include <cstdint>
#include <string_view>

namespace vermilion {

// systemd's CAP_ALL: every bit set, CapabilityBoundingSet='s default.
inline constexpr std::uint64_t kAllCapabilities = UINT64_MAX;

// systemd 252's capability_set_from_string(): the union of the words of
// `text` (split and unquoted as extract_first_word(EXTRACT_UNQUOTE) does).
// A word that is no capability name and no number 0-63 is skipped, as
// systemd skips it; splitting stops at an unterminated quote. Returns the
// mask.
[[nodiscard]] std::uint64_t capability_set_from_string(std::string_view text);

// systemd 252's config_parse_capability_set() for one assignment: a
// leading "~" inverts the words; an empty set (or "~" alone) or a `current`
// still at `initial` (kAllCapabilities for the bounding set, 0 for ambient)
// replaces it, anything else is merged (or-ed in, or with "~" masked out).
[[nodiscard]] std::uint64_t apply_capability_assignment(std::uint64_t current, std::uint64_t initial,
                                                        std::string_view value);

}  // namespace vermilion
