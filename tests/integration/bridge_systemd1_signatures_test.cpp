// What org.freedesktop.systemd1 sends has systemd 252's types, member by
// member (the introspection test checks what it declares): every method of
// the manager, a service unit and a job, called with its argument types'
// zeros, answers either with systemd's output signature or with an error,
// and answers NotSupported exactly for the methods on the reviewed list
// tests/data/systemd1/unserved.txt; GetAll of each interface gives every
// property with systemd's type; each signal the bridge sends has systemd's
// signature. The reference is tests/data/systemd1/*.busctl (record-systemd.sh).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "bridge/systemd1_values.h"
#include "bridge_fixture.h"
#include "loop_wait.h"

namespace vermilion::testing {
namespace {

const std::pair<std::string, std::string> kSlowUnit{
    "slow.service", "[Service]\nType=notify\nExecStart=/bin/sleep infinity\nTimeoutStartSec=infinity\n"};

struct Member {
  std::string kind, signature, result;
};
// interface -> member -> what systemd's table says.
using Table = std::map<std::string, std::map<std::string, Member>>;

Table reference(const std::string& file) {
  std::ifstream in(std::string(VERMILION_TEST_DATA_DIR) + "/systemd1/" + file);
  Table table;
  std::string interface;
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> f;
    std::istringstream fields(line);
    for (std::string one; std::getline(fields, one, '\t');) f.push_back(one);
    if (f.size() < 4) continue;
    if (f[1] == "interface") {
      interface = f[0];
    } else if (interface.rfind("org.freedesktop.systemd1.", 0) == 0) {
      table[interface][f[0].substr(1)] = Member{f[1], f[2] == "-" ? "" : f[2], f[3] == "-" ? "" : f[3]};
    }
  }
  return table;
}

// "org.freedesktop.systemd1.Manager method PowerOff" lines of unserved.txt.
std::set<std::string> reviewed_unserved(const std::string& kind) {
  std::ifstream in(std::string(VERMILION_TEST_DATA_DIR) + "/systemd1/unserved.txt");
  std::set<std::string> out;
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::string interface, k, member;
    if (line.empty() || line[0] == '#' || !(words >> interface >> k >> member) || k != kind) continue;
    out.insert(interface + "." + member);
  }
  return out;
}

class Systemd1SignaturesTest : public ::testing::Test {
 protected:
  Systemd1SignaturesTest()
      : stack_({{kSleeperUnit, kSlowUnit}, {}, {"--systemd-compat"}, "org.freedesktop.systemd1"}) {
    if (stack_.ok()) bus_ = connect_bus(stack_.bus().address());
  }

  // Calls every method of `interfaces` at `path` with zeros: a reply must
  // have systemd's signature; NotSupported from Vermilion marks it unserved.
  void call_all(const Table& table, const std::string& path, std::set<std::string>& unserved,
                const std::string& last = "") {
    std::vector<std::pair<std::string, std::string>> calls;
    for (const auto& [interface, members] : table)
      for (const auto& [name, member] : members)
        if (member.kind == "method" && name != last) calls.emplace_back(interface, name);
    if (!last.empty()) calls.emplace_back(table.begin()->first, last);
    for (const auto& [interface, name] : calls) {
      const Member& member = table.at(interface).at(name);
      SCOPED_TRACE(interface + "." + name + " at " + path);
      sd_bus_message* call = nullptr;
      ASSERT_GE(sd_bus_message_new_method_call(bus_.get(), &call, "org.freedesktop.systemd1", path.c_str(),
                                               interface.c_str(), name.c_str()),
                0);
      std::unique_ptr<sd_bus_message, decltype(&sd_bus_message_unref)> owned(call, &sd_bus_message_unref);
      bool sendable = true;
      for (std::size_t at = 0; at < member.signature.size();) {
        std::size_t n = bridge::systemd1::complete_type_length(std::string_view(member.signature).substr(at));
        ASSERT_GT(n, 0u);
        std::string one = member.signature.substr(at, n);
        if (one == "h") {  // an fd: give /dev/null
          int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
          sendable = sendable && sd_bus_message_append(call, "h", fd) >= 0;
          close(fd);
        } else {
          sendable = sendable && bridge::systemd1::append_zero_value(call, one) >= 0;
        }
        at += n;
      }
      ASSERT_TRUE(sendable);
      sd_bus_error error = SD_BUS_ERROR_NULL;
      sd_bus_message* reply = nullptr;
      int r = sd_bus_call(bus_.get(), call, 25'000'000, &error, &reply);
      std::unique_ptr<sd_bus_message, decltype(&sd_bus_message_unref)> owned_reply(reply, &sd_bus_message_unref);
      if (r >= 0) {
        const char* signature = sd_bus_message_get_signature(reply, 1);
        EXPECT_EQ(std::string(signature ? signature : ""), member.result);
      } else {
        ASSERT_TRUE(sd_bus_error_is_set(&error)) << strerror(-r);
        std::string message = error.message ? error.message : "";
        if (std::string(error.name) == "org.freedesktop.DBus.Error.NotSupported" &&
            message.rfind("Vermilion does not support " + interface + "." + name, 0) == 0)
          unserved.insert(interface + "." + name);
        // Never a complaint about the arguments' types: those are systemd's.
        EXPECT_NE(std::string(error.name), "org.freedesktop.DBus.Error.UnknownMethod") << message;
        EXPECT_NE(std::string(error.name), "org.freedesktop.DBus.Error.InvalidSignature") << message;
      }
      sd_bus_error_free(&error);
    }
  }

