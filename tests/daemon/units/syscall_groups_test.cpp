#include "units/syscall_groups.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdio.h>
#include <sys/wait.h>

#include <algorithm>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vermilion {
namespace {

using ::testing::Contains;
using ::testing::IsEmpty;
using ::testing::Not;

// One group as `systemd-analyze syscall-filter` prints it.
struct ListedGroup {
  std::string name;
  std::string help;
  std::vector<std::string> members;
};

// The command's whole standard output, or nullopt when it could not run
// (popen() failed, or the shell found no such command: status 127).
std::optional<std::string> run(const char* command) {
  FILE* pipe = popen(command, "r");
  if (!pipe) return std::nullopt;
  std::string out;
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
  const int status = pclose(pipe);
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) == 127) return std::nullopt;
  return out;
}

std::string_view trim_left(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

// "@name" at the start of a line opens a group; its indented lines are the
// "# description" and then one member each. A "#" at the start of a line
// begins the trailing sections (syscalls no group lists, or the kernel's
// unlisted ones), which are no groups.
std::vector<ListedGroup> parse_listing(std::string_view text) {
  std::vector<ListedGroup> groups;
  bool in_group = false;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (line.starts_with('@')) {
      groups.push_back({std::string(line), {}, {}});
      in_group = true;
    } else if (line.starts_with('#')) {
      in_group = false;
    } else if (std::string_view item = trim_left(line); in_group && !item.empty()) {
      if (item.starts_with('#')) {
        if (groups.back().help.empty()) groups.back().help = std::string(trim_left(item.substr(1)));
      } else {
        groups.back().members.emplace_back(item);
      }
    }
  }
  return groups;
}

std::vector<std::string> names_of(std::span<const std::string_view> members) {
  return {members.begin(), members.end()};
}

TEST(SyscallGroupListing, ParserSkipsTrailingSections) {
  const auto groups = parse_listing(
      "@a\n    # First\n    x\n    @b\n\n@b\n    # Second\n    y\n\n"
      "# Ungrouped System Calls (known but not included in any of the groups except @known):\n#   z\n");
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].name, "@a");
  EXPECT_EQ(groups[0].help, "First");
  EXPECT_EQ(groups[0].members, (std::vector<std::string>{"x", "@b"}));
  EXPECT_EQ(groups[1].members, (std::vector<std::string>{"y"}));
}

// The whole table against the installed systemd 252's: every group, its
// description and its members in order. @known is left out: systemd's is
// the build host's kernel list, ours is empty on purpose.
TEST(SyscallGroupTable, MatchesInstalledSystemd) {
  const auto version = run("systemd-analyze --version 2>/dev/null");
  if (!version || version->empty()) GTEST_SKIP() << "systemd-analyze is not installed: nothing to compare with";
  if (!version->starts_with("systemd 252 "))
    GTEST_SKIP() << "the table is systemd 252's, this host has " << version->substr(0, version->find('\n'));
  const auto listing = run("SYSTEMD_COLORS=0 systemd-analyze syscall-filter --no-pager 2>/dev/null");
  ASSERT_TRUE(listing) << "systemd-analyze syscall-filter did not run";
  std::vector<ListedGroup> listed = parse_listing(*listing);
  std::erase_if(listed, [](const ListedGroup& g) { return g.name == "@known"; });
  ASSERT_FALSE(listed.empty()) << "no groups in systemd-analyze's output:\n" << *listing;

  std::vector<std::string> listed_order, our_order;
  for (const ListedGroup& g : listed) listed_order.push_back(g.name);
  for (const SyscallGroup& g : syscall_groups())
    if (g.name != "@known") our_order.emplace_back(g.name);
  EXPECT_EQ(our_order, listed_order) << "groups, or their order, differ";

  for (const ListedGroup& theirs : listed) {
    SCOPED_TRACE(theirs.name);
    const SyscallGroup* ours = find_syscall_group(theirs.name);
    if (!ours) {
      ADD_FAILURE() << "systemd has group " << theirs.name << ", the table does not";
      continue;
    }
    EXPECT_EQ(ours->help, theirs.help) << "description of " << theirs.name;
    const std::vector<std::string> our_members = names_of(ours->members);
    const std::set<std::string> our_set(our_members.begin(), our_members.end());
    const std::set<std::string> their_set(theirs.members.begin(), theirs.members.end());
    for (const std::string& name : their_set) {
      if (!our_set.contains(name)) {
        ADD_FAILURE() << theirs.name << ": systemd lists " << name << ", the table does not";
      }
    }
    for (const std::string& name : our_set) {
      if (!their_set.contains(name)) {
        ADD_FAILURE() << theirs.name << ": the table lists " << name << ", systemd does not";
      }
    }
    // Names alike: then only the order can differ.
    if (our_set == their_set) {
      EXPECT_EQ(our_members, theirs.members) << theirs.name << ": same names, other order";
    }
  }
}

