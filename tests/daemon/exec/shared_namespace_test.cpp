#include "exec/shared_namespace.h"

#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>

namespace vermilion {
namespace {

ino_t namespace_inode(const char* path) {
  struct stat st {};
  return stat(path, &st) == 0 ? st.st_ino : 0;
}

bool loopback_is_up() {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ifreq request{};
  std::memcpy(request.ifr_name, "lo", 3);
  const bool up = fd >= 0 && ioctl(fd, SIOCGIFFLAGS, &request) == 0 && (request.ifr_flags & IFF_UP) != 0;
  if (fd >= 0) close(fd);
  return up;
}

struct ChildReport {
  int result = -1000;
  ino_t inode = 0;
  bool loopback_up = false;
};

// What a process of the run sees after entering: run in a child, so that
// the test process keeps its own namespaces.
ChildReport enter_in_child(const NamespaceStorage& storage, int nstype, const char* ns_path) {
  int pipe_fds[2];
  EXPECT_EQ(pipe(pipe_fds), 0);
  pid_t pid = fork();
  if (pid == 0) {
    ChildReport report;
    report.result = enter_shared_namespace(storage.socket[0].get(), storage.socket[1].get(), nstype);
    report.inode = namespace_inode(ns_path);
    report.loopback_up = loopback_is_up();
    const ssize_t written = write(pipe_fds[1], &report, sizeof report);
    _exit(written == static_cast<ssize_t>(sizeof report) ? 0 : 1);
  }
  close(pipe_fds[1]);
  ChildReport report;
  EXPECT_EQ(read(pipe_fds[0], &report, sizeof report), static_cast<ssize_t>(sizeof report));
  close(pipe_fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return report;
}

// The first process of a run makes the namespace (with lo up), the next
// joins the same one, and the namespace outlives the process that made it
// as long as the pair holds it (systemd's setup_shareable_ns()).
TEST(SharedNamespace, TheFirstProcessMakesItTheNextOnesJoinIt) {
  NamespaceStorage storage;
  ASSERT_EQ(create_namespace_storage(storage), 0);
  const ino_t ours = namespace_inode("/proc/self/ns/net");
  ChildReport first = enter_in_child(storage, CLONE_NEWNET, "/proc/self/ns/net");
  if (first.result == -EPERM) GTEST_SKIP() << "this machine refuses network namespaces";
  ASSERT_EQ(first.result, 1) << "made";
  EXPECT_NE(first.inode, ours);
  EXPECT_TRUE(first.loopback_up) << "lo is brought up in a new network namespace";
  ChildReport second = enter_in_child(storage, CLONE_NEWNET, "/proc/self/ns/net");
  EXPECT_EQ(second.result, 0) << "joined";
  EXPECT_EQ(second.inode, first.inode) << "one namespace for the whole run";
  EXPECT_TRUE(second.loopback_up);
}

TEST(SharedNamespace, IpcNamespacesAreSharedTheSameWay) {
  NamespaceStorage storage;
  ASSERT_EQ(create_namespace_storage(storage), 0);
  ChildReport first = enter_in_child(storage, CLONE_NEWIPC, "/proc/self/ns/ipc");
  if (first.result == -EPERM) GTEST_SKIP() << "this machine refuses IPC namespaces";
  ASSERT_EQ(first.result, 1);
  EXPECT_NE(first.inode, namespace_inode("/proc/self/ns/ipc"));
  ChildReport second = enter_in_child(storage, CLONE_NEWIPC, "/proc/self/ns/ipc");
  EXPECT_EQ(second.result, 0);
  EXPECT_EQ(second.inode, first.inode);
}

// Separate runs (separate pairs) get separate namespaces.
TEST(SharedNamespace, EachRunHasItsOwn) {
  NamespaceStorage one, two;
  ASSERT_EQ(create_namespace_storage(one), 0);
  ASSERT_EQ(create_namespace_storage(two), 0);
  ChildReport a = enter_in_child(one, CLONE_NEWNET, "/proc/self/ns/net");
  if (a.result == -EPERM) GTEST_SKIP() << "this machine refuses network namespaces";
  ChildReport b = enter_in_child(two, CLONE_NEWNET, "/proc/self/ns/net");
  EXPECT_EQ(b.result, 1);
  EXPECT_NE(a.inode, b.inode);
}

}  // namespace
}  // namespace vermilion
