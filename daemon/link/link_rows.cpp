#include "link/link_rows.h"

#include <cstdint>
#include <string_view>

#include "common/link_wire.h"

namespace vermilion {

std::string capability_path(Slot slot) { return std::string(kCapabilityPathPrefix) + "/" + std::to_string(slot); }

Slot capability_slot(const char* path) {
  std::string_view p(path ? path : "");
  std::string_view prefix = kCapabilityPathPrefix;
  if (!p.starts_with(prefix) || p.size() <= prefix.size() + 1 || p[prefix.size()] != '/') return 0;
  std::string_view digits = p.substr(prefix.size() + 1);
  if (digits.size() > 10 || digits.front() == '0') return 0;
  unsigned long long v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return 0;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  return v > UINT32_MAX ? 0 : static_cast<Slot>(v);
}

CapabilityRow capability_row(const Capability& cap) {
  return {cap.slot, cap.kind, cap.object, cap.rights, cap.badge, capability_path(cap.slot)};
}

std::vector<CapabilityRow> capability_rows(const std::vector<const Capability*>& caps) {
  std::vector<CapabilityRow> rows;
  rows.reserve(caps.size());
  for (const Capability* cap : caps) rows.push_back(capability_row(*cap));
  return rows;
}

BusRuleText bus_rule_text(const BusRule& rule) {
  return {rule.users,
          rule.groups,
          rule.service_glob,
          rights_to_string(rule.rights),
          rights_to_string(rule.manager_rights),
          rule.where.file + ":" + std::to_string(rule.where.line)};
}

std::vector<BusRuleText> bus_rule_texts(const std::vector<BusRule>& rules) {
  std::vector<BusRuleText> texts;
  texts.reserve(rules.size());
  for (const BusRule& rule : rules) texts.push_back(bus_rule_text(rule));
  return texts;
}

}  // namespace vermilion
