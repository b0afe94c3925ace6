#include "bridge/bus_errors.h"

#include <cstdio>

namespace vermilion::bridge::errors {

using namespace error_names;

std::string printable(std::string_view text) {
  constexpr std::size_t kMax = 64;
  std::string out;
  for (std::size_t i = 0; i < text.size() && i < kMax; ++i) {
    auto byte = static_cast<unsigned char>(text[i]);
    // Bytes >= 0x80 too: cutting at kMax could split a UTF-8 sequence, and
    // sd-bus silently drops an error reply that is not valid UTF-8.
    if (byte < 0x20 || byte >= 0x7f || byte == '\\') {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
      out += escaped;
    } else {
      out += static_cast<char>(byte);
    }
  }
  if (text.size() > kMax) out += "...";
  return out;
}

sdbus::Error no_such_service(std::string_view name) {
  return sdbus::Error(kNoSuchService, "Unit " + printable(name) + " not found.");
}

sdbus::Error invalid_args(const std::string& message) { return sdbus::Error(kInvalidArgs, message); }

sdbus::Error access_denied(const std::string& message) { return sdbus::Error(kAccessDenied, message); }

sdbus::Error from_link(const LinkError& error, std::string_view service, const JobKind* job, std::string_view result) {
  const std::string& name = error.name;
  const std::string what = printable(service);
  if (name == kJobFailed) {
    bool starting = job && (*job == JobKind::start || *job == JobKind::restart);
    std::string message = "Job for " + what + " failed";
    if (!result.empty() && result != "success") message += " (Result: " + std::string(result) + ")";
    message += ": " + error.message;
    return sdbus::Error(starting ? kStartFailed : kJobFailed, message);
  }
  // vermiliond names the unit at fault, which may be one the service
  // requires ("Unit db.service not found."): its words are kept.
  if (name == kNoSuchService) {
    return error.message.empty() ? no_such_service(service) : sdbus::Error(kNoSuchService, error.message);
  }
  if (name == kBadSetting || name == kLoadFailed) return sdbus::Error(name, error.message);
  if (name == kNoSuchCapability || name == kRevoked) {
    return access_denied("vermilion-bridge no longer holds the capability for " + what + ": " + error.message);
  }
  if (name == kAccessDenied) return access_denied("vermilion-bridge may not do that to " + what + ": " + error.message);
  if (name == kInvalidArgs || name == kLimitsExceeded || name == kOnlyByDependency || name == kTransactionIsDestructive)
    return sdbus::Error(name, error.message);
  return sdbus::Error(kUnavailable, "vermiliond: " + name + ": " + error.message);
}

}  // namespace vermilion::bridge::errors
