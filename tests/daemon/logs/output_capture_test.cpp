#include "logs/output_capture.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/eventfd.h>

#include "loop_wait.h"
#include <spawn.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cstring>
#include <functional>
#include <string>
#include <vector>

extern char** environ;

namespace vermilion {
namespace {

using namespace std::literals;
using Lines = std::vector<std::string>;

using testing::monotonic_usec;
using testing::run_until;

void write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    ASSERT_GT(n, 0);
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

// Runs /bin/sh -c script with stdout and stderr on fd and waits for it.
int run_shell(const char* script, int fd) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fd, 1);
  posix_spawn_file_actions_adddup2(&actions, fd, 2);
  const char* argv[] = {"/bin/sh", "-c", script, nullptr};
  pid_t pid = -1;
  const int r = posix_spawn(&pid, "/bin/sh", &actions, nullptr, const_cast<char**>(argv), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (r != 0) return -r;
  int status = 0;
  if (::waitpid(pid, &status, 0) < 0) return -errno;
  return status;
}

class OutputCaptureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sd_event* raw = nullptr;
    ASSERT_GE(sd_event_new(&raw), 0);
    loop_.reset(raw);
  }

  void make_log(OutputCaptureOptions options = {}) {
    if (options.unit_name.empty()) options.unit_name = "web.service";
    ASSERT_EQ(OutputCapture::create(loop_.get(), std::move(options), log_), 0);
    log_->set_listener([this](const LogLine& line) { seen_.push_back(line.text); });
  }

  bool run_until_lines(std::size_t count) {
    return run_until(loop_.get(), [&] { return seen_.size() >= count; });
  }

  EventLoopPtr loop_;
  std::unique_ptr<OutputCapture> log_;
  Lines seen_;
};

TEST_F(OutputCaptureTest, LinesAcrossSeveralWrites) {
  make_log();
  write_all(log_->write_fd(), "first\nsec");
  write_all(log_->write_fd(), "ond\nthird\n");
  ASSERT_TRUE(run_until_lines(3));
  EXPECT_EQ(seen_, (Lines{"first", "second", "third"}));
  const auto tail = log_->buffer().tail(2);
  ASSERT_EQ(tail.size(), 2u);
  EXPECT_EQ(tail[0].text, "second");
  EXPECT_GT(tail[0].realtime_usec, 0u);
}

// A service writing without pause keeps its pipe readable at every turn; at
// the log's high priority it must still not shut out the rest of the loop.
// Deterministic stand-in for such a writer: a pipe enlarged to 1 MiB and
// filled before the loop runs.
TEST_F(OutputCaptureTest, AServiceThatNeverStopsWritingGivesWayToEveryOtherEvent) {
  OutputCaptureOptions options;
  options.priority = SD_EVENT_PRIORITY_NORMAL - 20;  // as vermiliond runs it
  make_log(std::move(options));
  ASSERT_GE(fcntl(log_->write_fd(), F_SETPIPE_SZ, 1 << 20), 1 << 20);
  const std::string line(100, 'x');
  // Half the capacity: the pipe packs whole writes into pages.
  const std::size_t lines = (1 << 19) / (line.size() + 1);
  for (std::size_t i = 0; i < lines; ++i) write_all(log_->write_fd(), line + "\n");
  unique_fd event(eventfd(1, EFD_CLOEXEC | EFD_NONBLOCK));  // readable from now on
  std::pair<const Lines*, std::size_t> seen_when_ran{&seen_, 0};
  auto on_event = [](sd_event_source* source, int, uint32_t, void* userdata) {
    auto* self = static_cast<std::pair<const Lines*, std::size_t>*>(userdata);
    self->second = self->first->size();
    return sd_event_source_set_enabled(source, SD_EVENT_OFF);
  };
  sd_event_source* raw = nullptr;
  ASSERT_GE(sd_event_add_io(loop_.get(), &raw, event.get(), EPOLLIN, on_event, &seen_when_ran), 0);
  EventSourcePtr event_source(raw);
  ASSERT_GE(sd_event_source_set_priority(raw, SD_EVENT_PRIORITY_NORMAL), 0);
  ASSERT_TRUE(run_until_lines(lines));
  EXPECT_GT(seen_when_ran.second, 0u);
  EXPECT_LE(seen_when_ran.second * (line.size() + 1), OutputCapture::kBytesPerTurn)
      << "the other event waited for the whole backlog";
}

TEST_F(OutputCaptureTest, PartialLineThenCompletion) {
  make_log();
  write_all(log_->write_fd(), "part");
  ASSERT_EQ(log_->drain(), 0);
  EXPECT_TRUE(seen_.empty());
  write_all(log_->write_fd(), "ial\r\n");
  ASSERT_TRUE(run_until_lines(1));
  EXPECT_EQ(seen_, (Lines{"partial"}));
}

