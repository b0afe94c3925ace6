#include "bridge/systemd1_names.h"

#include <array>
#include <charconv>

#include "common/unit_name.h"

namespace vermilion::bridge::systemd1 {
namespace {

constexpr std::array<std::string_view, 11> kUnitTypes = {"service", "mount",  "swap",  "socket", "target", "device",
                                                        "automount", "timer", "path", "slice",  "scope"};

bool valid_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' || c == '-' ||
         c == '_' || c == '.' || c == '\\';
}

}  // namespace

std::string_view unit_type_of(std::string_view name) {
  if (name.empty() || name.size() > kUnitNameMax) return {};
  auto dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return {};
  std::string_view type = name.substr(dot + 1);
  bool known = false;
  for (auto t : kUnitTypes) known = known || t == type;
  if (!known) return {};
  std::string_view stem = name.substr(0, dot);
  auto at = stem.find('@');
  if (at != std::string_view::npos) {
    if (at == 0 || stem.find('@', at + 1) != std::string_view::npos) return {};
    for (char c : stem.substr(at + 1))
      if (!valid_char(c)) return {};
    stem = stem.substr(0, at);
  }
  for (char c : stem)
    if (!valid_char(c)) return {};
  return type;
}

bool is_valid_unit_name(std::string_view name) { return !unit_type_of(name).empty(); }

std::string unit_object_path(std::string_view name) {
  return std::string(kUnitPathPrefix) + "/" + bus_label_escape(name);
}

std::optional<std::string> unit_name_of_path(std::string_view path) {
  std::string_view prefix = kUnitPathPrefix;
  if (path.size() <= prefix.size() + 1 || path.substr(0, prefix.size()) != prefix || path[prefix.size()] != '/')
    return std::nullopt;
  std::string_view label = path.substr(prefix.size() + 1);
  if (label.find('/') != std::string_view::npos) return std::nullopt;
  auto name = bus_label_unescape(label);
  if (!name || !is_valid_unit_name(*name)) return std::nullopt;
  return name;
}

std::string job_object_path(std::uint32_t id) { return std::string(kJobPathPrefix) + "/" + std::to_string(id); }

std::optional<std::uint32_t> job_id_of_path(std::string_view path) {
  std::string_view prefix = kJobPathPrefix;
  if (path.size() <= prefix.size() + 1 || path.substr(0, prefix.size()) != prefix || path[prefix.size()] != '/')
    return std::nullopt;
  std::string_view digits = path.substr(prefix.size() + 1);
  if (digits.empty() || digits[0] == '0') return std::nullopt;
  std::uint32_t id = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return id;
}

}  // namespace vermilion::bridge::systemd1
