// SystemCallFilter= parsing, as systemd 252's config_parse_syscall_filter()
// and seccomp_parse_syscall_filter() (the conformance case
// "system-call-filter" has what the filters then do).
#include "units/syscall_filter.h"

#include <seccomp.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <vector>

#include "units/syscall_groups.h"

namespace vermilion {
namespace {

int nr(const char* name) { return seccomp_syscall_resolve_name(name); }

struct Applied {
  SyscallFilter filter;
  std::vector<std::string> warnings;
  void operator()(std::string_view value) {
    apply_syscall_filter_assignment(filter, value, [this](const std::string& w) { warnings.push_back(w); });
  }
  [[nodiscard]] bool has(const char* name) const { return action(name) != kAbsent; }
  [[nodiscard]] int action(const char* name) const {
    for (const auto& [number, error] : filter.calls)
      if (number == nr(name)) return error;
    return kAbsent;
  }
  static constexpr int kAbsent = -100;
};

TEST(SyscallFilterTest, AnAllowListStartsWithDefault) {
  Applied a;
  a("chroot");
  EXPECT_TRUE(a.filter.allow_list);
  EXPECT_TRUE(a.has("chroot"));
  auto defaults = expand_syscall_group("@default");
  ASSERT_TRUE(defaults);
  for (const auto& name : *defaults) {
    if (nr(name.c_str()) != __NR_SCMP_ERROR) {
      EXPECT_TRUE(a.has(name.c_str())) << name;
    }
  }
  EXPECT_FALSE(a.has("mount"));
  EXPECT_TRUE(std::is_sorted(a.filter.calls.begin(), a.filter.calls.end()));
  EXPECT_TRUE(a.warnings.empty());
}

TEST(SyscallFilterTest, ADenyListHoldsItsCallsWithTheirOwnErrno) {
  Applied a;
  a("~@mount chroot:EACCES umount2:kill");
  EXPECT_FALSE(a.filter.allow_list);
  EXPECT_EQ(a.action("chroot"), EACCES);
  EXPECT_EQ(a.action("umount2"), kSyscallKill);
  EXPECT_EQ(a.action("mount"), kSyscallErrorNumber);
  EXPECT_FALSE(a.has("read"));
  EXPECT_TRUE(a.filter.active());
}

TEST(SyscallFilterTest, LaterAssignmentsMergeAndTheFirstDecidesTheKind) {
  Applied a;
  a("@system-service @mount");
  a("~chroot mount");  // taken out of the allow list
  EXPECT_TRUE(a.filter.allow_list);
  EXPECT_FALSE(a.has("chroot"));
  EXPECT_FALSE(a.has("mount"));
  EXPECT_TRUE(a.has("umount2"));

  Applied deny;
  deny("~chroot");
  deny("chroot");  // not refused any more; the list stays a deny list
  EXPECT_FALSE(deny.filter.allow_list);
  EXPECT_FALSE(deny.filter.active());
  deny("~mount");
  EXPECT_FALSE(deny.filter.allow_list);
  EXPECT_TRUE(deny.has("mount"));
}

TEST(SyscallFilterTest, KnownIsEveryCall) {
  Applied allow;
  allow("@known");
  EXPECT_TRUE(allow.has("openat"));
  EXPECT_TRUE(allow.has("chroot"));
  Applied deny;
  deny("~@known");
  EXPECT_TRUE(deny.has("openat"));
  EXPECT_GT(deny.filter.calls.size(), 300u);
}

// Taken out of an allow list with an errno of its own, a call stays with
// it, and the property leaves it out (conformance case system-call-filter:
// uname fails EBADF under systemd 252).
TEST(SyscallFilterTest, AnAllowListKeepsACallTakenOutWithItsOwnErrno) {
  Applied a;
  a("@system-service");
  a("~uname:EBADF ~chroot");
  EXPECT_EQ(a.action("uname"), EBADF);
  EXPECT_FALSE(a.has("chroot"));
  const auto names = syscall_filter_names(a.filter);
  EXPECT_EQ(std::find(names.begin(), names.end(), "uname:EBADF"), names.end());
  EXPECT_EQ(std::find(names.begin(), names.end(), "uname"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "read"), names.end());
}

TEST(SyscallFilterTest, AnEmptyAssignmentResets) {
  Applied a;
  a("~chroot");
  a("");
  EXPECT_FALSE(a.filter.active());
  a("read");  // a fresh first assignment
  EXPECT_TRUE(a.filter.allow_list);
}

TEST(SyscallFilterTest, UnknownNamesAndBadErrnosAreSkippedWithAWarning) {
  Applied a;
  a("~@no-such-group no_such_call chroot:EBOGUS :EPERM mount");
  EXPECT_TRUE(a.has("mount"));
  EXPECT_FALSE(a.has("chroot"));
  EXPECT_EQ(a.warnings, (std::vector<std::string>{"Unknown system call group, ignoring: @no-such-group",
                                                  "Failed to parse system call, ignoring: no_such_call",
                                                  "Failed to parse syscall:errno, ignoring: chroot:EBOGUS",
                                                  "Failed to parse syscall:errno, ignoring: :EPERM"}));
  Applied allow;
  allow("read chroot:EPERM");
  EXPECT_FALSE(allow.has("chroot"));
  EXPECT_EQ(allow.warnings,
            (std::vector<std::string>{"Allow-listed system calls cannot take error number, ignoring: chroot:EPERM"}));
}

TEST(SyscallFilterTest, ErrnoValuesAreNamesOrNumbersUpTo4095) {
  EXPECT_EQ(parse_errno_value("EPERM"), EPERM);
  EXPECT_EQ(parse_errno_value("EROFS"), EROFS);
  EXPECT_EQ(parse_errno_value("0"), 0);
  EXPECT_EQ(parse_errno_value("4095"), 4095);
  EXPECT_EQ(parse_errno_value("4096"), -1);
  EXPECT_EQ(parse_errno_value("-1"), -1);
  EXPECT_EQ(parse_errno_value("eperm"), -1);
  EXPECT_EQ(parse_errno_value("EWOULDBLOCK"), EAGAIN);
  EXPECT_EQ(parse_errno_value("ENOTSUP"), EOPNOTSUPP);
  EXPECT_EQ(parse_errno_value("EDEADLOCK"), EDEADLK);
  EXPECT_EQ(parse_errno_value(""), -1);
}

TEST(SyscallFilterTest, ArchitectureNamesAreSystemds) {
  EXPECT_EQ(syscall_arch_from_name("native"), SCMP_ARCH_NATIVE);
  EXPECT_EQ(syscall_arch_name(SCMP_ARCH_NATIVE), "native");
  EXPECT_EQ(syscall_arch_name(SCMP_ARCH_X86_64), "x86-64");
  EXPECT_EQ(syscall_arch_from_name("x86-64"), SCMP_ARCH_X86_64);
  EXPECT_EQ(syscall_arch_from_name("x86"), SCMP_ARCH_X86);
  EXPECT_EQ(syscall_arch_from_name("arm64"), SCMP_ARCH_AARCH64);
  EXPECT_EQ(syscall_arch_from_name("x86_64"), std::nullopt);  // libseccomp's spelling, not systemd's
  EXPECT_EQ(syscall_arch_from_name(""), std::nullopt);
}

}  // namespace
}  // namespace vermilion
