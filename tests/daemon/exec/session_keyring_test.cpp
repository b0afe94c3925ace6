// exec/session_keyring.h, in forked children (a process's session keyring
// is its own to change).
#include "exec/session_keyring.h"

#include <linux/keyctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <string>

namespace vermilion {
namespace {

long keyctl(int operation, unsigned long a, unsigned long b = 0, unsigned long c = 0, unsigned long d = 0) {
  return syscall(SYS_keyctl, operation, a, b, c, d);
}

long session_keyring() { return keyctl(KEYCTL_GET_KEYRING_ID, static_cast<unsigned long>(KEY_SPEC_SESSION_KEYRING), 1); }

std::string describe(long key) {
  char buffer[256] = {};
  if (keyctl(KEYCTL_DESCRIBE, static_cast<unsigned long>(key), reinterpret_cast<unsigned long>(buffer), sizeof buffer) < 0)
    return "";
  return buffer;
}

int in_child(const std::function<int()>& body) {
  pid_t pid = fork();
  if (pid == 0) _exit(body());
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

TEST(SessionKeyring, PrivateIsANewKeyringHoldingTheInvocationId) {
  const std::uint8_t id[16] = {0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  EXPECT_EQ(in_child([&] {
              const long before = session_keyring();
              if (set_up_session_keyring(KeyringMode::private_, static_cast<uid_t>(-1), static_cast<gid_t>(-1), id) < 0)
                return 10;
              const long after = session_keyring();
              if (after < 0) return 0;  // no keyrings here: nothing to check
              if (after == before) return 11;
              if (!describe(after).ends_with(";_ses")) return 12;
              const long key = keyctl(KEYCTL_SEARCH, static_cast<unsigned long>(after),
                                      reinterpret_cast<unsigned long>("user"),
                                      reinterpret_cast<unsigned long>("invocation_id"), 0);
              if (key < 0) return 13;
              std::uint8_t read_back[16] = {};
              if (keyctl(KEYCTL_READ, static_cast<unsigned long>(key), reinterpret_cast<unsigned long>(read_back), 16) != 16)
                return 14;
              return std::memcmp(read_back, id, 16) == 0 ? 0 : 15;
            }),
            0);
}

TEST(SessionKeyring, InheritLeavesTheKeyringAlone) {
  EXPECT_EQ(in_child([] {
              const long before = session_keyring();
              if (set_up_session_keyring(KeyringMode::inherit, static_cast<uid_t>(-1), static_cast<gid_t>(-1), nullptr) < 0)
                return 10;
              return session_keyring() == before ? 0 : 11;
            }),
            0);
}

// Root only: the keyring is made as User=, and the process is root again after.
TEST(SessionKeyring, OwnedByTheServiceUser) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root";
  EXPECT_EQ(in_child([] {
              if (set_up_session_keyring(KeyringMode::private_, 65534, 65534, nullptr) < 0) return 10;
              if (getuid() != 0 || getgid() != 0) return 11;
              const long ring = session_keyring();
              if (ring < 0) return 0;
              return describe(ring).starts_with("keyring;65534;65534;") ? 0 : 12;
            }),
            0);
}

}  // namespace
}  // namespace vermilion
