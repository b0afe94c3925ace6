// The private link's wire format: everything vermiliond appends, the bridge
// reads back as it was; the dict has exactly the documented keys and types;
// readers skip what they do not know and refuse what is malformed.
#include "common/link_wire.h"

#include <sys/socket.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdlib>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "common/unique_fd.h"

namespace vermilion {
namespace {

// Frees what sd_bus_message_read_strv() gave.
void strv_free(char** strv) {
  for (char** p = strv; p && *p; ++p) free(*p);
  free(strv);
}

ServiceStatus failed_web() {
  ServiceStatus s;
  s.name = "web.service";
  s.description = "The web server";
  s.on_failure = {"report@web.service.service"};
  s.failure_action = "exit";
  s.load_state = "loaded";
  s.active_state = "failed";
  s.default_dependencies = false;
  s.exec_start = {{"/usr/sbin/web", {"web", "--port", "80"}, {}, 1700000000000003, 5000003, 1700000000888880, 5888880,
                   4343, 2, 9}};
  s.exec_stop_post = {{"/bin/rm", {"/bin/rm", "-f", "/run/web.pid"}, {"ignore-failure", "no-env-expand"}, 0, 0, 0, 0,
                       0, 0, 0},
                      {"/bin/true", {"/bin/true"}, {}, 1700000000888890, 5888890, 1700000000888891, 5888891, 4350, 1,
                       0}};
  s.conditions = {{"ConditionPathExists", false, true, "/etc/web.off", 1},
                  {"ConditionPathExists", true, false, "/srv/web", 0}};
  s.asserts = {{"AssertKernelVersion", false, false, ">=5.10", -1}};
  s.condition_result = true;
  s.need_daemon_reload = true;
  s.condition_timestamp = 1700000000000001;
  s.condition_timestamp_monotonic = 4000001;
  s.state_change_timestamp = 1700000000999999;
  s.state_change_timestamp_monotonic = 5999999;
  s.sub_state = "failed";
  s.result = "signal";
  s.main_pid = 0;
  s.exec_main_status = 9;
  s.n_restarts = 3;
  s.active_enter_timestamp = 1700000000123456u;
  s.inactive_enter_timestamp = 1700000000999999u;
  s.fragment_path = "/etc/vermilion/units/web.service";
  s.drop_in_paths = {"/etc/vermilion/units/web.service.d/10-a.conf", "/run/vermilion/units/web.service.d/20-b.conf"};
  s.wants = {"db.service"};
  s.after = {"db.service", "network.target"};
  s.active_exit_timestamp = 1700000000888888u;
  s.inactive_exit_timestamp = 1700000000000002u;
  s.exec_main_start_timestamp = 1700000000000003u;
  s.exec_main_exit_timestamp = 1700000000888880u;
  s.exec_main_pid = 4343;
  s.exec_main_code = 2;  // CLD_KILLED
  s.type = "notify";
  s.restart = "on-failure";
  s.can_reload = true;
  s.invocation_id = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
  return s;
}

ServiceStatus running_db() {
  ServiceStatus s;
  s.name = "db.service";
  s.description = "Database";
  s.load_state = "loaded";
  s.active_state = "active";
  s.sub_state = "running";
  s.result = "success";
  s.main_pid = 4242;
  s.exec_main_status = -1;
  s.active_enter_timestamp = 1700000000000001u;
  s.status_text = "accepting connections";
  return s;
}

// Messages to append to and read back. sd-bus builds messages only on a bus
// that has started, so this one has (on a socketpair nobody answers).
class LinkWireTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fd_pair pair;
    ASSERT_EQ(make_socketpair(pair, AF_UNIX, SOCK_STREAM), 0);
    peer_ = std::move(pair.second);
    int fd = pair.first.release();
    ASSERT_GE(sd_bus_new(&bus_), 0);
    ASSERT_GE(sd_bus_set_fd(bus_, fd, fd), 0);
    ASSERT_GE(sd_bus_set_anonymous(bus_, 1), 0);
    ASSERT_GE(sd_bus_start(bus_), 0);
    m_ = fresh();
  }
  void TearDown() override {
    for (sd_bus_message* m : messages_) sd_bus_message_unref(m);
    sd_bus_close_unref(bus_);
  }
  // A new empty message, freed with the fixture.
  sd_bus_message* fresh() {
    sd_bus_message* m = nullptr;
    EXPECT_GE(sd_bus_message_new_signal(bus_, &m, "/t", "t.T", "S"), 0);
    messages_.push_back(m);
    return m;
  }
  // Seals `m` as if sent, and goes back to its start to read it.
  static void seal(sd_bus_message* m) {
    static uint64_t cookie = 0;
    ASSERT_GE(sd_bus_message_seal(m, ++cookie, 0), 0);
    ASSERT_GE(sd_bus_message_rewind(m, 1), 0);
  }
  // Seals m_ and reads its dict back as (key, type, value as text).
  std::vector<std::tuple<std::string, std::string, std::string>> dict_entries() {
    std::vector<std::tuple<std::string, std::string, std::string>> out;
    seal(m_);
    EXPECT_STREQ(sd_bus_message_get_signature(m_, 1), kServicePropertiesSignature);
    EXPECT_GT(sd_bus_message_enter_container(m_, 'a', "{sv}"), 0);
    while (sd_bus_message_enter_container(m_, 'e', "sv") > 0) {
      const char* key = nullptr;
      const char* contents = nullptr;
      char type = 0;
      EXPECT_GE(sd_bus_message_read(m_, "s", &key), 0);
      EXPECT_GE(sd_bus_message_peek_type(m_, &type, &contents), 0);
      EXPECT_EQ(type, 'v');
      EXPECT_GE(sd_bus_message_enter_container(m_, 'v', contents), 0);
      std::string value;
      if (std::string_view(contents) == "s") {
        const char* s = nullptr;
        EXPECT_GE(sd_bus_message_read_basic(m_, 's', &s), 0);
        value = s;
      } else if (std::string_view(contents) == "u") {
        uint32_t u = 0;
        EXPECT_GE(sd_bus_message_read_basic(m_, 'u', &u), 0);
        value = std::to_string(u);
      } else if (std::string_view(contents) == "i") {
        int32_t i = 0;
        EXPECT_GE(sd_bus_message_read_basic(m_, 'i', &i), 0);
        value = std::to_string(i);
      } else if (std::string_view(contents) == "t") {
        uint64_t t = 0;
        EXPECT_GE(sd_bus_message_read_basic(m_, 't', &t), 0);
        value = std::to_string(t);
      } else if (std::string_view(contents) == "b") {
        int b = 0;
        EXPECT_GE(sd_bus_message_read_basic(m_, 'b', &b), 0);
        value = b ? "true" : "false";
      } else if (std::string_view(contents) == "a(sasasttttuii)") {
        // "path argv... [flags...] start_rt/start_mono exit_rt/exit_mono pid code status; ..."
        EXPECT_GT(sd_bus_message_enter_container(m_, 'a', "(sasasttttuii)"), 0);
        while (sd_bus_message_enter_container(m_, 'r', "sasasttttuii") > 0) {
          const char* path = nullptr;
          char** argv = nullptr;
          char** flags = nullptr;
          uint64_t t[4] = {};
          uint32_t pid = 0;
          int32_t code = 0, status = 0;
          EXPECT_GE(sd_bus_message_read(m_, "s", &path), 0);
          EXPECT_GE(sd_bus_message_read_strv(m_, &argv), 0);
          EXPECT_GE(sd_bus_message_read_strv(m_, &flags), 0);
          EXPECT_GE(sd_bus_message_read(m_, "ttttuii", &t[0], &t[1], &t[2], &t[3], &pid, &code, &status), 0);
          EXPECT_GE(sd_bus_message_exit_container(m_), 0);
          value += (value.empty() ? "" : "; ") + std::string(path);
          for (char** p = argv; p && *p; ++p) value += " " + std::string(*p);
          value += " [";
          for (char** p = flags; p && *p; ++p) value += (p == flags ? "" : " ") + std::string(*p);
          value += "] " + std::to_string(t[0]) + "/" + std::to_string(t[1]) + " " + std::to_string(t[2]) + "/" +
                   std::to_string(t[3]) + " " + std::to_string(pid) + " " + std::to_string(code) + " " +
                   std::to_string(status);
          strv_free(argv);
          strv_free(flags);
        }
        EXPECT_GE(sd_bus_message_exit_container(m_), 0);
      } else if (std::string_view(contents) == "a(sbbsi)") {
        // "type trigger negate parameter state; ..."
        EXPECT_GT(sd_bus_message_enter_container(m_, 'a', "(sbbsi)"), 0);
        const char* kind = nullptr;
        const char* parameter = nullptr;
        int trigger = 0, negate = 0;
        int32_t state = 0;
        while (sd_bus_message_read(m_, "(sbbsi)", &kind, &trigger, &negate, &parameter, &state) > 0)
          value += (value.empty() ? "" : "; ") + std::string(kind) + " " + std::to_string(trigger) + " " +
                   std::to_string(negate) + " " + parameter + " " + std::to_string(state);
        EXPECT_GE(sd_bus_message_exit_container(m_), 0);
      } else if (std::string_view(contents) == "as") {
        char** strv = nullptr;
        EXPECT_GE(sd_bus_message_read_strv(m_, &strv), 0);
        for (char** p = strv; p && *p; ++p) {
          value += (value.empty() ? "" : ",") + std::string(*p);
          free(*p);
        }
        free(strv);
      }
      EXPECT_GE(sd_bus_message_exit_container(m_), 0);
      EXPECT_GE(sd_bus_message_exit_container(m_), 0);
      out.emplace_back(key, contents, value);
    }
    EXPECT_GE(sd_bus_message_exit_container(m_), 0);
    return out;
  }
  // Writes a dict by hand: (key, variant type, value appended by `append`).
  template <typename... Entries>
  void hand_dict(Entries... entries) {
    ASSERT_GE(sd_bus_message_open_container(m_, 'a', "{sv}"), 0);
    auto one = [&](const auto& entry) {
      const auto& [key, type, value] = entry;
      ASSERT_GE(sd_bus_message_open_container(m_, 'e', "sv"), 0);
      ASSERT_GE(sd_bus_message_append(m_, "s", key), 0);
      ASSERT_GE(sd_bus_message_append(m_, "v", type, value), 0);
      ASSERT_GE(sd_bus_message_close_container(m_), 0);
    };
    (one(entries), ...);
    ASSERT_GE(sd_bus_message_close_container(m_), 0);
  }

