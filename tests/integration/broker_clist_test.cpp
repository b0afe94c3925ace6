// The capability broker with real children on real private links: the
// children are tests/helpers/link_client.c (sd-bus) and print what they get.
// What a child can do with its own CList: list, call, derive, delegate, and
// the fds policy hands it. Revocation: broker_revocation_test.cpp; quotas
// and fairness: broker_quota_test.cpp.
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <cstring>

#include "broker_fixture.h"

namespace vermilion {
namespace {

constexpr const char* kNoSuchCapability = "error org.vermilion1.Error.NoSuchCapability";
constexpr const char* kAccessDenied = "error org.freedesktop.DBus.Error.AccessDenied";
constexpr const char* kInvalidArgs = "error org.freedesktop.DBus.Error.InvalidArgs";

class BrokerTest : public testing::BrokerFixture {};

TEST_F(BrokerTest, ChildListsItsCapabilitiesAndAsksForStatus) {
  unit("web.service", "[Service]\nExecStart=/bin/sleep 1000\n");
  oneshot("panel", "list status 1 '' status 1 web");
  policy("panel.policy", "[Grant]\nTo=panel\nCapability=service:web.service\nRights=status restart\n");
  boot();
  ASSERT_TRUE(started("web"));
  ASSERT_TRUE(started("panel"));
  ASSERT_TRUE(wait_log("panel.service", "status active running success"));
  EXPECT_TRUE(has_log("panel.service", "cap 1 service web.service [status restart] 0"));
  EXPECT_TRUE(has_log("panel.service", "listed 1"));
}

// Slot numbers are per link: a number that is valid in another child's CList
// names nothing on this one, and neither does one that was never handed out.
// A service without grants gets no link and no extra fd; one with grants
// gets exactly one link per process.
TEST_F(BrokerTest, OnlyServicesWithGrantsGetALink) {
  oneshot("plain", "env");
  oneshot("granted", "env list");
  policy("granted.policy", "[Grant]\nTo=granted\nCapability=service:plain\nRights=status\n");
  boot();
  ASSERT_TRUE(started("plain"));
  EXPECT_TRUE(has_log("plain.service", "error no-link VERMILION_BROKER_FD is not set"));
  EXPECT_TRUE(has_log("plain.service", "env LISTEN_FDS="));
  EXPECT_EQ(supervisor_->link_count(), 0u);
  ASSERT_TRUE(started("granted"));
  EXPECT_TRUE(has_log("granted.service", "VERMILION_BROKER_FD=3"));
  EXPECT_TRUE(has_log("granted.service", "listed 1"));
}

TEST_F(BrokerTest, SlotsCannotBeForgedOrBorrowedFromAnotherChild) {
  unit("web.service", "[Service]\nExecStart=/bin/sleep 1000\n");
  // Slot 2 exists only in b's CList (b: manager = 1, service = 2).
  oneshot("a", "status 1 web status 2 web derive 2 status status 9 web list");
  oneshot("b", "status 2 web");
  policy("a.policy", "[Grant]\nTo=a\nCapability=service:web\nRights=status\n");
  policy("b.policy",
         "[Grant]\nTo=b\nCapability=manager\nRights=list\n"
         "[Grant]\nTo=b\nCapability=service:web\nRights=status\n");
  boot();
  ASSERT_TRUE(started("web"));
  ASSERT_TRUE(started("b"));
  ASSERT_TRUE(wait_log("b.service", "status active running")) << "slot 2 is real, in b's CList";
  ASSERT_TRUE(started("a"));
  ASSERT_TRUE(wait_log("a.service", "listed 1"));
  auto lines = log_lines("a.service");
  ASSERT_EQ(lines.size(), 6u) << ::testing::PrintToString(lines);
  EXPECT_EQ(lines[0].rfind("status active running", 0), 0u) << "its own slot 1 works";
  EXPECT_EQ(lines[1].rfind(kNoSuchCapability, 0), 0u) << "b's slot 2: " << lines[1];
  EXPECT_EQ(lines[2].rfind(kNoSuchCapability, 0), 0u) << "derive from b's slot 2: " << lines[2];
  EXPECT_EQ(lines[3].rfind(kNoSuchCapability, 0), 0u) << "a guessed slot: " << lines[3];
  EXPECT_EQ(lines[4], "cap 1 service web.service [status] 0");
  // Every denial is one audit line naming the caller and what it tried.
  EXPECT_TRUE(audited({"action=invoke subject=a.service path=/org/vermilion1/link/cap/2 member=Status",
                       "result=denied (no such capability)"}));
  EXPECT_TRUE(audited({"action=invoke subject=a.service path=/org/vermilion1/link/cap/2 member=Derive",
                       "result=denied (no such capability)"}));
  EXPECT_TRUE(audited({"action=invoke subject=a.service path=/org/vermilion1/link/cap/9 member=Status",
                       "result=denied (no such capability)"}));
  EXPECT_FALSE(has_audit({"subject=b.service", "denied"})) << "b did nothing wrong";
}

// Rights only shrink: a derived slot carries exactly what was asked for.
TEST_F(BrokerTest, DeriveAttenuatesAndNeverAmplifies) {
  unit("web.service", "[Service]\nExecStart=/bin/sleep 1000\n");
  oneshot("a",
          "derive 1 status list status 2 web restart 2 web derive 2 'status restart' "
          "derive 1 'status bogus' derive 1 'status kill'");
  policy("a.policy", "[Grant]\nTo=a\nCapability=service:web\nRights=status restart\n");
  boot();
  ASSERT_TRUE(started("web"));
  ASSERT_TRUE(started("a"));
  ASSERT_TRUE(wait_log("a.service", "listed 2"));
  auto lines = log_lines("a.service");
  ASSERT_EQ(lines.size(), 9u) << ::testing::PrintToString(lines);
  EXPECT_EQ(lines[0], "derived 2");
  EXPECT_EQ(lines[1], "cap 1 service web.service [status restart] 0");
  EXPECT_EQ(lines[2], "cap 2 service web.service [status] 0");
  EXPECT_EQ(lines[4].rfind("status active running", 0), 0u) << "the kept right works";
  EXPECT_EQ(lines[5].rfind(kAccessDenied, 0), 0u) << "restart was not kept: " << lines[5];
  EXPECT_EQ(lines[6].rfind(kAccessDenied, 0), 0u) << "more than slot 2 holds: " << lines[6];
  EXPECT_EQ(lines[7].rfind(kInvalidArgs, 0), 0u) << lines[7];
  EXPECT_NE(lines[7].find("'bogus'"), std::string::npos) << "names the word: " << lines[7];
  EXPECT_EQ(lines[8].rfind(kAccessDenied, 0), 0u) << "kill is a service right slot 1 lacks: " << lines[8];
  EXPECT_EQ(service("web").n_restarts(), 0u);

  EXPECT_TRUE(audited({"action=derive subject=a.service slot=2 object=service:web.service rights=\"status\"",
                       "parent-slot=1 result=ok"}));
  EXPECT_TRUE(audited({"action=invoke subject=a.service slot=2", "asked=\"restart\"",
                       "result=denied (right not held)"}));
  EXPECT_TRUE(audited({"action=derive subject=a.service slot=2", "asked=\"status restart\"",
                       "result=denied (rights_exceed)"}));
  EXPECT_TRUE(audited({"action=derive subject=a.service slot=1", "asked=\"status bogus\"",
                       "result=denied (invalid rights)"}));
}

// Delegation goes over an endpoint capability with `grant`: the receiver
// learns of it with the endpoint's badge (who granted) and can use exactly
// the rights granted.
TEST_F(BrokerTest, GrantOverEndpointDeliversAWeakerCopyWithTheEndpointBadge) {
  unit("web.service", "[Service]\nExecStart=/bin/sleep 1000\n");
  simple("b", "wait CapabilityReceived list status 2 web restart 2 web");
  oneshot("a", "grant 1 2 status grant 1 2 'status kill'");
  // a: endpoint:b = slot 1, service:web = slot 2. b: manager = slot 1 (so it has a link).
  policy("a.policy",
         "[Grant]\nTo=a\nCapability=endpoint:b\nRights=connect grant\nBadge=7\n"
         "[Grant]\nTo=a\nCapability=service:web\nRights=status restart\n");
  policy("b.policy", "[Grant]\nTo=b\nCapability=manager\nRights=list\n");
  boot();
  ASSERT_TRUE(started("web"));
  ASSERT_TRUE(started("b"));
  ASSERT_TRUE(wait_log("b.service", "waiting CapabilityReceived"));
  ASSERT_TRUE(started("a"));
  ASSERT_TRUE(wait_log("a.service", "granted 2"));
  ASSERT_TRUE(wait_log("b.service", "signal CapabilityReceived 2 service web.service [status] 7"));
  ASSERT_TRUE(wait_log("b.service", "listed 2"));
  EXPECT_TRUE(has_log("b.service", "cap 1 manager  [list] 0"));
  EXPECT_TRUE(has_log("b.service", "cap 2 service web.service [status] 0"))
      << "the capability keeps its own badge; the signal told who granted";
  ASSERT_TRUE(wait_log("b.service", kAccessDenied)) << "restart was not granted";
  EXPECT_TRUE(has_log("b.service", "status active running"));
  EXPECT_TRUE(has_log("a.service", kAccessDenied)) << "a cannot grant kill, which it lacks";
  EXPECT_EQ(service("web").n_restarts(), 0u);

  EXPECT_TRUE(audited({"action=grant subject=a.service endpoint-slot=1 cap-slot=2 rights=\"status\"",
                       "receiver=b.service slot=2 object=service:web.service", "result=ok"}));
  EXPECT_TRUE(audited({"action=grant subject=a.service", "rights=\"status kill\"",
                       "result=denied (rights_exceed)"}));
}

// sd-bus clients pipeline their authentication and fail (EIO) when an fd
// arrives while they still read the handshake's answer. b here has started
// its link but not read anything when a connects: the Connection (with its
// fd) must wait until b has spoken, and then arrive intact.
TEST_F(BrokerTest, ConnectionWaitsUntilTheServingChildHasSpoken) {
  simple("b", "sigwait serve");
  simple("a", "connect 1");
  policy("a.policy", "[Grant]\nTo=a\nCapability=endpoint:b\nRights=connect\nBadge=3\n");
  policy("b.policy", "[Grant]\nTo=b\nCapability=manager\nRights=list\n");
  boot();
  ASSERT_TRUE(started("b"));
  ASSERT_TRUE(wait_log("b.service", "sigwaiting"));
  ASSERT_TRUE(started("a"));
  ASSERT_TRUE(wait_log("a.service", "connected"));
  signal_main("b");
  ASSERT_TRUE(wait_log("a.service", "peer-said hello badge=3"));
  EXPECT_TRUE(has_log("b.service", "signal Connection 3"));
  EXPECT_FALSE(has_log("b.service", "error")) << ::testing::PrintToString(log_lines("b.service"));
}

// fd capabilities: a listening socket policy opens where the service could
// not (a root-only directory), handed over with systemd's LISTEN_FDS protocol
// to a service that runs as nobody.
TEST_F(BrokerTest, UnprivilegedServiceGetsAListeningSocketThroughListenFds) {
  std::string dir = scratch_.file("private");
  ASSERT_EQ(::mkdir(dir.c_str(), 0700), 0);
  struct stat st {};
  ASSERT_EQ(::stat(dir.c_str(), &st), 0);
  ASSERT_EQ(st.st_uid, 0u);
  ASSERT_EQ(st.st_mode & 0777, 0700u) << "nobody could neither create nor bind anything in it";
  std::string path = dir + "/http.sock";

  unit("srv.service", "[Service]\nUser=nobody\nExecStart=" + client("env accept") + "\n");
  policy("srv.policy", "[Grant]\nTo=srv\nCapability=fd:http\nRights=use\nListenStream=" + path +
                           "\nFileDescriptorName=web\n");
  boot();
  ASSERT_TRUE(started("srv"));
  ASSERT_TRUE(wait_log("srv.service", "accepting"));
  pid_t pid = service("srv").main_pid();
  EXPECT_TRUE(has_log("srv.service", "env LISTEN_FDS=1 LISTEN_PID=" + std::to_string(pid) +
                                         " LISTEN_FDNAMES=web VERMILION_BROKER_FD=4 pid=" +
                                         std::to_string(pid)))
      << ::testing::PrintToString(log_lines("srv.service"));
  std::string status = testing::read_file("/proc/" + std::to_string(pid) + "/status");
  EXPECT_NE(status.find("\nUid:\t65534\t65534"), std::string::npos) << "runs as nobody";

  int sock = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  ASSERT_GE(sock, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  ASSERT_EQ(::connect(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0) << std::strerror(errno);
  std::string got;
  EXPECT_TRUE(wait_for([&] {
    char buf[64];
    ssize_t n = ::read(sock, buf, sizeof buf);
    if (n > 0) got.append(buf, static_cast<std::size_t>(n));
    return got.find('\n') != std::string::npos || n == 0;
  }));
  ::close(sock);
  EXPECT_EQ(got, "accepted\n");
  EXPECT_TRUE(wait_log("srv.service", "accepted one"));
}

TEST_F(BrokerTest, OpenOnAnFdCapabilityReturnsTheResource) {
  scratch_.write("data.txt", "hello\n");
  // fd:data = slot 1, fd:sock = slot 2; a service capability has no Open.
  oneshot("a", "open 1 open 2 derive 1 use open 3 open 4");
  policy("a.policy",
         "[Grant]\nTo=a\nCapability=fd:data\nRights=use\nFile=" + scratch_.file("data.txt") +
             "\n"
             "[Grant]\nTo=a\nCapability=fd:sock\nRights=use\nListenStream=@vermilion-test-open-" +
             std::to_string(::getpid()) +
             "\n"
             "[Grant]\nTo=a\nCapability=service:a\nRights=status\n");
  boot();
  ASSERT_TRUE(started("a"));
  auto lines = log_lines("a.service");
  ASSERT_EQ(lines.size(), 5u) << ::testing::PrintToString(lines);
  EXPECT_EQ(lines[0], "opened file");
  EXPECT_EQ(lines[1], "opened socket");
  EXPECT_EQ(lines[2], "derived 4");
  EXPECT_EQ(lines[3].rfind("error org.freedesktop.DBus.Error.UnknownMethod", 0), 0u)
      << "slot 3 is a service capability: no FdCapability interface: " << lines[3];
  EXPECT_EQ(lines[4], "opened file") << "a derived fd capability opens its root's resource";
  EXPECT_TRUE(audited({"action=open subject=a.service slot=1 object=fd:data", "result=ok"}));
}

}  // namespace
}  // namespace vermilion
