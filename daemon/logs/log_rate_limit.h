// At most `burst` log lines per `interval` for one kind of message, as
// systemd's log_ratelimit: a message anyone can provoke (a notify datagram
// from a stranger) must not let them fill vermiliond's log. Lines beyond the
// burst are counted, not written; the first line allowed in a later
// interval is preceded by one line saying how many were left out.
//
// The count of a burst's tail is told only when the next line is allowed,
// as in systemd: a flood that ends leaves its count until the next message.
#pragma once

#include <cstdint>

#include "common/clock.h"

namespace vermilion {

class LogRateLimit {
 public:
  // interval in µs (monotonic), burst in lines; burst 0 writes nothing.
  LogRateLimit(usec_t interval, unsigned burst) : interval_(interval), burst_(burst) {}

  // Whether a line may be written at `now` (µs, monotonic). When it may and
  // lines were left out since the last one written, `suppressed` is their
  // number (tell it first); otherwise 0.
  [[nodiscard]] bool allow(usec_t now, std::uint64_t& suppressed);

  // Lines left out and not told yet.
  [[nodiscard]] std::uint64_t pending_suppressed() const { return suppressed_; }

 private:
  usec_t interval_;
  unsigned burst_;
  usec_t begin_ = 0;
  bool started_ = false;
  unsigned used_ = 0;
  std::uint64_t suppressed_ = 0;
};

}  // namespace vermilion
