// What a test's vermiliond left in its cgroup tree once it is gone: a bridge
// still exiting (under ASan its leak check can hang for good when vermiliond
// was SIGKILLed first), a KillMode=none process. Killed, and the tree
// removed, so that no test leaves processes or cgroups on the machine. For
// tests only: standalone (the soak programs use it without the daemon's
// libraries).
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <sys/types.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace vermilion::testing {

// <cgroup2 mount><our cgroup>, or "" without a cgroup v2 hierarchy.
inline std::string own_cgroup_directory() {
  std::ifstream mountinfo("/proc/self/mountinfo");
  std::string mount_point;
  for (std::string line; std::getline(mountinfo, line);) {
    auto dash = line.find(" - cgroup2 ");
    if (dash == std::string::npos) continue;
    std::istringstream fields(line.substr(0, dash));
    std::string skip, root;
    fields >> skip >> skip >> skip >> root >> mount_point;
    break;
  }
  std::ifstream cgroup("/proc/self/cgroup");
  for (std::string line; std::getline(cgroup, line);)
    if (line.starts_with("0::") && !mount_point.empty()) return mount_point + (line.size() > 4 ? line.substr(3) : "");
  return "";
}

// Kills every process left in vermilion-<daemon>/ (cgroup.kill, Linux 5.14)
// and removes the tree, children first. Call once `daemon` has exited.
inline void kill_cgroup_leftovers(pid_t daemon) {
  const std::string parent = own_cgroup_directory();
  if (parent.empty()) return;
  const std::filesystem::path tree = parent + "/vermilion-" + std::to_string(daemon);
  std::error_code ec;
  if (!std::filesystem::is_directory(tree, ec)) return;
  std::ofstream(tree / "cgroup.kill") << "1";
  // cgroup.kill is asynchronous: wait (at most 5 s) until cgroup.events
  // says "populated 0"; the file wakes poll() with POLLPRI when it changes.
  int events = open((tree / "cgroup.events").c_str(), O_RDONLY | O_CLOEXEC);
  for (int turn = 0; events >= 0 && turn < 50; ++turn) {
    char text[256];
    ssize_t n = pread(events, text, sizeof text - 1, 0);
    if (n <= 0) break;
    text[n] = '\0';
    if (std::string(text).find("populated 0") != std::string::npos) break;
    pollfd changed{events, POLLPRI, 0};
    (void)poll(&changed, 1, 100);
  }
  if (events >= 0) close(events);
  std::vector<std::filesystem::path> directories;
  for (auto it = std::filesystem::recursive_directory_iterator(tree, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
    if (it->is_directory(ec)) directories.push_back(it->path());
  for (auto d = directories.rbegin(); d != directories.rend(); ++d) rmdir(d->c_str());
  rmdir(tree.c_str());
}

}  // namespace vermilion::testing
