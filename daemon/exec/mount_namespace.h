// The mount namespace a service's process runs in when its unit asks for
// one (systemd.exec(5): PrivateTmp=, ProtectSystem=, ProtectHome=,
// ReadWritePaths=, ReadOnlyPaths=), as systemd 252's setup_namespace()
// builds it:
//   ProtectSystem=yes     /usr, /boot, /efi read-only; =full also /etc;
//   ProtectSystem=strict  / read-only but /dev, /proc, /sys, /home, /root,
//                         /run/user (implicitly writable, the weakest entry)
//                         and the unit's RuntimeDirectory=, StateDirectory=,
//                         ... (writable);
//   ProtectKernelTunables= /proc/sys, /sys and other kernel knobs read-only,
//                         /proc/kallsyms and /proc/kcore inaccessible;
//   ProtectControlGroups= /sys/fs/cgroup read-only;
//   ProtectHome=yes       /home, /root, /run/user empty and inaccessible
//                         (=read-only: read-only; =tmpfs: an empty,
//                         writable tmpfs of its own, as 252 has it);
//   ReadOnlyPaths=, ReadWritePaths=, InaccessiblePaths= as listed ("-":
//                         may be missing);
//   NoExecPaths=, ExecPaths= the path and the mounts below it noexec (or
//                         exec again), in a round after read-only, but
//                         for the mounts at or below another entry (also
//                         inaccessible paths and a new /proc are noexec);
//   PrivateTmp=           the run's directories bound on /tmp, /var/tmp;
//   BindPaths=, BindReadOnlyPaths= each source bound on its destination
//                         (recursively unless "norbind"; a missing
//                         destination is made, a missing "-" source
//                         skipped);
//   TemporaryFileSystem=  a tmpfs ("mode=0755,size=10%,nr_inodes=400k,
//                         nodev,strictatime" and the entry's options; "ro"
//                         makes it read-only);
//   PrivateIPC=           a new mqueue file system on /dev/mqueue (the IPC
//                         namespace's own queues, not the host's);
//   ProtectProc=, ProcSubset= a /proc of its own (mount_procfs()), with
//                         hidepid= and subset=pid; where the kernel
//                         refuses those options, without them;
//   PrivateDevices=       a /dev of its own (mount_private_dev()): a
//                         read-only tmpfs holding clones of null, zero,
//                         full, random, urandom, tty and ptmx, the host's
//                         pts, shm, mqueue and hugepages bound in, and
//                         systemd's symlinks (log, fd, stdin, ..., char/M:N).
// Entries are applied parents first; for one path the strongest wins
// (inaccessible, then a bind, read-only, read-write, noexec, exec, tmpfs,
// implicit read-write; the one kept is read-only, noexec or exec if an
// entry that gave way asked for it, as 252's drop_duplicates()),
// and nothing is mounted below an inaccessible path.
// A writable entry keeps the flags its mounts had on the host (a read-only
// /proc/sys stays read-only), as systemd leaves READWRITE mounts alone.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "exec/private_tmp.h"
#include "units/unit_config.h"