  unique_fd peer_;
  sd_bus* bus_ = nullptr;
  sd_bus_message* m_ = nullptr;
  std::vector<sd_bus_message*> messages_;
};

// ---- the properties dict ----------------------------------------------------

TEST_F(LinkWireTest, DictHasExactlyTheKeysAndTypesOfTheServiceInterface) {
  ASSERT_EQ(append_service_properties(m_, failed_web()), 0);
  using Entry = std::tuple<std::string, std::string, std::string>;
  EXPECT_EQ(dict_entries(), (std::vector<Entry>{
                                {"Name", "s", "web.service"},
                                {"Description", "s", "The web server"},
                                {"LoadState", "s", "loaded"},
                                {"ActiveState", "s", "failed"},
                                {"SubState", "s", "failed"},
                                {"Result", "s", "signal"},
                                {"MainPID", "u", "0"},
                                {"ExecMainStatus", "i", "9"},
                                {"NRestarts", "u", "3"},
                                {"ActiveEnterTimestamp", "t", "1700000000123456"},
                                {"InactiveEnterTimestamp", "t", "1700000000999999"},
                                {"StatusText", "s", ""},
                                {"FragmentPath", "s", "/etc/vermilion/units/web.service"},
                                {"DropInPaths", "as",
                                 "/etc/vermilion/units/web.service.d/10-a.conf,"
                                 "/run/vermilion/units/web.service.d/20-b.conf"},
                                {"Documentation", "as", ""},
                                {"RequiresMountsFor", "as", ""},
                                {"Requires", "as", ""},
                                {"Wants", "as", "db.service"},
                                {"BindsTo", "as", ""},
                                {"Requisite", "as", ""},
                                {"Conflicts", "as", ""},
                                {"Before", "as", ""},
                                {"After", "as", "db.service,network.target"},
                                {"PartOf", "as", ""},
                                {"PropagatesStopTo", "as", ""},
                                {"StopPropagatedFrom", "as", ""},
                                {"PropagatesReloadTo", "as", ""},
                                {"ReloadPropagatedFrom", "as", ""},
                                {"Upholds", "as", ""},
                                {"UpheldBy", "as", ""},
                                {"StopWhenUnneeded", "b", "false"},
                                {"AllowIsolate", "b", "false"},
                                {"IgnoreOnIsolate", "b", "false"},
                                {"RequiredBy", "as", ""},
                                {"WantedBy", "as", ""},
                                {"BoundBy", "as", ""},
                                {"RequisiteOf", "as", ""},
                                {"ConsistsOf", "as", ""},
                                {"ConflictedBy", "as", ""},
                                {"OnFailureOf", "as", ""},
                                {"OnSuccessOf", "as", ""},
                                {"ActiveExitTimestamp", "t", "1700000000888888"},
                                {"InactiveExitTimestamp", "t", "1700000000000002"},
                                {"ExecMainStartTimestamp", "t", "1700000000000003"},
                                {"ExecMainExitTimestamp", "t", "1700000000888880"},
                                {"ExecMainPID", "u", "4343"},
                                {"ExecMainCode", "i", "2"},
                                {"Type", "s", "notify"},
                                {"BusName", "s", ""},
                                {"Restart", "s", "on-failure"},
                                {"CanReload", "b", "true"},
                                {"ControlGroup", "s", ""},
                                {"KillMode", "s", ""},
                                {"KillSignal", "i", "0"},
                                {"SyslogIdentifier", "s", ""},
                                {"SyslogPriority", "i", "30"},
                                {"SyslogLevelPrefix", "b", "true"},
                                {"LogLevelMax", "i", "-1"},
                                {"RestartKillSignal", "i", "0"},
                                {"FinalKillSignal", "i", "0"},
                                {"SendSIGKILL", "b", "true"},
                                {"NotifyAccess", "s", ""},
                                {"InvocationID", "s", "0f1e2d3c4b5a69788796a5b4c3d2e1f0"},
                                {"RestartUSec", "t", "0"},
                                {"TimeoutStartUSec", "t", "0"},
                                {"TimeoutStopUSec", "t", "0"},
                                {"TimeoutAbortUSec", "t", "0"},
                                {"RuntimeMaxUSec", "t", "0"},
                                {"RuntimeRandomizedExtraUSec", "t", "0"},
                                {"WatchdogUSec", "t", "0"},
                                {"WatchdogSignal", "i", "0"},
                                {"OnFailure", "as", "report@web.service.service"},
                                {"OnSuccess", "as", ""},
                                {"OnFailureJobMode", "s", "replace"},
                                {"OnSuccessJobMode", "s", "fail"},
                                {"SuccessAction", "s", "none"},
                                {"FailureAction", "s", "exit"},
                                {"DefaultDependencies", "b", "false"},
                                {"RefuseManualStart", "b", "false"},
                                {"RefuseManualStop", "b", "false"},
                                {"ExecConditionEx", "a(sasasttttuii)", ""},
                                {"ExecStartPreEx", "a(sasasttttuii)", ""},
                                {"ExecStartEx", "a(sasasttttuii)",
                                 "/usr/sbin/web web --port 80 [] 1700000000000003/5000003 1700000000888880/5888880 "
                                 "4343 2 9"},
                                {"ExecStartPostEx", "a(sasasttttuii)", ""},
                                {"ExecReloadEx", "a(sasasttttuii)", ""},
                                {"ExecStopEx", "a(sasasttttuii)", ""},
                                {"ExecStopPostEx", "a(sasasttttuii)",
                                 "/bin/rm /bin/rm -f /run/web.pid [ignore-failure no-env-expand] 0/0 0/0 0 0 0; "
                                 "/bin/true /bin/true [] 1700000000888890/5888890 1700000000888891/5888891 4350 1 0"},
                                {"ActiveEnterTimestampMonotonic", "t", "0"},
                                {"ActiveExitTimestampMonotonic", "t", "0"},
                                {"InactiveEnterTimestampMonotonic", "t", "0"},
                                {"InactiveExitTimestampMonotonic", "t", "0"},
                                {"ExecMainStartTimestampMonotonic", "t", "0"},
                                {"ExecMainExitTimestampMonotonic", "t", "0"},
                                {"StateChangeTimestamp", "t", "1700000000999999"},
                                {"StateChangeTimestampMonotonic", "t", "5999999"},
                                {"ConditionResult", "b", "true"},
                                {"AssertResult", "b", "false"},
                                {"ConditionTimestamp", "t", "1700000000000001"},
                                {"ConditionTimestampMonotonic", "t", "4000001"},
                                {"AssertTimestamp", "t", "0"},
                                {"AssertTimestampMonotonic", "t", "0"},
                                {"Conditions", "a(sbbsi)",
                                 "ConditionPathExists 0 1 /etc/web.off 1; ConditionPathExists 1 0 /srv/web 0"},
                                {"Asserts", "a(sbbsi)", "AssertKernelVersion 0 0 >=5.10 -1"},
                                {"NeedDaemonReload", "b", "true"},
                                {"StartLimitIntervalUSec", "t", "0"},
                                {"StartLimitBurst", "u", "0"},
                                {"StartLimitAction", "s", "none"},
                                {"JobTimeoutUSec", "t", "18446744073709551615"},
                                {"JobRunningTimeoutUSec", "t", "18446744073709551615"},
                                {"JobTimeoutAction", "s", "none"},
                                {"CapabilityBoundingSet", "t", "18446744073709551615"},
                                {"AmbientCapabilities", "t", "0"},
                                {"IgnoreSIGPIPE", "b", "true"},
                                {"PrivateTmp", "b", "false"},
                                {"ProtectSystem", "s", "no"},
                                {"ProtectHome", "s", "no"},
                                {"ProtectKernelTunables", "b", "false"},
                                {"ProtectControlGroups", "b", "false"},
                                {"ProtectHostname", "b", "false"},
                                {"PrivateNetwork", "b", "false"},
                                {"PrivateIPC", "b", "false"},
                                {"PrivateUsers", "b", "false"},
                                {"PrivateMounts", "b", "false"},
                                {"MountFlags", "t", "0"},
                                {"RestrictRealtime", "b", "false"},
                                {"LockPersonality", "b", "false"},
                                {"RestrictSUIDSGID", "b", "false"},
                                {"ProtectKernelModules", "b", "false"},
                                {"ProtectKernelLogs", "b", "false"},
                                {"ProtectClock", "b", "false"},
                                {"PrivateDevices", "b", "false"},
                                {"DevicePolicy", "s", "auto"},
                                {"DeviceAllowPaths", "as", ""},
                                {"DeviceAllowRights", "as", ""},
                                {"IPAddressAllow", "as", ""},
                                {"IPAddressDeny", "as", ""},
                                {"FileDescriptorStoreMax", "u", "0"},
                                {"NFileDescriptorStore", "u", "0"},
                                {"RestrictNamespaces", "t", "18446744073709551615"},
                                {"MemoryDenyWriteExecute", "b", "false"},
                                {"RemoveIPC", "b", "false"},
                                {"ProtectProc", "s", "default"},
                                {"KeyringMode", "s", "inherit"},
                                {"UtmpIdentifier", "s", ""},
                                {"UtmpMode", "s", "init"},
                                {"TimeoutStartFailureMode", "s", "terminate"},
                                {"TimeoutStopFailureMode", "s", "terminate"},
                                {"ProcSubset", "s", "all"},
                                {"RestrictAddressFamilies", "as", ""},
                                {"RestrictAddressFamiliesAllowList", "b", "false"},
                                {"SystemCallFilter", "as", ""},
                                {"SystemCallFilterAllowList", "b", "false"},
                                {"SystemCallErrorNumber", "i", "2147483646"},
                                {"SystemCallArchitectures", "as", ""},
                                {"ReadWritePaths", "as", ""},
                                {"ReadOnlyPaths", "as", ""},
                                {"InaccessiblePaths", "as", ""},
                                {"ExecPaths", "as", ""},
                                {"NoExecPaths", "as", ""},
                            }));
}

