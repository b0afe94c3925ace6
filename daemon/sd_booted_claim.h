// `vermiliond --systemd-compat` in system scope: making the machine look
// booted with a service manager to systemctl and libsystemd, which ask
// sd_booted() ("/run/systemd/system is a directory", sd_booted(3)) before
// they talk to the system's manager at all.
//
// vermiliond creates /run/systemd/system when it is absent and removes it
// when it exits. It refuses (and the bridge does not take
// org.freedesktop.systemd1) when systemd is the running manager: PID 1 is
// systemd, or the directory exists and vermiliond did not make it. That it
// made it is remembered in a marker file in vermiliond's runtime directory,
// so a vermiliond restarted after a crash takes back its own directory
// rather than refusing.
#pragma once

#include <string>

namespace vermilion {

struct SdBootedPaths {
  std::string run_systemd = "/run/systemd";  // its system/ is the directory sd_booted() checks
  std::string marker;                        // "<runtime dir>/systemd-compat"
  std::string pid1_comm = "/proc/1/comm";
};

struct [[nodiscard]] SdBootedClaim {
  enum class Outcome {
    created,  // made now; remove at exit
    reused,   // left by an earlier vermiliond (the marker says so); remove at exit
    refused,  // systemd runs, or the directory is someone else's: leave it alone
    failed,   // could not create it (errno in `error`)
  };
  Outcome outcome = Outcome::refused;
  std::string message;  // one log line saying what was done or why not
  int error = 0;        // negative errno for failed
  bool made_parent = false;  // <run_systemd> did not exist either; removed too (if empty)

  [[nodiscard]] bool ours() const { return outcome == Outcome::created || outcome == Outcome::reused; }
};

// Creates <run_systemd>/system (and <run_systemd>, mode 0755) unless
// systemd runs or it exists without our marker; writes the marker.
[[nodiscard]] SdBootedClaim claim_sd_booted(const SdBootedPaths& paths);

// Undoes what claim_sd_booted() did when it returned ours(): removes the
// directory (only if empty: someone may have put units there since, which
// are then left alone, and said so) and the marker. Returns a log line, ""
// when there was nothing to do.
[[nodiscard]] std::string release_sd_booted(const SdBootedPaths& paths, const SdBootedClaim& claim);

}  // namespace vermilion
