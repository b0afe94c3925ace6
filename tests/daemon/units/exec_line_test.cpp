#include "units/exec_line.h"

#include <gtest/gtest.h>

namespace vermilion {
namespace {

using V = std::vector<std::string>;
const SourceLocation kWhere{"u.service", 7};

struct Parsed {
  ExecLineResult result;
  std::vector<ExecCommand> commands;
  Diagnostics diags;
  [[nodiscard]] std::vector<V> argvs() const {
    std::vector<V> out;
    for (auto& c : commands) out.push_back(c.argv);
    return out;
  }
  [[nodiscard]] std::string messages() const {
    std::string out;
    for (auto& d : diags.items()) out += (d.severity == Severity::error ? "E: " : "W: ") + d.message + "\n";
    return out;
  }
};

Parsed parse(std::string_view s, std::string_view unit = "u.service") {
  static const RuntimeIdentity id = RuntimeIdentity::for_tests(RuntimeScope::system);
  SpecifierResolver specifiers(unit, id);
  Parsed p;
  p.result = parse_exec_line(s, kWhere, specifiers, p.commands, p.diags);
  return p;
}

std::vector<ExecCommand> parse_ok(std::string_view s) {
  auto p = parse(s);
  EXPECT_EQ(p.result, ExecLineResult::ok) << p.messages();
  return p.commands;
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
  auto c = parse_ok(R"(/bin/echo "hello world" 'a b' x\ty "a"b"c"'d' '\x41' \u00e9 \xff)");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].argv, (V{"/bin/echo", "hello world", "a b", "x\ty", "abcd", "A", "\xc3\xa9", "\xff"}));
}

TEST(ExecLine, Prefixes) {
  auto c = parse_ok("-/bin/true");
  EXPECT_TRUE(c[0].ignore_failure);
  EXPECT_EQ(c[0].path, "/bin/true");
  c = parse_ok("@/bin/sh mysh -c x");
  EXPECT_EQ(c[0].path, "/bin/sh");
  EXPECT_EQ(c[0].argv, (V{"mysh", "-c", "x"}));
  c = parse_ok("@/bin/echo \"\" x");  // an empty argv[0] is allowed
  EXPECT_EQ(c[0].argv, (V{"", "x"}));
  c = parse_ok("+/bin/a");
  EXPECT_TRUE(c[0].full_privileges);
  c = parse_ok("!/bin/a");
  EXPECT_TRUE(c[0].ambient_privileges);
  c = parse_ok("!!-/bin/a");  // credentials applied through ambient capabilities
  EXPECT_FALSE(c[0].ambient_privileges);
  EXPECT_TRUE(c[0].ignore_failure);
  EXPECT_EQ(c[0].path, "/bin/a");
  c = parse_ok(":/bin/a $X");
  EXPECT_FALSE(c[0].expand_environment);
  c = parse_ok("-@:+/bin/a zero");
  EXPECT_TRUE(c[0].ignore_failure);
  EXPECT_TRUE(c[0].full_privileges);
  EXPECT_FALSE(c[0].expand_environment);
  EXPECT_EQ(c[0].argv, (V{"zero"}));
}

TEST(ExecLine, ProgramPathsAsSystemd) {
  // Accepted by systemd 252 as written (checked with `systemd --test`).
  EXPECT_EQ(parse_ok("sleep 10")[0].path, "sleep");
  // The path is simplified as systemd's path_simplify() does; argv[0]
  // stays as written (test-load-fragment.c, "/RValue///slashes").
  EXPECT_EQ(parse_ok("/bin//echo")[0].path, "/bin/echo");
  EXPECT_EQ(parse_ok("/bin//echo")[0].argv, (V{"/bin//echo"}));
  EXPECT_EQ(parse_ok("/bin/../bin/echo")[0].path, "/bin/../bin/echo");
  EXPECT_EQ(parse_ok("\"/bin/ech o\" x")[0].path, "/bin/ech o");
  EXPECT_EQ(parse_ok("/bin/ec\\x20ho x")[0].path, "/bin/ec ho");
  EXPECT_EQ(parse_ok("echo\"x\" a")[0].argv, (V{"echox", "a"}));
}

