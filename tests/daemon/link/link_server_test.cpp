// LinkServer on a socketpair, driven by its own sd-event loop in this
// process, with the client's bytes written by hand so that their timing is
// fixed rather than left to the scheduler.
#include "link/link_server.h"
#include "dbus_bytes.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <vector>
#include <string>

namespace vermilion {
namespace {

class NoServices final : public ServiceControl {
 public:
  std::optional<ServiceStatus> status(const std::string&) override { return std::nullopt; }
  std::vector<ServiceStatus> list() override { return {}; }
  // web.service's jobs wait until the test ends them.
  EnqueueResult enqueue(JobType, const std::string& name, std::function<void(JobResult)> done, JobMode) override {
    if (name != "web.service") return {EnqueueOutcome::not_found, name};
    jobs.push_back(std::move(done));
    return {};
  }
  std::vector<std::function<void(JobResult)>> jobs;
  int kill(const std::string&, int) override { return -ESRCH; }
  std::vector<LogLine> logs(const std::string&, std::size_t) override { return {}; }
  void reload_units(std::function<void()> done) override { done(); }
  // No unit files here: enablement finds none.
  int change_unit_files(UnitFileOperation, const std::vector<std::string>&, std::vector<InstallChange>&,
                        Diagnostics&) override {
    return -ENOENT;
  }
  std::optional<UnitFileState> unit_file_state(const std::string&) override { return std::nullopt; }
  int default_target(std::string&) override { return -ENOENT; }
  int processes(const std::string&, std::vector<pid_t>&) override { return -ENOENT; }
  std::map<std::string, UnitFileState> unit_files() override { return {}; }
  std::vector<std::pair<std::string, UnitFileState>> unit_file_paths() override { return {}; }
  int reset_failed(const std::string&) override { return -ENOENT; }
};

class LinkServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sd_event_new(&loop_), 0);
    PolicyGrant g;
    g.to = "panel.service";
    g.kind = CapabilityKind::service;
    g.object = "web.service";
    g.rights = rights::status | rights::restart;
    PolicySet policy;
    policy.grants.push_back(g);
    broker_.apply_policy(policy);
    fd_pair pair;
    ASSERT_EQ(make_socketpair(pair, AF_UNIX, SOCK_STREAM), 0);
    client_ = std::move(pair.first);
    ASSERT_EQ(LinkServer::create(loop_, broker_, "panel.service", std::move(pair.second),
                                 [this](LinkServer&, const std::string&) { closed_ = true; }, link_),
              0);
  }
  void TearDown() override {
    link_.reset();
    sd_event_unref(loop_);
  }

  // Runs the loop, collecting what the server sends, until `text` is in it or
  // five seconds pass.
  bool run_until_received(const std::string& text) {
    for (int i = 0; i < 500 && received_.find(text) == std::string::npos; ++i) {
      if (sd_event_run(loop_, 10'000) < 0) return false;
      pollfd p{client_.get(), POLLIN, 0};
      while (poll(&p, 1, 0) > 0 && (p.revents & POLLIN)) {
        char buf[4096];
        ssize_t n = read(client_.get(), buf, sizeof buf);
        if (n <= 0) break;
        received_.append(buf, static_cast<std::size_t>(n));
      }
    }
    return received_.find(text) != std::string::npos;
  }

  // Authenticates as a child would.
  void authenticate() {
    std::string auth(kAuth, sizeof kAuth - 1);
    ASSERT_EQ(write(client_.get(), auth.data(), auth.size()), static_cast<ssize_t>(auth.size()));
    ASSERT_TRUE(run_until_received("AGREE_UNIX_FD\r\n")) << received_;
  }

  NoServices control_;
  Logger quiet_{LogLevel::error};
  Broker broker_{control_, quiet_};
  sd_event* loop_ = nullptr;
  unique_fd client_;
  std::unique_ptr<LinkServer> link_;
  std::string received_;
  bool closed_ = false;
};

// GDBus sends BEGIN and, right after, its first call; when both arrive in
// one read, sd-bus 252 keeps the call in its buffer and nothing wakes it.
TEST_F(LinkServerTest, AnswersACallThatArrivedTogetherWithBegin) {
  std::string hello = std::string(kAuth, sizeof kAuth - 1) +
                      method_call(1, "/org/vermilion1/link", "org.vermilion1.Link", "ListCapabilities");
  ASSERT_EQ(write(client_.get(), hello.data(), hello.size()), static_cast<ssize_t>(hello.size()));
  ASSERT_TRUE(run_until_received("AGREE_UNIX_FD\r\n")) << received_;
  // The method return names the capability's object.
  EXPECT_TRUE(run_until_received("web.service")) << "no reply to a call sent right after BEGIN";
  EXPECT_FALSE(closed_);
}

TEST_F(LinkServerTest, AnswersCallsSentAfterAuthentication) {
  std::string auth(kAuth, sizeof kAuth - 1);
  ASSERT_EQ(write(client_.get(), auth.data(), auth.size()), static_cast<ssize_t>(auth.size()));
  ASSERT_TRUE(run_until_received("AGREE_UNIX_FD\r\n")) << received_;
  std::string call = method_call(1, "/org/vermilion1/link", "org.vermilion1.Link", "ListCapabilities");
  ASSERT_EQ(write(client_.get(), call.data(), call.size()), static_cast<ssize_t>(call.size()));
  EXPECT_TRUE(run_until_received("web.service"));
}

// The case: a Restart call (signature "s") with an fd attached,
// which used to start a job that kept the fd until it ended. It is refused
// before any handler runs, and vermiliond holds the fd no longer than the
// read that brought it.
TEST_F(LinkServerTest, ACallWithAnFdAttachedIsRefusedAndTheFdClosed) {
  authenticate();
  fd_pair pipe_ends;
  ASSERT_EQ(make_pipe(pipe_ends), 0);
  const std::string name = "web.service";
  std::string call = method_call(7, capability_path(1), "org.vermilion1.ServiceCapability",
                                 "Restart", &name, 1);
  ASSERT_TRUE(send_with_fd(client_.get(), call, pipe_ends.second.get()));
  pipe_ends.second.reset();  // now only vermiliond may hold the write end
  EXPECT_TRUE(run_until_received("org.vermilion1.Error.LimitsExceeded")) << received_;
  EXPECT_TRUE(control_.jobs.empty()) << "the restart was asked for";
  pollfd p{pipe_ends.first.get(), POLLIN, 0};
  EXPECT_EQ(poll(&p, 1, 0), 1);
  EXPECT_TRUE(p.revents & POLLHUP) << "vermiliond still holds the fd the child attached";
  EXPECT_EQ(link_->fds_refused(), 1u);
  EXPECT_FALSE(closed_) << "the link stays usable";
  std::string list = method_call(8, "/org/vermilion1/link", "org.vermilion1.Link", "ListCapabilities");
  ASSERT_EQ(write(client_.get(), list.data(), list.size()), static_cast<ssize_t>(list.size()));
  EXPECT_TRUE(run_until_received("web.service"));
}

// Whatever the signature and the header say: a call whose header does not
// declare the fd it carries (sd-bus would take it and drop the fd silently)
// and one that declares fds it does not carry are both refused.
TEST_F(LinkServerTest, CallsAreRefusedForFdsWhateverTheirHeaderSays) {
  authenticate();
  fd_pair pipe_ends;
  ASSERT_EQ(make_pipe(pipe_ends), 0);
  const std::string name = "web.service";
  std::string undeclared = method_call(7, capability_path(1), "org.vermilion1.ServiceCapability", "Status", &name);
  ASSERT_TRUE(send_with_fd(client_.get(), undeclared, pipe_ends.second.get()));
  pipe_ends.second.reset();
  ASSERT_TRUE(run_until_received("org.vermilion1.Error.LimitsExceeded")) << received_;
  received_.clear();
  std::string declared = method_call(8, capability_path(1), "org.vermilion1.ServiceCapability", "Status", &name, 2);
  ASSERT_EQ(write(client_.get(), declared.data(), declared.size()), static_cast<ssize_t>(declared.size()));
  EXPECT_TRUE(run_until_received("org.vermilion1.Error.LimitsExceeded")) << received_;
  EXPECT_FALSE(closed_);
}

// fds that come with the SASL lines belong to no call: the link closes.
TEST_F(LinkServerTest, FdsDuringAuthenticationCloseTheLink) {
  fd_pair pipe_ends;
  ASSERT_EQ(make_pipe(pipe_ends), 0);
  std::string auth(kAuth, sizeof kAuth - 1);
  ASSERT_TRUE(send_with_fd(client_.get(), auth.substr(0, 5), pipe_ends.second.get()));
  pipe_ends.second.reset();
  for (int i = 0; i < 500 && !closed_; ++i) ASSERT_GE(sd_event_run(loop_, 10'000), 0);
  EXPECT_TRUE(closed_);
  EXPECT_TRUE(link_->misbehaved());
  pollfd p{pipe_ends.first.get(), POLLIN, 0};
  EXPECT_EQ(poll(&p, 1, 0), 1);
}

}  // namespace
}  // namespace vermilion
