#include "units/unit_config.h"

#include <gtest/gtest.h>

#include <string>

#include "units/unit_loader.h"

namespace vermilion {
namespace {

// Names are systemd's, so `systemctl show`-style output and D-Bus
// properties read the same; and every name is what a unit file may say, so
// a value printed can be loaded back.
ServiceConfig load(const std::string& service_section) {
  UnitLoader loader({}, RuntimeIdentity{});
  Diagnostics diags;
  ServiceConfig config =
      loader.load_text("t.service", "t.service", "[Service]\nExecStart=/bin/true\n" + service_section, diags);
  EXPECT_FALSE(diags.has_errors()) << service_section;
  return config;
}

TEST(UnitConfig, LoadStateNames) {
  EXPECT_STREQ(to_string(LoadState::loaded), "loaded");
  EXPECT_STREQ(to_string(LoadState::not_found), "not-found");
  EXPECT_STREQ(to_string(LoadState::bad_setting), "bad-setting");
  EXPECT_STREQ(to_string(LoadState::error), "error");
}

TEST(UnitConfig, ServiceTypeNamesLoad) {
  for (auto [name, t] : {std::pair{"simple", ServiceType::simple}, {"exec", ServiceType::exec},
                         {"notify", ServiceType::notify}, {"oneshot", ServiceType::oneshot},
                         {"forking", ServiceType::forking}}) {
    EXPECT_EQ(load(std::string("Type=") + name + "\n").type, t) << name;
  }
}

TEST(UnitConfig, RestartNamesLoad) {
  for (auto [name, r] : {std::pair{"no", RestartPolicy::no}, {"on-success", RestartPolicy::on_success},
                         {"on-failure", RestartPolicy::on_failure}, {"on-abnormal", RestartPolicy::on_abnormal},
                         {"on-watchdog", RestartPolicy::on_watchdog}, {"on-abort", RestartPolicy::on_abort},
                         {"always", RestartPolicy::always}}) {
    EXPECT_EQ(load(std::string("Restart=") + name + "\n").restart, r) << name;
  }
}

TEST(UnitConfig, KillModeNamesLoad) {
  for (auto [name, k] : {std::pair{"control-group", KillMode::control_group}, {"process", KillMode::process},
                         {"mixed", KillMode::mixed}, {"none", KillMode::none}}) {
    EXPECT_EQ(load(std::string("KillMode=") + name + "\n").kill_mode, k) << name;
  }
}

TEST(UnitConfig, NotifyAccessNamesLoadBack) {
  for (NotifyAccess n : {NotifyAccess::none, NotifyAccess::main, NotifyAccess::exec, NotifyAccess::all})
    EXPECT_EQ(load(std::string("NotifyAccess=") + to_string(n) + "\n").notify_access, n) << to_string(n);
}

TEST(UnitConfig, EffectiveNotifyAccessDefaultsToMainForNotifyOnly) {
  ServiceConfig config;
  EXPECT_EQ(config.effective_notify_access(), NotifyAccess::none) << "Type=simple: nobody may notify";
  config.type = ServiceType::notify;
  EXPECT_EQ(config.effective_notify_access(), NotifyAccess::main);
  config.notify_access = NotifyAccess::all;
  EXPECT_EQ(config.effective_notify_access(), NotifyAccess::all) << "an explicit NotifyAccess= wins";
  config.type = ServiceType::simple;
  config.notify_access = NotifyAccess::none;
  EXPECT_EQ(config.effective_notify_access(), NotifyAccess::none);
  config.notify_access = NotifyAccess::exec;
  EXPECT_EQ(config.effective_notify_access(), NotifyAccess::exec);
}

TEST(UnitConfig, DefaultsAreSystemds) {
  ServiceConfig config;
  EXPECT_EQ(config.type, ServiceType::simple);
  EXPECT_EQ(config.restart, RestartPolicy::no);
  EXPECT_EQ(config.restart_sec, 100'000u) << "100 ms";
  EXPECT_EQ(config.timeout_start, 90 * kUsecPerSec);
  EXPECT_EQ(config.timeout_stop, 90 * kUsecPerSec);
  EXPECT_EQ(config.start_limit_interval, 10 * kUsecPerSec);
  EXPECT_EQ(config.start_limit_burst, 5u);
  EXPECT_EQ(config.kill_mode, KillMode::control_group);
  EXPECT_EQ(config.kill_signal, SIGTERM);
  EXPECT_TRUE(config.send_sigkill);
  EXPECT_EQ(config.umask, 0022u);
  EXPECT_EQ(config.standard_output.kind, OutputKind::journal);
  EXPECT_EQ(config.standard_error.kind, OutputKind::inherit);
  EXPECT_TRUE(ExitStatusSet{}.empty());
  EXPECT_FALSE((ExitStatusSet{{1}, {}}.empty()));
  EXPECT_FALSE((ExitStatusSet{{}, {SIGHUP}}.empty()));
}

}  // namespace
}  // namespace vermilion