TEST_F(LinkWireTest, DictRoundTrips) {
  for (const ServiceStatus& sent : {failed_web(), running_db(), ServiceStatus{}}) {
    sd_bus_message* m = fresh();
    ASSERT_EQ(append_service_properties(m, sent), 0);
    seal(m);
    ServiceStatus got;
    got.name = "stale";
    got.n_restarts = 77;
    ASSERT_EQ(read_service_properties(m, got), 0);
    EXPECT_EQ(got, sent) << "every field is overwritten, none left from before";
    EXPECT_EQ(sd_bus_message_at_end(m, 1), 1);
  }
}

TEST_F(LinkWireTest, DictReaderSkipsKeysItDoesNotKnow) {
  const char* nothing = "";
  hand_dict(std::make_tuple("Future", "s", "from a newer vermiliond"), std::make_tuple("ActiveState", "s", "active"),
            std::make_tuple("FutureNumber", "t", uint64_t{5}), std::make_tuple("Tail", "s", nothing),
            std::make_tuple("MainPID", "u", uint32_t{12}));
  seal(m_);
  ServiceStatus got;
  ASSERT_EQ(read_service_properties(m_, got), 0);
  EXPECT_EQ(got.active_state, "active");
  EXPECT_EQ(got.main_pid, 12u);
  EXPECT_EQ(sd_bus_message_at_end(m_, 1), 1);
}

