// The whole stack for a test, as real processes: a private dbus-daemon, the
// real vermiliond (with units and policies written for the test, plus the
// shipped policies/), and the vermilion-bridge it starts and supervises.
// Ready once org.vermilion1 has an owner on the private bus (an event, not a
// sleep). The bus address is exported as DBUS_SESSION_BUS_ADDRESS (session
// flavour) or DBUS_SYSTEM_BUS_ADDRESS (system flavour), so vermiliond passes
// it to the bridge and every client the test runs finds the same bus.
#pragma once

#include <stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "cgroup_leftovers.h"
#include "private_bus.h"
#include "subprocess.h"
#include "temp_dir.h"

namespace vermilion::testing {

inline const std::string kVermiliondPath = VERMILIOND_PATH;
inline const std::string kBridgePath = VERMILION_BRIDGE_PATH;

// A unit every stack test uses: enabled (WantedBy=default.target exists in
// both scopes), so started at boot; runs until stopped.
inline const std::pair<std::string, std::string> kSleeperUnit{
    "sleeper.service",
    "[Unit]\nDescription=Sleeps until stopped\n[Service]\nExecStart=/bin/sleep infinity\n"
    "[Install]\nWantedBy=default.target\n"};

struct StackFiles {
  std::vector<std::pair<std::string, std::string>> units;     // file name, text
  std::vector<std::pair<std::string, std::string>> policies;  // file name, text
  std::vector<std::string> vermiliond_options;                // more options ("--systemd-compat")
  // The stack is ready once this name has an owner too ("" : only org.vermilion1).
  std::string also_wait_for;
  // --systemd-paths instead of --unit-dir: vermiliond reads systemd's unit
  // directories and runs the generators. Only inside a mount namespace
  // where the caller hid the machine's with tmpfs; `units` must be empty
  // (the caller writes them where it wants them).
  bool systemd_paths = false;
  // More of the private bus's configuration (a <servicedir>), and whether
  // it runs with --systemd-activation (PrivateBus).
  std::string bus_config = {};
  bool systemd_activation = false;
};

class BridgeStack {
 public:
  explicit BridgeStack(const StackFiles& files, BusFlavour flavour = BusFlavour::session)
      : bus_(flavour, files.bus_config, files.systemd_activation) {
    if (!bus_.ok()) {
      error_ = "private bus: " + bus_.error();
      return;
    }
    const bool system = flavour == BusFlavour::system;
    setenv(system ? "DBUS_SYSTEM_BUS_ADDRESS" : "DBUS_SESSION_BUS_ADDRESS", bus_.address().c_str(), 1);
    dir_.write("placeholder", "");
    std::filesystem::create_directories(dir_.file("units"));
    std::filesystem::create_directories(dir_.file("policies"));
    for (const auto& [name, text] : files.units) dir_.write("units/" + name, text);
    // Units with WantedBy= are enabled, as an administrator would before
    // boot (only enabled units start then): the link `systemctl enable`
    // makes, TARGET.wants/NAME. (Made here rather than by UnitInstaller:
    // the soak programs use this header without the daemon's libraries.)
    for (const auto& [name, text] : files.units) {
      std::istringstream lines(text);
      for (std::string line; std::getline(lines, line);) {
        if (!line.starts_with("WantedBy=")) continue;
        std::istringstream targets(line.substr(9));
        for (std::string target; targets >> target;) {
          std::filesystem::create_directories(dir_.file("units/" + target + ".wants"));
          std::filesystem::create_symlink("../" + name, dir_.file("units/" + target + ".wants/" + name));
        }
      }
    }
    for (const auto& [name, text] : files.policies) dir_.write("policies/" + name, text);
    if (files.systemd_paths && !files.units.empty()) {
      error_ = "StackFiles: systemd_paths with units";
      return;
    }
    // vermiliond logs to a file: a pipe nobody drains would fill and stall it.
    const std::string unit_dirs =
        files.systemd_paths ? std::string(" --systemd-paths") : " --unit-dir '" + dir_.file("units") + "'";
    std::string command = "exec '" + kVermiliondPath + "'" + (system ? " --system" : " --user") + unit_dirs +
                          " --policy-dir '" + dir_.file("policies") + "' --policy-dir '" +
                          VERMILION_SOURCE_DIR + "/policies' --runtime-dir '" + dir_.file("run") +
                          "' --bridge-path '" + kBridgePath + "' --log-level debug";
    for (const auto& option : files.vermiliond_options) command += " '" + option + "'";
    command += " >'" + dir_.file("vermiliond.log") + "' 2>&1";
    daemon_ = std::make_unique<Subprocess>(std::vector<std::string>{"/bin/sh", "-c", command});
    auto owner = bus_.wait_for_owner("org.vermilion1");
    if (!owner) {
      error_ = "org.vermilion1 never got an owner";
      return;
    }
    owner_ = *owner;
    if (!files.also_wait_for.empty() && !bus_.wait_for_owner(files.also_wait_for)) {
      error_ = files.also_wait_for + " never got an owner";
      return;
    }
  }
  // Stops vermiliond as an administrator would (SIGTERM). One that does not
  // exit within kStopTimeoutMs is a fault of its own (a stop of everything
  // that never ends): the program exits 1 with vermiliond's log, so that the
  // test fails rather than a kill hiding it.
  ~BridgeStack() {
    if (daemon_ && daemon_->pid() > 0 && !daemon_->exited()) {
      const pid_t pid = daemon_->pid();
      kill(pid, SIGTERM);
      (void)daemon_->wait_exit(kStopTimeoutMs);
      const bool hung = !daemon_->exited();
      daemon_.reset();
      kill_cgroup_leftovers(pid);
      if (hung) {
        std::fprintf(stderr, "vermiliond did not exit within %d ms of SIGTERM; its log:\n%s\n", kStopTimeoutMs,
                     log().c_str());
        std::_Exit(1);
      }
    }
  }
  static constexpr int kStopTimeoutMs = 20000;
  BridgeStack(const BridgeStack&) = delete;
  BridgeStack& operator=(const BridgeStack&) = delete;

  [[nodiscard]] bool ok() const { return error_.empty(); }
  // What went wrong, with everything vermiliond said so far.
  [[nodiscard]] std::string error() const { return error_ + "\n" + log(); }
  [[nodiscard]] std::string log() const {
    std::ifstream in(dir_.file("vermiliond.log"));
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  [[nodiscard]] PrivateBus& bus() { return bus_; }
  [[nodiscard]] Subprocess& daemon() { return *daemon_; }
  [[nodiscard]] const std::string& owner() const { return owner_; }
  [[nodiscard]] std::string address_option() const { return "--address=" + bus_.address(); }
  [[nodiscard]] const TempDir& dir() const { return dir_; }

 private:
  PrivateBus bus_;
  TempDir dir_;
  std::unique_ptr<Subprocess> daemon_;
  std::string owner_;
  std::string error_;
};

// A command's exit status and its combined output.
struct CommandResult {
  int status = -1;  // exit code, or -1 if it did not exit normally in time
  std::string output;
};

inline CommandResult run_command(const std::vector<std::string>& argv, int timeout_ms = 30000) {
  Subprocess process(argv);
  int status = process.wait_exit(timeout_ms);
  CommandResult result;
  result.output = process.output();
  if (status >= 0 && WIFEXITED(status)) result.status = WEXITSTATUS(status);
  return result;
}

}  // namespace vermilion::testing
