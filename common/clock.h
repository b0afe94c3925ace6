// Time in microseconds, as systemd counts it (usec_t): monotonic for
// deadlines, realtime for timestamps people read. Shared by the daemon's
// parts and the bridge, so a duration means the same everywhere.
#pragma once

#include <time.h>

#include <cstdint>

namespace vermilion {

using usec_t = std::uint64_t;
inline constexpr usec_t kUsecInfinity = UINT64_MAX;  // "never", "no timeout"
inline constexpr usec_t kUsecPerSec = 1'000'000;

// The clock now in µs (CLOCK_MONOTONIC, CLOCK_REALTIME, ...), read from the
// kernel each time: sd-event's per-iteration cache is stale between
// iterations.
[[nodiscard]] usec_t clock_now_usec(clockid_t clock);

// deadline = now + span, saturating at kUsecInfinity.
[[nodiscard]] inline usec_t deadline_after(usec_t now, usec_t span) {
  return span == kUsecInfinity || now + span < now ? kUsecInfinity : now + span;
}

}  // namespace vermilion
