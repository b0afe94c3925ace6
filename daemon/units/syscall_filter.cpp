#include "units/syscall_filter.h"

#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#include <algorithm>
#include <cerrno>
#include <charconv>

#include "units/extract_word.h"
#include "units/syscall_groups.h"

namespace vermilion {
namespace {

constexpr int kErrnoMax = 4095;  // systemd's ERRNO_MAX
// Past every architecture's last system call number (x32's carry a bit of
// their own, but this walks the native table only).
constexpr int kMaxSyscallNumber = 4096;

// The native name of each system call number libseccomp knows ("" for a
// number it does not), resolved once per process: the SystemCallFilter=
// property is built at every state change of a unit that has a filter,
// and "@known" walks the whole table.
const std::vector<std::string>& native_syscall_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out(kMaxSyscallNumber);
    for (int number = 0; number < kMaxSyscallNumber; ++number) {
      if (char* resolved = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, number)) {
        out[static_cast<std::size_t>(number)] = resolved;
        free(resolved);
      }
    }
    return out;
  }();
  return names;
}

struct Parse {
  SyscallFilter& filter;
  bool add;  // systemd's "!(flags & INVERT) == !!(flags & ALLOW_LIST)"
  int error;
  const std::function<void(const std::string&)>& warn;

  void call(int number) {
    auto it = std::lower_bound(filter.calls.begin(), filter.calls.end(), number,
                               [](const auto& entry, int n) { return entry.first < n; });
    const bool present = it != filter.calls.end() && it->first == number;
    // Taken out of an allow list with an action of its own, a call keeps
    // that action (systemd v248, issue #18916).
    const bool keep = !add && filter.allow_list && error != kSyscallErrorNumber;
    if (!add && !keep) {
      if (present) filter.calls.erase(it);
    } else if (present) {
      it->second = error;
    } else {
      filter.calls.insert(it, {number, error});
    }
  }

  // seccomp_parse_syscall_filter(): a group adds or removes each of its
  // members; "@known" is every call there is (systemd's syscall-list.h),
  // here every one libseccomp knows for this architecture.
  void word(std::string_view name, bool top) {
    if (name == "@known") {
      const auto& names = native_syscall_names();
      for (int number = 0; number < kMaxSyscallNumber; ++number)
        if (!names[static_cast<std::size_t>(number)].empty()) call(number);
      return;
    }
    if (name.starts_with('@')) {
      const SyscallGroup* group = find_syscall_group(name);
      if (!group) {
        if (top) warn("Unknown system call group, ignoring: " + std::string(name));
        return;
      }
      for (std::string_view member : group->members) word(member, false);
      return;
    }
    const int number = seccomp_syscall_resolve_name(std::string(name).c_str());
    if (number == __NR_SCMP_ERROR) {
      // Only the names a unit wrote are reported; a group's member this
      // kernel lacks is skipped quietly, as systemd logs it at debug level.
      if (top) warn("Failed to parse system call, ignoring: " + std::string(name));
      return;
    }
    call(number);
  }
};

}  // namespace

int parse_errno_value(std::string_view text) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc() && end == text.data() + text.size()) return value >= 0 && value <= kErrnoMax ? value : -1;
  if (text.empty() || text.size() > 32) return -1;
  // errno_from_name() knows these other names too.
  if (text == "EWOULDBLOCK") return EWOULDBLOCK;
  if (text == "EDEADLOCK") return EDEADLOCK;
  if (text == "ENOTSUP") return ENOTSUP;
  for (int e = 1; e <= kErrnoMax; ++e) {
    const char* name = strerrorname_np(e);
    if (name && text == name) return e;
  }
  return -1;
}