TEST_F(OutputCaptureTest, LongLineIsCut) {
  OutputCaptureOptions options;
  options.line_max = 16;
  make_log(options);
  write_all(log_->write_fd(), std::string(40, 'x') + "\n");
  ASSERT_TRUE(run_until_lines(3));
  EXPECT_EQ(seen_, (Lines{std::string(16, 'x'), std::string(16, 'x'), std::string(8, 'x')}));
}

TEST_F(OutputCaptureTest, DefaultLineMaxCutsAt4096) {
  make_log();
  write_all(log_->write_fd(), std::string(5000, 'y') + "\n");
  ASSERT_TRUE(run_until_lines(2));
  EXPECT_EQ(seen_[0].size(), 4096u);
  EXPECT_EQ(seen_[1].size(), 904u);
}

TEST_F(OutputCaptureTest, NulBytesAreKept) {
  make_log();
  write_all(log_->write_fd(), "a\0b\n"sv);
  ASSERT_TRUE(run_until_lines(1));
  EXPECT_EQ(seen_[0], "a\0b"s);
}

TEST_F(OutputCaptureTest, DrainReadsEverythingAProcessWroteBeforeItExited) {
  make_log();
  // More than one read chunk, from stdout and stderr, and the loop never
  // runs: drain() alone must deliver all of it, in order. (Under the 64 KiB
  // pipe capacity, since nobody reads while the shell runs.)
  const int status = run_shell(
      "i=0; while [ $i -lt 3000 ]; do echo \"out $i\"; i=$((i+1)); done; echo err >&2; printf tail",
      log_->write_fd());
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  ASSERT_EQ(log_->drain(), 0);
  ASSERT_EQ(seen_.size(), 3001u);
  for (int i = 0; i < 3000; ++i) ASSERT_EQ(seen_[static_cast<std::size_t>(i)], "out " + std::to_string(i));
  EXPECT_EQ(seen_.back(), "err");
  log_->flush_partial();
  EXPECT_EQ(seen_.back(), "tail");
  EXPECT_EQ(seen_.size(), 3002u);
}

TEST_F(OutputCaptureTest, PipeOutlivesRestarts) {
  make_log();
  ASSERT_EQ(run_shell("echo run one", log_->write_fd()), 0);
  ASSERT_EQ(log_->drain(), 0);
  ASSERT_EQ(run_shell("echo run two", log_->write_fd()), 0);
  ASSERT_TRUE(run_until_lines(2));
  EXPECT_EQ(seen_, (Lines{"run one", "run two"}));
}

TEST_F(OutputCaptureTest, FlushPartialEmitsUnfinishedLine) {
  make_log();
  log_->flush_partial();
  EXPECT_TRUE(seen_.empty());
  write_all(log_->write_fd(), "last words");
  ASSERT_EQ(log_->drain(), 0);
  EXPECT_TRUE(seen_.empty());
  log_->flush_partial();
  EXPECT_EQ(seen_, (Lines{"last words"}));
  log_->flush_partial();
  EXPECT_EQ(seen_.size(), 1u);
}

TEST_F(OutputCaptureTest, BufferIsBoundedByBytes) {
  OutputCaptureOptions options;
  options.buffer_bytes = 10 * (10 + LogBuffer::kLineOverheadBytes);
  make_log(options);
  std::string data;
  for (int i = 0; i < 100; ++i) data += "line " + std::string(5 - std::to_string(i).size(), '0') + std::to_string(i) + "\n";
  write_all(log_->write_fd(), data);
  ASSERT_TRUE(run_until_lines(100));
  EXPECT_EQ(log_->buffer().line_count(), 10u);
  EXPECT_EQ(log_->buffer().tail(1)[0].text, "line 00099");
}

TEST_F(OutputCaptureTest, WriteEndIsCloexecAndReadEndNonBlocking) {
  make_log();
  EXPECT_TRUE(::fcntl(log_->write_fd(), F_GETFD) & FD_CLOEXEC);
  EXPECT_FALSE(::fcntl(log_->write_fd(), F_GETFL) & O_NONBLOCK);
  // drain() on an empty pipe returns at once.
  EXPECT_EQ(log_->drain(), 0);
}

TEST_F(OutputCaptureTest, DestroyedLogGetsNoCallback) {
  make_log();
  write_all(log_->write_fd(), "pending\n");
  log_.reset();
  EXPECT_GE(sd_event_run(loop_.get(), 0), 0);
  EXPECT_TRUE(seen_.empty());
}

