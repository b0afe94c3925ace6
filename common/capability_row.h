// One capability as the private link lists it (Link.ListCapabilities,
// Link.CapabilityReceived, ManagerCapability.ListCapabilitiesOf): what a
// holder may know of a capability. The broker's own record
// (daemon/broker/capability_table.h) has more (its id, parent, origin),
// none of which leaves vermiliond.
#pragma once

#include <cstdint>
#include <string>

#include "common/rights.h"

namespace vermilion {

struct CapabilityRow {
  std::uint32_t slot = 0;
  CapabilityKind kind = CapabilityKind::service;
  std::string object;  // service name or glob, endpoint's service, fd name; "" for manager
  Rights rights = 0;
  std::uint64_t badge = 0;
  // "/org/vermilion1/link/cap/SLOT" on the holder's own link; "" in
  // ListCapabilitiesOf, whose slots name nothing on the asking link.
  std::string path;

  friend bool operator==(const CapabilityRow&, const CapabilityRow&) = default;
};

}  // namespace vermilion
