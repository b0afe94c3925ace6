// Fakes for the supervisor's seams: a clock that moves only when told, timers
// that fire when it passes them, and system calls that record what was asked
// and report processes that the test then "exits" by hand.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "platform/event_port.h"
#include "exec/system_ops.h"

namespace vermilion::testing {

class FakeEventPort : public EventPort {
 public:
  class FakeTimer : public Timer {
   public:
    FakeTimer(FakeEventPort& port, std::function<void()> fire) : port_(port), fire_(std::move(fire)) {
      port_.timers_.insert(this);
    }
    ~FakeTimer() override { port_.timers_.erase(this); }
    void arm(usec_t deadline) override { deadline_ = deadline; }
    void disarm() override { deadline_ = kUsecInfinity; }
    [[nodiscard]] usec_t deadline() const override { return deadline_; }
    usec_t deadline_ = kUsecInfinity;

   private:
    friend class FakeEventPort;
    FakeEventPort& port_;
    std::function<void()> fire_;
  };

  [[nodiscard]] usec_t now_monotonic() const override { return now_; }
  [[nodiscard]] usec_t now_realtime() const override { return 1'700'000'000'000'000ULL + now_; }
  [[nodiscard]] std::unique_ptr<Timer> make_timer(std::function<void()> on_fire) override {
    return std::make_unique<FakeTimer>(*this, std::move(on_fire));
  }

  // Moves time forward, firing due timers in deadline order, one at a time
  // (a fired timer may arm others).
  void advance(usec_t span) {
    usec_t target = now_ + span;
    for (;;) {
      FakeTimer* next = nullptr;
      for (FakeTimer* t : timers_)
        if (t->deadline_ <= target && (!next || t->deadline_ < next->deadline_)) next = t;
      if (!next) break;
      now_ = std::max(now_, next->deadline_);
      next->deadline_ = kUsecInfinity;
      next->fire_();
    }
    now_ = target;
  }

  class FakeWatch : public FdWatch {
   public:
    FakeWatch(FakeEventPort& port, int fd, std::function<void()> ready) : port_(port), fd_(fd), ready_(std::move(ready)) {
      port_.watches_.insert(this);
    }
    ~FakeWatch() override { port_.watches_.erase(this); }

   private:
    friend class FakeEventPort;
    FakeEventPort& port_;
    int fd_;
    bool fired_ = false;
    std::function<void()> ready_;
  };
  [[nodiscard]] std::unique_ptr<FdWatch> watch_readable(int fd, std::function<void()> on_ready) override {
    return std::make_unique<FakeWatch>(*this, fd, std::move(on_ready));
  }
  // Makes every watch on fd fire, as the loop would when it became readable.
  void make_readable(int fd) {
    std::vector<FakeWatch*> ready;
    for (FakeWatch* w : watches_)
      if (w->fd_ == fd) ready.push_back(w);
    for (FakeWatch* w : ready) {
      if (!watches_.count(w) || w->fired_) continue;
      w->fired_ = true;  // once, as the real port
      std::function<void()> call = w->ready_;
      call();
    }
  }

  // Fires every watch whose fd is readable now (poll), as one turn of the loop would.
  void dispatch_readable() {
    std::vector<int> fds;
    for (FakeWatch* w : watches_) {
      pollfd p{w->fd_, POLLIN, 0};
      if (!w->fired_ && ::poll(&p, 1, 0) == 1) fds.push_back(w->fd_);
    }
    for (int fd : fds) make_readable(fd);
  }

  // The earliest armed deadline, or infinity.
  [[nodiscard]] usec_t next_deadline() const {
    usec_t best = kUsecInfinity;
    for (FakeTimer* t : timers_) best = std::min(best, t->deadline_);
    return best;
  }

 private:
  usec_t now_ = 1'000'000;
  std::set<FakeTimer*> timers_;
  std::set<FakeWatch*> watches_;
};

struct SpawnRecord {
  pid_t pid;
  std::string service;
  std::string path;
  ProcessRole role;
  std::vector<std::string> environment;  // manager_environment, then extra_environment
  std::string private_tmp;               // PrivateTmp=: its /tmp root, "" for none
  // PrivateNetwork=, PrivateIPC=: the storage pair's socket inode (sockfs
  // numbers are not reused soon), 0 for none.
  ino_t network_namespace = 0, ipc_namespace = 0;
  // The idle pipe: copies of the request's wait end and "tired" end (-1 for
  // none), as a Type=idle child holds them, and whether it would wait.
  std::shared_ptr<unique_fd> idle_wait, idle_tired;
  bool wait_for_idle = false;
  std::vector<std::string> stored_fd_names;  // the fd store handed to this command
};

class FakeSystemOps : public SystemOps {
 public:
  class FakeScope : public ProcessScope {
   public:
    FakeScope(FakeSystemOps& ops, std::string name) : ops_(ops), name_(std::move(name)) {}
    int signal_all(int sig) override {
      ops_.signals.push_back({name_, 0, sig});
      return static_cast<int>(members().size());
    }
    [[nodiscard]] bool empty() override {
      ++ops_.empty_calls;
      return members().empty();
    }
    [[nodiscard]] bool contains(pid_t pid) override {
      ++ops_.contains_calls;
      return members().count(pid) > 0;
    }
    void adopt(pid_t pid) override { ops_.live[pid] = name_; }
    [[nodiscard]] ResourceUsage resource_usage() const override {
      auto it = ops_.usage.find(name_);
      return it == ops_.usage.end() ? ResourceUsage{} : it->second;
    }
    int list(std::vector<pid_t>& out) override {
      auto m = members();
      out.assign(m.begin(), m.end());
      return 0;
    }

