#include "bridge/systemd1_values.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "systemd1_vtables.h"

namespace vermilion::bridge::systemd1 {
namespace {

struct MessageUnref {
  void operator()(sd_bus_message* m) const { sd_bus_message_unref(m); }
};

class Systemd1ValuesTest : public ::testing::Test {
 protected:
  // sd-bus builds messages only on a bus that has started: this one has,
  // on a socketpair nobody answers.
  Systemd1ValuesTest() {
    int fds[2];
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    peer_ = fds[1];
    EXPECT_GE(sd_bus_new(&bus_), 0);
    EXPECT_GE(sd_bus_set_fd(bus_, fds[0], fds[0]), 0);
    EXPECT_GE(sd_bus_set_anonymous(bus_, 1), 0);
    EXPECT_GE(sd_bus_start(bus_), 0);
  }
  ~Systemd1ValuesTest() override {
    sd_bus_close_unref(bus_);
    close(peer_);
  }
  std::unique_ptr<sd_bus_message, MessageUnref> message() {
    sd_bus_message* m = nullptr;
    EXPECT_GE(sd_bus_message_new_signal(bus_, &m, "/x", "x.y", "Z"), 0);
    return std::unique_ptr<sd_bus_message, MessageUnref>(m);
  }
  // The zero of `signature`, appended and sealed, then checked to have
  // exactly that signature.
  std::string appended(const std::string& signature) {
    auto m = message();
    int r = append_zero_value(m.get(), signature);
    if (r < 0) return "error " + std::to_string(r);
    EXPECT_GE(sd_bus_message_seal(m.get(), 1, 0), 0);
    return sd_bus_message_get_signature(m.get(), 1);
  }
  sd_bus* bus_ = nullptr;
  int peer_ = -1;
};

TEST_F(Systemd1ValuesTest, CompleteTypes) {
  EXPECT_EQ(complete_type_length("s"), 1u);
  EXPECT_EQ(complete_type_length("a(sasbttttuii)x"), 14u);
  EXPECT_EQ(complete_type_length("a{sv}"), 5u);
  EXPECT_EQ(complete_type_length("(uo)"), 4u);
  for (const char* bad : {"", "a", "(", "()", "(s", "{sv}", "a{vs}", "a{s}", "z", ")"})
    EXPECT_EQ(complete_type_length(bad), 0u) << bad;
}

TEST_F(Systemd1ValuesTest, ZeroValuesHaveTheirSignature) {
  for (const char* signature : {"s", "b", "y", "n", "q", "i", "u", "x", "t", "d", "o", "g", "v", "as", "(uo)",
                                "a(sasbttttuii)", "a{sv}", "(bs)", "a(ssbt)", "aay", "(tt)"})
    EXPECT_EQ(appended(signature), signature);
  EXPECT_EQ(appended("h"), "error -22");
  EXPECT_EQ(appended("ss"), "error -22");
  EXPECT_EQ(appended(""), "error -22");
}

// Every property systemd 252 has gets a value of its own type, so no
// property of a unit Vermilion knows nothing about fails a GetAll.
TEST_F(Systemd1ValuesTest, EveryPropertyOfSystemdHasAZero) {
  std::size_t properties = 0;
  for (const auto& member : kMembers) {
    if (member.kind != MemberKind::property) continue;
    ++properties;
    EXPECT_EQ(appended(member.signature), member.signature) << member.interface << "." << member.name;
  }
  EXPECT_GT(properties, 500u);
}

}  // namespace
}  // namespace vermilion::bridge::systemd1
