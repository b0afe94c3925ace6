// Who is calling: the uid and groups the bus daemon recorded for a message's
// sender when it connected (org.freedesktop.DBus.GetConnectionCredentials:
// UnixUserID, UnixGroupIDs). Never the caller's own claims, never a PID:
// sdbus-c++'s Message::getCreds*() ask sd-bus to "augment" from /proc/PID
// at call time, which races with the caller changing (or the PID being
// reused), so they are not used.
//
// A unique name is never reused while the bus runs, and its credentials are
// fixed when it connects, so answers are cached per sender; the cache is
// bounded and simply starts over when full.
#pragma once

#include <sdbus-c++/IConnection.h>
#include <sdbus-c++/IProxy.h>
#include <sdbus-c++/Message.h>

#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>

#include "bridge/bus_authorizer.h"

namespace vermilion::bridge {

class CallerIdentity {
 public:
  static constexpr std::size_t kMaxCached = 4096;

  explicit CallerIdentity(sdbus::IConnection& bus);

  // Throws sdbus::Error (AccessDenied) when the bus cannot say who it is.
  // Blocks on one call to the bus daemon the first time a sender is seen.
  [[nodiscard]] Caller of(const sdbus::Message& message);
  // The same for the sender's unique name (":1.42").
  [[nodiscard]] Caller of(const std::string& sender);
  // How many senders are cached (at most kMaxCached).
  [[nodiscard]] std::size_t cached() const { return cache_.size(); }

 private:
  std::unique_ptr<sdbus::IProxy> bus_daemon_;
  std::unordered_map<std::string, Caller> cache_;
};

}  // namespace vermilion::bridge
