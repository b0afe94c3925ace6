#include "units/runtime_scope.h"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vector>

namespace vermilion {
namespace {

bool is_directory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

void RuntimeIdentity::derive_directories(const ProcessEnvironment& env) {
  if (scope == RuntimeScope::system) {
    cache_dir = "/var/cache";
    config_dir = "/etc";
    logs_dir = "/var/log";
    state_dir = "/var/lib";
  } else {
    if (config_home.empty()) config_home = env.xdg_config_home.value_or(home + "/.config");
    if (data_home.empty()) data_home = env.xdg_data_home.value_or(home + "/.local/share");
    cache_dir = env.xdg_cache_home.value_or(home + "/.cache");
    config_dir = config_home;
    logs_dir = config_home + "/log";
    state_dir = config_home;
  }
  if (env.tmpdir && is_directory(*env.tmpdir)) tmp_dir = var_tmp_dir = *env.tmpdir;
}

RuntimeIdentity RuntimeIdentity::current(RuntimeScope scope, const ProcessEnvironment& env) {
  RuntimeIdentity id;
  id.scope = scope;
  id.host = HostFacts::read();
  id.host_name = id.host.host_name;

  if (scope == RuntimeScope::system) {
    id.user_name = "root";
    id.group_name = "root";
    id.home = "/root";
    id.shell = "/bin/sh";
    id.runtime_dir = "/run";
    id.derive_directories(env);
    return id;
  }

  id.uid = getuid();
  id.gid = getgid();
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  if (getpwuid_r(id.uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr) {
    id.user_name = found->pw_name;
    id.home = found->pw_dir;
    id.shell = found->pw_shell != nullptr ? found->pw_shell : "";
  } else {
    id.user_name = std::to_string(id.uid);
  }
  group group_entry{};
  group* group_found = nullptr;
  if (getgrgid_r(id.gid, &group_entry, buffer.data(), buffer.size(), &group_found) == 0 && group_found != nullptr)
    id.group_name = group_found->gr_name;
  else
    id.group_name = std::to_string(id.gid);
  id.home = env.home.value_or(id.home);
  id.shell = env.shell.value_or(id.shell);
  id.runtime_dir = env.xdg_runtime_dir.value_or("/run/user/" + std::to_string(id.uid));
  id.derive_directories(env);
  return id;
}

RuntimeIdentity RuntimeIdentity::for_tests(RuntimeScope scope) {
  RuntimeIdentity id;
  id.scope = scope;
  id.host.host_name = "testhost";
  id.host.short_host_name = "testhost";
  id.host.pretty_host_name = "testhost";
  id.host.machine_id = "0123456789abcdef0123456789abcdef";
  id.host.boot_id = "fedcba9876543210fedcba9876543210";
  id.host.kernel_release = "6.1.0-test";
  id.host.architecture = "x86-64";
  id.host.os_release = {{{"ID", "debian"}, {"VERSION_ID", "12"}}};
  id.host_name = id.host.host_name;
  if (scope == RuntimeScope::system) {
    id.user_name = id.group_name = "root";
    id.home = "/root";
    id.shell = "/bin/sh";
    id.runtime_dir = "/run";
  } else {
    id.user_name = id.group_name = "user";
    id.uid = id.gid = 1000;
    id.home = "/home/user";
    id.shell = "/bin/bash";
    id.runtime_dir = "/run/user/1000";
  }
  id.derive_directories(ProcessEnvironment{});
  return id;
}

}  // namespace vermilion
