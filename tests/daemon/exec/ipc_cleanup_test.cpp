// exec/ipc_cleanup.h: what systemd 252's clean_ipc_internal() removes. The
// System V objects are made in an IPC namespace of the test's own (root
// only); POSIX ones in directories of its own.
#include "exec/ipc_cleanup.h"

#include <sched.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <fstream>
#include <string>

#include "temp_dir.h"

namespace vermilion {
namespace {

namespace fs = std::filesystem;

constexpr uid_t kOwner = 4242;
constexpr gid_t kGroup = 4343;
constexpr uid_t kOther = 4444;

// Runs `body` in a child in a fresh IPC namespace; its exit status.
int in_own_ipc_namespace(const std::function<int()>& body) {
  pid_t pid = fork();
  if (pid == 0) _exit(unshare(CLONE_NEWIPC) == 0 ? body() : 100);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 200;
}

int new_shm(uid_t uid, gid_t gid) {
  int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
  shmid_ds ds{};
  shmctl(id, IPC_STAT, &ds);
  ds.shm_perm.uid = uid;
  ds.shm_perm.gid = gid;
  return shmctl(id, IPC_SET, &ds) == 0 ? id : -1;
}

int new_sem(uid_t uid, gid_t gid) {
  int id = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
  semid_ds ds{};
  semctl(id, 0, IPC_STAT, &ds);
  ds.sem_perm.uid = uid;
  ds.sem_perm.gid = gid;
  return semctl(id, 0, IPC_SET, &ds) == 0 ? id : -1;
}

int new_msg(uid_t uid, gid_t gid) {
  int id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
  msqid_ds ds{};
  msgctl(id, IPC_STAT, &ds);
  ds.msg_perm.uid = uid;
  ds.msg_perm.gid = gid;
  return msgctl(id, IPC_SET, &ds) == 0 ? id : -1;
}

bool shm_exists(int id) {
  shmid_ds ds{};
  return shmctl(id, IPC_STAT, &ds) == 0;
}
bool sem_exists(int id) {
  semid_ds ds{};
  return semctl(id, 0, IPC_STAT, &ds) == 0;
}
bool msg_exists(int id) {
  msqid_ds ds{};
  return msgctl(id, IPC_STAT, &ds) == 0;
}

TEST(IpcCleanupTest, SystemVObjectsOfTheUserOrGroupGoOthersStay) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root (an IPC namespace, objects given to other users)";
  testing::TempDir empty;
  const std::string none = empty.path() + "/none";
  int status = in_own_ipc_namespace([&] {
    const IpcRoots roots{"/proc/sysvipc", none.c_str(), none.c_str()};
    int mine_shm = new_shm(kOwner, 0), mine_sem = new_sem(kOwner, 0), mine_msg = new_msg(kOwner, 0);
    int group_shm = new_shm(kOther, kGroup);
    int other_shm = new_shm(kOther, 0), other_sem = new_sem(kOther, 0), other_msg = new_msg(kOther, 0);
    int root_msg = new_msg(0, 0);
    // Attached: a process still uses it (systemd skips nattch > 0).
    int attached = new_shm(kOwner, 0);
    void* at = shmat(attached, nullptr, 0);
    if (mine_shm < 0 || mine_sem < 0 || mine_msg < 0 || group_shm < 0 || other_shm < 0 || at == (void*)-1) return 1;
    if (clean_ipc(kOwner, kGroup, roots) != 4) return 2;
    if (shm_exists(mine_shm) || sem_exists(mine_sem) || msg_exists(mine_msg) || shm_exists(group_shm)) return 3;
    if (!shm_exists(other_shm) || !sem_exists(other_sem) || !msg_exists(other_msg)) return 4;
    if (!shm_exists(attached)) return 5;
    // Root's objects are never removed, whatever is asked.
    if (clean_ipc(0, 0, roots) != 0 || !msg_exists(root_msg)) return 6;
    return 0;
  });
  EXPECT_EQ(status, 0);
}

TEST(IpcCleanupTest, PosixSharedMemoryAndQueuesOfTheUserGo) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root (files given to other users)";
  testing::TempDir shm, mqueue;
  auto make = [](const std::string& path, uid_t uid, gid_t gid) {
    std::ofstream(path).flush();
    ASSERT_EQ(lchown(path.c_str(), uid, gid), 0) << path;
  };
  make(shm.path() + "/mine", kOwner, 0);
  make(shm.path() + "/others", kOther, 0);
  make(shm.path() + "/groups", kOther, kGroup);
  fs::create_directory(shm.path() + "/dir");
  ASSERT_EQ(lchown((shm.path() + "/dir").c_str(), kOwner, 0), 0);
  make(shm.path() + "/dir/inner", kOwner, 0);
  fs::create_directory(shm.path() + "/kept");
  make(shm.path() + "/kept/inner", kOwner, 0);
  make(shm.path() + "/kept/theirs", kOther, 0);
  fs::create_symlink("/etc/passwd", shm.path() + "/link");  // root's: stays, never followed
  make(mqueue.path() + "/queue", kOwner, 0);
  make(mqueue.path() + "/their-queue", kOther, 0);

