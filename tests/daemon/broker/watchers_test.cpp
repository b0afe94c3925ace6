#include "broker/watchers.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace vermilion {
namespace {

// Records what it is told into a shared log, as "name: what"; `on_told`
// runs after (a link that cuts itself, or another, while being told).
class Peer final : public LinkPeer {
 public:
  Peer(std::string name, std::vector<std::string>& log) : name_(std::move(name)), log_(log) {}
  void capability_received(const Capability&, std::uint64_t) noexcept override {}
  void revoked(Slot) noexcept override {}
  void connection(unique_fd, std::uint64_t) noexcept override {}
  void service_state_changed(const ServiceStatus& status) noexcept override {
    log_.push_back(name_ + ": " + status.name + " " + status.sub_state + " pid " + std::to_string(status.main_pid));
    if (on_told) on_told();
  }
  void service_properties_changed(const ServiceStatus& status) noexcept override {
    log_.push_back(name_ + ": " + status.name + " says \"" + status.status_text + "\"");
    if (on_told) on_told();
  }
  void reloaded() noexcept override {
    log_.push_back(name_ + ": reloaded");
    if (on_told) on_told();
  }
  void unit_files_changed() noexcept override { log_.push_back(name_ + ": unit files changed"); }
  std::function<void()> on_told;

 private:
  std::string name_;
  std::vector<std::string>& log_;
};

ServiceStatus change(const std::string& sub, std::uint32_t pid) {
  ServiceStatus s;
  s.name = "web.service";
  s.active_state = sub == "running" ? "active" : "deactivating";
  s.sub_state = sub;
  s.main_pid = pid;
  return s;
}

class WatchersTest : public ::testing::Test {
 protected:
  // A manager capability with `watch` for `holder`; its slot.
  Slot grant_watch(const std::string& holder) {
    SlotResult r = table_.install_root(holder, CapabilityKind::manager, "", rights::list | rights::watch, 0, "test");
    EXPECT_TRUE(r.slot);
    return r.slot.value_or(0);
  }
  void subscribe(Peer& peer, const std::string& holder, Slot slot) {
    watchers_.add(peer, holder, slot, table_.lookup(holder, slot)->id);
  }

  CapabilityTable table_;
  Watchers watchers_{table_};
  std::vector<std::string> log_;
};

TEST_F(WatchersTest, EveryChangeReachesEveryWatcherInOrderAsItCame) {
  Peer bridge("bridge", log_), panel("panel", log_);
  subscribe(bridge, "bridge.service", grant_watch("bridge.service"));
  subscribe(panel, "panel.service", grant_watch("panel.service"));
  watchers_.service_state_changed(change("stop-sigterm", 0));
  watchers_.service_state_changed(change("running", 43));
  watchers_.reloaded();
  // Peers in address order within a change; the order of changes is kept.
  std::vector<std::string> bridge_log, panel_log;
  for (const std::string& line : log_) (line.starts_with("bridge") ? bridge_log : panel_log).push_back(line);
  EXPECT_EQ(bridge_log, (std::vector<std::string>{"bridge: web.service stop-sigterm pid 0",
                                                  "bridge: web.service running pid 43", "bridge: reloaded"}));
  EXPECT_EQ(panel_log.size(), 3u);
  EXPECT_EQ(panel_log[1], "panel: web.service running pid 43");
}

TEST_F(WatchersTest, PropertyChangesGoWhereStateChangesGo) {
  Peer bridge("bridge", log_);
  subscribe(bridge, "bridge.service", grant_watch("bridge.service"));
  ServiceStatus says = change("running", 43);
  says.status_text = "serving 3 clients";
  watchers_.service_properties_changed(says);
  watchers_.service_state_changed(change("stop-sigterm", 0));
  EXPECT_EQ(log_, (std::vector<std::string>{"bridge: web.service says \"serving 3 clients\"",
                                            "bridge: web.service stop-sigterm pid 0"}));
}

TEST_F(WatchersTest, EnablementChangesReachWatchers) {
  Peer bridge("bridge", log_);
  subscribe(bridge, "bridge.service", grant_watch("bridge.service"));
  watchers_.unit_files_changed();
  EXPECT_EQ(log_, std::vector<std::string>{"bridge: unit files changed"});
}

TEST_F(WatchersTest, AWatchEndsWithItsCapability) {
  Peer bridge("bridge", log_);
  Slot root = grant_watch("bridge.service");
  SlotResult derived = table_.derive("bridge.service", root, rights::watch);
  ASSERT_TRUE(derived.slot);
  subscribe(bridge, "bridge.service", *derived.slot);
  watchers_.reloaded();
  (void)table_.revoke("bridge.service", root);
  watchers_.reloaded();
  EXPECT_EQ(log_, std::vector<std::string>{"bridge: reloaded"});
  EXPECT_TRUE(watchers_.empty()) << "forgotten once found gone";
}

TEST_F(WatchersTest, AWatchEndsWhenItsCapabilityIsDropped) {
  Peer bridge("bridge", log_);
  Slot slot = grant_watch("bridge.service");
  subscribe(bridge, "bridge.service", slot);
  ASSERT_EQ(table_.drop("bridge.service", slot), CapError::ok);
  (void)grant_watch("bridge.service");  // another capability, with a slot of its own
  watchers_.reloaded();
  EXPECT_TRUE(log_.empty());
}

TEST_F(WatchersTest, ARemovedLinkHearsNothing) {
  Peer bridge("bridge", log_);
  subscribe(bridge, "bridge.service", grant_watch("bridge.service"));
  watchers_.remove(bridge);
  watchers_.service_state_changed(change("running", 1));
  EXPECT_TRUE(log_.empty());
  EXPECT_TRUE(watchers_.empty());
}

// A link that passes its queue limit while being told is cut, and its
// detach removes it from the watchers in the middle of the fan-out: the
// fan-out goes on with the others, and one cut before its turn is skipped.
TEST_F(WatchersTest, ALinkCutDuringTheFanOutIsToldNoMore) {
  Peer a("a", log_), b("b", log_);
  subscribe(a, "a.service", grant_watch("a.service"));
  subscribe(b, "b.service", grant_watch("b.service"));
  Peer& first = std::less<LinkPeer*>()(&a, &b) ? a : b;
  Peer& second = &first == &a ? b : a;
  first.on_told = [&] {
    watchers_.remove(first);   // cut itself
    watchers_.remove(second);  // and, as it goes, the other
  };
  watchers_.service_state_changed(change("running", 1));
  ASSERT_EQ(log_.size(), 1u) << "the second was removed before its turn";
  watchers_.service_state_changed(change("running", 2));
  EXPECT_EQ(log_.size(), 1u);
  EXPECT_TRUE(watchers_.empty());
}

TEST_F(WatchersTest, SubscribingAgainReplacesTheWatch) {
  Peer bridge("bridge", log_);
  Slot one = grant_watch("bridge.service");
  Slot two = grant_watch("bridge.service");
  subscribe(bridge, "bridge.service", one);
  subscribe(bridge, "bridge.service", two);
  watchers_.reloaded();
  EXPECT_EQ(log_.size(), 1u) << "one subscription, told once";
  (void)table_.drop("bridge.service", one);
  watchers_.reloaded();
  EXPECT_EQ(log_.size(), 2u) << "the watch is the second capability's";
}

}  // namespace
}  // namespace vermilion