   private:
    std::set<pid_t> members() {
      std::set<pid_t> out;
      for (auto& [pid, owner] : ops_.live)
        if (owner == name_) out.insert(pid);
      return out;
    }
    FakeSystemOps& ops_;
    std::string name_;
  };

  struct SignalRecord {
    std::string service;  // whole scope when pid == 0
    pid_t pid;
    int sig;
  };

  // What each service's scope counts (ProcessScope::resource_usage()).
  std::map<std::string, ResourceUsage> usage;

  std::unique_ptr<ProcessScope> create_scope(const std::string& name) override {
    return std::make_unique<FakeScope>(*this, name);
  }
  int scope_owner(pid_t pid, std::string& service) override {
    ++scope_owner_calls;
    auto it = live.find(pid);
    if (it == live.end()) return -ESRCH;
    service = it->second;
    return 0;
  }
  int spawn(const SpawnRequest& request, SpawnedProcess& out) override {
    ++spawn_attempts;
    if (fail_spawns) return -ENOMEM;
    pid_t pid = next_pid++;
    out.pid = pid;
    live[pid] = request.config->name;
    std::vector<std::string> environment = request.manager_environment;
    environment.insert(environment.end(), request.extra_environment.begin(), request.extra_environment.end());
    // What the real child adds for itself.
    if (request.set_watchdog_pid) environment.push_back("WATCHDOG_PID=" + std::to_string(pid));
    auto storage_inode = [](const NamespaceStorage* storage) -> ino_t {
      struct stat st {};
      return storage && fstat(storage->socket[0].get(), &st) == 0 ? st.st_ino : 0;
    };
    auto copy = [](int fd) { return std::make_shared<unique_fd>(fd >= 0 ? ::fcntl(fd, F_DUPFD_CLOEXEC, 3) : -1); };
    spawns.push_back({pid, request.config->name, request.command->path, request.role, std::move(environment),
                      request.private_tmp ? request.private_tmp->tmp_root : std::string(),
                      storage_inode(request.network_namespace), storage_inode(request.ipc_namespace),
                      copy(request.idle_pipe[0]), copy(request.idle_pipe[3]), request.wait_for_idle, {}});
    for (const auto& stored : request.stored_fds) spawns.back().stored_fd_names.push_back(stored.second);
    return 0;
  }
  int signal_process(const SpawnedProcess& p, int sig) override {
    signals.push_back({"", p.pid, sig});
    return live.count(p.pid) ? 0 : -ESRCH;
  }
  int open_process(pid_t pid, SpawnedProcess& out) override {
    if (!live.count(pid)) return -ESRCH;
    out.pid = pid;
    out.pidfd = unique_fd(::dup(0));  // stands for a pidfd: a real, distinct fd number
    pidfds[pid] = out.pidfd.get();
    return 0;
  }
  bool is_own_child(const SpawnedProcess& p) override { return own_children.count(p.pid) > 0; }
  int read_pid_file(const std::string& path, pid_t& out, PidFileFacts& facts) override {
    auto it = pid_files.find(path);
    if (it == pid_files.end()) return -ENOENT;
    out = it->second;
    auto o = pid_file_owners.find(path);
    facts.owner = o == pid_file_owners.end() ? 0 : o->second;
    facts.unsafe_path = unsafe_pid_file_paths.count(path) > 0;
    return 0;
  }
  // ConditionPathExists= looks at existing_paths; any other condition's
  // outcome is condition_results[parameter] (1 when not listed).
  int test_condition(const UnitCondition& c) override {
    if (c.type == ConditionType::path_exists) return existing_paths.count(c.parameter) > 0 ? 1 : 0;
    auto it = condition_results.find(c.parameter);
    return it == condition_results.end() ? 1 : it->second;
  }
  int watch_path(const std::string& path, unique_fd& out) override {
    out = unique_fd(::dup(0));  // stands for an inotify fd: the test makes it readable
    path_watches[path] = out.get();
    return 0;
  }
  int guess_main_pid(ProcessScope&, pid_t control, pid_t& out) override {
    std::vector<pid_t> found;
    for (pid_t pid : reparented)
      if (pid != control && live.count(pid)) found.push_back(pid);
    if (found.size() != 1) return found.empty() ? -ESRCH : -ENODATA;
    out = found.front();
    return 0;
  }
  int check_exec_directories(const ServiceConfig&) override { return 0; }
  // PrivateTmp=: names only, nothing is made; each run's are told apart.
  int create_private_tmp(const std::string& service_name, PrivateTmp& out) override {
    if (private_tmp_error != 0) return private_tmp_error;
    const std::string run = std::to_string(++private_tmp_runs);
    out.tmp_root = "/tmp/systemd-private-" + service_name + "-" + run;
    out.var_tmp_root = "/var/tmp/systemd-private-" + service_name + "-" + run;
    created_private_tmp.push_back(out.tmp_root);
    return 0;
  }
  void remove_private_tmp(const PrivateTmp& dirs) override { removed_private_tmp.push_back(dirs.tmp_root); }
  void clean_ipc(const IpcOwner& owner) override { cleaned_ipc.push_back(owner); }
  void record_process_exit(const ServiceConfig& config, pid_t pid, int code, int status) override {
    recorded_exits.push_back(config.name + " " + std::to_string(pid) + " " + std::to_string(code) + "/" +
                             std::to_string(status));
  }
  CgroupFilterOutcome apply_cgroup_filters(ProcessScope&, const ServiceConfig& config, bool reapply) override {
    filter_calls.push_back({config.name, reapply});
    return filter_outcome;
  }
  void remove_runtime_directories(const ServiceConfig& config) override {
    removed_runtime_directories.push_back(config.name);
  }

