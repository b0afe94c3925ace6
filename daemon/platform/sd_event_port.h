// The real EventPort: timers on an sd-event loop's CLOCK_MONOTONIC.
#pragma once

#include <systemd/sd-event.h>

#include "platform/event_port.h"

namespace vermilion {

class SdEventPort final : public EventPort {
 public:
  explicit SdEventPort(sd_event* loop) : loop_(loop) {}
  [[nodiscard]] usec_t now_monotonic() const override;
  [[nodiscard]] usec_t now_realtime() const override;
  [[nodiscard]] std::unique_ptr<Timer> make_timer(std::function<void()> on_fire) override;
  [[nodiscard]] std::unique_ptr<FdWatch> watch_readable(int fd, std::function<void()> on_ready) override;

 private:
  sd_event* loop_;
};

}  // namespace vermilion
