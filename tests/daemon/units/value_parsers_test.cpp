#include "units/value_parsers.h"

#include <gtest/gtest.h>

namespace vermilion {
namespace {

// systemd 252's parse_nsec() (TimerSlackNSec=): parse_time()'s syntax with
// nanoseconds as the default unit and "ns"/"nsec".
TEST(ValueParsers, NanosecondSpans) {
  EXPECT_EQ(parse_nsec_span("50000"), 50'000u);
  EXPECT_EQ(parse_nsec_span("1ms"), 1'000'000u);
  EXPECT_EQ(parse_nsec_span("20us"), 20'000u);
  EXPECT_EQ(parse_nsec_span("3ns"), 3u);
  EXPECT_EQ(parse_nsec_span("2nsec 1us"), 1'002u);
  EXPECT_EQ(parse_nsec_span("1.5s"), 1'500'000'000u);
  EXPECT_EQ(parse_nsec_span("infinity"), UINT64_MAX);
  EXPECT_EQ(parse_nsec_span(""), std::nullopt);
  EXPECT_EQ(parse_nsec_span("5."), std::nullopt);
  EXPECT_EQ(parse_nsec_span("banana"), std::nullopt);
  EXPECT_EQ(parse_nsec_span("-1"), std::nullopt);
}

// safe_atoux64(): base 16, "0x" optional, no sign.
TEST(ValueParsers, HexNumbers) {
  EXPECT_EQ(parse_hex_u64("33"), 0x33u);
  EXPECT_EQ(parse_hex_u64("0x13"), 0x13u);
  EXPECT_EQ(parse_hex_u64("ffffffff"), 0xffffffffu);
  EXPECT_EQ(parse_hex_u64("-1"), std::nullopt);
  EXPECT_EQ(parse_hex_u64("0xg"), std::nullopt);
  EXPECT_EQ(parse_hex_u64(""), std::nullopt);
}

TEST(ParseBoolean, AcceptsSystemdSpellings) {
  for (auto s : {"1", "yes", "y", "true", "t", "on", "YES", "True"}) EXPECT_EQ(parse_boolean(s), true) << s;
  for (auto s : {"0", "no", "n", "false", "f", "off", "OFF"}) EXPECT_EQ(parse_boolean(s), false) << s;
  for (auto s : {"", "2", "yess", "enable", " yes"}) EXPECT_EQ(parse_boolean(s), std::nullopt) << s;
}

TEST(ParseTimeSpan, UnitsAndCombinations) {
  constexpr usec_t s = kUsecPerSec;
  EXPECT_EQ(parse_time_span("5"), 5 * s);
  EXPECT_EQ(parse_time_span("500ms"), 500'000u);
  EXPECT_EQ(parse_time_span("1min 30s"), 90 * s);
  EXPECT_EQ(parse_time_span("1min30s"), 90 * s);
  EXPECT_EQ(parse_time_span("2h"), 7200 * s);
  EXPECT_EQ(parse_time_span("2 hours"), 7200 * s);
  EXPECT_EQ(parse_time_span("1.5s"), 1'500'000u);
  EXPECT_EQ(parse_time_span("10us"), 10u);
  EXPECT_EQ(parse_time_span("10usec"), 10u);
  EXPECT_EQ(parse_time_span("3msec"), 3000u);
  EXPECT_EQ(parse_time_span("1m"), 60 * s);
  EXPECT_EQ(parse_time_span("1M"), 2'629'800 * s);
  EXPECT_EQ(parse_time_span("1d"), 86400 * s);
  EXPECT_EQ(parse_time_span("1w"), 7 * 86400 * s);
  EXPECT_EQ(parse_time_span("1weeks"), 7 * 86400 * s);
  EXPECT_EQ(parse_time_span("1y"), 31'557'600 * s);
  EXPECT_EQ(parse_time_span("1hr 1minutes 1seconds"), 3661 * s);
  EXPECT_EQ(parse_time_span("0"), 0u);
  EXPECT_EQ(parse_time_span("infinity"), kUsecInfinity);
  EXPECT_EQ(parse_time_span(" 5s "), 5 * s);
}

TEST(ParseTimeSpan, DefaultUnitApplies) {
  EXPECT_EQ(parse_time_span("5", 1), 5u);
  EXPECT_EQ(parse_time_span("5s", 1), 5 * kUsecPerSec);
}

TEST(ParseTimeSpan, RejectsGarbage) {
  for (auto t : {"", "abc", "5x", "-5s", "5s garbage", "1.2.3", "s", "99999999999999999999s", "100000000y"})
    EXPECT_EQ(parse_time_span(t), std::nullopt) << t;
}

// systemd 252 src/test/test-time-util.c, test_parse_sec.
TEST(ParseTimeSpan, SystemdVectors) {
  constexpr usec_t ms = 1000, s = kUsecPerSec;
  EXPECT_EQ(parse_time_span("5s"), 5 * s);
  EXPECT_EQ(parse_time_span("5s500ms"), 5 * s + 500 * ms);
  EXPECT_EQ(parse_time_span(" 5s 500ms  "), 5 * s + 500 * ms);
  EXPECT_EQ(parse_time_span(" 5.5s  "), 5 * s + 500 * ms);
  EXPECT_EQ(parse_time_span(" 5.5s 0.5ms "), 5 * s + 500 * ms + 500);
  EXPECT_EQ(parse_time_span(" .22s "), 220 * ms);
  EXPECT_EQ(parse_time_span(" .50y "), 31'557'600 * s / 2);
  EXPECT_EQ(parse_time_span("2.5"), 2500 * ms);
  EXPECT_EQ(parse_time_span(".7"), 700 * ms);
  EXPECT_EQ(parse_time_span("23us"), 23u);
  EXPECT_EQ(parse_time_span("23\xc2\xb5s"), 23u);  // MICRO SIGN
  EXPECT_EQ(parse_time_span("23\xce\xbcs"), 23u);  // GREEK SMALL LETTER MU
  EXPECT_EQ(parse_time_span("infinity"), kUsecInfinity);
  EXPECT_EQ(parse_time_span(" infinity "), kUsecInfinity);
  EXPECT_EQ(parse_time_span("+3.1s"), 3100 * ms);
  EXPECT_EQ(parse_time_span("3.1s.2"), 3300 * ms);
  EXPECT_EQ(parse_time_span("3.1 .2"), 3300 * ms);
  EXPECT_EQ(parse_time_span("3.1 sec .2 sec"), 3300 * ms);
  EXPECT_EQ(parse_time_span("3.1 sec 1.2 sec"), 4300 * ms);
  for (auto t : {" xyz ", "", " . ", " 5. ", ".s ", "-5s ", "-0.3s ", "-0.0s ", "-0.-0s ", "0.-0s ", "3.-0s ",
                 " infinity .7", ".3 infinity", "3.+1s", "3. 1s", "3.s", "12.34.56", "12..34", "..1234", "1234.."})
    EXPECT_EQ(parse_time_span(t), std::nullopt) << t;
  // test_parse_time
  EXPECT_EQ(parse_time_span("5", 1), 5u);
  EXPECT_EQ(parse_time_span("5", 1000), 5000u);
  EXPECT_EQ(parse_time_span("5s", 1000), 5 * s);
  EXPECT_EQ(parse_time_span("11111111111111y", 1), std::nullopt);
  EXPECT_NE(parse_time_span("1.1111111111111y", 1), std::nullopt);
}

TEST(ParseSignal, NamesNumbersAndRealtime) {
  EXPECT_EQ(parse_signal("SIGTERM"), SIGTERM);
  EXPECT_EQ(parse_signal("TERM"), SIGTERM);
  EXPECT_EQ(parse_signal("15"), 15);
  EXPECT_EQ(parse_signal("0xf"), 15);
  EXPECT_EQ(parse_signal("SIGKILL"), SIGKILL);
  EXPECT_EQ(parse_signal("HUP"), SIGHUP);
  EXPECT_EQ(parse_signal("PWR"), SIGPWR);
  EXPECT_EQ(parse_signal("STKFLT"), SIGSTKFLT);
  EXPECT_EQ(parse_signal("SIGRTMIN+2"), SIGRTMIN + 2);
  EXPECT_EQ(parse_signal("RTMAX-1"), SIGRTMAX - 1);
  // systemd's table has no aliases and is case-sensitive (checked with systemd 252).
  for (auto s : {"", "SIG", "SIGFOO", "term", "usr1", "IOT", "SIGIOT", "CLD", "POLL", "0", "65", "RTMIN+99", "-1",
                 "RTMIN-1", "RTMAX+1"})
    EXPECT_EQ(parse_signal(s), std::nullopt) << s;
}

TEST(ParseExitStatus, NamesAndNumbers) {
  EXPECT_EQ(parse_exit_status("DATAERR"), 65);
  EXPECT_EQ(parse_exit_status("CANTCREAT"), 73);
  EXPECT_EQ(parse_exit_status("NOTINSTALLED"), 5);
  EXPECT_EQ(parse_exit_status("CHDIR"), 200);
  EXPECT_EQ(parse_exit_status("BPF"), 244);
  EXPECT_EQ(parse_exit_status("EXCEPTION"), 255);
  EXPECT_EQ(parse_exit_status("0"), 0);
  EXPECT_EQ(parse_exit_status("255"), 255);
  EXPECT_EQ(parse_exit_status("0x41"), 65);  // safe_atou8: C's base 0
  EXPECT_EQ(parse_exit_status("010"), 8);
  EXPECT_EQ(parse_exit_status("0b11"), 3);
  EXPECT_EQ(parse_exit_status("+5"), 5);
  for (auto s : {"256", "300", "-1", "dataerr", "SIGTERM", "1x", "08", ""}) EXPECT_EQ(parse_exit_status(s), std::nullopt) << s;
}

TEST(ParseExitStatusList, CodesSignalsAndReset) {
  auto r = parse_exit_status_list("0 1 SIGTERM 255 HUP DATAERR CANTCREAT", {});
  EXPECT_TRUE(r.invalid.empty());
  EXPECT_EQ(r.set.codes, (std::set<int>{0, 1, 65, 73, 255}));
  EXPECT_EQ(r.set.signals, (std::set<int>{SIGTERM, SIGHUP}));
  auto more = parse_exit_status_list("3", r.set);
  EXPECT_EQ(more.set.codes, (std::set<int>{0, 1, 3, 65, 73, 255}));
  auto reset = parse_exit_status_list("", more.set);
  EXPECT_TRUE(reset.set.empty());
  // systemd drops each invalid word on its own and keeps the rest.
  auto mixed = parse_exit_status_list("0 300 SIGBOGUS TERM 5 bogus", {});
  EXPECT_EQ(mixed.set.codes, (std::set<int>{0, 5}));
  EXPECT_EQ(mixed.set.signals, (std::set<int>{SIGTERM}));
  EXPECT_EQ(mixed.invalid, (std::vector<std::string>{"300", "SIGBOGUS", "bogus"}));
}

TEST(UserOrGroupName, RelaxedAsSystemd252) {
  for (auto ok : {"nobody", "a b", "a@b", "+x", "-x", "a,b", "1234", "0", "4294967294", "domain\\user"})
    EXPECT_TRUE(is_valid_user_or_group_name(ok)) << ok;
  for (auto bad : {"", "bad:name", "a/b", ".", "..", "-1", "65535", "4294967295", "99999999999", " x", "x ", "a\tb",
                   "\xff"})
    EXPECT_FALSE(is_valid_user_or_group_name(bad)) << bad;
}

TEST(ParseResourceLimit, CountsBytesAndInfinity) {
  auto n = parse_resource_limit("1024", RLIMIT_NOFILE);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n.value->soft, 1024u);
  EXPECT_EQ(n.value->hard, 1024u);
  auto pair = parse_resource_limit("1024:4096", RLIMIT_NOFILE);
  ASSERT_TRUE(pair.ok());
  EXPECT_EQ(pair.value->soft, 1024u);
  EXPECT_EQ(pair.value->hard, 4096u);
  auto inf = parse_resource_limit("infinity", RLIMIT_CORE);
  ASSERT_TRUE(inf.ok());
  EXPECT_EQ(inf.value->soft, RLIM_INFINITY);
  auto bytes = parse_resource_limit("4K:1G", RLIMIT_AS);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(bytes.value->soft, 4096u);
  EXPECT_EQ(bytes.value->hard, 1024u * 1024 * 1024);
  auto half = parse_resource_limit("1.5M", RLIMIT_STACK);
  ASSERT_TRUE(half.ok());
  EXPECT_EQ(half.value->soft, 1024u * 1024 * 3 / 2);
  auto soft_inf = parse_resource_limit("10:infinity", RLIMIT_NPROC);
  ASSERT_TRUE(soft_inf.ok());
  EXPECT_EQ(soft_inf.value->hard, RLIM_INFINITY);
}

TEST(ParseResourceLimit, TimeAndNice) {
  auto cpu = parse_resource_limit("1min", RLIMIT_CPU);
  ASSERT_TRUE(cpu.ok());
  EXPECT_EQ(cpu.value->soft, 60u);
  EXPECT_EQ(parse_resource_limit("1500ms", RLIMIT_CPU).value->soft, 2u);  // rounded up
  EXPECT_EQ(parse_resource_limit("30", RLIMIT_CPU).value->soft, 30u);
  EXPECT_EQ(parse_resource_limit("5s", RLIMIT_RTTIME).value->soft, 5'000'000u);
  EXPECT_EQ(parse_resource_limit("500", RLIMIT_RTTIME).value->soft, 500u);
  EXPECT_EQ(parse_resource_limit("-5", RLIMIT_NICE).value->soft, 25u);
  EXPECT_EQ(parse_resource_limit("+19", RLIMIT_NICE).value->soft, 1u);
  EXPECT_EQ(parse_resource_limit("40", RLIMIT_NICE).value->soft, 40u);
  EXPECT_FALSE(parse_resource_limit("41", RLIMIT_NICE).ok());
  EXPECT_FALSE(parse_resource_limit("-21", RLIMIT_NICE).ok());
}

TEST(ParseResourceLimit, Rejects) {
  EXPECT_FALSE(parse_resource_limit("", RLIMIT_NOFILE).ok());
  EXPECT_FALSE(parse_resource_limit("lots", RLIMIT_NOFILE).ok());
  EXPECT_FALSE(parse_resource_limit("4K", RLIMIT_NOFILE).ok());  // no suffixes on counts
  EXPECT_FALSE(parse_resource_limit("4Q", RLIMIT_AS).ok());
  EXPECT_FALSE(parse_resource_limit("10:5", RLIMIT_NOFILE).ok());
  EXPECT_FALSE(parse_resource_limit("1:2:3", RLIMIT_NOFILE).ok());
  EXPECT_FALSE(parse_resource_limit("99999999999E", RLIMIT_AS).ok());
  EXPECT_FALSE(parse_resource_limit("-1", RLIMIT_NOFILE).ok());
}

// systemd 252's parse_size(t, 1024) (src/basic/parse-util.c; the sums and
// fractions as `systemd-analyze condition ConditionMemory=...` takes them).
TEST(ParseByteSize, SystemdParseSize) {
  constexpr rlim_t K = 1024, M = K * K, G = M * K;
  EXPECT_EQ(parse_byte_size("512"), 512u);
  EXPECT_EQ(parse_byte_size("4K"), 4 * K);
  EXPECT_EQ(parse_byte_size("1.5G"), G + G / 2);
  EXPECT_EQ(parse_byte_size("1G 512M"), G + 512 * M) << "parts add up";
  EXPECT_EQ(parse_byte_size("1 G"), G);
  EXPECT_EQ(parse_byte_size("+1G"), G);
  EXPECT_EQ(parse_byte_size("10.M"), 10 * M);
  EXPECT_EQ(parse_byte_size("1.0000000001G"), G);
  EXPECT_EQ(parse_byte_size("3B"), 3u);
  EXPECT_EQ(parse_byte_size("16E"), std::nullopt) << "2^64";
  for (const char* bad : {"", "1K 1G", "-1", "1X", "G", "1.5.5G", "1 2", "0x10"})
    EXPECT_EQ(parse_byte_size(bad), std::nullopt) << bad;
}

TEST(ParseUmask, Octal) {
  EXPECT_EQ(parse_umask("0022"), 0022u);
  EXPECT_EQ(parse_umask("077"), 077u);
  EXPECT_EQ(parse_umask("7777"), 07777u);
  for (auto s : {"", "8", "0x22", "10000", "-1", "022 "}) EXPECT_EQ(parse_umask(s), std::nullopt) << s;
}

TEST(EnvironmentName, Validity) {
  EXPECT_TRUE(is_valid_environment_name("PATH"));
  EXPECT_TRUE(is_valid_environment_name("_x1"));
  EXPECT_FALSE(is_valid_environment_name(""));
  EXPECT_FALSE(is_valid_environment_name("1A"));
  EXPECT_FALSE(is_valid_environment_name("A-B"));
}

}  // namespace
}  // namespace vermilion

namespace vermilion {
namespace {

// systemd 252 src/test/test-env-util.c, TEST(env_name_is_valid), and the
// names of TEST(env_assignment_is_valid).
TEST(EnvironmentName, SystemdVectors) {
  EXPECT_TRUE(is_valid_environment_name("test"));
  EXPECT_TRUE(is_valid_environment_name("a"));
  for (const char* bad : {"", "xxx\a", "xxx\007b", "\007\009", "5_starting_with_a_number_is_wrong",
                          "#\xc2\xa4%&?_only_numbers_letters_and_underscore_allowed", "a b", "a ", " b", "a.b",
                          "a-b"})
    EXPECT_FALSE(is_valid_environment_name(bad)) << bad;
}

}  // namespace
// path_simplify() and path_is_normalized() (systemd's test-path-util.c).
TEST(PathSyntax, SimplifyAndNormalized) {
  EXPECT_EQ(simplify_path("/a//b/./c/"), "/a/b/c");
  EXPECT_EQ(simplify_path("//"), "/");
  EXPECT_EQ(simplify_path("a/../b"), "a/../b") << "\"..\" stays";
  EXPECT_EQ(simplify_path("./"), ".");
  EXPECT_TRUE(has_dot_dot("/a/../b"));
  EXPECT_FALSE(has_dot_dot("/a/..b"));
  for (const char* good : {"/", "/dev/null", "/dev/a..b", "/a/.b"}) EXPECT_TRUE(path_is_normalized(good)) << good;
  for (const char* bad : {"/dev//null", "/dev/./null", "/dev/../null", "/dev/.", "/.."})
    EXPECT_FALSE(path_is_normalized(bad)) << bad;
}

}  // namespace vermilion
