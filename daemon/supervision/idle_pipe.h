// Type=idle's wait (systemd.service(5)): the processes of an idle service
// wait, before they set anything up, until the manager has no job left, so
// that their output does not interleave with the start of the others; at
// most 5 s, then they say so and go ahead.
//
// As systemd 252's manager idle_pipe: two pipes. The manager holds the
// write end of the first and the read end of the second; a waiting process
// the other two. The manager closes its ends when the last job is done
// (manager_check_finished()), which the waiting processes see as a hang-up
// on the first pipe. A process tired of waiting writes to the second and
// waits 1 s more; only while a service may be on the console does the
// manager listen there (manager_watch_idle_pipe()), and then closes the
// pipes for every waiter (manager_dispatch_idle_pipe_fd()). A new job
// makes a new pair (transaction_activate()).
#pragma once

#include <array>
#include <memory>

#include "common/unique_fd.h"
#include "platform/event_port.h"

namespace vermilion {

class IdlePipe {
 public:
  explicit IdlePipe(EventPort& port) : port_(port) {}

  // Makes the pipes unless they are open. Failing to leaves them closed
  // (an idle process then waits for nothing): the wait is cosmetic.
  void open();
  // Listens for a tired waiter (once), while open: one byte closes the pipes.
  void watch_tired();
  // Closes the manager's ends: every waiting process goes ahead.
  void close();
  [[nodiscard]] bool is_open() const { return wait_.valid(); }

  // For a spawn (systemd's idle_pipe[4] order): the waiting end, the
  // manager's end of the first pipe, the manager's end of the second, the
  // end to say "tired of waiting" on; all -1 when closed. Every child
  // closes its copies of the manager's two at once (or the wait would
  // never end); only an idle service's waits on the others.
  [[nodiscard]] std::array<int, 4> fds() const;

 private:
  EventPort& port_;
  unique_fd wait_, hang_up_, tired_read_, tired_write_;
  std::unique_ptr<FdWatch> tired_watch_;
};

}  // namespace vermilion
