#include "exec/ip_access.h"

#include <algorithm>

namespace vermilion {
namespace {

// A reduced set as the firewall takes it: "any" (both families' /0, no
// map needed) or its prefixes.
void convert(std::vector<IPAddressPrefix> set, bool& any, std::vector<FirewallPrefix>& out) {
  reduce_ip_address_prefixes(set);
  any = ip_address_prefixes_are_any(set);
  if (any) return;
  for (const IPAddressPrefix& p : set) {
    FirewallPrefix f;
    f.ipv6 = p.family == AF_INET6;
    std::copy_n(p.address.begin(), p.address_bytes(), f.address);
    f.prefixlen = p.prefixlen;
    out.push_back(f);
  }
}

}  // namespace

FirewallRules plan_ip_firewall(std::vector<IPAddressPrefix> allow, std::vector<IPAddressPrefix> deny) {
  FirewallRules rules;
  convert(std::move(allow), rules.allow_any, rules.allow);
  convert(std::move(deny), rules.deny_any, rules.deny);
  return rules;
}

}  // namespace vermilion