namespace vermilion {

// Ordered by precedence for one path (systemd's MountMode order).
enum class MountMode : int {
  inaccessible, bind, private_dev, procfs, read_only, read_write, noexec, exec, tmpfs, mqueue, read_write_implicit
};

struct MountEntry {
  std::string path;
  std::string source;  // bind and inaccessible: what is mounted; procfs, tmpfs: its options
  MountMode mode = MountMode::read_only;
  bool ignore_missing = false;  // a bind: its source may be missing
  bool read_only = false;  // a bind or tmpfs made read-only (by its own entry or a read-only one for its path)
  bool recursive = true;   // a bind: with what is mounted below its source (MS_REC)
  unsigned long flags = 0;  // a tmpfs: MS_* flags for mount(2)
  // noexec or exec asked for by an entry of the same path that gave way
  // to this one (drop_duplicates() carries them over, as read_only).
  bool noexec = false;
  bool exec = false;
  friend bool operator==(const MountEntry&, const MountEntry&) = default;
};

// systemd's mount_option_mangle(): the words of `options` ("ro,size=10%")
// that are mount(2) flags set or clear bits of `flags`, the others are
// joined in `data` ("x-" ones dropped).
void mangle_mount_options(std::string_view options, unsigned long& flags, std::string& data);

// The most entries one process may have (ReadWritePaths= and the others
// together); a unit with more fails its start with E2BIG.
inline constexpr std::size_t kMaxMountEntries = 256;

// What `config` asks for, sorted and reduced as above; empty when it asks
// for no namespace. Without `sandboxing` (a '+' command) only what systemd
// 252's apply_mount_namespace() passes whatever the flags: ReadWritePaths=,
// the binds and the temporary file systems (recorded: conformance case
// plus-mount-namespace). `writable_directories`: the unit's exec directories
// (absolute), writable under ProtectSystem=strict. `inaccessible_file`:
// what is bound over an inaccessible path that is not a directory
// (make_inaccessible_file()); "" fails such a process with ENOTDIR.
// Wherever there is a namespace, /run/credentials is hidden, but for
// `credentials_directory` (the store this command has written, if any):
// then a read-only tmpfs holds that store alone, bound read-only
// (systemd 252's setup_namespace(), creds_path).
[[nodiscard]] std::vector<MountEntry> namespace_mounts(const ServiceConfig& config, const PrivateTmp* private_tmp,
                                                       const std::vector<std::string>& writable_directories,
                                                       const std::string& inaccessible_file = {},
                                                       bool sandboxing = true,
                                                       const std::string& credentials_directory = {});

// Makes `dir`/inaccessible/reg, an empty regular file of mode 0 (systemd's
// /run/systemd/inaccessible/reg), for the manager's life. 0 or -errno.
[[nodiscard]] int make_inaccessible_file(const std::string& dir, std::string& out);

// Sorts `entries` parents first and keeps, for each path, the strongest
// (read-only if any asked for it); drops what lies below an inaccessible
// path (systemd 252's drop_duplicates(), drop_inaccessible()).
void reduce_mounts(std::vector<MountEntry>& entries);

// The child's view of one entry (pointers into the parent's MountEntry).
struct ExecMount {
  const char* path = nullptr;
  const char* source = nullptr;
  MountMode mode = MountMode::read_only;
  bool ignore_missing = false;
  bool read_only = false;
  bool recursive = true;
  unsigned long flags = 0;
  bool noexec = false;
  bool exec = false;
};

// enter_mount_namespace(): the kernel refused the namespace itself.
inline constexpr int kNamespaceRefused = 1;

// In the child, before exec: a mount namespace of its own (slave to the
// host's, so nothing done here shows outside), then `mounts`, each path
// first resolved through its symlinks (systemd chases them) and the whole
// reduced again by the resolved paths (/home -> /var/home). 0;
// kNamespaceRefused when unshare() is not allowed here (EPERM, EACCES,
// EOPNOTSUPP, ENOSYS: the caller goes on without, as systemd does for
// sandboxing-only options); -ENOENT for a missing path without "-"; any
// other failure, once inside, -errno. At most kMaxMountEntries. Runs in the
// forked child of the single-threaded manager, where allocating is safe.
// At the end / and everything below it get `propagation` (MountFlags=;
// 0: MS_SHARED, systemd's default), which does not reach the host again.
[[nodiscard]] int enter_mount_namespace(const ExecMount* mounts, std::size_t count,
                                        unsigned long propagation = 0) noexcept;

// Whether the unit's processes get a mount namespace even with no entry
// (systemd 252's exec_needs_mount_namespace(): PrivateMounts=, MountFlags=
// other than shared; PrivateNetwork= does not imply it in 252, recorded).
[[nodiscard]] bool needs_mount_namespace(const ServiceConfig& config);

}  // namespace vermilion
