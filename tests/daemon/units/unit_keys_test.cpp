#include "units/unit_keys.h"

#include <gtest/gtest.h>

namespace vermilion {
namespace {

struct Loaded {
  ServiceConfig config;
  Diagnostics diags;
  bool ok = true;
};

Loaded apply(std::string_view text, std::string name = "t.service") {
  RuntimeIdentity id;
  id.user_name = "root";
  id.home = "/root";
  id.runtime_dir = "/run";
  id.host_name = "h";
  SpecifierResolver specifiers(name, id);
  Loaded out;
  out.config.name = name;
  auto syntax = parse_unit_file_syntax(text, "t.service", out.diags);
  out.ok = apply_service_assignments(syntax, "t.service", {specifiers, id}, out.config, out.diags);
  return out;
}

TEST(ServiceKeys, ImplementedKeysFillTheConfig) {
  auto l = apply(R"([Unit]
Description=%p on %H
Wants=a.service b.target
After=a.service
StartLimitIntervalSec=20s
StartLimitBurst=7
[Service]
Type=notify
ExecStart=/bin/srv --name %n
Restart=on-watchdog
RestartSec=1min
TimeoutSec=10
RemainAfterExit=yes
PIDFile=srv.pid
KillMode=mixed
KillSignal=HUP
SendSIGKILL=off
User=nobody
Group=nogroup
UMask=077
StandardOutput=null
StandardError=file:/tmp/err.log
NoNewPrivileges=true
LimitNOFILE=100
RuntimeDirectory=a a/b
WatchdogSec=infinity
StartLimitInterval=30s
)");
  EXPECT_TRUE(l.ok);
  EXPECT_TRUE(l.diags.items().empty());
  const auto& c = l.config;
  EXPECT_EQ(c.description, "t on h");
  EXPECT_EQ(c.wants, (std::vector<std::string>{"a.service"}));
  EXPECT_EQ(c.after, (std::vector<std::string>{"a.service"}));
  EXPECT_EQ(c.start_limit_interval, 30 * kUsecPerSec);  // the later [Service] spelling wins
  EXPECT_EQ(c.start_limit_burst, 7u);
  EXPECT_EQ(c.type, ServiceType::notify);
  ASSERT_EQ(c.exec_start.size(), 1u);
  EXPECT_EQ(c.exec_start[0].argv.back(), "t.service");
  EXPECT_EQ(c.exec_start[0].where.line, 9u);
  EXPECT_EQ(c.restart, RestartPolicy::on_watchdog);
  EXPECT_EQ(c.restart_sec, 60 * kUsecPerSec);
  EXPECT_EQ(c.timeout_start, 10 * kUsecPerSec);
  EXPECT_EQ(c.timeout_stop, 10 * kUsecPerSec);
  EXPECT_TRUE(c.remain_after_exit);
  EXPECT_EQ(c.pid_file, "/run/srv.pid");
  EXPECT_EQ(c.kill_mode, KillMode::mixed);
  EXPECT_EQ(c.kill_signal, SIGHUP);
  EXPECT_FALSE(c.send_sigkill);
  EXPECT_EQ(c.user, "nobody");
  EXPECT_EQ(c.group, "nogroup");
  EXPECT_EQ(c.umask, 077u);
  EXPECT_EQ(c.standard_output.kind, OutputKind::null);
  EXPECT_EQ(c.standard_error.kind, OutputKind::file);
  EXPECT_EQ(c.standard_error.path, "/tmp/err.log");
  EXPECT_TRUE(c.no_new_privileges);
  EXPECT_EQ(c.limits.at(RLIMIT_NOFILE).soft, 100u);
  EXPECT_EQ(c.runtime_directory, (std::vector<std::string>{"a", "a/b"}));
  EXPECT_EQ(c.watchdog_usec, 0u);
}

// A unit file is bytes; its description goes onto D-Bus, which takes UTF-8.
TEST(ServiceKeys, DescriptionThatIsNotUtf8IsEscapedOnce) {
  auto l = apply("[Unit]\nDescription=caf\xc3\xa9 \xff\xfe end\n[Service]\nExecStart=/bin/true\n");
  EXPECT_TRUE(l.ok);
  EXPECT_EQ(l.config.description, "caf\xc3\xa9 \\xff\\xfe end");
}

TEST(ServiceKeys, EmptyAssignmentResetsLists) {
  auto l = apply(R"([Unit]
After=a.service
After=
After=b.service
ConditionPathExists=/x
ConditionPathExists=
[Service]
Type=oneshot
ExecStart=/bin/a
ExecStart=
ExecStart=/bin/b
Environment=A=1 B=2
Environment=
Environment=C=3
SuccessExitStatus=1 2
SuccessExitStatus=
SuccessExitStatus=3
SupplementaryGroups=a
SupplementaryGroups=
EnvironmentFile=/a
EnvironmentFile=
[Install]
WantedBy=multi-user.target
WantedBy=
)");
  EXPECT_TRUE(l.ok);
  const auto& c = l.config;
  EXPECT_EQ(c.after, (std::vector<std::string>{"b.service"}));
  EXPECT_TRUE(c.condition_path_exists.empty());
  ASSERT_EQ(c.exec_start.size(), 1u);
  EXPECT_EQ(c.exec_start[0].path, "/bin/b");
  EXPECT_EQ(c.environment, (std::vector<std::string>{"C=3"}));
  EXPECT_EQ(c.success_exit_status.codes, (std::set<int>{3}));
  EXPECT_TRUE(c.supplementary_groups.empty());
  EXPECT_TRUE(c.environment_files.empty());
  EXPECT_TRUE(c.wanted_by.empty());
  EXPECT_TRUE(c.start_at_boot);  // set once seen; systemd would also keep the symlink
}

TEST(ServiceKeys, EnvironmentQuotingAndOverride) {
  auto l = apply("[Service]\nEnvironment=\"A=x y\" 'B=$C' A=z D=%n\n");
  EXPECT_EQ(l.config.environment, (std::vector<std::string>{"B=$C", "A=z", "D=t.service"}));
  auto bad = apply("[Service]\nEnvironment=\"A=1\n");
  EXPECT_TRUE(bad.ok);  // systemd only warns
  EXPECT_EQ(bad.diags.items().size(), 1u);
}

TEST(ServiceKeys, ConditionsOutputsWorkingDirectoryAndInstall) {
  auto l = apply(R"([Unit]
ConditionPathExists=|!/etc/x
[Service]
WorkingDirectory=-~
EnvironmentFile=-/etc/default/%p
StandardOutput=journal+console
StandardError=truncate:/var/log/e
Type=dbus
[Install]
WantedBy=graphical.target
RequiredBy=x.service
Alias=other.service other.service
)");
  EXPECT_TRUE(l.ok);
  const auto& c = l.config;
  ASSERT_EQ(c.condition_path_exists.size(), 1u);
  EXPECT_TRUE(c.condition_path_exists[0].trigger);
  EXPECT_TRUE(c.condition_path_exists[0].negate);
  EXPECT_EQ(c.condition_path_exists[0].path, "/etc/x");
  EXPECT_EQ(c.working_directory, "~");
  EXPECT_TRUE(c.working_directory_optional);
  ASSERT_EQ(c.environment_files.size(), 1u);
  EXPECT_EQ(c.environment_files[0].path, "/etc/default/t");
  EXPECT_TRUE(c.environment_files[0].optional);
  EXPECT_EQ(c.standard_output.kind, OutputKind::journal);
  EXPECT_EQ(c.standard_error.kind, OutputKind::file);
  EXPECT_EQ(c.type, ServiceType::simple);
  EXPECT_FALSE(c.start_at_boot);
  EXPECT_EQ(c.wanted_by, (std::vector<std::string>{"graphical.target"}));
  EXPECT_EQ(c.required_by, (std::vector<std::string>{"x.service"}));
  EXPECT_EQ(c.aliases, (std::vector<std::string>{"other.service"}));
  EXPECT_EQ(l.diags.items().size(), 2u);  // journal+console, Type=dbus
}

TEST(ServiceKeys, InvalidValuesAreErrorsAndParsingContinues) {
  auto l = apply("[Service]\nRestart=x\nType=y\nUser=ok\nAlias=foo.target\n[Install]\nAlias=foo.target\n");
  EXPECT_FALSE(l.ok);
  EXPECT_EQ(l.config.user, "ok");
  int errors = 0;
  for (auto& d : l.diags.items()) errors += d.severity == Severity::error;
  EXPECT_EQ(errors, 3);  // Restart, Type, [Install] Alias; [Service] Alias is an unknown key
}

TEST(ServiceKeys, NonServiceDependencies) {
  auto l = apply("[Unit]\nBindsTo=dev-sda.device x.service\nBefore=shutdown.target\nConflicts=getty@.service\n");
  EXPECT_FALSE(l.ok);  // a template is no dependency
  EXPECT_EQ(l.config.binds_to, (std::vector<std::string>{"x.service"}));
  EXPECT_TRUE(l.config.before.empty());
}

TEST(VerifyService, Rules) {
  ServiceConfig c;
  Diagnostics d;
  EXPECT_FALSE(verify_service_config(c, d));  // no ExecStart
  c.exec_start.push_back({});
  EXPECT_TRUE(verify_service_config(c, d));
  c.exec_start.push_back({});
  EXPECT_FALSE(verify_service_config(c, d));
  c.type = ServiceType::oneshot;
  EXPECT_TRUE(verify_service_config(c, d));
  c.restart = RestartPolicy::on_success;
  EXPECT_FALSE(verify_service_config(c, d));
  c.restart = RestartPolicy::on_failure;
  EXPECT_TRUE(verify_service_config(c, d));
  c.exec_start.clear();
  EXPECT_FALSE(verify_service_config(c, d));
  c.exec_stop.push_back({});
  EXPECT_TRUE(verify_service_config(c, d));
}

}  // namespace
}  // namespace vermilion

namespace vermilion {
namespace {

TEST(ServiceKeys, DependencyNamesWithoutSuffixMeanServices) {
  auto l = apply("[Unit]\nRequires=db\nAfter=db network.target\nWants=cache.service\n"
                 "[Service]\nExecStart=/bin/true\n");
  EXPECT_FALSE(l.diags.has_errors());
  EXPECT_EQ(l.config.requires_, std::vector<std::string>{"db.service"});
  EXPECT_EQ(l.config.after, std::vector<std::string>{"db.service"});
  EXPECT_EQ(l.config.wants, std::vector<std::string>{"cache.service"});
}

}  // namespace
}  // namespace vermilion
