// RemoveIPC= (systemd.exec(5)): the System V and POSIX IPC objects of the
// user and group a unit runs as go when the last running unit with that
// user (group) stops, if any of those units had RemoveIPC=. systemd 252
// counts references per UID and GID (manager_ref_uid(), manager_unref_uid();
// the flag is DESTROY_IPC_FLAG); vermiliond resolves User= only in the
// forked child, so it counts per name as the units give them: `User=`, and
// `Group=` or else "the primary group of User=".
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "exec/ipc_cleanup.h"

namespace vermilion {

class IpcOwners {
 public:
  // What one run holds: its owner's keys. Runs without User= and Group=
  // hold nothing (their processes are the manager's own).
  struct Ref {
    std::string user_key, group_key;  // "" none
  };

  // A run as `user` (User=, "" none) and `group` (Group=, "" none) begins;
  // `remove_ipc`: its unit has RemoveIPC=. nullopt when there is nothing
  // to count.
  [[nodiscard]] std::optional<Ref> ref(const std::string& user, const std::string& group, bool remove_ipc);
  // That run has ended (systemd's service_enter_dead()) at `now_sec`
  // (realtime s, IpcOwner::made_before; 0: no such limit). What to clean
  // now: the user and/or group whose last reference this was, if one of
  // their runs had RemoveIPC=; nullopt: nothing.
  [[nodiscard]] std::optional<IpcOwner> unref(const Ref& ref, std::int64_t now_sec = 0);

  [[nodiscard]] std::size_t size() const { return counts_.size(); }

 private:
  struct Count {
    unsigned runs = 0;
    bool remove_ipc = false;  // systemd's DESTROY_IPC_FLAG: until the count drops to 0
  };
  void add(const std::string& key, bool remove_ipc);
  [[nodiscard]] bool drop(const std::string& key);  // true: the last one, with RemoveIPC=
  std::map<std::string, Count> counts_;
};

}  // namespace vermilion