  // The test's hands: a process of `service` that the fake never forked.
  pid_t add_process(const std::string& service) {
    pid_t pid = next_pid++;
    live[pid] = service;
    return pid;
  }
  [[nodiscard]] const SpawnRecord* last_spawn() const { return spawns.empty() ? nullptr : &spawns.back(); }
  [[nodiscard]] bool was_signalled(pid_t pid, int sig) const {
    return std::any_of(signals.begin(), signals.end(),
                       [&](const SignalRecord& s) { return s.pid == pid && s.sig == sig; });
  }
  [[nodiscard]] bool scope_was_signalled(const std::string& service, int sig) const {
    return std::any_of(signals.begin(), signals.end(), [&](const SignalRecord& s) {
      return s.pid == 0 && s.service == service && s.sig == sig;
    });
  }

  std::map<pid_t, std::string> live;  // pid -> service
  int contains_calls = 0;     // ProcessScope::contains(), any scope
  int empty_calls = 0;        // ProcessScope::empty(), any scope
  int scope_owner_calls = 0;  // SystemOps::scope_owner()
  std::set<pid_t> own_children;       // adopted processes that are our children anyway
  std::map<pid_t, int> pidfds;        // opened by open_process
  std::vector<SpawnRecord> spawns;
  std::vector<SignalRecord> signals;
  std::map<std::string, pid_t> pid_files;
  std::map<std::string, uid_t> pid_file_owners;  // absent: root
  std::set<std::string> unsafe_pid_file_paths;     // reached through another user's symlink
  std::set<std::string> existing_paths;
  std::map<std::string, int> condition_results;
  std::map<std::string, int> path_watches;        // path -> the fd watch_path() gave
  std::set<pid_t> reparented;                     // children of the supervisor, for guess_main_pid()
  std::vector<std::string> removed_runtime_directories;
  int private_tmp_error = 0;  // what create_private_tmp() returns; 0: it works
  CgroupFilterOutcome filter_outcome;                   // what apply_cgroup_filters() returns
  std::vector<std::pair<std::string, bool>> filter_calls;  // (unit, reapply) of each call
  int private_tmp_runs = 0;
  std::vector<std::string> created_private_tmp, removed_private_tmp;  // their /tmp roots
  std::vector<IpcOwner> cleaned_ipc;  // RemoveIPC= cleanups asked for, in order
  std::vector<std::string> recorded_exits;  // "unit PID CODE/STATUS" of each main or control exit
  bool fail_spawns = false;
  int spawn_attempts = 0;  // fail_spawns ones too
  pid_t next_pid = 1000;
};

// Units made here have DefaultDependencies=no: a test's units depend on
// what the test says and nothing else (no sysinit.target, basic.target or
// shutdown.target in its unit source). Tests of the implicit dependencies
// set it to true and provide those targets.
inline ServiceConfig make_config(const std::string& name, ServiceType type = ServiceType::simple) {
  ServiceConfig c;
  c.name = name;
  c.load_state = LoadState::loaded;
  c.default_dependencies = false;
  c.type = type;
  ExecCommand cmd;
  cmd.path = "/usr/bin/" + name.substr(0, name.find('.'));
  cmd.argv = {cmd.path};
  c.exec_start.push_back(cmd);
  return c;
}

// A loaded target: no commands, only what the test adds (and, as
// make_config(), DefaultDependencies=no).
inline ServiceConfig make_target(const std::string& name) {
  ServiceConfig c;
  c.name = name;
  c.unit_type = UnitType::target;
  c.load_state = LoadState::loaded;
  c.default_dependencies = false;
  return c;
}

inline ExecCommand make_command(const std::string& path, bool ignore_failure = false) {
  ExecCommand cmd;
  cmd.path = path;
  cmd.argv = {path};
  cmd.ignore_failure = ignore_failure;
  return cmd;
}

}  // namespace vermilion::testing