TEST_F(LinkWireTest, DictReaderLeavesFieldsOfMissingKeys) {
  hand_dict(std::make_tuple("SubState", "s", "running"));
  seal(m_);
  ServiceStatus got = running_db();
  got.sub_state = "start";
  ASSERT_EQ(read_service_properties(m_, got), 0);
  ServiceStatus expected = running_db();
  EXPECT_EQ(got, expected) << "only SubState came, and it is the only field that changed";
}

TEST_F(LinkWireTest, DictReaderRefusesAKnownKeyOfAnotherType) {
  hand_dict(std::make_tuple("Name", "s", "web.service"), std::make_tuple("MainPID", "s", "12"));
  seal(m_);
  ServiceStatus got;
  EXPECT_EQ(read_service_properties(m_, got), -ENXIO);
}

TEST_F(LinkWireTest, DictReaderRefusesSomethingElse) {
  ASSERT_GE(sd_bus_message_append(m_, "as", 1, "web.service"), 0);
  seal(m_);
  ServiceStatus got;
  EXPECT_LT(read_service_properties(m_, got), 0);
}

// ---- service status in its other shapes -------------------------------------

TEST_F(LinkWireTest, ServiceTableRoundTrips) {
  std::vector<ServiceStatus> sent = {failed_web(), running_db()};
  ASSERT_EQ(append_service_table(m_, sent), 0);
  seal(m_);
  EXPECT_STREQ(sd_bus_message_get_signature(m_, 1), "a(sa{sv})");
  std::vector<ServiceStatus> got = {ServiceStatus{}};
  ASSERT_EQ(read_service_table(m_, got), 0);
  EXPECT_EQ(got, sent);
}

