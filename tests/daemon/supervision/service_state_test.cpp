#include "supervision/service_state.h"

#include <gtest/gtest.h>

#include <set>
#include <utility>
#include <vector>

namespace vermilion {
namespace {

const std::vector<SubState> kAllSubStates = {
    SubState::dead,          SubState::condition,     SubState::start_pre,    SubState::start,
    SubState::start_post,
    SubState::running,       SubState::exited,        SubState::reload,       SubState::stop,
    SubState::stop_watchdog, SubState::stop_sigterm,  SubState::stop_sigkill, SubState::stop_post,
    SubState::final_watchdog, SubState::final_sigterm, SubState::final_sigkill, SubState::auto_restart,
    SubState::failed};

// systemd's service_state_table (src/core/service.c), which decides what
// `systemctl is-active` says for each sub-state.
TEST(ServiceState, ActiveStateOfEachSubStateIsSystemds) {
  const std::vector<std::pair<SubState, ActiveState>> table = {
      {SubState::dead, ActiveState::inactive},
      {SubState::condition, ActiveState::activating},
      {SubState::start_pre, ActiveState::activating},
      {SubState::start, ActiveState::activating},
      {SubState::start_post, ActiveState::activating},
      {SubState::running, ActiveState::active},
      {SubState::exited, ActiveState::active},
      {SubState::reload, ActiveState::reloading},
      {SubState::stop, ActiveState::deactivating},
      {SubState::stop_watchdog, ActiveState::deactivating},
      {SubState::stop_sigterm, ActiveState::deactivating},
      {SubState::stop_sigkill, ActiveState::deactivating},
      {SubState::stop_post, ActiveState::deactivating},
      {SubState::final_watchdog, ActiveState::deactivating},
      {SubState::final_sigterm, ActiveState::deactivating},
      {SubState::final_sigkill, ActiveState::deactivating},
      {SubState::auto_restart, ActiveState::activating},
      {SubState::failed, ActiveState::failed},
  };
  ASSERT_EQ(table.size(), kAllSubStates.size());
  for (const auto& [sub, active] : table)
    EXPECT_EQ(active_state_of(sub, false), active) << to_string(sub);
}

TEST(ServiceState, ReloadingByNotifyOnlyAffectsRunning) {
  // RELOADING=1 from a running service: "reloading" until READY=1.
  EXPECT_EQ(active_state_of(SubState::running, true), ActiveState::reloading);
  for (SubState sub : kAllSubStates) {
    if (sub == SubState::running) continue;
    EXPECT_EQ(active_state_of(sub, true), active_state_of(sub, false)) << to_string(sub);
  }
}

TEST(ServiceState, NamesAreSystemds) {
  EXPECT_EQ(to_string(ActiveState::inactive), "inactive");
  EXPECT_EQ(to_string(ActiveState::activating), "activating");
  EXPECT_EQ(to_string(ActiveState::active), "active");
  EXPECT_EQ(to_string(ActiveState::deactivating), "deactivating");
  EXPECT_EQ(to_string(ActiveState::failed), "failed");
  EXPECT_EQ(to_string(ActiveState::reloading), "reloading");

  EXPECT_EQ(to_string(SubState::condition), "condition");
  EXPECT_EQ(to_string(SubState::start_pre), "start-pre");
  EXPECT_EQ(to_string(SubState::stop_sigterm), "stop-sigterm");
  EXPECT_EQ(to_string(SubState::final_sigkill), "final-sigkill");
  EXPECT_EQ(to_string(SubState::final_watchdog), "final-watchdog");
  EXPECT_EQ(to_string(SubState::auto_restart), "auto-restart");
  std::set<std::string_view> names;
  for (SubState sub : kAllSubStates) names.insert(to_string(sub));
  EXPECT_EQ(names.size(), kAllSubStates.size()) << "no two sub-states read alike";

  EXPECT_EQ(to_string(ServiceResult::success), "success");
  EXPECT_EQ(to_string(ServiceResult::exit_code), "exit-code");
  EXPECT_EQ(to_string(ServiceResult::signal), "signal");
  EXPECT_EQ(to_string(ServiceResult::core_dump), "core-dump");
  EXPECT_EQ(to_string(ServiceResult::timeout), "timeout");
  EXPECT_EQ(to_string(ServiceResult::watchdog), "watchdog");
  EXPECT_EQ(to_string(ServiceResult::start_limit_hit), "start-limit-hit");
  EXPECT_EQ(to_string(ServiceResult::resources), "resources");
  EXPECT_EQ(to_string(ServiceResult::protocol), "protocol");
  EXPECT_EQ(to_string(ServiceResult::exec_condition), "exec-condition");
}

}  // namespace
}  // namespace vermilion
