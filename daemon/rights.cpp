#include "rights.h"

#include <array>
#include <utility>

namespace vermilion {
namespace {

constexpr std::array<std::pair<std::string_view, Rights>, 12> kNames{{
    {"status", rights::status},
    {"start", rights::start},
    {"stop", rights::stop},
    {"restart", rights::restart},
    {"kill", rights::kill},
    {"logs", rights::logs},
    {"list", rights::list},
    {"watch", rights::watch},
    {"reload", rights::reload},
    {"connect", rights::connect},
    {"grant", rights::grant},
    {"use", rights::use},
}};

std::optional<Rights> right_named(std::string_view name) {
  for (const auto& [n, bit] : kNames)
    if (n == name) return bit;
  return std::nullopt;
}

void append_word(std::string& out, std::string_view word) {
  if (!out.empty()) out += ' ';
  out += word;
}

}  // namespace

Rights allowed_rights(CapabilityKind kind) {
  switch (kind) {
    case CapabilityKind::service:
      return rights::status | rights::start | rights::stop | rights::restart | rights::kill | rights::logs;
    case CapabilityKind::manager: return rights::list | rights::watch | rights::reload;
    case CapabilityKind::endpoint: return rights::connect | rights::grant;
    case CapabilityKind::fd: return rights::use;
  }
  return 0;
}

std::optional<CapabilityKind> parse_kind(std::string_view s) {
  if (s == "service") return CapabilityKind::service;
  if (s == "manager") return CapabilityKind::manager;
  if (s == "endpoint") return CapabilityKind::endpoint;
  if (s == "fd") return CapabilityKind::fd;
  return std::nullopt;
}

const char* to_string(CapabilityKind kind) {
  switch (kind) {
    case CapabilityKind::service: return "service";
    case CapabilityKind::manager: return "manager";
    case CapabilityKind::endpoint: return "endpoint";
    case CapabilityKind::fd: return "fd";
  }
  return "unknown";
}

RightsParse parse_rights(CapabilityKind kind, std::string_view words) {
  constexpr std::string_view kSpace = " \t\n\r";
  Rights parsed = 0;
  std::string unknown;
  std::string disallowed;
  bool any = false;
  std::size_t pos = 0;
  while (true) {
    pos = words.find_first_not_of(kSpace, pos);
    if (pos == std::string_view::npos) break;
    auto end = words.find_first_of(kSpace, pos);
    std::string_view word = words.substr(pos, end == std::string_view::npos ? end : end - pos);
    pos = end;
    any = true;
    auto bit = right_named(word);
    if (!bit) append_word(unknown, word);
    else if ((*bit & allowed_rights(kind)) == 0) append_word(disallowed, word);
    else parsed |= *bit;
  }
  std::string allowed = rights_to_string(allowed_rights(kind));
  if (!unknown.empty())
    return {std::nullopt, "unknown right(s): " + unknown + " (" + to_string(kind) + " allows: " + allowed + ")"};
  if (!disallowed.empty())
    return {std::nullopt, "not a right of " + std::string(to_string(kind)) + " capabilities: " + disallowed +
                              " (" + to_string(kind) + " allows: " + allowed + ")"};
  if (!any) return {std::nullopt, "no rights given (" + std::string(to_string(kind)) + " allows: " + allowed + ")"};
  return {parsed, {}};
}

std::string rights_to_string(Rights r) {
  std::string out;
  for (const auto& [name, bit] : kNames)
    if (r & bit) append_word(out, name);
  return out;
}

bool is_subset(Rights sub, Rights super) { return (sub & ~super) == 0; }

}  // namespace vermilion