TEST_F(LinkWireTest, ServiceTableEntryWithoutNameInItsDictTakesTheNameBesideIt) {
  ASSERT_GE(sd_bus_message_open_container(m_, 'a', "(sa{sv})"), 0);
  ASSERT_GE(sd_bus_message_open_container(m_, 'r', "sa{sv}"), 0);
  ASSERT_GE(sd_bus_message_append(m_, "s", "web.service"), 0);
  ASSERT_GE(sd_bus_message_append(m_, "a{sv}", 1, "ActiveState", "s", "active"), 0);
  ASSERT_GE(sd_bus_message_close_container(m_), 0);
  ASSERT_GE(sd_bus_message_close_container(m_), 0);
  seal(m_);
  std::vector<ServiceStatus> got;
  ASSERT_EQ(read_service_table(m_, got), 0);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].name, "web.service");
  EXPECT_EQ(got[0].active_state, "active");
}

TEST_F(LinkWireTest, PropertiesChangedRoundTrips) {
  ASSERT_EQ(append_service_properties_changed(m_, failed_web()), 0);
  seal(m_);
  EXPECT_STREQ(sd_bus_message_get_signature(m_, 1), "sa{sv}");
  ServiceStatus got;
  ASSERT_EQ(read_service_properties_changed(m_, got), 0);
  EXPECT_EQ(got, failed_web());
}

