#include "bridge/bus_name_reporter.h"

#include <cstdio>
#include <vector>

#include "common/bus_name.h"
#include "common/link_wire.h"
#include "common/rights.h"

namespace vermilion::bridge {
namespace {

constexpr const char* kDBusName = "org.freedesktop.DBus";
constexpr const char* kDBusPath = "/org/freedesktop/DBus";

void log_line(const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); }

}  // namespace

std::unique_ptr<BusNameReporter> BusNameReporter::create(sdbus::IConnection& bus, BrokerLink& link) {
  if (!link.manager_capability(rights::bus_names)) {
    log_line("vermilion-bridge holds no manager capability with 'bus-names': Type=dbus services will not see "
             "their BusName= appear");
    return nullptr;
  }
  std::unique_ptr<BusNameReporter> reporter(new BusNameReporter(bus, link));
  try {
    // Subscribe first, then list: a change made in between arrives as a
    // signal after the list, and is sent after it.
    reporter->match_ = bus.addMatch(
        std::string("type='signal',sender='") + kDBusName + "',path='" + kDBusPath + "',interface='" + kDBusName +
            "',member='NameOwnerChanged'",
        [self = reporter.get()](sdbus::Message& signal) { self->on_name_owner_changed(signal); });
  } catch (const sdbus::Error& error) {
    log_line(std::string("cannot follow bus names: ") + error.what());
    return nullptr;
  }
  if (!reporter->take_snapshot()) return nullptr;
  reporter->flush();
  return reporter;
}

bool BusNameReporter::take_snapshot() {
  snapshot_.clear();
  try {
    auto daemon = sdbus::createProxy(bus_, kDBusName, kDBusPath);
    std::vector<std::string> names;
    daemon->callMethod("ListNames").onInterface(kDBusName).storeResultsTo(names);
    for (const auto& name : names) {
      if (!is_well_known_bus_name(name)) continue;  // unique names; org.freedesktop.DBus is owned by no connection
      std::string owner;
      try {
        daemon->callMethod("GetNameOwner").onInterface(kDBusName).withArguments(name).storeResultsTo(owner);
      } catch (const sdbus::Error&) {
        continue;  // released since ListNames: its signal follows
      }
      if (is_unique_bus_name(owner)) snapshot_.emplace_back(name, owner);
    }
  } catch (const sdbus::Error& error) {
    log_line(std::string("cannot list the bus names: ") + error.what());
    return false;
  }
  snapshot_pending_ = true;
  return true;
}

void BusNameReporter::on_name_owner_changed(sdbus::Message& signal) {
  // Only the bus daemon's own: a client may send a signal of that name to
  // the bridge, and sd-bus's match on sender='org.freedesktop.DBus' lets a
  // unique-name sender through (bus-match.c); the bus daemon alone sends
  // as org.freedesktop.DBus.
  if (signal.getSender() != kDBusName) return;
  std::string name, old_owner, new_owner;
  try {
    signal >> name >> old_owner >> new_owner;
  } catch (const sdbus::Error&) {
    return;  // not the bus daemon's signature
  }
  if (!is_well_known_bus_name(name) || (!new_owner.empty() && !is_unique_bus_name(new_owner))) return;
  if (changes_.size() >= kMaxPendingChanges) {
    // Fold to the latest owner of each name; if that is still too many,
    // list the bus afresh instead (blocking, rare: thousands of names
    // changing while one report is on the link).
    std::map<std::string, std::string> latest;
    for (auto& [n, o] : changes_) latest[n] = std::move(o);
    changes_.assign(latest.begin(), latest.end());
    if (changes_.size() >= kMaxPendingChanges / 2) {
      changes_.clear();
      if (!take_snapshot()) return;
    }
  }
  changes_.emplace_back(std::move(name), std::move(new_owner));
  failures_ = 0;  // news: worth another try
  flush();
}

void BusNameReporter::flush() {
  if (in_flight_ || (!snapshot_pending_ && changes_.empty())) return;
  const HeldCapability* capability = link_.manager_capability(rights::bus_names);
  if (!capability) {
    snapshot_pending_ = false;  // revoked: nobody to tell
    changes_.clear();
    return;
  }
  // The complete list goes alone, before the changes seen after it.
  const bool complete = snapshot_pending_;
  Owners report;
  if (complete)
    report = std::move(snapshot_);
  else
    report.swap(changes_);
  snapshot_pending_ = false;
  in_flight_ = true;
  auto sent = std::make_shared<Owners>(std::move(report));
  link_.call(
      *capability, kManagerCapabilityInterface, "BusNameOwnersChanged",
      [&sent, complete](sd_bus_message* m) {
        int r = sd_bus_message_open_container(m, 'a', "{ss}");
        for (auto it = sent->begin(); r >= 0 && it != sent->end(); ++it)
          r = sd_bus_message_append(m, "{ss}", it->first.c_str(), it->second.c_str());
        if (r >= 0) r = sd_bus_message_close_container(m);
        if (r >= 0) r = sd_bus_message_append(m, "b", complete ? 1 : 0);
        return r;
      },
      [this, sent, complete](sd_bus_message*, const LinkError* error) {
        in_flight_ = false;
        if (!error) {
          failures_ = 0;
        } else if (++failures_ >= kMaxRetries) {
          // Sending it again changes nothing: it goes, and what follows
          // is sent (vermiliond's view may be off until the next restart).
          log_line("BusNameOwnersChanged failed " + std::to_string(failures_) + " times, dropping " +
                   std::to_string(sent->size()) + " names: " + error->name + ": " + error->message);
          failures_ = 0;
        } else {
          log_line("BusNameOwnersChanged failed, sending it again: " + error->name + ": " + error->message);
          // Back in front of what came since, to go again in order.
          if (complete) {
            snapshot_ = std::move(*sent);
            snapshot_pending_ = true;
          } else {
            sent->insert(sent->end(), std::make_move_iterator(changes_.begin()),
                         std::make_move_iterator(changes_.end()));
            changes_ = std::move(*sent);
          }
        }
        flush();
      });
}

}  // namespace vermilion::bridge
