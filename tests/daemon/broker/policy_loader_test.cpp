#include "broker/policy_loader.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "temp_dir.h"

namespace vermilion {
namespace {

using testing::TempDir;

std::string grant(const std::string& to, const std::string& rights = "status") {
  return "[Grant]\nTo=" + to + "\nCapability=service:web.service\nRights=" + rights + "\n";
}

std::string formatted(const Diagnostics& diags) {
  std::string out;
  for (const auto& d : diags.items()) out += format_diagnostic(d) + "\n";
  return out;
}

// "etc" overrides "lib", as /etc/vermilion/policy overrides /usr/lib/vermilion/policy.
class PolicyLoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(mkdir(etc().c_str(), 0755), 0);
    ASSERT_EQ(mkdir(lib().c_str(), 0755), 0);
  }
  std::string etc() const { return root_.file("etc"); }
  std::string lib() const { return root_.file("lib"); }
  static void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

  TempDir root_;
};

TEST_F(PolicyLoaderTest, ReadsInFileNameOrderAcrossDirectories) {
  write(lib() + "/20-b.policy", grant("b"));
  write(etc() + "/10-a.policy", grant("a"));
  write(lib() + "/30-c.policy", grant("c"));
  Diagnostics diags;
  auto set = load_policies({etc(), lib()}, diags);
  EXPECT_TRUE(diags.items().empty()) << formatted(diags);
  ASSERT_EQ(set.grants.size(), 3u);
  EXPECT_EQ(set.grants[0].to, "a.service");
  EXPECT_EQ(set.grants[1].to, "b.service");
  EXPECT_EQ(set.grants[2].to, "c.service");
  EXPECT_EQ(set.files, (std::vector<std::string>{etc() + "/10-a.policy", lib() + "/20-b.policy",
                                                 lib() + "/30-c.policy"}));
}

TEST_F(PolicyLoaderTest, SameFileNameInAnEarlierDirectoryOverrides) {
  write(lib() + "/50-web.policy", grant("admin-panel", "status restart kill"));
  write(etc() + "/50-web.policy", grant("admin-panel", "status"));
  Diagnostics diags;
  auto set = load_policies({etc(), lib()}, diags);
  EXPECT_TRUE(diags.items().empty()) << formatted(diags);
  ASSERT_EQ(set.grants.size(), 1u);
  EXPECT_EQ(set.grants[0].rights, rights::status);
  EXPECT_EQ(set.grants[0].where.file, etc() + "/50-web.policy");
}

TEST_F(PolicyLoaderTest, OverrideWinsEvenWhenItIsBroken) {
  // A broken override grants nothing; the shipped file it shadows does not
  // come back, or an admin's attempt to narrow a grant would widen it.
  write(lib() + "/50-web.policy", grant("admin-panel", "status restart kill"));
  write(etc() + "/50-web.policy", grant("admin-panel", "status reboot"));
  Diagnostics diags;
  auto set = load_policies({etc(), lib()}, diags);
  EXPECT_TRUE(set.grants.empty());
  EXPECT_TRUE(set.files.empty());
  EXPECT_TRUE(diags.has_errors());
}

TEST_F(PolicyLoaderTest, SymlinkToDevNullMasks) {
  write(lib() + "/50-web.policy", grant("admin-panel"));
  ASSERT_EQ(symlink("/dev/null", (etc() + "/50-web.policy").c_str()), 0);
  Diagnostics diags;
  auto set = load_policies({etc(), lib()}, diags);
  EXPECT_TRUE(diags.items().empty()) << formatted(diags);
  EXPECT_TRUE(set.grants.empty());
}

