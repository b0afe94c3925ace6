// The private link's methods (link_calls.cpp), called by a real sd-bus
// client on the other end of the socketpair, both ends on one sd-event loop
// in this process. The broker is real; what it controls is a fake that
// records what was asked. Replies and signals are waited for on the loop.
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/error_names.h"
#include "common/out_of_memory.h"
#include "link/link_server.h"
#include "loop_wait.h"
#include "table_control.h"
#include "temp_dir.h"

namespace vermilion {
namespace {

using testing::run_until;

constexpr const char* kServiceInterface = "org.vermilion1.ServiceCapability";
constexpr const char* kManagerInterface = "org.vermilion1.ManagerCapability";
constexpr const char* kCapabilityInterface = "org.vermilion1.Capability";
constexpr const char* kFdInterface = "org.vermilion1.FdCapability";

using FakeControl = testing::TableControl;

// A reply (or error) to one call.
class Reply {
 public:
  Reply() = default;
  explicit Reply(sd_bus_message* m) : m_(sd_bus_message_ref(m)) {}
  Reply(Reply&& other) noexcept : m_(std::exchange(other.m_, nullptr)) {}
  Reply& operator=(Reply&& other) noexcept {
    std::swap(m_, other.m_);
    return *this;
  }
  ~Reply() { sd_bus_message_unref(m_); }
  [[nodiscard]] bool arrived() const { return m_ != nullptr; }
  [[nodiscard]] bool ok() const { return m_ && !sd_bus_message_is_method_error(m_, nullptr); }
  [[nodiscard]] std::string error() const {
    const sd_bus_error* e = m_ ? sd_bus_message_get_error(m_) : nullptr;
    return e && e->name ? e->name : "";
  }
  [[nodiscard]] sd_bus_message* get() const { return m_; }

 private:
  sd_bus_message* m_ = nullptr;
};

class LinkCallsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServiceStatus web;
    web.name = "web.service";
    web.description = "The web server";
    web.active_state = "active";
    web.sub_state = "running";
    web.result = "success";
    web.main_pid = 42;
    web.n_restarts = 2;
    control_.services[web.name] = web;
    ServiceStatus db = web;
    db.name = "db.service";
    db.description = "The database";
    control_.services[db.name] = db;
    control_.log_lines = {LogLine{1'700'000'000'000'000ULL, "started"}, LogLine{1'700'000'000'000'001ULL, "bad \xff byte"}};
    data_.write("data", "granted contents");

    // Slots follow policy order: 1 service:web, 2 manager, 3 fd:data.
    PolicySet policy;
    PolicyGrant service;
    service.to = "panel.service";
    service.kind = CapabilityKind::service;
    service.object = "web.service";
    service.rights = rights::status | rights::start | rights::logs | rights::kill;
    service.badge = 7;
    policy.grants.push_back(service);
    PolicyGrant manager;
    manager.to = "panel.service";
    manager.kind = CapabilityKind::manager;
    manager.rights = rights::list | rights::reload;
    policy.grants.push_back(manager);
    PolicyGrant fd;
    fd.to = "panel.service";
    fd.kind = CapabilityKind::fd;
    fd.object = "data";
    fd.rights = rights::use;
    fd.fd = FdSpec{FdSpec::Type::file, data_.file("data"), FdSpec::FileMode::read, "data", 0666};
    policy.grants.push_back(fd);
    PolicyGrant enabler = manager;  // slot 4
    enabler.rights = rights::enable;
    policy.grants.push_back(enabler);
    PolicyGrant bus_names = manager;  // slot 5
    bus_names.rights = rights::bus_names;
    policy.grants.push_back(bus_names);
    broker_.apply_policy(policy);

    sd_event* e = nullptr;
    ASSERT_GE(sd_event_new(&e), 0);
    loop_.reset(e);
    fd_pair pair;
    ASSERT_EQ(make_socketpair(pair, AF_UNIX, SOCK_STREAM), 0);
    ASSERT_EQ(LinkServer::create(loop_.get(), broker_, "panel.service", std::move(pair.second),
                                 [this](LinkServer&, const std::string&) { closed_ = true; }, link_),
              0);
    // The child's end, as tests/helpers/link_client.c sets it up.
    ASSERT_GE(sd_bus_new(&client_), 0);
    ASSERT_GE(sd_bus_set_fd(client_, pair.first.get(), pair.first.get()), 0);
    client_fd_ = std::move(pair.first);
    ASSERT_GE(sd_bus_set_anonymous(client_, 1), 0);
    ASSERT_GE(sd_bus_negotiate_fds(client_, 1), 0);
    ASSERT_GE(sd_bus_start(client_), 0);
    ASSERT_GE(sd_bus_attach_event(client_, loop_.get(), 0), 0);
    ASSERT_GE(sd_bus_match_signal(client_, nullptr, nullptr, kLinkPath, kLinkInterface, nullptr,
                                  &LinkCallsTest::on_signal, this),
              0);
  }
  void TearDown() override {
    if (client_) {
      sd_bus_detach_event(client_);
      sd_bus_flush_close_unref(client_);
    }
    (void)client_fd_.release();  // sd-bus closed it
    link_.reset();
  }

