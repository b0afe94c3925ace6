// Collects the exit statuses of this process's children: only the ones it
// may.
//
// vermiliond's main() makes its process a child subreaper and blocks SIGCHLD
// (process_setup.h): then every child is the supervisor's, orphans that
// services leave behind included, and SIGCHLD + waitid(P_ALL) collects them
// all, so no zombie is ever left (ReapScope::every_child).
//
// A supervisor inside another program (tests, benchmarks) must leave that
// program's own children alone, and must not change its signal mask: it
// watches a pidfd of each process it forked and reaps exactly those, with
// waitid(P_PIDFD) (ReapScope::forked_children). A pidfd becomes readable
// when its process exits; no signal is involved.
#pragma once

#include <sys/types.h>
#include <systemd/sd-event.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>

#include "common/unique_fd.h"
#include "platform/event_source.h"

namespace vermilion {

enum class ReapScope {
  every_child,      // needs a child subreaper with SIGCHLD blocked (main())
  forked_children,  // touches no process-wide state
};

// How a child ended, as waitid(2) reports it.
struct ChildExit {
  pid_t pid = 0;
  int code = 0;    // CLD_EXITED, CLD_KILLED or CLD_DUMPED
  int status = 0;  // exit status, or the signal number
};

class ChildReaper {
 public:
  // Runs from the loop for each child reaped; it must not destroy the reaper
  // (it may fork, and call forked()).
  using OnExit = std::function<void(const ChildExit&)>;

  // Sources get `priority` (sd-event's: lower runs first). every_child needs
  // SIGCHLD blocked in the calling thread (else -EBUSY, from sd-event).
  // Returns 0 or -errno.
  [[nodiscard]] static int create(sd_event* loop, ReapScope scope, std::int64_t priority, OnExit on_exit,
                                  std::unique_ptr<ChildReaper>& out);
  ~ChildReaper();
  ChildReaper(const ChildReaper&) = delete;
  ChildReaper& operator=(const ChildReaper&) = delete;

  // Tells of a child just forked, from the parent, before the loop runs
  // again (an unreaped child's PID cannot be reused, so opening its pidfd
  // here is race-free). every_child: nothing to do. forked_children: the
  // child is watched until it is reaped; should its pidfd not open (fd
  // limit), it is polled every 100 ms instead.
  void forked(pid_t pid) noexcept;

  // forked() for a helper of vermiliond's own (a remover of PrivateTmp=
  // directories), which it waits for before it exits (helpers_running()).
  void forked_helper(pid_t pid) noexcept;
  // Helpers forked and not reaped yet.
  [[nodiscard]] std::size_t helpers_running() const { return helpers_.size(); }

  [[nodiscard]] ReapScope scope() const { return scope_; }
  // forked_children: how many children are still to be reaped.
  [[nodiscard]] std::size_t pending() const { return watched_.size() + polled_.size(); }

 private:
  struct Watched;
  ChildReaper(sd_event* loop, ReapScope scope, std::int64_t priority, OnExit on_exit);

  static int on_sigchld(sd_event_source* source, const struct signalfd_siginfo* info, void* self);
  static int on_pidfd(sd_event_source* source, int fd, std::uint32_t events, void* watched);
  static int on_poll_timer(sd_event_source* source, std::uint64_t usec, void* self);
  void reap_all();
  void reap_watched(pid_t pid);
  void reap_polled();
  void arm_poll_timer();
  void exited(const ChildExit& exit);

  sd_event* loop_;
  ReapScope scope_;
  std::int64_t priority_;
  OnExit on_exit_;
  EventSourcePtr sigchld_;
  std::map<pid_t, std::unique_ptr<Watched>> watched_;  // forked_children, by pidfd
  std::set<pid_t> polled_;                             // forked_children, without a pidfd
  EventSourcePtr poll_timer_;
  std::set<pid_t> helpers_;
};

}  // namespace vermilion
