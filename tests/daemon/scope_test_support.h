// Spawning the probe's process tree into a scope and reading back its PIDs.
#pragma once

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "daemon/spawn_test_support.h"
#include "exec/linux_system_ops.h"

namespace vermilion::test {

struct SpawnedTree {
  SpawnedProcess main;
  std::vector<pid_t> pids;  // main, two children, the double-forked daemon
};

// `probe tree [setsid]` in scope; returns once every process exists.
inline SpawnedTree spawn_tree(SystemOps& ops, ProcessScope& scope, bool setsid_daemon) {
  static ServiceConfig config = [] {
    ServiceConfig c;
    c.name = "tree.service";
    return c;
  }();
  static const ExecCommand plain = command_of({kProbe, "tree"});
  static const ExecCommand with_setsid = command_of({kProbe, "tree", "setsid"});
  fd_pair log;
  EXPECT_EQ(make_pipe(log), 0);
  SpawnRequest request;
  request.config = &config;
  request.command = setsid_daemon ? &with_setsid : &plain;
  request.log_fd = log.second.get();
  request.scope = &scope;
  SpawnedTree tree;
  EXPECT_EQ(ops.spawn(request, tree.main), 0);
  log.second.reset();
  std::string line = read_line(log.first.get());
  EXPECT_EQ(line.rfind("pids=", 0), 0u) << line;
  std::istringstream in(line.substr(line.find('=') + 1));
  pid_t pid = 0;
  while (in >> pid) tree.pids.push_back(pid);
  EXPECT_EQ(tree.pids.size(), 4u);
  return tree;
}

// The notify socket's question (SystemOps::scope_owner), answered without
// asking the scope: every process of the tree is "tree.service"'s; the test
// process and its parent belong to no service.
inline void expect_owned_by_tree(SystemOps& ops, const SpawnedTree& tree) {
  for (pid_t pid : tree.pids) {
    std::string owner;
    EXPECT_EQ(ops.scope_owner(pid, owner), 0) << pid;
    EXPECT_EQ(owner, "tree.service") << pid;
  }
  std::string none;
  EXPECT_EQ(ops.scope_owner(getpid(), none), -ESRCH);
  EXPECT_EQ(ops.scope_owner(getppid(), none), -ESRCH);
}

}  // namespace vermilion::test
