#include "bridge/bus_authorizer.h"

#include <grp.h>
#include <pwd.h>

#include <algorithm>
#include <charconv>
#include <vector>

#include "common/service_glob.h"

namespace vermilion::bridge {
namespace {

// Ids are written as decimal numbers below 4294967295 ((uid_t)-1 is no id).
std::optional<std::uint32_t> parse_id(const std::string& text) {
  std::uint32_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value == UINT32_MAX) return std::nullopt;
  return value;
}

class SystemIdResolver final : public IdResolver {
 public:
  std::optional<uid_t> user_id(const std::string& name) const override {
    struct passwd entry {};
    struct passwd* found = nullptr;
    std::vector<char> buffer(16384);
    if (getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 || !found) {
      return std::nullopt;
    }
    return found->pw_uid;
  }
  std::optional<gid_t> group_id(const std::string& name) const override {
    struct group entry {};
    struct group* found = nullptr;
    std::vector<char> buffer(65536);
    if (getgrnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 || !found) {
      return std::nullopt;
    }
    return found->gr_gid;
  }
};

}  // namespace

const IdResolver& system_id_resolver() {
  static const SystemIdResolver resolver;
  return resolver;
}

std::vector<std::string> BusAuthorizer::load(const std::vector<BusRuleText>& rules,
                                             const IdResolver& resolver) {
  std::vector<std::string> warnings;
  std::vector<Rule> loaded;
  for (const auto& text : rules) {
    Rule rule;
    for (const auto& user : text.users) {
      if (user == "*") {
        rule.everyone = true;
      } else if (auto id = parse_id(user)) {
        rule.uids.push_back(*id);
      } else if (auto uid = resolver.user_id(user)) {
        rule.uids.push_back(*uid);
      } else {
        warnings.push_back(text.where + ": unknown user '" + user + "', the rule does not apply to it");
      }
    }
    for (const auto& group : text.groups) {
      if (auto id = parse_id(group)) {
        rule.gids.push_back(*id);
      } else if (auto gid = resolver.group_id(group)) {
        rule.gids.push_back(*gid);
      } else {
        warnings.push_back(text.where + ": unknown group '" + group + "', the rule does not apply to it");
      }
    }
    auto service = parse_rights(CapabilityKind::service, text.rights);
    auto manager = parse_rights(CapabilityKind::manager, text.manager_rights);
    if (!service.rights || !manager.rights) {
      // vermiliond checked these words; a mismatch means the two disagree
      // on what rights exist. Grant nothing rather than guess.
      warnings.push_back(text.where + ": " + (service.rights ? manager.error : service.error) +
                         "; the rule is ignored");
      continue;
    }
    rule.service_glob = text.service_glob;
    rule.service_rights = text.service_glob.empty() ? 0 : *service.rights;
    rule.manager_rights = *manager.rights;
    loaded.push_back(std::move(rule));
  }
  rules_ = std::move(loaded);
  return warnings;
}

bool BusAuthorizer::matches(const Rule& rule, const Caller& caller) {
  if (rule.everyone) return true;
  if (std::find(rule.uids.begin(), rule.uids.end(), caller.uid) != rule.uids.end()) return true;
  return std::any_of(caller.gids.begin(), caller.gids.end(), [&](gid_t gid) {
    return std::find(rule.gids.begin(), rule.gids.end(), gid) != rule.gids.end();
  });
}

Rights BusAuthorizer::service_rights(const Caller& caller, std::string_view service) const {
  Rights granted = 0;
  for (const auto& rule : rules_) {
    if (rule.service_rights != 0 && matches(rule, caller) && service_glob_matches(rule.service_glob, service)) {
      granted |= rule.service_rights;
    }
  }
  return granted;
}

Rights BusAuthorizer::manager_rights(const Caller& caller) const {
  Rights granted = 0;
  for (const auto& rule : rules_) {
    if (matches(rule, caller)) granted |= rule.manager_rights;
  }
  return granted;
}

}  // namespace vermilion::bridge
