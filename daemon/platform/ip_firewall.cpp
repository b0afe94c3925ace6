#include "platform/ip_firewall.h"

#include <endian.h>
#include <linux/if_ether.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <tuple>

#include "common/unique_fd.h"
#include "platform/bpf_program.h"

namespace vermilion {
namespace {

using namespace bpf;  // NOLINT: the instruction builders

constexpr int kAccessAllowed = 1, kAccessDenied = 2;

// add_lookup_instructions(): if the packet is of this family, load its
// address onto the stack behind a full-length prefix length, look it up,
// and set `verdict` in r8 on a match.
void add_lookup(std::vector<bpf_insn>& p, int map_fd, bool ipv6, bool ingress, int verdict) {
  const int size = ipv6 ? 16 : 4;
  const int offset = ipv6 ? (ingress ? offsetof(ip6_hdr, ip6_src) : offsetof(ip6_hdr, ip6_dst))
                          : (ingress ? offsetof(iphdr, saddr) : offsetof(iphdr, daddr));
  const std::size_t start = p.size();
  p.push_back(jmp_imm(BPF_JNE, BPF_REG_7, htobe16(ipv6 ? ETH_P_IPV6 : ETH_P_IP), 0));  // fixed below
  p.push_back(mov64_reg(BPF_REG_1, BPF_REG_6));
  p.push_back(mov32_imm(BPF_REG_2, offset));
  p.push_back(mov64_reg(BPF_REG_3, BPF_REG_10));
  p.push_back(alu64_imm(BPF_ADD, BPF_REG_3, -size));
  p.push_back(mov32_imm(BPF_REG_4, size));
  p.push_back(call(BPF_FUNC_skb_load_bytes));
  load_map_fd(p, BPF_REG_1, map_fd);
  p.push_back(mov64_reg(BPF_REG_2, BPF_REG_10));
  p.push_back(alu64_imm(BPF_ADD, BPF_REG_2, -size - 4));
  p.push_back(store_word_imm(BPF_REG_2, 0, size * 8));
  p.push_back(call(BPF_FUNC_map_lookup_elem));
  p.push_back(jmp_imm(BPF_JEQ, BPF_REG_0, 0, 1));
  p.push_back(alu32_imm(BPF_OR, BPF_REG_8, verdict));
  p[start].off = static_cast<std::int16_t>(p.size() - start - 1);
}

struct Maps {
  unique_fd allow4, allow6, deny4, deny6;
};

// bpf_firewall_prepare_access_maps(): one map per family that has prefixes.
int make_maps(const std::vector<FirewallPrefix>& prefixes, int verdict, unique_fd& v4, unique_fd& v6,
              std::string& error) {
  unsigned n4 = 0, n6 = 0;
  for (const FirewallPrefix& prefix : prefixes) ++(prefix.ipv6 ? n6 : n4);
  for (auto [count, bytes, fd] : {std::tuple{n4, 4u, &v4}, std::tuple{n6, 16u, &v6}}) {
    if (count == 0) continue;
    if (int r = create_lpm_trie(bytes, count, *fd); r < 0) {
      error = std::string("creating an address map: ") + std::strerror(-r);
      return r;
    }
  }
  for (const FirewallPrefix& prefix : prefixes) {
    const int r = add_lpm_prefix(prefix.ipv6 ? v6.get() : v4.get(), prefix.prefixlen, prefix.address,
                                 prefix.ipv6 ? 16 : 4, static_cast<std::uint64_t>(verdict));
    if (r < 0) {
      error = std::string("filling an address map: ") + std::strerror(-r);
      return r;
    }
  }
  return 0;
}

}  // namespace

std::vector<bpf_insn> build_firewall_program(const FirewallMapFds& maps, bool allow_any, bool deny_any, bool ingress) {
  std::vector<bpf_insn> p;
  p.push_back(mov64_reg(BPF_REG_6, BPF_REG_1));  // the skb, kept across calls
  p.push_back(load_word(BPF_REG_7, BPF_REG_6, offsetof(__sk_buff, protocol)));
  p.push_back(mov32_imm(BPF_REG_8, 0));  // allowed/denied bits
  if (maps.deny4 >= 0) add_lookup(p, maps.deny4, false, ingress, kAccessDenied);
  if (maps.deny6 >= 0) add_lookup(p, maps.deny6, true, ingress, kAccessDenied);
  if (maps.allow4 >= 0) add_lookup(p, maps.allow4, false, ingress, kAccessAllowed);
  if (maps.allow6 >= 0) add_lookup(p, maps.allow6, true, ingress, kAccessAllowed);
  if (allow_any) p.push_back(alu32_imm(BPF_OR, BPF_REG_8, kAccessAllowed));
  if (deny_any) p.push_back(alu32_imm(BPF_OR, BPF_REG_8, kAccessDenied));
  // Dropped only if denied and not allowed.
  p.push_back(mov64_imm(BPF_REG_0, 1));
  p.push_back(jmp_imm(BPF_JNE, BPF_REG_8, kAccessDenied, 1));
  p.push_back(mov64_imm(BPF_REG_0, 0));
  p.push_back(exit_insn());
  return p;
}

int install_ip_firewall(int cgroup_fd, const FirewallRules& rules, bool replace, std::string& error) {
  unique_fd ingress, egress;
  if (!rules.empty()) {
    Maps maps;
    if (!rules.allow_any) {
      if (int r = make_maps(rules.allow, kAccessAllowed, maps.allow4, maps.allow6, error); r < 0) return r;
    }
    if (!rules.deny_any) {
      if (int r = make_maps(rules.deny, kAccessDenied, maps.deny4, maps.deny6, error); r < 0) return r;
    }
    // The programs hold the maps: their fds go when this returns.
    const FirewallMapFds fds{maps.allow4 ? maps.allow4.get() : -1, maps.allow6 ? maps.allow6.get() : -1,
                             maps.deny4 ? maps.deny4.get() : -1, maps.deny6 ? maps.deny6.get() : -1};
    for (bool in : {true, false}) {
      auto program = build_firewall_program(fds, rules.allow_any, rules.deny_any, in);
      if (int r = load_program(BPF_PROG_TYPE_CGROUP_SKB, in ? "vm_fw_ingress" : "vm_fw_egress", program,
                               in ? ingress : egress, error);
          r < 0)
        return r;
    }
  }
  // Egress first, as systemd; a failure on one still leaves the other
  // direction its new program.
  std::string egress_error;
  const int e = replace_cgroup_program(cgroup_fd, BPF_CGROUP_INET_EGRESS, egress ? egress.get() : -1, replace,
                                       egress_error);
  const int i = replace_cgroup_program(cgroup_fd, BPF_CGROUP_INET_INGRESS, ingress ? ingress.get() : -1, replace, error);
  if (e < 0) {
    error = "egress: " + egress_error;
    return e;
  }
  if (i < 0) error = "ingress: " + error;
  return i;
}

}  // namespace vermilion
