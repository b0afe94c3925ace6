// The private bus fixture (tests/support/private_bus.h) and the bus policy
// for org.vermilion1 (dbus-1/system.d/org.vermilion1.conf) on a system-style
// bus. Both sides of each call are tests/helpers/bus_peer.c or busctl, run
// as the users the policy is about (tests/support/run_as.h): switching users
// needs root, and the bridge's own user must exist (scripts/setup-debian.sh
// creates it); tests skip, saying why, where either is missing.
#include <poll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "private_bus.h"
#include "run_as.h"
#include "subprocess.h"

namespace vermilion {
namespace {

using testing::BusFlavour;
using testing::Identity;
using testing::PrivateBus;
using testing::run_as;
using testing::Subprocess;

const std::string kPeer = std::string(VERMILION_TEST_HELPER_DIR) + "/vermilion-test-bus_peer";
const std::string kBusctl = "/usr/bin/busctl";
const std::string kName = "org.vermilion1";
const std::string kBridgeUser = "vermilion-bridge";
const std::string kAccessDenied = "error org.freedesktop.DBus.Error.AccessDenied";

struct Finished {
  int code = -1;  // exit code; -1 if it did not exit normally in time
  std::string output;
};

// Runs argv to the end (bounded by Subprocess's deadline).
Finished run(const std::vector<std::string>& argv) {
  Subprocess p(argv);
  int status = p.wait_exit();
  return {status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1, p.output()};
}

// The value of `key=` in `text` after `section` (a space-separated word list).
std::string field(const std::string& text, const std::string& key, const std::string& section = "") {
  std::size_t from = section.empty() ? 0 : text.find(section);
  if (from == std::string::npos) return "<no " + section + ">";
  std::size_t at = text.find(" " + key + "=", from);
  if (at == std::string::npos) return "<no " + key + ">";
  at += key.size() + 2;
  return text.substr(at, text.find_first_of(" \n", at) - at);
}

// "unique :1.N" as the helper printed it.
std::string unique_name(const Subprocess& peer) {
  const std::string& out = peer.output();
  std::size_t at = out.find("unique ");
  if (at == std::string::npos) return {};
  at += 7;
  return out.substr(at, out.find('\n', at) - at);
}

// The helper's argv to own `name` and serve org.vermilion1.Test (wrap it in
// run_as() for another user); ready once it printed "serving".
std::vector<std::string> owner_argv(const PrivateBus& bus, const std::string& name) {
  return {kPeer, bus.address(), "unique", "own", name, "serve"};
}

bool root() { return geteuid() == 0; }

// A session bus accepts only its own user; this lets any user connect.
const std::string kAnyUserMayConnect = "<policy context=\"default\"><allow user=\"*\"/></policy>";

// --- the fixture ----------------------------------------------------------

TEST(PrivateBus, SessionBusAnswersTheBusDriver) {
  PrivateBus bus;
  ASSERT_TRUE(bus.ok()) << bus.error();
  EXPECT_EQ(bus.address().rfind("unix:path=" + bus.socket_path(), 0), 0u) << bus.address();
  EXPECT_EQ(bus.environment_assignment(), "DBUS_SESSION_BUS_ADDRESS=" + bus.address());

  Finished id = run({kBusctl, "--address=" + bus.address(), "call", "org.freedesktop.DBus", "/org/freedesktop/DBus",
                "org.freedesktop.DBus", "GetId"});
  EXPECT_EQ(id.code, 0) << id.output;
  EXPECT_EQ(id.output.rfind("s \"", 0), 0u) << id.output;

  Finished names = run({kBusctl, "--address=" + bus.address(), "call", "org.freedesktop.DBus", "/org/freedesktop/DBus",
                   "org.freedesktop.DBus", "ListNames"});
  EXPECT_EQ(names.code, 0) << names.output;
  EXPECT_NE(names.output.find("\"org.freedesktop.DBus\""), std::string::npos) << names.output;
}

TEST(PrivateBus, SessionBusLetsAnyoneOwnAnyName) {
  PrivateBus bus;
  ASSERT_TRUE(bus.ok()) << bus.error();
  Subprocess owner(owner_argv(bus, kName));
  ASSERT_TRUE(owner.wait_for_output("serving")) << owner.output();
  EXPECT_NE(owner.output().find("owned " + kName), std::string::npos) << owner.output();
  EXPECT_EQ(bus.wait_for_owner(kName), unique_name(owner));
}

TEST(PrivateBus, WaitsForOwnersToComeAndGo) {
  PrivateBus bus;
  ASSERT_TRUE(bus.ok()) << bus.error();
  // Nobody owns it: the wait ends at its deadline.
  EXPECT_EQ(bus.wait_for_owner(kName, 100), std::nullopt);
  EXPECT_TRUE(bus.wait_for_no_owner(kName, 100));

  std::string first;
  {
    Subprocess owner(owner_argv(bus, kName));
    auto seen = bus.wait_for_owner(kName);  // waits, whether or not it owns it yet
    ASSERT_TRUE(seen.has_value());
    ASSERT_TRUE(owner.wait_for_output("serving")) << owner.output();
    EXPECT_EQ(*seen, unique_name(owner));
    first = *seen;
    EXPECT_FALSE(bus.wait_for_no_owner(kName, 100));
  }  // killed
  EXPECT_TRUE(bus.wait_for_no_owner(kName));

  Subprocess second(owner_argv(bus, kName));
  auto next = bus.wait_for_owner(kName, 20000, first);
  ASSERT_TRUE(next.has_value());
  EXPECT_NE(*next, first);
  ASSERT_TRUE(second.wait_for_output("serving")) << second.output();
  EXPECT_EQ(*next, unique_name(second));
}

TEST(PrivateBus, DestructorKillsAndReapsTheDaemon) {
  pid_t pid = -1;
  int pidfd = -1;
  std::string socket;
  {
    PrivateBus bus(BusFlavour::system);
    ASSERT_TRUE(bus.ok()) << bus.error();
    pid = bus.pid();
    socket = bus.socket_path();
    pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
    ASSERT_GE(pidfd, 0);
    pollfd alive{pidfd, POLLIN, 0};
    EXPECT_EQ(poll(&alive, 1, 0), 0) << "dbus-daemon runs while the fixture lives";
  }
  pollfd gone{pidfd, POLLIN, 0};
  EXPECT_EQ(poll(&gone, 1, 0), 1) << "dbus-daemon exited";
  close(pidfd);
  const pid_t reaped = waitpid(pid, nullptr, WNOHANG);
  const int reap_errno = errno;
  EXPECT_EQ(reaped, -1) << "and was reaped";
  EXPECT_EQ(reap_errno, ECHILD);
  EXPECT_NE(access(socket.c_str(), F_OK), 0) << "its temp dir is gone";
}

TEST(PrivateBus, ReportsADaemonThatWouldNotStart) {
  PrivateBus bus(BusFlavour::session, "<no-such-element/>");
  EXPECT_FALSE(bus.ok());
  EXPECT_TRUE(bus.address().empty());
  EXPECT_NE(bus.error().find("exited before printing its address"), std::string::npos) << bus.error();
  EXPECT_NE(bus.error().find("no-such-element"), std::string::npos) << "the error carries the log: " << bus.error();
}

TEST(PrivateBus, SystemBusSocketIsOpenToEveryUser) {
  PrivateBus bus(BusFlavour::system);
  ASSERT_TRUE(bus.ok()) << bus.error();
  EXPECT_EQ(bus.environment_assignment(), "DBUS_SYSTEM_BUS_ADDRESS=" + bus.address());
  struct stat dir {}, sock {};
  ASSERT_EQ(stat(bus.socket_path().substr(0, bus.socket_path().rfind('/')).c_str(), &dir), 0);
  ASSERT_EQ(stat(bus.socket_path().c_str(), &sock), 0);
  EXPECT_EQ(dir.st_mode & 07777, 0755u);
  EXPECT_TRUE(S_ISSOCK(sock.st_mode));
  EXPECT_EQ(sock.st_mode & 0777, 0777u) << "dbus-daemon opens the socket up itself";

  if (!root()) GTEST_SKIP() << "connecting as nobody needs root to switch users";
  Finished id = run(run_as(testing::nobody(), {kBusctl, "--address=" + bus.address(), "call", "org.freedesktop.DBus",
                                           "/org/freedesktop/DBus", "org.freedesktop.DBus", "GetId"}));
  EXPECT_EQ(id.code, 0) << id.output;
}

// As a real session bus: only the user it runs as may connect.
TEST(PrivateBus, SessionBusAcceptsOnlyItsOwnUser) {
  if (!root()) GTEST_SKIP() << "connecting as nobody needs root to switch users";
  PrivateBus bus;
  ASSERT_TRUE(bus.ok()) << bus.error();
  Finished refused = run(run_as(testing::nobody(), {kPeer, bus.address(), "unique"}));
  EXPECT_NE(refused.code, 0) << refused.output;
  EXPECT_NE(refused.output.find("error connect"), std::string::npos) << refused.output;

  PrivateBus open(BusFlavour::session, kAnyUserMayConnect);
  ASSERT_TRUE(open.ok()) << open.error();
  Finished accepted = run(run_as(testing::nobody(), {kPeer, open.address(), "unique"}));
  EXPECT_EQ(accepted.code, 0) << accepted.output;
}

// --- the policy on a system-style bus ---------------------------------------

// The base policy denies what no file allows, for root as for anyone: what
// org.vermilion1.conf opens below is its doing.
TEST(SystemBusPolicy, DeniesWhatNoFileAllows) {
  PrivateBus bus(BusFlavour::system, "<policy user=\"root\"><allow own=\"org.example.Unlisted\"/></policy>");
  ASSERT_TRUE(bus.ok()) << bus.error();
  if (!root()) GTEST_SKIP() << "the extra policy lets root own the name; this test runs as uid " << geteuid();

  Finished other = run({kPeer, bus.address(), "own", "org.example.Other"});
  EXPECT_NE(other.output.find(kAccessDenied), std::string::npos) << other.output;

  Subprocess owner(owner_argv(bus, "org.example.Unlisted"));
  ASSERT_TRUE(owner.wait_for_output("serving")) << owner.output();
  Finished as_root = run({kPeer, bus.address(), "whoami", "org.example.Unlisted"});
  EXPECT_NE(as_root.output.find(kAccessDenied), std::string::npos) << as_root.output;
  Finished as_nobody = run(run_as(testing::nobody(), {kPeer, bus.address(), "whoami", "org.example.Unlisted"}));
  EXPECT_NE(as_nobody.output.find(kAccessDenied), std::string::npos) << as_nobody.output;
  EXPECT_NE(bus.log().find("Rejected send message"), std::string::npos) << bus.log();
}

TEST(SystemBusPolicy, RootCannotOwnOrgVermilion1) {
  PrivateBus bus(BusFlavour::system);
  ASSERT_TRUE(bus.ok()) << bus.error();
  // As whoever runs the tests: root, or a user who is not the bridge's.
  Finished own = run({kPeer, bus.address(), "own", kName});
  EXPECT_NE(own.output.find(kAccessDenied), std::string::npos) << own.output;
  EXPECT_NE(own.code, 0);
}

TEST(SystemBusPolicy, NobodyCannotOwnOrgVermilion1) {
  if (!root()) GTEST_SKIP() << "running as nobody needs root to switch users";
  PrivateBus bus(BusFlavour::system);
  ASSERT_TRUE(bus.ok()) << bus.error();
  Finished own = run(run_as(testing::nobody(), {kPeer, bus.address(), "own", kName}));
  EXPECT_NE(own.output.find(kAccessDenied), std::string::npos) << own.output;
  EXPECT_TRUE(bus.wait_for_no_owner(kName, 0));
}

TEST(SystemBusPolicy, TheBridgeUserCanOwnOrgVermilion1) {
  if (!root()) GTEST_SKIP() << "running as " << kBridgeUser << " needs root to switch users";
  auto bridge = testing::user_identity(kBridgeUser);
  if (!bridge)
    GTEST_SKIP() << "no user " << kBridgeUser << " on this machine: scripts/setup-debian.sh creates it "
                 << "(adduser --system --group --no-create-home --home /nonexistent " << kBridgeUser << ")";
  PrivateBus bus(BusFlavour::system);
  ASSERT_TRUE(bus.ok()) << bus.error();
  Subprocess owner(run_as(*bridge, owner_argv(bus, kName)));
  ASSERT_TRUE(owner.wait_for_output("serving")) << owner.output();
  EXPECT_NE(owner.output().find("owned " + kName), std::string::npos) << owner.output();
  EXPECT_EQ(bus.wait_for_owner(kName), unique_name(owner));
}

// Anyone may call every interface of the name's owner, by well-known or
// unique name, and receive its signals; the bridge decides on each call.
TEST(SystemBusPolicy, AnyoneMayCallTheBridgeAndHearItsSignals) {
  if (!root()) GTEST_SKIP() << "running as other users needs root to switch users";
  auto bridge = testing::user_identity(kBridgeUser);
  if (!bridge) GTEST_SKIP() << "no user " << kBridgeUser << " on this machine: scripts/setup-debian.sh creates it";
  PrivateBus bus(BusFlavour::system);
  ASSERT_TRUE(bus.ok()) << bus.error();
  Subprocess owner(run_as(*bridge, owner_argv(bus, kName)));
  ASSERT_TRUE(owner.wait_for_output("serving")) << owner.output();
  const std::string unique = unique_name(owner);

  const std::vector<std::pair<std::string, Identity>> callers = {
      {"nobody", testing::nobody()}, {"root", Identity{0, 0, {}}}};
  for (const auto& [who, identity] : callers) {
    SCOPED_TRACE("caller " + who);
    for (const std::string& dest : {kName, unique}) {
      Finished whoami = run(run_as(identity, {kPeer, bus.address(), "whoami", dest}));
      EXPECT_EQ(whoami.code, 0) << whoami.output;
      EXPECT_EQ(field(whoami.output, "UnixUserID"), std::to_string(identity.uid)) << whoami.output;
    }
    const std::vector<std::vector<std::string>> calls = {
        {"org.freedesktop.DBus.Peer", "Ping"},
        {"org.freedesktop.DBus.Introspectable", "Introspect"},
        {"org.freedesktop.DBus.Properties", "GetAll", "s", "org.vermilion1.Test"},
        {"org.freedesktop.DBus.ObjectManager", "GetManagedObjects"},
    };
    for (const auto& call : calls) {
      std::vector<std::string> argv = {kBusctl, "--address=" + bus.address(), "call", kName, "/org/vermilion1"};
      argv.insert(argv.end(), call.begin(), call.end());
      Finished r = run(run_as(identity, argv));
      EXPECT_EQ(r.code, 0) << call[0] << "." << call[1] << ": " << r.output;
    }
    Finished heard = run(run_as(identity, {kPeer, bus.address(), "emit", kName}));
    EXPECT_NE(heard.output.find("signal Pinged"), std::string::npos) << heard.output;
  }
}

// --- what the owner learns about a caller (dbus-daemon 1.14) ----------------

// GetConnectionCredentials gives UnixUserID (the effective uid) and
// UnixGroupIDs: the primary gid and every supplementary group, sorted.
// sd_bus_query_sender_creds() without SD_BUS_CREDS_AUGMENT gives only the
// euid and the pid on dbus-daemon (libsystemd 252 ignores UnixGroupIDs);
// the bridge must read UnixGroupIDs itself.
TEST(BusCredentials, OwnerSeesTheCallersUidAndEveryGroup) {
  if (!root()) GTEST_SKIP() << "running as nobody needs root to switch users";
  PrivateBus bus(BusFlavour::session, kAnyUserMayConnect);
  ASSERT_TRUE(bus.ok()) << bus.error();
  Subprocess owner(owner_argv(bus, kName));
  ASSERT_TRUE(owner.wait_for_output("serving")) << owner.output();

  Finished member = run(run_as(Identity{65534, 65534, {70000, 4242}}, {kPeer, bus.address(), "whoami", kName}));
  ASSERT_EQ(member.code, 0) << member.output;
  EXPECT_EQ(field(member.output, "UnixUserID"), "65534") << member.output;
  EXPECT_EQ(field(member.output, "UnixGroupIDs"), "4242,65534,70000") << member.output;
  EXPECT_EQ(field(member.output, "euid", "| sd-bus "), "65534") << member.output;

  Finished plain = run(run_as(testing::nobody(), {kPeer, bus.address(), "whoami", kName}));
  ASSERT_EQ(plain.code, 0) << plain.output;
  EXPECT_EQ(field(plain.output, "UnixGroupIDs"), "65534") << "no supplementary groups: the primary gid only";
  std::printf("dbus-daemon and sd-bus report, for uid 65534 with groups 70000,4242:\n  %s",
              member.output.c_str());
}

// dbus-daemon's credentials are the caller's when it connected (SO_PEERCRED,
// SO_PEERGROUPS). SD_BUS_CREDS_AUGMENT, which sdbus-c++'s
// Message::getCreds*() use, fills uid, gid and groups from /proc/PID now
// instead: a process that changed its groups after connecting (or a
// recycled pid) answers differently. Only UnixGroupIDs is the caller's word
// as the bus saw it.
TEST(BusCredentials, GroupsAreThoseTheCallerConnectedWith) {
  if (!root()) GTEST_SKIP() << "setgroups() needs root";
  PrivateBus bus;
  ASSERT_TRUE(bus.ok()) << bus.error();
  Subprocess owner(owner_argv(bus, kName));
  ASSERT_TRUE(owner.wait_for_output("serving")) << owner.output();

  Finished changed = run({kPeer, bus.address(), "setgroups", "4242", "whoami", kName});
  ASSERT_EQ(changed.code, 0) << changed.output;
  EXPECT_EQ(field(changed.output, "UnixGroupIDs").find("4242"), std::string::npos) << changed.output;
  EXPECT_EQ(field(changed.output, "groups", "| sd-bus+augment "), "4242") << changed.output;
}

}  // namespace
}  // namespace vermilion
