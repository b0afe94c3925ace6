#include "common/unit_name.h"

#include <cctype>

namespace vermilion {
namespace {

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == ':' || c == '-' || c == '_' ||
         c == '.' || c == '\\';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The part before the type suffix: prefix[@instance].
std::optional<UnitNameParts> split_stem(std::string_view stem) {
  UnitNameParts parts;
  auto at = stem.find('@');
  std::string_view prefix = stem.substr(0, at);
  if (prefix.empty()) return std::nullopt;
  for (char c : prefix)
    if (!is_name_char(c)) return std::nullopt;
  parts.prefix = std::string(prefix);
  if (at != std::string_view::npos) {
    std::string_view instance = stem.substr(at + 1);
    for (char c : instance)
      if (!is_name_char(c) && c != '@') return std::nullopt;
    parts.instance = std::string(instance);
    parts.is_template = instance.empty();
  }
  return parts;
}

}  // namespace

std::optional<UnitNameParts> split_service_name(std::string_view name) {
  if (name.size() > kUnitNameMax || name.size() <= kServiceSuffix.size()) return std::nullopt;
  if (!name.ends_with(kServiceSuffix)) return std::nullopt;
  return split_stem(name.substr(0, name.size() - kServiceSuffix.size()));
}

bool is_valid_service_name(std::string_view name) { return split_service_name(name).has_value(); }

std::string_view unit_type_of(std::string_view name) {
  auto dot = name.rfind('.');
  return dot == std::string_view::npos ? std::string_view() : name.substr(dot + 1);
}

bool is_valid_unit_name(std::string_view name) {
  static constexpr std::string_view kTypes[] = {"service", "socket", "device", "mount", "automount", "swap",
                                                "target",  "path",   "timer",  "slice", "scope"};
  std::string_view type = unit_type_of(name);
  bool known = false;
  for (std::string_view t : kTypes) known = known || t == type;
  if (!known || name.size() > kUnitNameMax || name.size() <= type.size() + 1) return false;
  return split_stem(name.substr(0, name.size() - type.size() - 1)).has_value();
}

std::optional<std::string> normalize_service_name(std::string_view name) {
  // As systemctl's unit_name_mangle(): a name with another type's suffix
  // names that unit ("app.target"), not "app.target.service".
  if (!name.ends_with(kServiceSuffix) && is_valid_unit_name(name)) return std::nullopt;
  std::string full(name);
  if (!name.ends_with(kServiceSuffix)) full += kServiceSuffix;
  if (!is_valid_service_name(full)) return std::nullopt;
  return full;
}

bool is_supported_unit_type(std::string_view type) { return type == "service" || type == "target"; }

std::optional<UnitNameParts> split_supported_unit_name(std::string_view name) {
  std::string_view type = unit_type_of(name);
  if (!is_supported_unit_type(type) || name.size() > kUnitNameMax || name.size() <= type.size() + 1)
    return std::nullopt;
  return split_stem(name.substr(0, name.size() - type.size() - 1));
}

std::optional<std::string> normalize_unit_name(std::string_view name) {
  if (name.ends_with(kTargetSuffix)) {
    if (!split_supported_unit_name(name)) return std::nullopt;
    return std::string(name);
  }
  return normalize_service_name(name);
}

std::optional<std::string> template_of(std::string_view name) {
  auto parts = split_supported_unit_name(name);
  if (!parts || parts->instance.empty()) return std::nullopt;
  return parts->prefix + "@." + std::string(unit_type_of(name));
}

std::optional<std::string> bus_label_unescape(std::string_view label) {
  if (label == "_") return std::string();
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(label.size());
  for (std::size_t i = 0; i < label.size(); ++i) {
    auto u = static_cast<unsigned char>(label[i]);
    if (label[i] == '_') {
      if (i + 2 >= label.size()) return std::nullopt;
      int high = hex(label[i + 1]), low = hex(label[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9')) {
      out += label[i];
    } else {
      return std::nullopt;
    }
  }
  return out;
}

std::string bus_label_escape(std::string_view s) {
  if (s.empty()) return "_";
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size() * 3);
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9')) {
      out += c;
    } else {
      out += '_';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

std::optional<std::string> unescape_instance(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '-') {
      out += '/';
    } else if (s[i] == '\\') {
      if (i + 3 >= s.size()) return std::nullopt;
      if (s[i + 1] != 'x' || hex_value(s[i + 2]) < 0 || hex_value(s[i + 3]) < 0) return std::nullopt;
      out += static_cast<char>(hex_value(s[i + 2]) * 16 + hex_value(s[i + 3]));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::optional<std::string> unescape_path(std::string_view s) {
  if (s.empty()) return std::nullopt;
  if (s == "-") return "/";
  auto unescaped = unescape_instance(s);
  if (!unescaped || unescaped->starts_with('/') || unescaped->ends_with('/')) return std::nullopt;
  std::string path = "/" + *unescaped;
  std::size_t pos = 1;
  while (pos <= path.size()) {
    auto end = path.find('/', pos);
    std::string_view part = std::string_view(path).substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    if (part.empty() || part == "." || part == "..") return std::nullopt;
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  return path;
}

}  // namespace vermilion
