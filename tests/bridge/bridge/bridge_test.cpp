// The Bridge in-process, between a private dbus-daemon and the real broker
// end of a private link (Broker + LinkServer, as vermiliond serves it), over
// a service table the test controls. One thread serves everything once the
// bridge is built; while Bridge::create() makes its blocking first calls on
// the link, a helper thread serves the broker end.
#include "bridge/bridge.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "common/error_names.h"
#include "link/link_server.h"
#include "private_bus.h"
#include "table_control.h"
#include "temp_dir.h"

namespace vermilion::bridge {
namespace {

using vermilion::testing::connect_bus;
using vermilion::testing::monotonic_ms;
using vermilion::testing::PrivateBus;
using vermilion::testing::SdBusPtr;

constexpr const char* kManagerInterface = "org.vermilion1.Manager";
constexpr const char* kBridgeUnit = "vermilion-bridge.service";

using vermilion::testing::TableControl;

ServiceStatus service(const std::string& name, const std::string& description, const std::string& active,
                      const std::string& sub) {
  ServiceStatus s;
  s.name = name;
  s.description = description;
  s.load_state = "loaded";
  s.active_state = active;
  s.sub_state = sub;
  s.result = "success";
  return s;
}

struct Answer {
  bool arrived = false;
  std::string error;  // the error's name; "" for a method return
  sd_bus_message* message = nullptr;
  ~Answer() { sd_bus_message_unref(message); }
};

int on_answer(sd_bus_message* m, void* userdata, sd_bus_error*) {
  auto* answer = static_cast<Answer*>(userdata);
  answer->arrived = true;
  answer->message = sd_bus_message_ref(m);
  if (sd_bus_message_is_method_error(m, nullptr)) answer->error = sd_bus_message_get_error(m)->name;
  return 0;
}

class BridgeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(bus_.ok()) << bus_.error();
    control_.services["web.service"] = service("web.service", "The web server", "active", "running");
    control_.services["db.service"] = service("db.service", "The database", "inactive", "dead");

    // The bridge's CList: the manager, and web.service only. Root may ask
    // for anything on the bus: what it gets is bounded by the CList.
    PolicySet policy;
    PolicyGrant manager;
    manager.to = kBridgeUnit;
    manager.kind = CapabilityKind::manager;
    manager.rights = rights::list | rights::watch | rights::reload;
    policy.grants.push_back(manager);
    PolicyGrant web;
    web.to = kBridgeUnit;
    web.kind = CapabilityKind::service;
    web.object = "web.service";
    web.rights = rights::status | rights::start | rights::stop;
    policy.grants.push_back(web);
    BusRule root;
    root.users = {"root"};
    root.service_glob = "*.service";
    root.rights = rights::start | rights::stop;
    root.manager_rights = rights::list | rights::reload;
    policy.bus_rules.push_back(root);
    BusRule nobody;  // a rule that names someone else gives root nothing
    nobody.users = {"nobody"};
    nobody.service_glob = "*.service";
    nobody.rights = rights::restart;
    policy.bus_rules.push_back(nobody);
    broker_.apply_policy(policy);

    sd_event* e = nullptr;
    ASSERT_GE(sd_event_new(&e), 0);
    loop_.reset(e);
    fd_pair pair;
    ASSERT_EQ(make_socketpair(pair, AF_UNIX, SOCK_STREAM), 0);
    ASSERT_EQ(LinkServer::create(loop_.get(), broker_, kBridgeUnit, std::move(pair.first),
                                 [](LinkServer&, const std::string&) {}, link_),
              0);

    bridge_bus_ = sdbus::createSessionBusConnectionWithAddress(bus_.address());
    std::atomic<bool> built{false};
    std::thread broker_end([&] {
      while (!built) sd_event_run(loop_.get(), 10'000);
    });
    int r = Bridge::create(*bridge_bus_, pair.second.release(), "1.2.3", bridge_);
    built = true;
    broker_end.join();
    ASSERT_EQ(r, 0);

    client_ = connect_bus(bus_.address());
    ASSERT_NE(client_, nullptr);
    bridge_name_ = bridge_bus_->getUniqueName();
  }

