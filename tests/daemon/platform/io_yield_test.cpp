#include "platform/io_yield.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "common/unique_fd.h"

namespace vermilion {
namespace {

// A pipe that never empties (one byte read per turn, far more written) at a
// high priority, and an eventfd at the normal one: without yielding, sd-event
// would dispatch the pipe every turn and never the eventfd.
constexpr std::size_t kBudget = 3;

struct Busy {
  EventLoopPtr loop;
  unique_fd read_end, write_end, event;
  EventSourcePtr pipe_source, event_source;
  std::unique_ptr<IoYield> yield;
  bool spend = true;
  int pipe_turns = 0, event_turns = 0;

  Busy() {
    sd_event* raw = nullptr;
    EXPECT_GE(sd_event_new(&raw), 0);
    loop.reset(raw);
    fd_pair pipe;
    EXPECT_EQ(make_pipe(pipe, O_NONBLOCK), 0);
    read_end = std::move(pipe.first);
    write_end = std::move(pipe.second);
    std::string data(4096, 'x');
    EXPECT_EQ(::write(write_end.get(), data.data(), data.size()), 4096);
    event.reset(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    sd_event_source* s = nullptr;
    EXPECT_GE(sd_event_add_io(loop.get(), &s, read_end.get(), EPOLLIN, &Busy::on_pipe, this), 0);
    pipe_source.reset(s);
    EXPECT_GE(sd_event_source_set_priority(s, SD_EVENT_PRIORITY_IMPORTANT), 0);
    EXPECT_EQ(IoYield::create(loop.get(), s, kBudget, yield), 0);
    EXPECT_GE(sd_event_add_io(loop.get(), &s, event.get(), EPOLLIN, &Busy::on_event, this), 0);
    event_source.reset(s);
  }
  static int on_pipe(sd_event_source*, int fd, uint32_t, void* userdata) {
    auto* self = static_cast<Busy*>(userdata);
    char c;
    (void)::read(fd, &c, 1);
    ++self->pipe_turns;
    if (self->spend) self->yield->spend(1);
    return 0;
  }
  static int on_event(sd_event_source*, int fd, uint32_t, void* userdata) {
    std::uint64_t value;
    (void)::read(fd, &value, sizeof value);
    ++static_cast<Busy*>(userdata)->event_turns;
    return 0;
  }
  void signal_event() {
    std::uint64_t one = 1;
    ASSERT_EQ(::write(event.get(), &one, sizeof one), 8);
  }
  void turns(int n) {
    for (int i = 0; i < n; ++i) ASSERT_GE(sd_event_run(loop.get(), 0), 0);
  }
};

TEST(IoYield, WithoutYieldingABusyFdShutsOutTheRest) {
  Busy busy;
  busy.spend = false;
  busy.signal_event();
  busy.turns(50);
  EXPECT_EQ(busy.event_turns, 0) << "the problem IoYield solves";
  EXPECT_EQ(busy.pipe_turns, 50);
}

TEST(IoYield, AtTheBudgetEveryOtherPendingEventGoesFirst) {
  Busy busy;
  busy.signal_event();
  busy.turns(static_cast<int>(kBudget));
  EXPECT_EQ(busy.pipe_turns, static_cast<int>(kBudget));
  EXPECT_TRUE(busy.yield->yielding());
  EXPECT_EQ(busy.event_turns, 0);
  busy.turns(1);
  EXPECT_EQ(busy.event_turns, 1) << "the lower-priority event ran before the busy fd's next turn";
  EXPECT_EQ(busy.pipe_turns, static_cast<int>(kBudget));
}

TEST(IoYield, AnOtherwiseIdleLoopKeepsServingTheBusyFd) {
  Busy busy;
  // Each budget's worth of turns is followed by one that switches it back on.
  busy.turns(100 * static_cast<int>(kBudget + 1));
  EXPECT_EQ(busy.pipe_turns, 100 * static_cast<int>(kBudget));
}

}  // namespace
}  // namespace vermilion
