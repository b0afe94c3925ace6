// The bridge's end of its private link against a small vermiliond: a real
// sd-bus peer-to-peer server on the other end of a socketpair, run by a
// thread of its own (BrokerLink::connect blocks on ListCapabilities, so the
// server cannot share the test's thread). The server answers with
// common/link_wire, as vermiliond does, and can hold calls unanswered to
// show the link's limits. Every wait is on an event, with a deadline.
#include "link_client/broker_link.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <systemd/sd-id128.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/error_names.h"
#include "common/link_wire.h"
#include "common/unique_fd.h"
#include "loop_wait.h"

namespace vermilion::bridge {
namespace {

using testing::monotonic_usec;

constexpr std::uint64_t kDeadlineUsec = 10'000'000;

ServiceStatus web_status() {
  ServiceStatus s;
  s.name = "web.service";
  s.description = "The web server";
  s.load_state = "loaded";
  s.active_state = "active";
  s.sub_state = "running";
  s.result = "success";
  s.main_pid = 4242;
  s.n_restarts = 2;
  s.active_enter_timestamp = 1700000000000000u;
  return s;
}

std::vector<CapabilityRow> bridge_clist() {
  return {
      {1, CapabilityKind::service, "web-*.service", rights::status | rights::start | rights::restart, 0,
       "/org/vermilion1/link/cap/1"},
      {2, CapabilityKind::manager, "", rights::list | rights::watch, 0, "/org/vermilion1/link/cap/2"},
  };
}

// The other end of the link. Calls on capability paths: "Fail" is answered
// with NoSuchService, "ListServiceProperties" with {web_status()}, members
// in `held` are kept unanswered until release(), anything else gets an
// empty reply.
class FakeVermiliond {
 public:
  using Reply = std::function<int(sd_bus_message* reply)>;