  // Serves every connection from this thread until done() or 10 s.
  [[nodiscard]] bool serve_until(const std::function<bool()>& done) {
    const long long deadline = monotonic_ms() + 10'000;
    while (!done()) {
      bool busy = false;
      while (bridge_bus_->processPendingRequest()) busy = true;
      while (sd_bus_process(bridge_->link_bus(), nullptr) > 0) busy = true;
      while (sd_bus_process(client_.get(), nullptr) > 0) busy = true;
      if (sd_event_run(loop_.get(), 0) > 0) busy = true;
      if (done()) break;
      if (monotonic_ms() >= deadline) return false;
      if (busy) continue;
      auto data = bridge_bus_->getEventLoopPollData();
      pollfd fds[] = {{data.fd, data.events, 0},
                      {sd_bus_get_fd(bridge_->link_bus()), static_cast<short>(sd_bus_get_events(bridge_->link_bus())), 0},
                      {sd_bus_get_fd(client_.get()), static_cast<short>(sd_bus_get_events(client_.get())), 0},
                      {sd_event_get_fd(loop_.get()), POLLIN, 0}};
      poll(fds, 4, 20);
    }
    return true;
  }

  template <typename... Args>
  void send(Answer& answer, const char* path, const char* interface, const char* member, const char* types,
            Args... args) {
    ASSERT_GE(sd_bus_call_method_async(client_.get(), nullptr, bridge_name_.c_str(), path, interface, member,
                                       on_answer, &answer, types, args...),
              0);
  }
  template <typename... Args>
  void call(Answer& answer, const char* path, const char* interface, const char* member, const char* types,
            Args... args) {
    send(answer, path, interface, member, types, args...);
    ASSERT_TRUE(serve_until([&] { return answer.arrived; })) << member << ": no answer";
  }

