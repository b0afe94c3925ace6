#include "logs/output_capture.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <string_view>
#include <utility>

#include "common/out_of_memory.h"
#include "platform/event_port.h"
#include "common/unit_name.h"
#include "units/syslog_priority.h"

namespace vermilion {

namespace {

std::string identifier_for(std::string_view unit_name) {
  if (unit_name.size() > kServiceSuffix.size() && unit_name.ends_with(kServiceSuffix))
    unit_name.remove_suffix(kServiceSuffix.size());
  return std::string(unit_name);
}

}  // namespace

OutputCapture::OutputCapture(OutputCaptureOptions options, unique_fd read_end, unique_fd write_end)
    : options_(std::move(options)),
      syslog_identifier_(identifier_for(options_.unit_name)),  // set_syslog() may change it
      read_end_(std::move(read_end)),
      write_end_(std::move(write_end)),
      splitter_(options_.line_max),
      buffer_(options_.buffer_bytes) {}

int OutputCapture::create(sd_event* loop, OutputCaptureOptions options, std::unique_ptr<OutputCapture>& out) {
  fd_pair pipe;
  if (int r = make_pipe(pipe); r < 0) return r;
  // Only our end is non-blocking: the service writes as to a terminal or
  // journald's stream socket, waiting when we fall behind.
  const int flags = ::fcntl(pipe.first.get(), F_GETFL);
  if (flags < 0 || ::fcntl(pipe.first.get(), F_SETFL, flags | O_NONBLOCK) < 0) return -errno;

  std::unique_ptr<OutputCapture> log(
      new OutputCapture(std::move(options), std::move(pipe.first), std::move(pipe.second)));
  sd_event_source* raw = nullptr;
  if (int r = sd_event_add_io(loop, &raw, log->read_end_.get(), EPOLLIN, &OutputCapture::on_readable, log.get());
      r < 0)
    return r;
  log->source_.reset(raw);
  if (int r = sd_event_source_set_priority(raw, log->options_.priority); r < 0) return r;
  (void)sd_event_source_set_description(raw, ("log:" + log->options_.unit_name).c_str());
  if (int r = IoYield::create(loop, raw, kBytesPerTurn, log->yield_); r < 0) return r;
  out = std::move(log);
  return 0;
}

int OutputCapture::on_readable(sd_event_source*, int, std::uint32_t, void* userdata) {
  return event_guard("a service's output", [&] {
    auto* self = static_cast<OutputCapture*>(userdata);
    const ssize_t n = self->read_once(kReadChunk);
    // A failing read on our own pipe cannot get better; a negative return
    // makes sd-event disable this source instead of spinning on it.
    if (n < 0) return static_cast<int>(n);
    // A service writing without pause keeps this pipe readable at every turn;
    // at this priority it would shut out everything else (IoYield).
    self->yield_->spend(static_cast<std::size_t>(n));
    return 0;
  });
}

ssize_t OutputCapture::read_once(std::size_t limit) {
  std::array<char, kReadChunk> chunk;
  limit = std::min(limit, chunk.size());
  for (;;) {
    const ssize_t n = ::read(read_end_.get(), chunk.data(), limit);
    if (n > 0) {
      const std::uint64_t now = clock_now_usec(CLOCK_REALTIME);
      splitter_.feed(std::string_view(chunk.data(), static_cast<std::size_t>(n)),
                     [this, now](std::string_view line) { emit(now, line); });
      return n;
    }
    // n == 0 would be EOF, impossible while we hold the write end.
    if (n == 0 || errno == EAGAIN) return 0;
    if (errno != EINTR) return -errno;
  }
}

int OutputCapture::drain() {
  int available = 0;
  if (::ioctl(read_end_.get(), FIONREAD, &available) < 0) return -errno;
  auto left = static_cast<std::size_t>(available);
  while (left > 0) {
    const ssize_t n = read_once(left);
    if (n < 0) return static_cast<int>(n);
    if (n == 0) break;
    left -= static_cast<std::size_t>(n);
  }
  return 0;
}

void OutputCapture::flush_partial() {
  const std::uint64_t now = clock_now_usec(CLOCK_REALTIME);
  splitter_.flush([this, now](std::string_view line) { emit(now, line); });
}

void OutputCapture::set_syslog(const SyslogSettings& settings, std::string_view default_identifier) {
  syslog_ = settings;
  syslog_facility_ = std::to_string(settings.facility);
  syslog_identifier_ = !settings.identifier.empty() ? settings.identifier
                       : !default_identifier.empty() ? std::string(default_identifier)
                                                     : identifier_for(options_.unit_name);
}

void OutputCapture::emit(std::uint64_t realtime_usec, std::string_view text) {
  int level = syslog_.level;
  if (syslog_.level_prefix)
    if (auto prefixed = take_level_prefix(text)) level = *prefixed;
  if (syslog_.level_max >= 0 && level > syslog_.level_max) return;
  // journald's stdout_stream_log() keeps no empty line (nor one that was only "<N>").
  if (text.empty()) return;
  const LogLine& line = buffer_.append(realtime_usec, std::string(text));
  if (options_.journal) {
    // A journal that is full or gone does not get the line; the buffer
    // (status, GetLogs) still has it, and we never wait for journald.
    static constexpr std::string_view kLevels[8] = {"0", "1", "2", "3", "4", "5", "6", "7"};
    std::vector<JournalField>& fields = journal_fields_;  // kept: no allocation per line
    fields.assign({{"MESSAGE", line.text}, {"PRIORITY", kLevels[level & 7]}});
    // journald leaves SYSLOG_FACILITY out for kern (0), as systemd's stdout streams.
    if (syslog_.facility != 0) fields.push_back({"SYSLOG_FACILITY", syslog_facility_});
    fields.push_back({"SYSLOG_IDENTIFIER", syslog_identifier_});
    fields.push_back({"VERMILION_UNIT", options_.unit_name});
    for (const std::string& extra : extra_fields_) {
      const std::size_t eq = extra.find('=');
      fields.push_back({std::string_view(extra).substr(0, eq), std::string_view(extra).substr(eq + 1)});
    }
    (void)options_.journal->send(fields);
  }
  if (listener_) listener_(line);
}

}  // namespace vermilion
