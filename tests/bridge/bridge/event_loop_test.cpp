// run_event_loop() with a real bus (a private dbus-daemon, through
// sdbus-c++) and a real sd-bus connection as the link. The loop runs in its
// own thread, as the bridge's only thread; the test's clients and the
// link's peer are served from the test's thread. Waits are on replies.
#include "bridge/event_loop.h"

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <sdbus-c++/sdbus-c++.h>

#include <future>
#include <thread>

#include "common/unique_fd.h"
#include "private_bus.h"

namespace vermilion::bridge {
namespace {

using vermilion::testing::connect_bus;
using vermilion::testing::monotonic_ms;
using vermilion::testing::PrivateBus;
using vermilion::testing::SdBusPtr;

// The link's peer: answers Echo(s) -> s, as vermiliond answers link calls.
int echo(sd_bus_message* m, void*, sd_bus_error*) {
  const char* text = nullptr;
  int r = sd_bus_message_read(m, "s", &text);
  if (r < 0) return r;
  return sd_bus_reply_method_return(m, "s", (std::string("echo: ") + text).c_str());
}
const sd_bus_vtable kEchoVtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD("Echo", "s", "s", echo, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_VTABLE_END,
};

int hello(sd_bus_message* m, void*, sd_bus_error*) { return sd_bus_reply_method_return(m, "s", "hello from the link"); }
const sd_bus_vtable kHelloVtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD("Hello", "", "s", hello, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_VTABLE_END,
};

struct Answer {
  bool arrived = false;
  std::string text;  // the reply's string, or the error name
};

int on_answer(sd_bus_message* m, void* userdata, sd_bus_error*) {
  auto* answer = static_cast<Answer*>(userdata);
  answer->arrived = true;
  const char* text = nullptr;
  if (sd_bus_message_is_method_error(m, nullptr))
    answer->text = sd_bus_message_get_error(m)->name;
  else if (sd_bus_message_read(m, "s", &text) >= 0)
    answer->text = text;
  return 0;
}

// Serves `buses` from this thread until done() holds or 10 s pass.
bool serve_until(std::initializer_list<sd_bus*> buses, const std::function<bool()>& done) {
  const long long deadline = monotonic_ms() + 10'000;
  while (!done()) {
    for (sd_bus* b : buses)
      while (sd_bus_process(b, nullptr) > 0) {
      }
    if (done()) break;
    if (monotonic_ms() >= deadline) return false;
    std::vector<pollfd> fds;
    for (sd_bus* b : buses) fds.push_back({sd_bus_get_fd(b), static_cast<short>(sd_bus_get_events(b)), 0});
    poll(fds.data(), fds.size(), 50);
  }
  return true;
}

class EventLoopTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(bus_.ok()) << bus_.error();
    // SIGUSR2 stands for SIGTERM: blocked before the loop's thread starts,
    // so every thread has it blocked and only the signalfd takes it.
    sigset_t usr2;
    sigemptyset(&usr2);
    sigaddset(&usr2, SIGUSR2);
    ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &usr2, &saved_mask_), 0);
    signal_fd_ = unique_fd(signalfd(-1, &usr2, SFD_CLOEXEC | SFD_NONBLOCK));
    ASSERT_TRUE(signal_fd_);
    bridge_bus_ = sdbus::createSessionBusConnectionWithAddress(bus_.address());
  }
  void TearDown() override { pthread_sigmask(SIG_SETMASK, &saved_mask_, nullptr); }

  PrivateBus bus_;
  sigset_t saved_mask_{};
  unique_fd signal_fd_;
  std::unique_ptr<sdbus::IConnection> bridge_bus_;
};

