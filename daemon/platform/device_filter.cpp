#include "platform/device_filter.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "common/unique_fd.h"
#include "platform/bpf_program.h"

namespace vermilion {
namespace {

using namespace bpf;  // NOLINT: the instruction builders

// A jump to the final "allow", fixed up once the program's length is known.
constexpr std::int16_t kPassJump = 4096;
constexpr unsigned kAllAccess = kDeviceRead | kDeviceWrite | kDeviceMknod;

// r2 = device type, r3 = access, r4 = major, r5 = minor.
void add_prologue(std::vector<bpf_insn>& p) {
  p.push_back(load_word(BPF_REG_2, BPF_REG_1, offsetof(bpf_cgroup_dev_ctx, access_type)));
  p.push_back(alu32_imm(BPF_AND, BPF_REG_2, 0xFFFF));
  p.push_back(load_word(BPF_REG_3, BPF_REG_1, offsetof(bpf_cgroup_dev_ctx, access_type)));
  p.push_back(alu32_imm(BPF_RSH, BPF_REG_3, 16));
  p.push_back(load_word(BPF_REG_4, BPF_REG_1, offsetof(bpf_cgroup_dev_ctx, major)));
  p.push_back(load_word(BPF_REG_5, BPF_REG_1, offsetof(bpf_cgroup_dev_ctx, minor)));
}

// bpf_prog_allow_list_device(), _major() and _class() in one: the access
// check is left out when the rule allows everything; each later check
// jumps past the rule (to the next one) on a mismatch.
void add_rule(std::vector<bpf_insn>& p, const DeviceRule& rule) {
  const std::int16_t checks = 1 + (rule.major ? 1 : 0) + (rule.minor ? 1 : 0);
  if ((rule.access & kAllAccess) != kAllAccess) {
    p.push_back(mov32_reg(BPF_REG_1, BPF_REG_3));
    p.push_back(alu32_imm(BPF_AND, BPF_REG_1, static_cast<std::int32_t>(rule.access)));
    p.push_back(jmp_reg(BPF_JNE, BPF_REG_1, BPF_REG_3, checks + 1));
  }
  const int type = rule.type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK;
  std::int16_t left = checks;
  p.push_back(jmp_imm(BPF_JNE, BPF_REG_2, type, left--));
  if (rule.major) p.push_back(jmp_imm(BPF_JNE, BPF_REG_4, static_cast<std::int32_t>(*rule.major), left--));
  if (rule.minor) p.push_back(jmp_imm(BPF_JNE, BPF_REG_5, static_cast<std::int32_t>(*rule.minor), left--));
  p.push_back(jmp_always(kPassJump));
}

}  // namespace

std::vector<bpf_insn> build_device_program(const std::vector<DeviceRule>& rules, bool deny_everything) {
  std::vector<bpf_insn> p;
  if (!deny_everything || !rules.empty()) add_prologue(p);
  for (const DeviceRule& rule : rules) add_rule(p, rule);
  if (!deny_everything) {
    p.push_back(mov64_imm(BPF_REG_0, 0));  // nothing matched: deny
    p.push_back(jmp_always(1));
    for (std::size_t i = 0; i < p.size(); ++i)
      if (p[i].code == (BPF_JMP | BPF_JA) && p[i].off == kPassJump)
        p[i].off = static_cast<std::int16_t>(p.size() - i - 1);
  }
  p.push_back(mov64_imm(BPF_REG_0, deny_everything ? 0 : 1));
  p.push_back(exit_insn());
  return p;
}

int install_device_program(int cgroup_fd, const std::vector<bpf_insn>& program, bool replace, std::string& error) {
  unique_fd loaded;
  if (!program.empty()) {
    if (int r = load_program(BPF_PROG_TYPE_CGROUP_DEVICE, "vm_devices", program, loaded, error); r < 0) return r;
  }
  return replace_cgroup_program(cgroup_fd, BPF_CGROUP_DEVICE, loaded ? loaded.get() : -1, replace, error);
}

}  // namespace vermilion
