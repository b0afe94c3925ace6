#include "bridge/bus_name_reporter.h"

#include <cstdio>
#include <vector>

#include "common/link_wire.h"
#include "common/rights.h"

namespace vermilion::bridge {
namespace {

constexpr const char* kDBusName = "org.freedesktop.DBus";
constexpr const char* kDBusPath = "/org/freedesktop/DBus";

void log_line(const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); }

bool is_well_known(const std::string& name) { return !name.empty() && name[0] != ':'; }

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
    auto daemon = sdbus::createProxy(bus, kDBusName, kDBusPath);
    std::vector<std::string> names;
    daemon->callMethod("ListNames").onInterface(kDBusName).storeResultsTo(names);
    for (const auto& name : names) {
      if (!is_well_known(name) || name == kDBusName) continue;
      std::string owner;
      try {
        daemon->callMethod("GetNameOwner").onInterface(kDBusName).withArguments(name).storeResultsTo(owner);
      } catch (const sdbus::Error&) {
        continue;  // released since ListNames: its signal follows
      }
      reporter->snapshot_.emplace_back(name, owner);
    }
  } catch (const sdbus::Error& error) {
    log_line(std::string("cannot follow bus names: ") + error.what());
    return nullptr;
  }
  reporter->snapshot_pending_ = true;
  reporter->flush();
  return reporter;
}

void BusNameReporter::on_name_owner_changed(sdbus::Message& signal) {
  std::string name, old_owner, new_owner;
  try {
    signal >> name >> old_owner >> new_owner;
  } catch (const sdbus::Error&) {
    return;  // not the bus daemon's signature
  }
  if (!is_well_known(name)) return;
  if (changes_.size() >= kMaxPendingChanges) {
    std::map<std::string, std::string> latest;
    for (auto& [n, o] : changes_) latest[n] = std::move(o);
    changes_.assign(latest.begin(), latest.end());
  }
  changes_.emplace_back(std::move(name), std::move(new_owner));
  failures_ = 0;  // news: worth another try
  flush();
}

void BusNameReporter::flush() {
  if (in_flight_ || (!snapshot_pending_ && changes_.empty()) || failures_ >= kMaxRetries) return;
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
        } else {
          log_line("BusNameOwnersChanged failed: " + error->name + ": " + error->message);
          ++failures_;
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
