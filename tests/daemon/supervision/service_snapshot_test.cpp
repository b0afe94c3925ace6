#include "supervision/service_snapshot.h"

#include <gtest/gtest.h>

#include "fake_system.h"

namespace vermilion {
namespace {

using testing::FakeEventPort;
using testing::FakeSystemOps;
using testing::make_config;

class QuietListener : public ServiceListener {
 public:
  void on_state_changed(Service&, ActiveState, SubState) noexcept override {}
  void on_properties_changed(Service&) noexcept override {}
  void on_pid_attached(Service&, pid_t) noexcept override {}
  void on_pid_detached(Service&, pid_t) noexcept override {}
  void on_service_message(Service&, std::string_view) noexcept override {}
  void on_run_begins(Service&, const ServiceConfig&) noexcept override {}
};

class ServiceSnapshotTest : public ::testing::Test {
 protected:
  Service& make(ServiceConfig config) {
    service_ = std::make_unique<Service>(std::make_shared<ServiceConfig>(std::move(config)),
                                         ServiceEnvironment{ops_, port_, listener_, "/run/notify", false}, -1);
    return *service_;
  }
  FakeSystemOps ops_;
  FakeEventPort port_;
  QuietListener listener_;
  std::unique_ptr<Service> service_;
};

TEST_F(ServiceSnapshotTest, ANewServiceInSystemdsWords) {
  ServiceConfig config = make_config("web.service");
  config.description = "The web server";
  ServiceStatus s = status_of(make(config));
  EXPECT_EQ(s.name, "web.service");
  EXPECT_EQ(s.description, "The web server");
  EXPECT_EQ(s.load_state, "loaded");
  EXPECT_EQ(s.active_state, "inactive");
  EXPECT_EQ(s.sub_state, "dead");
  EXPECT_EQ(s.result, "success");
  EXPECT_EQ(s.main_pid, 0u);
  EXPECT_EQ(s.n_restarts, 0u);
  EXPECT_EQ(s.active_enter_timestamp, 0u) << "never active";
  EXPECT_EQ(s.status_text, "");
  EXPECT_EQ(s.invocation_id, "") << "never started";
}

TEST_F(ServiceSnapshotTest, EveryFieldComesFromTheStateMachineAtThatMoment) {
  Service& service = make(make_config("n.service", ServiceType::notify));
  ASSERT_EQ(service.start(), StartOutcome::started);
  ServiceStatus starting = status_of(service);
  EXPECT_EQ(starting.active_state, "activating");
  EXPECT_EQ(starting.sub_state, "start");
  EXPECT_EQ(starting.main_pid, static_cast<std::uint32_t>(service.main_pid()));
  EXPECT_NE(starting.main_pid, 0u);
  EXPECT_EQ(starting.invocation_id, service.invocation_id());
  EXPECT_EQ(starting.invocation_id.size(), 32u);

  port_.advance(5);
  NotifyMessage ready;
  ready.ready = true;
  ready.status = "serving";
  service.on_notify(service.main_pid(), ready, true);
  ServiceStatus running = status_of(service);
  EXPECT_EQ(running.active_state, "active");
  EXPECT_EQ(running.sub_state, "running");
  EXPECT_EQ(running.status_text, "serving");
  EXPECT_EQ(running.active_enter_timestamp, port_.now_realtime());
  EXPECT_EQ(starting.status_text, "") << "an earlier snapshot keeps its own moment";
  EXPECT_EQ(starting.active_enter_timestamp, 0u);
}

TEST_F(ServiceSnapshotTest, ABrokenUnitSaysBadSetting) {
  ServiceConfig config = make_config("broken.service");
  config.load_state = LoadState::bad_setting;
  EXPECT_EQ(status_of(make(config)).load_state, "bad-setting");
}

}  // namespace
}  // namespace vermilion
