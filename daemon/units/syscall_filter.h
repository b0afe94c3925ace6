// SystemCallFilter=, SystemCallErrorNumber= and SystemCallArchitectures=
// (systemd.exec(5), "System Call Filtering") as unit files write them,
// parsed as systemd 252 parses them (src/core/load-fragment.c
// config_parse_syscall_filter(), config_parse_syscall_errno(),
// config_parse_syscall_archs(); src/shared/seccomp-util.c
// seccomp_parse_syscall_filter()). Names resolve through libseccomp, as
// systemd's do, so that a name this machine's kernel does not have is
// skipped the same way. exec/seccomp_filter.h loads the result.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vermilion {

// A refused call's action where it is no errno: SIGSYS kills the process
// ("kill", SystemCallErrorNumber='s default), or (for a listed call only)
// whatever SystemCallErrorNumber= says.
inline constexpr int kSyscallKill = -2;
inline constexpr int kSyscallErrorNumber = -1;

struct SyscallFilter {
  bool assigned = false;  // an assignment made it (systemd: the hashmap exists)
  // An allow list: only `calls` (and @default, which the first
  // assignment brings) may be made. A deny list: all but `calls`.
  bool allow_list = false;
  // (system call number, as libseccomp resolves it natively; the errno the
  // call fails with, kSyscallKill, or kSyscallErrorNumber), sorted by
  // number, each once.
  std::vector<std::pair<int, int>> calls;

  // Whether there is a filter to load (systemd's context_has_syscall_filters()).
  [[nodiscard]] bool active() const { return allow_list || !calls.empty(); }
};

// One SystemCallFilter= assignment applied to `filter`: empty resets it;
// a leading "~" inverts the words; the first assignment decides allow or
// deny list (an allow list starts with @default). Each word is a system
// call or "@group" (units/syscall_groups.h), with ":ERRNO" (a name such as
// EPERM, 0-4095, or "kill") for that call's own action, allowed only on
// inverted words (in an allow list such a call stays, refused with its
// action). "@known" is every call libseccomp knows here. Unknown names
// and groups are skipped with a warning through `warn`, as systemd's
// SECCOMP_PARSE_PERMISSIVE does; the rest of the assignment applies.
void apply_syscall_filter_assignment(SyscallFilter& filter, std::string_view value,
                                     const std::function<void(const std::string&)>& warn);

// systemd's parse_errno(): an errno name ("EPERM", also EWOULDBLOCK,
// EDEADLOCK, ENOTSUP) or number 0-4095; -1 for anything else.
[[nodiscard]] int parse_errno_value(std::string_view text);

// SystemCallArchitectures=: one of systemd's architecture names ("native",
// "x86-64", "x86", "x32", "arm64", ...; seccomp_arch_from_string()) as
// libseccomp's SCMP_ARCH_* token ("native" is SCMP_ARCH_NATIVE, kept as
// such, as systemd keeps it), or nullopt for a name systemd does not know.
[[nodiscard]] std::optional<std::uint32_t> syscall_arch_from_name(std::string_view name);
// The reverse (seccomp_arch_to_string()); "" for a token systemd has no name for.
[[nodiscard]] std::string syscall_arch_name(std::uint32_t token);

// What the SystemCallFilter= property lists (systemd 252's
// property_get_syscall_filter()): each call's name, with ":ERRNO" (its
// name, or "kill") where it has its own action, sorted; an allow list
// lists only the calls it allows.
[[nodiscard]] std::vector<std::string> syscall_filter_names(const SyscallFilter& filter);

// SystemCallErrorNumber='s value on the bus: the errno, or systemd's
// SECCOMP_ERROR_NUMBER_KILL (INT_MAX - 1) for kill.
[[nodiscard]] std::int32_t syscall_error_number_property(int error_number);

}  // namespace vermilion