TEST(ExecLine, RefusedProgramPaths) {
  struct Case {
    const char* value;
    const char* message;
  };
  // systemd 252's messages; each makes the unit bad-setting.
  for (auto [value, message] : std::initializer_list<Case>{
           {"\"\"", "Empty path in command line: '\"\"'"},
           {"@/bin/echo", "Empty executable name or zeroeth argument: @/bin/echo"},
           {"foo/bar x", "Neither a valid executable name nor an absolute path: foo/bar"},
           {"+!/bin/x", "Neither a valid executable name nor an absolute path: !/bin/x"},
           {"/bin/", "Executable path specifies a directory: /bin/"},
           {"/bin/ech\\x27o x", "Executable name contains special characters: /bin/ech'o"},
           {"/bin/ech\\\"o x", "Executable name contains special characters: /bin/ech\"o"},
           {"/bin/ec\\\\ho x", "Executable name contains special characters: /bin/ec\\ho"},
           {"/bin/ech\\x0ao", "Executable name contains special characters: /bin/ech\no"},
           {"/bin/echo %Z", "Failed to resolve unit specifiers in %Z: Invalid slot"},
           {"/bin/echo \"a", "Unbalanced quoting, ignoring: \"/bin/echo \"a\""},
           {"/bin/echo a'b", "Unbalanced quoting, ignoring: \"/bin/echo a'b\""},
       }) {
    auto p = parse(value);
    EXPECT_EQ(p.result, ExecLineResult::fatal) << value;
    EXPECT_EQ(p.messages(), std::string("E: ") + message + "\n") << value;
  }
}

TEST(ExecLine, IgnoreFailurePrefixTurnsProblemsIntoWarnings) {
  auto p = parse("-/bin/ech\\\\o x");
  EXPECT_EQ(p.result, ExecLineResult::ignored);
  EXPECT_EQ(p.messages(), "W: Executable name contains special characters, ignoring: /bin/ech\\o\n");
  p = parse("-");
  EXPECT_EQ(p.messages(), "W: Empty path in command line, ignoring: '-'\n");
  p = parse("--/bin/a");  // the second '-' starts the path
  EXPECT_EQ(p.messages(), "W: Neither a valid executable name nor an absolute path, ignoring: -/bin/a\n");
  p = parse("-/bin/echo %Z");
  EXPECT_EQ(p.messages(), "W: Failed to resolve unit specifiers in %Z, ignoring: Invalid slot\n");
  // An unbalanced first word drops the line in systemd, even without '-'.
  p = parse("\"/bin/echo");
  EXPECT_EQ(p.result, ExecLineResult::ignored);
  EXPECT_TRUE(p.commands.empty());
}

// systemd keeps unknown escapes as written and says so, word by word.
TEST(ExecLine, UnknownEscapesAreKeptAsWritten) {
  auto p = parse(R"(/bin/echo \w a\;b \; c\ d "x\qy" ; ; /bin/true)");
  EXPECT_EQ(p.result, ExecLineResult::ok);
  EXPECT_EQ(p.argvs(), (std::vector<V>{{"/bin/echo", "\\w", "a\\;b", ";", "c\\ d", "x\\qy"}, {"/bin/true"}}));
  EXPECT_EQ(p.messages(),
            "W: Ignoring unknown escape sequences: \"\\w\"\n"
            "W: Ignoring unknown escape sequences: \"a\\;b\"\n"
            "W: Ignoring unknown escape sequences: \"c\\ d\"\n"
            "W: Ignoring unknown escape sequences: \"x\\qy\"\n");
  p = parse(R"(/bin/echo \x00 \777 \0 "a\;" a\\\; \   x)");
  EXPECT_EQ(p.argvs(), (std::vector<V>{{"/bin/echo", "\\x00", "\\777", "\\0", "a\\;", "a\\\\;", "\\ ", "x"}}));
}

