// Time as the state machine sees it: a clock and one-shot timers. The real
// port sits on sd-event (CLOCK_MONOTONIC); tests use a fake that advances
// time on demand, so no test ever sleeps to let a timeout pass.
#pragma once

#include <time.h>

#include <functional>
#include <memory>

#include "common/clock.h"

namespace vermilion {

class Timer {
 public:
  virtual ~Timer() = default;
  // Fires once at the monotonic deadline; re-arming replaces the deadline.
  virtual void arm(usec_t monotonic_deadline) = 0;
  virtual void disarm() = 0;
  // The deadline it is armed for; kUsecInfinity when disarmed or once it
  // has fired.
  [[nodiscard]] virtual usec_t deadline() const = 0;
};

// Ends the watch when destroyed.
class FdWatch {
 public:
  virtual ~FdWatch() = default;
};

class EventPort {
 public:
  virtual ~EventPort() = default;
  [[nodiscard]] virtual usec_t now_monotonic() const = 0;
  [[nodiscard]] virtual usec_t now_realtime() const = 0;
  // The callback runs from the loop, never from inside arm().
  [[nodiscard]] virtual std::unique_ptr<Timer> make_timer(std::function<void()> on_fire) = 0;
  // Calls on_ready (from the loop) once, when fd becomes readable: a pidfd
  // becomes readable when its process exits. The callback may destroy the watch.
  [[nodiscard]] virtual std::unique_ptr<FdWatch> watch_readable(int fd, std::function<void()> on_ready) = 0;
};

}  // namespace vermilion
