// The system call groups of SystemCallFilter= ("@basic-io", "@system-service";
// systemd.exec(5), "System Call Filtering"), as systemd 252 defines them in
// syscall_filter_sets[] (src/shared/seccomp-util.c). A unit file names the
// same group in either supervisor and means the same syscalls; `systemd-analyze
// syscall-filter` prints this table, and the test compares the two.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vermilion {

struct SyscallGroup {
  std::string_view name;  // "@basic-io"
  std::string_view help;  // systemd's one-line description ("Basic IO")
  // Syscall names and "@group" references, in systemd's order. Names of
  // other architectures' syscalls are listed too (libseccomp skips those
  // the target does not have), as systemd lists them.
  std::span<const std::string_view> members;
};

// Every group systemd 252 defines, in systemd's order ("@default" first,
// "@known" last). "@known" has no members here: systemd generates it at
// build time from the kernel's syscall list, so a caller treats it as
// "every syscall libseccomp knows" instead of expanding it.
[[nodiscard]] std::span<const SyscallGroup> syscall_groups() noexcept;

// The group called `name` ("@system-service", with the "@"), or nullptr.
[[nodiscard]] const SyscallGroup* find_syscall_group(std::string_view name) noexcept;

// `name`'s syscalls with every "@group" reference in it expanded, however
// deep, sorted and each once; what SystemCallFilter=@name allows. Empty
// optional for an unknown group; "@known" gives an empty list (see above).
[[nodiscard]] std::optional<std::vector<std::string>> expand_syscall_group(std::string_view name);

}  // namespace vermilion
