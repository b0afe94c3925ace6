#include "units/exec_line.h"

#include <gtest/gtest.h>

namespace vermilion {
namespace {

using V = std::vector<std::string>;
const SourceLocation kWhere{"u.service", 7};

std::vector<ExecCommand> parse_ok(std::string_view s) {
  auto r = parse_exec_line(s, kWhere);
  EXPECT_TRUE(r.ok()) << r.error;
  return r.ok() ? *r.value : std::vector<ExecCommand>{};
}

TEST(ExecLine, PlainCommand) {
  auto c = parse_ok("/usr/sbin/sshd -D $SSHD_OPTS");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].path, "/usr/sbin/sshd");
  EXPECT_EQ(c[0].argv, (V{"/usr/sbin/sshd", "-D", "$SSHD_OPTS"}));
  EXPECT_FALSE(c[0].ignore_failure);
  EXPECT_TRUE(c[0].expand_environment);
  EXPECT_EQ(c[0].where.line, 7u);
}

TEST(ExecLine, QuotingAndEscapes) {
  auto c = parse_ok(R"(/bin/echo "hello world" 'a b' x\ty)");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].argv, (V{"/bin/echo", "hello world", "a b", "x\ty"}));
}

TEST(ExecLine, Prefixes) {
  auto c = parse_ok("-/bin/true");
  EXPECT_TRUE(c[0].ignore_failure);
  EXPECT_EQ(c[0].path, "/bin/true");
  c = parse_ok("@/bin/sh mysh -c x");
  EXPECT_EQ(c[0].path, "/bin/sh");
  EXPECT_EQ(c[0].argv, (V{"mysh", "-c", "x"}));
  c = parse_ok("+/bin/a");
  EXPECT_TRUE(c[0].full_privileges);
  c = parse_ok("!/bin/a");
  EXPECT_TRUE(c[0].ambient_privileges);
  c = parse_ok("!!/bin/a");  // credentials applied through ambient capabilities
  EXPECT_FALSE(c[0].ambient_privileges);
  EXPECT_EQ(c[0].path, "/bin/a");
  c = parse_ok(":/bin/a $X");
  EXPECT_FALSE(c[0].expand_environment);
  c = parse_ok("-@:+/bin/a zero");
  EXPECT_TRUE(c[0].ignore_failure);
  EXPECT_TRUE(c[0].full_privileges);
  EXPECT_FALSE(c[0].expand_environment);
  EXPECT_EQ(c[0].argv, (V{"zero"}));
}

TEST(ExecLine, RepeatedPrefixEndsPrefixes) {
  // "--" : the second '-' starts the path, which is then not absolute.
  auto r = parse_exec_line("--/bin/a", kWhere);
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(parse_exec_line("+!/bin/a", kWhere).ok());
}

TEST(ExecLine, BareNameIsSearchedLater) {
  auto c = parse_ok("sleep 10");
  EXPECT_EQ(c[0].path, "sleep");
}

TEST(ExecLine, SemicolonSeparatesCommands) {
  auto c = parse_ok("/bin/a 1 ; -/bin/b 2 \\; ;");
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].argv, (V{"/bin/a", "1"}));
  EXPECT_EQ(c[1].argv, (V{"/bin/b", "2", ";"}));
  EXPECT_TRUE(c[1].ignore_failure);
}

TEST(ExecLine, Errors) {
  EXPECT_EQ(parse_exec_line("/bin/echo \"unterminated", kWhere).error, "unterminated double quote");
  EXPECT_FALSE(parse_exec_line("-", kWhere).ok());
  EXPECT_FALSE(parse_exec_line("bin/relative", kWhere).ok());
  EXPECT_FALSE(parse_exec_line("/usr/bin/", kWhere).ok());
  EXPECT_FALSE(parse_exec_line("@/bin/a", kWhere).ok());
  EXPECT_FALSE(parse_exec_line("; /bin/a", kWhere).ok());
  EXPECT_FALSE(parse_exec_line("/bin/a ; ; /bin/b", kWhere).ok());
  EXPECT_FALSE(parse_exec_line("\"/bin/a\\x01\"", kWhere).ok());
}

}  // namespace
}  // namespace vermilion