TEST(SyscallGroupTable, HasEveryGroupOnceKnownLast) {
  const auto groups = syscall_groups();
  ASSERT_EQ(groups.size(), 29u);
  EXPECT_EQ(groups.front().name, "@default");
  EXPECT_EQ(groups.back().name, "@known");
  EXPECT_THAT(groups.back().members, IsEmpty());
  std::set<std::string_view> names;
  for (const SyscallGroup& g : groups) {
    EXPECT_TRUE(g.name.starts_with('@')) << g.name;
    EXPECT_FALSE(g.help.empty()) << g.name;
    EXPECT_TRUE(names.insert(g.name).second) << g.name << " twice";
  }
}

TEST(SyscallGroupTable, ReferencesNameGroupsWithoutCycles) {
  for (const SyscallGroup& group : syscall_groups()) {
    // Every group reachable from this one, by a worklist: none may lead back.
    std::vector<const SyscallGroup*> pending{&group};
    std::set<std::string_view> seen;
    while (!pending.empty()) {
      const SyscallGroup* g = pending.back();
      pending.pop_back();
      for (std::string_view member : g->members) {
        if (!member.starts_with('@')) continue;
        const SyscallGroup* nested = find_syscall_group(member);
        ASSERT_NE(nested, nullptr) << g->name << " names unknown group " << member;
        ASSERT_NE(nested->name, group.name) << group.name << " reaches itself through " << g->name;
        if (seen.insert(nested->name).second) pending.push_back(nested);
      }
    }
  }
}

TEST(SyscallGroup, FindsByFullName) {
  const SyscallGroup* basic_io = find_syscall_group("@basic-io");
  ASSERT_NE(basic_io, nullptr);
  EXPECT_EQ(basic_io->help, "Basic IO");
  EXPECT_THAT(basic_io->members, Contains("read"));
  EXPECT_THAT(basic_io->members, Not(Contains("openat")));
  EXPECT_EQ(find_syscall_group("basic-io"), nullptr);
  EXPECT_EQ(find_syscall_group("@Basic-IO"), nullptr);
  EXPECT_EQ(find_syscall_group(""), nullptr);
}

TEST(SyscallGroup, ExpandsSystemServiceThroughItsGroups) {
  const auto syscalls = expand_syscall_group("@system-service");
  ASSERT_TRUE(syscalls);
  EXPECT_THAT(*syscalls, Contains("read"));  // @basic-io
  EXPECT_THAT(*syscalls, Contains("clone"));  // @process
  EXPECT_THAT(*syscalls, Contains("execve"));  // @default
  EXPECT_THAT(*syscalls, Contains("timerfd_create"));  // @timer
  EXPECT_THAT(*syscalls, Contains("ioctl"));  // its own
  EXPECT_THAT(*syscalls, Not(Contains("reboot")));
  EXPECT_THAT(*syscalls, Not(Contains("mount")));
  EXPECT_TRUE(std::is_sorted(syscalls->begin(), syscalls->end()));
  EXPECT_EQ(std::adjacent_find(syscalls->begin(), syscalls->end()), syscalls->end()) << "a syscall twice";
  for (const std::string& name : *syscalls) EXPECT_FALSE(name.starts_with('@')) << name;
}

TEST(SyscallGroup, ExpandsPrivilegedNestedGroups) {
  const auto syscalls = expand_syscall_group("@privileged");
  ASSERT_TRUE(syscalls);
  EXPECT_THAT(*syscalls, Contains("reboot"));  // @reboot
  EXPECT_THAT(*syscalls, Contains("fchownat"));  // @chown
  EXPECT_THAT(*syscalls, Contains("s390_pci_mmio_read"));  // @raw-io
  EXPECT_THAT(*syscalls, Contains("setuid"));
  EXPECT_THAT(*syscalls, Not(Contains("setgid")));  // @setuid is not in it
}

TEST(SyscallGroup, ExpandingAPlainGroupSortsItsMembers) {
  const auto syscalls = expand_syscall_group("@swap");
  ASSERT_TRUE(syscalls);
  EXPECT_EQ(*syscalls, (std::vector<std::string>{"swapoff", "swapon"}));
}

TEST(SyscallGroup, UnknownGroupExpandsToNothing) {
  EXPECT_FALSE(expand_syscall_group("@no-such-group").has_value());
  EXPECT_FALSE(expand_syscall_group("read").has_value());
  EXPECT_FALSE(expand_syscall_group("").has_value());
}

TEST(SyscallGroup, KnownIsLeftToTheCaller) {
  const auto syscalls = expand_syscall_group("@known");
  ASSERT_TRUE(syscalls);
  EXPECT_THAT(*syscalls, IsEmpty());
}

}  // namespace
}  // namespace vermilion
