// exec/credential_store.h: the store systemd 252's setup_credentials()
// makes, written and removed for real (as root, in a mount namespace of
// this test's own, so that no mount is left on the machine).
#include "exec/credential_store.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "temp_dir.h"
#include "units/credential_name.h"

namespace vermilion {
namespace {

namespace fs = std::filesystem;

std::string content(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return in ? text.str() : "<missing>";
}

mode_t mode_of(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 ? st.st_mode & 07777 : 0;
}

// A listening AF_UNIX socket at `path` that answers one connection with
// `answer` once the caller has shut its side, noting the caller's address.
class OneAnswerServer {
 public:
  OneAnswerServer(const std::string& path, std::string answer) {
    fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strcpy(address.sun_path, path.c_str());
    listening_ = fd_ >= 0 && bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 && listen(fd_, 1) == 0;
    if (!listening_) return;
    thread_ = std::thread([this, answer = std::move(answer)] {
      int client = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) return;
      sockaddr_un from{};
      socklen_t length = sizeof from;
      getpeername(client, reinterpret_cast<sockaddr*>(&from), &length);
      if (length > offsetof(sockaddr_un, sun_path) + 1)
        peer_.assign(from.sun_path + 1, length - offsetof(sockaddr_un, sun_path) - 1);
      char byte;
      while (read(client, &byte, 1) > 0) {
      }
      (void)!write(client, answer.data(), answer.size());
      close(client);
    });
  }
  ~OneAnswerServer() {
    if (thread_.joinable()) thread_.join();
    if (fd_ >= 0) close(fd_);
  }
  [[nodiscard]] bool listening() const { return listening_; }
  // The caller's abstract address (without the leading NUL), once answered.
  std::string peer() {
    if (thread_.joinable()) thread_.join();
    return peer_;
  }

 private:
  int fd_ = -1;
  bool listening_ = false;
  std::thread thread_;
  std::string peer_;
};

class CredentialStoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Our own mount namespace where we may: the store's ramfs stays in it.
    private_mounts_ = geteuid() == 0 && unshare(CLONE_NEWNS) == 0 &&
                      mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0;
  }

  void SetUp() override {
    config_.name = "web.service";
    request_.config = &config_;
    request_.directory = credential_store_directory(dir_.path() + "/run", "web.service");
    fs::create_directories(dir_.path() + "/run");
    request_.search_path = {dir_.path() + "/manager", dir_.path() + "/credstore"};
  }

  void TearDown() override { remove_credential_store(request_.directory); }

  int set_up() {
    what_.clear();
    return set_up_credential_store(request_, what_);
  }
  std::string stored(const std::string& id) const { return content(request_.directory + "/" + id); }

  static bool private_mounts_;
  testing::TempDir dir_;
  ServiceConfig config_;
  CredentialStoreRequest request_;
  std::string what_;
};
bool CredentialStoreTest::private_mounts_ = false;

TEST_F(CredentialStoreTest, NoCredentialsNoStore) {
  EXPECT_EQ(set_up(), 0);
  EXPECT_FALSE(fs::exists(request_.directory));
}

// A LoadCredential= that finds its source wins over the SetCredential= of
// its ID, which fills in where it finds none; files 0400 in a 0500 store.
TEST_F(CredentialStoreTest, LoadWinsOverSetWhichFillsIn) {
  dir_.write("secret", "s3cret\n");
  config_.load_credentials = {{"key", dir_.file("secret")}, {"gone", dir_.file("nope")}};
  config_.set_credentials = {{"key", "fallback"}, {"gone", std::string("a\0b", 3)}, {"plain", "text"}};
  ASSERT_EQ(set_up(), 0) << what_;
  EXPECT_EQ(stored("key"), "s3cret\n");
  EXPECT_EQ(stored("gone"), std::string("a\0b", 3));
  EXPECT_EQ(stored("plain"), "text");
  EXPECT_EQ(mode_of(request_.directory + "/key"), 0400u);
  EXPECT_EQ(mode_of(request_.directory), 0500u);
  EXPECT_EQ(mode_of(dir_.path() + "/run/credentials"), 0755u);
  EXPECT_FALSE(fs::exists(request_.directory + "/.#key")) << "no temporary file left";
}

