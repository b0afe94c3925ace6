// What vermilion-bridge needs from its private link, with real children
// (tests/helpers/link_client.c) on real links: service reload jobs, another
// service's CList, every service's properties, the [Bus] rules in effect,
// and the signals a watcher gets (properties before state, both before the
// reply of the job they finish; Reloaded after a reload).
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>

#include "broker_fixture.h"

namespace vermilion {
namespace {

constexpr const char* kAccessDenied = "error org.freedesktop.DBus.Error.AccessDenied";
constexpr const char* kJobFailed = "error org.vermilion1.Error.JobFailed";

class BrokerBridgeApiTest : public testing::BrokerFixture {
 protected:
  // The line of `service`'s log that starts with `prefix`; "" if none.
  std::string line_starting(const std::string& service, const std::string& prefix) {
    for (const auto& line : log_lines(service))
      if (line.rfind(prefix, 0) == 0) return line;
    return {};
  }
};

// "KEY:TYPE=VALUE" out of a line printed by link_client's print_properties.
std::string property(const std::string& line, const std::string& key_and_type) {
  auto at = line.find(" " + key_and_type + "=");
  if (at == std::string::npos) return "<missing>";
  at += key_and_type.size() + 2;
  auto end = line.find(' ', at);
  return line.substr(at, end == std::string::npos ? end : end - at);
}

TEST_F(BrokerBridgeApiTest, ServiceReloadIsAJobThatNeedsTheReloadRight) {
  unit("web.service",
       "[Service]\nExecStart=/bin/sleep 1000\nExecReload=/bin/sh -c 'echo reloaded-by-exec-reload'\n");
  unit("idle.service", "[Service]\nExecStart=/bin/sleep 1000\nExecReload=/bin/true\n");
  oneshot("a", "reload 1 web derive 1 status reload 2 web reload 1 idle reload 1 nosuch");
  policy("a.policy", "[Grant]\nTo=a\nCapability=service:*\nRights=status reload\n");
  boot();
  ASSERT_TRUE(started("web"));
  ASSERT_TRUE(started("a"));
  auto lines = log_lines("a.service");
  ASSERT_EQ(lines.size(), 5u) << ::testing::PrintToString(lines);
  EXPECT_EQ(lines[0], "done Reload");
  EXPECT_TRUE(wait_log("web.service", "reloaded-by-exec-reload")) << "ExecReload= ran before the reply";
  EXPECT_EQ(lines[1], "derived 2");
  EXPECT_EQ(lines[2].rfind(kAccessDenied, 0), 0u) << "slot 2 lacks reload: " << lines[2];
  EXPECT_EQ(lines[3].rfind(kJobFailed, 0), 0u) << lines[3];
  EXPECT_NE(lines[3].find("job for idle.service finished: invalid"), std::string::npos)
      << "an inactive service cannot reload: " << lines[3];
  EXPECT_EQ(lines[4].rfind("error org.vermilion1.Error.NoSuchService", 0), 0u) << lines[4];
  EXPECT_EQ(service("web").active_state(), ActiveState::active);
  EXPECT_TRUE(audited({"action=invoke subject=a.service slot=2 object=service:*.service", "asked=\"reload\"",
                       "result=denied (right not held)"}));
}

// A start that cannot be queued says why, by error name, and names the unit
// at fault; an inactive Requisite= fails the job itself ("dependency").
TEST_F(BrokerBridgeApiTest, StartsThatCannotRunSayWhyByErrorName) {
  unit("bad.service", "[Service]\nExecStart=/bin/true\nUser=bad:name\n");
  unit("needs-bad.service", "[Unit]\nRequires=bad.service\n[Service]\nExecStart=/bin/sleep 1000\n");
  unit("needs-ghost.service", "[Unit]\nRequires=ghost.service\n[Service]\nExecStart=/bin/sleep 1000\n");
  unit("idle.service", "[Service]\nExecStart=/bin/sleep 1000\n");
  unit("web.service", "[Unit]\nRequisite=idle.service\nAfter=idle.service\n[Service]\nExecStart=/bin/sleep 1000\n");
  oneshot("a", "start 1 bad start 1 needs-bad start 1 needs-ghost start 1 nosuch start 1 web");
  policy("a.policy", "[Grant]\nTo=a\nCapability=service:*\nRights=start\n");
  boot();
  ASSERT_TRUE(started("a"));
  auto lines = log_lines("a.service");
  ASSERT_EQ(lines.size(), 5u) << ::testing::PrintToString(lines);
  EXPECT_EQ(lines[0], "error org.vermilion1.Error.BadSetting Unit bad.service has a bad unit file setting.");
  EXPECT_EQ(lines[1], "error org.vermilion1.Error.BadSetting Unit bad.service has a bad unit file setting.")
      << "the unit at fault is the requirement";
  EXPECT_EQ(lines[2], "error org.vermilion1.Error.NoSuchService Unit ghost.service not found.");
  EXPECT_EQ(lines[3], "error org.vermilion1.Error.NoSuchService Unit nosuch.service not found.");
  EXPECT_EQ(lines[4], std::string(kJobFailed) + " job for web.service finished: dependency");
  EXPECT_EQ(service("web").active_state(), ActiveState::inactive);
  EXPECT_EQ(service("idle").active_state(), ActiveState::inactive) << "a requisite is never started for us";
}

TEST_F(BrokerBridgeApiTest, ReloadCallWhoseCapabilityIsRevokedMeanwhileGetsRevoked) {
  std::string go = scratch_.file("reload-may-finish");
  unit("web.service", "[Service]\nExecStart=/bin/sleep 1000\nExecReload=/bin/sh -c 'echo reload-waiting; "
                      "while [ ! -e " + go + " ]; do sleep 0.05; done'\n");
  simple("a", "derive 1 'status reload' reload 2 web status 1 web");
  policy("a.policy", "[Grant]\nTo=a\nCapability=service:web\nRights=status reload\n");
  boot();
  ASSERT_TRUE(started("web"));
  ASSERT_TRUE(started("a"));
  ASSERT_TRUE(wait_log("web.service", "reload-waiting"));
  ASSERT_TRUE(has_log("a.service", "derived 2"));
  ASSERT_TRUE(supervisor_->broker().revoke("a.service", 1).ok());
  scratch_.write("reload-may-finish", "");
  ASSERT_TRUE(wait_log("a.service", "status active running")) << "the reload itself ran to the end";
  auto lines = log_lines("a.service");
  ASSERT_EQ(lines.size(), 3u) << ::testing::PrintToString(lines);
  EXPECT_EQ(lines[1].rfind("error org.vermilion1.Error.Revoked", 0), 0u) << lines[1];
}

TEST_F(BrokerBridgeApiTest, ListServicePropertiesGivesEveryServiceWithTypedProperties) {
  unit("web.service", "[Unit]\nDescription=The web server\n[Service]\nExecStart=/bin/sleep 1000\n");
  unit("idle.service", "[Service]\nExecStart=/bin/sleep 1000\n");
  unit("broken.service", "[Service]\nExecStart=/bin/sleep 1000\nUser=bad:name\n");
  oneshot("a", "props 1 derive 1 watch props 2");
  policy("a.policy", "[Grant]\nTo=a\nCapability=manager\nRights=list watch\n");
  boot();
  ASSERT_TRUE(started("web"));
  ASSERT_TRUE(started("a"));

  std::string web = line_starting("a.service", "props web.service ");
  EXPECT_EQ(web.rfind("props web.service Name:s=web.service Description:s=The web server LoadState:s=loaded "
                      "ActiveState:s=active SubState:s=running Result:s=success MainPID:u=",
                      0),
            0u)
      << web;
  EXPECT_EQ(property(web, "MainPID:u"), std::to_string(service("web").main_pid()));
  EXPECT_EQ(property(web, "ExecMainStatus:i"), "0");
  EXPECT_EQ(property(web, "NRestarts:u"), "0");
  EXPECT_EQ(property(web, "ActiveEnterTimestamp:t"), std::to_string(service("web").active_enter_timestamp()));
  EXPECT_NE(property(web, "ActiveEnterTimestamp:t"), "0");
  EXPECT_EQ(property(web, "InactiveEnterTimestamp:t"), "0") << "never went inactive";

  std::string idle = line_starting("a.service", "props idle.service ");
  EXPECT_EQ(idle.rfind("props idle.service Name:s=idle.service Description:s= LoadState:s=loaded ActiveState:s=inactive "
                       "SubState:s=dead Result:s=success MainPID:u=0 ExecMainStatus:i=0 NRestarts:u=0 "
                       "ActiveEnterTimestamp:t=0 InactiveEnterTimestamp:t=0 StatusText:s= FragmentPath:s=",
                       0),
            0u)
      << idle;
  // What systemctl status and show read, under systemd's names and types.
  EXPECT_EQ(property(idle, "FragmentPath:s"), units_.file("idle.service"));
  EXPECT_EQ(property(idle, "DropInPaths:as"), "");
  EXPECT_EQ(property(idle, "Type:s"), "simple");
  EXPECT_EQ(property(idle, "ExecStartEx:a(sasasttttuii)"), "/bin/sleep");
  EXPECT_EQ(property(idle, "ExecStopPostEx:a(sasasttttuii)"), "");
  EXPECT_EQ(property(idle, "Restart:s"), "no");
  EXPECT_EQ(property(idle, "CanReload:b"), "no");
  EXPECT_EQ(property(idle, "ExecMainPID:u"), "0");
  EXPECT_EQ(property(web, "ExecMainPID:u"), std::to_string(service("web").main_pid()));
  EXPECT_NE(property(web, "ExecMainStartTimestamp:t"), "0");
  EXPECT_NE(property(web, "InactiveExitTimestamp:t"), "0");
  EXPECT_EQ(property(web, "ActiveExitTimestamp:t"), "0");
  EXPECT_EQ(property(line_starting("a.service", "props broken.service "), "LoadState:s"), "bad-setting");
  EXPECT_EQ(property(line_starting("a.service", "props a.service "), "ActiveState:s"), "activating")
      << "a oneshot listing while it runs";

  std::string denied = line_starting("a.service", "error ");
  EXPECT_EQ(denied.rfind(kAccessDenied, 0), 0u) << "slot 2 has watch, not list: " << denied;
  EXPECT_TRUE(audited({"action=invoke subject=a.service slot=2 object=manager", "asked=\"list\"",
                       "result=denied (right not held)"}));
}

TEST_F(BrokerBridgeApiTest, ListCapabilitiesOfShowsAnotherServicesCList) {
  unit("web.service", "[Service]\nExecStart=/bin/sleep 1000\n");
  unit("plain.service", "[Service]\nExecStart=/bin/sleep 1000\n");
  oneshot("panel", "derive 1 status");
  oneshot("a", "capsof 1 panel capsof 1 plain.service capsof 1 nosuch derive 1 list capsof 2 panel");
  policy("a.policy", "[Grant]\nTo=a\nCapability=manager\nRights=list inspect\n");
  policy("panel.policy",
         "[Grant]\nTo=panel\nCapability=service:web\nRights=status restart\nBadge=42\n"
         "[Grant]\nTo=panel\nCapability=endpoint:web\nRights=connect\n");
  boot();
  ASSERT_TRUE(started("panel"));
  ASSERT_TRUE(started("a"));
  auto lines = log_lines("a.service");
  ASSERT_EQ(lines.size(), 8u) << ::testing::PrintToString(lines);
  EXPECT_EQ(lines[0], "capof 1 service web.service [status restart] 42");
  EXPECT_EQ(lines[1], "capof 2 endpoint web.service [connect] 0");
  EXPECT_EQ(lines[2], "capof 3 service web.service [status] 42") << "what panel derived is in its CList too";
  EXPECT_EQ(lines[3], "capsof 3");
  EXPECT_EQ(lines[4], "capsof 0") << "plain holds nothing";
  EXPECT_EQ(lines[5].rfind("error org.vermilion1.Error.NoSuchService", 0), 0u) << lines[5];
  EXPECT_EQ(lines[6], "derived 2");
  EXPECT_EQ(lines[7].rfind(kAccessDenied, 0), 0u) << "slot 2 lacks inspect: " << lines[7];
  EXPECT_TRUE(audited({"action=invoke subject=a.service slot=2 object=manager", "asked=\"inspect\"",
                       "result=denied (right not held)"}));
}

// A watcher hears, for every state change, ServicePropertiesChanged and right
// after it ServiceStateChanged with the same state; a job's reply comes after
// the signals of the changes that finished it. The client's jobw prints
// signals and the reply in the order they arrived on its link.
TEST_F(BrokerBridgeApiTest, PropertiesThenStateThenTheJobsReply) {
  unit("web.service", "[Service]\nExecStart=/bin/sleep 1000\nExecReload=/bin/true\n");
  oneshot("a", "watch 1 jobw start 2 web jobw reload 2 web jobw restart 2 web jobw stop 2 web");
  policy("a.policy",
         "[Grant]\nTo=a\nCapability=manager\nRights=watch\n"
         "[Grant]\nTo=a\nCapability=service:web\nRights=start stop restart reload\n");
  boot();
  ASSERT_TRUE(started("a"));
  auto lines = log_lines("a.service");
  ASSERT_GE(lines.size(), 5u) << ::testing::PrintToString(lines);
  EXPECT_EQ(lines[0], "done Watch");

  const std::string props = "signal ServicePropertiesChanged ";
  const std::string state = "signal ServiceStateChanged ";
  std::vector<std::string> web_states;  // since the last reply
  std::vector<std::string> replies;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    SCOPED_TRACE(::testing::PrintToString(lines));
    if (line.rfind(state, 0) == 0) {
      std::istringstream words(line.substr(state.size()));
      std::string name, active, sub;
      words >> name >> active >> sub;
      const std::string& before = lines[i - 1];
      ASSERT_EQ(before.rfind(props + name + " ", 0), 0u) << "properties come right before the state: " << line;
      EXPECT_EQ(property(before, "Name:s"), name);
      EXPECT_EQ(property(before, "ActiveState:s"), active) << before;
      EXPECT_EQ(property(before, "SubState:s"), sub) << before;
      EXPECT_EQ(property(before, "LoadState:s"), "loaded") << before;
      if (name == "web.service") web_states.push_back(active + "/" + sub);
    } else if (line.rfind(props, 0) == 0) {
      ASSERT_LT(i + 1, lines.size());
      EXPECT_EQ(lines[i + 1].rfind(state, 0), 0u) << "each properties signal is followed by its state";
    } else {
      ASSERT_EQ(line.rfind("done ", 0), 0u) << line;
      replies.push_back(line);
      ASSERT_FALSE(web_states.empty()) << line << " came before any state change of web";
      const std::string final_state = line == "done Stop" ? "inactive/dead" : "active/running";
      EXPECT_EQ(web_states.back(), final_state) << line << " replied before the watcher saw web " << final_state;
      auto saw = [&](const char* s) { return std::find(web_states.begin(), web_states.end(), s) != web_states.end(); };
      EXPECT_TRUE(line != "done Reload" || saw("reloading/reload"));
      EXPECT_TRUE(line != "done Restart" || saw("inactive/dead"));
      web_states.clear();
    }
  }
  EXPECT_EQ(replies, (std::vector<std::string>{"done Start", "done Reload", "done Restart", "done Stop"}));
}

// Reloaded tells a watcher to list services and fetch the bus rules again,
// after every reload: SIGHUP, and ManagerCapability.Reload, before its reply.
TEST_F(BrokerBridgeApiTest, WatchersHearReloadedAfterEveryReload) {
  simple("w", "watch 1 wait Reloaded 2");
  oneshot("r", "watch 1 mreloadw 1 derive 1 list mreload 2");
  policy("w.policy", "[Grant]\nTo=w\nCapability=manager\nRights=watch\n");
  policy("r.policy", "[Grant]\nTo=r\nCapability=manager\nRights=list watch reload\n");
  as_main_process_ = true;  // SIGHUP is the process's
  boot();
  ASSERT_TRUE(started("w"));
  ASSERT_TRUE(wait_log("w.service", "waiting Reloaded"));
  ASSERT_EQ(::kill(::getpid(), SIGHUP), 0);  // what an admin does; handled on the loop
  ASSERT_TRUE(wait_log("w.service", "signal Reloaded"));
  ASSERT_TRUE(started("r"));
  ASSERT_TRUE(wait_for([&] {
    auto lines = log_lines("w.service");
    return std::count(lines.begin(), lines.end(), "signal Reloaded") == 2;
  })) << "w heard the reload r asked for";
  auto lines = log_lines("r.service");
  ASSERT_EQ(lines.size(), 5u) << ::testing::PrintToString(lines);
  EXPECT_EQ(lines[0], "done Watch");
  EXPECT_EQ(lines[1], "signal Reloaded") << "before the reply";
  EXPECT_EQ(lines[2], "done ManagerReload");
  EXPECT_EQ(lines[3], "derived 2");
  EXPECT_EQ(lines[4].rfind(kAccessDenied, 0), 0u) << "slot 2 lacks reload: " << lines[4];
  EXPECT_TRUE(audited({"action=invoke subject=r.service slot=2 object=manager", "asked=\"reload\"",
                       "result=denied (right not held)"}));
}

TEST_F(BrokerBridgeApiTest, GetBusRulesGivesTheRulesInEffectAsWritten) {
  simple("a", "busrules 1 derive 1 watch busrules 2 watch 1 wait Reloaded busrules 1");
  policy("a.policy", "[Grant]\nTo=a\nCapability=manager\nRights=list watch\n");
  policy("bus.policy",
         "# who may ask the bridge for what\n"
         "[Bus]\nUser=*\nService=*\nRights=status\n"
         "\n"
         "[Bus]\nUser=root 1000\nGroup=wheel adm\nService=web-*\nRights=restart status\n"
         "ManagerRights=inspect reload\n"
         "[Bus]\nGroup=0\nManagerRights=list\n");
  boot();
  ASSERT_TRUE(started("a"));
  ASSERT_TRUE(wait_log("a.service", "waiting Reloaded"));
  auto lines = log_lines("a.service");
  const std::string at = " at=" + policies_.file("bus.policy") + ":";
  ASSERT_EQ(lines.size(), 8u) << ::testing::PrintToString(lines);
  EXPECT_EQ(lines[0], "busrule users=[*] groups=[] service=*.service rights=[status] manager=[]" + at + "2");
  EXPECT_EQ(lines[1], "busrule users=[root 1000] groups=[wheel adm] service=web-*.service rights=[status restart] "
                      "manager=[reload inspect]" + at + "7");
  EXPECT_EQ(lines[2], "busrule users=[] groups=[0] service= rights=[] manager=[list]" + at + "13");
  EXPECT_EQ(lines[3], "busrules 3");
  EXPECT_EQ(lines[4], "derived 2");
  EXPECT_EQ(lines[5].rfind(kAccessDenied, 0), 0u) << "slot 2 lacks list: " << lines[5];
  EXPECT_TRUE(audited({"action=invoke subject=a.service slot=2 object=manager", "asked=\"list\"",
                       "result=denied (right not held)"}));

  // A reload brings the rules then in effect; a broken file brings none.
  policy("bus.policy", "[Bus]\nUser=alice\nService=web\nRights=status\n");
  policy("broken.policy", "[Bus]\nUser=mallory\nService=*\nRights=status kill everything\n");
  supervisor_->reload();
  ASSERT_TRUE(wait_log("a.service", "busrules 1"));
  EXPECT_TRUE(has_log("a.service", "busrule users=[alice] groups=[] service=web.service rights=[status] manager=[]" +
                                       at + "1"));
  EXPECT_FALSE(has_log("a.service", "mallory"));
}

}  // namespace
}  // namespace vermilion
