#include "platform/sd_event_port.h"

#include <time.h>

#include "common/out_of_memory.h"
#include "platform/event_source.h"

namespace vermilion {
namespace {

// Timers fire within a millisecond of their deadline: sd-event's default
// accuracy (250 ms) would make every stop timeout and RestartSec sloppy.
constexpr uint64_t kTimerAccuracyUsec = 1000;

class SdTimer final : public Timer {
 public:
  SdTimer(sd_event* loop, std::function<void()> fire) : loop_(loop), fire_(std::move(fire)) {}

  void arm(usec_t deadline) override {
    // A deadline already due (RestartSec=0) fires at the next turn of the
    // loop: within the accuracy window sd-event would pick a later wake-up
    // shared with other timers, up to a millisecond on every restart.
    uint64_t now = 0;
    const uint64_t accuracy =
        sd_event_now(loop_, CLOCK_MONOTONIC, &now) >= 0 && deadline <= now ? 1 : kTimerAccuracyUsec;
    if (!source_) {
      sd_event_source* s = nullptr;
      if (sd_event_add_time(loop_, &s, CLOCK_MONOTONIC, deadline, accuracy, &SdTimer::dispatch, this) < 0)
        return;  // only ENOMEM; the phase then waits for its process events
      source_.reset(s);
    } else {
      sd_event_source_set_time(source_.get(), deadline);
      sd_event_source_set_time_accuracy(source_.get(), accuracy);
    }
    sd_event_source_set_enabled(source_.get(), SD_EVENT_ONESHOT);
    deadline_ = deadline;
  }
  void disarm() override {
    if (source_) sd_event_source_set_enabled(source_.get(), SD_EVENT_OFF);
    deadline_ = kUsecInfinity;
  }
  [[nodiscard]] usec_t deadline() const override { return deadline_; }

 private:
  static int dispatch(sd_event_source*, uint64_t, void* self) {
    return event_guard("a timer", [&] {
      auto* timer = static_cast<SdTimer*>(self);
      timer->deadline_ = kUsecInfinity;  // sd-event turned the one-shot source off
      // A copy: the callback may destroy this timer (and the original) while it runs.
      std::function<void()> fire = timer->fire_;
      fire();
      return 0;
    });
  }
  sd_event* loop_;
  std::function<void()> fire_;
  EventSourcePtr source_;
  usec_t deadline_ = kUsecInfinity;
};

class SdFdWatch final : public FdWatch {
 public:
  explicit SdFdWatch(std::function<void()> ready) : ready_(std::move(ready)) {}
  static int dispatch(sd_event_source* source, int, uint32_t, void* self) {
    return event_guard("an fd watch", [&] {
      sd_event_source_set_enabled(source, SD_EVENT_OFF);  // once: see EventPort
      // A copy: the callback may destroy this watch (and the original) while it runs.
      std::function<void()> ready = static_cast<SdFdWatch*>(self)->ready_;
      ready();
      return 0;
    });
  }
  EventSourcePtr source;

 private:
  std::function<void()> ready_;
};

}  // namespace

std::unique_ptr<FdWatch> SdEventPort::watch_readable(int fd, std::function<void()> on_ready) {
  auto watch = std::make_unique<SdFdWatch>(std::move(on_ready));
  sd_event_source* s = nullptr;
  if (sd_event_add_io(loop_, &s, fd, EPOLLIN, &SdFdWatch::dispatch, watch.get()) < 0) return nullptr;
  watch->source.reset(s);
  return watch;
}

usec_t SdEventPort::now_monotonic() const {
  uint64_t now = 0;
  if (sd_event_now(loop_, CLOCK_MONOTONIC, &now) >= 0) return now;
  return clock_now_usec(CLOCK_MONOTONIC);
}

usec_t SdEventPort::now_realtime() const { return clock_now_usec(CLOCK_REALTIME); }

std::unique_ptr<Timer> SdEventPort::make_timer(std::function<void()> on_fire) {
  return std::make_unique<SdTimer>(loop_, std::move(on_fire));
}

}  // namespace vermilion
