#include "exec/utmp_record.h"

#include <errno.h>
#include <sys/time.h>
#include <unistd.h>
#include <utmpx.h>

#include <cstring>

#include "platform/helper_process.h"

namespace vermilion {
namespace {

const char* utmp_path(const UtmpFiles& files) { return files.utmp ? files.utmp : _PATH_UTMPX; }
const char* wtmp_path(const UtmpFiles& files) { return files.wtmp ? files.wtmp : _PATH_WTMPX; }

void stamp_now(utmpx& record) {
  timeval now{};
  gettimeofday(&now, nullptr);
  record.ut_tv.tv_sec = static_cast<decltype(record.ut_tv.tv_sec)>(now.tv_sec);
  record.ut_tv.tv_usec = static_cast<decltype(record.ut_tv.tv_usec)>(now.tv_usec);
}

// systemd's copy_suffix(): the whole string if it fits, else its last
// `size` bytes, without a terminating NUL.
void copy_suffix(char* out, std::size_t size, const char* text) {
  const std::size_t length = std::strlen(text);
  if (length < size)
    std::strncpy(out, text, size);
  else
    std::memcpy(out, text + length - size, size);
}

// setutxent() .. endutxent() on `path`: glibc keeps one open utmp file.
class UtmpSession {
 public:
  explicit UtmpSession(const char* path) : ok_(utmpxname(path) == 0) {
    if (ok_) setutxent();
  }
  ~UtmpSession() {
    if (ok_) endutxent();
  }
  UtmpSession(const UtmpSession&) = delete;
  UtmpSession& operator=(const UtmpSession&) = delete;
  [[nodiscard]] bool ok() const { return ok_; }

 private:
  bool ok_;
};

// write_entry_utmp(): no file means utmp is off, which is fine.
int write_utmp(const UtmpFiles& files, const utmpx& record) {
  UtmpSession session(utmp_path(files));
  if (!session.ok()) return -errno;
  if (pututxline(&record)) return 0;
  return errno == ENOENT ? 0 : -errno;
}

// write_entry_wtmp(): an append; no file, or a read-only one, is fine.
int write_wtmp(const UtmpFiles& files, const utmpx& record) {
  errno = 0;
  updwtmpx(wtmp_path(files), &record);
  return errno == ENOENT || errno == EROFS ? 0 : -errno;
}

int write_both(const UtmpFiles& files, const utmpx& utmp_record, const utmpx& wtmp_record) {
  const int r = write_utmp(files, utmp_record);
  const int s = write_wtmp(files, wtmp_record);
  return r < 0 ? r : s;
}

}  // namespace

int put_init_process(const UtmpFiles& files, const char* id, pid_t pid, pid_t sid, const char* line, UtmpMode mode,
                     const char* user) noexcept {
  utmpx record{};
  record.ut_type = INIT_PROCESS;
  record.ut_pid = pid;
  record.ut_session = sid;
  stamp_now(record);
  copy_suffix(record.ut_id, sizeof record.ut_id, id);
  if (line) std::strncpy(record.ut_line, line, sizeof record.ut_line);
  if (int r = write_both(files, record, record); r < 0) return r;
  if (mode == UtmpMode::init) return 0;
  record.ut_type = LOGIN_PROCESS;
  if (int r = write_both(files, record, record); r < 0) return r;
  if (mode != UtmpMode::user || !user) return 0;
  record.ut_type = USER_PROCESS;
  std::strncpy(record.ut_user, user, sizeof record.ut_user - 1);
  return write_both(files, record, record);
}

int put_dead_process(const UtmpFiles& files, const char* id, pid_t pid, int code, int status) noexcept {
  utmpx lookup{};
  lookup.ut_type = INIT_PROCESS;  // getutxid() matches LOGIN_, USER_ and DEAD_PROCESS too
  copy_suffix(lookup.ut_id, sizeof lookup.ut_id, id);
  utmpx record{};
  {
    UtmpSession session(utmp_path(files));
    if (!session.ok()) return -errno;
    const utmpx* found = getutxid(&lookup);
    if (!found || found->ut_pid != pid) return 0;
    record = *found;
  }
  record.ut_type = DEAD_PROCESS;
  record.ut_exit.e_termination = static_cast<short>(code);
  record.ut_exit.e_exit = static_cast<short>(status);
  std::memset(record.ut_user, 0, sizeof record.ut_user);
  std::memset(record.ut_host, 0, sizeof record.ut_host);
  record.ut_tv = {};
  utmpx in_wtmp = record;
  stamp_now(in_wtmp);  // wtmp wants the time of the exit
  return write_both(files, record, in_wtmp);
}

pid_t put_dead_process_async(const UtmpFiles& files, const std::string& id, pid_t pid, int code, int status) noexcept {
  // glibc's wait for the lock ends with a SIGALRM (fork_helper() lets it
  // through), after 10 s.
  const pid_t writer = fork_helper();
  if (writer < 0) return 0;
  if (writer > 0) return writer;
  (void)put_dead_process(files, id.c_str(), pid, code, status);
  _exit(0);
}

}  // namespace vermilion
