#include "exec/exec_credentials.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>

namespace vermilion {
namespace {

template <typename T>
bool parse_id(const std::string& text, T& out) {
  unsigned long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return false;
  // (uid_t)-1 means "unchanged" to setresuid; never a real ID.
  if (value >= static_cast<unsigned long>(static_cast<T>(-1))) return false;
  out = static_cast<T>(value);
  return true;
}

struct Account {
  std::string name, home, shell;
  uid_t uid = 0;
  gid_t gid = 0;
};

int lookup_user(const std::string& user, Account& out) {
  passwd entry {};
  passwd* found = nullptr;
  std::vector<char> buffer(16384);
  uid_t uid = 0;
  int r = parse_id(user, uid) ? getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found)
                              : getpwnam_r(user.c_str(), &entry, buffer.data(), buffer.size(), &found);
  if (r != 0) return -r;
  if (!found) return -ESRCH;
  out.name = entry.pw_name;
  out.home = entry.pw_dir ? entry.pw_dir : "/";
  out.shell = entry.pw_shell && *entry.pw_shell ? entry.pw_shell : "/bin/sh";
  out.uid = entry.pw_uid;
  out.gid = entry.pw_gid;
  return 0;
}

int lookup_group(const std::string& group, gid_t& out) {
  if (parse_id(group, out)) return 0;
  struct group entry {};
  struct group* found = nullptr;
  std::vector<char> buffer(16384);
  int r = getgrnam_r(group.c_str(), &entry, buffer.data(), buffer.size(), &found);
  if (r != 0) return -r;
  if (!found) return -ESRCH;
  out = entry.gr_gid;
  return 0;
}

int fail(CredentialFailure& failure, ExecExitStatus status, int negative_errno, std::string what) {
  failure.status = status;
  failure.error = -negative_errno;
  failure.what = std::move(what);
  return negative_errno;
}

LoginIdentity login_of(const Account& account) { return {account.name, account.home, account.shell}; }

// --user: we cannot change identity, so User=/Group= may only name us.
int resolve_for_user_manager(const ServiceConfig& config, ExecCredentials& out, CredentialFailure& failure) {
  Account self;
  int r = lookup_user(std::to_string(getuid()), self);
  if (r < 0) return fail(failure, ExecExitStatus::user, r, "resolve our own user");
  out.login = login_of(self);
  if (!config.user.empty()) {
    Account wanted;
    r = lookup_user(config.user, wanted);
    if (r < 0) return fail(failure, ExecExitStatus::user, r, "resolve user " + config.user);
    if (wanted.uid != getuid()) return fail(failure, ExecExitStatus::user, -EPERM, "switch to user " + config.user);
  }
  std::vector<gid_t> ours(static_cast<std::size_t>(std::max(getgroups(0, nullptr), 0)));
  if (!ours.empty() && getgroups(static_cast<int>(ours.size()), ours.data()) < 0) ours.clear();
  ours.push_back(getgid());
  auto check_group = [&](const std::string& name) {
    gid_t gid = 0;
    int lr = lookup_group(name, gid);
    if (lr < 0) return fail(failure, ExecExitStatus::group, lr, "resolve group " + name);
    if (std::find(ours.begin(), ours.end(), gid) == ours.end()) {
      return fail(failure, ExecExitStatus::group, -EPERM, "switch to group " + name);
    }
    return 0;
  };
  if (!config.group.empty() && (r = check_group(config.group)) < 0) return r;
  for (const auto& group : config.supplementary_groups) {
    if ((r = check_group(group)) < 0) return r;
  }
  return 0;
}

}  // namespace

int lookup_user_ids(const std::string& user, uid_t& uid, gid_t& primary_gid) {
  Account account;
  if (int r = lookup_user(user, account); r < 0) return r;
  uid = account.uid;
  primary_gid = account.gid;
  return 0;
}

int lookup_group_id(const std::string& group, gid_t& gid) { return lookup_group(group, gid); }

int resolve_credentials(const CredentialRequest& request, ExecCredentials& out, CredentialFailure& failure) {
  const ServiceConfig& config = *request.config;
  ExecCredentials result;
  if (request.user_manager) {
    int r = resolve_for_user_manager(config, result, failure);
    if (r < 0) return r;
    out = std::move(result);
    return 0;
  }
  Account account;
  bool has_user = !config.user.empty();
  if (has_user) {
    int r = lookup_user(config.user, account);
    if (r < 0) return fail(failure, ExecExitStatus::user, r, "resolve user " + config.user);
    result.login = login_of(account);
    result.user_uid = account.uid;
  }
  if (!request.apply_identity) {
    out = std::move(result);
    return 0;
  }
  result.uid = has_user ? account.uid : getuid();
  result.gid = has_user ? account.gid : getgid();
  if (!config.group.empty()) {
    int r = lookup_group(config.group, result.gid);
    if (r < 0) return fail(failure, ExecExitStatus::group, r, "resolve group " + config.group);
  }
  result.change = has_user || !config.group.empty() || !config.supplementary_groups.empty();
  // As systemd: the user's own groups (initgroups) plus SupplementaryGroups=;
  // with only Group= the supervisor's groups are dropped.
  if (result.change) {
    result.set_groups = true;
    if (has_user) {
      int count = 64;
      std::vector<gid_t> groups(static_cast<std::size_t>(count));
      while (getgrouplist(account.name.c_str(), result.gid, groups.data(), &count) < 0) {
        groups.resize(static_cast<std::size_t>(count));
      }
      groups.resize(static_cast<std::size_t>(count));
      result.groups = std::move(groups);
    }
    for (const auto& name : config.supplementary_groups) {
      gid_t gid = 0;
      int r = lookup_group(name, gid);
      if (r < 0) return fail(failure, ExecExitStatus::group, r, "resolve group " + name);
      if (std::find(result.groups.begin(), result.groups.end(), gid) == result.groups.end()) {
        result.groups.push_back(gid);
      }
    }
  }
  out = std::move(result);
  return 0;
}

}  // namespace vermilion
