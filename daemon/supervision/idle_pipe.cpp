#include "supervision/idle_pipe.h"

#include <fcntl.h>

namespace vermilion {

void IdlePipe::open() {
  if (is_open()) return;
  fd_pair first, second;
  if (make_pipe(first, O_NONBLOCK) < 0 || make_pipe(second, O_NONBLOCK) < 0) return;
  wait_ = std::move(first.first);
  hang_up_ = std::move(first.second);
  tired_read_ = std::move(second.first);
  tired_write_ = std::move(second.second);
}

void IdlePipe::watch_tired() {
  if (!is_open() || tired_watch_) return;
  // One byte from any waiter ends the wait for all of them.
  tired_watch_ = port_.watch_readable(tired_read_.get(), [this] { close(); });
}

void IdlePipe::close() {
  tired_watch_.reset();
  wait_.reset();
  hang_up_.reset();
  tired_read_.reset();
  tired_write_.reset();
}

std::array<int, 4> IdlePipe::fds() const {
  return {wait_.get(), hang_up_.get(), tired_read_.get(), tired_write_.get()};
}

}  // namespace vermilion
