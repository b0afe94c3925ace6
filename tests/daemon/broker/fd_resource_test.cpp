#include "broker/fd_resource.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "temp_dir.h"

namespace vermilion {
namespace {

using testing::TempDir;

FdSpec file_spec(const std::string& path, FdSpec::FileMode mode) {
  FdSpec spec;
  spec.type = FdSpec::Type::file;
  spec.address = path;
  spec.mode = mode;
  return spec;
}

TEST(FdResource, FileIsOpenedInItsModeCloexecAndBlocking) {
  TempDir dir;
  dir.write("data", "hello");
  unique_fd fd;
  ASSERT_EQ(open_fd_resource(file_spec(dir.file("data"), FdSpec::FileMode::read), fd), 0);
  int status = fcntl(fd.get(), F_GETFL);
  EXPECT_EQ(status & O_ACCMODE, O_RDONLY);
  EXPECT_EQ(status & O_NONBLOCK, 0) << "the holder gets an ordinary fd";
  EXPECT_NE(fcntl(fd.get(), F_GETFD) & FD_CLOEXEC, 0);
  char buffer[8] = {};
  EXPECT_EQ(read(fd.get(), buffer, sizeof buffer), 5);

  unique_fd out;
  ASSERT_EQ(open_fd_resource(file_spec(dir.file("data"), FdSpec::FileMode::write), out), 0);
  EXPECT_EQ(fcntl(out.get(), F_GETFL) & O_ACCMODE, O_WRONLY);
  EXPECT_EQ(open_fd_resource(file_spec(dir.file("missing"), FdSpec::FileMode::read), out), -ENOENT);
}

// Opening a FIFO waits for its peer: the broker must never wait.
TEST(FdResource, FifoOpensNeverBlockTheBroker) {
  alarm(20);  // a blocking open fails the test instead of hanging it
  TempDir dir;
  std::string fifo = dir.file("fifo");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  unique_fd writer;
  EXPECT_EQ(open_fd_resource(file_spec(fifo, FdSpec::FileMode::write), writer), -ENXIO) << "no reader yet";
  unique_fd reader;
  ASSERT_EQ(open_fd_resource(file_spec(fifo, FdSpec::FileMode::read), reader), 0) << "no writer needed";
  EXPECT_EQ(fcntl(reader.get(), F_GETFL) & O_NONBLOCK, 0);
  ASSERT_EQ(open_fd_resource(file_spec(fifo, FdSpec::FileMode::write), writer), 0) << "now there is a reader";
  ASSERT_EQ(write(writer.get(), "x", 1), 1);
  char c = 0;
  EXPECT_EQ(read(reader.get(), &c, 1), 1);
  EXPECT_EQ(c, 'x');
  alarm(0);
}

}  // namespace
}  // namespace vermilion
