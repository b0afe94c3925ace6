// Running a test's child as another user: run_as() prefixes an argv with
// setpriv(1), which sets the real and effective uid and gid and exactly the
// supplementary groups given, then execs the rest. Compose it with
// Subprocess (subprocess.h):
//
//   Subprocess client(run_as(nobody(), {helper, "whoami", ...}));
//   Subprocess member(run_as(Identity{65534, 65534, {4242}}, {...}));
//
// Only root can switch users; tests that need it GTEST_SKIP otherwise.
// Capabilities do not survive the change of uid (no SECBIT_KEEP_CAPS), and
// the environment is passed on unchanged.
#pragma once

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <optional>
#include <string>
#include <vector>

namespace vermilion::testing {

struct Identity {
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  // supplementary groups, exactly these (none: cleared)
};

// `name` from the user database, with the groups a login would get
// (getgrouplist: its primary group plus every group listing it), as
// vermiliond's User= does; nullopt if there is no such user.
inline std::optional<Identity> user_identity(const std::string& name) {
  passwd* pw = getpwnam(name.c_str());
  if (!pw) return std::nullopt;
  Identity who{pw->pw_uid, pw->pw_gid, {}};
  int count = 16;
  std::vector<gid_t> groups(static_cast<std::size_t>(count));
  while (getgrouplist(name.c_str(), who.gid, groups.data(), &count) < 0)
    groups.resize(static_cast<std::size_t>(count));
  groups.resize(static_cast<std::size_t>(count));
  who.groups = groups;
  return who;
}

// The overflow user, 65534, with no supplementary groups.
inline Identity nobody() { return Identity{65534, 65534, {}}; }

inline std::vector<std::string> run_as(const Identity& who, const std::vector<std::string>& argv) {
  std::vector<std::string> out = {"/usr/bin/setpriv", "--reuid=" + std::to_string(who.uid),
                                  "--regid=" + std::to_string(who.gid)};
  if (who.groups.empty()) {
    out.push_back("--clear-groups");
  } else {
    std::string list;
    for (gid_t g : who.groups) list += (list.empty() ? "" : ",") + std::to_string(g);
    out.push_back("--groups=" + list);
  }
  out.push_back("--");
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

}  // namespace vermilion::testing