  // `clist` fills ListCapabilities's reply.
  explicit FakeVermiliond(Reply clist) : clist_(std::move(clist)) {
    fd_pair pair;
    EXPECT_EQ(make_socketpair(pair, AF_UNIX, SOCK_STREAM), 0);
    client_ = std::move(pair.first);
    wake_ = unique_fd(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    std::promise<int> started;
    auto ready = started.get_future();
    thread_ = std::thread([this, server = std::move(pair.second), started = std::move(started)]() mutable {
      started.set_value(start(std::move(server)));
      serve();
    });
    EXPECT_GE(ready.get(), 0);
  }
  ~FakeVermiliond() {
    run([this](sd_bus*) { stopping_ = true; });
    thread_.join();
    for (sd_bus_message* m : held_calls_) sd_bus_message_unref(m);
    sd_bus_flush_close_unref(bus_);
  }

  // The bridge's end, for BrokerLink::connect (which takes it).
  int take_client_fd() { return client_.release(); }

  // Runs `work` on the server's thread and returns once it has run.
  void run(std::function<void(sd_bus*)> work) {
    std::packaged_task<void()> task([this, work = std::move(work)] { work(bus_); });
    auto finished = task.get_future();
    {
      std::lock_guard lock(mutex_);
      tasks_.push_back(std::move(task));
    }
    uint64_t one = 1;
    EXPECT_EQ(write(wake_.get(), &one, sizeof one), static_cast<ssize_t>(sizeof one));
    finished.wait();
  }
  // Sends a Link signal whose body `fill` appends.
  void emit(const char* member, const Reply& fill) {
    run([&](sd_bus* bus) {
      sd_bus_message* m = nullptr;
      ASSERT_GE(sd_bus_message_new_signal(bus, &m, kLinkPath, kLinkInterface, member), 0);
      ASSERT_GE(fill(m), 0);
      ASSERT_GE(sd_bus_send(bus, m, nullptr), 0);
      sd_bus_message_unref(m);
    });
  }
  void hold(std::string member) {
    run([&](sd_bus*) { held_members_.push_back(member); });
  }
  // Waits until `n` calls are held; false after the deadline.
  bool wait_held(std::size_t n) {
    std::unique_lock lock(mutex_);
    return held_changed_.wait_for(lock, std::chrono::microseconds(kDeadlineUsec),
                                  [&] { return held_count_ >= n; });
  }
  std::size_t held() {
    std::lock_guard lock(mutex_);
    return held_count_;
  }
  // Answers every held call, oldest first, with an empty reply.
  void release() {
    run([this](sd_bus*) {
      for (sd_bus_message* m : held_calls_) {
        EXPECT_GE(sd_bus_reply_method_return(m, ""), 0);
        sd_bus_message_unref(m);
      }
      held_calls_.clear();
      std::lock_guard lock(mutex_);
      held_count_ = 0;
    });
  }
  // Hangs up, as a vermiliond that exits does.
  void hang_up() {
    run([](sd_bus* bus) { sd_bus_close(bus); });
  }

 private:
  int start(unique_fd server) {
    int r = sd_bus_new(&bus_);
    if (r < 0) return r;
    sd_id128_t id;
    if ((r = sd_id128_randomize(&id)) < 0) return r;
    int fd = server.release();
    if ((r = sd_bus_set_fd(bus_, fd, fd)) < 0) return r;
    if ((r = sd_bus_set_server(bus_, 1, id)) < 0) return r;
    if ((r = sd_bus_set_anonymous(bus_, 1)) < 0) return r;
    if ((r = sd_bus_add_object(bus_, nullptr, kLinkPath, &FakeVermiliond::on_root, this)) < 0) return r;
    if ((r = sd_bus_add_fallback(bus_, nullptr, kCapabilityPathPrefix, &FakeVermiliond::on_capability, this)) < 0)
      return r;
    return sd_bus_start(bus_);
  }
  void serve() {
    while (!stopping_) {
      int r = 0;
      while (sd_bus_is_open(bus_) > 0 && (r = sd_bus_process(bus_, nullptr)) > 0) {
      }
      bool open = sd_bus_is_open(bus_) > 0;
      pollfd fds[2] = {{wake_.get(), POLLIN, 0}, {open ? sd_bus_get_fd(bus_) : -1, 0, 0}};
      if (open) fds[1].events = static_cast<short>(sd_bus_get_events(bus_));
      uint64_t until = UINT64_MAX;
      int timeout_ms = -1;
      if (open && sd_bus_get_timeout(bus_, &until) >= 0 && until != UINT64_MAX) {
        uint64_t now = monotonic_usec();
        timeout_ms = until > now ? static_cast<int>((until - now + 999) / 1000) : 0;
      }
      poll(fds, 2, timeout_ms);
      uint64_t count = 0;
      if (read(wake_.get(), &count, sizeof count) > 0) {
        std::deque<std::packaged_task<void()>> tasks;
        {
          std::lock_guard lock(mutex_);
          tasks.swap(tasks_);
        }
        for (auto& task : tasks) task();
      }
    }
  }
  static int on_root(sd_bus_message* m, void* userdata, sd_bus_error*) {
    auto* self = static_cast<FakeVermiliond*>(userdata);
    if (sd_bus_message_is_method_call(m, kLinkInterface, "ListCapabilities") <= 0) return 0;
    sd_bus_message* reply = nullptr;
    int r = sd_bus_message_new_method_return(m, &reply);
    if (r >= 0) r = self->clist_(reply);
    if (r >= 0) r = sd_bus_send(nullptr, reply, nullptr);
    sd_bus_message_unref(reply);
    return r < 0 ? r : 1;
  }
  static int on_capability(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    auto* self = static_cast<FakeVermiliond*>(userdata);
    std::string member = sd_bus_message_get_member(m) ? sd_bus_message_get_member(m) : "";
    for (const std::string& held : self->held_members_) {
      if (member != held) continue;
      self->held_calls_.push_back(sd_bus_message_ref(m));
      std::lock_guard lock(self->mutex_);
      ++self->held_count_;
      self->held_changed_.notify_all();
      return 1;
    }
    if (member == "Fail") return sd_bus_error_set(error, error_names::kNoSuchService, "no service nosuch.service");
    if (member == "ListServiceProperties") {
      sd_bus_message* reply = nullptr;
      int r = sd_bus_message_new_method_return(m, &reply);
      if (r >= 0) r = append_service_table(reply, {web_status()});
      if (r >= 0) r = sd_bus_send(nullptr, reply, nullptr);
      sd_bus_message_unref(reply);
      return r < 0 ? r : 1;
    }
    return sd_bus_reply_method_return(m, "");
  }

  Reply clist_;
  unique_fd client_;
  unique_fd wake_;
  sd_bus* bus_ = nullptr;  // used on the server's thread only, after start
  std::thread thread_;
  bool stopping_ = false;
  std::vector<std::string> held_members_;
  std::vector<sd_bus_message*> held_calls_;
  std::mutex mutex_;  // guards what follows
  std::deque<std::packaged_task<void()>> tasks_;
  std::size_t held_count_ = 0;
  std::condition_variable held_changed_;
};

class RecordingListener final : public BrokerLinkListener {
 public:
  void on_service_properties(ServiceStatus properties) noexcept override { properties_.push_back(properties); }
  void on_service_state(const std::string& name, const std::string& active_state,
                        const std::string& sub_state) noexcept override {
    states_.push_back(name + " " + active_state + "/" + sub_state);
  }
  void on_reloaded() noexcept override { ++reloads_; }

