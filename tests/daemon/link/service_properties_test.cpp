#include "link/service_properties.h"

#include <sys/socket.h>

#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "common/unique_fd.h"

namespace vermilion {
namespace {

// A message to append to and read back: sd-bus builds messages only on a
// bus that has started, so this one has (on a socketpair nobody answers).
class MessageTest : public ::testing::Test {
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
    ASSERT_GE(sd_bus_message_new_signal(bus_, &m_, "/t", "t.T", "S"), 0);
  }
  void TearDown() override {
    sd_bus_message_unref(m_);
    sd_bus_close_unref(bus_);
  }
  // Seals the message and reads it back as (key, type, value as text).
  std::vector<std::tuple<std::string, std::string, std::string>> read_back() {
    std::vector<std::tuple<std::string, std::string, std::string>> out;
    EXPECT_GE(sd_bus_message_seal(m_, 1, 0), 0);
    EXPECT_GE(sd_bus_message_rewind(m_, 1), 0);
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
      }
      EXPECT_GE(sd_bus_message_exit_container(m_), 0);
      EXPECT_GE(sd_bus_message_exit_container(m_), 0);
      out.emplace_back(key, contents, value);
    }
    EXPECT_GE(sd_bus_message_exit_container(m_), 0);
    return out;
  }

  unique_fd peer_;
  sd_bus* bus_ = nullptr;
  sd_bus_message* m_ = nullptr;
};

TEST_F(MessageTest, ExactlyTheKeysAndTypesOfTheServiceInterface) {
  ServiceStatus s;
  s.name = "web.service";
  s.description = "The web server";
  s.load_state = "loaded";
  s.active_state = "failed";
  s.sub_state = "failed";
  s.result = "signal";
  s.main_pid = 0;
  s.exec_main_status = 9;
  s.n_restarts = 3;
  s.active_enter_timestamp = 1700000000123456u;
  s.inactive_enter_timestamp = 1700000000999999u;
  ASSERT_EQ(append_service_properties(m_, s), 0);
  using Entry = std::tuple<std::string, std::string, std::string>;
  EXPECT_EQ(read_back(), (std::vector<Entry>{
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
                         }));
}

TEST_F(MessageTest, NeverStartedServiceHasZeroTimestamps) {
  ServiceStatus s;
  s.name = "idle.service";
  s.load_state = "bad-setting";
  s.active_state = "inactive";
  s.sub_state = "dead";
  s.result = "success";
  s.exec_main_status = -1;
  ASSERT_EQ(append_service_properties(m_, s), 0);
  auto entries = read_back();
  ASSERT_EQ(entries.size(), 11u);
  EXPECT_EQ(entries[2], std::make_tuple(std::string("LoadState"), std::string("s"), std::string("bad-setting")));
  EXPECT_EQ(std::get<2>(entries[7]), "-1") << "ExecMainStatus is signed";
  EXPECT_EQ(std::get<2>(entries[9]), "0");
  EXPECT_EQ(std::get<2>(entries[10]), "0");
}

}  // namespace
}  // namespace vermilion
