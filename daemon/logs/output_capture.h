// The output of one service: a pipe whose write end every process of the
// service gets as stdout/stderr, and whose read end feeds a LogBuffer, the
// journal and an optional listener, one line at a time.
//
// The write end stays open in vermiliond for the service's whole life, so
// the pipe outlives each run: a restart never loses lines, and the read end
// never sees EOF. Lines come out in the order they were written as long as
// the supervisor calls drain() when a process of the service exits, before
// it acts on the exit: the io source alone might not have run yet.
#pragma once

#include <systemd/sd-event.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "platform/event_source.h"
#include "platform/io_yield.h"
#include "logs/journal_writer.h"
#include "logs/line_splitter.h"
#include "logs/log_buffer.h"
#include "common/unique_fd.h"
#include "units/unit_config.h"

namespace vermilion {

struct OutputCaptureOptions {
  std::string unit_name;  // "web.service"; the journal's SYSLOG_IDENTIFIER drops ".service"
  // sd-event priority of the pipe's io source. The supervisor puts it
  // before SIGCHLD handling (a smaller number) so output is read before exits.
  std::int64_t priority = SD_EVENT_PRIORITY_NORMAL;
  std::size_t buffer_bytes = LogBuffer::kDefaultMaxBytes;
  std::size_t line_max = LineSplitter::kDefaultLineMax;  // longer lines are cut, as journald's LineMax=
  // Where lines also go; null: no journal. Not owned; must outlive the OutputCapture.
  const JournalWriter* journal = nullptr;
};

class OutputCapture {
 public:
  // Called for every line after it is in the buffer. It must not destroy
  // this OutputCapture or call drain()/flush_partial() from inside.
  using Listener = std::function<void(const LogLine&)>;

  // Bytes read per wakeup of the io source, so one chatty service cannot
  // hold the loop; the source stays ready and is called again.
  static constexpr std::size_t kReadChunk = 16 * 1024;
  // Bytes read (over one or more turns of the loop) before every other
  // pending event gets its turn (IoYield).
  static constexpr std::size_t kBytesPerTurn = 64 * 1024;

  [[nodiscard]] static int create(sd_event* loop, OutputCaptureOptions options,
                                  std::unique_ptr<OutputCapture>& out);

  OutputCapture(const OutputCapture&) = delete;
  OutputCapture& operator=(const OutputCapture&) = delete;

  // The pipe's write end, to dup2() onto a child's stdout/stderr. O_CLOEXEC
  // here; owned by the OutputCapture.
  [[nodiscard]] int write_fd() const { return write_end_.get(); }

  // Reads everything that is in the pipe right now, without blocking, and
  // emits the complete lines. Data written while draining waits for the
  // next wakeup, so a process that keeps writing cannot keep us here.
  // Returns 0 or -errno.
  [[nodiscard]] int drain();

  // Emits a pending unfinished line (the service is dead: no '\n' will come).
  void flush_partial();

  void set_listener(Listener listener) { listener_ = std::move(listener); }

  // How lines are labelled from now on (the configuration of the run that
  // begins): as journald labels a stdout stream in systemd 252
  // (journald-stream.c stdout_stream_log()). With level_prefix a leading
  // "<N>" (0-7) is the line's level and is stripped, in the buffer too;
  // lines above level_max, and lines left empty, are dropped; the journal
  // gets PRIORITY, SYSLOG_FACILITY (unless kern) and SYSLOG_IDENTIFIER:
  // the settings' identifier, else `default_identifier`, else the unit's
  // name without ".service". (systemd's default is each process's
  // executable name; all processes of a unit share one pipe here, so the
  // caller gives its ExecStart='s.)
  void set_syslog(const SyslogSettings& settings, std::string_view default_identifier = {});

  // LogExtraFields= ("NAME=value", valid journal field names): added to
  // each journal entry from now on.
  void set_extra_fields(std::vector<std::string> fields) { extra_fields_ = std::move(fields); }

  [[nodiscard]] const LogBuffer& buffer() const { return buffer_; }

 private:
  OutputCapture(OutputCaptureOptions options, unique_fd read_end, unique_fd write_end);

  static int on_readable(sd_event_source* source, int fd, std::uint32_t revents, void* userdata);
  // One read() of at most limit bytes. Returns bytes read, 0 when the pipe
  // is empty, or -errno.
  [[nodiscard]] ssize_t read_once(std::size_t limit);
  void emit(std::uint64_t realtime_usec, std::string_view text);

  OutputCaptureOptions options_;
  SyslogSettings syslog_;
  std::string syslog_facility_ = "3";
  std::string syslog_identifier_;
  std::vector<JournalField> journal_fields_;
  unique_fd read_end_;
  unique_fd write_end_;
  EventSourcePtr source_;
  std::unique_ptr<IoYield> yield_;  // after source_: destroyed first
  LineSplitter splitter_;
  LogBuffer buffer_;
  Listener listener_;
  std::vector<std::string> extra_fields_;
};

}  // namespace vermilion