  std::vector<ServiceStatus> properties_;
  std::vector<std::string> states_;
  int reloads_ = 0;
};

class BrokerLinkTest : public ::testing::Test {
 protected:
  // Connects the link to a server whose CList is `clist`.
  void connect(FakeVermiliond::Reply clist = [](sd_bus_message* m) { return append_capabilities(m, bridge_clist()); }) {
    server_ = std::make_unique<FakeVermiliond>(std::move(clist));
    ASSERT_EQ(BrokerLink::connect(server_->take_client_fd(), listener_, link_), 0);
  }
  // Dispatches what the server sent until done() holds; false after the deadline.
  bool pump_until(const std::function<bool()>& done) {
    const uint64_t deadline = monotonic_usec() + kDeadlineUsec;
    while (!done()) {
      uint64_t now = monotonic_usec();
      if (now >= deadline) return false;
      int r = sd_bus_process(link_->bus(), nullptr);
      if (r < 0) return done();
      if (r == 0) (void)sd_bus_wait(link_->bus(), deadline - now);
    }
    return true;
  }
  // Every call the link has made so far has reached the server: a blocking
  // call behind them is answered only after they were read.
  void sync() {
    ASSERT_GE(sd_bus_flush(link_->bus()), 0);
    SdBusMessagePtr reply;
    LinkError error;
    ASSERT_GE(link_->call_blocking(link_->capabilities().at(2), kManagerCapabilityInterface, "Ping", reply, error), 0)
        << error.name;
  }
  const HeldCapability& service() { return link_->capabilities().at(1); }
  const HeldCapability& manager() { return link_->capabilities().at(2); }

