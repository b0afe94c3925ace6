// Tells vermiliond who owns which well-known D-Bus names on the bridge's
// bus, over the manager right `bus-names`, so that a Type=dbus service is
// started once its BusName= has an owner and stops when it has none
// (systemd.service(5)); vermiliond itself never connects to a bus
// (ARCHITECTURE.md), as systemd's own PID 1 watches names on its API bus.
//
// At start it subscribes to the bus daemon's NameOwnerChanged, then sends
// every owned well-known name as one complete list (ListNames and
// GetNameOwner: blocking calls, start-up only); after that, each change.
// One report is on the link at a time: changes seen meanwhile wait in a map
// (the latest owner of each name), so a bus busy with names costs the link
// one call at a time, never a queue of them.
#pragma once

#include <sdbus-c++/sdbus-c++.h>

#include <map>
#include <memory>
#include <string>

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

  // Reports sent, and names waiting for the next one (for tests).
  [[nodiscard]] unsigned reports_sent() const { return reports_sent_; }
  [[nodiscard]] std::size_t pending() const { return pending_.size(); }

 private:
  BusNameReporter(sdbus::IConnection& bus, BrokerLink& link) : bus_(bus), link_(link) {}
  void on_name_owner_changed(sdbus::Message& signal);
  // Sends what waits, unless a report is on its way.
  void flush();

  sdbus::IConnection& bus_;
  BrokerLink& link_;
  sdbus::Slot match_;
  std::map<std::string, std::string> pending_;  // name -> owner ("" for none)
  bool complete_pending_ = false;
  bool in_flight_ = false;
  unsigned reports_sent_ = 0;
};

}  // namespace vermilion::bridge
