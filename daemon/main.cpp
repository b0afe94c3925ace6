// vermiliond: parses options into SupervisorOptions and hands over. The only
// place with process-wide state: exit codes, stdio, the environment (read
// once, here), the child subreaper flag and the signal mask
// (set_up_supervisor_process()).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "process_setup.h"
#include "sd_booted_claim.h"
#include "supervisor.h"
#include "units/unit_loader.h"

namespace {

using namespace vermilion;

// `vermiliond --verify FILE...`: like systemd-analyze verify. Loads each file
// on its own, prints every message with file:line, starts nothing.
int verify(const std::vector<std::string>& files, RuntimeScope scope, const ProcessEnvironment& env) {
  RuntimeIdentity identity = RuntimeIdentity::current(scope, env);
  UnitLoader loader({}, identity);
  int failed = 0;
  for (const auto& file : files) {
    Diagnostics diags;
    ServiceConfig config = loader.load_file(file, diags);
    for (const auto& d : diags.items()) std::cerr << format_diagnostic(d) << '\n';
    if (config.load_state != LoadState::loaded) {
      std::cerr << file << ": error: unit " << (config.name.empty() ? file : config.name)
                << " failed to load (" << to_string(config.load_state) << ")\n";
      ++failed;
    }
  }
  if (failed == 0) std::cerr << files.size() << " unit file(s) verified\n";
  return failed == 0 ? 0 : 1;
}

// vermilion-bridge beside our own executable (the build tree, or a
// relocated install), else where `cmake --install` puts it.
std::string default_bridge_path() {
  std::error_code ignored;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ignored);
  if (!self.empty()) {
    std::filesystem::path beside = self.parent_path() / "vermilion-bridge";
    if (::access(beside.c_str(), X_OK) == 0) return beside.string();
  }
  return VERMILION_BRIDGE_INSTALL_PATH;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"vermiliond: a service supervisor for systemd-style .service units"};
  app.set_version_flag("--version", "vermiliond " VERMILION_VERSION);

  bool system_scope = false, user_scope = false;
  SupervisorOptions options;
  std::string log_level = "info";
  std::vector<std::string> verify_files;
  bool no_boot = false;
  bool no_bridge = false;
  bool systemd_compat = false;
  std::string bridge_path;
  std::size_t log_buffer = options.log_buffer_bytes;

  auto* sys = app.add_flag("--system", system_scope, "Run as the system's supervisor (default for root)");
  auto* usr = app.add_flag("--user", user_scope, "Run as a user's supervisor (default for other users)");
  sys->excludes(usr);
  auto* unit_dir = app.add_option("--unit-dir", options.unit_dirs,
                 "Directory to load units from (repeatable, first wins); replaces the defaults:\n"
                 "  --system: /etc/vermilion/system, /usr/lib/vermilion/system\n"
                 "  --user:   $XDG_CONFIG_HOME/vermilion/user, $XDG_DATA_HOME/vermilion/user")
      ->check(CLI::ExistingDirectory);
  app.add_flag("--systemd-paths", options.systemd_unit_paths,
               "Load units from systemd's unit search path instead (systemd.unit(5)):\n"
               "  --system: /etc/systemd/system, /run/systemd/system, /usr/local/lib/systemd/system,\n"
               "            /lib/systemd/system, /usr/lib/systemd/system\n"
               "  --user:   ~/.config/systemd/user, /etc/systemd/user, ..., /usr/lib/systemd/user")
      ->excludes(unit_dir);
  app.add_option("--preset-dir", options.preset_dirs,
                 "Directory to read *.preset files from (repeatable, first wins); replaces the defaults:\n"
                 "  --systemd-paths: systemd's (/etc/systemd/system-preset, ..., /lib/systemd/system-preset;\n"
                 "                   --user: /etc/systemd/user-preset, ..., /usr/lib/systemd/user-preset)\n"
                 "  otherwise --system: /etc/vermilion/system-preset, /usr/lib/vermilion/system-preset\n"
                 "            --user:   $XDG_CONFIG_HOME/vermilion/user-preset, $XDG_DATA_HOME/vermilion/user-preset");
  app.add_option("--policy-dir", options.policy_dirs,
                 "Directory to load *.policy files from (repeatable); replaces the defaults:\n"
                 "  --system: /etc/vermilion/policy, /usr/lib/vermilion/policy\n"
                 "  --user:   $XDG_CONFIG_HOME/vermilion/policy")
      ->check(CLI::ExistingDirectory);
  app.add_option("--runtime-dir", options.runtime_dir,
                 "Directory for the notify socket (default /run/vermilion, or $XDG_RUNTIME_DIR/vermilion)");
  app.add_option("--log-level", log_level, "error, warning, info or debug")
      ->check(CLI::IsMember({"error", "warning", "info", "debug"}));
  app.add_option("--log-buffer-size", log_buffer, "Bytes of output kept in memory per service")
      ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 30));
  app.add_flag("--no-boot-units", no_boot, "Do not start default.target (and what it pulls in) at start");
  auto* no_bridge_flag = app.add_flag("--no-bridge", no_bridge,
                                      "Run without the D-Bus bridge (the built-in vermilion-bridge.service)");
  app.add_option("--bridge-path", bridge_path,
                 "The vermilion-bridge executable (default: beside vermiliond, else "
                 VERMILION_BRIDGE_INSTALL_PATH ")")
      ->excludes(no_bridge_flag);
  app.add_flag("--systemd-compat", systemd_compat,
               "The bridge also serves org.freedesktop.systemd1 (systemctl, Cockpit); --system: creates "
               "/run/systemd/system unless systemd runs")
      ->excludes(no_bridge_flag);
  app.add_option("--verify", verify_files, "Check unit files, print problems with file:line, start nothing")
      ->check(CLI::ExistingFile);

  CLI11_PARSE(app, argc, argv);

  options.scope = user_scope ? RuntimeScope::user
                  : system_scope ? RuntimeScope::system
                  : geteuid() == 0 ? RuntimeScope::system
                                   : RuntimeScope::user;
  // The environment is read here, once; everything below gets its values.
  options.environment = ProcessEnvironment::parse(environ);
  if (!verify_files.empty()) return verify(verify_files, options.scope, options.environment);

  options.log_level = *parse_log_level(log_level);
  options.log_buffer_bytes = log_buffer;
  options.start_boot_units = !no_boot;
  if (!no_bridge) {
    if (bridge_path.empty()) bridge_path = default_bridge_path();
    // ExecStart= wants an absolute path; a missing file is the unit's
    // failure (status 203), not ours.
    std::error_code ignored;
    std::filesystem::path absolute = std::filesystem::absolute(bridge_path, ignored).lexically_normal();
    options.bridge = BridgeOptions{absolute.empty() ? bridge_path : absolute.string(),
                                   bridge_environment(options.scope, options.environment)};
  }

  // systemctl asks sd_booted() before it talks to the system's manager at
  // all: in system scope the compatibility face needs /run/systemd/system,
  // and must not be offered where systemd itself runs (sd_booted_claim.h).
  SdBootedPaths booted_paths;
  SdBootedClaim booted;
  if (systemd_compat && options.scope == RuntimeScope::system) {
    std::string runtime_dir = options.runtime_dir.empty() ? "/run/vermilion" : options.runtime_dir;
    std::error_code ignored;
    std::filesystem::create_directories(runtime_dir, ignored);
    booted_paths.marker = runtime_dir + "/systemd-compat";
    booted = claim_sd_booted(booted_paths);
    std::fprintf(stderr, "vermiliond: %s\n", booted.message.c_str());
    systemd_compat = booted.ours();
  }
  if (options.bridge) options.bridge->systemd_compat = systemd_compat;
  auto finish = [&](int status) {
    if (std::string released = release_sd_booted(booted_paths, booted); !released.empty())
      std::fprintf(stderr, "vermiliond: %s\n", released.c_str());
    return status;
  };

  std::unique_ptr<Supervisor> supervisor;
  if (int r = set_up_supervisor_process(options); r < 0) {
    std::fprintf(stderr, "vermiliond: cannot set up the process: %s\n", std::strerror(-r));
    return finish(1);
  }
  if (int r = Supervisor::create(std::move(options), supervisor); r < 0) {
    std::fprintf(stderr, "vermiliond: cannot start: %s\n", std::strerror(-r));
    return finish(1);
  }
  int status = supervisor->run();
  supervisor.reset();
  return finish(status);
}
