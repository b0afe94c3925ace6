// A cgroup's IP firewall: two eBPF programs of type BPF_PROG_TYPE_CGROUP_SKB
// (ingress: the source address; egress: the destination) that look each
// IPv4/IPv6 packet of the cgroup's sockets up in LPM-trie maps of allowed
// and denied prefixes. Built instruction for instruction as systemd 252's
// bpf_firewall_compile_bpf() (src/core/bpf-firewall.c) builds them: a
// packet is let through if an allowed prefix matches, else dropped if a
// denied one does, else let through.
#pragma once

#include <linux/bpf.h>

#include <cstdint>
#include <string>
#include <vector>

namespace vermilion {

struct FirewallPrefix {
  bool ipv6 = false;
  std::uint8_t address[16] = {};  // network order, 4 bytes used for IPv4
  unsigned prefixlen = 0;
};

struct FirewallRules {
  // "any" sets stand for themselves (no map; systemd skips the map, which
  // would need CAP_SYS_ADMIN, for them).
  bool allow_any = false, deny_any = false;
  std::vector<FirewallPrefix> allow, deny;  // ignored where the *_any is set
  [[nodiscard]] bool empty() const { return !allow_any && !deny_any && allow.empty() && deny.empty(); }
};

// The maps' fds (-1: none) a program looks addresses up in.
struct FirewallMapFds {
  int allow4 = -1, allow6 = -1, deny4 = -1, deny6 = -1;
};
// One direction's program (ingress: the packet's source address; egress:
// its destination), for the maps given and the "any" sets.
[[nodiscard]] std::vector<bpf_insn> build_firewall_program(const FirewallMapFds& maps, bool allow_any, bool deny_any,
                                                           bool ingress);

// Puts the firewall for `rules` on the cgroup directory `cgroup_fd`
// (BPF_CGROUP_INET_INGRESS and _EGRESS, BPF_F_ALLOW_MULTI); with `replace`,
// in place of the ones attached there before (platform/bpf_program.h). Empty
// rules only take the old ones away. 0, or -errno with `error` set.
[[nodiscard]] int install_ip_firewall(int cgroup_fd, const FirewallRules& rules, bool replace, std::string& error);

}  // namespace vermilion