TEST(ExecLine, SemicolonsSeparateCommands) {
  auto p = parse(R"(/bin/echo ";" \\; x; y ;z \;; ; -/bin/b 2 \; ;)");
  EXPECT_EQ(p.argvs(), (std::vector<V>{{"/bin/echo", ";", "\\;", "x;", "y", ";z", "\\;;"}, {"/bin/b", "2", ";"}}));
  EXPECT_TRUE(p.commands[1].ignore_failure);
  EXPECT_EQ(parse_ok("; /bin/echo a").size(), 1u);     // stray separators are skipped
  EXPECT_EQ(parse_ok("\";\" /bin/echo").size(), 1u);   // also a quoted one as first word
  EXPECT_EQ(parse_ok("/bin/echo ;").size(), 1u);
  EXPECT_TRUE(parse_ok("; ;").empty());
}

// Specifiers are expanded in each word after splitting: a value is one
// argument whatever it holds, and an empty one is an empty argument.
TEST(ExecLine, SpecifiersPerWord) {
  auto p = parse("/bin/echo %n %N %i %I %f %% %, x%", "echo@x-y\\x2dz.service");
  EXPECT_EQ(p.argvs(), (std::vector<V>{{"/bin/echo", "echo@x-y\\x2dz.service", "echo@x-y\\x2dz", "x-y\\x2dz", "x/y-z",
                                        "/x/y-z", "%", "%,", "x%"}}));
  EXPECT_EQ(parse_ok("/bin/echo %i")[0].argv, (V{"/bin/echo", ""}));
  p = parse("/bin/echo %I", "a@b\\x20c.service");
  EXPECT_EQ(p.argvs(), (std::vector<V>{{"/bin/echo", "b c"}}));
  p = parse("/bin/echo %f", "foo@-x.service");  // "-x" is no escaped path
  EXPECT_EQ(p.result, ExecLineResult::fatal);
  EXPECT_EQ(p.messages(), "E: Failed to resolve unit specifiers in %f: Invalid argument\n");
}

}  // namespace
}  // namespace vermilion

