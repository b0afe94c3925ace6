// A private /run/systemd for this process and the children it starts after:
// a mount namespace of its own with a tmpfs there, so that what
// `vermiliond --systemd-compat` creates (/run/systemd/system, which
// sd_booted() and systemctl look for) never touches the machine.
#pragma once

#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

namespace vermilion::testing {

// True on success; false with `why` set (needs root: CAP_SYS_ADMIN).
inline bool private_run_systemd(std::string& why) {
  if (unshare(CLONE_NEWNS) < 0) {
    why = std::string("unshare(CLONE_NEWNS): ") + std::strerror(errno);
    return false;
  }
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0) {
    why = std::string("making / private: ") + std::strerror(errno);
    return false;
  }
  // Over /run/systemd where it exists; otherwise over /run, in which it is
  // then made (in this namespace only).
  const bool exists = std::filesystem::is_directory("/run/systemd");
  if (mount("tmpfs", exists ? "/run/systemd" : "/run", "tmpfs", 0, "mode=0755") < 0) {
    why = std::string("tmpfs: ") + std::strerror(errno);
    return false;
  }
  if (!exists) mkdir("/run/systemd", 0755);
  return true;
}

}  // namespace vermilion::testing
