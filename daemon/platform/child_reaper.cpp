#include "platform/child_reaper.h"

#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>

#include <cerrno>
#include <csignal>
#include <vector>

#include "common/out_of_memory.h"
#include "platform/pidfd.h"

namespace vermilion {
namespace {

// P_PIDFD (Linux 5.4) is in <linux/wait.h> but not in glibc 2.36's idtype_t.
constexpr auto kPidfd = static_cast<idtype_t>(3);
constexpr std::uint64_t kPollIntervalUsec = 100'000;

// A child's status, if it has exited; ECHILD (someone else reaped it) counts
// as a clean exit whose status is lost, as systemd counts a main process that
// is not its child.
bool collect(idtype_t type, id_t id, ChildExit& out) {
  siginfo_t info{};
  if (waitid(type, id, &info, WEXITED | WNOHANG) < 0) {
    if (errno != ECHILD) return false;
    out.code = CLD_EXITED;
    out.status = 0;
    return true;
  }
  if (info.si_pid == 0) return false;  // still running
  out.code = info.si_code;
  out.status = info.si_status;
  return true;
}

}  // namespace

struct ChildReaper::Watched {
  ChildReaper* owner = nullptr;
  pid_t pid = 0;
  unique_fd pidfd;
  EventSourcePtr source;
};

ChildReaper::ChildReaper(sd_event* loop, ReapScope scope, std::int64_t priority, OnExit on_exit)
    : loop_(loop), scope_(scope), priority_(priority), on_exit_(std::move(on_exit)) {}

ChildReaper::~ChildReaper() = default;

int ChildReaper::create(sd_event* loop, ReapScope scope, std::int64_t priority, OnExit on_exit,
                        std::unique_ptr<ChildReaper>& out) {
  std::unique_ptr<ChildReaper> reaper(new ChildReaper(loop, scope, priority, std::move(on_exit)));
  if (scope == ReapScope::every_child) {
    sd_event_source* source = nullptr;
    if (int r = sd_event_add_signal(loop, &source, SIGCHLD, &ChildReaper::on_sigchld, reaper.get()); r < 0)
      return r;
    reaper->sigchld_.reset(source);
    if (int r = sd_event_source_set_priority(source, priority); r < 0) return r;
  }
  out = std::move(reaper);
  return 0;
}

void ChildReaper::forked(pid_t pid) noexcept {
  drop_if_out_of_memory("a new child", [&] {
    if (scope_ == ReapScope::every_child || pid <= 0) return;
    auto watched = std::make_unique<Watched>();
    watched->owner = this;
    watched->pid = pid;
    watched->pidfd.reset(pidfd_open(pid, 0));
    sd_event_source* source = nullptr;
    if (watched->pidfd && sd_event_add_io(loop_, &source, watched->pidfd.get(), EPOLLIN, &ChildReaper::on_pidfd,
                                          watched.get()) >= 0) {
      watched->source.reset(source);
      sd_event_source_set_priority(source, priority_);
      watched_[pid] = std::move(watched);
      return;
    }
    polled_.insert(pid);
    arm_poll_timer();
  });
}

void ChildReaper::forked_helper(pid_t pid) noexcept {
  drop_if_out_of_memory("a new helper", [&] {
    if (pid > 0) helpers_.insert(pid);
  });
  forked(pid);
}

void ChildReaper::exited(const ChildExit& exit) {
  helpers_.erase(exit.pid);
  on_exit_(exit);
}

int ChildReaper::on_sigchld(sd_event_source*, const struct signalfd_siginfo*, void* self) {
  return event_guard("a child's exit", [&] {
    // Signals coalesce: one SIGCHLD may stand for many exits.
    static_cast<ChildReaper*>(self)->reap_all();
    return 0;
  });
}

void ChildReaper::reap_all() {
  for (;;) {
    siginfo_t info{};
    if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG) < 0 || info.si_pid == 0) return;
    exited(ChildExit{info.si_pid, info.si_code, info.si_status});
  }
}

int ChildReaper::on_pidfd(sd_event_source*, int, std::uint32_t, void* userdata) {
  return event_guard("a child's exit", [&] {
    auto* watched = static_cast<Watched*>(userdata);
    watched->owner->reap_watched(watched->pid);
    return 0;
  });
}

void ChildReaper::reap_watched(pid_t pid) {
  auto it = watched_.find(pid);
  if (it == watched_.end()) return;
  ChildExit exit{pid};
  const bool collected = collect(kPidfd, static_cast<id_t>(it->second->pidfd.get()), exit);
  // Gone before on_exit runs: it may fork a child that gets this PID again.
  // (sd-event allows a source to be freed from its own callback.)
  watched_.erase(it);
  if (collected) {
    exited(exit);
    return;
  }
  // Readable, yet nothing to collect (a kernel without P_PIDFD): a
  // level-triggered watch would fire forever, so poll by PID instead.
  polled_.insert(pid);
  arm_poll_timer();
}

void ChildReaper::arm_poll_timer() {
  std::uint64_t now = 0;
  sd_event_now(loop_, CLOCK_MONOTONIC, &now);
  if (!poll_timer_) {
    sd_event_source* source = nullptr;
    if (sd_event_add_time(loop_, &source, CLOCK_MONOTONIC, now + kPollIntervalUsec, 0,
                          &ChildReaper::on_poll_timer, this) < 0)
      return;  // only ENOMEM: the child is reaped with the next one's exit
    poll_timer_.reset(source);
    sd_event_source_set_priority(source, priority_);
  } else {
    sd_event_source_set_time(poll_timer_.get(), now + kPollIntervalUsec);
  }
  sd_event_source_set_enabled(poll_timer_.get(), SD_EVENT_ONESHOT);
}

int ChildReaper::on_poll_timer(sd_event_source*, std::uint64_t, void* self) {
  return event_guard("a child's exit", [&] {
    auto* reaper = static_cast<ChildReaper*>(self);
    reaper->reap_polled();
    if (!reaper->polled_.empty()) reaper->arm_poll_timer();
    return 0;
  });
}

void ChildReaper::reap_polled() {
  std::vector<ChildExit> exits;
  for (auto it = polled_.begin(); it != polled_.end();) {
    ChildExit exit{*it};
    if (collect(P_PID, static_cast<id_t>(*it), exit)) {
      exits.push_back(exit);
      it = polled_.erase(it);
    } else {
      ++it;
    }
  }
  // After the loop: on_exit may fork, and add to polled_.
  for (const ChildExit& exit : exits) exited(exit);
}

}  // namespace vermilion
