// One owner per sd-event source. The deleter disables before unref, so once
// the owner is gone its callback can never run, even if sd-event still holds
// a reference while dispatching.
#pragma once

#include <systemd/sd-event.h>

#include <memory>

namespace vermilion {

struct EventSourceDeleter {
  void operator()(sd_event_source* s) const noexcept { sd_event_source_disable_unref(s); }
};
using EventSourcePtr = std::unique_ptr<sd_event_source, EventSourceDeleter>;

struct EventLoopDeleter {
  void operator()(sd_event* e) const noexcept { sd_event_unref(e); }
};
using EventLoopPtr = std::unique_ptr<sd_event, EventLoopDeleter>;

}  // namespace vermilion
