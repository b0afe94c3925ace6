// Who is calling: the uid and groups the bus daemon reports for a message's
// sender (org.freedesktop.DBus.GetConnectionCredentials: UnixUserID and
// UnixGroupIDs). Never the caller's own claims, never a PID.
//
// A unique name is never reused while the bus runs, and its credentials are
// fixed when it connects, so answers are cached per sender; the cache is
// bounded and simply starts over when full.
#pragma once

#include <sdbus-c++/Message.h>

#include <cstddef>
#include <string>
#include <unordered_map>

#include "bus_authorizer.h"

namespace vermilion::bridge {

class CallerIdentity {
 public:
  static constexpr std::size_t kMaxCached = 4096;

  // Throws sdbus::Error (AccessDenied) when the bus cannot say who it is.
  [[nodiscard]] Caller of(const sdbus::Message& message);
  void forget(const std::string& unique_name) { cache_.erase(unique_name); }
  [[nodiscard]] std::size_t cached() const { return cache_.size(); }

 private:
  std::unordered_map<std::string, Caller> cache_;
};

}  // namespace vermilion::bridge