TEST_F(PolicyLoaderTest, ABrokenFileDoesNotStopTheOthers) {
  write(etc() + "/10-good.policy", grant("a"));
  write(etc() + "/20-bad.policy", grant("b") + "Badge=many\n");
  write(etc() + "/30-good.policy", grant("c"));
  Diagnostics diags;
  auto set = load_policies({etc()}, diags);
  ASSERT_EQ(set.grants.size(), 2u);
  EXPECT_EQ(set.grants[0].to, "a.service");
  EXPECT_EQ(set.grants[1].to, "c.service");
  std::string bad = etc() + "/20-bad.policy";
  EXPECT_EQ(formatted(diags),
            bad + ":5: error: Invalid Badge= value 'many': expected a number 0-18446744073709551615\n" + bad +
                ": error: Policy file has errors; none of its grants or bus rules are in effect\n");
}

// A policy that is a FIFO or a device would block or never end a read.
TEST_F(PolicyLoaderTest, FifoAndDevicePoliciesAreRefusedWithoutBlocking) {
  alarm(20);  // a blocking open fails the test instead of hanging it
  write(etc() + "/10-good.policy", grant("a"));
  ASSERT_EQ(mkfifo((etc() + "/20-fifo.policy").c_str(), 0644), 0);
  ASSERT_EQ(symlink("/dev/zero", (etc() + "/30-zero.policy").c_str()), 0);
  Diagnostics diags;
  auto set = load_policies({etc()}, diags);
  alarm(0);
  ASSERT_EQ(set.grants.size(), 1u);
  EXPECT_EQ(formatted(diags), etc() + "/20-fifo.policy: error: Cannot read policy file: not a regular file; none of its grants are in effect\n" +
                                  etc() + "/30-zero.policy: error: Cannot read policy file: not a regular file; none of its grants are in effect\n");
}

TEST_F(PolicyLoaderTest, IgnoresOtherNamesHiddenFilesAndMissingDirectories) {
  write(etc() + "/web.policy.bak", grant("a"));
  write(etc() + "/.hidden.policy", grant("b"));
  write(etc() + "/README", "not a policy");
  write(etc() + "/10-web.policy", grant("c"));
  Diagnostics diags;
  auto set = load_policies({root_.file("missing"), etc()}, diags);
  EXPECT_TRUE(diags.items().empty()) << formatted(diags);
  ASSERT_EQ(set.grants.size(), 1u);
  EXPECT_EQ(set.grants[0].to, "c.service");
}

TEST_F(PolicyLoaderTest, UnreadableEntriesAreErrors) {
  ASSERT_EQ(mkdir((etc() + "/10-dir.policy").c_str(), 0755), 0);
  write(lib() + "/not-a-dir", "");
  Diagnostics diags;
  auto set = load_policies({etc(), lib() + "/not-a-dir"}, diags);
  EXPECT_TRUE(set.grants.empty());
  EXPECT_EQ(formatted(diags),
            lib() + "/not-a-dir: error: Cannot read policy directory: Not a directory\n" + etc() +
                "/10-dir.policy: error: Cannot read policy file: Is a directory; none of its grants are in "
                "effect\n");
}

TEST(PolicyDirs, Defaults) {
  RuntimeIdentity id;
  id.scope = RuntimeScope::system;
  id.config_home = "/x";
  EXPECT_EQ(default_policy_dirs(id),
            (std::vector<std::string>{"/etc/vermilion/policy", "/usr/lib/vermilion/policy"}));
  id.scope = RuntimeScope::user;
  id.config_home = "/home/u/cfg";
  EXPECT_EQ(default_policy_dirs(id), std::vector<std::string>{"/home/u/cfg/vermilion/policy"});
}

TEST(PolicyDirs, UserDefaultFollowsTheXdgRule) {
  // Relative and empty XDG_CONFIG_HOME are ignored (runtime_scope_test has
  // the rule itself): the policies are then under HOME/.config.
  const char* envp[] = {"HOME=/home/u", "XDG_CONFIG_HOME=relative", nullptr};
  auto id = RuntimeIdentity::current(RuntimeScope::user, ProcessEnvironment::parse(envp));
  EXPECT_EQ(default_policy_dirs(id), std::vector<std::string>{"/home/u/.config/vermilion/policy"});
}

}  // namespace
}  // namespace vermilion
