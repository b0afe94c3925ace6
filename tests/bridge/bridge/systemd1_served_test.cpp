// Which members of systemd 252's org.freedesktop.systemd1 (Manager, Unit,
// Service, Job: tests/data/systemd1/*.busctl, recorded from systemd itself)
// Vermilion serves: every method that does something, property with a value
// of its own and signal it sends is one of systemd's, and every other one is
// on the reviewed list tests/data/systemd1/unserved.txt, so that a member
// that stops being served, or one a new recording brings, shows up here as
// a diff. (The other members answer NotSupported, their type's zero or "not
// available": bridge/README.md.)
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "bridge/systemd1_properties.h"
#include "bridge/systemd1_server.h"

namespace vermilion::bridge::systemd1 {
namespace {

const std::string kData = std::string(VERMILION_TEST_DATA_DIR) + "/systemd1/";

// "org.freedesktop.systemd1.Manager.GetUnit" -> "method", from the tables.
std::map<std::string, std::string> systemds_members() {
  std::map<std::string, std::string> members;
  for (const char* table : {"manager.busctl", "service.busctl", "job.busctl"}) {
    std::ifstream in(kData + table);
    EXPECT_TRUE(in) << kData << table;
    std::string interface;
    for (std::string line; std::getline(in, line);) {
      std::istringstream fields(line);
      std::string name, kind;
      std::getline(fields, name, '\t');
      std::getline(fields, kind, '\t');
      if (kind == "interface") {
        interface = name;
        continue;
      }
      if (interface.rfind("org.freedesktop.systemd1.", 0) != 0) continue;  // DBus.Properties & co: sd-bus's
      members[interface + name] = kind;
    }
  }
  return members;
}

// "org.freedesktop.systemd1.Manager method PowerOff" lines, as unserved.txt.
std::string line_of(const std::string& member, const std::string& kind) {
  auto dot = member.rfind('.');
  return member.substr(0, dot) + " " + kind + " " + member.substr(dot + 1);
}

TEST(Systemd1Served, EveryServedMemberIsSystemds) {
  auto members = systemds_members();
  ASSERT_GT(members.size(), 600u);
  for (const auto& m : Systemd1Server::served_methods_and_signals())
    EXPECT_TRUE(members.count(m) && members[m] != "property") << m << " is no method or signal of systemd 252's";
  for (const auto& p : served_properties())
    EXPECT_EQ(members.count(p) ? members[p] : "", "property") << p << " is no property of systemd 252's";
}

TEST(Systemd1Served, WhatIsNotServedIsTheReviewedList) {
  auto members = systemds_members();
  std::set<std::string> served;
  for (const auto& m : Systemd1Server::served_methods_and_signals()) served.insert(m);
  for (const auto& p : served_properties()) served.insert(p);
  std::set<std::string> unserved;
  for (const auto& [member, kind] : members)
    if (!served.count(member)) unserved.insert(line_of(member, kind));

  std::ifstream in(kData + "unserved.txt");
  ASSERT_TRUE(in) << kData << "unserved.txt";
  std::set<std::string> reviewed;
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] != '#') reviewed.insert(line);

  std::string newly_unserved, now_served;
  for (const auto& line : unserved)
    if (!reviewed.count(line)) newly_unserved += line + "\n";
  for (const auto& line : reviewed)
    if (!unserved.count(line)) now_served += line + "\n";
  EXPECT_EQ(newly_unserved, "") << "not served and not on the reviewed list (tests/data/systemd1/unserved.txt)";
  EXPECT_EQ(now_served, "") << "served (or no longer systemd's), but still on tests/data/systemd1/unserved.txt";
}

}  // namespace
}  // namespace vermilion::bridge::systemd1