  // GetAll(interface) at `path`: every property, each with systemd's type.
  void check_properties(const Table& table, const std::string& interface, const std::string& path) {
    SCOPED_TRACE("GetAll " + interface + " at " + path);
    sd_bus_error error = SD_BUS_ERROR_NULL;
    sd_bus_message* reply = nullptr;
    ASSERT_GE(sd_bus_call_method(bus_.get(), "org.freedesktop.systemd1", path.c_str(),
                                 "org.freedesktop.DBus.Properties", "GetAll", &error, &reply, "s", interface.c_str()),
              0)
        << error.message;
    std::unique_ptr<sd_bus_message, decltype(&sd_bus_message_unref)> owned(reply, &sd_bus_message_unref);
    std::map<std::string, std::string> got;
    ASSERT_GE(sd_bus_message_enter_container(reply, 'a', "{sv}"), 0);
    while (sd_bus_message_enter_container(reply, 'e', "sv") > 0) {
      const char* name = nullptr;
      const char* contents = nullptr;
      char type = 0;
      ASSERT_GE(sd_bus_message_read(reply, "s", &name), 0);
      ASSERT_GE(sd_bus_message_peek_type(reply, &type, &contents), 0);
      got[name] = contents ? contents : "";
      ASSERT_GE(sd_bus_message_skip(reply, "v"), 0);
      ASSERT_GE(sd_bus_message_exit_container(reply), 0);
    }
    std::map<std::string, std::string> want;
    for (const auto& [name, member] : table.at(interface))
      if (member.kind == "property") want[name] = member.signature;
    EXPECT_EQ(got, want);
  }

  std::string start_slow_job() {
    sd_bus_error error = SD_BUS_ERROR_NULL;
    sd_bus_message* reply = nullptr;
    const char* path = nullptr;
    int r = sd_bus_call_method(bus_.get(), "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                               "org.freedesktop.systemd1.Manager", "StartUnit", &error, &reply, "ss", "slow.service",
                               "replace");
    std::string out;
    if (r >= 0 && sd_bus_message_read(reply, "o", &path) >= 0) out = path;
    sd_bus_message_unref(reply);
    sd_bus_error_free(&error);
    return out;
  }

  BridgeStack stack_;
  SdBusPtr bus_;
};

TEST_F(Systemd1SignaturesTest, MethodsAnswerWithSystemdsTypesOrNotSupportedAsReviewed) {
  ASSERT_TRUE(stack_.ok()) << stack_.error();
  ASSERT_TRUE(bus_);
  std::set<std::string> unserved;
  call_all(reference("manager.busctl"), "/org/freedesktop/systemd1", unserved);
  call_all(reference("service.busctl"), "/org/freedesktop/systemd1/unit/sleeper_2eservice", unserved);
  std::string job = start_slow_job();
  ASSERT_FALSE(job.empty());
  // Cancel last: the job is gone after it.
  call_all(reference("job.busctl"), job, unserved, "Cancel");
  std::set<std::string> reviewed = reviewed_unserved("method");
  std::string diff;
  for (const auto& m : unserved)
    if (!reviewed.count(m)) diff += "answers NotSupported, not on the list: " + m + "\n";
  for (const auto& m : reviewed)
    if (!unserved.count(m)) diff += "on the list, but served: " + m + "\n";
  EXPECT_EQ(diff, "");
}