  static int on_signal(sd_bus_message* m, void* self, sd_bus_error*) {
    static_cast<LinkCallsTest*>(self)->signals_.push_back(sd_bus_message_get_member(m));
    return 0;
  }
  static int on_reply(sd_bus_message* m, void* out, sd_bus_error*) {
    *static_cast<Reply*>(out) = Reply(m);
    return 0;
  }

  // Sends a call; its reply lands in `out` once the loop delivered it.
  template <typename... Args>
  void send(Reply& out, const std::string& path, const char* interface, const char* member, const char* types,
            Args... args) {
    sd_bus_message* m = nullptr;
    ASSERT_GE(sd_bus_message_new_method_call(client_, &m, nullptr, path.c_str(), interface, member), 0);
    if (types && *types) {
      ASSERT_GE(sd_bus_message_append(m, types, args...), 0);
    }
    ASSERT_GE(sd_bus_call_async(client_, nullptr, m, &LinkCallsTest::on_reply, &out, 0), 0);
    sd_bus_message_unref(m);
  }
  template <typename... Args>
  Reply call(const std::string& path, const char* interface, const char* member, const char* types = "",
             Args... args) {
    Reply out;
    send(out, path, interface, member, types, args...);
    EXPECT_TRUE(run_until(loop_.get(), [&] { return out.arrived(); })) << member << ": no reply";
    return out;
  }
  static std::string cap(Slot slot) { return capability_path(slot); }

  testing::TempDir data_;
  FakeControl control_;
  Logger quiet_{LogLevel::error};
  Broker broker_{control_, quiet_};
  EventLoopPtr loop_;
  std::unique_ptr<LinkServer> link_;
  sd_bus* client_ = nullptr;
  unique_fd client_fd_;
  std::vector<std::string> signals_;
  bool closed_ = false;
};

TEST_F(LinkCallsTest, ListCapabilitiesIsTheHoldersCList) {
  Reply r = call(kLinkPath, kLinkInterface, "ListCapabilities");
  ASSERT_TRUE(r.ok()) << r.error();
  ASSERT_GE(sd_bus_message_enter_container(r.get(), 'a', "(usssto)"), 0);
  std::vector<std::string> rows;
  uint32_t slot;
  const char *kind, *object, *rights, *path;
  uint64_t badge;
  while (sd_bus_message_read(r.get(), "(usssto)", &slot, &kind, &object, &rights, &badge, &path) > 0)
    rows.push_back(std::to_string(slot) + " " + kind + " " + object + " [" + rights + "] " + std::to_string(badge) +
                   " " + path);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].rfind("1 service web.service [", 0), 0u) << rows[0];
  EXPECT_NE(rows[0].find("] 7 /org/vermilion1/link/cap/1"), std::string::npos) << rows[0];
  EXPECT_EQ(rows[1].rfind("2 manager", 0), 0u) << rows[1];
  EXPECT_EQ(rows[2].rfind("3 fd data", 0), 0u) << rows[2];
  EXPECT_EQ(rows[3].rfind("4 manager  [enable]", 0), 0u) << rows[3];
}

