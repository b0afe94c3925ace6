#include "platform/io_yield.h"

#include <cerrno>

namespace vermilion {

int IoYield::create(sd_event* loop, sd_event_source* io, std::size_t budget, std::unique_ptr<IoYield>& out) {
  if (!loop || !io || budget == 0) return -EINVAL;
  out.reset(new IoYield(loop, io, budget));
  return 0;
}

// Made on the first yield, not at create(): most sources (a service's
// output pipe) never reach their budget, and a source costs memory for
// every service.
int IoYield::make_resume_source() noexcept {
  sd_event_source* raw = nullptr;
  if (int r = sd_event_add_defer(loop_, &raw, &IoYield::on_idle, this); r < 0) return r;
  EventSourcePtr resume(raw);
  if (int r = sd_event_source_set_priority(raw, SD_EVENT_PRIORITY_IDLE); r < 0) return r;
  if (int r = sd_event_source_set_enabled(raw, SD_EVENT_OFF); r < 0) return r;
  (void)sd_event_source_set_description(raw, "io-yield");
  resume_ = std::move(resume);
  return 0;
}

void IoYield::spend(std::size_t amount) noexcept {
  spent_ += amount;
  if (spent_ < budget_) return;
  spent_ = 0;
  yield();
}

void IoYield::yield() noexcept {
  // These only fail without memory or for a loop that is exiting; then the
  // fd simply stays on, which is what it was before.
  if (!resume_ && make_resume_source() < 0) return;
  if (sd_event_source_set_enabled(io_, SD_EVENT_OFF) >= 0)
    (void)sd_event_source_set_enabled(resume_.get(), SD_EVENT_ONESHOT);
}

bool IoYield::yielding() const noexcept {
  int enabled = SD_EVENT_OFF;
  return resume_ && sd_event_source_get_enabled(resume_.get(), &enabled) >= 0 && enabled != SD_EVENT_OFF;
}

int IoYield::on_idle(sd_event_source*, void* userdata) {
  auto* self = static_cast<IoYield*>(userdata);
  (void)sd_event_source_set_enabled(self->io_, SD_EVENT_ON);
  return 0;
}

}  // namespace vermilion
