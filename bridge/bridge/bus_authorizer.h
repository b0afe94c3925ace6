// Who on the bus may ask the bridge for what: the [Bus] rules of the
// policies (policies/README.md), fetched from vermiliond with
// ManagerCapability.GetBusRules, checked against each caller's uid and
// groups as the bus daemon reports them.
//
// A rule grants its rights to a caller that is any listed user (or every
// caller, for User=*) or a member of any listed group; the rights of all
// matching rules add up. Nothing else grants anything: no rule, no right.
// This only decides what the bridge will attempt for a caller; the bridge
// can never do more than its own capabilities allow.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bus_rule_text.h"
#include "common/rights.h"

namespace vermilion::bridge {

struct Caller {
  uid_t uid = 0;
  std::vector<gid_t> gids;  // primary and supplementary
};

// How user and group names become ids; a seam so tests need no real users.
struct IdResolver {
  virtual ~IdResolver() = default;
  [[nodiscard]] virtual std::optional<uid_t> user_id(const std::string& name) const = 0;
  [[nodiscard]] virtual std::optional<gid_t> group_id(const std::string& name) const = 0;
};
// getpwnam_r / getgrnam_r.
[[nodiscard]] const IdResolver& system_id_resolver();

class BusAuthorizer {
 public:
  // Replaces the rules. Returns one warning per name that does not resolve or
  // rights word that is not understood ("file:line: unknown user 'bob'");
  // such an entry matches nobody, the rest of its rule still applies.
  std::vector<std::string> load(const std::vector<BusRuleText>& rules, const IdResolver& resolver);

  // The service rights a caller has on `service` ("web.service").
  [[nodiscard]] Rights service_rights(const Caller& caller, std::string_view service) const;
  // The manager rights (reload, inspect) a caller has.
  [[nodiscard]] Rights manager_rights(const Caller& caller) const;

 private:
  struct Rule {
    bool everyone = false;
    std::vector<uid_t> uids;
    std::vector<gid_t> gids;
    std::string service_glob;
    Rights service_rights = 0;
    Rights manager_rights = 0;
  };
  [[nodiscard]] static bool matches(const Rule& rule, const Caller& caller);
  std::vector<Rule> rules_;
};

}  // namespace vermilion::bridge
