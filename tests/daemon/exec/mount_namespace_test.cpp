// exec/mount_namespace.h: the entries systemd 252's setup_namespace() would
// make for a unit, and (as root) what a process sees once inside.
#include "exec/mount_namespace.h"

#include <linux/capability.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "temp_dir.h"

namespace vermilion {
namespace {

namespace fs = std::filesystem;
using M = MountMode;

// Without the entry that hides /run/credentials wherever there is a
// namespace (HidesOtherCredentialStores checks it).
std::string describe(const std::vector<MountEntry>& entries) {
  std::string out;
  static const char* const kModes[] = {"inaccessible", "bind", "private-dev", "procfs", "ro",         "rw",
                                       "noexec",       "exec", "tmpfs",       "mqueue", "rw-implicit"};
  for (const auto& e : entries)
    if (e.path != "/run/credentials" || e.mode != MountMode::inaccessible)
      out += e.path + ":" + (e.read_only && e.mode == MountMode::bind ? "ro-" : "") + kModes[static_cast<int>(e.mode)] +
             (e.noexec ? "+noexec" : "") + (e.exec ? "+exec" : "") + (e.ignore_missing ? "?" : "") + " ";
  return out;
}

TEST(MountNamespaceTest, NoSandboxingKeyNoNamespace) {
  ServiceConfig c;
  EXPECT_TRUE(namespace_mounts(c, nullptr, {"/run/web"}).empty()) << "exec directories alone ask for none";
}

TEST(MountNamespaceTest, ProtectSystemLevels) {
  ServiceConfig c;
  c.protect_system = ProtectSystem::yes;
  EXPECT_EQ(describe(namespace_mounts(c, nullptr, {})), "/boot:ro? /efi:ro? /usr:ro ");
  c.protect_system = ProtectSystem::full;
  EXPECT_EQ(describe(namespace_mounts(c, nullptr, {})), "/boot:ro? /efi:ro? /etc:ro /usr:ro ");
  c.protect_system = ProtectSystem::strict;
  EXPECT_EQ(describe(namespace_mounts(c, nullptr, {"/var/lib/web"})),
            "/:ro /dev:rw-implicit /home:rw-implicit? /proc:rw-implicit /root:rw-implicit? "
            "/run/user:rw-implicit? /sys:rw-implicit /var/lib/web:rw ");
}

// BindPaths=, BindReadOnlyPaths= (append_bind_mounts()), TemporaryFileSystem=
// (append_tmpfs_mounts(): "mode=0755" first, nodev and strictatime unless
// the options say otherwise, "ro" taken out as the entry's read-only), and
// PrivateIPC='s /dev/mqueue.
TEST(MountNamespaceTest, BindsTemporaryFileSystemsAndMqueue) {
  ServiceConfig c;
  c.bind_mounts = {{"/srv/data", "/data", false, true, false}, {"/etc/conf", "/conf", true, false, true}};
  c.temporary_filesystems = {{"/scratch", ""}, {"/ro", "ro,size=1M,x-hint,dev,nostrictatime"}};
  c.private_ipc = true;
  auto entries = namespace_mounts(c, nullptr, {});
  EXPECT_EQ(describe(entries), "/conf:ro-bind? /data:bind /dev/mqueue:mqueue /ro:tmpfs /scratch:tmpfs ");
  EXPECT_EQ(entries[0].source, "/etc/conf");
  EXPECT_FALSE(entries[0].recursive) << "norbind";
  EXPECT_TRUE(entries[1].recursive);
  EXPECT_EQ(entries[3].source, "mode=0755,size=10%,nr_inodes=400k,size=1M") << "NESTED_TMPFS_LIMITS first";
  EXPECT_TRUE(entries[3].read_only);
  EXPECT_EQ(entries[3].flags, 0u) << "ro became the entry's read-only; dev and nostrictatime cleared the defaults";
  EXPECT_EQ(entries[4].path, "/run/credentials");
  EXPECT_EQ(entries[5].source, "mode=0755,size=10%,nr_inodes=400k");
  EXPECT_EQ(entries[5].flags, static_cast<unsigned long>(MS_NODEV | MS_STRICTATIME));
  EXPECT_FALSE(entries[5].read_only);

  unsigned long flags = 0;
  std::string data;
  mangle_mount_options("rw,noexec,nosuid,,uid=5,X-mount.mkdir,relatime", flags, data);
  EXPECT_EQ(flags, static_cast<unsigned long>(MS_NOEXEC | MS_NOSUID | MS_RELATIME));
  EXPECT_EQ(data, "uid=5");

  // The exec directories stay writable below a unit's own tmpfs (systemd
  // binds them, making the mount point).
  ServiceConfig state;
  state.temporary_filesystems = {{"/var/lib", ""}};
  EXPECT_EQ(describe(namespace_mounts(state, nullptr, {"/var/lib/web"})), "/var/lib:tmpfs /var/lib/web:rw ");

  // Two entries on one destination: the strongest stays, read-only if any
  // of them asked for it (drop_duplicates()).
  ServiceConfig twice;
  twice.bind_mounts = {{"/a", "/d", false, true, false}, {"/b", "/d", true, true, false}};
  auto one = namespace_mounts(twice, nullptr, {});
  ASSERT_EQ(describe(one), "/d:ro-bind ");
  EXPECT_EQ(one[0].source, "/a");
  EXPECT_TRUE(one[0].read_only);
}

// PrivateDevices= (the conformance case "private-devices" has what the
// private /dev holds): it outranks ProtectSystem=strict's implicit /dev.
TEST(MountNamespaceTest, PrivateDevicesIsAPrivateDev) {
  ServiceConfig c;
  c.private_devices = true;
  EXPECT_EQ(describe(namespace_mounts(c, nullptr, {})), "/dev:private-dev ");
  c.protect_system = ProtectSystem::strict;
  EXPECT_NE(describe(namespace_mounts(c, nullptr, {})).find("/dev:private-dev "), std::string::npos);
  EXPECT_EQ(describe(namespace_mounts(c, nullptr, {})).find("/dev:rw-implicit"), std::string::npos);
}

// ProtectProc=, ProcSubset= (conformance case protect-proc): /proc anew,
// with the options only where one is not its default.
TEST(MountNamespaceTest, ProtectProcAndProcSubsetMountProcAnew) {
  ServiceConfig c;
  c.protect_proc = ProtectProc::default_;
  EXPECT_TRUE(namespace_mounts(c, nullptr, {}).empty());
  c.protect_proc = ProtectProc::invisible;
  auto mounts = namespace_mounts(c, nullptr, {});
  ASSERT_EQ(describe(mounts), "/proc:procfs ");
  EXPECT_EQ(mounts[0].mode, MountMode::procfs);
  EXPECT_EQ(mounts[0].source, "hidepid=invisible");
  c.proc_subset = ProcSubset::pid;
  EXPECT_EQ(namespace_mounts(c, nullptr, {})[0].source, "hidepid=invisible,subset=pid");
  c.protect_proc = ProtectProc::default_;
  EXPECT_EQ(namespace_mounts(c, nullptr, {})[0].source, "subset=pid");
}

// namespace.c's protect_kernel_modules_table[] and protect_kernel_logs_table[].
TEST(MountNamespaceTest, ProtectKernelModulesAndLogsHideTheirFiles) {
  ServiceConfig c;
  c.protect_kernel_modules = true;
  EXPECT_EQ(describe(namespace_mounts(c, nullptr, {})), "/lib/modules:inaccessible? /usr/lib/modules:inaccessible? ");
  c = {};
  c.protect_kernel_logs = true;
  EXPECT_EQ(describe(namespace_mounts(c, nullptr, {})), "/dev/kmsg:inaccessible? /proc/kmsg:inaccessible? ");
}

TEST(MountNamespaceTest, TheStrongestEntryForAPathWinsAndNothingGoesBelowAnInaccessibleOne) {
  ServiceConfig c;
  c.protect_system = ProtectSystem::strict;
  c.protect_home = ProtectHome::yes;
  c.read_write_paths = {{"/etc", false}, {"/home/web/data", true}};
  c.read_only_paths = {{"/etc", false}};
  PrivateTmp tmp{"/tmp/systemd-private-x", "/var/tmp/systemd-private-y"};
  EXPECT_EQ(describe(namespace_mounts(c, &tmp, {})),
            "/:ro /dev:rw-implicit /etc:ro /home:inaccessible? /proc:rw-implicit /root:inaccessible? "
            "/run/user:inaccessible? /sys:rw-implicit /tmp:bind /var/tmp:bind ");
  c.protect_home = ProtectHome::tmpfs;
  c.read_write_paths = {{"/home", false}};  // read-write is stronger than tmpfs
  EXPECT_NE(describe(namespace_mounts(c, nullptr, {})).find("/home:rw "), std::string::npos);
  c.read_write_paths.clear();
  EXPECT_NE(describe(namespace_mounts(c, nullptr, {})).find("/home:tmpfs? "), std::string::npos);
}

// PrivateTmp= with ReadOnlyPaths=/tmp: the private /tmp, read-only (as
// systemd 252's drop_duplicates() passes read_only on).
TEST(MountNamespaceTest, AReadOnlyEntryMakesTheBindOfItsPathReadOnly) {
  ServiceConfig c;
  c.read_only_paths = {{"/tmp", false}};
  PrivateTmp tmp{"/tmp/systemd-private-x", "/var/tmp/systemd-private-y"};
  EXPECT_EQ(describe(namespace_mounts(c, &tmp, {})), "/tmp:ro-bind /var/tmp:bind ");
}

// Root only: paths are resolved through symlinks before they are applied,
// and a private /tmp stays writable under ProtectSystem=strict.
TEST(MountNamespaceTest, InsideSymlinkedPathsAreResolvedAndPrivateTmpIsWritable) {
  if (geteuid() != 0) GTEST_SKIP() << "mount namespaces need root";
  testing::TempDir dir, tmp_root, var_tmp_root;
  fs::create_directories(dir.file("real"));
  fs::create_directory_symlink(dir.file("real"), dir.file("link"));
  PrivateTmp tmp;
  ASSERT_EQ(create_private_tmp("sym.service", tmp, tmp_root.path(), var_tmp_root.path()), 0);
  ServiceConfig c;
  c.protect_system = ProtectSystem::strict;
  c.read_write_paths = {{dir.file("link"), false}};
  // (This test's directories lie below the host's /tmp, which the private
  // one covers: the writable path is checked without it.)
  const std::vector<MountEntry> entries = namespace_mounts(c, nullptr, {});
  ServiceConfig with_tmp;
  with_tmp.protect_system = ProtectSystem::strict;
  const std::vector<MountEntry> tmp_entries = namespace_mounts(with_tmp, &tmp, {});
  std::vector<ExecMount> tmp_mounts;
  for (const auto& e : tmp_entries)
    tmp_mounts.push_back({e.path.c_str(), e.source.c_str(), e.mode, e.ignore_missing, e.read_only});
  std::vector<ExecMount> mounts;
  for (const auto& e : entries)
    mounts.push_back({e.path.c_str(), e.source.c_str(), e.mode, e.ignore_missing, e.read_only});
  const std::string through_link = dir.file("link/file");
  pid_t pid = fork();
  if (pid == 0) {
    if (int r = enter_mount_namespace(mounts.data(), mounts.size()); r != 0) _exit(100 + (r < 0 ? -r % 100 : 99));
    if (!std::ofstream(through_link).good()) _exit(11);  // the real directory is writable
    _exit(0);
  }
  int tmp_status = 0;
  pid_t tmp_pid = fork();
  if (tmp_pid == 0) {
    if (int r = enter_mount_namespace(tmp_mounts.data(), tmp_mounts.size()); r != 0)
      _exit(100 + (r < 0 ? -r % 100 : 99));
    if (!std::ofstream("/tmp/in-private-tmp").good()) _exit(12);
    if (!std::ofstream("/var/tmp/in-private-tmp").good()) _exit(13);
    _exit(0);
  }
  ASSERT_EQ(waitpid(tmp_pid, &tmp_status, 0), tmp_pid);
  EXPECT_TRUE(WIFEXITED(tmp_status) && WEXITSTATUS(tmp_status) == 0) << "exit " << WEXITSTATUS(tmp_status);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "exit " << WEXITSTATUS(status);
  EXPECT_TRUE(fs::exists(dir.file("real/file")));
  EXPECT_TRUE(fs::exists(tmp.tmp() + "/in-private-tmp"));
  ASSERT_GT(waitpid(remove_private_tmp(tmp), nullptr, 0), 0);
}

// Root only: ProtectSystem=strict with ReadWritePaths= and ProtectHome=yes,
// seen from inside.
TEST(MountNamespaceTest, InsideStrictOnlyTheWritablePathsAreWritable) {
  if (geteuid() != 0) GTEST_SKIP() << "mount namespaces need root";
  testing::TempDir dir;
  fs::create_directories(dir.file("rw"));
  fs::create_directories(dir.file("ro"));
  ServiceConfig c;
  c.protect_system = ProtectSystem::strict;
  c.protect_home = ProtectHome::yes;
  c.read_write_paths = {{dir.file("rw"), false}, {"/nonexistent-vermilion", true}};
  const std::vector<MountEntry> entries = namespace_mounts(c, nullptr, {});
  std::vector<ExecMount> mounts;
  for (const auto& e : entries) mounts.push_back({e.path.c_str(), e.source.c_str(), e.mode, e.ignore_missing});
  const std::string rw = dir.file("rw/file"), ro = dir.file("ro/file");
  pid_t pid = fork();
  if (pid == 0) {
    if (int r = enter_mount_namespace(mounts.data(), mounts.size()); r < 0) _exit(100 + (-r % 100));
    if (!std::ofstream(rw).good()) _exit(11);         // ReadWritePaths=
    if (std::ofstream(ro).good()) _exit(12);          // the rest of / is read-only
    if (!std::ofstream("/dev/null").good()) _exit(13);  // /dev stays as it was
    std::error_code ec;
    if (fs::exists("/root") && !fs::is_empty("/root", ec)) _exit(14);  // ProtectHome=yes: empty
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "exit " << WEXITSTATUS(status);
  EXPECT_TRUE(fs::exists(rw));
  EXPECT_FALSE(fs::exists(ro));
}

// Root only: an exec directory below the unit's own read-only tmpfs, with a
// host mount that is read-only bound in writably: the directory is there and
// writable (its mount point made in the tmpfs before it turned read-only),
// the tmpfs is not, and the host's read-only mount stays read-only.
TEST(MountNamespaceTest, InsideExecDirectoriesBelowATmpfsAndReadOnlyHostMountsStaySo) {
  if (geteuid() != 0) GTEST_SKIP() << "mount namespaces need root";
  testing::TempDir dir;
  fs::create_directories(dir.file("state/web"));
  fs::create_directories(dir.file("locked"));
  fs::create_directories(dir.file("tree/state"));  // an exec directory, hidden by the tmpfs
  ServiceConfig c;
  c.temporary_filesystems = {{dir.file("tree"), "ro"}};
  c.bind_mounts = {{dir.file("state/web"), dir.file("tree/web"), false, true, false},
                   {dir.file("locked"), dir.file("tree/locked"), false, true, false}};
  const std::vector<MountEntry> entries = namespace_mounts(c, nullptr, {dir.file("tree/state")});
  std::vector<ExecMount> mounts;
  for (const auto& e : entries)
    mounts.push_back({e.path.c_str(), e.source.c_str(), e.mode, e.ignore_missing, e.read_only, e.recursive, e.flags});
  const std::string locked = dir.file("locked");
  pid_t pid = fork();
  if (pid == 0) {
    // The host's read-only mount, made in a namespace of the test's own.
    if (unshare(CLONE_NEWNS) < 0 || mount(nullptr, "/", nullptr, MS_SLAVE | MS_REC, nullptr) < 0 ||
        mount(locked.c_str(), locked.c_str(), nullptr, MS_BIND, nullptr) < 0 ||
        mount(nullptr, locked.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) < 0)
      _exit(90);
    if (int r = enter_mount_namespace(mounts.data(), mounts.size()); r < 0) _exit(100 + (-r % 100));
    if (!std::ofstream(dir.file("tree/web/file")).good()) _exit(11);   // writable through the bind
    if (std::ofstream(dir.file("tree/other")).good()) _exit(12);       // the tmpfs is read-only
    if (std::ofstream(dir.file("tree/locked/file")).good()) _exit(13);  // the host's read-only stays
    if (!std::ofstream(dir.file("tree/state/file")).good()) _exit(14);  // the exec directory is there, writable
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "exit " << WEXITSTATUS(status);
  EXPECT_TRUE(fs::exists(dir.file("state/web/file")));
}

// Root only: ProtectKernelTunables=, seen from inside: the kernel's knobs
// read-only, /proc/kallsyms an empty file of mode 0 (what
// make_inaccessible_file() makes), the cgroup tree as it was.
TEST(MountNamespaceTest, InsideProtectKernelTunablesTheKnobsAreReadOnly) {
  if (geteuid() != 0) GTEST_SKIP() << "mount namespaces need root";
  if (access("/proc/sys/kernel/domainname", W_OK) != 0) GTEST_SKIP() << "/proc/sys is read-only here already";
  testing::TempDir dir;
  std::string inaccessible;
  ASSERT_EQ(make_inaccessible_file(dir.path(), inaccessible), 0);
  struct stat st {};
  ASSERT_EQ(stat(inaccessible.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0u);
  ServiceConfig c;
  c.protect_kernel_tunables = true;
  const std::vector<MountEntry> entries = namespace_mounts(c, nullptr, {}, inaccessible);
  std::vector<ExecMount> mounts;
  for (const auto& e : entries) mounts.push_back({e.path.c_str(), e.source.c_str(), e.mode, e.ignore_missing});
  const bool cgroup_writable = access("/sys/fs/cgroup", W_OK) == 0;
  pid_t pid = fork();
  if (pid == 0) {
    if (int r = enter_mount_namespace(mounts.data(), mounts.size()); r != 0) _exit(100 + (r < 0 ? -r % 100 : 99));
    if (access("/proc/sys/kernel/domainname", W_OK) == 0) _exit(11);
    if (access("/sys/kernel", W_OK) == 0) _exit(12);
    if ((access("/sys/fs/cgroup", W_OK) == 0) != cgroup_writable) _exit(13);
    std::ifstream kallsyms("/proc/kallsyms");
    std::string line;
    if (std::getline(kallsyms, line)) _exit(14);  // empty
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "exit " << WEXITSTATUS(status);
}

// Root only: where mknod is refused (no CAP_MKNOD, as in a user namespace),
// the private /dev binds the host's nodes in instead (clone_device_node()),
// and it replaces the host's /dev rather than cover it.
TEST(MountNamespaceTest, InsidePrivateDevicesWithoutMknodTheHostsNodesAreBound) {
  if (geteuid() != 0) GTEST_SKIP() << "mount namespaces need root";
  struct stat host_null {};
  ASSERT_EQ(stat("/dev/null", &host_null), 0);
  ServiceConfig c;
  c.private_devices = true;
  const std::vector<MountEntry> entries = namespace_mounts(c, nullptr, {});
  std::vector<ExecMount> mounts;
  for (const auto& e : entries) mounts.push_back({e.path.c_str(), e.source.c_str(), e.mode, e.ignore_missing});
  pid_t pid = fork();
  if (pid == 0) {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2]{};
    if (syscall(SYS_capget, &header, data) < 0) _exit(90);
    data[CAP_MKNOD / 32].effective &= ~(1u << (CAP_MKNOD % 32));
    if (syscall(SYS_capset, &header, data) < 0) _exit(91);
    if (int r = enter_mount_namespace(mounts.data(), mounts.size()); r != 0) _exit(100 + (r < 0 ? -r % 100 : 99));
    struct stat st {};
    if (stat("/dev/null", &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != host_null.st_rdev) _exit(11);
    if (access("/dev/kmsg", F_OK) == 0) _exit(12);  // not the host's /dev
    std::ifstream mounts_file("/proc/self/mounts");
    int on_dev = 0;
    for (std::string device, point, rest; mounts_file >> device >> point && std::getline(mounts_file, rest);)
      on_dev += point == "/dev";
    _exit(on_dev == 1 ? 0 : 13);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "exit " << WEXITSTATUS(status);
}

// Root only: ProtectProc= with ProtectKernelTunables=: the knobs are
// read-only inside the new /proc, which replaced the host's.
TEST(MountNamespaceTest, InsideProtectProcTheKnobsOfTheNewProcAreReadOnly) {
  if (geteuid() != 0) GTEST_SKIP() << "mount namespaces need root";
  if (access("/proc/sys/kernel/domainname", W_OK) != 0) GTEST_SKIP() << "/proc/sys is read-only here already";
  testing::TempDir dir;
  std::string inaccessible;
  ASSERT_EQ(make_inaccessible_file(dir.path(), inaccessible), 0);
  ServiceConfig c;
  c.protect_kernel_tunables = true;
  c.protect_proc = ProtectProc::invisible;
  const std::vector<MountEntry> entries = namespace_mounts(c, nullptr, {}, inaccessible);
  std::vector<ExecMount> mounts;
  for (const auto& e : entries) mounts.push_back({e.path.c_str(), e.source.c_str(), e.mode, e.ignore_missing});
  pid_t pid = fork();
  if (pid == 0) {
    if (int r = enter_mount_namespace(mounts.data(), mounts.size()); r != 0) _exit(100 + (r < 0 ? -r % 100 : 99));
    if (access("/proc/sys/kernel/domainname", W_OK) == 0) _exit(11);
    std::ifstream mounts_file("/proc/self/mounts");
    int on_proc = 0;
    bool hidepid = false;
    for (std::string device, point, type, options, rest;
         mounts_file >> device >> point >> type >> options && std::getline(mounts_file, rest);) {
      if (point != "/proc") continue;
      ++on_proc;
      hidepid = options.find("hidepid=invisible") != std::string::npos;
    }
    _exit(on_proc == 1 && hidepid ? 0 : 12);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "exit " << WEXITSTATUS(status);
}

// Root only: InaccessiblePaths= on a directory and on a file.
TEST(MountNamespaceTest, InaccessiblePathsAreEmptyAndReadOnly) {
  if (geteuid() != 0) GTEST_SKIP() << "mount namespaces need root";
  testing::TempDir dir;
  std::string inaccessible;
  ASSERT_EQ(make_inaccessible_file(dir.path(), inaccessible), 0);
  fs::create_directories(dir.file("secret-dir"));
  std::ofstream(dir.file("secret-dir/inside")) << "x";
  std::ofstream(dir.file("secret-file")) << "secret";
  ServiceConfig c;
  c.inaccessible_paths = {{dir.file("secret-dir"), false}, {dir.file("secret-file"), false}, {"/nonexistent-v", true}};
  const std::vector<MountEntry> entries = namespace_mounts(c, nullptr, {}, inaccessible);
  std::vector<ExecMount> mounts;
  for (const auto& e : entries) mounts.push_back({e.path.c_str(), e.source.c_str(), e.mode, e.ignore_missing});
  const std::string secret_dir = dir.file("secret-dir"), secret_file = dir.file("secret-file");
  pid_t pid = fork();
  if (pid == 0) {
    if (int r = enter_mount_namespace(mounts.data(), mounts.size()); r != 0) _exit(100 + (r < 0 ? -r % 100 : 99));
    std::error_code ec;
    if (!fs::is_empty(secret_dir, ec) || ec) _exit(11);
    std::ifstream file(secret_file);
    std::string text;
    if (std::getline(file, text)) _exit(12);
    if (std::ofstream(secret_file).good()) _exit(13);  // read-only
    struct stat st {};
    if (stat(secret_file.c_str(), &st) < 0 || (st.st_mode & 07777) != 0) _exit(14);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "exit " << WEXITSTATUS(status);
  EXPECT_TRUE(fs::exists(dir.file("secret-dir/inside"))) << "the host's stays";
}

TEST(MountNamespaceTest, AMissingPathWithoutDashFails) {
  if (geteuid() != 0) GTEST_SKIP() << "mount namespaces need root";
  const ExecMount mounts[] = {{"/nonexistent-vermilion", "", MountMode::read_only, false}};
  pid_t pid = fork();
  if (pid == 0) _exit(enter_mount_namespace(mounts, 1) == -ENOENT ? 0 : 1);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

// Wherever there is a namespace, the credential stores of other units are
// hidden; a command that has just written its own sees it alone, read-only,
// on an empty read-only tmpfs (systemd 252's setup_namespace()).
TEST(MountNamespaceTest, HidesOtherCredentialStores) {
  ServiceConfig none;
  EXPECT_TRUE(namespace_mounts(none, nullptr, {}, {}, true, "/run/credentials/web.service").empty())
      << "credentials alone ask for no namespace";
  ServiceConfig c;
  c.protect_system = ProtectSystem::full;
  auto hidden = namespace_mounts(c, nullptr, {});
  auto it = std::find_if(hidden.begin(), hidden.end(), [](const MountEntry& e) { return e.path == "/run/credentials"; });
  ASSERT_NE(it, hidden.end());
  EXPECT_EQ(it->mode, MountMode::inaccessible);
  EXPECT_TRUE(it->ignore_missing);

  auto own = namespace_mounts(c, nullptr, {}, {}, true, "/run/credentials/web.service");
  EXPECT_EQ(describe(own), "/boot:ro? /efi:ro? /etc:ro /run/credentials:tmpfs /run/credentials/web.service:ro-bind /usr:ro ");
  it = std::find_if(own.begin(), own.end(), [](const MountEntry& e) { return e.path == "/run/credentials"; });
  EXPECT_TRUE(it->read_only);
  EXPECT_EQ(it->source, "mode=0755,size=4m,nr_inodes=1k");
  EXPECT_EQ(it->flags, static_cast<unsigned long>(MS_NODEV | MS_STRICTATIME | MS_NOSUID | MS_NOEXEC));
  EXPECT_EQ((it + 1)->source, "/run/credentials/web.service");

  // A '+' command enters one only for its binds; then the same holds.
  ServiceConfig binds;
  binds.bind_mounts = {{"/srv", "/srv", false, true, false}};
  EXPECT_EQ(describe(namespace_mounts(binds, nullptr, {}, {}, false, "/home/u/.run/credentials/x.service")),
            "/home/u/.run/credentials/x.service:ro-bind /run/credentials:tmpfs /srv:bind ");
  c.private_network = true;
  EXPECT_EQ(describe(namespace_mounts(c, nullptr, {}, {}, false)), "") << "no namespace for '+' here";
}

// NoExecPaths=, ExecPaths= (systemd.exec(5)): entries of their own,
// sandboxing only; for one path they yield to read-only and read-write,
// which then carry noexec/exec on (drop_duplicates()).
TEST(MountNamespaceTest, ExecAndNoExecPaths) {
  ServiceConfig c;
  c.no_exec_paths = {{"/srv", false}, {"/opt", true}, {"/var/lib/app", false}};
  c.exec_paths = {{"/srv/bin", false}, {"/usr", false}};
  c.read_only_paths = {{"/opt", false}};
  c.read_write_paths = {{"/var/lib/app", false}};
  c.protect_system = ProtectSystem::yes;
  EXPECT_EQ(describe(namespace_mounts(c, nullptr, {})),
            "/boot:ro? /efi:ro? /opt:ro+noexec /srv:noexec /srv/bin:exec /usr:ro+exec /var/lib/app:rw+noexec ");
  EXPECT_EQ(describe(namespace_mounts(c, nullptr, {}, {}, false)), "/var/lib/app:rw ") << "not for '+' commands";
}

// Root only: seen from inside, NoExecPaths= makes the path and a mount
// below it noexec, but for an ExecPaths= further down.
TEST(MountNamespaceTest, InsideNoExecPathsHoldForSubmountsButExecPaths) {
  if (geteuid() != 0) GTEST_SKIP() << "mount namespaces need root";
  testing::TempDir dir;
  fs::create_directories(dir.file("tree/mnt"));
  fs::create_directories(dir.file("tree/bin"));
  fs::create_directories(dir.file("host-noexec"));
  ServiceConfig c;
  c.no_exec_paths = {{dir.file("tree"), false}};
  c.exec_paths = {{dir.file("tree/bin"), false}, {dir.file("host-noexec/bin"), false}};
  const std::vector<MountEntry> entries = namespace_mounts(c, nullptr, {});
  std::vector<ExecMount> mounts;
  for (const auto& e : entries)
    mounts.push_back({e.path.c_str(), e.source.c_str(), e.mode, e.ignore_missing, e.read_only, e.recursive, e.flags,
                      e.noexec, e.exec});
  const std::string sub = dir.file("tree/mnt"), host = dir.file("host-noexec");
  pid_t pid = fork();
  if (pid == 0) {
    // A mount below the path, and a noexec one as a host may have it
    // (ExecPaths= below it clears that), made in a namespace of the test's own.
    if (unshare(CLONE_NEWNS) < 0 || mount(nullptr, "/", nullptr, MS_SLAVE | MS_REC, nullptr) < 0 ||
        mount("tmpfs", sub.c_str(), "tmpfs", 0, nullptr) < 0 || mount("tmpfs", host.c_str(), "tmpfs", MS_NOEXEC, nullptr) < 0 ||
        mkdir((host + "/bin").c_str(), 0755) < 0)
      _exit(90);
    if (int r = enter_mount_namespace(mounts.data(), mounts.size()); r < 0) _exit(100 + (-r % 100));
    auto noexec = [](const std::string& path) {
      struct statvfs st {};
      return statvfs(path.c_str(), &st) == 0 && (st.f_flag & ST_NOEXEC) != 0;
    };
    if (!noexec(dir.file("tree"))) _exit(11);
    if (!noexec(sub)) _exit(12);
    if (noexec(dir.file("tree/bin"))) _exit(13);
    if (noexec(dir.path())) _exit(14);
    if (!noexec(host)) _exit(15);
    if (noexec(host + "/bin")) _exit(16);  // ExecPaths= cleared what it inherited
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "exit " << WEXITSTATUS(status);
}

}  // namespace
}  // namespace vermilion
