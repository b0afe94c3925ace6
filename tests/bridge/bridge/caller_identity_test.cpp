// CallerIdentity against a private dbus-daemon: real senders, real
// GetConnectionCredentials answers. One thread: the test sends with raw
// sd-bus, then serves the bridge-side connection until the calls were
// handled, so which message is handled when is fixed.
#include "bridge/caller_identity.h"

#include <poll.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>

#include "common/error_names.h"
#include "private_bus.h"

namespace vermilion::bridge {
namespace {

using vermilion::testing::connect_bus;
using vermilion::testing::PrivateBus;
using vermilion::testing::SdBusPtr;

class CallerIdentityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(bus_.ok()) << bus_.error();
    server_ = sdbus::createSessionBusConnectionWithAddress(bus_.address());
    identity_ = std::make_unique<CallerIdentity>(*server_);
    object_ = sdbus::createObject(*server_, "/test");
    object_->registerMethod("Who").onInterface("org.example.Test").implementedAs([this] {
      ++handled_;
      try {
        callers_.push_back(identity_->of(*object_->getCurrentlyProcessedMessage()));
      } catch (const sdbus::Error& error) {
        errors_.push_back(error.getName());
      }
    });
    object_->finishRegistration();
  }

  // Calls Who from `client` without waiting for the answer.
  void send_who(sd_bus* client) {
    ASSERT_GE(sd_bus_call_method_async(client, nullptr, server_->getUniqueName().c_str(), "/test",
                                       "org.example.Test", "Who", nullptr, nullptr, ""),
              0);
    ASSERT_GE(sd_bus_flush(client), 0);
  }
  // Serves the bridge-side connection until `count` calls were handled.
  [[nodiscard]] bool serve_until(int count) {
    const long long deadline = vermilion::testing::monotonic_ms() + 10'000;
    while (handled_ < count) {
      while (server_->processPendingRequest()) {
      }
      if (handled_ >= count) break;
      long long left = deadline - vermilion::testing::monotonic_ms();
      if (left <= 0) return false;
      auto data = server_->getEventLoopPollData();
      pollfd p{data.fd, data.events, 0};
      poll(&p, 1, static_cast<int>(std::min<long long>(left, 100)));
    }
    return true;
  }

  PrivateBus bus_;
  std::unique_ptr<sdbus::IConnection> server_;
  std::unique_ptr<CallerIdentity> identity_;
  std::unique_ptr<sdbus::IObject> object_;
  int handled_ = 0;
  std::vector<Caller> callers_;
  std::vector<std::string> errors_;
};

TEST_F(CallerIdentityTest, TheCallersUidAndGroupsComeFromTheBus) {
  SdBusPtr client = connect_bus(bus_.address());
  ASSERT_NE(client, nullptr);
  send_who(client.get());
  ASSERT_TRUE(serve_until(1));
  ASSERT_EQ(callers_.size(), 1u) << (errors_.empty() ? "" : errors_[0]);
  EXPECT_EQ(callers_[0].uid, geteuid());
  EXPECT_NE(std::find(callers_[0].gids.begin(), callers_[0].gids.end(), getegid()), callers_[0].gids.end())
      << "the primary group is among the groups";
}

TEST_F(CallerIdentityTest, EachSenderIsAskedAboutOnce) {
  SdBusPtr first = connect_bus(bus_.address());
  SdBusPtr second = connect_bus(bus_.address());
  ASSERT_TRUE(first && second);
  send_who(first.get());
  send_who(first.get());
  ASSERT_TRUE(serve_until(2));
  EXPECT_EQ(identity_->cached(), 1u) << "the second call was answered from the cache";
  send_who(second.get());
  ASSERT_TRUE(serve_until(3));
  EXPECT_EQ(identity_->cached(), 2u);
  EXPECT_EQ(callers_.size(), 3u);
}

TEST_F(CallerIdentityTest, ASenderThatIsGoneIsDenied) {
  // The call reaches the bridge after its sender disconnected: the bus no
  // longer knows who it was, and nothing else is trusted.
  SdBusPtr client = connect_bus(bus_.address());
  ASSERT_NE(client, nullptr);
  send_who(client.get());
  client.reset();
  ASSERT_TRUE(serve_until(1));
  ASSERT_EQ(errors_.size(), 1u);
  EXPECT_EQ(errors_[0], error_names::kAccessDenied);
  EXPECT_EQ(identity_->cached(), 0u) << "failures are not cached";
}

}  // namespace
}  // namespace vermilion::bridge