// Enablement through a manager capability: changing unit files needs
// `enable`, reading their states `list`; the reply lists systemd's change
// rows, and errors carry systemctl's words.
TEST_F(LinkCallsTest, EnablementNeedsTheEnableRight) {
  data_.write("units/web.service", "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n");
  control_.install_paths = InstallPaths{{data_.file("etc"), data_.file("units")}, data_.file("etc"), ""};
  EXPECT_EQ(call(cap(2), kManagerInterface, "EnableUnitFiles", "as", 1, "web.service").error(),
            error_names::kAccessDenied)
      << "list and reload do not allow enabling";
  Reply r = call(cap(4), kManagerInterface, "EnableUnitFiles", "as", 1, "web.service");
  ASSERT_TRUE(r.ok()) << r.error();
  const char *type, *path, *target;
  ASSERT_GE(sd_bus_message_read(r.get(), "a(sss)", 1, &type, &path, &target), 0);
  EXPECT_STREQ(type, "symlink");
  EXPECT_EQ(std::string(path), data_.file("etc/multi-user.target.wants/web.service"));
  EXPECT_EQ(std::string(target), data_.file("units/web.service"));

  r = call(cap(2), kManagerInterface, "GetUnitFileState", "s", "web.service");
  const char* state = nullptr;
  ASSERT_GE(sd_bus_message_read(r.get(), "s", &state), 0) << r.error();
  EXPECT_STREQ(state, "enabled");
  EXPECT_EQ(call(cap(2), kManagerInterface, "GetUnitFileState", "s", "nope.service").error(),
            error_names::kNoSuchUnitFile);
  r = call(cap(2), kManagerInterface, "ListUnitFiles");
  const char *name = nullptr, *listed = nullptr;
  ASSERT_GE(sd_bus_message_read(r.get(), "a(ss)", 1, &name, &listed), 0) << r.error();
  EXPECT_STREQ(name, "web.service");
  r = call(cap(2), kManagerInterface, "ListUnitFilePaths");
  const char *path_listed = nullptr, *preset = nullptr;
  ASSERT_GE(sd_bus_message_read(r.get(), "a(sss)", 1, &path_listed, &listed, &preset), 0) << r.error();
  EXPECT_EQ(std::string(path_listed), data_.file("units/web.service")) << "the path in the search path, as systemd's";
  EXPECT_STREQ(listed, "enabled");
  EXPECT_STREQ(preset, "enabled") << "no preset files: systemd enables";
  EXPECT_EQ(call(cap(4), kManagerInterface, "ListUnitFilePaths").error(), error_names::kAccessDenied);

  EXPECT_EQ(call(cap(4), kManagerInterface, "MaskUnitFiles", "as", 1, "bad name").error(),
            error_names::kInvalidArgs);
  ASSERT_TRUE(call(cap(4), kManagerInterface, "MaskUnitFiles", "as", 1, "web.service").ok());
  EXPECT_EQ(call(cap(4), kManagerInterface, "EnableUnitFiles", "as", 1, "web.service").error(),
            error_names::kUnitMasked);
  EXPECT_TRUE(call(cap(4), kManagerInterface, "UnmaskUnitFiles", "as", 1, "web.service").ok());
  EXPECT_TRUE(call(cap(4), kManagerInterface, "DisableUnitFiles", "as", 1, "web.service").ok());
  r = call(cap(2), kManagerInterface, "GetUnitFileState", "s", "web.service");
  ASSERT_GE(sd_bus_message_read(r.get(), "s", &state), 0) << r.error();
  EXPECT_STREQ(state, "disabled");
}

// The bridge's report of bus name owners needs `bus-names`; every name is
// checked (a well-known name, a unique owner or none) before any is passed on.
TEST_F(LinkCallsTest, BusNameOwnersNeedTheRightAndValidNames) {
  EXPECT_EQ(call(cap(2), kManagerInterface, "BusNameOwnersChanged", "a{ss}b", 1, "org.example.A", ":1.4", 0).error(),
            error_names::kAccessDenied);
  EXPECT_TRUE(control_.bus_name_reports.empty());
  Reply r = call(cap(5), kManagerInterface, "BusNameOwnersChanged", "a{ss}b", 2, "org.example.A", ":1.4",
                 "org.example.B", "", 1);
  ASSERT_TRUE(r.ok()) << r.error();
  ASSERT_EQ(control_.bus_name_reports.size(), 1u);
  using Owners = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(control_.bus_name_reports[0].first, (Owners{{"org.example.A", ":1.4"}, {"org.example.B", ""}}));
  EXPECT_TRUE(control_.bus_name_reports[0].second);
  for (auto [name, owner] : {std::pair{":1.4", ":1.5"}, std::pair{"no dots", ""}, std::pair{"", ""},
                             std::pair{"org.example.A", "org.example.B"}, std::pair{"org.example.A", ":"}}) {
    r = call(cap(5), kManagerInterface, "BusNameOwnersChanged", "a{ss}b", 2, "org.example.C", ":1.9", name, owner, 0);
    EXPECT_EQ(r.error(), error_names::kInvalidArgs) << name << " " << owner;
  }
  EXPECT_EQ(control_.bus_name_reports.size(), 1u) << "a list with one bad name is refused whole";
}

