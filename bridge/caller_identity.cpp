#include "caller_identity.h"

#include <sdbus-c++/Error.h>

#include "bus_errors.h"

namespace vermilion::bridge {

Caller CallerIdentity::of(const sdbus::Message& message) {
  std::string sender = message.getSender();
  if (auto it = cache_.find(sender); it != cache_.end()) return it->second;
  Caller caller;
  try {
    caller.uid = message.getCredsUid();
    caller.gids = message.getCredsSupplementaryGids();
  } catch (const sdbus::Error& error) {
    throw errors::access_denied("cannot identify the caller " + errors::printable(sender) + ": " +
                                error.getMessage());
  }
  if (cache_.size() >= kMaxCached) cache_.clear();
  cache_.emplace(std::move(sender), caller);
  return caller;
}

}  // namespace vermilion::bridge
