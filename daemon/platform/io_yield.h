// Keeps one busy fd from starving the event loop. sd-event dispatches the
// single most urgent pending source per iteration, and an fd that a service
// or a local process keeps readable (a notify flood, a service writing
// output without pause) is pending at every iteration; at a high priority it
// would shut out SIGCHLD, timers and the links. The source's handler reports
// what it took (spend()); once that reaches the budget, the source is
// switched off and a defer source at SD_EVENT_PRIORITY_IDLE switches it back
// on when nothing else is pending. So every other event gets its turn at
// least once per budget, and an otherwise idle loop still serves the busy fd
// at full speed. The budget counts across turns: a sender that refills the
// fd between turns (a datagram queue holds only ~10) is caught as well.
#pragma once

#include <systemd/sd-event.h>

#include <cstddef>
#include <memory>

#include "platform/event_source.h"

namespace vermilion {

class IoYield {
 public:
  // `io` is the source to switch off and on; it must outlive this object
  // (its owner holds both). Returns 0 or -errno from sd-event.
  // `budget` is in the caller's units (datagrams, bytes), at least 1.
  // Returns 0, or -EINVAL.
  [[nodiscard]] static int create(sd_event* loop, sd_event_source* io, std::size_t budget,
                                  std::unique_ptr<IoYield>& out);

  // Counts what the handler took; at the budget, yields and starts again.
  void spend(std::size_t amount) noexcept;
  // Switches the source off until the loop has nothing more urgent to do.
  void yield() noexcept;
  // Whether the source is waiting for its turn (for tests).
  [[nodiscard]] bool yielding() const noexcept;

 private:
  IoYield(sd_event* loop, sd_event_source* io, std::size_t budget) : loop_(loop), io_(io), budget_(budget) {}
  [[nodiscard]] int make_resume_source() noexcept;
  static int on_idle(sd_event_source* source, void* userdata);

  sd_event* loop_;
  sd_event_source* io_;
  std::size_t budget_;
  std::size_t spent_ = 0;
  EventSourcePtr resume_;
};

}  // namespace vermilion
