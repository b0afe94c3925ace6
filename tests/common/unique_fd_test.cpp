#include "common/unique_fd.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <type_traits>

namespace vermilion {
namespace {

bool is_open(int fd) { return fcntl(fd, F_GETFD) >= 0; }
bool is_cloexec(int fd) { return (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0; }

int open_null() { return ::open("/dev/null", O_RDONLY | O_CLOEXEC); }

static_assert(!std::is_copy_constructible_v<unique_fd> && !std::is_copy_assignable_v<unique_fd>,
              "one owner: never copied");
static_assert(std::is_nothrow_move_constructible_v<unique_fd> && std::is_nothrow_move_assignable_v<unique_fd>);
static_assert(!std::is_convertible_v<int, unique_fd>, "ownership is taken explicitly");

TEST(UniqueFd, EmptyByDefault) {
  unique_fd fd;
  EXPECT_FALSE(fd.valid());
  EXPECT_FALSE(fd);
  EXPECT_EQ(fd.get(), -1);
}

TEST(UniqueFd, ClosesOnDestruction) {
  int raw = open_null();
  ASSERT_GE(raw, 0);
  {
    unique_fd fd(raw);
    EXPECT_TRUE(fd);
    EXPECT_EQ(fd.get(), raw);
  }
  EXPECT_FALSE(is_open(raw));
}

TEST(UniqueFd, MoveHandsOverOwnership) {
  int raw = open_null();
  unique_fd a(raw);
  unique_fd b(std::move(a));
  EXPECT_FALSE(a.valid());  // NOLINT(bugprone-use-after-move): the point of the test
  EXPECT_EQ(b.get(), raw);
  EXPECT_TRUE(is_open(raw));

  int other = open_null();
  unique_fd c(other);
  c = std::move(b);  // closes what c held
  EXPECT_FALSE(is_open(other));
  EXPECT_EQ(c.get(), raw);
  EXPECT_TRUE(is_open(raw));
}

TEST(UniqueFd, SelfMoveKeepsTheFd) {
  int raw = open_null();
  unique_fd fd(raw);
  unique_fd& alias = fd;
  fd = std::move(alias);
  EXPECT_EQ(fd.get(), raw);
  EXPECT_TRUE(is_open(raw));
}

TEST(UniqueFd, ReleaseGivesUpOwnership) {
  int raw = open_null();
  int released = -1;
  {
    unique_fd fd(raw);
    released = fd.release();
    EXPECT_FALSE(fd.valid());
  }
  EXPECT_EQ(released, raw);
  EXPECT_TRUE(is_open(raw)) << "not closed by the former owner";
  ::close(raw);
}

TEST(UniqueFd, ResetClosesTheOldFd) {
  int first = open_null();
  int second = open_null();
  unique_fd fd(first);
  fd.reset(second);
  EXPECT_FALSE(is_open(first));
  EXPECT_EQ(fd.get(), second);
  fd.reset();
  EXPECT_FALSE(is_open(second));
  EXPECT_FALSE(fd.valid());
}

TEST(MakePipe, BothEndsAreCloexecAndConnected) {
  fd_pair pipe;
  ASSERT_EQ(make_pipe(pipe), 0);
  EXPECT_TRUE(is_cloexec(pipe.first.get()));
  EXPECT_TRUE(is_cloexec(pipe.second.get()));
  EXPECT_EQ(fcntl(pipe.first.get(), F_GETFL) & O_ACCMODE, O_RDONLY) << "first is the read end";
  EXPECT_EQ(fcntl(pipe.second.get(), F_GETFL) & O_ACCMODE, O_WRONLY);
  ASSERT_EQ(::write(pipe.second.get(), "x", 1), 1);
  char c = 0;
  ASSERT_EQ(::read(pipe.first.get(), &c, 1), 1);
  EXPECT_EQ(c, 'x');
}

TEST(MakePipe, ExtraFlagsApplyToBothEnds) {
  fd_pair pipe;
  ASSERT_EQ(make_pipe(pipe, O_NONBLOCK), 0);
  EXPECT_TRUE(fcntl(pipe.first.get(), F_GETFL) & O_NONBLOCK);
  EXPECT_TRUE(fcntl(pipe.second.get(), F_GETFL) & O_NONBLOCK);
  EXPECT_TRUE(is_cloexec(pipe.first.get()));
  char c;
  EXPECT_EQ(::read(pipe.first.get(), &c, 1), -1);
  EXPECT_EQ(errno, EAGAIN);
}

TEST(MakePipe, BadFlagsAreAnErrorAndLeaveThePairEmpty) {
  fd_pair pipe;
  EXPECT_EQ(make_pipe(pipe, 0x7fff0000), -EINVAL);
  EXPECT_FALSE(pipe.first.valid());
  EXPECT_FALSE(pipe.second.valid());
}

TEST(MakeSocketpair, BothEndsAreCloexecAndConnected) {
  fd_pair pair;
  ASSERT_EQ(make_socketpair(pair, AF_UNIX, SOCK_STREAM), 0);
  EXPECT_TRUE(is_cloexec(pair.first.get()));
  EXPECT_TRUE(is_cloexec(pair.second.get()));
  ASSERT_EQ(::write(pair.first.get(), "a", 1), 1);
  ASSERT_EQ(::write(pair.second.get(), "b", 1), 1);
  char c = 0;
  ASSERT_EQ(::read(pair.second.get(), &c, 1), 1);
  EXPECT_EQ(c, 'a');
  ASSERT_EQ(::read(pair.first.get(), &c, 1), 1);
  EXPECT_EQ(c, 'b');
}

TEST(MakeSocketpair, TypeFlagsAreKept) {
  fd_pair pair;
  ASSERT_EQ(make_socketpair(pair, AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK), 0);
  int type = 0;
  socklen_t length = sizeof type;
  ASSERT_EQ(getsockopt(pair.first.get(), SOL_SOCKET, SO_TYPE, &type, &length), 0);
  EXPECT_EQ(type, SOCK_SEQPACKET);
  EXPECT_TRUE(fcntl(pair.second.get(), F_GETFL) & O_NONBLOCK);
  EXPECT_TRUE(is_cloexec(pair.second.get()));
}

TEST(MakeSocketpair, UnsupportedDomainIsAnError) {
  fd_pair pair;
  EXPECT_LT(make_socketpair(pair, AF_INET, SOCK_STREAM), 0) << "socketpair() is AF_UNIX only";
  EXPECT_FALSE(pair.first.valid());
}

// The point of CLOEXEC: nothing the factories make reaches an exec'd child.
TEST(MakePipe, EndsDoNotSurviveExec) {
  fd_pair pipe;
  ASSERT_EQ(make_pipe(pipe), 0);
  fd_pair report;
  ASSERT_EQ(make_pipe(report), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The shell reports whether the pipe's read end is still open after exec.
    dup2(report.second.get(), 1);
    std::string script = "if [ -e /proc/self/fd/" + std::to_string(pipe.first.get()) +
                         " ]; then echo open; else echo closed; fi";
    execl("/bin/sh", "sh", "-c", script.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  report.second.reset();
  char buffer[16] = {};
  ssize_t n = ::read(report.first.get(), buffer, sizeof buffer - 1);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_GT(n, 0);
  EXPECT_STREQ(buffer, "closed\n");
}

}  // namespace
}  // namespace vermilion
