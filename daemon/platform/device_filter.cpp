#include "platform/device_filter.h"

#include <fnmatch.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "common/unique_fd.h"

namespace vermilion {
namespace {

// The instruction encodings of the kernel's include/linux/filter.h (not in
// the UAPI headers), as systemd's src/shared/linux/bpf_insn.h has them.
constexpr bpf_insn mov32_reg(std::uint8_t dst, std::uint8_t src) {
  return {BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0};
}
constexpr bpf_insn alu32_imm(std::uint8_t op, std::uint8_t dst, std::int32_t imm) {
  return {static_cast<std::uint8_t>(BPF_ALU | op | BPF_K), dst, 0, 0, imm};
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
constexpr bpf_insn mov64_imm(std::uint8_t dst, std::int32_t imm) { return {BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm}; }
constexpr bpf_insn exit_insn() { return {BPF_JMP | BPF_EXIT, 0, 0, 0, 0}; }

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

std::optional<unsigned> parse_number(std::string_view text) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// systemd's DEVICE_MAJOR_VALID(): below 1 << 12.
bool is_valid_major(unsigned major) { return major < (1u << 12); }

long bpf(int cmd, bpf_attr& attr) { return syscall(__NR_bpf, cmd, &attr, sizeof(attr)); }

std::uint64_t pointer_value(const void* p) { return static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(p)); }

std::string errno_text(int error) { return std::strerror(error); }

// The ids of the device programs attached to the cgroup itself (not those
// it inherits). 0 or -errno.
int attached_programs(int cgroup_fd, std::vector<std::uint32_t>& out) {
  out.assign(16, 0);
  for (;;) {
    bpf_attr attr{};
    attr.query.target_fd = static_cast<std::uint32_t>(cgroup_fd);
    attr.query.attach_type = BPF_CGROUP_DEVICE;
    attr.query.prog_ids = pointer_value(out.data());
    attr.query.prog_cnt = static_cast<std::uint32_t>(out.size());
    if (bpf(BPF_PROG_QUERY, attr) == 0) {
      out.resize(attr.query.prog_cnt);
      return 0;
    }
    if (errno != ENOSPC || out.size() >= 4096) return -errno;
    out.assign(out.size() * 4, 0);
  }
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

std::optional<DeviceRule> device_rule_from_name(std::string_view node, unsigned access) {
  if (node == "/run/systemd/inaccessible/chr") return DeviceRule{'c', 0, 0, access};
  if (node == "/run/systemd/inaccessible/blk") return DeviceRule{'b', 0, 0, access};
  char type = 0;
  if (node.starts_with("/dev/char/")) {
    type = 'c';
    node.remove_prefix(10);
  } else if (node.starts_with("/dev/block/")) {
    type = 'b';
    node.remove_prefix(11);
  } else {
    return std::nullopt;
  }
  const std::size_t colon = node.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  auto major = parse_number(node.substr(0, colon));
  auto minor = parse_number(node.substr(colon + 1));
  if (!major || !minor || !is_valid_major(*major) || *minor >= (1u << 20)) return std::nullopt;
  return DeviceRule{type, major, minor, access};
}

std::vector<DeviceRule> device_rules_for_major(std::string_view name, char type, unsigned access,
                                               std::string_view proc_devices) {
  if (name == "*") return {DeviceRule{type, std::nullopt, std::nullopt, access}};
  if (auto major = parse_number(name); major && is_valid_major(*major)) return {DeviceRule{type, *major, std::nullopt, access}};
  std::vector<DeviceRule> out;
  const std::string pattern(name);
  const std::string_view section = type == 'c' ? "Character devices:" : "Block devices:";
  bool good = false;
  while (!proc_devices.empty()) {
    const std::size_t eol = proc_devices.find('\n');
    std::string_view line = proc_devices.substr(0, eol);
    proc_devices.remove_prefix(eol == std::string_view::npos ? proc_devices.size() : eol + 1);
    if (line == section) {
      good = true;
      continue;
    }
    if (line.empty()) {
      good = false;
      continue;
    }
    if (!good) continue;
    // "  1 mem": the major, whitespace, the name.
    const std::size_t start = line.find_first_not_of(" \t");
    if (start == std::string_view::npos) continue;
    line.remove_prefix(start);
    const std::size_t gap = line.find_first_of(" \t");
    if (gap == std::string_view::npos) continue;
    auto major = parse_number(line.substr(0, gap));
    if (!major || *major == 0) continue;
    std::string_view device = line.substr(gap);
    device.remove_prefix(std::min(device.find_first_not_of(" \t"), device.size()));
    while (!device.empty() && (device.back() == ' ' || device.back() == '\t')) device.remove_suffix(1);
    if (fnmatch(pattern.c_str(), std::string(device).c_str(), 0) != 0) continue;
    out.push_back(DeviceRule{type, *major, std::nullopt, access});
  }
  return out;
}

int install_device_program(int cgroup_fd, const std::vector<bpf_insn>& program, std::string& error) {
  std::vector<std::uint32_t> old;
  int r = attached_programs(cgroup_fd, old);
  if (r < 0) {
    error = "listing the cgroup's device programs: " + errno_text(-r);
    return r;
  }
  if (!program.empty()) {
    static const char kLicense[] = "GPL";
    bpf_attr attr{};
    attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    attr.insns = pointer_value(program.data());
    attr.insn_cnt = static_cast<std::uint32_t>(program.size());
    attr.license = pointer_value(kLicense);
    std::memcpy(attr.prog_name, "vm_devices", sizeof("vm_devices"));
    unique_fd prog(static_cast<int>(bpf(BPF_PROG_LOAD, attr)));
    if (!prog) {
      const int load_errno = errno;
      // Once more with the verifier's log, for the message.
      std::string log(16384, '\0');
      attr.log_level = 1;
      attr.log_buf = pointer_value(log.data());
      attr.log_size = static_cast<std::uint32_t>(log.size());
      unique_fd again(static_cast<int>(bpf(BPF_PROG_LOAD, attr)));
      log.resize(std::strlen(log.c_str()));
      error = "loading the device program: " + errno_text(load_errno) + (log.empty() ? "" : " (" + log + ")");
      return -load_errno;
    }
    bpf_attr attach{};
    attach.target_fd = static_cast<std::uint32_t>(cgroup_fd);
    attach.attach_bpf_fd = static_cast<std::uint32_t>(prog.get());
    attach.attach_type = BPF_CGROUP_DEVICE;
    attach.attach_flags = BPF_F_ALLOW_MULTI;
    if (bpf(BPF_PROG_ATTACH, attach) < 0) {
      r = -errno;
      error = "attaching the device program: " + errno_text(-r);
      return r;
    }
  }
  for (std::uint32_t id : old) {
    bpf_attr get{};
    get.prog_id = id;
    unique_fd prog(static_cast<int>(bpf(BPF_PROG_GET_FD_BY_ID, get)));
    if (!prog) continue;  // gone meanwhile
    bpf_attr detach{};
    detach.target_fd = static_cast<std::uint32_t>(cgroup_fd);
    detach.attach_bpf_fd = static_cast<std::uint32_t>(prog.get());
    detach.attach_type = BPF_CGROUP_DEVICE;
    if (bpf(BPF_PROG_DETACH, detach) < 0 && errno != ENOENT) {
      r = -errno;
      error = "detaching an earlier device program: " + errno_text(-r);
      return r;
    }
  }
  return 0;
}

}  // namespace vermilion