// systemctl preset, set-default and GetUnitFileLinks: changes need
// `enable`, reading the links `list`; ListUnitFilePaths carries the preset.
TEST_F(LinkCallsTest, PresetsSetDefaultAndLinks) {
  data_.write("units/web.service", "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n");
  data_.write("units/db.service", "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n");
  data_.write("units/multi-user.target", "[Unit]\n");
  control_.install_paths = InstallPaths{{data_.file("etc"), data_.file("units")}, data_.file("etc"), ""};
  Diagnostics diags;
  control_.presets.add_file("50.preset", "enable web.service\ndisable *\n", diags);

  Reply r = call(cap(2), kManagerInterface, "ListUnitFilePaths");
  ASSERT_TRUE(r.ok()) << r.error();
  std::map<std::string, std::string> presets;
  const char *path = nullptr, *state = nullptr, *preset = nullptr;
  ASSERT_GE(sd_bus_message_enter_container(r.get(), 'a', "(sss)"), 0);
  while (sd_bus_message_read(r.get(), "(sss)", &path, &state, &preset) > 0)
    presets[std::string(path).substr(std::string(path).rfind('/') + 1)] = preset;
  EXPECT_EQ(presets["web.service"], "enabled");
  EXPECT_EQ(presets["db.service"], "disabled");

  EXPECT_EQ(call(cap(2), kManagerInterface, "PresetUnitFiles", "ass", 1, "web.service", "full").error(),
            error_names::kAccessDenied);
  EXPECT_EQ(call(cap(4), kManagerInterface, "PresetUnitFiles", "ass", 1, "web.service", "sideways").error(),
            error_names::kInvalidArgs);
  r = call(cap(4), kManagerInterface, "PresetUnitFiles", "ass", 2, "web.service", "db.service", "");
  ASSERT_TRUE(r.ok()) << r.error();
  const char *type = nullptr, *link = nullptr, *target = nullptr;
  ASSERT_GE(sd_bus_message_read(r.get(), "a(sss)", 1, &type, &link, &target), 0);
  EXPECT_STREQ(type, "symlink");
  EXPECT_EQ(std::string(link), data_.file("etc/multi-user.target.wants/web.service"));
  EXPECT_EQ(call(cap(4), kManagerInterface, "PresetUnitFiles", "ass", 1, "nope.service", "full").error(),
            error_names::kNoSuchUnitFile);

  r = call(cap(2), kManagerInterface, "GetUnitFileLinks", "sb", "web.service", 0);
  ASSERT_TRUE(r.ok()) << r.error();
  const char* one = nullptr;
  ASSERT_GE(sd_bus_message_read(r.get(), "as", 1, &one), 0);
  EXPECT_EQ(std::string(one), data_.file("etc/multi-user.target.wants/web.service"));
  EXPECT_EQ(call(cap(2), kManagerInterface, "GetUnitFileLinks", "sb", "bad name", 0).error(),
            error_names::kInvalidArgs);

  EXPECT_EQ(call(cap(2), kManagerInterface, "SetDefaultTarget", "sb", "multi-user.target", 1).error(),
            error_names::kAccessDenied);
  EXPECT_EQ(call(cap(4), kManagerInterface, "SetDefaultTarget", "sb", "web.service", 1).error(),
            error_names::kInvalidArgs);
  r = call(cap(4), kManagerInterface, "SetDefaultTarget", "sb", "multi-user.target", 1);
  ASSERT_TRUE(r.ok()) << r.error();
  ASSERT_GE(sd_bus_message_read(r.get(), "a(sss)", 1, &type, &link, &target), 0);
  EXPECT_EQ(std::string(link), data_.file("etc/default.target"));
  EXPECT_EQ(std::string(target), data_.file("units/multi-user.target"));

  r = call(cap(4), kManagerInterface, "PresetAllUnitFiles", "s", "disable-only");
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_TRUE(std::filesystem::is_symlink(data_.file("etc/multi-user.target.wants/web.service")));
}

// reset-failed takes the service right `start` and a service the
// capability covers.
TEST_F(LinkCallsTest, ResetFailedNeedsStartOnTheService) {
  control_.services["web.service"].active_state = "failed";
  control_.services["web.service"].sub_state = "failed";
  ASSERT_TRUE(call(cap(1), kServiceInterface, "ResetFailed", "s", "web.service").ok());
  EXPECT_EQ(control_.resets, std::vector<std::string>{"web.service"});
  EXPECT_EQ(control_.services["web.service"].active_state, "inactive");
  EXPECT_EQ(call(cap(1), kServiceInterface, "ResetFailed", "s", "db.service").error(), error_names::kAccessDenied);
  EXPECT_EQ(call(cap(2), kServiceInterface, "ResetFailed", "s", "web.service").error(),
            "org.freedesktop.DBus.Error.UnknownMethod")
      << "a manager capability has no ResetFailed";
}

