// IPAddressAllow= and IPAddressDeny= (systemd.resource-control(5)): sets of
// address prefixes, as systemd 252 parses and keeps them
// (src/shared/in-addr-prefix-util.c). The firewall they make is built per
// run (platform/ip_firewall.h).
#pragma once

#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vermilion {

struct IPAddressPrefix {
  int family = AF_INET;                  // AF_INET or AF_INET6
  std::array<std::uint8_t, 16> address{};  // network order; bits past prefixlen are 0
  std::uint8_t prefixlen = 0;
  auto operator<=>(const IPAddressPrefix&) const = default;
  [[nodiscard]] unsigned address_bytes() const { return family == AF_INET ? 4 : 16; }
};

// "ADDRESS/LEN" (or the full length without "/LEN") as systemd's
// in_addr_prefix_to_string() writes it.
[[nodiscard]] std::string to_string(const IPAddressPrefix& prefix);

// One IPAddressAllow=/IPAddressDeny= assignment added to `set` (sorted, no
// duplicates) as config_parse_in_addr_prefixes() does: words split on
// whitespace; "any", "localhost", "link-local", "multicast" stand for an
// IPv4 and an IPv6 prefix each; anything else is an address with an
// optional "/LEN". Words that are none of these go to `invalid` (systemd:
// "Address prefix is invalid, ignoring assignment: WORD"), the others
// still count. False when the value cannot be split (unbalanced quotes).
[[nodiscard]] bool add_ip_address_prefixes(std::vector<IPAddressPrefix>& set, std::string_view value,
                                           std::vector<std::string>& invalid);

// in_addr_prefixes_reduce(): drops each prefix that a shorter one in the
// set covers (a /0 covers its whole family).
void reduce_ip_address_prefixes(std::vector<IPAddressPrefix>& set);

// in_addr_prefixes_is_any(): 0.0.0.0/0 and ::/0 are both in the set.
[[nodiscard]] bool ip_address_prefixes_are_any(const std::vector<IPAddressPrefix>& set);

}  // namespace vermilion
