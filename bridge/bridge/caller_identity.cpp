#include "bridge/caller_identity.h"

#include <sdbus-c++/Error.h>
#include <sdbus-c++/Types.h>

#include <map>
#include <vector>

#include "bridge/bus_errors.h"

namespace vermilion::bridge {

CallerIdentity::CallerIdentity(sdbus::IConnection& bus)
    : bus_daemon_(sdbus::createProxy(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus")) {}

Caller CallerIdentity::of(const sdbus::Message& message) { return of(message.getSender()); }

Caller CallerIdentity::of(const std::string& sender) {
  if (auto it = cache_.find(sender); it != cache_.end()) return it->second;
  Caller caller;
  try {
    std::map<std::string, sdbus::Variant> credentials;
    bus_daemon_->callMethod("GetConnectionCredentials")
        .onInterface("org.freedesktop.DBus")
        .withArguments(sender)
        .storeResultsTo(credentials);
    auto uid = credentials.find("UnixUserID");
    if (uid == credentials.end()) throw sdbus::Error(error_names::kAccessDenied, "the bus reports no UnixUserID");
    caller.uid = uid->second.get<std::uint32_t>();
    if (auto groups = credentials.find("UnixGroupIDs"); groups != credentials.end()) {
      for (std::uint32_t gid : groups->second.get<std::vector<std::uint32_t>>()) caller.gids.push_back(gid);
    }
  } catch (const sdbus::Error& error) {
    throw errors::access_denied("cannot identify the caller " + errors::printable(sender) + ": " +
                                error.getMessage());
  }
  if (cache_.size() >= kMaxCached) cache_.clear();
  cache_.emplace(sender, caller);
  return caller;
}

}  // namespace vermilion::bridge