// CancelJob: the job's caller hears JobFailed "canceled" first, then the
// canceller its reply; without a job, NoSuchJob; `stop` is needed.
TEST_F(LinkCallsTest, CancelJobEndsTheUnitsJob) {
  Reply started;
  send(started, cap(1), kServiceInterface, "Start", "s", "web.service");
  ASSERT_TRUE(run_until(loop_.get(), [&] { return control_.jobs.size() == 1; }));
  EXPECT_EQ(call(cap(1), kServiceInterface, "CancelJob", "s", "web.service").error(), error_names::kAccessDenied)
      << "slot 1 has start, not stop";
  control_.jobs.front().done(JobResult::canceled);  // as the manager does on a cancel
  ASSERT_TRUE(run_until(loop_.get(), [&] { return started.arrived(); }));
  EXPECT_EQ(started.error(), error_names::kJobFailed);
}

TEST_F(LinkCallsTest, CapabilityPropertiesDescribeTheSlot) {
  Reply r = call(cap(1), "org.freedesktop.DBus.Properties", "Get", "ss", kCapabilityInterface, "Object");
  ASSERT_TRUE(r.ok()) << r.error();
  const char* object = nullptr;
  ASSERT_GE(sd_bus_message_read(r.get(), "v", "s", &object), 0);
  EXPECT_STREQ(object, "web.service");
  r = call(cap(1), "org.freedesktop.DBus.Properties", "Get", "ss", kCapabilityInterface, "Badge");
  uint64_t badge = 0;
  ASSERT_GE(sd_bus_message_read(r.get(), "v", "t", &badge), 0);
  EXPECT_EQ(badge, 7u);
}

TEST_F(LinkCallsTest, StatusThroughAServiceCapability) {
  Reply r = call(cap(1), kServiceInterface, "Status", "s", "web.service");
  ASSERT_TRUE(r.ok()) << r.error();
  const char *active, *sub, *result;
  ASSERT_GE(sd_bus_message_read(r.get(), "sss", &active, &sub, &result), 0);
  EXPECT_STREQ(active, "active");
  EXPECT_STREQ(sub, "running");
  EXPECT_STREQ(result, "success");
  r = call(cap(1), kServiceInterface, "Status", "s", "");  // "" is the capability's own service
  EXPECT_TRUE(r.ok()) << r.error();
}

// Out of memory while handling one call fails that call, not vermiliond:
// sd-bus answers NoMemory, and the link goes on (common/out_of_memory.h).
TEST_F(LinkCallsTest, OutOfMemoryFailsOnlyThatCall) {
  control_.out_of_memory_in_status = 1;
  unsigned long reports = out_of_memory_reports();
  Reply r = call(cap(1), kServiceInterface, "Status", "s", "web.service");
  EXPECT_EQ(r.error(), "org.freedesktop.DBus.Error.NoMemory");
  EXPECT_EQ(out_of_memory_reports(), reports + 1);
  EXPECT_FALSE(closed_);
  EXPECT_TRUE(call(cap(1), kServiceInterface, "Status", "s", "web.service").ok());
}

TEST_F(LinkCallsTest, OnlyWhatTheCapabilityCoversIsAllowed) {
  EXPECT_EQ(call(cap(1), kServiceInterface, "Status", "s", "db.service").error(), error_names::kAccessDenied)
      << "another service";
  EXPECT_EQ(call(cap(1), kServiceInterface, "Stop", "s", "web.service").error(), error_names::kAccessDenied)
      << "a right not held";
  EXPECT_TRUE(control_.jobs.empty());
  Reply wrong_kind = call(cap(1), kManagerInterface, "ListServices");
  EXPECT_FALSE(wrong_kind.ok()) << "a service capability has no manager methods";
  Reply no_slot = call(cap(99), kServiceInterface, "Status", "s", "web.service");
  EXPECT_FALSE(no_slot.ok()) << "no object for a slot this link does not hold";
}

TEST_F(LinkCallsTest, AJobIsAnsweredWhenItFinishes) {
  Reply started;
  send(started, cap(1), kServiceInterface, "Start", "s", "web");
  ASSERT_TRUE(run_until(loop_.get(), [&] { return !control_.jobs.empty(); }));
  EXPECT_EQ(control_.jobs[0].type, JobType::start);
  EXPECT_EQ(control_.jobs[0].name, "web.service") << "the name resolved by the broker";
  EXPECT_FALSE(started.arrived()) << "no reply before the job is done";
  control_.jobs[0].done(JobResult::done);
  ASSERT_TRUE(run_until(loop_.get(), [&] { return started.arrived(); }));
  EXPECT_TRUE(started.ok()) << started.error();

  Reply failed;
  send(failed, cap(1), kServiceInterface, "Start", "s", "web.service");
  ASSERT_TRUE(run_until(loop_.get(), [&] { return control_.jobs.size() == 2; }));
  control_.jobs[1].done(JobResult::failed);
  ASSERT_TRUE(run_until(loop_.get(), [&] { return failed.arrived(); }));
  EXPECT_EQ(failed.error(), error_names::kJobFailed);
}