TEST_F(OutputCaptureTest, LinesGoToTheJournal) {
  char dir_template[] = "/tmp/vermilion-log-XXXXXX";
  ASSERT_NE(::mkdtemp(dir_template), nullptr);
  const std::string path = std::string(dir_template) + "/journal";
  unique_fd fake_journal(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strcpy(address.sun_path, path.c_str());
  ASSERT_EQ(::bind(fake_journal.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  std::unique_ptr<JournalWriter> journal;
  ASSERT_EQ(JournalWriter::open(path, journal), 0);

  OutputCaptureOptions options;
  options.unit_name = "getty@tty1.service";
  options.journal = journal.get();
  make_log(options);
  write_all(log_->write_fd(), "hello journal\n");
  ASSERT_TRUE(run_until_lines(1));

  auto next_datagram = [&] {
    char datagram[512];
    const ssize_t n = ::recv(fake_journal.get(), datagram, sizeof(datagram), MSG_DONTWAIT);
    return n > 0 ? std::string(datagram, static_cast<std::size_t>(n)) : std::string("(none)");
  };
  EXPECT_EQ(next_datagram(),
            "MESSAGE=hello journal\nPRIORITY=6\nSYSLOG_FACILITY=3\nSYSLOG_IDENTIFIER=getty@tty1\n"
            "VERMILION_UNIT=getty@tty1.service\n");

  // SyslogIdentifier=, SyslogFacility=, SyslogLevel=, LogLevelMax= and the
  // "<N>" prefixes (SyslogLevelPrefix=), as journald reads a stdout stream.
  SyslogSettings settings;
  settings.identifier = "tty";
  settings.facility = 4;  // auth
  settings.level = 5;     // notice
  settings.level_max = 5;
  log_->set_syslog(settings);
  write_all(log_->write_fd(), "<3>broken\nplain\n<7>chatty\n<12>not a level\n");
  ASSERT_TRUE(run_until_lines(4));
  EXPECT_EQ(seen_, (Lines{"hello journal", "broken", "plain", "<12>not a level"})) << "the debug line is dropped";
  EXPECT_EQ(next_datagram(),
            "MESSAGE=broken\nPRIORITY=3\nSYSLOG_FACILITY=4\nSYSLOG_IDENTIFIER=tty\nVERMILION_UNIT=getty@tty1.service\n");
  EXPECT_EQ(next_datagram(),
            "MESSAGE=plain\nPRIORITY=5\nSYSLOG_FACILITY=4\nSYSLOG_IDENTIFIER=tty\nVERMILION_UNIT=getty@tty1.service\n");
  EXPECT_EQ(next_datagram(), "MESSAGE=<12>not a level\nPRIORITY=5\nSYSLOG_FACILITY=4\nSYSLOG_IDENTIFIER=tty\n"
                             "VERMILION_UNIT=getty@tty1.service\n");
  // Lines left empty are dropped (journald's stdout_stream_log()); the
  // default identifier is the caller's (ExecStart='s program).
  log_->set_syslog(SyslogSettings{}, "agetty");
  write_all(log_->write_fd(), "\n<5>\nnamed\n");
  ASSERT_TRUE(run_until_lines(5));
  EXPECT_EQ(seen_.back(), "named");
  EXPECT_EQ(seen_.size(), 5u) << "no empty line";
  EXPECT_EQ(next_datagram(), "MESSAGE=named\nPRIORITY=6\nSYSLOG_FACILITY=3\nSYSLOG_IDENTIFIER=agetty\n"
                             "VERMILION_UNIT=getty@tty1.service\n");
  // Without the prefix rule the text stays; kern (0) has no SYSLOG_FACILITY.
  settings = SyslogSettings{};
  settings.level_prefix = false;
  settings.facility = 0;
  log_->set_syslog(settings);
  write_all(log_->write_fd(), "<3>as written\n");
  ASSERT_TRUE(run_until_lines(6));
  EXPECT_EQ(next_datagram(), "MESSAGE=<3>as written\nPRIORITY=6\nSYSLOG_IDENTIFIER=getty@tty1\n"
                             "VERMILION_UNIT=getty@tty1.service\n");
  // LogExtraFields= go into every entry; a value may hold '='.
  log_->set_extra_fields({"TEAM=web", "QUERY=a=b"});
  write_all(log_->write_fd(), "tagged\n");
  ASSERT_TRUE(run_until_lines(7));
  EXPECT_EQ(next_datagram(), "MESSAGE=tagged\nPRIORITY=6\nSYSLOG_IDENTIFIER=getty@tty1\n"
                             "VERMILION_UNIT=getty@tty1.service\nTEAM=web\nQUERY=a=b\n");
  ::unlink(path.c_str());
  ::rmdir(dir_template);
}

}  // namespace
}  // namespace vermilion
