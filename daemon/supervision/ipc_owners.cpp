#include "supervision/ipc_owners.h"

namespace vermilion {

// "u:NAME" for a user, "g:NAME" for a group, "p:NAME" for NAME's primary group.
std::optional<IpcOwners::Ref> IpcOwners::ref(const std::string& user, const std::string& group, bool remove_ipc) {
  if (user.empty() && group.empty()) return std::nullopt;
  Ref r;
  if (!user.empty()) r.user_key = "u:" + user;
  r.group_key = !group.empty() ? "g:" + group : "p:" + user;
  if (!r.user_key.empty()) add(r.user_key, remove_ipc);
  add(r.group_key, remove_ipc);
  return r;
}

std::optional<IpcOwner> IpcOwners::unref(const Ref& ref, std::int64_t now_sec) {
  IpcOwner owner;
  owner.made_before = now_sec;
  bool any = false;
  if (!ref.user_key.empty() && drop(ref.user_key)) {
    owner.user = ref.user_key.substr(2);
    any = true;
  }
  if (!ref.group_key.empty() && drop(ref.group_key)) {
    owner.group = ref.group_key.substr(2);
    owner.group_of_user = ref.group_key.starts_with("p:");
    any = true;
  }
  if (!any) return std::nullopt;
  // The identities still held (IpcOwner: a user or group another name
  // resolves to as well stays).
  for (const auto& [key, count] : counts_) {
    const std::string name = key.substr(2);
    if (key.starts_with("u:")) owner.users_in_use.push_back(name);
    else if (key.starts_with("g:")) owner.groups_in_use.push_back(name);
    else owner.primary_groups_in_use.push_back(name);
  }
  return owner;
}

void IpcOwners::add(const std::string& key, bool remove_ipc) {
  Count& c = counts_[key];
  ++c.runs;
  c.remove_ipc = c.remove_ipc || remove_ipc;
}

bool IpcOwners::drop(const std::string& key) {
  auto it = counts_.find(key);
  if (it == counts_.end()) return false;
  if (--it->second.runs > 0) return false;
  const bool clean = it->second.remove_ipc;
  counts_.erase(it);
  return clean;
}

}  // namespace vermilion
