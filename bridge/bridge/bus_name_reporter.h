// Tells vermiliond who owns which well-known D-Bus names on the bridge's
// bus, over the manager right `bus-names`, so that a Type=dbus service is
// started once its BusName= has an owner and stops when it has none
// (systemd.service(5)); vermiliond itself never connects to a bus
// (ARCHITECTURE.md), as systemd's own PID 1 watches names on its API bus.
//
// At start it subscribes to the bus daemon's NameOwnerChanged, then sends
// every owned well-known name as one complete list (ListNames and
// GetNameOwner: blocking calls, start-up only); after that, each change, in
// the order seen. One report is on the link at a time: changes seen
// meanwhile wait and go in the next one, so a bus busy with names costs the
// link one call at a time. A report that fails is sent again, at most
// kMaxRetries times; then it is dropped and what follows is sent. Only the
// bus daemon's own NameOwnerChanged counts (a client may send one to the
// bridge). The right is
// looked for at start: a policy that grants it later takes effect when the
// bridge restarts.
#pragma once

#include <sdbus-c++/sdbus-c++.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "link_client/broker_link.h"

namespace vermilion::bridge {

class BusNameReporter {
 public:
  // nullptr when the bridge holds no manager capability with `bus-names`
  // (Type=dbus services then wait until TimeoutStartSec=) or the bus does
  // not answer ListNames; each said in one log line.
  [[nodiscard]] static std::unique_ptr<BusNameReporter> create(sdbus::IConnection& bus, BrokerLink& link);
  BusNameReporter(const BusNameReporter&) = delete;
  BusNameReporter& operator=(const BusNameReporter&) = delete;

  // Changes kept for the next report, at most: past it they are folded to
  // the latest owner of each name (a name gone and back within one such
  // burst then looks replaced, not lost), or, with too many names, replaced
  // by a fresh complete list.
  static constexpr std::size_t kMaxPendingChanges = 4096;
  static constexpr unsigned kMaxRetries = 3;

 private:
  using Owners = std::vector<std::pair<std::string, std::string>>;  // name, owner ("" for none)
  BusNameReporter(sdbus::IConnection& bus, BrokerLink& link) : bus_(bus), link_(link) {}
  void on_name_owner_changed(sdbus::Message& signal);
  // Lists every owned well-known name into snapshot_ (blocking calls to the
  // bus daemon); false, logged, when it does not answer.
  bool take_snapshot();
  // Sends what waits, unless a report is on its way.
  void flush();

  sdbus::IConnection& bus_;
  BrokerLink& link_;
  sdbus::Slot match_;
  Owners snapshot_;                // the complete list, until it is sent
  bool snapshot_pending_ = false;
  Owners changes_;                 // seen since, in order
  bool in_flight_ = false;
  unsigned failures_ = 0;          // reports failed in a row
};

}  // namespace vermilion::bridge
