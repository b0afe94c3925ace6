// What IPAddressAllow= and IPAddressDeny= ask of a run's cgroup: the
// firewall's rules (platform/ip_firewall.h), from the reduced prefix sets
// as systemd 252's bpf_firewall_prepare_access_maps() makes them.
#pragma once

#include <vector>

#include "platform/ip_firewall.h"
#include "units/ip_address_prefix.h"

namespace vermilion {

[[nodiscard]] FirewallRules plan_ip_firewall(std::vector<IPAddressPrefix> allow, std::vector<IPAddressPrefix> deny);

}  // namespace vermilion
