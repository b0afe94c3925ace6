#include "units/specifiers.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>

namespace vermilion {
namespace {

// The values below are what systemd 252 gives for the same unit names and
// manager identity (`systemd --test --system|--user`, see
// tests/data/units/systemd/README.md).
TEST(Specifiers, EscapedInstanceAsSystemd) {
  auto id = RuntimeIdentity::for_tests(RuntimeScope::system);
  SpecifierResolver r("echo@x-y\\x2dz.service", id);
  EXPECT_EQ(r.expand("%n").text, "echo@x-y\\x2dz.service");
  EXPECT_EQ(r.expand("%N").text, "echo@x-y\\x2dz");
  EXPECT_EQ(r.expand("%p").text, "echo");
  EXPECT_EQ(r.expand("%P").text, "echo");
  EXPECT_EQ(r.expand("%i").text, "x-y\\x2dz");
  EXPECT_EQ(r.expand("%I").text, "x/y-z");
  EXPECT_EQ(r.expand("%f").text, "/x/y-z");
  EXPECT_EQ(r.expand("%j").text, "echo");
  EXPECT_EQ(r.expand("%J").text, "echo");
  EXPECT_EQ(r.expand("%d").text, "/run/credentials/echo@x-y\\x2dz.service");
}

TEST(Specifiers, PrefixComponents) {
  auto id = RuntimeIdentity::for_tests(RuntimeScope::system);
  SpecifierResolver r("foo-bar\\x2dbaz@a.service", id);
  EXPECT_EQ(r.expand("%p %P %j %J").text, "foo-bar\\x2dbaz foo/bar-baz bar\\x2dbaz bar-baz");
}

TEST(Specifiers, SystemScope) {
  auto id = RuntimeIdentity::for_tests(RuntimeScope::system);
  SpecifierResolver r("web.service", id);
  EXPECT_EQ(r.expand("%i|%I|%f").text, "||/web");
  EXPECT_EQ(r.expand("%C %E %L %S %t %T %V").text, "/var/cache /etc /var/log /var/lib /run /tmp /var/tmp");
  EXPECT_EQ(r.expand("%u %U %g %G %h %s").text, "root 0 root 0 /root /bin/sh");
  EXPECT_EQ(r.expand("%H %l %q %m %b %v %a").text,
            "testhost testhost testhost 0123456789abcdef0123456789abcdef fedcba9876543210fedcba9876543210 "
            "6.1.0-test x86-64");
  EXPECT_EQ(r.expand("%o %w [%W] [%B] [%M] [%A]").text, "debian 12 [] [] [] []");
}

TEST(Specifiers, UserScopeDirectoriesAre252s) {
  auto id = RuntimeIdentity::for_tests(RuntimeScope::user);
  SpecifierResolver r("web.service", id);
  // systemd 252: state and logs live below the config directory.
  EXPECT_EQ(r.expand("%C %E %L %S %t").text,
            "/home/user/.cache /home/user/.config /home/user/.config/log /home/user/.config /run/user/1000");
  EXPECT_EQ(r.expand("%d").text, "/run/user/1000/credentials/web.service");
  EXPECT_EQ(r.expand("%u:%U %g:%G %h %s").text, "user:1000 user:1000 /home/user /bin/bash");
}

TEST(Specifiers, LiteralsAsSpecifierPrintf) {
  auto id = RuntimeIdentity::for_tests(RuntimeScope::system);
  SpecifierResolver r("web.service", id);
  EXPECT_EQ(r.expand("100%% sure").text, "100% sure");
  EXPECT_EQ(r.expand("ends with %").text, "ends with %");
  EXPECT_EQ(r.expand("%, %! %-").text, "%, %! %-");  // not possible specifiers: kept
  EXPECT_EQ(r.expand("no specifiers").text, "no specifiers");
}

TEST(Specifiers, FailuresNameSystemdsReason) {
  auto id = RuntimeIdentity::for_tests(RuntimeScope::system);
  SpecifierResolver r("web.service", id);
  EXPECT_EQ(r.expand("/bin/%z").error, "Invalid slot");
  EXPECT_EQ(r.expand("%Z").error, "Invalid slot");
  EXPECT_EQ(r.expand("%0").error, "Invalid slot");
  EXPECT_EQ(r.expand("%y").error, "No such file or directory");  // no fragment
  SpecifierResolver bad("foo@-x.service", id);
  EXPECT_EQ(bad.expand("%f").error, "Invalid argument");
  EXPECT_EQ(bad.expand("%I").text, "/x");
  SpecifierResolver bad_escape("foo@a\\q.service", id);
  EXPECT_EQ(bad_escape.expand("%I").error, "Invalid argument");
  id.host.machine_id.reset();
  id.host.os_release.reset();
  SpecifierResolver bare("web.service", id);
  EXPECT_EQ(bare.expand("%m").error, "No such file or directory");
  EXPECT_EQ(bare.expand("%o").error, "No such file or directory");
}

// Dependency names take only unit_name_printf's specifiers.
TEST(Specifiers, UnitNameSet) {
  auto id = RuntimeIdentity::for_tests(RuntimeScope::system);
  SpecifierResolver r("a@b.service", id);
  EXPECT_EQ(r.expand("x-%i-%j-%n-%N-%p-%u-%H-%a-%q-%m-%o-%g.service", SpecifierSet::unit_name).text,
            "x-b-a-a@b.service-a@b-a-root-testhost-x86-64-testhost-0123456789abcdef0123456789abcdef-debian-root.service");
  for (const char* refused : {"%I", "%J", "%P", "%f", "%t", "%y", "%S", "%h", "%T", "%d"})
    EXPECT_EQ(r.expand(refused, SpecifierSet::unit_name).error, "Invalid slot") << refused;
}

TEST(Specifiers, LengthLimits) {
  auto id = RuntimeIdentity::for_tests(RuntimeScope::system);
  SpecifierResolver r("web.service", id);
  EXPECT_TRUE(r.expand(std::string(255, 'a'), SpecifierSet::unit_name, kMaxUnitNameExpansion).ok());
  EXPECT_EQ(r.expand(std::string(250, 'a') + "%n", SpecifierSet::unit_name, kMaxUnitNameExpansion).error,
            "File name too long");
}

TEST(Specifiers, FragmentPaths) {
  char dir[] = "/tmp/vermilion-spec-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  std::string file = std::string(dir) + "/web.service";
  std::ofstream(file) << "";
  std::string link = std::string(dir) + "/alias.service";
  ASSERT_EQ(symlink(file.c_str(), link.c_str()), 0);
  auto id = RuntimeIdentity::for_tests(RuntimeScope::system);
  SpecifierResolver r("alias.service", id, link);
  EXPECT_EQ(r.expand("%y").text, file);  // the real path
  EXPECT_EQ(r.expand("%Y").text, dir);
  unlink(link.c_str());
  unlink(file.c_str());
  rmdir(dir);
}

TEST(HostFacts, ArchitectureNames) {
  EXPECT_EQ(architecture_name("x86_64"), "x86-64");
  EXPECT_EQ(architecture_name("i686"), "x86");
  EXPECT_EQ(architecture_name("aarch64"), "arm64");
  EXPECT_EQ(architecture_name("armv7l"), "arm");
  EXPECT_EQ(architecture_name("ppc64le"), "ppc64-le");
  EXPECT_EQ(architecture_name("s390x"), "s390x");
}

TEST(HostFacts, OsReleaseSyntax) {
  auto f = parse_env_file_text("# c\nID=debian\nVERSION_ID=\"12\"\nNAME='Debian GNU/Linux'\nX=\"a \\\"q\\\"\"\nbad\n");
  EXPECT_EQ(f["ID"], "debian");
  EXPECT_EQ(f["VERSION_ID"], "12");
  EXPECT_EQ(f["NAME"], "Debian GNU/Linux");
  EXPECT_EQ(f["X"], "a \"q\"");
  EXPECT_EQ(f.count("bad"), 0u);
}

TEST(HostFacts, ReadsThisHost) {
  auto facts = HostFacts::read();
  EXPECT_FALSE(facts.host_name.empty());
  EXPECT_FALSE(facts.kernel_release.empty());
  EXPECT_FALSE(facts.architecture.empty());
  EXPECT_EQ(facts.short_host_name.find('.'), std::string::npos);
}

}  // namespace
}  // namespace vermilion
