#include "units/unit_keys.h"

#include <linux/capability.h>
#include <seccomp.h>
#include <sys/mount.h>

#include <gtest/gtest.h>

#include <climits>
#include <fstream>
#include <map>
#include <utility>

namespace vermilion {
namespace {

struct Loaded {
  ServiceConfig config;
  Diagnostics diags;
  bool ok = true;
};

Loaded apply(std::string_view text, std::string name = "t.service", RuntimeScope scope = RuntimeScope::system) {
  RuntimeIdentity id = RuntimeIdentity::for_tests(scope);
  id.host_name = "h";
  SpecifierResolver specifiers(name, id);
  Loaded out;
  out.config.name = name;
  out.config.unit_type = name.ends_with(".target") ? UnitType::target : UnitType::service;
  auto syntax = parse_unit_file_syntax(text, "t.service", out.diags);
  auto result = apply_service_assignments(syntax, "t.service", {specifiers, id}, out.config, out.diags);
  out.ok = !result.bad_setting && !result.load_error;
  return out;
}

std::string messages(const Diagnostics& diags) {
  std::string out;
  for (auto& d : diags.items()) out += format_diagnostic(d) + "\n";
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
  EXPECT_EQ(c.wants, (std::vector<std::string>{"a.service", "b.target"}));  // targets are units Vermilion runs
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
  EXPECT_EQ(c.directory(ExecDirectoryType::runtime).names, (std::vector<std::string>{"a", "a/b"}));
  EXPECT_EQ(c.watchdog_usec, kUsecInfinity);
}

TEST(ServiceKeys, ExecDirectoriesKillSignalsAndProcessKeys) {
  auto l = apply(R"([Service]
ExecStart=/bin/srv
RuntimeDirectory=%p
RuntimeDirectoryMode=2755
RuntimeDirectoryPreserve=restart
StateDirectory=a b/c a
StateDirectoryMode=0700
CacheDirectory=c
LogsDirectory=l
LogsDirectoryMode=750
ConfigurationDirectory=cf
ConfigurationDirectoryMode=0711
RestartKillSignal=SIGUSR1
FinalKillSignal=QUIT
SendSIGHUP=yes
GuessMainPID=no
PermissionsStartOnly=yes
Nice=-5
OOMScoreAdjust=-500
TimeoutStartSec=5
)");
  EXPECT_TRUE(l.ok);
  EXPECT_TRUE(l.diags.items().empty());
  const auto& c = l.config;
  using T = ExecDirectoryType;
  EXPECT_EQ(c.directory(T::runtime).names, std::vector<std::string>{"t"});
  EXPECT_EQ(c.directory(T::runtime).mode, 02755u);
  EXPECT_EQ(c.runtime_directory_preserve, DirectoryPreserve::restart);
  EXPECT_EQ(c.directory(T::state).names, (std::vector<std::string>{"a", "b/c"}));
  EXPECT_EQ(c.directory(T::state).mode, 0700u);
  EXPECT_EQ(c.directory(T::cache).names, std::vector<std::string>{"c"});
  EXPECT_EQ(c.directory(T::cache).mode, 0755u);
  EXPECT_EQ(c.directory(T::logs).mode, 0750u);
  EXPECT_EQ(c.directory(T::configuration).names, std::vector<std::string>{"cf"});
  EXPECT_EQ(c.directory(T::configuration).mode, 0711u);
  EXPECT_EQ(c.restart_kill_signal, SIGUSR1);
  EXPECT_EQ(c.final_kill_signal, SIGQUIT);
  EXPECT_TRUE(c.send_sighup);
  EXPECT_FALSE(c.guess_main_pid);
  EXPECT_TRUE(c.permissions_start_only);
  EXPECT_EQ(c.nice, -5);
  EXPECT_EQ(c.oom_score_adjust, -500);
  EXPECT_TRUE(c.timeout_start_set);
  EXPECT_FALSE(c.type_explicit);
}

// As systemd 252's parsers: an invalid value of these keys is logged and
// that assignment ignored; the unit loads.
TEST(ServiceKeys, InvalidExecDirectoryAndProcessValuesAreIgnored) {
  for (const char* line : {"StateDirectory=../x", "CacheDirectory=/abs", "LogsDirectoryMode=8000",
                           "RuntimeDirectoryPreserve=sometimes", "Nice=20", "OOMScoreAdjust=1001",
                           "FinalKillSignal=SIGNOPE"}) {
    auto l = apply(std::string("[Service]\nExecStart=/bin/srv\n") + line + "\n");
    EXPECT_TRUE(l.ok) << line;
    EXPECT_FALSE(l.diags.has_errors()) << line;
    EXPECT_FALSE(l.diags.items().empty()) << line << " is reported";
    EXPECT_TRUE(l.config.directory(ExecDirectoryType::state).names.empty());
    EXPECT_EQ(l.config.directory(ExecDirectoryType::logs).mode, 0755u);
    EXPECT_FALSE(l.config.nice);
    EXPECT_EQ(l.config.final_kill_signal, SIGKILL);
  }
}

// The sandboxing keys (systemd 252's config_parse_protect_system/_home,
// config_parse_namespace_path_strv): bad values and bad paths are reported
// and ignored one by one; an empty assignment resets a list.
TEST(ServiceKeys, SandboxingKeys) {
  auto l = apply(
      "[Service]\nExecStart=/bin/srv\nProtectSystem=strict\nProtectHome=read-only\nPrivateTmp=yes\n"
      "ProtectKernelTunables=yes\nProtectControlGroups=true\n"
      "ReadWritePaths=/var/lib/%N -/run/x//y/ relative /a/../b -+/rooted\n"
      "ReadOnlyPaths=/etc\nReadOnlyPaths=\nReadOnlyPaths=-/srv\nInaccessiblePaths=/home/secret\n");
  EXPECT_TRUE(l.ok) << messages(l.diags);
  EXPECT_EQ(l.config.protect_system, ProtectSystem::strict);
  EXPECT_EQ(l.config.protect_home, ProtectHome::read_only);
  EXPECT_TRUE(l.config.private_tmp);
  EXPECT_TRUE(l.config.protect_kernel_tunables);
  EXPECT_TRUE(l.config.protect_control_groups);
  EXPECT_EQ(l.config.read_write_paths,
            (std::vector<NamespacePath>{{"/var/lib/t", false, false}, {"/run/x/y", true, false}, {"/rooted", true, true}}));
  EXPECT_EQ(to_string(l.config.read_write_paths.back()), "-+/rooted");
  EXPECT_EQ(l.config.read_only_paths, (std::vector<NamespacePath>{{"/srv", true}}));
  EXPECT_EQ(l.config.inaccessible_paths, (std::vector<NamespacePath>{{"/home/secret", false}}));
  const std::string said = messages(l.diags);
  EXPECT_NE(said.find("ReadWritePaths= path is not absolute, ignoring: relative"), std::string::npos) << said;
  EXPECT_NE(said.find("ReadWritePaths= path is not normalized, ignoring: /a/../b"), std::string::npos) << said;

  for (const char* line : {"ProtectSystem=very", "ProtectHome=maybe"}) {
    auto bad = apply(std::string("[Service]\nExecStart=/bin/srv\n") + line + "\n");
    EXPECT_TRUE(bad.ok) << line;
    EXPECT_FALSE(bad.diags.items().empty()) << line << " is reported";
    EXPECT_EQ(bad.config.protect_system, ProtectSystem::no);
    EXPECT_EQ(bad.config.protect_home, ProtectHome::no);
  }
  auto yes = apply("[Service]\nExecStart=/bin/srv\nProtectSystem=yes\nProtectHome=tmpfs\n");
  EXPECT_EQ(yes.config.protect_system, ProtectSystem::yes);
  EXPECT_EQ(yes.config.protect_home, ProtectHome::tmpfs);
}

// RuntimeMaxSec= (config_parse_sec), TimeoutAbortSec= (config_parse_timeout_abort:
// empty falls back to TimeoutStopSec=, 0 stays 0) and WatchdogSignal=.
TEST(ServiceKeys, RuntimeMaxTimeoutAbortAndWatchdogSignal) {
  auto l = apply("[Service]\nExecStart=/bin/srv\nRuntimeMaxSec=1min 5s\nTimeoutAbortSec=0\nWatchdogSignal=SIGUSR2\n");
  EXPECT_TRUE(l.ok);
  EXPECT_TRUE(l.diags.items().empty()) << messages(l.diags);
  EXPECT_EQ(l.config.runtime_max, 65 * kUsecPerSec);
  EXPECT_EQ(l.config.timeout_abort, usec_t{0});
  EXPECT_EQ(l.config.watchdog_signal, SIGUSR2);
  EXPECT_EQ(apply("[Service]\nExecStart=/bin/srv\nRuntimeRandomizedExtraSec=2s\n").config.runtime_randomized_extra,
            2 * kUsecPerSec);

  auto defaults = apply("[Service]\nExecStart=/bin/srv\n");
  EXPECT_EQ(defaults.config.runtime_max, kUsecInfinity);
  EXPECT_FALSE(defaults.config.timeout_abort);
  EXPECT_EQ(defaults.config.watchdog_signal, SIGABRT);

  auto reset = apply("[Service]\nExecStart=/bin/srv\nTimeoutAbortSec=infinity\nTimeoutAbortSec= \n");
  EXPECT_FALSE(reset.config.timeout_abort) << "an empty value falls back to TimeoutStopSec=";
  auto infinite = apply("[Service]\nExecStart=/bin/srv\nTimeoutAbortSec=infinity\n");
  EXPECT_EQ(infinite.config.timeout_abort, kUsecInfinity);

  auto bad = apply("[Service]\nExecStart=/bin/srv\nRuntimeMaxSec=5x\nTimeoutAbortSec=-1\nWatchdogSignal=SIGNOPE\n");
  EXPECT_TRUE(bad.ok);
  EXPECT_FALSE(bad.diags.has_errors());
  EXPECT_EQ(messages(bad.diags),
            "t.service:3: warning: Failed to parse sec value, ignoring: 5x\n"
            "t.service:4: warning: Failed to parse TimeoutAbortSec= setting, ignoring: -1\n"
            "t.service:5: warning: Failed to parse signal name, ignoring: SIGNOPE\n");
  EXPECT_EQ(bad.config.runtime_max, kUsecInfinity);
  EXPECT_FALSE(bad.config.timeout_abort);
  EXPECT_EQ(bad.config.watchdog_signal, SIGABRT);
}

// UtmpIdentifier=, UtmpMode=, RemoveIPC=, TimeoutStartFailureMode=,
// TimeoutStopFailureMode=: a bad value is named with file:line and
// ignored, the unit loads (systemd 252's messages; conformance cases utmp,
// remove-ipc, timeout-failure-mode).
TEST(ServiceKeys, BadUtmpIpcAndTimeoutModeValuesAreIgnoredWithTheirPlace) {
  auto good = apply("[Service]\nExecStart=/bin/srv\nUtmpIdentifier=tty%i\nUtmpMode=user\nRemoveIPC=yes\n"
                    "TimeoutStartFailureMode=abort\nTimeoutStopFailureMode=kill\n");
  ASSERT_TRUE(good.ok);
  EXPECT_EQ(good.config.utmp_id, "tty");
  EXPECT_EQ(good.config.utmp_mode, UtmpMode::user);
  EXPECT_TRUE(good.config.remove_ipc);
  EXPECT_EQ(good.config.timeout_start_failure_mode, TimeoutFailureMode::abort);
  EXPECT_EQ(good.config.timeout_stop_failure_mode, TimeoutFailureMode::kill);

  auto bad = apply("[Service]\nExecStart=/bin/srv\nUtmpMode=nonsense\nRemoveIPC=sometimes\n"
                   "TimeoutStartFailureMode=maybe\nTimeoutStopFailureMode=\n");
  EXPECT_TRUE(bad.ok);
  EXPECT_FALSE(bad.diags.has_errors());
  EXPECT_EQ(messages(bad.diags),
            "t.service:3: warning: Failed to parse utmp mode, ignoring: nonsense\n"
            "t.service:4: warning: Failed to parse boolean value, ignoring: sometimes\n"
            "t.service:5: warning: Failed to parse timeout failure mode, ignoring: maybe\n"
            "t.service:6: warning: Failed to parse timeout failure mode, ignoring: \n");
  EXPECT_EQ(bad.config.utmp_mode, UtmpMode::init);
  EXPECT_FALSE(bad.config.remove_ipc);
  EXPECT_EQ(bad.config.timeout_start_failure_mode, TimeoutFailureMode::terminate);
  EXPECT_EQ(bad.config.timeout_stop_failure_mode, TimeoutFailureMode::terminate);
}

// CPUAffinity=, TimerSlackNSec=, Personality=, CoredumpFilter= as systemd
// 252 parses them (recorded behaviour: conformance case
// process-attributes): CPU sets and coredump masks add up, an empty
// value resets, a bad word drops its assignment with systemd's message.
TEST(ServiceKeys, ProcessAttributeKeys) {
  auto l = apply(
      "[Service]\nExecStart=/bin/srv\nCPUAffinity=1\nCPUAffinity=\nCPUAffinity=0,2-3 %i\nCPUAffinity=70\n"
      "CPUAffinity=7 banana\nCPUAffinity=3-1\nCPUAffinity=9000\n"
      "TimerSlackNSec=\nTimerSlackNSec=20us\nPersonality=x86\nPersonality=arm64\n"
      "CoredumpFilter=private-anonymous\nCoredumpFilter=elf-headers 0x100\nCoredumpFilter=banana\n",
      "t@5.service");
  EXPECT_TRUE(l.ok) << messages(l.diags);
  EXPECT_EQ(cpu_set_to_string(l.config.cpu_affinity), "0 2-3 5 70");
  EXPECT_EQ(l.config.timer_slack_nsec, 20'000u);
  EXPECT_EQ(personality_to_string(l.config.personality), "x86");
  EXPECT_EQ(l.config.coredump_filter, 0x111u);
  EXPECT_EQ(messages(l.diags),
            "t.service:7: warning: Failed to parse CPU affinity 'banana'\n"
            "t.service:8: warning: Range '3-1' is invalid, 3 > 1, ignoring.\n"
            "t.service:9: warning: Cannot add CPU 9000 to set: Numerical result out of range\n"
            "t.service:10: warning: Failed to parse nsec value, ignoring: \n"
            "t.service:13: warning: Failed to parse personality, ignoring: arm64\n"
            "t.service:16: warning: Failed to parse the CoredumpFilter=banana, ignoring: Invalid argument\n");
  auto reset = apply("[Service]\nExecStart=/bin/srv\nPersonality=x86\nPersonality=\nCoredumpFilter=all\n"
                     "CoredumpFilter=\nTimerSlackNSec=1\nTimerSlackNSec=infinity\n");
  EXPECT_FALSE(reset.config.personality);
  EXPECT_FALSE(reset.config.coredump_filter);
  EXPECT_FALSE(reset.config.timer_slack_nsec);
  EXPECT_EQ(apply("[Service]\nExecStart=/bin/srv\nCoredumpFilter=all default\n").config.coredump_filter, 0xffffffffu);
  // No CPU at all resets; a backwards range alone is a set with no CPU
  // (which the kernel refuses at exec, as under systemd); numa resets.
  EXPECT_TRUE(apply("[Service]\nExecStart=/bin/srv\nCPUAffinity=1\nCPUAffinity=,\n").config.cpu_affinity.empty());
  auto backwards = apply("[Service]\nExecStart=/bin/srv\nCPUAffinity=3-1\n").config.cpu_affinity;
  EXPECT_EQ(backwards, std::vector<unsigned long>{0});
  EXPECT_TRUE(apply("[Service]\nExecStart=/bin/srv\nCPUAffinity=1\nCPUAffinity=numa\n").config.cpu_affinity.empty());
}

// ExecSearchPath= (config_parse_colon_separated_paths()): absolute paths
// after specifiers, added up; an empty word or a relative path drops the
// rest of its assignment, an empty assignment resets.
TEST(ServiceKeys, ExecSearchPath) {
  auto l = apply(
      "[Service]\nExecStart=srv\nExecSearchPath=/nonexistent\nExecSearchPath=\nExecSearchPath=/opt/%i/bin:/usr//bin/\n"
      "ExecSearchPath=/sbin:relative:/bin\nExecSearchPath=/a::/b\nExecSearchPath=/c/../d\n",
      "t@x.service");
  EXPECT_EQ(l.config.exec_search_path, (std::vector<std::string>{"/opt/x/bin", "/usr/bin", "/sbin", "/a"}));
  EXPECT_EQ(messages(l.diags),
            "t.service:6: warning: ExecSearchPath= path is not absolute, ignoring: relative\n"
            "t.service:7: warning: ExecSearchPath= path is not absolute, ignoring: \n"
            "t.service:8: warning: ExecSearchPath= path is not normalized, ignoring: /c/../d\n");
}

// LogExtraFields= (config_parse_log_extra_fields()): unquoted, C escapes
// resolved, specifiers expanded; bad fields skipped one by one, an open
// quote ends the assignment, empty resets.
TEST(ServiceKeys, LogExtraFields) {
  auto l = apply(
      "[Service]\nExecStart=/bin/srv\nLogExtraFields=OLD=1\nLogExtraFields=\n"
      "LogExtraFields=TEAM=web \"NOTE=two words\" UNIT=%n TAB=a\\tb nofield _HIDDEN=1 1ST=x lower=y\n"
      "LogExtraFields=LAST=1 \"OPEN=x\n");
  EXPECT_EQ(l.config.log_extra_fields,
            (std::vector<std::string>{"TEAM=web", "NOTE=two words", "UNIT=t.service", "TAB=a\tb", "LAST=1"}));
  EXPECT_EQ(messages(l.diags),
            "t.service:5: warning: Log field lacks '=' character, ignoring: nofield\n"
            "t.service:5: warning: Log field name is invalid, ignoring: _HIDDEN=1\n"
            "t.service:5: warning: Log field name is invalid, ignoring: 1ST=x\n"
            "t.service:5: warning: Log field name is invalid, ignoring: lower=y\n"
            "t.service:6: warning: Invalid syntax, ignoring: LAST=1 \"OPEN=x\n");
}

// CPUScheduling*= and IOScheduling*= as systemd 252 parses them (measured:
// tests/conformance/cases/scheduling): a real-time policy lifts the
// priority to at least 1, leaving one lowers it to 0; IOSchedulingClass=none
// means best-effort 4; an empty value resets.
TEST(ServiceKeys, SchedulingKeys) {
  auto parse = [](std::string lines) { return apply("[Service]\nExecStart=/bin/srv\n" + lines); };
  auto fifo = parse("CPUSchedulingPolicy=fifo\n");
  EXPECT_TRUE(fifo.config.cpu_sched_set);
  EXPECT_EQ(fifo.config.cpu_sched_policy, SCHED_FIFO);
  EXPECT_EQ(fifo.config.cpu_sched_priority, 1);
  auto first = parse("CPUSchedulingPriority=30\nCPUSchedulingPolicy=rr\nCPUSchedulingResetOnFork=yes\n");
  EXPECT_EQ(first.config.cpu_sched_policy, SCHED_RR);
  EXPECT_EQ(first.config.cpu_sched_priority, 30);
  EXPECT_TRUE(first.config.cpu_sched_reset_on_fork);
  auto back = parse("CPUSchedulingPolicy=fifo\nCPUSchedulingPriority=30\nCPUSchedulingPolicy=other\n");
  EXPECT_EQ(back.config.cpu_sched_priority, 0);
  auto only_priority = parse("CPUSchedulingPriority=5\n");
  EXPECT_TRUE(only_priority.config.cpu_sched_set) << "applied (and refused by the kernel) as in systemd";
  EXPECT_EQ(only_priority.config.cpu_sched_policy, SCHED_OTHER);
  auto reset = parse("CPUSchedulingPolicy=batch\nCPUSchedulingPolicy=\n");
  EXPECT_FALSE(reset.config.cpu_sched_set);
  EXPECT_FALSE(parse("CPUSchedulingResetOnFork=yes\n").config.cpu_sched_set);
  EXPECT_EQ(parse("CPUSchedulingPolicy=3\n").config.cpu_sched_policy, SCHED_BATCH);

  EXPECT_EQ(parse("IOSchedulingPriority=7\n").config.ioprio, ioprio_value(kIoprioClassBestEffort, 7));
  EXPECT_EQ(parse("IOSchedulingClass=idle\n").config.ioprio, ioprio_value(kIoprioClassIdle, 4));
  EXPECT_EQ(parse("IOSchedulingClass=none\nIOSchedulingPriority=6\n").config.ioprio,
            ioprio_value(kIoprioClassBestEffort, 6));
  EXPECT_EQ(parse("IOSchedulingClass=realtime\nIOSchedulingPriority=2\n").config.ioprio,
            ioprio_value(kIoprioClassRealtime, 2));
  auto io = parse("IOSchedulingClass=3\n");
  EXPECT_TRUE(io.config.ioprio_set);
  EXPECT_EQ(io.config.ioprio, ioprio_value(kIoprioClassIdle, 4));
  EXPECT_FALSE(parse("IOSchedulingClass=idle\nIOSchedulingClass=\n").config.ioprio_set);

  auto bad = parse("CPUSchedulingPolicy=bogus\nCPUSchedulingPriority=100\nIOSchedulingClass=bogus\n"
                   "IOSchedulingPriority=8\nCPUSchedulingResetOnFork=maybe\n");
  EXPECT_TRUE(bad.ok);
  EXPECT_EQ(messages(bad.diags),
            "t.service:3: warning: Failed to parse CPU scheduling policy, ignoring: bogus\n"
            "t.service:4: warning: CPU scheduling priority is out of range, ignoring: 100\n"
            "t.service:5: warning: Failed to parse IO scheduling class, ignoring: bogus\n"
            "t.service:6: warning: Failed to parse IO priority, ignoring: 8\n"
            "t.service:7: warning: Failed to parse boolean value, ignoring: maybe\n");
  EXPECT_FALSE(bad.config.cpu_sched_set);
  EXPECT_FALSE(bad.config.ioprio_set);
}

// "path:link" in the directory keys (systemd 252's config_parse_exec_directories,
// measured: tests/conformance/cases/exec-directory-symlinks).
TEST(ServiceKeys, ExecDirectorySymlinks) {
  auto l = apply("[Service]\nExecStart=/bin/srv\nRuntimeDirectory=r1:r1-link r1:sub/r1-link2 r2 %p:%p-l\n"
                 "StateDirectory=s\\:1:x\nConfigurationDirectory=cf1:cf1-link cf2\nCacheDirectory=private/x c\n"
                 "LogsDirectory=l:/abs l2:../up\n");
  EXPECT_TRUE(l.ok);
  using T = ExecDirectoryType;
  const auto& runtime = l.config.directory(T::runtime);
  EXPECT_EQ(runtime.names, (std::vector<std::string>{"r1", "r2", "t"}));
  EXPECT_EQ(runtime.symlinks.at("r1"), (std::vector<std::string>{"r1-link", "sub/r1-link2"}));
  EXPECT_EQ(runtime.symlinks.at("t"), std::vector<std::string>{"t-l"});
  EXPECT_EQ(runtime.symlinks.count("r2"), 0u);
  EXPECT_EQ(l.config.directory(T::state).names, std::vector<std::string>{"s:1"}) << "\\: is a colon";
  EXPECT_EQ(l.config.directory(T::state).symlinks.at("s:1"), std::vector<std::string>{"x"});
  EXPECT_EQ(l.config.directory(T::configuration).names, std::vector<std::string>{"cf2"});
  EXPECT_EQ(l.config.directory(T::cache).names, std::vector<std::string>{"c"});
  EXPECT_TRUE(l.config.directory(T::logs).names.empty()) << messages(l.diags);
  EXPECT_EQ(messages(l.diags),
            "t.service:5: warning: Destination parameter is not supported for ConfigurationDirectory, ignoring: "
            "cf1:cf1-link\n"
            "t.service:6: warning: CacheDirectory= path can't be 'private', ignoring assignment: private/x\n"
            "t.service:7: warning: LogsDirectory= path is absolute, ignoring: /abs\n"
            "t.service:7: warning: LogsDirectory= path is not normalized, ignoring: ../up\n");
}

// systemd.service(5): a oneshot's TimeoutStartSec= defaults to infinity.
TEST(ServiceKeys, OneshotHasNoStartTimeoutUnlessOneIsSet) {
  auto l = apply("[Service]\nType=oneshot\nExecStart=/bin/true\n");
  complete_service_config(l.config);
  EXPECT_EQ(l.config.timeout_start, kUsecInfinity);
  EXPECT_EQ(l.config.timeout_stop, 90 * kUsecPerSec);
  auto set = apply("[Service]\nType=oneshot\nTimeoutSec=10\nExecStart=/bin/true\n");
  complete_service_config(set.config);
  EXPECT_EQ(set.config.timeout_start, 10 * kUsecPerSec);
  auto none = apply("[Service]\nExecStop=/bin/true\n");
  complete_service_config(none.config);
  EXPECT_EQ(none.config.type, ServiceType::oneshot);
  EXPECT_EQ(none.config.timeout_start, kUsecInfinity);
  auto simple = apply("[Service]\nExecStart=/bin/true\n");
  complete_service_config(simple.config);
  EXPECT_EQ(simple.config.timeout_start, 90 * kUsecPerSec);
}

TEST(ServiceKeys, TerminalKeysAsSystemdParsesThem) {
  auto l = apply(
      "[Service]\nExecStart=/bin/true\nStandardInput=tty-force\nTTYPath=/dev//%i/./tty9\nTTYReset=yes\n"
      "TTYVHangup=on\nTTYVTDisallocate=1\nTTYRows=40\nTTYColumns=0x84\nStandardError=tty\n",
      "getty@x.service");
  EXPECT_EQ(messages(l.diags), "");
  EXPECT_EQ(l.config.standard_input, InputKind::tty_force);
  EXPECT_EQ(l.config.terminal.path, "/dev/x/tty9");
  EXPECT_TRUE(l.config.terminal.reset);
  EXPECT_TRUE(l.config.terminal.vhangup);
  EXPECT_TRUE(l.config.terminal.vt_disallocate);
  EXPECT_EQ(l.config.terminal.rows, 40u);
  EXPECT_EQ(l.config.terminal.columns, 132u);
  EXPECT_EQ(l.config.standard_error.kind, OutputKind::tty);
  for (auto [value, kind] : {std::pair{"tty", InputKind::tty}, {"tty-fail", InputKind::tty_fail},
                             {"null", InputKind::null}})
    EXPECT_EQ(apply(std::string("[Service]\nStandardInput=") + value + "\n").config.standard_input, kind) << value;

  // Each bad value is ignored with systemd's message; the unit loads.
  auto bad = apply(
      "[Service]\nExecStart=/bin/true\nTTYPath=/dev/tty3\nTTYPath=tty4\nTTYReset=maybe\nTTYRows=-1\n"
      "TTYColumns=12x\nTTYRows=30\nTTYRows=\nStandardInput=ttyy\n");
  EXPECT_TRUE(bad.ok);
  EXPECT_EQ(messages(bad.diags),
            "t.service:4: warning: TTYPath= path is not absolute, ignoring: tty4\n"
            "t.service:5: warning: Failed to parse boolean value, ignoring: maybe\n"
            "t.service:6: warning: Failed to parse unsigned value, ignoring: -1\n"
            "t.service:7: warning: Failed to parse unsigned value, ignoring: 12x\n"
            "t.service:10: warning: Failed to parse input specifier, ignoring: ttyy\n");
  EXPECT_EQ(bad.config.terminal.path, "/dev/tty3");
  EXPECT_EQ(bad.config.terminal.rows, UINT_MAX) << "empty: unset again";
  EXPECT_EQ(bad.config.standard_input, InputKind::null);
}

TEST(ServiceKeys, StandardInputFileAndText) {
  auto l = apply(
      "[Service]\nExecStart=/bin/true\nStandardInput=file:/srv//%p/./in\nStandardInput=file:relative\n"
      "StandardInputText=hello %n\\tthere\nStandardInputText=\nStandardInputText=one\nStandardInputText=two\\x00\n"
      "StandardInputText=\\q\nStandardOutput=truncate:/var/log/x\n");
  EXPECT_EQ(messages(l.diags),
            "t.service:4: warning: StandardInput= path is not absolute: relative\n"
            "t.service:8: warning: Failed to decode C escaped text 'two\\x00', ignoring: Invalid argument\n"
            "t.service:9: warning: Failed to decode C escaped text '\\q', ignoring: Invalid argument\n");
  EXPECT_EQ(l.config.standard_input, InputKind::file);
  EXPECT_EQ(l.config.standard_input_file, "/srv/t/in");
  EXPECT_EQ(l.config.standard_input_data, "one\n") << "empty clears; each line ends in a newline";
  EXPECT_EQ(l.config.standard_output.kind, OutputKind::truncate);
  EXPECT_EQ(l.config.standard_output.path, "/var/log/x");

  auto text = apply("[Service]\nExecStart=/bin/true\nStandardInputText=a\\tb %n\n");
  complete_service_config(text.config);
  EXPECT_EQ(text.config.standard_input, InputKind::data) << "text without StandardInput= is data";
  EXPECT_EQ(text.config.standard_input_data, "a\tb t.service\n");
}

// systemd 252's service_fix_stdio(), as `systemd --test` dumps it.
TEST(ServiceKeys, StandardOutputInheritsATerminalOnStdinAndIsTheJournalOtherwise) {
  auto complete = [](std::string_view text) {
    auto l = apply(text);
    complete_service_config(l.config);
    return l.config;
  };
  auto tty = complete("[Service]\nExecStart=/bin/true\nStandardInput=tty\n");
  EXPECT_EQ(tty.standard_output.kind, OutputKind::inherit);
  EXPECT_EQ(tty.standard_error.kind, OutputKind::inherit);
  auto tty_journal = complete("[Service]\nExecStart=/bin/true\nStandardInput=tty\nStandardOutput=journal\n");
  EXPECT_EQ(tty_journal.standard_output.kind, OutputKind::journal) << "given: kept";
  auto inherit = complete("[Service]\nExecStart=/bin/true\nStandardOutput=inherit\n");
  EXPECT_EQ(inherit.standard_output.kind, OutputKind::journal) << "inherit without a terminal is the default";
  auto plain = complete("[Service]\nExecStart=/bin/true\n");
  EXPECT_EQ(plain.standard_output.kind, OutputKind::journal);
  EXPECT_EQ(plain.standard_error.kind, OutputKind::inherit);
  auto tty_out = complete("[Service]\nExecStart=/bin/true\nStandardOutput=tty\nStandardError=journal+console\n");
  EXPECT_EQ(tty_out.standard_output.kind, OutputKind::tty) << "without a terminal on stdin: kept";
  EXPECT_EQ(tty_out.standard_error.kind, OutputKind::journal);
  EXPECT_TRUE(tty_out.standard_error.console);
  auto null_in = complete("[Service]\nExecStart=/bin/true\nStandardInput=tty\nStandardInput=null\n");
  EXPECT_EQ(null_in.standard_output.kind, OutputKind::journal) << "the last StandardInput= counts";
}

TEST(ServiceKeys, WatchdogMakesNotifyAccessMain) {
  auto l = apply("[Service]\nExecStart=/bin/true\n");
  EXPECT_EQ(l.config.effective_notify_access(), NotifyAccess::none);
  auto w = apply("[Service]\nExecStart=/bin/true\nWatchdogSec=30\n");
  EXPECT_EQ(w.config.effective_notify_access(), NotifyAccess::main);
}

// A unit file must be UTF-8 (the syntax layer refuses other lines), but a
// specifier can bring bytes in from an escaped unit name; the description
// goes onto D-Bus, which takes UTF-8.
TEST(ServiceKeys, DescriptionThatIsNotUtf8IsEscapedOnce) {
  auto l = apply("[Unit]\nDescription=caf\xc3\xa9 %I end\n[Service]\nExecStart=/bin/true\n", "t@\\xff\\xfe.service");
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
  EXPECT_TRUE(c.conditions.empty());
  ASSERT_EQ(c.exec_start.size(), 1u);
  EXPECT_EQ(c.exec_start[0].path, "/bin/b");
  EXPECT_EQ(c.environment, (std::vector<std::string>{"C=3"}));
  EXPECT_EQ(c.success_exit_status.get().codes, (std::set<int>{3}));
  EXPECT_TRUE(c.supplementary_groups.empty());
  EXPECT_TRUE(c.environment_files.empty());
  EXPECT_TRUE(c.wanted_by.empty());
}

// ExecCondition= (systemd.service(5)) is a command list like ExecStartPre=:
// the same prefixes and specifiers, several lines in order, an empty
// assignment resets it; it is no longer warned about as not implemented.
TEST(ServiceKeys, ExecConditionIsACommandList) {
  auto l = apply(R"([Service]
ExecCondition=/bin/dropped
ExecCondition=
ExecCondition=-@/bin/check check-%n
ExecCondition=+/bin/privileged
ExecCondition=:/bin/literal $HOME
ExecStart=/bin/srv
)");
  EXPECT_TRUE(l.ok);
  EXPECT_EQ(messages(l.diags), "");
  const auto& c = l.config.exec_condition;
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].path, "/bin/check");
  EXPECT_EQ(c[0].argv, (std::vector<std::string>{"check-t.service"}));
  EXPECT_TRUE(c[0].ignore_failure);
  EXPECT_EQ(c[0].where.line, 4u);
  EXPECT_TRUE(c[1].full_privileges);
  EXPECT_FALSE(c[2].expand_environment);
  EXPECT_EQ(c[2].argv, (std::vector<std::string>{"/bin/literal", "$HOME"}));
  EXPECT_TRUE(l.config.exec_start_pre.empty());
  auto bad = apply("[Service]\nExecCondition=bin/relative\nExecStart=/bin/srv\n");
  EXPECT_TRUE(bad.config.exec_condition.empty());
  EXPECT_NE(messages(bad.diags), "");
}

// PropagatesStopTo=, StopPropagatedFrom=, PropagatesReloadTo=,
// ReloadPropagatedFrom= and Upholds= (systemd.unit(5)) are dependency lists like PartOf=:
// names with specifiers, an empty assignment resets, a unit type Vermilion
// does not run is dropped with a warning; no longer "not implemented".
TEST(ServiceKeys, PropagationKeysAreDependencyLists) {
  auto l = apply(R"([Unit]
PropagatesStopTo=gone.service
PropagatesStopTo=
PropagatesStopTo=a.service b-%i.service
StopPropagatedFrom=c.service
PropagatesReloadTo=d.service web.socket
ReloadPropagatedFrom=e.target
Upholds=kept.service kept.socket
StopWhenUnneeded=yes
[Service]
ExecStart=/bin/srv
)");
  EXPECT_TRUE(l.ok);
  EXPECT_EQ(l.config.propagates_stop_to, (std::vector<std::string>{"a.service", "b-.service"}));
  EXPECT_EQ(l.config.stop_propagated_from, (std::vector<std::string>{"c.service"}));
  EXPECT_EQ(l.config.propagates_reload_to, (std::vector<std::string>{"d.service"}));
  EXPECT_EQ(l.config.reload_propagated_from, (std::vector<std::string>{"e.target"}));
  EXPECT_EQ(l.config.upholds, (std::vector<std::string>{"kept.service"})) << "dropped silently, as Wants=";
  EXPECT_TRUE(l.config.stop_when_unneeded);
  const std::string text = messages(l.diags);
  EXPECT_NE(text.find("PropagatesReloadTo=web.socket ignored"), std::string::npos) << text;
  EXPECT_EQ(text.find("not implemented"), std::string::npos) << text;
}

// JobTimeoutSec= also sets JobRunningTimeoutSec= unless that was given
// (config_parse_job_timeout_sec()); 0 is none, as infinity.
TEST(ServiceKeys, JobTimeoutsAsSystemdParsesThem) {
  auto both = apply("[Unit]\nJobTimeoutSec=5s\nJobTimeoutAction=exit\n[Service]\nExecStart=/bin/srv\n");
  EXPECT_EQ(both.config.job_timeout, 5 * kUsecPerSec);
  EXPECT_EQ(both.config.job_running_timeout, 5 * kUsecPerSec);
  EXPECT_EQ(both.config.job_timeout_action, EmergencyAction::exit);
  auto running_first = apply("[Unit]\nJobRunningTimeoutSec=2s\nJobTimeoutSec=5s\n[Service]\nExecStart=/bin/srv\n");
  EXPECT_EQ(running_first.config.job_running_timeout, 2 * kUsecPerSec) << "given, so it stands";
  EXPECT_EQ(running_first.config.job_timeout, 5 * kUsecPerSec);
  auto zero = apply("[Unit]\nJobTimeoutSec=0\n[Service]\nExecStart=/bin/srv\n");
  EXPECT_EQ(zero.config.job_timeout, kUsecInfinity);
  auto bad = apply("[Unit]\nJobTimeoutSec=soon\n[Service]\nExecStart=/bin/srv\n");
  EXPECT_EQ(bad.config.job_timeout, kUsecInfinity);
  EXPECT_NE(messages(bad.diags).find("Failed to parse JobTimeoutSec= parameter, ignoring: soon"), std::string::npos)
      << messages(bad.diags);
}

TEST(ServiceKeys, EnvironmentQuotingAndOverride) {
  auto l = apply("[Service]\nEnvironment=\"A=x y\" 'B=$C' A=z D=%n\n");
  EXPECT_EQ(l.config.environment, (std::vector<std::string>{"B=$C", "A=z", "D=t.service"}));
  auto bad = apply("[Service]\nEnvironment=\"A=1\n");
  EXPECT_TRUE(bad.ok);  // systemd only warns
  EXPECT_EQ(bad.diags.items().size(), 1u);
}

// systemd 252's config_parse_documentation() and documentation_url_is_valid().
// RequiresMountsFor= (config_parse_unit_requires_mounts_for()): each bad
// path is reported with its line and ignored, the rest kept once,
// simplified; an empty value resets nothing (recorded from systemd 252:
// conformance case requires-mounts-for).
TEST(UnitKeys, RequiresMountsForReportsAndIgnoresBadPaths) {
  auto l = apply(
      "[Unit]\nRequiresMountsFor=/srv//data/ relative /a/../b /srv/data\nRequiresMountsFor=\n"
      "RequiresMountsFor=/b/%N\n[Service]\nExecStart=/bin/srv\n");
  EXPECT_TRUE(l.ok) << messages(l.diags);
  EXPECT_EQ(l.config.requires_mounts_for, (std::vector<std::string>{"/srv/data", "/b/t"}));
  EXPECT_EQ(messages(l.diags),
            "t.service:2: warning: RequiresMountsFor= path is not absolute, ignoring: relative\n"
            "t.service:2: warning: RequiresMountsFor= path is not normalized, ignoring: /a/../b\n");
}

// Condition*=/Assert*= (config_parse_unit_condition_path()/_string(), as
// `systemd-analyze condition` shows them): prefixes, specifiers, path
// checks with file:line, an empty value resetting its whole family, and
// the string keys taking their value as it is.
TEST(UnitKeys, ConditionsAndAssertsOfEveryType) {
  auto l = apply(
      "[Unit]\nConditionPathExists=/nonexistent\nConditionHost=%H\nConditionKernelVersion=\n"
      "ConditionPathIsDirectory=|!/a//b/\nConditionDirectoryNotEmpty=relative\nConditionNeedsUpdate=/a/../b\n"
      "AssertKernelVersion=>= 5 <7\nConditionFirstBoot=maybe\nAssertPathExists=\nAssertUser=@system\n"
      "ConditionFoo=1\nConditionNull=yes\nConditionPathExists=| /etc\nConditionHost=| ! other\n"
      "[Service]\nExecStart=/bin/srv\n");
  EXPECT_TRUE(l.ok) << messages(l.diags);
  using T = ConditionType;
  EXPECT_EQ(l.config.conditions, (std::vector<UnitCondition>{{T::path_is_directory, "/a/b", true, true},
                                                             {T::first_boot, "maybe", false, false},
                                                             {T::host, "other", true, true}}));
  EXPECT_EQ(l.config.asserts, (std::vector<UnitCondition>{{T::user, "@system", false, false}}));
  EXPECT_EQ(messages(l.diags),
            "t.service:6: warning: ConditionDirectoryNotEmpty= path is not absolute, ignoring: relative\n"
            "t.service:7: warning: ConditionNeedsUpdate= path is not normalized, ignoring: /a/../b\n"
            "t.service:12: warning: Unknown key 'ConditionFoo' in section [Unit], ignoring.\n"
            "t.service:13: warning: Unknown key 'ConditionNull' in section [Unit], ignoring.\n"
            "t.service:14: warning: ConditionPathExists= path is not absolute, ignoring:  /etc\n");
  auto named = condition_key_from_name("AssertControlGroupController");
  ASSERT_TRUE(named);
  EXPECT_EQ(named->type, T::control_group_controller);
  EXPECT_TRUE(named->is_assert);
  EXPECT_EQ(condition_key_name(T::ac_power, false), "ConditionACPower");
  EXPECT_FALSE(condition_key_from_name("ConditionNull"));
}

// Every [Unit], [Service] and [Install] key systemd 252 knows
// (tests/data/units/systemd-252-keys, from its key table) is known here:
// implemented, an old spelling of one, or warned about as not implemented
// or removed, never "Unknown key", which would tell a user coming from
// systemd that the unit file is wrong.
TEST(UnitKeys, EveryKeySystemd252KnowsIsKnown) {
  std::ifstream list(std::string(VERMILION_TEST_DATA_DIR) + "/units/systemd-252-keys");
  ASSERT_TRUE(list) << "tests/data/units/systemd-252-keys";
  std::map<std::string, std::string> sections;
  std::size_t count = 0;
  for (std::string line; std::getline(list, line); ++count) {
    const auto dot = line.find('.');
    ASSERT_NE(dot, std::string::npos) << line;
    sections[line.substr(0, dot)] += line.substr(dot + 1) + "=\n";
  }
  EXPECT_GT(count, 300u);
  std::string text;
  for (auto& [section, keys] : sections) text += "[" + section + "]\n" + keys;
  auto l = apply(text + "[Service]\nExecStart=/bin/srv\n");
  EXPECT_EQ(messages(l.diags).find("Unknown key"), std::string::npos) << messages(l.diags);
}

// The old spellings systemd 252 still reads act as the keys they stand for;
// those it no longer acts on are ignored with its own warning.
TEST(UnitKeys, OldSpellingsActAsTheirKeys) {
  auto l = apply(
      "[Unit]\nBindTo=a.service\nPropagateReloadTo=b.service\nPropagateReloadFrom=c.service\n"
      "StartLimitInterval=7s\nRequiresOverridable=d.service\nRequisiteOverridable=e.service\n"
      "OnFailureIsolate=yes\nIgnoreOnSnapshot=yes\n"
      "[Service]\nExecStart=/bin/srv\nReadWriteDirectories=/rw\nReadOnlyDirectories=/ro\n"
      "InaccessibleDirectories=-/gone\nCapabilities=cap_chown=ep\nSysVStartPriority=5\n");
  EXPECT_TRUE(l.ok) << messages(l.diags);
  EXPECT_EQ(l.config.binds_to, (std::vector<std::string>{"a.service"}));
  EXPECT_EQ(l.config.propagates_reload_to, (std::vector<std::string>{"b.service"}));
  EXPECT_EQ(l.config.reload_propagated_from, (std::vector<std::string>{"c.service"}));
  EXPECT_EQ(l.config.start_limit_interval, 7'000'000u);
  EXPECT_EQ(l.config.requires_, (std::vector<std::string>{"d.service"}));
  EXPECT_EQ(l.config.requisite, (std::vector<std::string>{"e.service"}));
  EXPECT_EQ(l.config.on_failure_job_mode, JobMode::isolate);
  ASSERT_EQ(l.config.read_write_paths.size(), 1u);
  EXPECT_EQ(l.config.read_write_paths[0].path, "/rw");
  ASSERT_EQ(l.config.read_only_paths.size(), 1u);
  EXPECT_EQ(l.config.read_only_paths[0].path, "/ro");
  ASSERT_EQ(l.config.inaccessible_paths.size(), 1u);
  EXPECT_EQ(l.config.inaccessible_paths[0].path, "/gone");
  EXPECT_TRUE(l.config.inaccessible_paths[0].ignore_missing);
  EXPECT_EQ(messages(l.diags),
            "t.service:6: warning: Unit dependency type RequiresOverridable= is obsolete, replacing by Requires=, "
            "please update your unit file\n"
            "t.service:7: warning: Unit dependency type RequisiteOverridable= is obsolete, replacing by Requisite=, "
            "please update your unit file\n"
            "t.service:8: warning: OnFailureIsolate= is deprecated. Please use OnFailureJobMode= instead\n"
            "t.service:9: warning: Support for option IgnoreOnSnapshot= has been removed and it is ignored\n"
            "t.service:15: warning: Support for option Capabilities= has been removed and it is ignored\n"
            "t.service:16: warning: Support for option SysVStartPriority= has been removed and it is ignored\n");
}

// SyslogIdentifier=, SyslogFacility=, SyslogLevel=, SyslogLevelPrefix=,
// LogLevelMax= (config_parse_log_facility(), config_parse_log_level()): a
// bad value is a warning; an empty identifier resets, an empty LogLevelMax=
// is a bad level (systemd has no empty case there).
TEST(UnitKeys, SyslogSettings) {
  auto l = apply(
      "[Service]\nExecStart=/bin/srv\nSyslogIdentifier=srv-%p\nSyslogFacility=local3\nSyslogLevel=warning\n"
      "SyslogLevelPrefix=no\nLogLevelMax=notice\nSyslogFacility=bogus\nSyslogLevel=9\nLogLevelMax=loud\n");
  EXPECT_TRUE(l.ok) << messages(l.diags);
  EXPECT_EQ(l.config.syslog, (SyslogSettings{"srv-t", 19, 4, false, 5}));
  EXPECT_EQ(messages(l.diags),
            "t.service:8: warning: Failed to parse log facility, ignoring: bogus\n"
            "t.service:9: warning: Failed to parse log level, ignoring: 9\n"
            "t.service:10: warning: Failed to parse log level, ignoring: loud\n");
  auto reset = apply("[Service]\nExecStart=/bin/srv\nSyslogIdentifier=x\nSyslogIdentifier=\nLogLevelMax=err\nLogLevelMax=\n");
  EXPECT_EQ(reset.config.syslog, (SyslogSettings{"", 3, 6, true, 3}));
  EXPECT_EQ(messages(reset.diags), "t.service:6: warning: Failed to parse log level, ignoring: \n");
}

// BindPaths=, BindReadOnlyPaths=, TemporaryFileSystem= (config_parse_bind_paths(),
// config_parse_temporary_filesystems()); the warnings are what
// `systemd-analyze verify` gives for the same file. A bad source skips only
// itself: what followed its ':' is read as a source ("/l" below).
TEST(UnitKeys, BindPathsAndTemporaryFileSystems) {
  auto l = apply(
      "[Service]\nExecStart=/bin/true\n"
      "BindPaths=/a /b:/c -/d:/e:norbind /f:/g:rbind /h:/i:bogus relative:rel2 /j/../k:/l /m: /n:rel\n"
      "BindReadOnlyPaths=/x:/y\nBindPaths=/q:\n"
      "TemporaryFileSystem=/t1 /t2:ro,size=1M :x rel /t3/../t4\n"
      "BindPaths=\"/sp ace\":/o%n\n");
  EXPECT_TRUE(l.ok) << messages(l.diags);
  EXPECT_EQ(l.config.bind_mounts, (std::vector<BindMount>{{"/a", "/a", false, true, false},
                                                          {"/b", "/c", false, true, false},
                                                          {"/d", "/e", false, false, true},
                                                          {"/f", "/g", false, true, false},
                                                          {"/l", "/l", false, true, false},
                                                          {"/x", "/y", true, true, false},
                                                          {"/sp ace", "/ot.service", false, true, false}}));
  EXPECT_EQ(l.config.temporary_filesystems,
            (std::vector<TemporaryFileSystem>{{"/t1", ""}, {"/t2", "ro,size=1M"}}));
  EXPECT_EQ(messages(l.diags),
            "t.service:3: warning: Invalid option string, ignoring setting: bogus\n"
            "t.service:3: warning: BindPaths= path is not absolute, ignoring: relative\n"
            "t.service:3: warning: BindPaths= path is not absolute, ignoring: rel2\n"
            "t.service:3: warning: BindPaths= path is not normalized, ignoring: /j/../k\n"
            "t.service:3: warning: BindPaths= path is not absolute, ignoring: \n"
            "t.service:3: warning: BindPaths= path is not absolute, ignoring: rel\n"
            "t.service:5: warning: BindPaths= path is not absolute, ignoring: \n"
            "t.service:6: warning: TemporaryFileSystem= path is not absolute, ignoring: \n"
            "t.service:6: warning: TemporaryFileSystem= path is not absolute, ignoring: rel\n"
            "t.service:6: warning: TemporaryFileSystem= path is not normalized, ignoring: /t3/../t4\n");
  auto flags = apply("[Service]\nExecStart=/bin/true\nMountFlags=slave\nMountFlags=bogus\nPrivateMounts=yes\n");
  EXPECT_EQ(flags.config.mount_propagation, static_cast<unsigned long>(MS_SLAVE));
  EXPECT_EQ(flags.config.private_mounts, true);
  EXPECT_EQ(messages(flags.diags), "t.service:4: warning: Failed to parse mount propagation flags, ignoring: bogus\n");
  auto reset = apply("[Service]\nExecStart=/bin/true\nBindPaths=/a\nBindReadOnlyPaths=\nTemporaryFileSystem=/t\n"
                     "TemporaryFileSystem=\n");
  EXPECT_TRUE(reset.config.bind_mounts.empty()) << "an empty BindReadOnlyPaths= resets both";
  EXPECT_TRUE(reset.config.temporary_filesystems.empty());
}

// SystemCallErrorNumber= and SystemCallArchitectures=
// (config_parse_syscall_errno(), config_parse_syscall_archs()): a bad value
// is a warning and leaves the setting as it was.
TEST(UnitKeys, SystemCallErrorNumberAndArchitectures) {
  auto l = apply("[Service]\nExecStart=/bin/srv\nSystemCallErrorNumber=EPERM\nSystemCallErrorNumber=bogus\n"
                 "SystemCallErrorNumber=0\nSystemCallArchitectures=native x86 sparc\nSystemCallArchitectures=x86\n");
  EXPECT_TRUE(l.ok) << messages(l.diags);
  EXPECT_EQ(l.config.syscall_error_number, EPERM);
  EXPECT_EQ(l.config.syscall_architectures.get(), (std::vector<std::uint32_t>{SCMP_ARCH_NATIVE, SCMP_ARCH_X86}));
  EXPECT_EQ(messages(l.diags),
            "t.service:4: warning: Failed to parse error number, ignoring: bogus\n"
            "t.service:5: warning: Invalid error number, ignoring: 0\n"
            "t.service:6: warning: Failed to parse system call architecture \"sparc\", ignoring\n");
  auto reset = apply("[Service]\nExecStart=/bin/srv\nSystemCallErrorNumber=EPERM\nSystemCallErrorNumber=kill\n"
                     "SystemCallArchitectures=native\nSystemCallArchitectures=\n");
  EXPECT_EQ(reset.config.syscall_error_number, kSyscallKill);
  EXPECT_TRUE(reset.config.syscall_architectures.get().empty());
}

// unit_patch_contexts(): ProtectKernelModules=, ProtectKernelLogs= and
// ProtectClock= take their capabilities out of the bounding set (systemctl
// show has them so: conformance case protect-kernel-modules-clock).
TEST(UnitKeys, ProtectKernelKeysDropTheirCapabilities) {
  auto l = apply("[Service]\nExecStart=/bin/srv\nProtectKernelModules=yes\nProtectKernelLogs=yes\nProtectClock=yes\n"
                 "CapabilityBoundingSet=CAP_SYS_MODULE CAP_SYSLOG CAP_SYS_TIME CAP_WAKE_ALARM CAP_CHOWN\n");
  ASSERT_TRUE(l.ok) << messages(l.diags);
  ServiceConfig config = l.config;
  complete_service_config(config);
  EXPECT_EQ(config.capability_bounding_set, std::uint64_t{1} << CAP_CHOWN);
}

TEST(UnitKeys, ProtectProcAndProcSubsetWords) {
  auto l = apply("[Service]\nExecStart=/bin/srv\nProtectProc=invisible\nProtectProc=bogus\nProcSubset=pid\n"
                 "ProcSubset=all-of-it\n");
  EXPECT_TRUE(l.ok) << messages(l.diags);
  EXPECT_EQ(l.config.protect_proc, ProtectProc::invisible);
  EXPECT_EQ(l.config.proc_subset, ProcSubset::pid);
  EXPECT_EQ(messages(l.diags),
            "t.service:4: warning: Failed to parse /proc/ protection mode, ignoring: bogus\n"
            "t.service:6: warning: Failed to parse /proc/ subset mode, ignoring: all-of-it\n");
}

TEST(UnitKeys, DocumentationKeepsValidUrisInOrder) {
  auto l = apply("[Unit]\nDocumentation=man:a(1)\nDocumentation=\n"
                 "Documentation=man:t(8) \"info:x y\" ftp://x http:// man:%n man:a man:a\n[Service]\nExecStart=/bin/srv\n");
  EXPECT_TRUE(l.ok);
  EXPECT_EQ(l.config.documentation,
            (std::vector<std::string>{"man:t(8)", "info:x y", "man:t.service", "man:a", "man:a"}));
  EXPECT_EQ(messages(l.diags),
            "t.service:4: warning: Invalid URL, ignoring: ftp://x\n"
            "t.service:4: warning: Invalid URL, ignoring: http://\n");
}

// systemd 252's config_parse_pass_environ/_unset_environ: names (and, for
// UnsetEnvironment=, assignments) one by one, each once; an empty value
// empties the list; a bad word is skipped with a warning.
TEST(ServiceKeys, PassAndUnsetEnvironment) {
  auto l = apply("[Service]\nExecStart=/bin/srv\nPassEnvironment=OLD\nPassEnvironment=\n"
                 "PassEnvironment=A \"B\" A 1BAD C=1\nUnsetEnvironment=X Y=1 Y=1 X=\n");
  EXPECT_TRUE(l.ok);
  EXPECT_EQ(l.config.pass_environment, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(l.config.unset_environment, (std::vector<std::string>{"X", "Y=1", "X="}));
  EXPECT_EQ(messages(l.diags),
            "t.service:5: warning: Invalid environment name for PassEnvironment, ignoring: 1BAD\n"
            "t.service:5: warning: Invalid environment name for PassEnvironment, ignoring: C=1\n");
  auto garbage = apply("[Service]\nExecStart=/bin/srv\nUnsetEnvironment=A \"B\nUnsetEnvironment=1=2\n");
  EXPECT_EQ(garbage.config.unset_environment, (std::vector<std::string>{"A"}));
  EXPECT_EQ(messages(garbage.diags),
            "t.service:3: warning: Trailing garbage in UnsetEnvironment, ignoring: A \"B\n"
            "t.service:4: warning: Invalid environment name or assignment UnsetEnvironment, ignoring: 1=2\n");
}

// systemd 252 (checked with `systemd --test`): words before one that cannot
// be split are kept, it and the rest are dropped; invalid assignments are
// dropped one by one; specifiers use the full table.
TEST(ServiceKeys, EnvironmentAsSystemd) {
  auto l = apply("[Service]\nEnvironment=A=1 \"B=2 3\" C=\\w D=%n\n");
  EXPECT_TRUE(l.ok);
  EXPECT_EQ(l.config.environment, (std::vector<std::string>{"A=1", "B=2 3"}));
  EXPECT_EQ(messages(l.diags), "t.service:2: warning: Invalid syntax, ignoring: A=1 \"B=2 3\" C=\\w D=%n\n");
  l = apply("[Service]\nEnvironment=D=%n 1X=2 E F= H=ok \"G=a b\"c L=\\xc3\\x28 M=a\\\\b t=%t I=%I\n");
  EXPECT_EQ(l.config.environment,
            (std::vector<std::string>{"D=t.service", "F=", "H=ok", "G=a bc", "M=a\\b", "t=/run", "I="}));
  EXPECT_EQ(messages(l.diags),
            "t.service:2: warning: Invalid environment assignment, ignoring: 1X=2\n"
            "t.service:2: warning: Invalid environment assignment, ignoring: E\n"
            "t.service:2: warning: Invalid environment assignment, ignoring: L=\\xc3(\n");
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
  ASSERT_EQ(c.conditions.size(), 1u);
  EXPECT_TRUE(c.conditions[0].trigger);
  EXPECT_TRUE(c.conditions[0].negate);
  EXPECT_EQ(c.conditions[0].parameter, "/etc/x");
  EXPECT_EQ(c.working_directory, "~");
  EXPECT_TRUE(c.working_directory_optional);
  ASSERT_EQ(c.environment_files.size(), 1u);
  EXPECT_EQ(c.environment_files[0].path, "/etc/default/t");
  EXPECT_TRUE(c.environment_files[0].optional);
  EXPECT_EQ(c.standard_output.kind, OutputKind::journal);
  EXPECT_TRUE(c.standard_output.console);
  EXPECT_EQ(c.standard_error.kind, OutputKind::truncate);
  EXPECT_EQ(c.type, ServiceType::dbus);
  EXPECT_EQ(c.wanted_by, (std::vector<std::string>{"graphical.target"}));
  EXPECT_TRUE(c.wants.empty());  // [Install] pulls nothing in by itself: only enable links do
  EXPECT_EQ(c.required_by, (std::vector<std::string>{"x.service"}));
  EXPECT_EQ(c.aliases, (std::vector<std::string>{"other.service"}));
  EXPECT_EQ(messages(l.diags),
            "t.service:6: warning: StandardOutput=journal+console is not implemented by Vermilion; treated as "
            "journal.\n");
}

// The messages are systemd 252's, from `systemd --test` on the same file.
TEST(ServiceKeys, DeviceAllowAndDevicePolicy) {
  auto l = apply("[Service]\nExecStart=/bin/true\n"
                 "DeviceAllow=\"/dev/null\" r\n"      // 3
                 "DeviceAllow=/dev/%n rw\n"            // 4
                 "DeviceAllow=/dev/sda1 rwmm\n"        // 5
                 "DeviceAllow=char-*\n"                // 6
                 "DeviceAllow=/dev/ r\n"               // 7: "/dev"
                 "DeviceAllow=dev/null r\n"            // 8
                 "DeviceAllow=/run/systemd/inaccessible/chr r\n"
                 "DeviceAllow=block-%i\n"              // 10: an empty instance
                 "DeviceAllow=\"unterminated\n"        // 11
                 "DeviceAllow=/dev/x \"\"\n"           // 12
                 "DeviceAllow=/dev/y r w\n"            // 13
                 "DeviceAllow=/dev/../dev/zero r\n"    // 14
                 "DevicePolicy=\n"                     // 15
                 "DevicePolicy=closed\n"
                 "DevicePolicy=open\n",                // 17
                 "more.service");
  EXPECT_TRUE(l.ok);
  EXPECT_EQ(l.config.device_policy, DevicePolicy::closed);
  std::vector<std::string> shown;
  for (const DeviceAllow& e : l.config.device_allow.get()) shown.push_back(e.path + " " + device_rights_string(e));
  EXPECT_EQ(shown, (std::vector<std::string>{"block- rwm", "/run/systemd/inaccessible/chr r", "/dev r", "char-* rwm",
                                             "/dev/sda1 rwm", "/dev/more.service rw", "/dev/null r"}))
      << "newest first, as systemd shows them";
  EXPECT_EQ(messages(l.diags),
            "t.service:8: warning: Invalid device node path 'dev/null', ignoring.\n"
            "t.service:11: warning: Failed to extract device path and rights from '\"unterminated', ignoring.\n"
            "t.service:12: warning: Invalid device rights '\"\"', ignoring.\n"
            "t.service:13: warning: Invalid device rights 'r w', ignoring.\n"
            "t.service:14: warning: DeviceAllow= path is not normalized, ignoring: /dev/../dev/zero\n"
            "t.service:15: warning: Failed to parse device policy, ignoring: \n"
            "t.service:17: warning: Failed to parse device policy, ignoring: open\n");

  auto cleared = apply("[Service]\nExecStart=/bin/true\nDeviceAllow=/dev/null\nDeviceAllow=\n");
  EXPECT_TRUE(cleared.config.device_allow.get().empty());
}

// unit_patch_contexts(): PrivateDevices= closes an auto policy, and a filter
// with ProtectClock= lets the RTC be read.
TEST(ServiceKeys, PrivateDevicesAndProtectClockShapeTheDeviceFilter) {
  auto priv = apply("[Service]\nExecStart=/bin/true\nPrivateDevices=yes\n");
  complete_service_config(priv.config);
  EXPECT_EQ(priv.config.device_policy, DevicePolicy::closed);
  EXPECT_TRUE(priv.config.device_allow.get().empty());

  auto strict = apply("[Service]\nExecStart=/bin/true\nPrivateDevices=yes\nDevicePolicy=strict\nProtectClock=yes\n");
  complete_service_config(strict.config);
  EXPECT_EQ(strict.config.device_policy, DevicePolicy::strict) << "only auto is made closed";
  ASSERT_EQ(strict.config.device_allow.get().size(), 1u);
  EXPECT_EQ(strict.config.device_allow.get()[0], (DeviceAllow{"char-rtc", true, false, false}));

  auto clock = apply("[Service]\nExecStart=/bin/true\nProtectClock=yes\n");
  complete_service_config(clock.config);
  EXPECT_EQ(clock.config.device_policy, DevicePolicy::automatic);
  EXPECT_TRUE(clock.config.device_allow.get().empty()) << "nothing filtered: nothing added";
}

// The messages are systemd 252's, from `systemd --test` on the same file.
TEST(ServiceKeys, IPAddressAllowAndDeny) {
  auto l = apply("[Service]\nExecStart=/bin/true\n"
                 "IPAddressDeny=nonsense 127.0.0.2/32 10.0.0.0/33 1.2.3.4/08 LOCALHOST\n"  // 3
                 "IPAddressDeny=10.1.2.3/8 \"quoted\"\n"                                  // 4
                 "IPAddressAllow=any\n"
                 "IPAddressAllow=\n"
                 "IPAddressAllow=fe80::1/64 trailing\n");                            // 7
  EXPECT_TRUE(l.ok);
  std::vector<std::string> deny, allow;
  for (const IPAddressPrefix& p : l.config.ip_address_deny.get()) deny.push_back(to_string(p));
  for (const IPAddressPrefix& p : l.config.ip_address_allow.get()) allow.push_back(to_string(p));
  EXPECT_EQ(deny, (std::vector<std::string>{"10.0.0.0/8", "127.0.0.0/8", "127.0.0.2/32", "::1/128"}));
  EXPECT_EQ(allow, (std::vector<std::string>{"fe80::/64"})) << "the words beside a bad one count";
  EXPECT_EQ(messages(l.diags),
            "t.service:3: warning: Address prefix is invalid, ignoring assignment: nonsense\n"
            "t.service:3: warning: Address prefix is invalid, ignoring assignment: 10.0.0.0/33\n"
            "t.service:3: warning: Address prefix is invalid, ignoring assignment: 1.2.3.4/08\n"
            "t.service:4: warning: Address prefix is invalid, ignoring assignment: \"quoted\"\n"
            "t.service:7: warning: Address prefix is invalid, ignoring assignment: trailing\n");
}

// BusName= (systemd 252's config_parse_bus_name(), service_add_extras(),
// service_verify()): a valid name after specifiers, else ignored with a
// warning; without Type= it makes the service Type=dbus, and Type=dbus
// without it is refused.
TEST(ServiceKeys, BusNameAndTypeDbus) {
  auto l = apply("[Service]\nExecStart=/bin/d\nBusName=org.example.%p\n", "svc.service");
  EXPECT_TRUE(l.ok);
  EXPECT_EQ(l.config.bus_name.get(), "org.example.svc");
  complete_service_config(l.config);
  EXPECT_EQ(l.config.type, ServiceType::dbus) << "BusName= without Type= is dbus";
  EXPECT_TRUE(verify_service_config(l.config, l.diags));

  auto typed = apply("[Service]\nType=notify\nExecStart=/bin/d\nBusName=org.example.N\n");
  complete_service_config(typed.config);
  EXPECT_EQ(typed.config.type, ServiceType::notify) << "Type= given wins";

  auto bad = apply("[Service]\nExecStart=/bin/d\nBusName=org.example.Good\nBusName=no-dots\nBusName=\n"
                   "BusName=:1.5\nBusName=org..x\n");
  EXPECT_TRUE(bad.ok);
  EXPECT_EQ(bad.config.bus_name.get(), ":1.5") << "a unique name is valid for sd_bus_service_name_is_valid()";
  EXPECT_EQ(messages(bad.diags),
            "t.service:4: warning: Invalid bus name, ignoring: no-dots\n"
            "t.service:5: warning: Invalid bus name, ignoring: \n"
            "t.service:7: warning: Invalid bus name, ignoring: org..x\n");

  auto nameless = apply("[Service]\nType=dbus\nExecStart=/bin/d\n");
  EXPECT_TRUE(nameless.ok);
  complete_service_config(nameless.config);
  EXPECT_FALSE(verify_service_config(nameless.config, nameless.diags));
  EXPECT_NE(messages(nameless.diags)
                .find("error: Service is of type D-Bus but no D-Bus service name has been specified. Refusing."),
            std::string::npos)
      << messages(nameless.diags);
}

// syslog and syslog+console are journal and journal+console, with systemd
// 252's notice (config_parse_exec_output()); kmsg and console forwarding
// are not done (a +console still counts as on a terminal for $TERM).
TEST(ServiceKeys, ObsoleteAndUnimplementedOutputs) {
  auto l = apply(
      "[Service]\nExecStart=/bin/srv\nStandardOutput=syslog+console\nStandardError=syslog\n"
      "StandardError=kmsg+console\n");
  EXPECT_EQ(l.config.standard_output.kind, OutputKind::journal);
  EXPECT_TRUE(l.config.standard_output.console);
  EXPECT_EQ(l.config.standard_error.kind, OutputKind::journal);
  EXPECT_TRUE(l.config.standard_error.console);
  EXPECT_EQ(messages(l.diags),
            "t.service:3: warning: Standard output type syslog+console is obsolete, automatically updating to "
            "journal+console. Please update your unit file, and consider removing the setting altogether.\n"
            "t.service:4: warning: Standard output type syslog is obsolete, automatically updating to journal. "
            "Please update your unit file, and consider removing the setting altogether.\n"
            "t.service:5: warning: StandardError=kmsg+console is not implemented by Vermilion; treated as "
            "journal.\n");
}

// Every implemented key with an invalid value, and what systemd 252 says
// and does (recorded with `systemd --test`, see tests/data/units/systemd):
// most are ignored with a warning, the unit loads.
TEST(ServiceKeys, InvalidValuesAreIgnoredAsSystemdDoes) {
  auto l = apply(R"([Unit]
Description=%Z
StartLimitIntervalSec=abc
StartLimitBurst=-1
ConditionPathExists=relative
ConditionPathExists=/a/../b
SuccessAction=bogus
[Service]
Type=bogus
Restart=bogus
RestartSec=abc
TimeoutStartSec=abc
TimeoutStopSec=abc
TimeoutSec=abc
RemainAfterExit=maybe
PIDFile=%Z
KillMode=bogus
KillSignal=0
SendSIGKILL=maybe
SuccessExitStatus=0 300 DATAERR
RestartPreventExitStatus=bogus 3
RestartForceExitStatus=bogus 3
UMask=999
StandardInput=bogus
StandardOutput=bogus
StandardOutput=file:relative
StandardError=append:/a/../b
NoNewPrivileges=maybe
RuntimeDirectory=/abs ok a/../b
WatchdogSec=abc
NotifyAccess=bogus
LimitNOFILE=abc
LimitNOFILE=10:5
EnvironmentFile=relative
EnvironmentFile=-/x/../y
WorkingDirectory=-relative
[Install]
WantedBy=bad! multi-user.target
)");
  EXPECT_TRUE(l.ok) << messages(l.diags);
  EXPECT_FALSE(l.diags.has_errors());
  EXPECT_EQ(messages(l.diags),
            "t.service:2: warning: Failed to resolve unit specifiers in '%Z', ignoring: Invalid slot\n"
            "t.service:3: warning: Failed to parse sec value, ignoring: abc\n"
            "t.service:4: warning: Failed to parse unsigned value, ignoring: -1\n"
            "t.service:5: warning: ConditionPathExists= path is not absolute, ignoring: relative\n"
            "t.service:6: warning: ConditionPathExists= path is not normalized, ignoring: /a/../b\n"
            "t.service:7: warning: Failed to parse SuccessAction=, ignoring: bogus\n"
            "t.service:9: warning: Failed to parse service type, ignoring: bogus\n"
            "t.service:10: warning: Failed to parse service restart specifier, ignoring: bogus\n"
            "t.service:11: warning: Failed to parse sec value, ignoring: abc\n"
            "t.service:12: warning: Failed to parse TimeoutStartSec= parameter, ignoring: abc\n"
            "t.service:13: warning: Failed to parse time value, ignoring: abc\n"
            "t.service:14: warning: Failed to parse TimeoutSec= parameter, ignoring: abc\n"
            "t.service:15: warning: Failed to parse boolean value, ignoring: maybe\n"
            "t.service:16: warning: Failed to resolve unit specifiers in '%Z', ignoring: Invalid slot\n"
            "t.service:17: warning: Failed to parse kill mode specification, ignoring: bogus\n"
            "t.service:18: warning: Failed to parse signal name, ignoring: 0\n"
            "t.service:19: warning: Failed to parse boolean value, ignoring: maybe\n"
            "t.service:20: warning: Failed to parse value, ignoring: 300\n"
            "t.service:21: warning: Failed to parse value, ignoring: bogus\n"
            "t.service:22: warning: Failed to parse value, ignoring: bogus\n"
            "t.service:23: warning: Failed to parse mode value, ignoring: 999\n"
            "t.service:24: warning: Failed to parse input specifier, ignoring: bogus\n"
            "t.service:25: warning: Failed to parse output specifier, ignoring: bogus\n"
            "t.service:26: warning: StandardOutput= path is not absolute: relative\n"
            "t.service:27: warning: StandardError= path is not normalized: /a/../b\n"
            "t.service:28: warning: Failed to parse boolean value, ignoring: maybe\n"
            "t.service:29: warning: RuntimeDirectory= path is absolute, ignoring: /abs\n"
            "t.service:29: warning: RuntimeDirectory= path is not normalized, ignoring: a/../b\n"
            "t.service:30: warning: Failed to parse sec value, ignoring: abc\n"
            "t.service:31: warning: Failed to parse notify access specifier, ignoring: bogus\n"
            "t.service:32: warning: Failed to parse resource value, ignoring: abc\n"
            "t.service:33: warning: Soft resource limit chosen higher than hard limit, ignoring: 10:5\n"
            "t.service:34: warning: EnvironmentFile= path is not absolute, ignoring: relative\n"
            "t.service:35: warning: EnvironmentFile= path is not normalized, ignoring: /x/../y\n"
            "t.service:36: warning: WorkingDirectory= path is not absolute, ignoring: relative\n"
            "t.service:38: warning: Invalid unit name 'bad!' in WantedBy=, ignoring.\n");
  const auto& c = l.config;
  EXPECT_EQ(c.success_exit_status.get().codes, (std::set<int>{0, 65}));
  EXPECT_EQ(c.restart_prevent_exit_status.get().codes, (std::set<int>{3}));
  EXPECT_EQ(c.restart_force_exit_status.get().codes, (std::set<int>{3}));
  EXPECT_EQ(c.directory(ExecDirectoryType::runtime).names, (std::vector<std::string>{"ok"}));
  EXPECT_EQ(c.type, ServiceType::simple);
  EXPECT_FALSE(c.type_explicit);
  EXPECT_EQ(c.kill_signal, SIGTERM);
  EXPECT_EQ(c.wanted_by, (std::vector<std::string>{"multi-user.target"}));
}

// The few keys whose invalid values make the unit bad-setting in systemd 252.
TEST(ServiceKeys, FatalValuesAsSystemd) {
  for (auto [line, message] : std::initializer_list<std::pair<const char*, const char*>>{
           {"User=bad:name", "Invalid user/group name or numeric ID: bad:name"},
           {"User=%Z", "Failed to resolve unit specifiers in %Z: Invalid slot"},
           {"User=65535", "Invalid user/group name or numeric ID: 65535"},
           {"Group=a/b", "Invalid user/group name or numeric ID: a/b"},
           {"SupplementaryGroups=ok bad:name", "Invalid user/group name or numeric ID: bad:name"},
           {"WorkingDirectory=relative", "WorkingDirectory= path is not absolute: relative"},
           {"WorkingDirectory=~/x", "WorkingDirectory= path is not absolute: ~/x"},
           {"WorkingDirectory=/a/../b", "WorkingDirectory= path is not normalized: /a/../b"},
           {"ExecStart=/bin/ech\\x27o", "Executable name contains special characters: /bin/ech'o"},
       }) {
    auto l = apply(std::string("[Service]\n") + line + "\n");
    EXPECT_FALSE(l.ok) << line;
    EXPECT_EQ(messages(l.diags), std::string("t.service:2: error: ") + message + "\n") << line;
  }
  // PIDFile= with ".." fails the load (state "error", not bad-setting).
  auto l = apply("[Service]\nPIDFile=rel/../x\n");
  EXPECT_EQ(messages(l.diags), "t.service:2: error: PIDFile= path is not normalized, ignoring: /run/rel/../x\n");
}

TEST(ServiceKeys, PathsAreSimplified) {
  auto l = apply(R"([Unit]
ConditionPathExists=/a/./b//c/
[Service]
EnvironmentFile=/a/./b//c
WorkingDirectory=/a/./b//c/
StandardOutput=file:/a/./b//c
RuntimeDirectory=a/./b//c/ d
PIDFile=rel/./x
User=a b
)");
  EXPECT_TRUE(l.ok) << messages(l.diags);
  const auto& c = l.config;
  EXPECT_EQ(c.conditions.at(0).parameter, "/a/b/c");
  EXPECT_EQ(c.environment_files.at(0).path, "/a/b/c");
  EXPECT_EQ(c.working_directory, "/a/b/c");
  EXPECT_EQ(c.standard_output.path, "/a/b/c");
  EXPECT_EQ(c.directory(ExecDirectoryType::runtime).names, (std::vector<std::string>{"a/b/c", "d"}));
  EXPECT_EQ(c.pid_file, "/run/rel/x");
  EXPECT_EQ(c.user, "a b");
}

// Targets are units Vermilion runs; the other types stay dropped (README).
TEST(ServiceKeys, DependenciesOnTypesNotRunAreDropped) {
  auto l = apply("[Unit]\nBindsTo=dev-sda.device x.service\nBefore=shutdown.target\n"
                 "Wants=a.socket b.timer c.mount d.path e.slice network.target\n"
                 "Requires=f.socket\n");
  EXPECT_TRUE(l.ok);
  EXPECT_EQ(l.config.binds_to, (std::vector<std::string>{"x.service"}));
  EXPECT_EQ(l.config.before, (std::vector<std::string>{"shutdown.target"}));
  EXPECT_EQ(l.config.wants, (std::vector<std::string>{"network.target"}));
  EXPECT_TRUE(l.config.requires_.empty());
  EXPECT_EQ(messages(l.diags),
            "t.service:2: warning: BindsTo=dev-sda.device ignored: Vermilion runs only services and targets\n"
            "t.service:5: warning: Requires=f.socket ignored: Vermilion runs only services and targets\n");
}

TEST(ServiceKeys, DefaultDependencies) {
  EXPECT_TRUE(apply("[Unit]\n").config.default_dependencies);
  auto l = apply("[Unit]\nDefaultDependencies=no\n");
  EXPECT_FALSE(l.config.default_dependencies);
  EXPECT_TRUE(l.diags.items().empty()) << messages(l.diags);
}

// systemd.target(5): a target has [Unit] and [Install]; a [Service]
// section there is unknown, as systemd says of any section a type lacks.
TEST(TargetKeys, OnlyUnitAndInstallSections) {
  auto l = apply("[Unit]\nDescription=T\nWants=a.service\n[Service]\nExecStart=/bin/true\n[Install]\n"
                 "WantedBy=default.target\n",
                 "t.target");
  EXPECT_TRUE(l.ok);
  EXPECT_EQ(l.config.description, "T");
  EXPECT_EQ(l.config.wants, (std::vector<std::string>{"a.service"}));
  EXPECT_TRUE(l.config.exec_start.empty());
  EXPECT_EQ(l.config.wanted_by, (std::vector<std::string>{"default.target"}));
  EXPECT_EQ(messages(l.diags), "t.service:4: warning: Unknown section 'Service'. Ignoring.\n");
  l = apply("[Install]\nAlias=x.service y.target\n", "t.target");
  EXPECT_EQ(l.config.aliases, (std::vector<std::string>{"y.target"}));
}

// systemd 252's resolve_template(): a template named in a dependency gets
// the referring unit's instance, or its prefix when it has none.
TEST(ServiceKeys, TemplateDependenciesTakeTheInstance) {
  auto l = apply("[Unit]\nWants=postgresql@.service\nAfter=postgresql@.service x@%i.service\n",
                 "pg_dump@15-main.service");
  EXPECT_TRUE(l.ok) << messages(l.diags);
  EXPECT_EQ(l.config.wants, (std::vector<std::string>{"postgresql@15-main.service"}));
  EXPECT_EQ(l.config.after, (std::vector<std::string>{"postgresql@15-main.service", "x@15-main.service"}));
  l = apply("[Unit]\nWants=postgresql@.service\n", "echo@x-y\\x2dz.service");
  EXPECT_EQ(l.config.wants, (std::vector<std::string>{"postgresql@x-y\\x2dz.service"}));
  l = apply("[Unit]\nWants=x@.service\n", "a.service");
  EXPECT_EQ(l.config.wants, (std::vector<std::string>{"x@a.service"}));
}

TEST(ServiceKeys, DependencyNamesAsSystemd) {
  auto l = apply("[Unit]\nRequires=foo bar.socket %Z baz .service a-%H.service\n");
  EXPECT_TRUE(l.ok);
  EXPECT_EQ(messages(l.diags),
            "t.service:2: warning: Failed to add dependency on foo, ignoring: Invalid argument\n"
            "t.service:2: warning: Requires=bar.socket ignored: Vermilion runs only services and targets\n"
            "t.service:2: warning: Failed to resolve unit specifiers in '%Z', ignoring: Invalid slot\n"
            "t.service:2: warning: Failed to add dependency on baz, ignoring: Invalid argument\n"
            "t.service:2: warning: Failed to add dependency on .service, ignoring: Invalid argument\n");
  EXPECT_EQ(l.config.requires_, (std::vector<std::string>{"a-h.service"}));
  l = apply("[Unit]\nWants=foo-%I.service x-%t.service y-%j.service\n");
  EXPECT_EQ(messages(l.diags),
            "t.service:2: warning: Failed to resolve unit specifiers in 'foo-%I.service', ignoring: Invalid slot\n"
            "t.service:2: warning: Failed to resolve unit specifiers in 'x-%t.service', ignoring: Invalid slot\n");
  EXPECT_EQ(l.config.wants, (std::vector<std::string>{"y-t.service"}));
}

TEST(ServiceKeys, EmergencyActions) {
  auto l = apply("[Unit]\nSuccessAction=exit\nFailureAction=reboot-force\n");
  EXPECT_EQ(l.config.success_action, EmergencyAction::exit);
  EXPECT_EQ(l.config.failure_action, EmergencyAction::reboot_force);
  EXPECT_EQ(messages(l.diags),
            "t.service:3: warning: FailureAction=reboot-force: Vermilion does not reboot, power off or halt the "
            "machine; it stops its services and exits, as for exit\n");
  l = apply("[Unit]\nFailureAction=reboot\n", "t.service", RuntimeScope::user);
  EXPECT_EQ(l.config.failure_action, EmergencyAction::none);
  EXPECT_EQ(l.diags.items().size(), 1u);
}

// StartLimitAction= takes the same values, also in [Service] (as
// FailureAction= does), which systemd-analyze verify accepts without a word;
// a bad value is systemd's warning, recorded from systemd-analyze verify.
TEST(ServiceKeys, StartLimitActionInUnitAndService) {
  auto l = apply("[Unit]\nStartLimitAction=exit-force\n");
  EXPECT_EQ(l.config.start_limit_action, EmergencyAction::exit_force);
  EXPECT_TRUE(l.diags.items().empty());
  l = apply("[Service]\nExecStart=/bin/true\nStartLimitAction=exit\nFailureAction=exit-force\n");
  EXPECT_EQ(l.config.start_limit_action, EmergencyAction::exit);
  EXPECT_EQ(l.config.failure_action, EmergencyAction::exit_force);
  EXPECT_TRUE(l.diags.items().empty()) << messages(l.diags);
  l = apply("[Unit]\nStartLimitAction=bogus\n");
  EXPECT_EQ(l.config.start_limit_action, EmergencyAction::none);
  EXPECT_EQ(messages(l.diags), "t.service:2: warning: Failed to parse StartLimitAction=, ignoring: bogus\n");
}

// SuccessActionExitStatus=/FailureActionExitStatus= (config_parse_exit_status).
TEST(ServiceKeys, ActionExitStatus) {
  auto l = apply("[Unit]\nSuccessActionExitStatus=0\nFailureActionExitStatus=255\n");
  EXPECT_EQ(l.config.success_action_exit_status, 0);
  EXPECT_EQ(l.config.failure_action_exit_status, 255);
  EXPECT_TRUE(l.diags.items().empty());
  l = apply("[Unit]\nFailureActionExitStatus=9\nFailureActionExitStatus=256\nSuccessActionExitStatus=x\n"
            "FailureActionExitStatus=\n");
  EXPECT_EQ(l.config.failure_action_exit_status, -1) << "empty: the main process's own";
  EXPECT_EQ(messages(l.diags),
            "t.service:3: warning: Failed to parse exit status '256', ignoring\n"
            "t.service:4: warning: Failed to parse exit status 'x', ignoring\n");
}

// OnFailure=/OnSuccess= are dependencies (specifiers, templates take the
// unit's instance, unit types Vermilion does not run are dropped with a
// warning); the job modes take systemd's words.
TEST(ServiceKeys, OnFailureAndOnSuccess) {
  auto l = apply("[Unit]\nOnFailure=report@%n.service alarm.target\nOnFailure=x.timer\nOnSuccess=next@.service\n",
                 "web@a.service");
  EXPECT_EQ(l.config.on_failure, (std::vector<std::string>{"report@web@a.service.service", "alarm.target"}));
  EXPECT_EQ(l.config.on_success, (std::vector<std::string>{"next@a.service"}));
  EXPECT_EQ(messages(l.diags),
            "t.service:3: warning: OnFailure=x.timer ignored: Vermilion runs only services and targets\n");
  l = apply("[Unit]\nOnFailure=a.service\nOnFailure=\nOnSuccess=b.service\n");
  EXPECT_TRUE(l.config.on_failure.empty()) << "an empty assignment resets the list";
  EXPECT_EQ(l.config.on_success, (std::vector<std::string>{"b.service"}));
}

TEST(ServiceKeys, OnFailureJobMode) {
  auto l = apply("[Unit]\nOnFailureJobMode=fail\nOnSuccessJobMode=replace-irreversibly\n");
  EXPECT_EQ(l.config.on_failure_job_mode, JobMode::fail);
  EXPECT_EQ(l.config.on_success_job_mode, JobMode::replace_irreversibly);
  EXPECT_EQ(messages(l.diags), "") << "every mode runs (Manager::enqueue())";
  l = apply("[Unit]\nOnFailureJobMode=fail\nOnFailureJobMode=sometimes\n");
  EXPECT_EQ(l.config.on_failure_job_mode, JobMode::fail) << "a bad value is ignored";
  EXPECT_EQ(messages(l.diags), "t.service:3: warning: Failed to parse job mode, ignoring: sometimes\n");
  for (JobMode m : {JobMode::fail, JobMode::replace, JobMode::replace_irreversibly, JobMode::isolate, JobMode::flush,
                    JobMode::ignore_dependencies, JobMode::ignore_requirements, JobMode::triggering}) {
    l = apply(std::string("[Unit]\nOnFailureJobMode=") + to_string(m) + "\n");
    EXPECT_EQ(l.config.on_failure_job_mode, m) << to_string(m);
  }
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
  EXPECT_FALSE(verify_service_config(c, d));  // ExecStop= alone needs RemainAfterExit=yes
  c.remain_after_exit = true;
  EXPECT_TRUE(verify_service_config(c, d));
  c.exec_stop.clear();
  c.remain_after_exit = false;
  c.success_action = EmergencyAction::exit;  // SuccessAction= alone is enough
  EXPECT_TRUE(verify_service_config(c, d));
  c.success_action = EmergencyAction::none;
  c.failure_action = EmergencyAction::exit;  // FailureAction= is not
  EXPECT_FALSE(verify_service_config(c, d));
}

TEST(VerifyService, TypeWithoutExecStartIsOneshot) {
  ServiceConfig c;
  c.success_action = EmergencyAction::exit;
  complete_service_config(c);
  EXPECT_EQ(c.type, ServiceType::oneshot);
  ServiceConfig simple;
  simple.type_explicit = true;
  complete_service_config(simple);
  EXPECT_EQ(simple.type, ServiceType::simple);
}

}  // namespace
}  // namespace vermilion