TEST_F(LinkWireTest, StateChangedCarriesNameAndStatesOnly) {
  ASSERT_EQ(append_service_state_changed(m_, failed_web()), 0);
  seal(m_);
  EXPECT_STREQ(sd_bus_message_get_signature(m_, 1), "sss");
  ServiceStatus got;
  ASSERT_EQ(read_service_state_changed(m_, got), 0);
  ServiceStatus expected;
  expected.name = "web.service";
  expected.active_state = "failed";
  expected.sub_state = "failed";
  EXPECT_EQ(got, expected);
}

TEST_F(LinkWireTest, StateChangedThatEndsEarlyIsMalformed) {
  ASSERT_GE(sd_bus_message_append(m_, "ss", "web.service", "active"), 0);
  seal(m_);
  ServiceStatus got;
  EXPECT_EQ(read_service_state_changed(m_, got), -ENXIO) << "no third string";
}

TEST_F(LinkWireTest, StatusReplyRoundTrips) {
  ASSERT_EQ(append_service_status_reply(m_, failed_web()), 0);
  seal(m_);
  EXPECT_STREQ(sd_bus_message_get_signature(m_, 1), "sssuuis");
  ServiceStatus got;
  ASSERT_EQ(read_service_status_reply(m_, got), 0);
  const ServiceStatus sent = failed_web();
  ServiceStatus expected;
  expected.active_state = sent.active_state;
  expected.sub_state = sent.sub_state;
  expected.result = sent.result;
  expected.main_pid = sent.main_pid;
  expected.n_restarts = sent.n_restarts;
  expected.exec_main_status = sent.exec_main_status;
  expected.description = sent.description;
  EXPECT_EQ(got, expected) << "the seven fields of the reply, no more";
}

