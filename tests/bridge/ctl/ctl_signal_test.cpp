#include "ctl/ctl_signal.h"

#include <gtest/gtest.h>
#include <signal.h>

namespace vermilion::ctl {
namespace {

TEST(CtlSignal, NamesWithAndWithoutSigPrefix) {
  EXPECT_EQ(parse_signal("TERM"), SIGTERM);
  EXPECT_EQ(parse_signal("SIGTERM"), SIGTERM);
  EXPECT_EQ(parse_signal("HUP"), SIGHUP);
  EXPECT_EQ(parse_signal("KILL"), SIGKILL);
  EXPECT_EQ(parse_signal("USR1"), SIGUSR1);
  EXPECT_EQ(parse_signal("SIGWINCH"), SIGWINCH);
  // Aliases.
  EXPECT_EQ(parse_signal("IOT"), SIGABRT);
  EXPECT_EQ(parse_signal("CLD"), SIGCHLD);
}

TEST(CtlSignal, NamesAreCaseInsensitive) {
  EXPECT_EQ(parse_signal("term"), SIGTERM);
  EXPECT_EQ(parse_signal("SigHup"), SIGHUP);
}

TEST(CtlSignal, Numbers) {
  EXPECT_EQ(parse_signal("9"), 9);
  EXPECT_EQ(parse_signal("15"), 15);
  EXPECT_EQ(parse_signal(std::to_string(SIGRTMAX)), SIGRTMAX);
  EXPECT_FALSE(parse_signal("0"));
  EXPECT_FALSE(parse_signal(std::to_string(SIGRTMAX + 1)));
  EXPECT_FALSE(parse_signal("-9"));
  EXPECT_FALSE(parse_signal("9x"));
  EXPECT_FALSE(parse_signal("99999999999999999999"));
}

TEST(CtlSignal, RealTimeSignals) {
  EXPECT_EQ(parse_signal("RTMIN"), SIGRTMIN);
  EXPECT_EQ(parse_signal("SIGRTMIN+3"), SIGRTMIN + 3);
  EXPECT_EQ(parse_signal("RTMAX"), SIGRTMAX);
  EXPECT_EQ(parse_signal("RTMAX-2"), SIGRTMAX - 2);
  EXPECT_FALSE(parse_signal("RTMIN-1"));
  EXPECT_FALSE(parse_signal("RTMAX+1"));
  EXPECT_FALSE(parse_signal("RTMIN+"));
  EXPECT_FALSE(parse_signal("RTMIN+100"));
}

TEST(CtlSignal, RejectsWhatNamesNoSignal) {
  EXPECT_FALSE(parse_signal(""));
  EXPECT_FALSE(parse_signal("SIG"));
  EXPECT_FALSE(parse_signal("FOO"));
  EXPECT_FALSE(parse_signal("SIGSIGTERM"));
  EXPECT_FALSE(parse_signal(" TERM"));
}

}  // namespace
}  // namespace vermilion::ctl
