#include "logs/journal_writer.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <string>

namespace vermilion {
namespace {

using namespace std::literals;

TEST(EncodeJournalEntry, PlainFieldsAreKeyEqualsValue) {
  EXPECT_EQ(encode_journal_entry({{"MESSAGE", "hello"}, {"PRIORITY", "6"}}), "MESSAGE=hello\nPRIORITY=6\n");
}

TEST(EncodeJournalEntry, ValuesWithNewlineOrNulCarryTheirLength) {
  EXPECT_EQ(encode_journal_entry({{"MESSAGE", "a\nb"}}), "MESSAGE\n\x03\0\0\0\0\0\0\0a\nb\n"s);
  EXPECT_EQ(encode_journal_entry({{"MESSAGE", "x\0y"sv}}), "MESSAGE\n\x03\0\0\0\0\0\0\0x\0y\n"s);
}

// A stand-in for journald: a datagram socket in a private directory.
class FakeJournal : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir_template[] = "/tmp/vermilion-journal-XXXXXX";
    ASSERT_NE(::mkdtemp(dir_template), nullptr);
    dir_ = dir_template;
    path_ = dir_ + "/socket";
    receiver_.reset(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    ASSERT_TRUE(receiver_);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strcpy(address.sun_path, path_.c_str());
    ASSERT_EQ(::bind(receiver_.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  }
  void TearDown() override {
    ::unlink(path_.c_str());
    ::rmdir(dir_.c_str());
  }

  std::string dir_, path_;
  unique_fd receiver_;
};

TEST_F(FakeJournal, SendsOneDatagramPerEntry) {
  std::unique_ptr<JournalWriter> writer;
  ASSERT_EQ(JournalWriter::open(path_, writer), 0);
  ASSERT_EQ(writer->send({{"MESSAGE", "hi"}, {"SYSLOG_IDENTIFIER", "web"}}), 0);
  char buffer[256];
  const ssize_t n = ::recv(receiver_.get(), buffer, sizeof(buffer), 0);
  ASSERT_GT(n, 0);
  EXPECT_EQ(std::string(buffer, static_cast<size_t>(n)), "MESSAGE=hi\nSYSLOG_IDENTIFIER=web\n");
}

TEST_F(FakeJournal, FullQueueDropsTheEntryInsteadOfBlocking) {
  std::unique_ptr<JournalWriter> writer;
  ASSERT_EQ(JournalWriter::open(path_, writer), 0);
  const std::string big(2000, 'x');
  int result = 0;
  // Nobody reads the fake journal, so its queue fills up.
  for (int i = 0; i < 100000 && result == 0; ++i) result = writer->send({{"MESSAGE", big}});
  EXPECT_EQ(result, -EAGAIN);
}

TEST(JournalWriter, NoSocketMeansNoJournal) {
  std::unique_ptr<JournalWriter> writer;
  EXPECT_EQ(JournalWriter::open("/nonexistent/journal/socket", writer), -ENOENT);
  EXPECT_EQ(JournalWriter::open("/dev/null", writer), -ENOTSOCK);
  EXPECT_EQ(writer, nullptr);
}

}  // namespace
}  // namespace vermilion