namespace vermilion {
namespace {

// systemd 252 src/test/test-load-fragment.c, TEST(config_parse_exec): each
// line's commands as (path, argv, ignore_failure); "fatal" where systemd
// returns -ENOEXEC (the unit is bad-setting), "dropped" where it returns 0
// and adds nothing.
struct Cmd {
  std::string path;
  V argv;
  bool ignore = false;
};
void expect_commands(std::string_view line, const std::vector<Cmd>& expected) {
  SCOPED_TRACE(std::string(line));
  auto p = parse(line);
  ASSERT_EQ(p.result, ExecLineResult::ok) << p.messages();
  ASSERT_EQ(p.commands.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(p.commands[i].path, expected[i].path);
    EXPECT_EQ(p.commands[i].argv, expected[i].argv);
    EXPECT_EQ(p.commands[i].ignore_failure, expected[i].ignore);
  }
}

TEST(ExecLineSystemdVectors, ConfigParseExec) {
  expect_commands("/RValue r1", {{"/RValue", {"/RValue", "r1"}}});
  expect_commands("/RValue///slashes r1///", {{"/RValue/slashes", {"/RValue///slashes", "r1///"}}});
  expect_commands("@/RValue///slashes2 ///argv0 r1", {{"/RValue/slashes2", {"///argv0", "r1"}}});
  expect_commands("-@/RValue///slashes3 argv0a r1", {{"/RValue/slashes3", {"argv0a", "r1"}, true}});
  expect_commands("@-/RValue///slashes4 argv0b r1", {{"/RValue/slashes4", {"argv0b", "r1"}, true}});
  expect_commands("-@/RValue argv0 r1 ; /goo/goo boo",
                  {{"/RValue", {"argv0", "r1"}, true}, {"/goo/goo", {"/goo/goo", "boo"}}});
  expect_commands("-@/RValue argv0 r1 ; ; /goo/goo boo",
                  {{"/RValue", {"argv0", "r1"}, true}, {"/goo/goo", {"/goo/goo", "boo"}}});
  expect_commands("-@/RValue argv0 r1 ; ", {{"/RValue", {"argv0", "r1"}, true}});
  expect_commands("-@/RValue argv0 r1 ;", {{"/RValue", {"argv0", "r1"}, true}});
  expect_commands("-@/RValue argv0 r1 ';'", {{"/RValue", {"argv0", "r1", ";"}, true}});
  expect_commands("/bin/find \\;", {{"/bin/find", {"/bin/find", ";"}}});
  expect_commands("/sbin/find \\; /x", {{"/sbin/find", {"/sbin/find", ";", "/x"}}});
  expect_commands("/sbin/find \\;x", {{"/sbin/find", {"/sbin/find", "\\;x"}}});
  expect_commands("/bin/find \\073", {{"/bin/find", {"/bin/find", ";"}}});
  expect_commands("/bin/find \";\"", {{"/bin/find", {"/bin/find", ";"}}});
  expect_commands("/sbin/find \";\" /x", {{"/sbin/find", {"/sbin/find", ";", "/x"}}});
  expect_commands("\"/PATH WITH SPACES/daemon\" -1 -2",
                  {{"/PATH WITH SPACES/daemon", {"/PATH WITH SPACES/daemon", "-1", "-2"}}});
  expect_commands("\"/PATH WITH SPACES/daemon -1 -2\"",
                  {{"/PATH WITH SPACES/daemon -1 -2", {"/PATH WITH SPACES/daemon -1 -2"}}});
  expect_commands("\"/PATH WITH SPACES/daemon\" \"-1\" '-2'",
                  {{"/PATH WITH SPACES/daemon", {"/PATH WITH SPACES/daemon", "-1", "-2"}}});
  expect_commands("\"/PATH\\sWITH\\sSPACES/daemon\" '-1 -2'",
                  {{"/PATH WITH SPACES/daemon", {"/PATH WITH SPACES/daemon", "-1 -2"}}});
  expect_commands("\"/PATH\\x20WITH\\x20SPACES/daemon\" \"-1 -2\"",
                  {{"/PATH WITH SPACES/daemon", {"/PATH WITH SPACES/daemon", "-1 -2"}}});
  expect_commands("/path\\s", {{"/path ", {"/path "}}});
  expect_commands("/bin/grep '\\w+\\K'", {{"/bin/grep", {"/bin/grep", "\\w+\\K"}}});
  std::string long_arg(1024 * 1024 - 100 - 1 - 10, 'x');  // LONG_LINE_MAX - 100, as there
  expect_commands("/bin/echo " + long_arg, {{"/bin/echo", {"/bin/echo", long_arg}}});

  for (std::string fatal : {"/RValue/ argv0 r1", "@/RValue", "/path\\", "/path 'foo", "/path 'foo\\"}) {
    EXPECT_EQ(parse(fatal).result, ExecLineResult::fatal) << fatal;
  }
  for (char c : std::string_view("abfnrtv\\'\"x")) {
    std::string path = std::string("/path\\") + c;
    EXPECT_EQ(parse(path).result, ExecLineResult::fatal) << path;
  }
  for (std::string dropped : {"--/RValue argv0 r1", "-@-/RValue argv0 r1", "- /path", "-"}) {
    auto p = parse(dropped);
    EXPECT_NE(p.result, ExecLineResult::fatal) << dropped;
    EXPECT_TRUE(p.commands.empty()) << dropped;
  }
}

}  // namespace
}  // namespace vermilion