  PrivateBus bus_;
  TableControl control_;
  Logger quiet_{LogLevel::error};
  Broker broker_{control_, quiet_};
  EventLoopPtr loop_;
  std::unique_ptr<LinkServer> link_;
  std::unique_ptr<sdbus::IConnection> bridge_bus_;
  std::unique_ptr<Bridge> bridge_;
  SdBusPtr client_;
  std::string bridge_name_;
};

TEST_F(BridgeTest, TheServiceTableIsOnTheBus) {
  Answer list;
  call(list, kManagerPath, kManagerInterface, "ListServices", "");
  ASSERT_EQ(list.error, "");
  ASSERT_GE(sd_bus_message_enter_container(list.message, 'a', "(sssso)"), 0);
  std::vector<std::string> rows;
  const char *name, *description, *active, *sub, *path;
  while (sd_bus_message_read(list.message, "(sssso)", &name, &description, &active, &sub, &path) > 0)
    rows.push_back(std::string(name) + "|" + description + "|" + active + "|" + sub + "|" + path);
  EXPECT_EQ(rows, (std::vector<std::string>{
                      "db.service|The database|inactive|dead|/org/vermilion1/service/db_2eservice",
                      "web.service|The web server|active|running|/org/vermilion1/service/web_2eservice"}));

  Answer property;
  call(property, "/org/vermilion1/service/web_2eservice", "org.freedesktop.DBus.Properties", "Get", "ss",
       kServiceInterface, "ActiveState");
  ASSERT_EQ(property.error, "");
  const char* state = nullptr;
  ASSERT_GE(sd_bus_message_read(property.message, "v", "s", &state), 0);
  EXPECT_STREQ(state, "active");

  Answer version;
  call(version, kManagerPath, "org.freedesktop.DBus.Properties", "Get", "ss", kManagerInterface, "Version");
  const char* text = nullptr;
  ASSERT_GE(sd_bus_message_read(version.message, "v", "s", &text), 0);
  EXPECT_STREQ(text, "1.2.3");
}

TEST_F(BridgeTest, GetServiceResolvesNamesAsSystemctlDoes) {
  Answer found;
  call(found, kManagerPath, kManagerInterface, "GetService", "s", "web");
  ASSERT_EQ(found.error, "");
  const char* path = nullptr;
  ASSERT_GE(sd_bus_message_read(found.message, "o", &path), 0);
  EXPECT_STREQ(path, "/org/vermilion1/service/web_2eservice");

  Answer unknown;
  call(unknown, kManagerPath, kManagerInterface, "GetService", "s", "mail.service");
  EXPECT_EQ(unknown.error, error_names::kNoSuchService);
  Answer invalid;
  call(invalid, kManagerPath, kManagerInterface, "GetService", "s", "not/a name");
  EXPECT_EQ(invalid.error, error_names::kInvalidArgs);
}

TEST_F(BridgeTest, AnAllowedJobGoesThroughTheLinkAndIsAnsweredWhenDone) {
  Answer started;
  send(started, kManagerPath, kManagerInterface, "StartService", "s", "web.service");
  ASSERT_TRUE(serve_until([&] { return !control_.jobs.empty(); }));
  EXPECT_EQ(control_.jobs[0].type, JobType::start);
  EXPECT_EQ(control_.jobs[0].name, "web.service");
  EXPECT_FALSE(started.arrived) << "the reply waits for the job";
  control_.jobs[0].done(JobResult::done);
  ASSERT_TRUE(serve_until([&] { return started.arrived; }));
  EXPECT_EQ(started.error, "");

  // The same through the service's own object.
  Answer stopped;
  send(stopped, "/org/vermilion1/service/web_2eservice", kServiceInterface, "Stop", "");
  ASSERT_TRUE(serve_until([&] { return control_.jobs.size() == 2; }));
  EXPECT_EQ(control_.jobs[1].type, JobType::stop);
  control_.jobs[1].done(JobResult::failed);
  ASSERT_TRUE(serve_until([&] { return stopped.arrived; }));
  EXPECT_EQ(stopped.error, error_names::kJobFailed);
}

TEST_F(BridgeTest, TheBridgeNeverDoesMoreThanItsCapabilities) {
  // Root's [Bus] rule covers db.service, the bridge's CList does not.
  Answer start_db;
  call(start_db, kManagerPath, kManagerInterface, "StartService", "s", "db.service");
  EXPECT_EQ(start_db.error, error_names::kAccessDenied);
  EXPECT_TRUE(control_.jobs.empty()) << "nothing reached the broker";
}

TEST_F(BridgeTest, ACallerIsLimitedByItsBusRules) {
  // Only nobody may restart; root may not, whatever the bridge holds.
  Answer restart;
  call(restart, kManagerPath, kManagerInterface, "RestartService", "s", "web.service");
  EXPECT_EQ(restart.error, error_names::kAccessDenied);
  EXPECT_TRUE(control_.jobs.empty());
}

TEST_F(BridgeTest, ReloadIsAManagerRequest) {
  Answer reload;
  call(reload, kManagerPath, kManagerInterface, "Reload", "");
  EXPECT_EQ(reload.error, "");
  EXPECT_EQ(control_.reloads, 1);
}

// The unit file table carries each file's preset as vermiliond's policy
// says (systemd1's Unit.UnitFilePreset is served from it), read again when
// vermiliond says unit files changed.
TEST_F(BridgeTest, UnitFilesCarryTheirPreset) {
  vermilion::testing::TempDir units;
  units.write("web.service", "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n");
  units.write("db.service", "[Service]\nExecStart=/bin/true\n");
  control_.install_paths = InstallPaths{{units.path()}, units.path(), ""};
  Diagnostics diags;
  control_.presets.add_file("50.preset", "disable db.*\n", diags);
  broker_.unit_files_changed();
  ASSERT_TRUE(serve_until([&] { return bridge_->unit_files().size() == 2; }));
  EXPECT_EQ(bridge_->unit_files().at("web.service").preset, "enabled");
  EXPECT_EQ(bridge_->unit_files().at("db.service").preset, "disabled");
  EXPECT_EQ(bridge_->unit_files().at("db.service").state, "static");
}

// Any process of a service, not only its main one, names it (vermiliond
// knows its scopes); none is NoSuchService.
TEST_F(BridgeTest, AProcessNamesItsService) {
  control_.process_owners[4242] = "db.service";
  bool arrived = false;
  std::string name, error;
  ASSERT_TRUE(bridge_->service_of_process(4242, [&](const LinkError* failure, const std::string& found) {
    arrived = true;
    name = found;
    if (failure) error = failure->name;
  }));
  ASSERT_TRUE(serve_until([&] { return arrived; }));
  EXPECT_EQ(name, "db.service");
  EXPECT_EQ(error, "");
  arrived = false;
  ASSERT_TRUE(bridge_->service_of_process(4343, [&](const LinkError* failure, const std::string&) {
    arrived = true;
    if (failure) error = failure->name;
  }));
  ASSERT_TRUE(serve_until([&] { return arrived; }));
  EXPECT_EQ(error, error_names::kNoSuchService);
}

}  // namespace
}  // namespace vermilion::bridge
