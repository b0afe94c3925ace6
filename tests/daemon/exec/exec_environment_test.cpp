#include "exec/exec_environment.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "temp_dir.h"

namespace vermilion {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::TempDir;

std::vector<std::string> parse(std::string_view text) {
  std::vector<std::string> out;
  parse_environment_file(text, out);
  return out;
}

// systemd 252's manager_default_environment() for a user manager: its own
// environment, less what it sets for its services, the default PATH, sorted
// (recorded: tests/conformance/cases/user-manager-environment).
TEST(UserManagerEnvironment, OwnLessTheManagersVariablesWithTheDefaultPath) {
  EXPECT_EQ(user_manager_environment({"PATH=/mine", "DISPLAY=:0", "MAINPID=7", "NOTIFY_SOCKET=/run/n",
                                      "INVOCATION_ID=ab", "LISTEN_FDS=1", "CACHE_DIRECTORY=/c", "EXIT_STATUS=1",
                                      "DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1/bus", "NOEQUALS", "A=1=2"}),
            (std::vector<std::string>{"A=1=2", "DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1/bus", "DISPLAY=:0",
                                      "PATH=" + std::string(kDefaultExecPath)}));
}

TEST(EnvironmentFile, PlainAssignmentsCommentsAndBlankLines) {
  EXPECT_THAT(parse("# comment\n; also a comment\n\nA=1\n  B = two words  \nC=\n"),
              ElementsAre("A=1", "B=two words", "C="));
}

TEST(EnvironmentFile, QuotesAndEscapes) {
  EXPECT_THAT(parse("A='single $HOME \\n'\nB=\"double \\\"q\\\" \\$x \\n\"\nC=a\\ b\\\\c\n"),
              ElementsAre("A=single $HOME \\n", "B=double \"q\" $x \\n", "C=a b\\c"));
}

TEST(EnvironmentFile, QuotedPartsJoinAndHashInValueIsLiteral) {
  EXPECT_THAT(parse("A='x'\"y\"\nB=value # not a comment\n"), ElementsAre("A=xy", "B=value # not a comment"));
}

TEST(EnvironmentFile, LineContinuationAndMultilineQuotes) {
  EXPECT_THAT(parse("A=one\\\ntwo\nB=\"l1\nl2\"\n# comment \\\ncontinued\nC=3"),
              ElementsAre("A=onetwo", "B=l1\nl2", "C=3"));
}

TEST(EnvironmentFile, InvalidNamesAndLinesWithoutEqualsAreSkipped) {
  EXPECT_THAT(parse("NOEQUALS\n1X=bad\nA B=bad\nGOOD=yes\n"), ElementsAre("GOOD=yes"));
}

TEST(Environment, SetReplacesAndGetFinds) {
  std::vector<std::string> env;
  set_environment(env, "A=1");
  set_environment(env, "B=2");
  set_environment(env, "A=3");
  EXPECT_THAT(env, ElementsAre("A=3", "B=2"));
  EXPECT_EQ(get_environment(env, "A"), "3");
  EXPECT_FALSE(get_environment(env, "C"));
  EXPECT_FALSE(get_environment(env, ""));
}

class TempFile {
 public:
  explicit TempFile(const std::string& text) {
    char name[] = "/tmp/vermilion-envfile-XXXXXX";
    int fd = mkstemp(name);
    EXPECT_GE(fd, 0);
    close(fd);
    path_ = name;
    std::ofstream(path_) << text;
  }
  ~TempFile() { unlink(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(BuildEnvironment, FreshThenUnitThenFilesThenExtra) {
  setenv("VERMILION_TEST_LEAK", "leaked", 1);
  TempFile file("B=from-file\nC=from-file\n");
  ServiceConfig config;
  config.environment = {"A=unit", "B=unit", "PATH=/custom"};
  config.environment_files = {{file.path(), false}, {"/nonexistent/env", true}};
  std::vector<std::string> extra = {"C=extra", "MAINPID=42"};
  LoginIdentity login{"nobody", "/nonexistent", "/usr/sbin/nologin"};
  ExecEnvironmentInputs inputs;
  inputs.config = &config;
  inputs.extra = &extra;
  inputs.login = &login;
  inputs.lang = "C.UTF-8";
  inputs.directories[static_cast<std::size_t>(ExecDirectoryType::runtime)] = {"/run/a", "/run/b"};
  std::vector<std::string> env;
  std::string failed;
  ASSERT_EQ(build_exec_environment(inputs, env, failed), 0);
  EXPECT_THAT(env, ElementsAre("PATH=/custom", "LANG=C.UTF-8", "HOME=/nonexistent", "USER=nobody",
                               "LOGNAME=nobody", "SHELL=/usr/sbin/nologin", "RUNTIME_DIRECTORY=/run/a:/run/b",
                               "A=unit", "B=from-file", "C=extra", "MAINPID=42"));
  unsetenv("VERMILION_TEST_LEAK");
}

// systemd 252's exec_child(): PassEnvironment= after what the manager sets
// and before Environment=; UnsetEnvironment= last, over everything.
TEST(BuildEnvironment, PassEnvironmentThenUnsetEnvironmentLast) {
  ServiceConfig config;
  config.pass_environment = {"SHARED", "MANAGED", "UNSET_HERE", "NOT_IN_OWN"};
  config.environment = {"SHARED=unit", "KEEP=1", "EXACT=1", "EXACT_NOT=1"};
  config.unset_environment = {"UNSET_HERE", "EXACT=1", "EXACT_NOT=2", "PATH", "MAINPID", "UNSET"};
  std::vector<std::string> own = {"SHARED=own", "MANAGED=own", "UNSET_HERE=own", "UNSET_HERE_TOO=own"};
  std::vector<std::string> manager = {"MANAGED=manager", "UNSET_HERE_TOO=manager"};
  std::vector<std::string> extra = {"MAINPID=42"};
  ExecEnvironmentInputs inputs;
  inputs.config = &config;
  inputs.own = &own;
  inputs.manager = &manager;
  inputs.extra = &extra;
  std::vector<std::string> env;
  std::string failed;
  ASSERT_EQ(build_exec_environment(inputs, env, failed), 0);
  EXPECT_THAT(env, ElementsAre("MANAGED=own", "UNSET_HERE_TOO=manager", "SHARED=unit", "KEEP=1", "EXACT_NOT=1"));
}

TEST(BuildEnvironment, WithoutUserOnlyDefaults) {
  ServiceConfig config;
  ExecEnvironmentInputs inputs;
  inputs.config = &config;
  std::vector<std::string> env;
  std::string failed;
  ASSERT_EQ(build_exec_environment(inputs, env, failed), 0);
  EXPECT_THAT(env, ElementsAre("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
}

TEST(BuildEnvironment, MissingRequiredFileFails) {
  ServiceConfig config;
  config.environment_files = {{"/nonexistent/env", false}};
  ExecEnvironmentInputs inputs;
  inputs.config = &config;
  std::vector<std::string> env;
  std::string failed;
  EXPECT_EQ(build_exec_environment(inputs, env, failed), -ENOENT);
  EXPECT_EQ(failed, "EnvironmentFile=/nonexistent/env: No such file or directory");
}

// A FIFO or a device there once stopped vermiliond before it started
// anything: the read must be refused at once, naming the key and the file.
TEST(BuildEnvironment, FifoAndDeviceAreRefusedWithoutBlocking) {
  alarm(20);  // a blocking read fails the test instead of hanging it
  TempDir dir;
  ASSERT_EQ(mkfifo(dir.file("fifo").c_str(), 0600), 0);
  for (const std::string& path : {dir.file("fifo"), std::string("/dev/zero")}) {
    ServiceConfig config;
    config.environment_files = {{path, false}};
    ExecEnvironmentInputs inputs;
    inputs.config = &config;
    std::vector<std::string> env;
    std::string failed;
    EXPECT_EQ(build_exec_environment(inputs, env, failed), -EBADFD) << path;
    EXPECT_EQ(failed, "EnvironmentFile=" + path + ": not a regular file");
  }
  alarm(0);
}

TEST(BuildEnvironment, OptionalFileThatCannotBeReadIsSkipped) {
  TempDir dir;
  ASSERT_EQ(mkfifo(dir.file("fifo").c_str(), 0600), 0);
  ServiceConfig config;
  config.environment_files = {{dir.file("fifo"), true}, {"/dev/zero", true}, {dir.path(), true}};
  ExecEnvironmentInputs inputs;
  inputs.config = &config;
  std::vector<std::string> env;
  std::string failed;
  EXPECT_EQ(build_exec_environment(inputs, env, failed), 0);
  EXPECT_EQ(failed, "");
}

TEST(BuildEnvironment, OversizedFileFails) {
  TempDir dir;
  dir.write("big", std::string(kEnvironmentFileMaxBytes + 1, '#'));
  ServiceConfig config;
  config.environment_files = {{dir.file("big"), false}};
  ExecEnvironmentInputs inputs;
  inputs.config = &config;
  std::vector<std::string> env;
  std::string failed;
  EXPECT_EQ(build_exec_environment(inputs, env, failed), -E2BIG);
  EXPECT_EQ(failed, "EnvironmentFile=" + dir.file("big") + ": larger than 4194304 bytes");
}

TEST(Expansion, WholeWordVariableSplitsIntoWords) {
  std::vector<std::string> env = {"ARGS=-a  'b c' \"d e\"", "EMPTY=", "ONE=x"};
  EXPECT_THAT(expand_exec_arguments({"prog", "$ARGS", "$EMPTY", "$UNSET", "$ONE"}, env),
              ElementsAre("prog", "-a", "b c", "d e", "x"));
}

TEST(Expansion, BracedVariableSubstitutesWithinWord) {
  std::vector<std::string> env = {"ARGS=-a b", "X=1"};
  EXPECT_THAT(expand_exec_arguments({"--opt=${ARGS}", "${X}${X}", "${UNSET}end", "${ARGS}"}, env),
              ElementsAre("--opt=-a b", "11", "end", "-a b"));
}

TEST(Expansion, DollarDollarAndUnsupportedSyntaxStayLiteral) {
  std::vector<std::string> env = {"X=1"};
  EXPECT_THAT(expand_exec_arguments({"$$X", "a$$b", "a$X", "${X", "${X:-d}", "$", "a$"}, env),
              ElementsAre("$X", "a$b", "a$X", "${X", "${X:-d}", "$", "a$"));
}

TEST(Expansion, WholeWordTakesTheRestAsName) {
  std::vector<std::string> env = {"X=1"};
  EXPECT_THAT(expand_exec_arguments({"$X/bin"}, env), IsEmpty());
}

TEST(Expansion, SplitHandlesEscapesAndUnbalancedQuotes) {
  EXPECT_THAT(split_value_into_words("a\\ b 'c"), ElementsAre("a b", "c"));
  EXPECT_THAT(split_value_into_words("  "), IsEmpty());
  EXPECT_THAT(split_value_into_words("''"), ElementsAre(""));
}

// systemd 252 src/test/test-env-util.c, TEST(replace_env_argv): what
// ExecStart= words become. A whole-word $FOO splits into words (two here),
// $FOO$FOO names an unset variable and gives none, and ${FOO:-...} is not
// expanded in command lines, though the ${BAR} inside it is.
TEST(Expansion, SystemdReplaceEnvArgvVectors) {
  std::vector<std::string> env = {"FOO=BAR BAR", "BAR=waldo"};
  EXPECT_THAT(expand_exec_arguments({"FOO$FOO", "FOO$FOOFOO", "FOO${FOO}$FOO", "FOO${FOO}", "${FOO}", "$FOO",
                                     "$FOO$FOO", "${FOO}${BAR}", "${FOO", "FOO$$${FOO}", "$$FOO${FOO}",
                                     "${FOO:-${BAR}}", "${QUUX:-${FOO}}", "${FOO:+${BAR}}", "${QUUX:+${BAR}}",
                                     "${FOO:+|${BAR}|}}", "${FOO:+|${BAR}{|}"},
                                    env),
              ElementsAre("FOO$FOO", "FOO$FOOFOO", "FOOBAR BAR$FOO", "FOOBAR BAR", "BAR BAR", "BAR", "BAR",
                          "BAR BARwaldo", "${FOO", "FOO$BAR BAR", "$FOOBAR BAR", "${FOO:-waldo}",
                          "${QUUX:-BAR BAR}", "${FOO:+waldo}", "${QUUX:+waldo}", "${FOO:+|waldo|}}",
                          "${FOO:+|waldo{|}"));
}

// The same file, test_replace_env1(braceless=false) and
// test_replace_env2(extended=false): within a word only ${NAME} counts.
TEST(Expansion, SystemdReplaceEnvVectors) {
  std::vector<std::string> env = {"FOO=BAR BAR", "BAR=waldo"};
  EXPECT_EQ(expand_variables_in_word("FOO=$FOO=${FOO}", env), "FOO=$FOO=BAR BAR");
  EXPECT_EQ(expand_variables_in_word("BAR=$BAR=${BAR}", env), "BAR=$BAR=waldo");
  EXPECT_EQ(expand_variables_in_word("BARBAR=$BARBAR=${BARBAR}", env), "BARBAR=$BARBAR=");
  EXPECT_EQ(expand_variables_in_word("BAR=$BAR$BAR${BAR}${BAR}", env), "BAR=$BAR$BARwaldowaldo");
  EXPECT_EQ(expand_variables_in_word("${BAR}$BAR$BAR", env), "waldo$BAR$BAR");
  std::vector<std::string> env2 = {"FOO=foo", "BAR=bar"};
  EXPECT_EQ(expand_variables_in_word("FOO=${FOO:-${BAR}}", env2), "FOO=${FOO:-bar}");
  EXPECT_EQ(expand_variables_in_word("BAR=${XXX:-${BAR}}", env2), "BAR=${XXX:-bar}");
  EXPECT_EQ(expand_variables_in_word("XXX=${XXX:+${BAR}}", env2), "XXX=${XXX:+bar}");
  EXPECT_EQ(expand_variables_in_word("FOO=${FOO:+${BAR}}", env2), "FOO=${FOO:+bar}");
  EXPECT_EQ(expand_variables_in_word("FOO=${FOO:-${BAR}post}", env2), "FOO=${FOO:-barpost}");
  EXPECT_EQ(expand_variables_in_word("XXX=${XXX:+${BAR}post}", env2), "XXX=${XXX:+barpost}");
  EXPECT_EQ(expand_variables_in_word("FOO=${FOO}between${BAR:-baz}", env2), "FOO=foobetween${BAR:-baz}");
}

TEST(FindProgram, AbsoluteBareAndMissing) {
  std::string out;
  ASSERT_EQ(find_program("/bin/true", "/nowhere", out), 0);
  EXPECT_EQ(out, "/bin/true");
  ASSERT_EQ(find_program("sh", "/nowhere:relative:/usr/bin:/bin", out), 0);
  EXPECT_TRUE(out == "/usr/bin/sh" || out == "/bin/sh") << out;
  EXPECT_EQ(find_program("definitely-not-a-program-xyz", "/usr/bin:/bin", out), -ENOENT);
  EXPECT_EQ(find_program("bin/sh", "/usr", out), -EINVAL);
  EXPECT_EQ(find_program("passwd", "/etc", out), -ENOENT);  // exists, not executable
}

}  // namespace
}  // namespace vermilion
