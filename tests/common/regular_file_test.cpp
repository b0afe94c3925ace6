#include "common/regular_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

#include "temp_dir.h"

namespace vermilion {
namespace {

using testing::TempDir;

// A read that blocks would hang the test: SIGALRM ends it instead, failing
// loudly rather than at ctest's timeout.
class RegularFileTest : public ::testing::Test {
 protected:
  void SetUp() override { alarm(20); }
  void TearDown() override { alarm(0); }
  TempDir dir_;
};

TEST_F(RegularFileTest, ReadsAWholeRegularFile) {
  dir_.write("a", "line one\nline two\n");
  std::string text = "replaced";
  ASSERT_EQ(read_regular_file(dir_.file("a"), 100, text), 0);
  EXPECT_EQ(text, "line one\nline two\n");
}

TEST_F(RegularFileTest, ExactlyTheLimitIsReadOneByteMoreIsRefused) {
  dir_.write("ten", "0123456789");
  std::string text;
  EXPECT_EQ(read_regular_file(dir_.file("ten"), 10, text), 0);
  EXPECT_EQ(text, "0123456789");
  std::string untouched = "kept";
  EXPECT_EQ(read_regular_file(dir_.file("ten"), 9, untouched), -E2BIG);
  EXPECT_EQ(untouched, "kept") << "a failed read leaves the output alone";
}

TEST_F(RegularFileTest, FilesThatUnderstateTheirSizeAreStillBounded) {
  // /proc files are regular and report st_size 0.
  std::string text;
  EXPECT_EQ(read_regular_file("/proc/self/status", 16, text), -E2BIG);
  EXPECT_EQ(read_regular_file("/proc/self/status", 1 << 20, text), 0);
  EXPECT_NE(text.find("Pid:"), std::string::npos);
}

TEST_F(RegularFileTest, AFifoWithoutWriterIsRefusedWithoutBlocking) {
  ASSERT_EQ(mkfifo(dir_.file("fifo").c_str(), 0600), 0);
  std::string text;
  EXPECT_EQ(read_regular_file(dir_.file("fifo"), 100, text), -EBADFD);
}

TEST_F(RegularFileTest, DevicesDirectoriesAndMissingFilesAreRefused) {
  std::string text;
  EXPECT_EQ(read_regular_file("/dev/zero", 100, text), -EBADFD) << "would read forever";
  EXPECT_EQ(read_regular_file("/dev/null", 100, text), -EBADFD);
  EXPECT_EQ(read_regular_file(dir_.path(), 100, text), -EISDIR);
  EXPECT_EQ(read_regular_file(dir_.file("missing"), 100, text), -ENOENT);
}

TEST_F(RegularFileTest, ErrorsReadAsSentences) {
  EXPECT_EQ(read_error_text(-EBADFD, 10), "not a regular file");
  EXPECT_EQ(read_error_text(-E2BIG, 4096), "larger than 4096 bytes");
  EXPECT_EQ(read_error_text(-EISDIR, 10), "Is a directory");
  EXPECT_EQ(read_error_text(-ENOENT, 10), "No such file or directory");
}

}  // namespace
}  // namespace vermilion