void apply_syscall_filter_assignment(SyscallFilter& filter, std::string_view value,
                                     const std::function<void(const std::string&)>& warn) {
  if (value.empty()) {
    filter = {};
    return;
  }
  const bool invert = value.starts_with('~');
  if (invert) value.remove_prefix(1);
  // The first assignment decides; an allow list starts with @default.
  if (!filter.assigned) {
    filter.assigned = true;
    filter.allow_list = !invert;
    if (filter.allow_list) Parse{filter, true, kSyscallErrorNumber, warn}.word("@default", false);
  }
  const bool add = invert != filter.allow_list;
  while (true) {
    ExtractedWord extracted = extract_first_word(value, kExtractPlain);
    if (extracted.status == ExtractStatus::end) break;
    if (extracted.status == ExtractStatus::invalid) {
      warn("Invalid syntax, ignoring: " + std::string(value));
      break;
    }
    std::string_view word = extracted.word;
    int error = kSyscallErrorNumber;
    const auto colon = word.find(':');
    bool valid = colon != 0;
    if (colon != std::string_view::npos) {
      const std::string_view errno_text = word.substr(colon + 1);
      error = errno_text == "kill" ? kSyscallKill : parse_errno_value(errno_text);
      valid = valid && error != -1;
    }
    if (!valid) {
      warn("Failed to parse syscall:errno, ignoring: " + std::string(word));
      continue;
    }
    if (colon != std::string_view::npos) {
      if (!invert) {
        warn("Allow-listed system calls cannot take error number, ignoring: " + std::string(word));
        continue;
      }
      word = word.substr(0, colon);
    }
    Parse{filter, add, error, warn}.word(word, true);
  }
}

namespace {

constexpr std::pair<std::string_view, std::uint32_t> kArchs[] = {
    {"native", SCMP_ARCH_NATIVE},       {"x86", SCMP_ARCH_X86},
    {"x86-64", SCMP_ARCH_X86_64},       {"x32", SCMP_ARCH_X32},
    {"arm", SCMP_ARCH_ARM},             {"arm64", SCMP_ARCH_AARCH64},
    {"mips", SCMP_ARCH_MIPS},           {"mips64", SCMP_ARCH_MIPS64},
    {"mips64-n32", SCMP_ARCH_MIPS64N32}, {"mips-le", SCMP_ARCH_MIPSEL},
    {"mips64-le", SCMP_ARCH_MIPSEL64},  {"mips64-le-n32", SCMP_ARCH_MIPSEL64N32},
    {"ppc", SCMP_ARCH_PPC},             {"ppc64", SCMP_ARCH_PPC64},
    {"ppc64-le", SCMP_ARCH_PPC64LE},    {"riscv64", SCMP_ARCH_RISCV64},
    {"s390", SCMP_ARCH_S390},           {"s390x", SCMP_ARCH_S390X},
};

}  // namespace

std::optional<std::uint32_t> syscall_arch_from_name(std::string_view name) {
  for (const auto& [known, token] : kArchs)
    if (name == known) return token;
  return std::nullopt;
}

std::string syscall_arch_name(std::uint32_t token) {
  for (const auto& [known, arch] : kArchs)
    if (token == arch) return std::string(known);
  return {};
}

std::vector<std::string> syscall_filter_names(const SyscallFilter& filter) {
  std::vector<std::string> names;
  for (const auto& [number, error] : filter.calls) {
    // An allow list's calls with an action of their own are refused ones:
    // not listed (systemd v252, #23756).
    if (filter.allow_list && error != kSyscallErrorNumber) continue;
    std::string name;
    if (number >= 0 && number < kMaxSyscallNumber) {
      name = native_syscall_names()[static_cast<std::size_t>(number)];
    } else if (char* resolved = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, number)) {
      name = resolved;  // libseccomp's pseudo-number of a call another architecture has
      free(resolved);
    }
    if (name.empty()) continue;
    if (error == kSyscallKill) {
      name += ":kill";
    } else if (error >= 0) {
      const char* errno_name = strerrorname_np(error);
      name += ":" + (errno_name ? std::string(errno_name) : std::to_string(error));
    }
    names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::int32_t syscall_error_number_property(int error_number) {
  return error_number == kSyscallKill ? INT32_MAX - 1 : error_number;
}

}  // namespace vermilion
