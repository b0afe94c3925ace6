// Testing a unit's Condition*=/Assert*= (units/unit_condition.h) against
// this machine, as systemd 252's condition_test() (src/shared/condition.c;
// systemd.unit(5) "Conditions and Asserts"; `systemd-analyze condition`
// gives the same answers, and the tests compare with it).
//
// Everything here is a stat(2), an access(2), a statvfs(2), a glob(3) or
// directory read, a syscall, or a read of a small kernel or configuration
// file (bounded, never waiting on a FIFO: common/regular_file.h). Like
// systemd's, these run in the manager's loop when a unit starts: a path on
// a hung network file system can hold it, as it holds systemd. No user or
// group database lookup happens here: the names ConditionUser=/
// ConditionGroup= compare with are resolved once, at start-up
// (ConditionContext::current()).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "units/unit_condition.h"

namespace vermilion {

struct ConditionContext {
  // The manager's environment as services get it first (systemd's
  // manager_get_effective_environment()), for ConditionEnvironment=.
  std::vector<std::string> environment;
  // The manager's own user and groups. ConditionUser= with a name holds
  // when it is this user's name (systemd would also look the name up to
  // find an alias of the same UID); ConditionGroup= with a name when it
  // names the manager's group or a supplementary group.
  std::string user_name;
  std::vector<std::string> group_names;
  // The manager's own $CREDENTIALS_DIRECTORY and
  // $ENCRYPTED_CREDENTIALS_DIRECTORY (absolute), for ConditionCredential=.
  std::optional<std::string> credentials_directory, encrypted_credentials_directory;

  // The names of getuid()'s user and of getgid() and getgroups(), from the
  // password and group databases; called once, at start-up. `user_name` is
  // $USER when set, as systemd's getusername_malloc(). The environment is
  // left to the caller (LinuxSystemOps::create() fills it in).
  [[nodiscard]] static ConditionContext current(const std::optional<std::string>& user,
                                                std::optional<std::string> credentials_directory,
                                                std::optional<std::string> encrypted_credentials_directory);
};

// 1 when the condition holds (before its "!" is applied), 0 when it does
// not, -errno when it cannot be tested (systemd then logs "Couldn't
// determine result ..., assuming failed"): -EINVAL for a parameter that
// does not parse ("ConditionCPUs=1k", "ConditionFirstBoot=maybe").
[[nodiscard]] int test_condition(const UnitCondition& condition, const ConditionContext& context);

// The outcome with "!" applied, as systemd records it: an error counts as
// not met whatever the negation.
[[nodiscard]] inline bool condition_holds(int tested, bool negate) { return tested >= 0 && (tested > 0) != negate; }

}  // namespace vermilion
