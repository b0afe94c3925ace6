// org.freedesktop.systemd1 introspects as systemd 252 does: `busctl
// introspect` of the manager, a service unit and a job, as the real busctl
// prints them, equals the tables recorded from systemd itself
// (tests/data/systemd1/*.busctl, record-systemd.sh): every interface,
// method (input and output signatures), property (type and flags) and
// signal. Values are left out: they are the units'.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "bridge_fixture.h"

namespace vermilion::testing {
namespace {

const std::pair<std::string, std::string> kSlowUnit{
    "slow.service",
    "[Service]\nType=notify\nExecStart=/bin/sleep infinity\nTimeoutStartSec=infinity\n"};

// busctl's table cut at its header's column offsets: name, type,
// signature, result (methods only), flags.
std::vector<std::string> busctl_rows(const std::string& output) {
  std::istringstream in(output);
  std::string head;
  std::getline(in, head);
  std::vector<std::string> rows;
  auto type_at = head.find("TYPE"), sig_at = head.find("SIGNATURE"), value_at = head.find("RESULT/VALUE"),
       flags_at = head.find("FLAGS");
  if (type_at == std::string::npos || flags_at == std::string::npos) return {"unparsable: " + head};
  auto cut = [](const std::string& line, std::size_t from, std::size_t to) {
    if (from >= line.size()) return std::string();
    std::string part = line.substr(from, to == std::string::npos ? std::string::npos : to - from);
    part.erase(0, part.find_first_not_of(' '));
    part.erase(part.find_last_not_of(' ') + 1);
    return part;
  };
  std::string line;
  while (std::getline(in, line)) {
    std::string type = cut(line, type_at, sig_at);
    rows.push_back(cut(line, 0, type_at) + "\t" + type + "\t" + cut(line, sig_at, value_at) + "\t" +
                   (type == "method" ? cut(line, value_at, flags_at) : "-") + "\t" +
                   cut(line, flags_at, std::string::npos));
  }
  return rows;
}

std::vector<std::string> reference(const std::string& name) {
  std::ifstream in(std::string(VERMILION_TEST_DATA_DIR) + "/systemd1/" + name);
  std::vector<std::string> rows;
  std::string line;
  while (std::getline(in, line)) rows.push_back(line);
  return rows;
}

std::string joined(const std::vector<std::string>& rows) {
  std::string out;
  for (const auto& row : rows) out += row + "\n";
  return out;
}

class Systemd1IntrospectionTest : public ::testing::Test {
 protected:
  Systemd1IntrospectionTest()
      : stack_({{kSleeperUnit, kSlowUnit}, {}, {"--systemd-compat"}, "org.freedesktop.systemd1"}) {}

  std::vector<std::string> introspect(const std::string& path) {
    CommandResult result =
        run_command({"/usr/bin/busctl", stack_.address_option(), "--no-pager", "introspect", "org.freedesktop.systemd1", path});
    EXPECT_EQ(result.status, 0) << result.output;
    return busctl_rows(result.output);
  }

  BridgeStack stack_;
};

TEST_F(Systemd1IntrospectionTest, ManagerIsSystemds) {
  ASSERT_TRUE(stack_.ok()) << stack_.error();
  auto want = reference("manager.busctl");
  ASSERT_GT(want.size(), 200u);
  EXPECT_EQ(joined(introspect("/org/freedesktop/systemd1")), joined(want));
}

TEST_F(Systemd1IntrospectionTest, ServiceUnitIsSystemds) {
  ASSERT_TRUE(stack_.ok()) << stack_.error();
  auto want = reference("service.busctl");
  ASSERT_GT(want.size(), 400u);
  EXPECT_EQ(joined(introspect("/org/freedesktop/systemd1/unit/sleeper_2eservice")), joined(want));
  // Any unit name has an object, as in systemd, loaded or not.
  EXPECT_EQ(joined(introspect("/org/freedesktop/systemd1/unit/never_2dheard_2dof_2eservice")), joined(want));
}

TEST_F(Systemd1IntrospectionTest, JobIsSystemds) {
  ASSERT_TRUE(stack_.ok()) << stack_.error();
  CommandResult started = run_command({"/usr/bin/busctl", stack_.address_option(), "call", "org.freedesktop.systemd1",
                                       "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager", "StartUnit",
                                       "ss", "slow.service", "replace"});
  ASSERT_EQ(started.status, 0) << started.output;
  // o "/org/freedesktop/systemd1/job/N"
  auto quote = started.output.find('"');
  ASSERT_NE(quote, std::string::npos) << started.output;
  std::string path = started.output.substr(quote + 1, started.output.find('"', quote + 1) - quote - 1);
  EXPECT_EQ(path.rfind("/org/freedesktop/systemd1/job/", 0), 0u) << path;
  EXPECT_EQ(joined(introspect(path)), joined(reference("job.busctl")));
}

}  // namespace
}  // namespace vermilion::testing
