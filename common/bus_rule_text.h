// One [Bus] rule of the policies (policies/README.md) as the private link
// carries it (ManagerCapability.GetBusRules): names and rights as words,
// which vermilion-bridge resolves and parses itself, so that a name it
// cannot resolve or a word it does not know costs that entry, not the rule.
#pragma once

#include <string>
#include <vector>

namespace vermilion {

struct BusRuleText {
  std::vector<std::string> users;   // names or numeric ids as written; {"*"}: every caller
  std::vector<std::string> groups;  // names or numeric ids as written
  std::string service_glob;         // normalized: "web-*.service"; "" if the rule has no Service=
  std::string rights;               // service rights, words ("status restart"); "" for none
  std::string manager_rights;       // manager rights, words; "" for none
  std::string where;                // "file:line" of the [Bus] header

  friend bool operator==(const BusRuleText&, const BusRuleText&) = default;
};

}  // namespace vermilion
