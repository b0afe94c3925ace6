// The firewall programs, instruction for instruction as systemd 252's
// bpf_firewall_compile_bpf() builds them. (The kernel's verdicts: the
// conformance case ip-address-filter and tests/integration/
// cgroup_filters_kernel_test.cpp.)
#include "platform/ip_firewall.h"

#include <endian.h>
#include <linux/if_ether.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>

#include <gtest/gtest.h>

namespace vermilion {
namespace {

// The 15 slots of one lookup block start at `at`: protocol check, load the
// address (offset in slot at+2), the map (at+7, two slots), the verdict.
void expect_lookup(const std::vector<bpf_insn>& p, std::size_t at, int map_fd, int protocol, int offset, int size,
                   int verdict) {
  ASSERT_GE(p.size(), at + 15);
  EXPECT_EQ(p[at].code, BPF_JMP | BPF_JNE | BPF_K);
  EXPECT_EQ(p[at].imm, htobe16(protocol));
  EXPECT_EQ(p[at].off, 14) << "past the whole block";
  EXPECT_EQ(p[at + 2].imm, offset);
  EXPECT_EQ(p[at + 4].imm, -size);
  EXPECT_EQ(p[at + 6].imm, BPF_FUNC_skb_load_bytes);
  EXPECT_EQ(p[at + 7].code, BPF_LD | BPF_DW | BPF_IMM);
  EXPECT_EQ(p[at + 7].src_reg, BPF_PSEUDO_MAP_FD);
  EXPECT_EQ(p[at + 7].imm, map_fd);
  EXPECT_EQ(p[at + 8].code, 0);
  EXPECT_EQ(p[at + 10].imm, -size - 4) << "the key: prefix length, then the address";
  EXPECT_EQ(p[at + 11].imm, size * 8) << "a full-length prefix";
  EXPECT_EQ(p[at + 12].imm, BPF_FUNC_map_lookup_elem);
  EXPECT_EQ(p[at + 14].imm, verdict);
}

TEST(IPFirewall, IngressLooksUpTheSourceEgressTheDestination) {
  const FirewallMapFds maps{.allow4 = -1, .allow6 = 11, .deny4 = 10, .deny6 = -1};
  auto in = build_firewall_program(maps, false, false, true);
  auto out = build_firewall_program(maps, false, false, false);
  // prologue 3, two lookups of 15 slots (the map load takes two), epilogue 4
  ASSERT_EQ(in.size(), 3u + 15 * 2 + 4);
  expect_lookup(in, 3, 10, ETH_P_IP, offsetof(iphdr, saddr), 4, 2);
  expect_lookup(in, 18, 11, ETH_P_IPV6, offsetof(ip6_hdr, ip6_src), 16, 1);
  expect_lookup(out, 3, 10, ETH_P_IP, offsetof(iphdr, daddr), 4, 2);
  expect_lookup(out, 18, 11, ETH_P_IPV6, offsetof(ip6_hdr, ip6_dst), 16, 1);
  // r0 = 1; if r8 != DENIED skip; r0 = 0; exit.
  EXPECT_EQ(in[33].imm, 1);
  EXPECT_EQ(in[34].imm, 2);
  EXPECT_EQ(in[35].imm, 0);
  EXPECT_EQ(in[36].code, BPF_JMP | BPF_EXIT);
}

TEST(IPFirewall, AnyNeedsNoMap) {
  auto p = build_firewall_program({}, true, true, true);
  ASSERT_EQ(p.size(), 3u + 2 + 4);
  EXPECT_EQ(p[3].code, BPF_ALU | BPF_OR | BPF_K);
  EXPECT_EQ(p[3].imm, 1);
  EXPECT_EQ(p[4].imm, 2) << "both set: allowed wins";
}

}  // namespace
}  // namespace vermilion
