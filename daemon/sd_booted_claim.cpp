#include "sd_booted_claim.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace vermilion {
namespace {

bool is_directory(const std::string& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool exists(const std::string& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0;
}

std::string first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

std::string errno_text(int error) { return std::strerror(error < 0 ? -error : error); }

}  // namespace

SdBootedClaim claim_sd_booted(const SdBootedPaths& paths) {
  SdBootedClaim claim;
  const std::string system = paths.run_systemd + "/system";
  if (first_line(paths.pid1_comm) == "systemd") {
    claim.message = "--systemd-compat: systemd is the running service manager (PID 1); not serving "
                    "org.freedesktop.systemd1, not touching " + system;
    return claim;
  }
  if (exists(system)) {
    if (is_directory(system) && exists(paths.marker)) {
      claim.outcome = SdBootedClaim::Outcome::reused;
      claim.message = "--systemd-compat: " + system + " was left by an earlier vermiliond (" + paths.marker +
                      "); it is removed at exit";
      return claim;
    }
    claim.message = "--systemd-compat: " + system +
                    " exists and vermiliond did not create it, so another service manager runs here; "
                    "not serving org.freedesktop.systemd1";
    return claim;
  }
  if (!exists(paths.run_systemd)) {
    if (mkdir(paths.run_systemd.c_str(), 0755) < 0 && errno != EEXIST) {
      claim.outcome = SdBootedClaim::Outcome::failed;
      claim.error = -errno;
      claim.message = "--systemd-compat: cannot create " + paths.run_systemd + ": " + errno_text(errno);
      return claim;
    }
    claim.made_parent = true;
  }
  // The marker first: a crash between the two leaves a marker without a
  // directory, which the next start simply overwrites.
  {
    std::ofstream marker(paths.marker, std::ios::trunc);
    marker << system << "\n";
    if (!marker) {
      claim.outcome = SdBootedClaim::Outcome::failed;
      claim.error = -EIO;
      claim.message = "--systemd-compat: cannot write " + paths.marker;
      if (claim.made_parent) rmdir(paths.run_systemd.c_str());
      return claim;
    }
  }
  if (mkdir(system.c_str(), 0755) < 0) {
    int error = errno;
    unlink(paths.marker.c_str());
    if (claim.made_parent) rmdir(paths.run_systemd.c_str());
    claim.outcome = SdBootedClaim::Outcome::failed;
    claim.error = -error;
    claim.message = "--systemd-compat: cannot create " + system + ": " + errno_text(error);
    return claim;
  }
  claim.outcome = SdBootedClaim::Outcome::created;
  claim.message = "--systemd-compat: created " + system +
                  " so that systemctl and libsystemd find a service manager (sd_booted()); removed at exit";
  return claim;
}

std::string release_sd_booted(const SdBootedPaths& paths, const SdBootedClaim& claim) {
  if (!claim.ours()) return "";
  const std::string system = paths.run_systemd + "/system";
  std::string message;
  if (rmdir(system.c_str()) < 0 && errno != ENOENT) {
    // The marker stays, so the next vermiliond takes the directory back.
    return "--systemd-compat: left " + system + " in place: " + errno_text(errno);
  }
  message = "--systemd-compat: removed " + system;
  if (claim.made_parent && rmdir(paths.run_systemd.c_str()) == 0) message += " and " + paths.run_systemd;
  unlink(paths.marker.c_str());
  return message;
}

}  // namespace vermilion