TEST_F(LinkWireTest, ServiceListRoundTrips) {
  ASSERT_EQ(append_service_list(m_, {failed_web(), running_db()}), 0);
  seal(m_);
  EXPECT_STREQ(sd_bus_message_get_signature(m_, 1), "a(ssss)");
  std::vector<ServiceStatus> got;
  ASSERT_EQ(read_service_list(m_, got), 0);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].name, "web.service");
  EXPECT_EQ(got[0].description, "The web server");
  EXPECT_EQ(got[0].active_state, "failed");
  EXPECT_EQ(got[1].sub_state, "running");
  EXPECT_EQ(got[1].main_pid, 0u) << "not in the list";
}

// ---- capabilities -----------------------------------------------------------

std::vector<CapabilityRow> some_capabilities() {
  return {
      {1, CapabilityKind::service, "web-*.service", rights::status | rights::restart, 0,
       "/org/vermilion1/link/cap/1"},
      {2, CapabilityKind::manager, "", rights::list | rights::watch, 7, "/org/vermilion1/link/cap/2"},
      {30, CapabilityKind::endpoint, "db.service", rights::connect | rights::grant, UINT64_MAX,
       "/org/vermilion1/link/cap/30"},
      {31, CapabilityKind::fd, "null", 0, 1, "/org/vermilion1/link/cap/31"},
  };
}

TEST_F(LinkWireTest, CapabilitiesRoundTrip) {
  ASSERT_EQ(append_capabilities(m_, some_capabilities()), 0);
  seal(m_);
  EXPECT_STREQ(sd_bus_message_get_signature(m_, 1), "a(usssto)");
  std::vector<CapabilityRow> got;
  ASSERT_EQ(read_capabilities(m_, got), 0);
  EXPECT_EQ(got, some_capabilities());
}

