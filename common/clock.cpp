#include "common/clock.h"

namespace vermilion {

usec_t clock_now_usec(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<usec_t>(ts.tv_sec) * kUsecPerSec + static_cast<usec_t>(ts.tv_nsec) / 1000;
}

}  // namespace vermilion
