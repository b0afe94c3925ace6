#include "platform/io_yield.h"

namespace vermilion {

int IoYield::create(sd_event* loop, sd_event_source* io, std::size_t budget, std::unique_ptr<IoYield>& out) {
  std::unique_ptr<IoYield> self(new IoYield(io, budget));
  sd_event_source* raw = nullptr;
  if (int r = sd_event_add_defer(loop, &raw, &IoYield::on_idle, self.get()); r < 0) return r;
  self->resume_.reset(raw);
  if (int r = sd_event_source_set_priority(raw, SD_EVENT_PRIORITY_IDLE); r < 0) return r;
  if (int r = sd_event_source_set_enabled(raw, SD_EVENT_OFF); r < 0) return r;
  (void)sd_event_source_set_description(raw, "io-yield");
  out = std::move(self);
  return 0;
}

void IoYield::spend(std::size_t amount) noexcept {
  spent_ += amount;
  if (spent_ < budget_) return;
  spent_ = 0;
  yield();
}

void IoYield::yield() noexcept {
  // Both calls only fail for a source of a loop that is exiting; then the
  // fd simply stays on, which is what it was before.
  if (sd_event_source_set_enabled(io_, SD_EVENT_OFF) >= 0)
    (void)sd_event_source_set_enabled(resume_.get(), SD_EVENT_ONESHOT);
}

bool IoYield::yielding() const noexcept {
  int enabled = SD_EVENT_OFF;
  return sd_event_source_get_enabled(resume_.get(), &enabled) >= 0 && enabled != SD_EVENT_OFF;
}

int IoYield::on_idle(sd_event_source*, void* userdata) {
  auto* self = static_cast<IoYield*>(userdata);
  (void)sd_event_source_set_enabled(self->io_, SD_EVENT_ON);
  return 0;
}

}  // namespace vermilion
