#include "logs/log_rate_limit.h"

namespace vermilion {

bool LogRateLimit::allow(usec_t now, std::uint64_t& suppressed) {
  suppressed = 0;
  if (!started_ || now < begin_ || now - begin_ >= interval_) {
    // A new interval (or a clock that went back, which cannot happen with
    // CLOCK_MONOTONIC but must not lock the log up if it did).
    started_ = true;
    begin_ = now;
    used_ = 0;
  }
  if (used_ >= burst_) {
    ++suppressed_;
    return false;
  }
  ++used_;
  suppressed = suppressed_;
  suppressed_ = 0;
  return true;
}

}  // namespace vermilion