namespace vermilion {
namespace {

// Also= and DefaultInstance= are read by enable (install_section.h); a load
// passes over them without a word, as systemd 252's does.
TEST(UnitKeys, InstallKeysReadByEnableAreNotWarnedAbout) {
  auto l = apply(R"([Service]
ExecStart=/bin/srv
[Install]
WantedBy=multi-user.target
Also=other.service
DefaultInstance=main
)");
  EXPECT_TRUE(l.ok);
  EXPECT_EQ(messages(l.diags), "");
}

// LoadCredential=/SetCredential= as systemd 252's load-fragment.c parses
// them; the warnings are the ones `systemd-analyze verify` gives for the
// same lines.
TEST(UnitKeys, CredentialsAsSystemdParsesThem) {
  auto l = apply(R"([Service]
ExecStart=/bin/true
LoadCredential=a:/etc/hostname
LoadCredential=b
LoadCredential=c:
LoadCredential=d:not/valid
LoadCredential=e:/etc/../x
LoadCredential=bad/name:/x
LoadCredential=a:/etc/os-release
LoadCredential=f\:g:/x
LoadCredential=h:/x\:y
LoadCredential=:/x
SetCredential=s1:hello\nworld\x00!
SetCredential=s2:
SetCredential=s3
SetCredential=s4:bad\w
SetCredential=s5:a:b:c
SetCredential=s1:again\n
)");
  EXPECT_TRUE(l.ok);
  EXPECT_EQ(l.config.load_credentials, (std::vector<LoadCredential>{{"a", "/etc/os-release"}, {"b", "b"}, {"c", "c"},
                                                                     {"h", "/x\\:y"}}));
  EXPECT_EQ(l.config.set_credentials, (std::vector<SetCredential>{{"s1", "again\n"}, {"s5", "a:b:c"}}));
  EXPECT_EQ(messages(l.diags),
            "t.service:6: warning: Credential source \"not/valid\" not valid, ignoring.\n"
            "t.service:7: warning: Credential source \"/etc/../x\" not valid, ignoring.\n"
            "t.service:8: warning: Credential name \"bad/name\" not valid, ignoring.\n"
            "t.service:10: warning: Credential name \"f:g\" not valid, ignoring.\n"
            "t.service:12: warning: Credential name \"\" not valid, ignoring.\n"
            "t.service:14: warning: Invalid syntax, ignoring: s2:\n"
            "t.service:15: warning: Invalid syntax, ignoring: s3\n"
            "t.service:16: warning: Can't unescape \"bad\\w\", ignoring: Invalid argument\n");

  auto nul = apply("[Service]\nExecStart=/bin/true\nSetCredential=z:a\\x00b\nLoadCredential=x\nLoadCredential=\n");
  EXPECT_EQ(nul.config.set_credentials, (std::vector<SetCredential>{{"z", std::string("a\0b", 3)}}));
  EXPECT_TRUE(nul.config.load_credentials.empty()) << "an empty assignment resets";
}

}  // namespace
}  // namespace vermilion

