#include "platform/notify_message.h"

#include <gtest/gtest.h>

#include <string>

namespace vermilion {
namespace {

using namespace std::literals;

TEST(NotifyMessage, EmptyDatagramMeansNothing) {
  const NotifyMessage m = parse_notify_message("");
  EXPECT_FALSE(m.ready || m.stopping || m.reloading || m.watchdog_ping || m.watchdog_trigger);
  EXPECT_FALSE(m.status || m.main_pid || m.errno_value || m.watchdog_usec);
  EXPECT_TRUE(m.ignored.empty());
}

TEST(NotifyMessage, TypicalReadyMessage) {
  const NotifyMessage m = parse_notify_message("READY=1\nSTATUS=Processing requests...\nMAINPID=4711\n");
  EXPECT_TRUE(m.ready);
  EXPECT_EQ(m.status, "Processing requests...");
  EXPECT_EQ(m.main_pid, 4711);
  EXPECT_TRUE(m.ignored.empty());
}

TEST(NotifyMessage, AllFlags) {
  const NotifyMessage m = parse_notify_message("STOPPING=1\nRELOADING=1\nWATCHDOG=1\nWATCHDOG=trigger");
  EXPECT_FALSE(m.ready);
  EXPECT_TRUE(m.stopping);
  EXPECT_TRUE(m.reloading);
  EXPECT_TRUE(m.watchdog_ping);
  EXPECT_TRUE(m.watchdog_trigger);
}

TEST(NotifyMessage, FlagsOnlyAcceptOne) {
  const NotifyMessage m = parse_notify_message("READY=0\nSTOPPING=yes\nRELOADING=\nWATCHDOG=2");
  EXPECT_FALSE(m.ready || m.stopping || m.reloading || m.watchdog_ping || m.watchdog_trigger);
  ASSERT_EQ(m.ignored.size(), 4u);
  EXPECT_EQ(m.ignored[0], "READY=0: only READY=1 is understood");
  EXPECT_EQ(m.ignored[3], "WATCHDOG=2: only WATCHDOG=1 and WATCHDOG=trigger are understood");
}

TEST(NotifyMessage, SplitsOnCarriageReturnAndSkipsEmptyLines) {
  const NotifyMessage m = parse_notify_message("\n\nREADY=1\r\nSTATUS=up\r\r\n");
  EXPECT_TRUE(m.ready);
  EXPECT_EQ(m.status, "up");
  EXPECT_TRUE(m.ignored.empty());
}

TEST(NotifyMessage, UnknownKeysAndLinesWithoutEqualsAreIgnoredSilently) {
  const NotifyMessage m =
      parse_notify_message("FDSTORE=1\nX_CUSTOM=hi\nnonsense\nready=1\n READY=1\nREADY =1\nEXTEND_TIMEOUT_USEC=5");
  EXPECT_FALSE(m.ready);
  EXPECT_TRUE(m.ignored.empty());
}

TEST(NotifyMessage, ValueMayContainEquals) {
  EXPECT_EQ(parse_notify_message("STATUS=a=b=c").status, "a=b=c");
}

TEST(NotifyMessage, EmptyStatusClearsIt) {
  const NotifyMessage m = parse_notify_message("STATUS=");
  ASSERT_TRUE(m.status);
  EXPECT_EQ(*m.status, "");
}

TEST(NotifyMessage, StatusMustBeUtf8) {
  EXPECT_EQ(parse_notify_message("STATUS=caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80").status,
            "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  for (const char* bad : {"STATUS=\xff", "STATUS=\xc3", "STATUS=\xc0\xaf" /* overlong */,
                          "STATUS=\xed\xa0\x80" /* surrogate */, "STATUS=\xf4\x90\x80\x80" /* > U+10FFFF */}) {
    const NotifyMessage m = parse_notify_message(bad);
    EXPECT_FALSE(m.status) << bad;
    ASSERT_EQ(m.ignored.size(), 1u) << bad;
    EXPECT_NE(m.ignored[0].find("not valid UTF-8"), std::string::npos);
  }
}

TEST(NotifyMessage, InvalidMainPidIsIgnoredWithAReasonAndTheRestStillCounts) {
  const NotifyMessage m = parse_notify_message("MAINPID=abc\nREADY=1");
  EXPECT_TRUE(m.ready);
  EXPECT_FALSE(m.main_pid);
  ASSERT_EQ(m.ignored.size(), 1u);
  EXPECT_EQ(m.ignored[0], "MAINPID=abc: not a valid PID");
}

TEST(NotifyMessage, MainPidRange) {
  for (const char* bad : {"MAINPID=0", "MAINPID=-5", "MAINPID=+5", "MAINPID= 5", "MAINPID=5 ", "MAINPID=",
                          "MAINPID=2147483648", "MAINPID=99999999999999999999999", "MAINPID=0x10"}) {
    const NotifyMessage m = parse_notify_message(bad);
    EXPECT_FALSE(m.main_pid) << bad;
    EXPECT_EQ(m.ignored.size(), 1u) << bad;
  }
  EXPECT_EQ(parse_notify_message("MAINPID=1").main_pid, 1);
  EXPECT_EQ(parse_notify_message("MAINPID=2147483647").main_pid, 2147483647);
}

TEST(NotifyMessage, FirstOccurrenceOfAValuedKeyDecides) {
  const NotifyMessage m = parse_notify_message("MAINPID=abc\nMAINPID=42\nSTATUS=one\nSTATUS=two");
  EXPECT_FALSE(m.main_pid);  // as systemd: the first MAINPID= was bad, the second is not consulted
  EXPECT_EQ(m.status, "one");
  ASSERT_EQ(m.ignored.size(), 3u);
  EXPECT_EQ(m.ignored[1], "MAINPID=42: repeated; the first MAINPID= counts");
}

TEST(NotifyMessage, Errno) {
  EXPECT_EQ(parse_notify_message("ERRNO=2").errno_value, 2);
  EXPECT_EQ(parse_notify_message("ERRNO=0").errno_value, 0);
  EXPECT_EQ(parse_notify_message("ERRNO=4095").errno_value, 4095);
  for (const char* bad : {"ERRNO=4096", "ERRNO=-1", "ERRNO=ENOENT", "ERRNO="}) {
    const NotifyMessage m = parse_notify_message(bad);
    EXPECT_FALSE(m.errno_value) << bad;
    EXPECT_EQ(m.ignored.size(), 1u) << bad;
  }
}

TEST(NotifyMessage, WatchdogUsec) {
  EXPECT_EQ(parse_notify_message("WATCHDOG_USEC=30000000").watchdog_usec, 30'000'000u);
  EXPECT_EQ(parse_notify_message("WATCHDOG_USEC=0").watchdog_usec, 0u);
  EXPECT_EQ(parse_notify_message("WATCHDOG_USEC=18446744073709551615").watchdog_usec, UINT64_MAX);
  // safe_atou64() as in systemd 252: whitespace before, a sign, hex, octal.
  EXPECT_EQ(parse_notify_message("WATCHDOG_USEC= \t30").watchdog_usec, 30u);
  EXPECT_EQ(parse_notify_message("WATCHDOG_USEC=+30").watchdog_usec, 30u);
  EXPECT_EQ(parse_notify_message("WATCHDOG_USEC=0x1e").watchdog_usec, 30u);
  EXPECT_EQ(parse_notify_message("WATCHDOG_USEC=036").watchdog_usec, 30u);
  EXPECT_EQ(parse_notify_message("WATCHDOG_USEC=-0").watchdog_usec, 0u);
  for (const char* bad : {"WATCHDOG_USEC=18446744073709551616", "WATCHDOG_USEC=5s", "WATCHDOG_USEC=-1",
                          "WATCHDOG_USEC=30 ", "WATCHDOG_USEC=", "WATCHDOG_USEC=0x", "WATCHDOG_USEC=09"}) {
    const NotifyMessage m = parse_notify_message(bad);
    EXPECT_FALSE(m.watchdog_usec) << bad;
    EXPECT_EQ(m.ignored.size(), 1u) << bad;
  }
}

TEST(NotifyMessage, ExtendTimeoutUsec) {
  EXPECT_EQ(parse_notify_message("EXTEND_TIMEOUT_USEC=5000000").extend_timeout_usec, 5'000'000u);
  // Kept as sent: the supervisor ignores 0 and infinity, as systemd does.
  EXPECT_EQ(parse_notify_message("EXTEND_TIMEOUT_USEC=0").extend_timeout_usec, 0u);
  EXPECT_EQ(parse_notify_message("EXTEND_TIMEOUT_USEC=18446744073709551615").extend_timeout_usec, UINT64_MAX);
  EXPECT_TRUE(parse_notify_message("EXTEND_TIMEOUT_USEC=1").actionable());
  const NotifyMessage twice = parse_notify_message("EXTEND_TIMEOUT_USEC=1\nEXTEND_TIMEOUT_USEC=2");
  EXPECT_EQ(twice.extend_timeout_usec, 1u);  // the first counts (strv_find_startswith)
  EXPECT_EQ(twice.ignored.size(), 1u);
  // Recorded with systemd 252 (extend-timeout-syntax): hex, leading
  // whitespace and '+' count; a leading 0 is octal; trailing space fails.
  EXPECT_EQ(parse_notify_message("EXTEND_TIMEOUT_USEC=0x2dc6c0").extend_timeout_usec, 3'000'000u);
  // mangle_base(): 0b and 0o prefixes (conformance case extend-timeout-edges).
  EXPECT_EQ(parse_notify_message("EXTEND_TIMEOUT_USEC=0b1011011100011011000000").extend_timeout_usec, 3'000'000u);
  EXPECT_EQ(parse_notify_message("EXTEND_TIMEOUT_USEC=0O13343300").extend_timeout_usec, 3'000'000u);
  EXPECT_EQ(parse_notify_message("WATCHDOG_USEC=0B11").watchdog_usec, 3u);
  EXPECT_FALSE(parse_notify_message("EXTEND_TIMEOUT_USEC=0b102").extend_timeout_usec);
  EXPECT_FALSE(parse_notify_message("EXTEND_TIMEOUT_USEC=0o").extend_timeout_usec);
  EXPECT_EQ(parse_notify_message("EXTEND_TIMEOUT_USEC= 3000000").extend_timeout_usec, 3'000'000u);
  EXPECT_EQ(parse_notify_message("EXTEND_TIMEOUT_USEC=+3000000").extend_timeout_usec, 3'000'000u);
  EXPECT_EQ(parse_notify_message("EXTEND_TIMEOUT_USEC=03000000").extend_timeout_usec, 786'432u);
  for (const char* bad : {"EXTEND_TIMEOUT_USEC=18446744073709551616", "EXTEND_TIMEOUT_USEC=5s",
                          "EXTEND_TIMEOUT_USEC=-1", "EXTEND_TIMEOUT_USEC=", "EXTEND_TIMEOUT_USEC=3000000 "}) {
    const NotifyMessage m = parse_notify_message(bad);
    EXPECT_FALSE(m.extend_timeout_usec) << bad;
    EXPECT_FALSE(m.actionable()) << bad;
    EXPECT_EQ(m.ignored.size(), 1u) << bad;
  }
}

TEST(NotifyMessage, NulByteRejectsTheWholeMessage) {
  const NotifyMessage m = parse_notify_message("READY=1\n\0MAINPID=5"sv);
  EXPECT_FALSE(m.ready);
  EXPECT_FALSE(m.main_pid);
  ASSERT_EQ(m.ignored.size(), 1u);
}

TEST(NotifyMessage, LongBadValueIsShortenedInTheReason) {
  const NotifyMessage m = parse_notify_message("MAINPID=" + std::string(1000, 'z'));
  ASSERT_EQ(m.ignored.size(), 1u);
  EXPECT_LT(m.ignored[0].size(), 120u);
}

// The fd store's fields (systemd 252's service_notify_message(): FDSTORE=1
// and FDSTOREREMOVE=1 exactly, the first FDNAME=, FDPOLL=0).
TEST(NotifyMessage, FdStoreFields) {
  NotifyMessage m = parse_notify_message("FDSTORE=1\nFDNAME=first\nFDNAME=second\nFDPOLL=0");
  EXPECT_TRUE(m.fd_store);
  EXPECT_FALSE(m.fd_store_remove);
  EXPECT_EQ(m.fd_name, "first");
  EXPECT_FALSE(m.fd_poll);
  EXPECT_TRUE(m.actionable());
  NotifyMessage r = parse_notify_message("FDSTOREREMOVE=1\nFDNAME=");
  EXPECT_TRUE(r.fd_store_remove);
  EXPECT_EQ(r.fd_name, "") << "an empty name is a name";
  EXPECT_TRUE(r.fd_poll);
  EXPECT_FALSE(parse_notify_message("FDSTORE=0").fd_store);
}

// systemd's fdname_is_valid().
TEST(NotifyMessage, FdNames) {
  EXPECT_TRUE(is_valid_fd_name(""));
  EXPECT_TRUE(is_valid_fd_name("web socket #1"));
  EXPECT_TRUE(is_valid_fd_name(std::string(255, 'x')));
  EXPECT_FALSE(is_valid_fd_name(std::string(256, 'x')));
  EXPECT_FALSE(is_valid_fd_name("a:b")) << "the separator of $LISTEN_FDNAMES";
  EXPECT_FALSE(is_valid_fd_name("tab\there"));
  EXPECT_FALSE(is_valid_fd_name("caf\xc3\xa9"));
}

}  // namespace
}  // namespace vermilion