// What the bridge does all day: a bus call becomes a call on the link, and
// the link's reply becomes the bus reply; the link's own objects answer too.
TEST_F(EventLoopTest, ServesBothConnectionsUntilASignal) {
  SdBusPtr link = connect_bus(bus_.address());
  SdBusPtr peer = connect_bus(bus_.address());
  SdBusPtr client = connect_bus(bus_.address());
  ASSERT_TRUE(link && peer && client);
  ASSERT_GE(sd_bus_add_object_vtable(peer.get(), nullptr, "/peer", "org.example.Peer", kEchoVtable, nullptr), 0);
  ASSERT_GE(sd_bus_add_object_vtable(link.get(), nullptr, "/link", "org.example.Link", kHelloVtable, nullptr), 0);
  const char* peer_name = nullptr;
  const char* link_name = nullptr;
  ASSERT_GE(sd_bus_get_unique_name(peer.get(), &peer_name), 0);
  ASSERT_GE(sd_bus_get_unique_name(link.get(), &link_name), 0);
  const std::string peer_unique = peer_name;

  sd_bus* link_bus = link.get();
  auto object = sdbus::createObject(*bridge_bus_, "/bus");
  object->registerMethod("Ping")
      .onInterface("org.example.Bus")
      .implementedAs([link_bus, peer_unique](sdbus::Result<std::string>&& result, std::string text) {
        auto* pending = new sdbus::Result<std::string>(std::move(result));
        int r = sd_bus_call_method_async(
            link_bus, nullptr, peer_unique.c_str(), "/peer", "org.example.Peer", "Echo",
            [](sd_bus_message* m, void* userdata, sd_bus_error*) {
              std::unique_ptr<sdbus::Result<std::string>> reply(static_cast<sdbus::Result<std::string>*>(userdata));
              const char* echoed = nullptr;
              if (sd_bus_message_is_method_error(m, nullptr) || sd_bus_message_read(m, "s", &echoed) < 0)
                reply->returnError(sdbus::Error("org.example.Error", "the link failed"));
              else
                reply->returnResults(std::string(echoed));
              return 0;
            },
            pending, "s", text.c_str());
        if (r < 0) {
          pending->returnError(sdbus::Error("org.example.Error", "cannot call the link"));
          delete pending;
        }
      });
  object->finishRegistration();
  const std::string bridge_unique = bridge_bus_->getUniqueName();

  auto loop = std::async(std::launch::async, [&] { return run_event_loop(*bridge_bus_, link_bus, nullptr, signal_fd_.get()); });

  Answer through_link, from_link;
  // From here on no ASSERT: the loop must be signalled before the future goes.
  EXPECT_GE(sd_bus_call_method_async(client.get(), nullptr, bridge_unique.c_str(), "/bus", "org.example.Bus", "Ping",
                                     on_answer, &through_link, "s", "hi"),
            0);
  EXPECT_GE(sd_bus_call_method_async(client.get(), nullptr, link_name, "/link", "org.example.Link", "Hello", on_answer,
                                     &from_link, ""),
            0);
  EXPECT_TRUE(serve_until({client.get(), peer.get()}, [&] { return through_link.arrived && from_link.arrived; }));
  EXPECT_EQ(through_link.text, "echo: hi");
  EXPECT_EQ(from_link.text, "hello from the link");

  EXPECT_EQ(kill(getpid(), SIGUSR2), 0);
  ASSERT_EQ(loop.wait_for(std::chrono::seconds(10)), std::future_status::ready) << "the signal ends the loop";
  EXPECT_EQ(loop.get(), 0);
}

TEST_F(EventLoopTest, ALinkThatClosesEndsTheLoopWithAnError) {
  fd_pair pair;
  ASSERT_EQ(make_socketpair(pair, AF_UNIX, SOCK_STREAM), 0);
  sd_bus* raw = nullptr;
  ASSERT_GE(sd_bus_new(&raw), 0);
  SdBusPtr link(raw);
  const int fd = pair.first.release();  // sd-bus owns it now
  ASSERT_GE(sd_bus_set_fd(raw, fd, fd), 0);
  ASSERT_GE(sd_bus_set_anonymous(raw, 1), 0);
  ASSERT_GE(sd_bus_start(raw), 0);
  pair.second.reset();  // vermiliond went away

  auto loop = std::async(std::launch::async, [&] { return run_event_loop(*bridge_bus_, raw, nullptr, signal_fd_.get()); });
  ASSERT_EQ(loop.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_LT(loop.get(), 0);
}

}  // namespace
}  // namespace vermilion::bridge