  const IpcRoots roots{"/nonexistent-sysvipc", shm.path().c_str(), mqueue.path().c_str()};
  EXPECT_EQ(clean_ipc(kOwner, kGroup, roots), 6);
  EXPECT_FALSE(fs::exists(shm.path() + "/mine"));
  EXPECT_FALSE(fs::exists(shm.path() + "/groups"));
  EXPECT_FALSE(fs::exists(shm.path() + "/dir"));
  EXPECT_FALSE(fs::exists(shm.path() + "/kept/inner"));
  EXPECT_TRUE(fs::exists(shm.path() + "/kept/theirs"));
  EXPECT_TRUE(fs::exists(shm.path() + "/others"));
  EXPECT_TRUE(fs::is_symlink(shm.path() + "/link"));
  EXPECT_FALSE(fs::exists(mqueue.path() + "/queue"));
  EXPECT_TRUE(fs::exists(mqueue.path() + "/their-queue"));
}

// Only what existed when the last run ended goes: what a run started
// meanwhile made stays (change time at or after made_before).
TEST(IpcCleanupTest, ObjectsMadeAfterTheRunEndedStay) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root (files given to other users)";
  testing::TempDir shm;
  std::ofstream(shm.path() + "/new").flush();
  ASSERT_EQ(lchown((shm.path() + "/new").c_str(), kOwner, 0), 0);
  const IpcRoots roots{"/nonexistent-sysvipc", shm.path().c_str(), shm.path().c_str()};
  const std::int64_t now = time(nullptr);
  EXPECT_EQ(clean_ipc(kOwner, static_cast<gid_t>(-1), roots, now - 60), 0);
  EXPECT_TRUE(fs::exists(shm.path() + "/new"));
  EXPECT_EQ(clean_ipc(kOwner, static_cast<gid_t>(-1), roots, now + 60), 1);
  EXPECT_FALSE(fs::exists(shm.path() + "/new"));
}

TEST(IpcCleanupTest, SystemVObjectsMadeAfterTheRunEndedStay) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root (an IPC namespace, objects given to other users)";
  int status = in_own_ipc_namespace([&] {
    const IpcRoots roots{"/proc/sysvipc", "/nonexistent", "/nonexistent"};
    int shm = new_shm(kOwner, 0), sem = new_sem(kOwner, 0), msg = new_msg(kOwner, 0);
    if (shm < 0 || sem < 0 || msg < 0) return 1;
    const std::int64_t now = time(nullptr);
    if (clean_ipc(kOwner, static_cast<gid_t>(-1), roots, now - 60) != 0) return 2;
    if (!shm_exists(shm) || !sem_exists(sem) || !msg_exists(msg)) return 3;
    if (clean_ipc(kOwner, static_cast<gid_t>(-1), roots, now + 60) != 3) return 4;
    return 0;
  });
  EXPECT_EQ(status, 0);
}

// Names resolve to IDs; an ID another running unit resolves to as well
// (another name, or the number) is spared.
TEST(IpcCleanupTest, AnIdentityStillInUseUnderAnotherNameIsSpared) {
  uid_t uid = 0;
  gid_t gid = 0;
  resolve_ipc_owner(IpcOwner{.user = "nobody", .group = "nogroup", .group_of_user = false}, uid, gid);
  EXPECT_EQ(uid, 65534u);
  EXPECT_EQ(gid, 65534u);
  resolve_ipc_owner(IpcOwner{.user = "nobody", .group = "nobody", .group_of_user = true}, uid, gid);
  EXPECT_EQ(uid, 65534u);
  EXPECT_EQ(gid, 65534u) << "nobody's primary group";
  IpcOwner in_use{.user = "nobody", .group = "nogroup"};
  in_use.users_in_use = {"65534"};
  in_use.primary_groups_in_use = {"nobody"};
  resolve_ipc_owner(in_use, uid, gid);
  EXPECT_EQ(uid, static_cast<uid_t>(-1));
  EXPECT_EQ(gid, static_cast<gid_t>(-1));
  IpcOwner other{.user = "nobody", .group = "nogroup"};
  other.users_in_use = {"root"};
  other.groups_in_use = {"root"};
  resolve_ipc_owner(other, uid, gid);
  EXPECT_EQ(uid, 65534u);
  EXPECT_EQ(gid, 65534u);
  resolve_ipc_owner(IpcOwner{.user = "vermilion-no-such-user", .group = "", .group_of_user = false}, uid, gid);
  EXPECT_EQ(uid, static_cast<uid_t>(-1));
}

TEST(IpcCleanupTest, NoOwnerMeansNothingIsTouched) {
  testing::TempDir shm;
  std::ofstream(shm.path() + "/x").flush();
  const IpcRoots roots{"/nonexistent-sysvipc", shm.path().c_str(), shm.path().c_str()};
  EXPECT_EQ(clean_ipc(static_cast<uid_t>(-1), static_cast<gid_t>(-1), roots), 0);
  EXPECT_TRUE(fs::exists(shm.path() + "/x"));
  EXPECT_EQ(clean_ipc_async(IpcOwner{}), 0);
}

// The manager's way: names resolved and objects removed in a process of
// its own. An unknown name removes nothing and still ends.
TEST(IpcCleanupTest, TheAsynchronousCleanerResolvesNamesAndEnds) {
  const pid_t cleaner =
      clean_ipc_async(IpcOwner{.user = "vermilion-no-such-user", .group = "vermilion-no-such-user", .group_of_user = true});
  ASSERT_GT(cleaner, 0);
  int status = 0;
  ASSERT_EQ(waitpid(cleaner, &status, 0), cleaner);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

}  // namespace
}  // namespace vermilion
