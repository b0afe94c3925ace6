// systemd 252's Manager.Tainted (manager_taint_string() in
// src/core/manager.c): the ways this system differs from what the service
// manager expects of it, as systemctl status and `systemd-analyze` show
// them. Each flag is systemd's word; Vermilion runs on such systems too, so
// these are facts to report, not errors.
#pragma once

#include <string>

#include "common/clock.h"

namespace vermilion {

struct TaintFacts {
  bool usr_empty = false;       // split-usr: /usr is an empty directory (not mounted yet)
  bool usr_merged = true;       // /bin is a link to usr/bin (or /usr/bin); else unmerged-usr
  bool proc_cgroups = true;     // /proc/cgroups exists; else cgroups-missing
  bool cgroups_v1 = false;      // /sys/fs/cgroup is a hybrid or legacy (v1) layout
  bool local_hwclock = false;   // /etc/adjtime's third line is LOCAL
  bool support_ended = false;   // os-release's SUPPORT_END= is a date in the past
  bool var_run_link = true;     // /var/run is a link to ../run (or /run); else var-run-bad
  std::string overflowuid = "65534";  // /proc/sys/kernel/overflowuid, "65534" if unreadable
  std::string overflowgid = "65534";
  std::string kernel_release;   // uname's release; old-kernel below 4.15 (Debian's baseline)
  bool uid_range_short = false; // /proc/self/uid_map does not map 0…65534 (short-uid-range)
  bool gid_range_short = false; // the same of gid_map (short-gid-range)
};

// The facts of the system under `root` ("" for this one; tests pass a
// directory tree), as systemd reads them, at realtime `now` (µs).
// /etc/adjtime and os-release are read as regular files of at most 64 KiB,
// without blocking; anything unreadable counts as systemd counts it.
[[nodiscard]] TaintFacts probe_taint(const std::string& root, usec_t now);

// systemd's string: the flags that apply, ':'-separated, in systemd's
// order (split-usr, unmerged-usr, cgroups-missing, cgroupsv1,
// local-hwclock, support-ended, var-run-bad, overflowuid-not-65534,
// overflowgid-not-65534, old-kernel, short-uid-range, short-gid-range);
// "" for none.
[[nodiscard]] std::string taint_string(const TaintFacts& facts);

}  // namespace vermilion