// EnqueueJob: systemd's EnqueueUnitJob, a job type and a job mode; the
// type's right, as Start/Stop/Restart/Reload.
TEST_F(LinkCallsTest, EnqueueJobPassesTheModeAndNeedsTheTypesRight) {
  Reply started;
  send(started, cap(1), kServiceInterface, "EnqueueJob", "sss", "web", "start", "ignore-dependencies");
  ASSERT_TRUE(run_until(loop_.get(), [&] { return !control_.jobs.empty(); }));
  EXPECT_EQ(control_.jobs[0].type, JobType::start);
  EXPECT_EQ(control_.jobs[0].mode, JobMode::ignore_dependencies);
  control_.jobs[0].done(JobResult::done);
  ASSERT_TRUE(run_until(loop_.get(), [&] { return started.arrived(); }));
  EXPECT_TRUE(started.ok()) << started.error();

  EXPECT_EQ(call(cap(1), kServiceInterface, "EnqueueJob", "sss", "web", "stop", "replace").error(),
            error_names::kAccessDenied)
      << "stop is not held";
  EXPECT_EQ(call(cap(1), kServiceInterface, "EnqueueJob", "sss", "web", "start", "sometimes").error(),
            error_names::kInvalidArgs);
  EXPECT_EQ(call(cap(1), kServiceInterface, "EnqueueJob", "sss", "web", "nop", "replace").error(),
            error_names::kInvalidArgs);
  EXPECT_EQ(call(cap(1), kServiceInterface, "EnqueueJob", "sss", "web", "start", "isolate").error(),
            error_names::kInvalidArgs)
      << "isolate is the manager capability's";
  EXPECT_EQ(control_.jobs.size(), 1u);
  control_.refuse_as_destructive = true;
  EXPECT_EQ(call(cap(1), kServiceInterface, "EnqueueJob", "sss", "web", "start", "fail").error(),
            error_names::kTransactionIsDestructive);
}

// A queued job is told by JobQueued (with the call's serial) before its
// reply, even when it ended inside the enqueue; a refused one is not.
TEST_F(LinkCallsTest, JobQueuedComesBeforeTheReply) {
  auto queued = [&] { return std::count(signals_.begin(), signals_.end(), "JobQueued"); };
  Reply started;
  send(started, cap(1), kServiceInterface, "Start", "s", "web");
  ASSERT_TRUE(run_until(loop_.get(), [&] { return queued() == 1; }));
  EXPECT_FALSE(started.arrived());
  control_.jobs[0].done(JobResult::done);
  ASSERT_TRUE(run_until(loop_.get(), [&] { return started.arrived(); }));

  control_.finish_at_once = JobResult::done;
  std::size_t signals_at_reply = 0;
  Reply at_once;
  send(at_once, cap(1), kServiceInterface, "Start", "s", "web");
  ASSERT_TRUE(run_until(loop_.get(), [&] {
    if (at_once.arrived() && signals_at_reply == 0) signals_at_reply = signals_.size();
    return at_once.arrived();
  }));
  EXPECT_TRUE(at_once.ok()) << at_once.error();
  EXPECT_EQ(queued(), 2) << "JobQueued was sent, and came first";
  EXPECT_EQ(signals_.back(), "JobQueued");
  EXPECT_GT(signals_at_reply, 0u);

  control_.finish_at_once.reset();
  control_.refuse_as_destructive = true;
  EXPECT_FALSE(call(cap(1), kServiceInterface, "Start", "s", "web").ok());
  EXPECT_EQ(queued(), 2) << "no JobQueued for a refusal";
}

// systemd's daemon-reload replies once the reload is done; vermiliond's
// reload waits for its generators, so the reply must wait too.
TEST_F(LinkCallsTest, ReloadIsAnsweredOnceTheReloadIsDone) {
  control_.hold_reloads = true;
  Reply reloaded;
  send(reloaded, cap(2), kManagerInterface, "Reload", "");
  ASSERT_TRUE(run_until(loop_.get(), [&] { return control_.reloads == 1; }));
  EXPECT_FALSE(reloaded.arrived()) << "no reply before the reload is done";
  control_.finish_reloads();
  ASSERT_TRUE(run_until(loop_.get(), [&] { return reloaded.arrived(); }));
  EXPECT_TRUE(reloaded.ok()) << reloaded.error();
}

