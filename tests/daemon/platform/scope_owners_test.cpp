#include "platform/scope_owners.h"

#include <gtest/gtest.h>

#include <map>

namespace vermilion {
namespace {

constexpr pid_t kSelf = 100;

// A pretend /proc: what each PID's cgroup and stat files say.
class ScopeOwnersTest : public ::testing::Test {
 protected:
  ScopeOwnersTest()
      : owners_(
            kSelf,
            [this](pid_t pid, std::string& out) {
              ++cgroup_reads_;
              auto it = cgroups_.find(pid);
              if (it == cgroups_.end()) return -ENOENT;
              out = "0::" + it->second + "\n";
              return 0;
            },
            [this](pid_t pid, ProcStat& out) {
              ++stat_reads_;
              auto it = stats_.find(pid);
              if (it == stats_.end()) return -ENOENT;
              out = it->second;
              return 0;
            }) {}

  void process(pid_t pid, pid_t ppid, pid_t session, std::uint64_t start = 7, char state = 'S') {
    stats_[pid] = ProcStat{pid, ppid, session, state, start};
  }
  std::string find(pid_t pid, int expected = 0) {
    std::string service;
    EXPECT_EQ(owners_.find(pid, service), expected) << pid;
    return service;
  }

  std::map<pid_t, std::string> cgroups_;
  std::map<pid_t, ProcStat> stats_;
  int cgroup_reads_ = 0;
  int stat_reads_ = 0;
  ScopeOwners owners_;
};

TEST_F(ScopeOwnersTest, ACgroupSenderCostsOneReadWhateverTheNumberOfServices) {
  for (int i = 0; i < 1000; ++i) owners_.add_cgroup("/v/s" + std::to_string(i) + ".service", "s" + std::to_string(i));
  cgroups_[500] = "/v/s737.service";
  cgroups_[501] = "/v/s737.service/sub";  // a child cgroup is not the service's own
  cgroups_[502] = "/user.slice";
  EXPECT_EQ(find(500), "s737");
  find(501, -ESRCH);
  find(502, -ESRCH);
  find(503, -ENOENT);
  EXPECT_EQ(cgroup_reads_, 4);
  EXPECT_EQ(stat_reads_, 0) << "no session scope, no stat read";
}

TEST_F(ScopeOwnersTest, RegistrationsAreCountedSoANewScopeSurvivesTheOldOnesEnd) {
  owners_.add_cgroup("/v/web.service", "web");
  owners_.add_cgroup("/v/web.service", "web");  // the next run's scope
  owners_.remove_cgroup("/v/web.service");      // the old one goes
  cgroups_[500] = "/v/web.service";
  EXPECT_EQ(find(500), "web");
  owners_.remove_cgroup("/v/web.service");
  find(500, -ESRCH);
}

TEST_F(ScopeOwnersTest, NothingRegisteredReadsNothing) {
  process(500, 1, 500);
  find(500, -ESRCH);
  EXPECT_EQ(cgroup_reads_ + stat_reads_, 0);
}

TEST_F(ScopeOwnersTest, ASessionSenderIsFoundBySessionOrKnownProcessOrAncestor) {
  owners_.add_session(200, "web");
  owners_.add_process(300, 42, "db");
  process(201, 200, 200);        // in web's session
  process(300, kSelf, 300, 42);  // db's known daemon, in a session of its own
  process(301, 300, 301);        // its child, which called setsid() too
  process(302, 301, 302);        // and a grandchild
  process(400, 1, 400, 42);      // PID 400 is no one's
  EXPECT_EQ(find(201), "web");
  EXPECT_EQ(find(300), "db");
  EXPECT_EQ(find(301), "db") << "a descendant of a member";
  EXPECT_EQ(find(302), "db");
  find(400, -ESRCH);
}

TEST_F(ScopeOwnersTest, AReusedPidIsNotTheKnownProcess) {
  owners_.add_process(300, 42, "db");
  process(300, 1, 300, 43);  // same PID, later start: another process
  find(300, -ESRCH);
}

TEST_F(ScopeOwnersTest, TheAncestorWalkStopsAtUsAtInitAndAtItsBound) {
  owners_.add_session(1, "init-session");  // would match anything under init
  process(500, kSelf, 500);
  find(500, -ESRCH);
  EXPECT_EQ(stat_reads_, 1) << "vermiliond's own children stop the walk at vermiliond";

  // A chain deeper than the bound, whose top is a member.
  owners_.add_session(900, "deep");
  pid_t pid = 1000;
  process(pid, 900, 900);
  for (int i = 1; i <= ScopeOwners::kMaxAncestors + 5; ++i) process(pid + i, pid + i - 1, pid + i);
  stat_reads_ = 0;
  find(pid + ScopeOwners::kMaxAncestors + 5, -ESRCH);
  EXPECT_EQ(stat_reads_, ScopeOwners::kMaxAncestors + 1) << "bounded";
  EXPECT_EQ(find(pid + ScopeOwners::kMaxAncestors), "deep") << "within the bound";
}

TEST_F(ScopeOwnersTest, ZombiesAndVanishedParentsEndTheWalk) {
  owners_.add_session(200, "web");
  process(210, 200, 210, 7, 'Z');
  find(210, -ESRCH);
  process(220, 999, 220);  // its parent is gone
  find(220, -ESRCH);
  find(230, -ENOENT);  // the sender itself is gone
}

}  // namespace
}  // namespace vermilion
