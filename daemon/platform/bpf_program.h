// eBPF programs and maps for a cgroup, through bpf(2) (no libbpf: what we
// need is four commands): load a program, put it on a cgroup in place of
// the ones of its attach type already there, and the LPM-trie maps the IP
// firewall looks addresses up in. The instruction encodings are the
// kernel's include/linux/filter.h macros (not in the UAPI headers), as
// systemd's src/shared/linux/bpf_insn.h has them.
#pragma once

#include <linux/bpf.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/unique_fd.h"

namespace vermilion::bpf {

constexpr bpf_insn mov32_reg(std::uint8_t dst, std::uint8_t src) { return {BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0}; }
constexpr bpf_insn mov64_reg(std::uint8_t dst, std::uint8_t src) {
  return {BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0};
}
constexpr bpf_insn mov32_imm(std::uint8_t dst, std::int32_t imm) { return {BPF_ALU | BPF_MOV | BPF_K, dst, 0, 0, imm}; }
constexpr bpf_insn mov64_imm(std::uint8_t dst, std::int32_t imm) {
  return {BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm};
}
constexpr bpf_insn alu32_imm(std::uint8_t op, std::uint8_t dst, std::int32_t imm) {
  return {static_cast<std::uint8_t>(BPF_ALU | op | BPF_K), dst, 0, 0, imm};
}
constexpr bpf_insn alu64_imm(std::uint8_t op, std::uint8_t dst, std::int32_t imm) {
  return {static_cast<std::uint8_t>(BPF_ALU64 | op | BPF_K), dst, 0, 0, imm};
}
constexpr bpf_insn jmp_reg(std::uint8_t op, std::uint8_t dst, std::uint8_t src, std::int16_t off) {
  return {static_cast<std::uint8_t>(BPF_JMP | op | BPF_X), dst, src, off, 0};
}
constexpr bpf_insn jmp_imm(std::uint8_t op, std::uint8_t dst, std::int32_t imm, std::int16_t off) {
  return {static_cast<std::uint8_t>(BPF_JMP | op | BPF_K), dst, 0, off, imm};
}
constexpr bpf_insn jmp_always(std::int16_t off) { return {BPF_JMP | BPF_JA, 0, 0, off, 0}; }
constexpr bpf_insn load_word(std::uint8_t dst, std::uint8_t src, std::int16_t off) {
  return {BPF_LDX | BPF_W | BPF_MEM, dst, src, off, 0};
}
constexpr bpf_insn store_word_imm(std::uint8_t dst, std::int16_t off, std::int32_t imm) {
  return {BPF_ST | BPF_W | BPF_MEM, dst, 0, off, imm};
}
constexpr bpf_insn call(std::int32_t helper) { return {BPF_JMP | BPF_CALL, 0, 0, 0, helper}; }
constexpr bpf_insn exit_insn() { return {BPF_JMP | BPF_EXIT, 0, 0, 0, 0}; }
// BPF_LD_MAP_FD: one instruction in two slots.
inline void load_map_fd(std::vector<bpf_insn>& p, std::uint8_t dst, int map_fd) {
  p.push_back({BPF_LD | BPF_DW | BPF_IMM, dst, BPF_PSEUDO_MAP_FD, 0, map_fd});
  p.push_back({0, 0, 0, 0, 0});
}

// BPF_PROG_LOAD with the GPL licence. 0 and `out`, or -errno (-EPERM
// without CAP_BPF/CAP_SYS_ADMIN); `error` then has the verifier's log for
// a program it refused.
[[nodiscard]] int load_program(bpf_prog_type type, const char* name, const std::vector<bpf_insn>& program,
                               unique_fd& out, std::string& error);

// Attaches `program` (-1: none) to the cgroup directory `cgroup_fd` with
// BPF_F_ALLOW_MULTI. With `replace`, then detaches every other program of
// `type` attached to that cgroup itself before (an earlier run's, on a
// cgroup that outlived it), so the cgroup is never without a filter while
// one is wanted; listing them needs CAP_NET_ADMIN, taking one CAP_SYS_ADMIN
// (a new cgroup has none: no `replace`, none of that). 0, or -errno with
// `error` set.
[[nodiscard]] int replace_cgroup_program(int cgroup_fd, bpf_attach_type type, int program, bool replace,
                                         std::string& error);

// A BPF_MAP_TYPE_LPM_TRIE of `max_entries` keys of a 32-bit prefix length
// and `address_bytes` of address, with 64-bit values. 0 or -errno.
[[nodiscard]] int create_lpm_trie(unsigned address_bytes, unsigned max_entries, unique_fd& out);
// One key (prefix length, address in network order) into such a map.
[[nodiscard]] int add_lpm_prefix(int map_fd, unsigned prefixlen, const std::uint8_t* address, unsigned address_bytes,
                                 std::uint64_t value);

}  // namespace vermilion::bpf
