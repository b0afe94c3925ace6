#include "broker/fd_resource.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

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

FdSpec socket_spec(const std::string& address, FdSpec::Type type = FdSpec::Type::stream) {
  FdSpec spec;
  spec.type = type;
  spec.address = address;
  return spec;
}

bool is_cloexec(int fd) { return (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0; }

int socket_option(int fd, int level, int name) {
  int value = -1;
  socklen_t length = sizeof value;
  EXPECT_EQ(getsockopt(fd, level, name, &value, &length), 0);
  return value;
}

// A TCP port nobody listens on just now.
std::uint16_t free_port() {
  unique_fd probe(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (bind(probe.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) < 0 ||
      getsockname(probe.get(), reinterpret_cast<sockaddr*>(&address), &length) < 0)
    return 0;
  return ntohs(address.sin_port);
}

bool connects_to_loopback(std::uint16_t port) {
  unique_fd client(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return connect(client.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
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

TEST(FdResource, ReadWriteModeToo) {
  TempDir dir;
  dir.write("data", "");
  unique_fd fd;
  ASSERT_EQ(open_fd_resource(file_spec(dir.file("data"), FdSpec::FileMode::read_write), fd), 0);
  EXPECT_EQ(fcntl(fd.get(), F_GETFL) & O_ACCMODE, O_RDWR);
}

TEST(FdResource, AMissingFileIsNotCreated) {
  TempDir dir;
  unique_fd fd;
  EXPECT_EQ(open_fd_resource(file_spec(dir.file("absent"), FdSpec::FileMode::write), fd), -ENOENT);
  EXPECT_FALSE(fd.valid());
  EXPECT_NE(access(dir.file("absent").c_str(), F_OK), 0);
}

TEST(FdResource, UnixStreamSocketListensWithItsModeReplacingAStaleFile) {
  TempDir dir;
  const std::string path = dir.file("web.sock");
  dir.write("web.sock", "left over from an earlier run");
  FdSpec spec = socket_spec(path);
  spec.socket_mode = 0660;
  unique_fd fd;
  ASSERT_EQ(open_fd_resource(spec, fd), 0);
  EXPECT_TRUE(is_cloexec(fd.get()));
  EXPECT_EQ(socket_option(fd.get(), SOL_SOCKET, SO_TYPE), SOCK_STREAM);
  EXPECT_EQ(socket_option(fd.get(), SOL_SOCKET, SO_ACCEPTCONN), 1) << "listening";
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0660u);

  unique_fd client(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  EXPECT_EQ(connect(client.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
}

TEST(FdResource, AbstractAndDatagramSockets) {
  const std::string name = "vermilion-fd-resource-test-" + std::to_string(getpid());
  unique_fd fd;
  ASSERT_EQ(open_fd_resource(socket_spec("@" + name), fd), 0);
  sockaddr_un bound{};
  socklen_t length = sizeof bound;
  ASSERT_EQ(getsockname(fd.get(), reinterpret_cast<sockaddr*>(&bound), &length), 0);
  EXPECT_EQ(bound.sun_path[0], '\0') << "abstract";
  EXPECT_EQ(std::string(bound.sun_path + 1, length - offsetof(sockaddr_un, sun_path) - 1), name);

  unique_fd datagram;
  ASSERT_EQ(open_fd_resource(socket_spec("@" + name + "-dgram", FdSpec::Type::datagram), datagram), 0);
  EXPECT_EQ(socket_option(datagram.get(), SOL_SOCKET, SO_TYPE), SOCK_DGRAM);
  EXPECT_EQ(socket_option(datagram.get(), SOL_SOCKET, SO_ACCEPTCONN), 0) << "datagrams do not listen";
}

TEST(FdResource, Ipv4SocketListensOnTheAddressGiven) {
  std::uint16_t port = free_port();
  ASSERT_NE(port, 0);
  unique_fd fd;
  ASSERT_EQ(open_fd_resource(socket_spec("127.0.0.1:" + std::to_string(port)), fd), 0);
  EXPECT_EQ(socket_option(fd.get(), SOL_SOCKET, SO_REUSEADDR), 1);
  EXPECT_TRUE(connects_to_loopback(port));
}

TEST(FdResource, APortAloneIsOneDualStackSocket) {
  unique_fd probe(socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!probe) GTEST_SKIP() << "no IPv6 here";
  std::uint16_t port = free_port();
  ASSERT_NE(port, 0);
  unique_fd fd;
  ASSERT_EQ(open_fd_resource(socket_spec(std::to_string(port)), fd), 0);
  EXPECT_EQ(socket_option(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY), 0) << "as systemd: IPv4 too";
  EXPECT_TRUE(connects_to_loopback(port)) << "IPv4 clients reach the IPv6 socket";
}

TEST(FdResource, BadAddressesAndBindFailuresAreErrors) {
  unique_fd fd;
  EXPECT_EQ(open_fd_resource(socket_spec("not an address"), fd), -EINVAL);
  EXPECT_EQ(open_fd_resource(socket_spec("relative/path"), fd), -EINVAL);
  EXPECT_FALSE(fd.valid());

  // The same address twice: the second bind fails, and says why.
  const std::string name = "@vermilion-fd-resource-twice-" + std::to_string(getpid());
  unique_fd first, second;
  ASSERT_EQ(open_fd_resource(socket_spec(name), first), 0);
  EXPECT_EQ(open_fd_resource(socket_spec(name), second), -EADDRINUSE);
  EXPECT_FALSE(second.valid());
}

}  // namespace
}  // namespace vermilion