TEST_F(LinkCallsTest, KillChecksTheSignalThenKills) {
  EXPECT_EQ(call(cap(1), kServiceInterface, "Kill", "si", "web.service", 0).error(), error_names::kInvalidArgs);
  EXPECT_EQ(call(cap(1), kServiceInterface, "Kill", "si", "web.service", 4096).error(), error_names::kInvalidArgs);
  EXPECT_TRUE(control_.kills.empty());
  EXPECT_TRUE(call(cap(1), kServiceInterface, "Kill", "si", "web.service", SIGUSR1).ok());
  ASSERT_EQ(control_.kills.size(), 1u);
  EXPECT_EQ(control_.kills[0], (std::pair<std::string, int>{"web.service", SIGUSR1}));
}

TEST_F(LinkCallsTest, LogsAreValidUtf8Lines) {
  Reply r = call(cap(1), kServiceInterface, "GetLogs", "su", "web.service", 10u);
  ASSERT_TRUE(r.ok()) << r.error();
  ASSERT_EQ(control_.asked_logs.size(), 1u);
  EXPECT_EQ(control_.asked_logs[0].second, 10u);
  ASSERT_GE(sd_bus_message_enter_container(r.get(), 'a', "(ts)"), 0);
  uint64_t when;
  const char* text;
  ASSERT_GT(sd_bus_message_read(r.get(), "(ts)", &when, &text), 0);
  EXPECT_EQ(when, 1'700'000'000'000'000ULL);
  EXPECT_STREQ(text, "started");
  ASSERT_GT(sd_bus_message_read(r.get(), "(ts)", &when, &text), 0);
  EXPECT_STREQ(text, "bad \\xff byte") << "output is bytes; D-Bus strings are UTF-8";
}

// systemd's MemoryCurrent, TasksCurrent and CPUUsageNSec, with `status`.
TEST_F(LinkCallsTest, ResourceUsageNamesTheCountersAsSystemd) {
  control_.usage.memory_current_bytes = 4096;
  control_.usage.cpu_usage_nsec = 12'000'000;
  Reply r = call(cap(1), kServiceInterface, "GetResourceUsage", "s", "web.service");
  ASSERT_TRUE(r.ok()) << r.error();
  std::map<std::string, std::uint64_t> counters;
  ASSERT_GE(sd_bus_message_enter_container(r.get(), 'a', "{sv}"), 0);
  const char* key = nullptr;
  std::uint64_t value = 0;
  while (sd_bus_message_enter_container(r.get(), 'e', "sv") > 0) {
    ASSERT_GE(sd_bus_message_read(r.get(), "sv", &key, "t", &value), 0);
    counters[key] = value;
    ASSERT_GE(sd_bus_message_exit_container(r.get()), 0);
  }
  EXPECT_EQ(counters, (std::map<std::string, std::uint64_t>{
                          {"CPUUsageNSec", 12'000'000}, {"MemoryCurrent", 4096}, {"TasksCurrent", UINT64_MAX}}));
  EXPECT_EQ(call(cap(1), kServiceInterface, "GetResourceUsage", "s", "db.service").error(),
            error_names::kAccessDenied)
      << "another service";
  EXPECT_EQ(call(cap(2), kServiceInterface, "GetResourceUsage", "s", "web.service").error(),
            "org.freedesktop.DBus.Error.UnknownMethod")
      << "a manager capability has no service methods";
}

// What org.freedesktop.systemd1.Manager's properties of the same names
// say, each in its own type; Tainted as the control probes it.
TEST_F(LinkCallsTest, ManagerPropertiesCarryTheTaint) {
  control_.taint = "cgroupsv1:local-hwclock";
  Reply r = call(cap(2), kManagerInterface, "GetManagerProperties");
  ASSERT_TRUE(r.ok()) << r.error();
  std::map<std::string, std::string> types;
  std::string tainted;
  ASSERT_GE(sd_bus_message_enter_container(r.get(), 'a', "{sv}"), 0);
  while (sd_bus_message_enter_container(r.get(), 'e', "sv") > 0) {
    const char* key = nullptr;
    const char* contents = nullptr;
    ASSERT_GE(sd_bus_message_read(r.get(), "s", &key), 0);
    ASSERT_GE(sd_bus_message_peek_type(r.get(), nullptr, &contents), 0);
    types[key] = contents;
    if (std::string(key) == "Tainted") {
      const char* text = nullptr;
      ASSERT_GE(sd_bus_message_read(r.get(), "v", "s", &text), 0);
      tainted = text;
    } else {
      ASSERT_GE(sd_bus_message_skip(r.get(), "v"), 0);
    }
    ASSERT_GE(sd_bus_message_exit_container(r.get()), 0);
  }
  EXPECT_EQ(types, (std::map<std::string, std::string>{{"Environment", "as"},
                                                       {"Tainted", "s"},
                                                       {"UnitPath", "as"},
                                                       {"UserspaceTimestamp", "t"},
                                                       {"UserspaceTimestampMonotonic", "t"}}));
  EXPECT_EQ(tainted, "cgroupsv1:local-hwclock");
}

TEST_F(LinkCallsTest, ManagerCapabilityListsAndReloads) {
  Reply r = call(cap(2), kManagerInterface, "ListServices");
  ASSERT_TRUE(r.ok()) << r.error();
  ASSERT_GE(sd_bus_message_enter_container(r.get(), 'a', "(ssss)"), 0);
  std::vector<std::string> names;
  const char *name, *description, *active, *sub;
  while (sd_bus_message_read(r.get(), "(ssss)", &name, &description, &active, &sub) > 0) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"db.service", "web.service"}));

  EXPECT_TRUE(call(cap(2), kManagerInterface, "Reload").ok());
  EXPECT_EQ(control_.reloads, 1);
  EXPECT_EQ(call(cap(2), kManagerInterface, "Watch").error(), error_names::kAccessDenied) << "no watch right";
}