// Without a SetCredential= to fall back on, a missing absolute source
// fails the start (243/CREDENTIALS), naming it; a relative one is the
// manager's to pass on, looked up in order, and skipped when missing.
TEST_F(CredentialStoreTest, MissingSources) {
  config_.load_credentials = {{"x", dir_.file("nope")}};
  EXPECT_EQ(set_up(), -ENOENT);
  EXPECT_EQ(what_, "read credential x from " + dir_.file("nope"));

  dir_.write("credstore/db.password", "from the store");
  dir_.write("credstore/both", "store");
  dir_.write("manager/both", "manager");
  config_.load_credentials = {{"db", "db.password"}, {"both", "both"}, {"absent", "absent"}};
  ASSERT_EQ(set_up(), 0) << what_;
  EXPECT_EQ(stored("db"), "from the store");
  EXPECT_EQ(stored("both"), "manager") << "the manager's own credentials first";
  EXPECT_EQ(stored("absent"), "<missing>");
}

// A directory source: every regular file and socket below it, sorted,
// dot-files and symlinks skipped, as "<ID>_<path with '_' for '/'>"; a
// file already there stays (a file source replaces, as systemd's does).
TEST_F(CredentialStoreTest, DirectorySourcesAreReadRecursively) {
  dir_.write("tree/a", "A");
  dir_.write("tree/sub/b", "B");
  dir_.write("tree/.hidden", "H");
  fs::create_symlink(dir_.file("tree/a"), dir_.file("tree/link"));
  dir_.write("other", "O");
  config_.load_credentials = {{"t_a", dir_.file("other")}, {"t", dir_.file("tree")}};
  ASSERT_EQ(set_up(), 0) << what_;
  EXPECT_EQ(stored("t_a"), "O");
  EXPECT_EQ(stored("t_sub_b"), "B");
  EXPECT_EQ(stored("t_.hidden"), "<missing>");
  EXPECT_EQ(stored("t_link"), "<missing>");

  dir_.write("bad/x:y", "");
  config_.load_credentials = {{"b", dir_.file("bad")}};
  EXPECT_EQ(set_up(), -EINVAL);
}

// CREDENTIAL_SIZE_MAX per credential, CREDENTIALS_TOTAL_SIZE_MAX for all
// of them with their IDs.
TEST_F(CredentialStoreTest, SizeLimits) {
  dir_.write("big", std::string(kCredentialSizeMax + 1, 'x'));
  config_.load_credentials = {{"big", dir_.file("big")}};
  EXPECT_EQ(set_up(), -E2BIG);
  dir_.write("half", std::string(kCredentialSizeMax / 2, 'x'));
  config_.load_credentials = {{"h1", dir_.file("half")}, {"h2", dir_.file("half")}};
  EXPECT_EQ(set_up(), -E2BIG) << "the IDs count too";
  config_.load_credentials = {{"h1", dir_.file("half")}};
  config_.set_credentials = {{"h2", std::string(kCredentialSizeMax / 2 - 4, 'y')}};
  EXPECT_EQ(set_up(), 0) << what_;
}

// An AF_UNIX socket source is asked: from "@<random>/unit/<unit>/<ID>",
// our side shut, its answer read to the end.
TEST_F(CredentialStoreTest, SocketSourceIsAskedWithTheUnitAndId) {
  const std::string path = dir_.file("sock");
  OneAnswerServer server(path, "from a socket");
  ASSERT_TRUE(server.listening());
  config_.load_credentials = {{"sock", path}};
  EXPECT_EQ(set_up(), 0) << what_;
  const std::string peer = server.peer();
  EXPECT_EQ(stored("sock"), "from a socket");
  ASSERT_NE(peer.find('/'), std::string::npos) << peer;
  EXPECT_EQ(peer.substr(peer.find('/')), "/unit/web.service/sock");
}