  RecordingListener listener_;
  std::unique_ptr<FakeVermiliond> server_;
  std::unique_ptr<BrokerLink> link_;
};

TEST_F(BrokerLinkTest, ConnectReadsTheCListAndFindsTheCapabilityForARequest) {
  connect();
  ASSERT_EQ(link_->capabilities().size(), 2u);
  EXPECT_EQ(link_->capabilities().at(1), bridge_clist()[0]);
  EXPECT_EQ(link_->capabilities().at(2), bridge_clist()[1]);
  const HeldCapability* restart = link_->service_capability("web-1.service", rights::restart);
  ASSERT_NE(restart, nullptr);
  EXPECT_EQ(restart->slot, 1u);
  EXPECT_EQ(link_->service_capability("db.service", rights::status), nullptr) << "not covered by the glob";
  EXPECT_EQ(link_->service_capability("web-1.service", rights::kill), nullptr) << "a right it does not carry";
  ASSERT_NE(link_->manager_capability(rights::watch), nullptr);
  EXPECT_EQ(link_->manager_capability(rights::watch)->slot, 2u);
  EXPECT_EQ(link_->manager_capability(rights::reload), nullptr);
}

TEST_F(BrokerLinkTest, ConnectFailsOnACListItCannotRead) {
  server_ = std::make_unique<FakeVermiliond>([](sd_bus_message* m) {
    return sd_bus_message_append(m, "a(usssto)", 1, 1, "timer", "x", "", uint64_t{0}, "/org/vermilion1/link/cap/1");
  });
  EXPECT_EQ(BrokerLink::connect(server_->take_client_fd(), listener_, link_), -EBADMSG);
  EXPECT_EQ(link_, nullptr);
}

TEST_F(BrokerLinkTest, TheCListFollowsCapabilityReceivedAndRevoked) {
  connect();
  CapabilityRow granted{7, CapabilityKind::endpoint, "db.service", rights::connect, 3, "/org/vermilion1/link/cap/7"};
  server_->emit("CapabilityReceived", [&](sd_bus_message* m) { return append_capability(m, granted); });
  ASSERT_TRUE(pump_until([&] { return link_->capabilities().contains(7); }));
  EXPECT_EQ(link_->capabilities().at(7), granted);
  server_->emit("Revoked", [](sd_bus_message* m) { return sd_bus_message_append(m, "u", 1); });
  ASSERT_TRUE(pump_until([&] { return !link_->capabilities().contains(1); }));
  EXPECT_EQ(link_->service_capability("web-1.service", rights::status), nullptr);
  EXPECT_EQ(link_->capabilities().size(), 2u);
}

TEST_F(BrokerLinkTest, WatchSignalsReachTheListenerInOrder) {
  connect();
  ServiceStatus web = web_status();
  server_->emit("ServicePropertiesChanged",
                [&](sd_bus_message* m) { return append_service_properties_changed(m, web); });
  server_->emit("ServiceStateChanged", [&](sd_bus_message* m) { return append_service_state_changed(m, web); });
  server_->emit("Reloaded", [](sd_bus_message*) { return 0; });
  ASSERT_TRUE(pump_until([&] { return listener_.reloads_ == 1; }));
  ASSERT_EQ(listener_.properties_.size(), 1u);
  EXPECT_EQ(listener_.properties_[0], web) << "every property, as vermiliond sent it";
  EXPECT_EQ(listener_.states_, std::vector<std::string>{"web.service active/running"});
}

TEST_F(BrokerLinkTest, AMalformedSignalIsDroppedAndTheNextOneStillArrives) {
  connect();
  server_->emit("ServicePropertiesChanged", [](sd_bus_message* m) {
    return sd_bus_message_append(m, "sa{sv}", "web.service", 1, "MainPID", "s", "not a number");
  });
  server_->emit("ServiceStateChanged", [](sd_bus_message* m) { return sd_bus_message_append(m, "s", "web.service"); });
  ServiceStatus web = web_status();
  server_->emit("ServicePropertiesChanged",
                [&](sd_bus_message* m) { return append_service_properties_changed(m, web); });
  ASSERT_TRUE(pump_until([&] { return !listener_.properties_.empty(); }));
  EXPECT_EQ(listener_.properties_, std::vector<ServiceStatus>{web});
  EXPECT_TRUE(listener_.states_.empty());
}

TEST_F(BrokerLinkTest, RepliesAndErrorsReachTheirHandlers) {
  connect();
  std::vector<ServiceStatus> table;
  int read = 1;
  link_->call(manager(), kManagerCapabilityInterface, "ListServiceProperties", nullptr,
              [&](sd_bus_message* reply, const LinkError* error) {
                ASSERT_EQ(error, nullptr) << error->name;
                read = read_service_table(reply, table);
              });
  std::optional<LinkError> failure;
  link_->call(
      service(), kServiceCapabilityInterface, "Fail",
      [](sd_bus_message* m) { return sd_bus_message_append(m, "s", "nosuch"); },
      [&](sd_bus_message* reply, const LinkError* error) {
        EXPECT_EQ(reply, nullptr);
        ASSERT_NE(error, nullptr);
        failure = *error;
      });
  ASSERT_TRUE(pump_until([&] { return read != 1 && failure; }));
  EXPECT_EQ(read, 0);
  EXPECT_EQ(table, std::vector<ServiceStatus>{web_status()});
  EXPECT_EQ(failure->name, error_names::kNoSuchService);
  EXPECT_EQ(failure->message, "no service nosuch.service");
  EXPECT_EQ(link_->queries_in_flight(), 0u);
}

TEST_F(BrokerLinkTest, QueriesBeyondTheInFlightLimitWaitTheirTurnInOrder) {
  connect();
  server_->hold("ListServices");
  constexpr std::size_t kCalls = BrokerLink::kMaxQueriesInFlight + 4;
  std::vector<std::size_t> answered;
  for (std::size_t i = 0; i < kCalls; ++i) {
    link_->call(manager(), kManagerCapabilityInterface, "ListServices", nullptr,
                [&answered, i](sd_bus_message*, const LinkError* error) {
                  EXPECT_EQ(error, nullptr);
                  answered.push_back(i);
                });
  }
  sync();
  EXPECT_EQ(server_->held(), BrokerLink::kMaxQueriesInFlight) << "the rest wait in the bridge, not in vermiliond";
  EXPECT_EQ(link_->queries_in_flight(), BrokerLink::kMaxQueriesInFlight);
  server_->release();
  // Each reply lets one waiting query go.
  ASSERT_TRUE(pump_until([&] { return answered.size() == BrokerLink::kMaxQueriesInFlight; }));
  sync();
  EXPECT_EQ(server_->held(), kCalls - BrokerLink::kMaxQueriesInFlight);
  server_->release();
  ASSERT_TRUE(pump_until([&] { return answered.size() == kCalls; }));
  std::vector<std::size_t> in_order(kCalls);
  for (std::size_t i = 0; i < kCalls; ++i) in_order[i] = i;
  EXPECT_EQ(answered, in_order);
  EXPECT_EQ(link_->queries_in_flight(), 0u);
}

TEST_F(BrokerLinkTest, JobsBeyondTheLimitAreRefusedAtOnceAndHoldUpNoQuery) {
  connect();
  server_->hold("Start");
  int done = 0;
  for (std::size_t i = 0; i < BrokerLink::kMaxJobsInFlight; ++i) {
    link_->call(
        service(), kServiceCapabilityInterface, "Start",
        [](sd_bus_message* m) { return sd_bus_message_append(m, "s", "web-1.service"); },
        [&](sd_bus_message*, const LinkError* error) {
          EXPECT_EQ(error, nullptr);
          ++done;
        },
        BrokerLink::CallKind::job);
  }
  EXPECT_EQ(link_->jobs_in_flight(), BrokerLink::kMaxJobsInFlight);
  std::optional<LinkError> refused;
  link_->call(
      service(), kServiceCapabilityInterface, "Start", nullptr,
      [&](sd_bus_message*, const LinkError* error) {
        ASSERT_NE(error, nullptr);
        refused = *error;
      },
      BrokerLink::CallKind::job);
  ASSERT_TRUE(refused) << "refused within call(), not queued";
  EXPECT_EQ(refused->name, error_names::kLimitsExceeded);

  bool queried = false;
  link_->call(manager(), kManagerCapabilityInterface, "Watch", nullptr,
              [&](sd_bus_message*, const LinkError* error) { queried = error == nullptr; });
  ASSERT_TRUE(pump_until([&] { return queried; })) << "a query passes the jobs that wait";
  ASSERT_TRUE(server_->wait_held(BrokerLink::kMaxJobsInFlight));
  server_->release();
  ASSERT_TRUE(pump_until([&] { return done == static_cast<int>(BrokerLink::kMaxJobsInFlight); }));
  EXPECT_EQ(link_->jobs_in_flight(), 0u);
}

TEST_F(BrokerLinkTest, AClosedLinkFailsEveryPendingCall) {
  connect();
  server_->hold("Start");
  server_->hold("ListServices");
  std::vector<std::string> errors;
  auto record = [&](sd_bus_message*, const LinkError* error) { errors.push_back(error ? error->name : "reply"); };
  link_->call(service(), kServiceCapabilityInterface, "Start", nullptr, record, BrokerLink::CallKind::job);
  link_->call(manager(), kManagerCapabilityInterface, "ListServices", nullptr, record);
  sync();
  ASSERT_EQ(server_->held(), 2u);
  server_->hang_up();
  ASSERT_TRUE(pump_until([&] { return errors.size() == 2; }));
  for (const std::string& name : errors) EXPECT_NE(name, "reply");
  EXPECT_EQ(link_->jobs_in_flight(), 0u);
  EXPECT_EQ(link_->queries_in_flight(), 0u);
}

}  // namespace
}  // namespace vermilion::bridge
