#include "common/rights.h"

#include <array>
#include <cstdio>

namespace vermilion {
namespace {

// Index i names bit 1 << i.
constexpr std::array<std::string_view, 16> kRightNames = {
    "status", "start", "stop",   "restart", "kill",  "logs",   "list",   "watch",
    "reload", "connect", "grant", "use",    "inspect", "enable", "isolate", "bus-names",
};
static_assert(rights::all_known == (Rights{1} << kRightNames.size()) - 1);

std::optional<Rights> right_named(std::string_view word) {
  for (std::size_t i = 0; i < kRightNames.size(); ++i) {
    if (kRightNames[i] == word) return Rights{1} << i;
  }
  return std::nullopt;
}

bool is_separator(char c) { return c == ' ' || c == '\t'; }

}  // namespace

Rights allowed_rights(CapabilityKind kind) {
  switch (kind) {
    case CapabilityKind::service:
      return rights::status | rights::start | rights::stop | rights::restart | rights::kill |
             rights::logs | rights::reload;
    case CapabilityKind::manager:
      return rights::list | rights::watch | rights::reload | rights::inspect | rights::enable | rights::isolate |
             rights::bus_names;
    case CapabilityKind::endpoint:
      return rights::connect | rights::grant;
    case CapabilityKind::fd:
      return rights::use;
  }
  return 0;
}

std::optional<CapabilityKind> parse_kind(std::string_view word) {
  if (word == "service") return CapabilityKind::service;
  if (word == "manager") return CapabilityKind::manager;
  if (word == "endpoint") return CapabilityKind::endpoint;
  if (word == "fd") return CapabilityKind::fd;
  return std::nullopt;
}

const char* to_string(CapabilityKind kind) {
  switch (kind) {
    case CapabilityKind::service:
      return "service";
    case CapabilityKind::manager:
      return "manager";
    case CapabilityKind::endpoint:
      return "endpoint";
    case CapabilityKind::fd:
      return "fd";
  }
  return "unknown";
}

RightsParse parse_rights(CapabilityKind kind, std::string_view words) {
  const Rights allowed = allowed_rights(kind);
  Rights result = 0;
  std::size_t pos = 0;
  while (pos < words.size()) {
    if (is_separator(words[pos])) {
      ++pos;
      continue;
    }
    std::size_t end = pos;
    while (end < words.size() && !is_separator(words[end])) ++end;
    const std::string_view word = words.substr(pos, end - pos);
    const std::optional<Rights> bit = right_named(word);
    if (!bit || (*bit & allowed) == 0) {
      std::string error = "'";
      error.append(word);
      error += "' is not a right of ";
      error += to_string(kind);
      error += " capabilities";
      return {std::nullopt, std::move(error)};
    }
    result |= *bit;
    pos = end;
  }
  return {result, {}};
}

std::string rights_to_string(Rights set) {
  std::string out;
  for (std::size_t i = 0; i < kRightNames.size(); ++i) {
    if ((set & (Rights{1} << i)) == 0) continue;
    if (!out.empty()) out += ' ';
    out += kRightNames[i];
  }
  if (const Rights unknown = set & ~rights::all_known; unknown != 0) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%x", unknown);
    if (!out.empty()) out += ' ';
    out += hex;
  }
  return out;
}

}  // namespace vermilion