// Where the manager may mount: a ramfs of the store's own, read-only once
// written, given to User=; a second command of the same start rewrites it;
// removal unmounts it.
TEST_F(CredentialStoreTest, MountedStoreIsReadOnlyAndOwnedByTheUser) {
  if (!private_mounts_) GTEST_SKIP() << "needs root";
  dir_.write("secret", "one");
  config_.load_credentials = {{"key", dir_.file("secret")}};
  request_.owner = 65534;
  ASSERT_EQ(set_up(), 0) << what_;
  struct stat st {}, up {};
  ASSERT_EQ(stat(request_.directory.c_str(), &st), 0);
  ASSERT_EQ(stat((dir_.path() + "/run/credentials").c_str(), &up), 0);
  EXPECT_NE(st.st_dev, up.st_dev) << "a file system of its own";
  EXPECT_EQ(st.st_uid, 65534u);
  ASSERT_EQ(stat((request_.directory + "/key").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 65534u);
  EXPECT_EQ(st.st_mode & 07777, 0400u);
  EXPECT_FALSE(std::ofstream(request_.directory + "/new")) << "read-only, even for root";

  dir_.write("secret", "two");
  ASSERT_EQ(set_up(), 0) << what_;
  EXPECT_EQ(stored("key"), "two");

  remove_credential_store(request_.directory);
  EXPECT_FALSE(fs::exists(request_.directory));
}

// Where it may not mount (no CAP_SYS_ADMIN): a plain directory, which can
// be handed to nobody else (systemd would use an ACL).
TEST_F(CredentialStoreTest, WithoutMountsAPlainDirectory) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to drop CAP_SYS_ADMIN";
  config_.set_credentials = {{"k", "v"}};
  pid_t pid = fork();
  if (pid == 0) {
    cap_t caps = cap_get_proc();
    cap_value_t admin = CAP_SYS_ADMIN;
    if (!caps || cap_set_flag(caps, CAP_EFFECTIVE, 1, &admin, CAP_CLEAR) < 0 || cap_set_proc(caps) < 0) _exit(10);
    if (set_up() != 0) _exit(11);
    struct stat st {}, up {};
    if (stat(request_.directory.c_str(), &st) < 0 || stat((dir_.path() + "/run/credentials").c_str(), &up) < 0) _exit(12);
    if (st.st_dev != up.st_dev) _exit(13);  // not mounted
    if (content(request_.directory + "/k") != "v" || (st.st_mode & 07777) != 0500) _exit(14);
    request_.owner = 65534;
    if (set_up() != -EPERM) _exit(15);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

// The store's modes are its own whatever the umask (UMask= is set before
// the child writes it); the temporary files neither limit an ID's length
// nor touch an ID that looks like one.
TEST_F(CredentialStoreTest, ModesIgnoreTheUmaskAndAnyValidIdWorks) {
  const std::string longest(kCredentialNameMax, 'k');
  config_.set_credentials = {{longest, "long"}, {".#a", "dotted"}, {"a", "plain"}};
  const mode_t before = umask(077);
  const int r = set_up();
  umask(before);
  ASSERT_EQ(r, 0) << what_;
  EXPECT_EQ(mode_of(dir_.path() + "/run/credentials"), 0755u);
  EXPECT_EQ(mode_of(request_.directory), 0500u);
  EXPECT_EQ(mode_of(request_.directory + "/a"), 0400u);
  EXPECT_EQ(stored(longest), "long");
  EXPECT_EQ(stored(".#a"), "dotted");
  EXPECT_EQ(stored("a"), "plain");
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(request_.directory)) files += entry.is_regular_file();
  EXPECT_EQ(files, 3u) << "no temporary file left";
}

// A socket below a directory source is asked as a socket source is.
TEST_F(CredentialStoreTest, SocketInADirectorySource) {
  fs::create_directories(dir_.file("tree"));
  OneAnswerServer server(dir_.file("tree/sock"), "answered");
  ASSERT_TRUE(server.listening());
  config_.load_credentials = {{"t", dir_.file("tree")}};
  EXPECT_EQ(set_up(), 0) << what_;
  (void)server.peer();
  EXPECT_EQ(stored("t_sock"), "answered");
}

// Root only: a second command of the same start gets a fresh store (a new
// file system), never the old one made writable where User= could reach it.
TEST_F(CredentialStoreTest, ASecondWriteMountsAFreshStore) {
  if (!private_mounts_) GTEST_SKIP() << "needs root";
  config_.set_credentials = {{"k", "v"}};
  request_.owner = 65534;
  ASSERT_EQ(set_up(), 0) << what_;
  // Held, the first store stays (detached) and its mount ID taken.
  const int held = open(request_.directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(held, 0);
  struct statx first {}, second {};
  ASSERT_EQ(statx(held, "", AT_EMPTY_PATH, STATX_MNT_ID | STATX_UID, &first), 0);
  ASSERT_EQ(set_up(), 0) << what_;
  close(held);
  ASSERT_EQ(statx(AT_FDCWD, request_.directory.c_str(), 0, STATX_MNT_ID | STATX_UID, &second), 0);
  ASSERT_TRUE(second.stx_mask & STATX_MNT_ID);
  EXPECT_NE(first.stx_mnt_id, second.stx_mnt_id);
  EXPECT_EQ(second.stx_uid, 65534u);
  EXPECT_EQ(stored("k"), "v");
}

}  // namespace
}  // namespace vermilion
