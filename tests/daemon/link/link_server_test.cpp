// LinkServer on a socketpair, driven by its own sd-event loop in this
// process, with the client's bytes written by hand so that their timing is
// fixed rather than left to the scheduler.
#include "link/link_server.h"

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
  EnqueueResult enqueue(JobType, const std::string& name, std::function<void(JobResult)> done) override {
    if (name != "web.service") return {EnqueueOutcome::not_found, name};
    jobs.push_back(std::move(done));
    return {};
  }
  std::vector<std::function<void(JobResult)>> jobs;
  int kill(const std::string&, int) override { return -ESRCH; }
  std::vector<LogLine> logs(const std::string&, std::size_t) override { return {}; }
  void reload_units() override {}
};

// What a client writes to authenticate (EXTERNAL as uid 0, as GDBus does),
// fds negotiated, and BEGIN.
constexpr char kAuth[] = "\0AUTH EXTERNAL 30\r\nNEGOTIATE_UNIX_FD\r\nBEGIN\r\n";

void put_u32(std::string& s, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// A little-endian D-Bus method call, as bytes: without a body, or with one
// string argument; `unix_fds` is what its header says it carries.
std::string method_call(std::uint32_t serial, const std::string& path, const std::string& interface,
                        const std::string& member, const std::string* argument = nullptr,
                        std::uint32_t unix_fds = 0) {
  std::string fields;  // begins at offset 16 of the message
  auto align_fields = [&] {
    while ((16 + fields.size()) % 8) fields.push_back('\0');
  };
  auto field = [&](char code, char type, const std::string& value) {
    align_fields();
    fields += {code, 1, type, '\0'};
    put_u32(fields, static_cast<std::uint32_t>(value.size()));
    fields += value;
    fields.push_back('\0');
  };
  field(1, 'o', path);
  field(2, 's', interface);
  field(3, 's', member);
  std::string body;
  if (argument) {
    align_fields();
    fields += {8, 1, 'g', '\0', 1, 's', '\0'};  // SIGNATURE "s"
    put_u32(body, static_cast<std::uint32_t>(argument->size()));
    body += *argument;
    body.push_back('\0');
  }
  if (unix_fds) {
    align_fields();
    fields += {9, 1, 'u', '\0'};  // UNIX_FDS
    put_u32(fields, unix_fds);
  }
  std::string m = {'l', 1 /* method call */, 0, 1};
  put_u32(m, static_cast<std::uint32_t>(body.size()));
  put_u32(m, serial);
  put_u32(m, static_cast<std::uint32_t>(fields.size()));
  m += fields;
  while (m.size() % 8) m.push_back('\0');
  return m + body;
}

// Writes `bytes` with `fd` attached (SCM_RIGHTS), as a child may.
bool send_with_fd(int socket, const std::string& bytes, int fd) {
  iovec iov{const_cast<char*>(bytes.data()), bytes.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
  return sendmsg(socket, &msg, MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
}

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

// The case: a Restart call (signature "s") with an fd attached. Its
// job waits; the fd must not wait with it.
TEST_F(LinkServerTest, AJobCallDoesNotKeepTheFdsAttachedToIt) {
  std::string auth(kAuth, sizeof kAuth - 1);
  ASSERT_EQ(write(client_.get(), auth.data(), auth.size()), static_cast<ssize_t>(auth.size()));
  ASSERT_TRUE(run_until_received("AGREE_UNIX_FD\r\n")) << received_;
  fd_pair pipe_ends;
  ASSERT_EQ(make_pipe(pipe_ends), 0);
  const std::string name = "web.service";
  std::string call = method_call(1, capability_path(1), "org.vermilion1.ServiceCapability",
                                 "Restart", &name, 1);
  ASSERT_TRUE(send_with_fd(client_.get(), call, pipe_ends.second.get()));
  pipe_ends.second.reset();  // now only vermiliond may hold the write end
  for (int i = 0; i < 500 && control_.jobs.empty(); ++i) ASSERT_GE(sd_event_run(loop_, 10'000), 0);
  ASSERT_EQ(control_.jobs.size(), 1u) << "the restart was not asked for: " << received_;
  // The job is still running: the write end must already be closed.
  pollfd p{pipe_ends.first.get(), POLLIN, 0};
  for (int i = 0; i < 500 && poll(&p, 1, 0) == 0; ++i) ASSERT_GE(sd_event_run(loop_, 10'000), 0);
  EXPECT_TRUE(p.revents & POLLHUP) << "vermiliond still holds the fd the child attached";
  control_.jobs[0](JobResult::done);
  EXPECT_TRUE(run_until_received(std::string("\x02\x01", 2))) << "no method return once the job ended";
  EXPECT_FALSE(closed_);
}

}  // namespace
}  // namespace vermilion