TEST_F(Systemd1SignaturesTest, PropertiesHaveSystemdsTypes) {
  ASSERT_TRUE(stack_.ok()) << stack_.error();
  ASSERT_TRUE(bus_);
  check_properties(reference("manager.busctl"), "org.freedesktop.systemd1.Manager", "/org/freedesktop/systemd1");
  Table unit = reference("service.busctl");
  for (const char* path : {"/org/freedesktop/systemd1/unit/sleeper_2eservice",
                           "/org/freedesktop/systemd1/unit/never_2dheard_2dof_2eservice"}) {
    check_properties(unit, "org.freedesktop.systemd1.Unit", path);
    check_properties(unit, "org.freedesktop.systemd1.Service", path);
  }
  std::string job = start_slow_job();
  ASSERT_FALSE(job.empty());
  check_properties(reference("job.busctl"), "org.freedesktop.systemd1.Job", job);
}

TEST_F(Systemd1SignaturesTest, SignalsHaveSystemdsSignatures) {
  ASSERT_TRUE(stack_.ok()) << stack_.error();
  ASSERT_TRUE(bus_);
  sd_event* loop = nullptr;
  ASSERT_GE(sd_event_new(&loop), 0);
  std::unique_ptr<sd_event, decltype(&sd_event_unref)> owned_loop(loop, &sd_event_unref);
  ASSERT_GE(sd_bus_attach_event(bus_.get(), loop, 0), 0);
  std::map<std::string, std::string> seen;  // member -> signature
  auto on_signal = [](sd_bus_message* m, void* userdata, sd_bus_error*) {
    auto* out = static_cast<std::map<std::string, std::string>*>(userdata);
    (*out)[sd_bus_message_get_member(m)] = sd_bus_message_get_signature(m, 1);
    return 0;
  };
  ASSERT_GE(sd_bus_add_match(bus_.get(), nullptr,
                             "type='signal',interface='org.freedesktop.systemd1.Manager',path='/org/freedesktop/systemd1'",
                             on_signal, &seen),
            0);
  auto call = [&](const char* member, const char* types, auto... args) {
    sd_bus_error error = SD_BUS_ERROR_NULL;
    int r = sd_bus_call_method(bus_.get(), "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                               "org.freedesktop.systemd1.Manager", member, &error, nullptr, types, args...);
    EXPECT_GE(r, 0) << member << ": " << (error.message ? error.message : "");
    sd_bus_error_free(&error);
  };
  call("Subscribe", "");
  // JobNew, JobRemoved.
  std::string job = start_slow_job();
  ASSERT_FALSE(job.empty());
  call("CancelJob", "u", static_cast<std::uint32_t>(std::stoul(job.substr(job.rfind('/') + 1))));
  // UnitNew, then UnitRemoved, and Reloading around each daemon-reload.
  const auto& dir = stack_.dir();
  std::filesystem::path extra = dir.file("units/extra.service");
  { std::ofstream(extra) << "[Service]\nExecStart=/bin/sleep infinity\n"; }
  call("Reload", "");
  ASSERT_TRUE(run_until(loop, [&] { return seen.count("UnitNew") > 0; }));
  std::filesystem::remove(extra);
  call("Reload", "");
  // UnitFilesChanged.
  call("DisableUnitFiles", "asb", 1, "sleeper.service", 0);
  std::map<std::string, std::string> want;  // every signal but those on the reviewed list
  std::set<std::string> unserved = reviewed_unserved("signal");
  const Table manager = reference("manager.busctl");
  for (const auto& [name, member] : manager.at("org.freedesktop.systemd1.Manager"))
    if (member.kind == "signal" && !unserved.count("org.freedesktop.systemd1.Manager." + name))
      want[name] = member.signature;
  ASSERT_TRUE(run_until(loop, [&] { return seen.size() >= want.size(); })) << ::testing::PrintToString(seen);
  EXPECT_EQ(seen, want);
}

}  // namespace
}  // namespace vermilion::testing