TEST_F(LinkCallsTest, DeriveRevokeAndDrop) {
  Reply derived = call(cap(1), kCapabilityInterface, "Derive", "s", "status");
  ASSERT_TRUE(derived.ok()) << derived.error();
  uint32_t slot = 0;
  const char* path = nullptr;
  ASSERT_GE(sd_bus_message_read(derived.get(), "uo", &slot, &path), 0);
  EXPECT_EQ(slot, 6u);
  EXPECT_EQ(path, cap(6));
  EXPECT_TRUE(call(cap(6), kServiceInterface, "Status", "s", "web.service").ok());
  EXPECT_EQ(call(cap(6), kServiceInterface, "GetLogs", "su", "web.service", 1u).error(), error_names::kAccessDenied)
      << "rights only shrink";
  EXPECT_FALSE(call(cap(1), kCapabilityInterface, "Derive", "s", "status stop").ok()) << "nor grow";

  // Revoking the original revokes what was derived from it; the holder is told.
  EXPECT_TRUE(call(cap(1), kCapabilityInterface, "Revoke").ok());
  EXPECT_TRUE(run_until(loop_.get(), [&] { return !signals_.empty(); }));
  EXPECT_EQ(signals_[0], "Revoked");
  EXPECT_FALSE(call(cap(6), kServiceInterface, "Status", "s", "web.service").ok());

  EXPECT_TRUE(call(cap(2), kCapabilityInterface, "Drop").ok());
  EXPECT_FALSE(call(cap(2), kManagerInterface, "ListServices").ok()) << "dropped: gone from the CList";
}

TEST_F(LinkCallsTest, OpenHandsOverTheFdThePolicyGrants) {
  Reply r = call(cap(3), kFdInterface, "Open");
  ASSERT_TRUE(r.ok()) << r.error();
  int fd = -1;
  ASSERT_GE(sd_bus_message_read(r.get(), "h", &fd), 0);
  char buffer[64] = {};
  ASSERT_GT(pread(fd, buffer, sizeof buffer - 1, 0), 0);
  EXPECT_STREQ(buffer, "granted contents");
}

// A signal the child does not get would leave its view silently wrong:
// one that cannot be sent (here: a description that is not UTF-8, which
// sd-bus refuses to marshal) closes the link instead, and the child sees it.
TEST_F(LinkCallsTest, ASignalThatCannotBeSentClosesTheLink) {
  ASSERT_TRUE(call(cap(2), kManagerInterface, "ListServices").ok());  // the child spoke; all is well
  ServiceStatus bad = control_.services["web.service"];
  bad.description = "not \xff UTF-8";
  link_->service_properties_changed(bad);
  EXPECT_TRUE(closed_) << "the link stayed open after a lost signal";
  EXPECT_TRUE(run_until(loop_.get(), [&] { return sd_bus_is_open(client_) <= 0; }))
      << "the child did not see the disconnect";
}

}  // namespace
}  // namespace vermilion
