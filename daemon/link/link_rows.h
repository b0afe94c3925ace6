// What the private link tells of the broker's records, in the wire's plain
// structs (common/link_wire.h): a capability as a row with its object path,
// a [Bus] rule as text, and the path <-> slot mapping of capability objects.
#pragma once

#include <string>
#include <vector>

#include "broker/capability_table.h"
#include "broker/policy.h"
#include "common/bus_rule_text.h"
#include "common/capability_row.h"

namespace vermilion {

// "/org/vermilion1/link/cap/7" for slot 7.
[[nodiscard]] std::string capability_path(Slot slot);
// The slot a capability path names; 0 when it names none (another path, a
// zero, a leading zero, more than 32 bits).
[[nodiscard]] Slot capability_slot(const char* path);

// The row of `cap`, with its path on its holder's link.
[[nodiscard]] CapabilityRow capability_row(const Capability& cap);
[[nodiscard]] std::vector<CapabilityRow> capability_rows(const std::vector<const Capability*>& caps);

// Users, groups and glob as written; rights as words; where as "file:line".
[[nodiscard]] BusRuleText bus_rule_text(const BusRule& rule);
[[nodiscard]] std::vector<BusRuleText> bus_rule_texts(const std::vector<BusRule>& rules);

}  // namespace vermilion