TEST_F(LinkWireTest, RightsTravelAsWords) {
  ASSERT_EQ(append_capability(m_, some_capabilities()[0]), 0);
  seal(m_);
  EXPECT_STREQ(sd_bus_message_get_signature(m_, 1), "usssto");
  uint32_t slot = 0;
  const char *kind = nullptr, *object = nullptr, *words = nullptr, *path = nullptr;
  uint64_t badge = 1;
  ASSERT_GT(sd_bus_message_read(m_, "usssto", &slot, &kind, &object, &words, &badge, &path), 0);
  EXPECT_STREQ(kind, "service");
  EXPECT_STREQ(words, "status restart");
  EXPECT_EQ(badge, 0u);
}

TEST_F(LinkWireTest, OneCapabilityRoundTrips) {
  CapabilityRow sent = some_capabilities()[2];
  ASSERT_EQ(append_capability(m_, sent), 0);
  seal(m_);
  CapabilityRow got;
  ASSERT_EQ(read_capability(m_, got), 0);
  EXPECT_EQ(got, sent);
}

TEST_F(LinkWireTest, CapabilitiesOfAnotherServiceHaveNoPath) {
  ASSERT_EQ(append_capabilities_of(m_, some_capabilities()), 0);
  seal(m_);
  EXPECT_STREQ(sd_bus_message_get_signature(m_, 1), "a(ussst)");
  std::vector<CapabilityRow> got;
  ASSERT_EQ(read_capabilities_of(m_, got), 0);
  std::vector<CapabilityRow> expected = some_capabilities();
  for (auto& row : expected) row.path.clear();
  EXPECT_EQ(got, expected);
}

TEST_F(LinkWireTest, CapabilityReaderRefusesUnknownKindsAndRights) {
  sd_bus_message* kind = fresh();
  ASSERT_GE(sd_bus_message_append(kind, "usssto", 1, "timer", "x", "", uint64_t{0}, "/org/vermilion1/link/cap/1"), 0);
  seal(kind);
  CapabilityRow got;
  EXPECT_EQ(read_capability(kind, got), -EBADMSG);

  sd_bus_message* right = fresh();
  ASSERT_GE(sd_bus_message_append(right, "usssto", 1, "service", "x", "status connect", uint64_t{0},
                                  "/org/vermilion1/link/cap/1"),
            0);
  seal(right);
  EXPECT_EQ(read_capability(right, got), -EBADMSG) << "connect is no right of a service capability";
}

TEST_F(LinkWireTest, CapabilityListOfAnotherShapeIsRefused) {
  ASSERT_EQ(append_capabilities_of(m_, some_capabilities()), 0);
  seal(m_);
  std::vector<CapabilityRow> got = some_capabilities();
  EXPECT_EQ(read_capabilities(m_, got), -ENXIO);
  EXPECT_EQ(got, some_capabilities()) << "a reader that fails leaves the list it would replace";
}

// ---- [Bus] rules ------------------------------------------------------------

TEST_F(LinkWireTest, BusRulesRoundTrip) {
  std::vector<BusRuleText> sent = {
      {{"*"}, {}, "*.service", "status", "", "/etc/vermilion/policy.d/00-defaults.policy:12"},
      {{"alice", "1001"}, {"wheel", "adm"}, "", "", "reload inspect", "local.policy:3"},
      {},
  };
  ASSERT_EQ(append_bus_rules(m_, sent), 0);
  seal(m_);
  EXPECT_STREQ(sd_bus_message_get_signature(m_, 1), "a(asasssss)");
  std::vector<BusRuleText> got;
  ASSERT_EQ(read_bus_rules(m_, got), 0);
  EXPECT_EQ(got, sent);
}

TEST_F(LinkWireTest, BusRulesThatEndEarlyAreMalformed) {
  ASSERT_GE(sd_bus_message_open_container(m_, 'a', "(asas)"), 0);
  ASSERT_GE(sd_bus_message_close_container(m_), 0);
  seal(m_);
  std::vector<BusRuleText> got;
  EXPECT_LT(read_bus_rules(m_, got), 0);
}

}  // namespace
}  // namespace vermilion
