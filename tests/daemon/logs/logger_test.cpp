#include "logs/logger.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>

#include "common/unique_fd.h"

namespace vermilion {
namespace {

class LoggerTest : public ::testing::Test {
 protected:
  // Non-blocking: written() stops at what is there.
  void SetUp() override { ASSERT_EQ(make_pipe(pipe_, O_NONBLOCK), 0); }

  // Everything written so far (the write end stays open).
  std::string written() {
    std::string out;
    char buffer[4096];
    for (;;) {
      ssize_t n = ::read(pipe_.first.get(), buffer, sizeof buffer);
      if (n <= 0) break;
      out.append(buffer, static_cast<std::size_t>(n));
    }
    return out;
  }
  // $JOURNAL_STREAM as systemd would set it for this fd.
  std::string stream_of(int fd) {
    struct stat st {};
    EXPECT_EQ(::fstat(fd, &st), 0);
    return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  }

  fd_pair pipe_;
};

TEST(LogLevel, ParsesNamesAndShortForms) {
  EXPECT_EQ(parse_log_level("error"), LogLevel::error);
  EXPECT_EQ(parse_log_level("err"), LogLevel::error);
  EXPECT_EQ(parse_log_level("warning"), LogLevel::warning);
  EXPECT_EQ(parse_log_level("warn"), LogLevel::warning);
  EXPECT_EQ(parse_log_level("info"), LogLevel::info);
  EXPECT_EQ(parse_log_level("debug"), LogLevel::debug);
  EXPECT_EQ(parse_log_level("notice"), std::nullopt);
  EXPECT_EQ(parse_log_level(""), std::nullopt);
}

TEST_F(LoggerTest, OneLinePerMessageWithTheLevelNamedForProblems) {
  Logger logger(LogLevel::debug, pipe_.second.get());
  logger.error("disk on fire");
  logger.warning("smoke");
  logger.info("web.service: state active/running");
  logger.debug("details");
  EXPECT_EQ(written(),
            "error: disk on fire\nwarning: smoke\nweb.service: state active/running\ndetails\n");
}

TEST_F(LoggerTest, MessagesAboveTheLevelAreDropped) {
  Logger logger(LogLevel::warning, pipe_.second.get());
  EXPECT_TRUE(logger.enabled(LogLevel::error));
  EXPECT_TRUE(logger.enabled(LogLevel::warning));
  EXPECT_FALSE(logger.enabled(LogLevel::info));
  EXPECT_FALSE(logger.enabled(LogLevel::debug));
  logger.info("not shown");
  logger.debug("not shown either");
  logger.warning("shown");
  EXPECT_EQ(written(), "warning: shown\n");
}

TEST_F(LoggerTest, PriorityPrefixesWhenTheFdIsTheJournalStream) {
  Logger logger(LogLevel::debug, pipe_.second.get(), stream_of(pipe_.second.get()));
  logger.error("e");
  logger.warning("w");
  logger.info("i");
  logger.debug("d");
  EXPECT_EQ(written(), "<3>error: e\n<4>warning: w\n<6>i\n<7>d\n");
}

TEST_F(LoggerTest, NoPrefixesWhenTheJournalStreamIsAnotherFile) {
  // JOURNAL_STREAM is inherited by whatever we run with stderr redirected
  // (a shell's `2>file`): it must name our fd itself.
  fd_pair other;
  ASSERT_EQ(make_pipe(other), 0);
  Logger logger(LogLevel::info, pipe_.second.get(), stream_of(other.second.get()));
  logger.info("plain");
  Logger garbled(LogLevel::info, pipe_.second.get(), std::string("not-a-stream"));
  garbled.info("also plain");
  EXPECT_EQ(written(), "plain\nalso plain\n");
}

}  // namespace
}  // namespace vermilion
