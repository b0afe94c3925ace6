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
      reporter->pending_[name] = owner;
    }
  } catch (const sdbus::Error& error) {
    log_line(std::string("cannot follow bus names: ") + error.what());
    return nullptr;
  }
  reporter->complete_pending_ = true;
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
  pending_[name] = new_owner;
  flush();
}

void BusNameReporter::flush() {
  if (in_flight_ || (pending_.empty() && !complete_pending_)) return;
  const HeldCapability* capability = link_.manager_capability(rights::bus_names);
  if (!capability) {
    pending_.clear();  // revoked: nobody to tell
    complete_pending_ = false;
    return;
  }
  std::map<std::string, std::string> owners;
  owners.swap(pending_);
  const bool complete = complete_pending_;
  complete_pending_ = false;
  in_flight_ = true;
  ++reports_sent_;
  link_.call(
      *capability, kManagerCapabilityInterface, "BusNameOwnersChanged",
      [&owners, complete](sd_bus_message* m) {
        int r = sd_bus_message_open_container(m, 'a', "{ss}");
        for (auto it = owners.begin(); r >= 0 && it != owners.end(); ++it)
          r = sd_bus_message_append(m, "{ss}", it->first.c_str(), it->second.c_str());
        if (r >= 0) r = sd_bus_message_close_container(m);
        if (r >= 0) r = sd_bus_message_append(m, "b", complete ? 1 : 0);
        return r;
      },
      [this](sd_bus_message*, const LinkError* error) {
        in_flight_ = false;
        if (error) log_line("BusNameOwnersChanged failed: " + error->name + ": " + error->message);
        flush();
      });
}

}  // namespace vermilion::bridge
