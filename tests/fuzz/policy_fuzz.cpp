// Feeds arbitrary text through the policy parser (syntax, every key, the
// whole-grant checks) and checks its contract: a file with an error
// contributes nothing, and what it does grant is well-formed.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "broker/policy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vermilion;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Diagnostics diags;
  auto set = parse_policy_text("fuzz.policy", text, diags);
  for (const auto& d : diags.items()) (void)format_diagnostic(d);

  bool has_errors = diags.has_errors();
  if (has_errors && (!set.grants.empty() || !set.bus_rules.empty() || !set.files.empty())) std::abort();
  if (!has_errors && set.files.size() != 1) std::abort();
  for (const auto& grant : set.grants) {
    if (grant.rights == 0 || !is_subset(grant.rights, allowed_rights(grant.kind))) std::abort();
    if (grant.fd.has_value() != (grant.kind == CapabilityKind::fd)) std::abort();
    if (grant.to.empty() || grant.where.line == 0) std::abort();
    if (grant.fd && grant.fd->name.empty()) std::abort();
  }
  for (const auto& rule : set.bus_rules) {
    if (rule.rights == 0 && rule.manager_rights == 0) std::abort();
    if (!is_subset(rule.rights, allowed_rights(CapabilityKind::service))) std::abort();
    if (!is_subset(rule.manager_rights, allowed_rights(CapabilityKind::manager))) std::abort();
    if ((rule.rights == 0) != rule.service_glob.empty()) std::abort();
    if (rule.users.empty() && rule.groups.empty()) std::abort();
    for (const auto& user : rule.users)
      if (user.find('*') != std::string::npos && rule.users.size() != 1) std::abort();
    for (const auto& group : rule.groups)
      if (group.find('*') != std::string::npos) std::abort();
    (void)service_glob_matches(rule.service_glob, "web.service");
  }
  return 0;
}
