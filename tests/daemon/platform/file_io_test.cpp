#include "platform/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "temp_dir.h"

namespace vermilion {
namespace {

using testing::TempDir;

bool is_directory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

TEST(WriteAll, WritesEverythingAcrossShortWritesAndGivesErrno) {
  int pipe_fds[2];
  ASSERT_EQ(pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK), 0);
  const std::string text(100'000, 'x');  // more than a pipe holds: the write fails part way
  EXPECT_EQ(write_all(pipe_fds[1], text.data(), text.size()), -EAGAIN);
  close(pipe_fds[0]);
  close(pipe_fds[1]);
  TempDir dir;
  dir.write("f", "");
  int fd = open(dir.file("f").c_str(), O_WRONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(write_all(fd, text.data(), text.size()), 0);
  close(fd);
  std::string back;
  ASSERT_EQ(read_text_file(dir.file("f"), back), 0);
  EXPECT_EQ(back, text);
  EXPECT_EQ(write_all(-1, "a", 1), -EBADF);
}

TEST(ReadTextFile, ReadsTheWholeFile) {
  TempDir dir;
  std::string big(10'000, 'x');  // more than one read(2) of the buffer
  big += "end\n";
  dir.write("f", big);
  std::string text;
  ASSERT_EQ(read_text_file(dir.file("f"), text), 0);
  EXPECT_EQ(text, big);
}

TEST(ReadTextFile, ReadsKernelFilesWhoseSizeIsZero) {
  std::string text;
  ASSERT_EQ(read_text_file("/proc/self/stat", text), 0);
  EXPECT_EQ(text.rfind(std::to_string(getpid()) + " (", 0), 0u) << text;
}

TEST(ReadTextFile, ErrorsAreNegativeErrnoAndLeaveOutAlone) {
  TempDir dir;
  std::string text = "unchanged";
  EXPECT_EQ(read_text_file(dir.file("missing"), text), -ENOENT);
  EXPECT_EQ(read_text_file(dir.path(), text), -EISDIR);
  EXPECT_EQ(text, "unchanged");
}

TEST(WriteTextFile, WritesAnExistingFileFromTheStart) {
  TempDir dir;
  dir.write("f", "old contents");
  ASSERT_EQ(write_text_file(dir.file("f"), "new"), 0);
  std::string text;
  ASSERT_EQ(read_text_file(dir.file("f"), text), 0);
  EXPECT_EQ(text, "new contents") << "no truncation, as for kernel interface files";
}

TEST(WriteTextFile, NeverCreatesAFile) {
  TempDir dir;
  EXPECT_EQ(write_text_file(dir.file("absent"), "x"), -ENOENT);
  EXPECT_NE(::access(dir.file("absent").c_str(), F_OK), 0);
}

TEST(WriteTextFile, KernelRefusalIsReturned) {
  // /proc/self/oom_score_adj takes numbers only.
  EXPECT_EQ(write_text_file("/proc/self/oom_score_adj", "not a number"), -EINVAL);
}

TEST(MakeDirectories, CreatesEveryLevelAndToleratesExisting) {
  TempDir dir;
  const std::string deep = dir.file("a/b/c");
  ASSERT_EQ(make_directories(deep), 0);
  EXPECT_TRUE(is_directory(dir.file("a/b")));
  EXPECT_TRUE(is_directory(deep));
  struct stat st {};
  ASSERT_EQ(::stat(deep.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777 & ~0755, 0u) << "0755 at most (umask applies)";
  EXPECT_EQ(make_directories(deep), 0) << "already there: fine";
}

TEST(MakeParentDirectories, StopsBeforeTheLastComponent) {
  TempDir dir;
  const std::string file = dir.file("x/y/file");
  ASSERT_EQ(make_parent_directories(file), 0);
  EXPECT_TRUE(is_directory(dir.file("x/y")));
  EXPECT_NE(::access(file.c_str(), F_OK), 0);
}

TEST(MakeDirectories, AFileInTheWayIsAnError) {
  TempDir dir;
  dir.write("plain", "");
  EXPECT_EQ(make_directories(dir.file("plain/sub")), -ENOTDIR);
}

}  // namespace
}  // namespace vermilion
