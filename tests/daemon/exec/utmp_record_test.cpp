// exec/utmp_record.h: the records systemd 252's utmp-wtmp.c writes for
// UtmpIdentifier=, in files of the test's own.
#include "exec/utmp_record.h"

#include <sys/wait.h>
#include <unistd.h>
#include <utmpx.h>

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "temp_dir.h"

namespace vermilion {
namespace {

struct Files {
  testing::TempDir dir;
  std::string utmp = dir.path() + "/utmp";
  std::string wtmp = dir.path() + "/wtmp";
  Files() {
    std::ofstream(utmp).flush();
    std::ofstream(wtmp).flush();
  }
  [[nodiscard]] UtmpFiles files() const { return {utmp.c_str(), wtmp.c_str()}; }
};

std::vector<utmpx> records_in(const std::string& path) {
  std::vector<utmpx> out;
  if (utmpxname(path.c_str()) != 0) return out;
  setutxent();
  while (const utmpx* r = getutxent()) out.push_back(*r);
  endutxent();
  return out;
}

std::string field(const char* text, std::size_t size) { return std::string(text, strnlen(text, size)); }
std::string id_of(const utmpx& r) { return field(r.ut_id, sizeof r.ut_id); }
std::string line_of(const utmpx& r) { return field(r.ut_line, sizeof r.ut_line); }
std::string user_of(const utmpx& r) { return field(r.ut_user, sizeof r.ut_user); }

TEST(UtmpRecordTest, InitModeWritesOneRecordToUtmpAndToWtmp) {
  Files f;
  ASSERT_EQ(put_init_process(f.files(), "tty3", 4242, 4242, "tty3", UtmpMode::init, nullptr), 0);
  auto utmp = records_in(f.utmp);
  ASSERT_EQ(utmp.size(), 1u);
  EXPECT_EQ(utmp[0].ut_type, INIT_PROCESS);
  EXPECT_EQ(utmp[0].ut_pid, 4242);
  EXPECT_EQ(utmp[0].ut_session, 4242);
  EXPECT_EQ(id_of(utmp[0]), "tty3");
  EXPECT_EQ(line_of(utmp[0]), "tty3");
  EXPECT_NE(utmp[0].ut_tv.tv_sec, 0);
  auto wtmp = records_in(f.wtmp);
  ASSERT_EQ(wtmp.size(), 1u);
  EXPECT_EQ(wtmp[0].ut_type, INIT_PROCESS);
}

// copy_suffix(): a longer identifier keeps its last 4 bytes
// (container-getty@.service's UtmpIdentifier=pts/%I).
TEST(UtmpRecordTest, ALongIdentifierKeepsItsLastFourBytes) {
  Files f;
  ASSERT_EQ(put_init_process(f.files(), "pts/12", 7, 7, nullptr, UtmpMode::init, nullptr), 0);
  auto utmp = records_in(f.utmp);
  ASSERT_EQ(utmp.size(), 1u);
  EXPECT_EQ(id_of(utmp[0]), "s/12");
  EXPECT_EQ(line_of(utmp[0]), "");
}

// LOGIN_PROCESS and USER_PROCESS replace the INIT_PROCESS record in utmp
// (one record per identifier) and follow it in wtmp.
TEST(UtmpRecordTest, UserModeEndsAsAUserRecordAndLogsEachStepInWtmp) {
  Files f;
  ASSERT_EQ(put_init_process(f.files(), "cons", 99, 98, "console", UtmpMode::user, "alice"), 0);
  auto utmp = records_in(f.utmp);
  ASSERT_EQ(utmp.size(), 1u);
  EXPECT_EQ(utmp[0].ut_type, USER_PROCESS);
  EXPECT_EQ(user_of(utmp[0]), "alice");
  auto wtmp = records_in(f.wtmp);
  ASSERT_EQ(wtmp.size(), 3u);
  EXPECT_EQ(wtmp[0].ut_type, INIT_PROCESS);
  EXPECT_EQ(wtmp[1].ut_type, LOGIN_PROCESS);
  EXPECT_EQ(wtmp[2].ut_type, USER_PROCESS);
  EXPECT_EQ(user_of(wtmp[1]), "");
}

TEST(UtmpRecordTest, LoginModeStopsAtTheLoginRecord) {
  Files f;
  ASSERT_EQ(put_init_process(f.files(), "tty1", 5, 5, "tty1", UtmpMode::login, "alice"), 0);
  auto utmp = records_in(f.utmp);
  ASSERT_EQ(utmp.size(), 1u);
  EXPECT_EQ(utmp[0].ut_type, LOGIN_PROCESS);
  EXPECT_EQ(user_of(utmp[0]), "");
  EXPECT_EQ(records_in(f.wtmp).size(), 2u);
}

TEST(UtmpRecordTest, TheRecordOfTheExitedProcessBecomesDeadWithHowItEnded) {
  Files f;
  ASSERT_EQ(put_init_process(f.files(), "cons", 99, 99, "console", UtmpMode::user, "alice"), 0);
  ASSERT_EQ(put_dead_process(f.files(), "cons", 99, CLD_KILLED, SIGKILL), 0);
  auto utmp = records_in(f.utmp);
  ASSERT_EQ(utmp.size(), 1u);
  EXPECT_EQ(utmp[0].ut_type, DEAD_PROCESS);
  EXPECT_EQ(utmp[0].ut_pid, 99);
  EXPECT_EQ(utmp[0].ut_exit.e_termination, CLD_KILLED);
  EXPECT_EQ(utmp[0].ut_exit.e_exit, SIGKILL);
  EXPECT_EQ(user_of(utmp[0]), "");
  EXPECT_EQ(line_of(utmp[0]), "console");  // kept: a new getty on the line finds it
  EXPECT_EQ(utmp[0].ut_tv.tv_sec, 0);      // zeroed in utmp ...
  auto wtmp = records_in(f.wtmp);
  ASSERT_EQ(wtmp.size(), 4u);
  EXPECT_EQ(wtmp[3].ut_type, DEAD_PROCESS);
  EXPECT_NE(wtmp[3].ut_tv.tv_sec, 0);  // ... but the time of the exit in wtmp
}

// Another process took the identifier meanwhile (a new getty on the line):
// its record stays as it is.
TEST(UtmpRecordTest, AnotherProcessesRecordIsLeftAlone) {
  Files f;
  ASSERT_EQ(put_init_process(f.files(), "tty2", 200, 200, "tty2", UtmpMode::init, nullptr), 0);
  ASSERT_EQ(put_dead_process(f.files(), "tty2", 100, CLD_EXITED, 0), 0);
  ASSERT_EQ(put_dead_process(f.files(), "tty9", 200, CLD_EXITED, 0), 0);
  auto utmp = records_in(f.utmp);
  ASSERT_EQ(utmp.size(), 1u);
  EXPECT_EQ(utmp[0].ut_type, INIT_PROCESS);
  EXPECT_EQ(records_in(f.wtmp).size(), 1u);
}

// utmp switched off (no file) is no error, as in systemd.
TEST(UtmpRecordTest, NoUtmpFileIsNoError) {
  testing::TempDir dir;
  const std::string utmp = dir.path() + "/utmp", wtmp = dir.path() + "/wtmp";
  const UtmpFiles files{utmp.c_str(), wtmp.c_str()};
  EXPECT_EQ(put_init_process(files, "tty1", 5, 5, "tty1", UtmpMode::init, nullptr), 0);
  EXPECT_EQ(put_dead_process(files, "tty1", 5, CLD_EXITED, 0), 0);
  EXPECT_NE(access(utmp.c_str(), F_OK), 0);
}

// The manager's way: a process of its own writes, even with SIGALRM
// blocked in the caller (glibc's wait for the file's lock ends with it).
TEST(UtmpRecordTest, TheAsynchronousWriterWritesInAProcessOfItsOwn) {
  Files f;
  ASSERT_EQ(put_init_process(f.files(), "tty5", 321, 321, "tty5", UtmpMode::init, nullptr), 0);
  sigset_t alarm, old;
  sigemptyset(&alarm);
  sigaddset(&alarm, SIGALRM);
  ASSERT_EQ(sigprocmask(SIG_BLOCK, &alarm, &old), 0);
  const pid_t writer = put_dead_process_async(f.files(), "tty5", 321, CLD_EXITED, 3);
  sigprocmask(SIG_SETMASK, &old, nullptr);
  ASSERT_GT(writer, 0);
  int status = 0;
  ASSERT_EQ(waitpid(writer, &status, 0), writer);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  auto utmp = records_in(f.utmp);
  ASSERT_EQ(utmp.size(), 1u);
  EXPECT_EQ(utmp[0].ut_type, DEAD_PROCESS);
  EXPECT_EQ(utmp[0].ut_exit.e_exit, 3);
}

}  // namespace
}  // namespace vermilion
