#include "supervisor.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>

#include "common/out_of_memory.h"
#include "exec/exec_environment.h"
#include "platform/path_watch.h"
#include "platform/file_io.h"
#include "logs/journal_writer.h"
#include "common/clock.h"
#include "platform/notify_socket.h"
#include "broker/policy_loader.h"
#include "units/generators.h"
#include "units/systemd_unit_dirs.h"
#include "units/unit_presets.h"
#include "units/target_unit.h"
#include "units/unit_loader.h"
#include "common/unit_name.h"

namespace vermilion {
namespace {

// What systemd calls a process's lines when SyslogIdentifier= is unset:
// the name of the program it runs (basename(command->path) in exec_child()).
// One pipe carries all of a unit's processes here: its ExecStart='s.
std::string default_syslog_identifier(const ServiceConfig& config) {
  if (config.exec_start.empty()) return {};
  const std::string& path = config.exec_start.front().path;
  return path.substr(path.rfind('/') + 1);
}

// Output is read before exits are handled, and readiness before exits too,
// so a service that prints, notifies and dies is seen in that order.
constexpr int64_t kLogPriority = SD_EVENT_PRIORITY_NORMAL - 20;
constexpr int64_t kNotifyPriority = SD_EVENT_PRIORITY_NORMAL - 10;
constexpr int64_t kSignalPriority = SD_EVENT_PRIORITY_NORMAL;
// systemd 252 gives generators DEFAULT_TIMEOUT_USEC (manager_run_generators).
constexpr usec_t kGeneratorTimeout = 90'000'000;
// How long an exit waits for vermiliond's helpers (removers of PrivateTmp=
// directories) once every service has stopped.
constexpr usec_t kHelperExitWait = 10'000'000;

class LoaderSource final : public UnitSource {
 public:
  explicit LoaderSource(UnitLoader loader) : loader_(std::move(loader)) {}
  std::vector<std::string> list_units() override { return loader_.list_units(); }
  ServiceConfig load(const std::string& name, Diagnostics& diags) override {
    return loader_.load(name, diags);
  }
  bool need_daemon_reload(const ServiceConfig& loaded) override { return loader_.need_daemon_reload(loaded); }
  std::vector<std::string> watched_directories() override { return loader_.watched_directories(); }

 private:
  UnitLoader loader_;
};

// "web.service: state active/running result=success main-pid=42"
std::string describe_state(const ServiceStatus& s) {
  std::string text = s.name + ": state " + s.active_state + "/" + s.sub_state + " result=" + s.result;
  if (s.main_pid > 0) text += " main-pid=" + std::to_string(s.main_pid);
  if (s.n_restarts > 0) text += " restarts=" + std::to_string(s.n_restarts);
  return text;
}

}  // namespace

Supervisor::Supervisor(SupervisorOptions options)
    : options_(std::move(options)),
      logger_(options_.log_level, options_.log_fd, options_.environment.journal_stream) {}

Supervisor::~Supervisor() {
  // Links and services hold fds, timers and sources on the loop: they go first.
  links_.clear();
  link_sweeper_.reset();
  broker_.reset();
  control_.reset();
  manager_.reset();
  notify_.reset();
  logs_.clear();
  signal_sources_.clear();
  reaper_.reset();
}

int Supervisor::create(SupervisorOptions options, std::unique_ptr<Supervisor>& out) {
  std::unique_ptr<Supervisor> s(new Supervisor(std::move(options)));
  if (int r = s->init(); r < 0) return r;
  out = std::move(s);
  return 0;
}

int Supervisor::init() {
  sd_event* loop = nullptr;
  if (int r = sd_event_new(&loop); r < 0) return r;
  loop_.reset(loop);
  port_ = std::make_unique<SdEventPort>(loop);

  if (int r = ChildReaper::create(loop, options_.reap, kSignalPriority,
                                  [this](const ChildExit& exit) { on_child_exited(exit); }, reaper_);
      r < 0) {
    logger_.error(std::string("cannot watch child processes: ") + std::strerror(-r) +
                  (r == -EBUSY ? " (SIGCHLD must be blocked: see set_up_supervisor_process())" : ""));
    return r;
  }
  if (options_.handle_signals) {
    for (int sig : {SIGTERM, SIGINT, SIGHUP}) {
      sd_event_source* source = nullptr;
      if (int r = sd_event_add_signal(loop, &source, sig, &Supervisor::on_signal, this); r < 0) {
        logger_.error(std::string("cannot take SIG") + sigabbrev_np(sig) + ": " + std::strerror(-r) +
                      (r == -EBUSY ? " (not blocked: see set_up_supervisor_process())" : ""));
        return r;
      }
      signal_sources_.emplace_back(source);
      sd_event_source_set_priority(source, kSignalPriority);
    }
  }

  RuntimeIdentity identity = RuntimeIdentity::current(options_.scope, options_.environment);
  if (options_.unit_dirs.empty())
    options_.unit_dirs = options_.systemd_unit_paths
                             ? systemd_unit_dirs(options_.scope, identity, options_.environment)
                             : default_unit_dirs(options_.scope, identity);
  if (options_.preset_dirs.empty())
    options_.preset_dirs = options_.systemd_unit_paths ? systemd_preset_dirs(options_.scope)
                                                       : default_preset_dirs(options_.scope, identity);
  if (options_.runtime_dir.empty()) {
    if (options_.scope == RuntimeScope::user && identity.runtime_dir.empty()) {
      logger_.error("--user needs XDG_RUNTIME_DIR (or --runtime-dir)");
      return -EINVAL;
    }
    options_.runtime_dir = (options_.scope == RuntimeScope::system ? std::string("/run")
                                                                   : identity.runtime_dir) +
                           "/vermilion";
  }
  if (int r = make_directories(options_.runtime_dir); r < 0) {
    logger_.error("cannot create runtime directory " + options_.runtime_dir + ": " + std::strerror(-r));
    return r;
  }

  LinuxSystemOpsOptions ops_options;
  ops_options.scope = options_.scope;
  ops_options.runtime_root = options_.scope == RuntimeScope::system ? "/run" : identity.runtime_dir;
  // The roots of RuntimeDirectory=, StateDirectory=, ... are the manager's
  // prefixes that %t %S %C %L %E name (runtime_scope.h), so the two agree.
  ops_options.directory_roots = {ops_options.runtime_root, identity.state_dir, identity.cache_dir,
                                 identity.logs_dir, identity.config_dir};
  ops_options.lang = options_.environment.lang;
  std::vector<std::string> inherited_environment;
  if (options_.scope == RuntimeScope::user) {
    std::vector<std::string> own;
    for (char** e = environ; e && *e; ++e) own.emplace_back(*e);
    inherited_environment = user_manager_environment(own);
  }
  ops_options.inherited_environment = inherited_environment;
  ops_options.conditions = ConditionContext::current(options_.environment.user,
                                                     options_.environment.credentials_directory,
                                                     options_.environment.encrypted_credentials_directory);
  ops_options.reaper = reaper_.get();
  ops_options.state_dir = options_.runtime_dir;
  if (int r = LinuxSystemOps::create(ops_options, ops_); r < 0) {
    logger_.error(std::string("cannot set up process control: ") + std::strerror(-r));
    return r;
  }
  logger_.debug(ops_->uses_cgroups() ? "services run in cgroups under " + ops_->cgroup_directory()
                                     : std::string("cgroup v2 not writable: services tracked by session"));

  if (options_.use_journal) {
    if (int r = JournalWriter::open(JournalWriter::kDefaultSocketPath, journal_); r < 0 && r != -ENOENT)
      logger_.warning(std::string("journal not usable, keeping logs in memory only: ") + std::strerror(-r));
  }

  notify_path_ = options_.runtime_dir + "/notify";
  NotifySocketOptions notify_options;
  notify_options.path = notify_path_;
  notify_options.priority = kNotifyPriority;
  notify_options.on_message = [this](pid_t sender, uid_t, const NotifyMessage& message, std::vector<unique_fd>& fds) {
    manager_->on_notify(sender, message, &fds);
  };
  notify_options.on_problem = [this](const NotifyIncident& incident) {
    std::uint64_t suppressed = 0;
    if (!notify_problem_log_.allow(clock_now_usec(CLOCK_MONOTONIC), suppressed)) return;
    if (suppressed > 0)
      logger_.warning("notify socket: " + std::to_string(suppressed) + " problems were not logged (rate limit)");
    logger_.warning("notify socket: " + std::string(to_string(incident.problem)) + " (sender " +
                    std::to_string(incident.sender) + ", " + std::to_string(incident.detail) + ")");
  };
  if (int r = NotifySocket::create(loop, std::move(notify_options), notify_); r < 0) {
    logger_.error("cannot bind notify socket " + notify_path_ + ": " + std::strerror(-r));
    return r;
  }

  // Generators' output joins the search path where systemd puts it;
  // enablement still writes into the first configured directory.
  std::vector<std::string> load_dirs = options_.unit_dirs;
  if (options_.systemd_unit_paths && (options_.scope == RuntimeScope::system || !identity.runtime_dir.empty())) {
    generator_output_ = generator_output_dirs(options_.scope, identity);
    load_dirs = with_generator_output(std::move(load_dirs), *generator_output_);
  }
  UnitLoader loader(load_dirs, identity);
  for (auto& target : builtin_targets(options_.scope))
    loader.add_builtin(std::move(target.name), std::move(target.source_name), std::move(target.text));
  if (options_.bridge) {
    loader.add_builtin(std::string(kBridgeUnitName), std::string(kBridgeUnitSource),
                       bridge_unit_text(*options_.bridge, options_.scope));
    // The bridge is Vermilion's own face, not a package's service: it
    // starts at boot without anyone enabling it (a built-in unit has no
    // file an enable link could point to), as systemd pulls in its own
    // units. The want is by name, so a vermilion-bridge.service file that
    // replaces the built-in starts too, a mask (a link to /dev/null) still
    // keeps it down, and --no-bridge removes both.
    loader.add_builtin_want(std::string(kDefaultTarget), std::string(kBridgeUnitName));
  }
  source_ = std::make_unique<LoaderSource>(std::move(loader));
  manager_ = std::make_unique<Manager>(
      *source_, *ops_, *port_, *this,
      ManagerOptions{notify_path_, options_.scope == RuntimeScope::user, this},
      [this](const ServiceConfig& unit) { return log_fd_for(unit); });
  control_ = std::make_unique<ManagerControl>(
      *manager_,
      [this](const std::string& unit, std::size_t lines) {
        const OutputCapture* log = log_of(unit);
        return log ? log->buffer().tail(lines) : std::vector<LogLine>{};
      },
      [this](std::function<void()> done) { reload(std::move(done)); }, install_paths_for(options_.unit_dirs));
  // Sorted, as systemd keeps its manager environment.
  std::vector<std::string> environment =
      manager_environment(inherited_environment.empty() ? nullptr : &inherited_environment, options_.environment.lang);
  std::sort(environment.begin(), environment.end());
  control_->set_manager_facts(std::move(environment), load_dirs);
  broker_ = std::make_unique<Broker>(*control_, logger_, options_.broker_limits);
  if (options_.policy_dirs.empty()) options_.policy_dirs = default_policy_dirs(identity);
  return 0;
}

void Supervisor::report_bridge_unit() {
  const std::string name(kBridgeUnitName);
  const Service* bridge = manager_->find(name);
  if (bridge == nullptr) {
    logger_.info(name + ": masked, running without the D-Bus bridge");
    return;
  }
  if (bridge->config().fragment_path != kBridgeUnitSource) {
    logger_.info(name + ": replaced by " + bridge->config().fragment_path);
    return;
  }
  // Not fatal: the unit fails like any service whose program is missing
  // (status 203) and everything else runs. Said up front, with the way out.
  const std::string& executable = options_.bridge->executable;
  if (::access(executable.c_str(), X_OK) < 0)
    logger_.warning(name + ": bridge executable " + executable + ": " + std::strerror(errno) +
                    "; the unit will fail (see --bridge-path, --no-bridge)");
}

int Supervisor::log_fd_for(const ServiceConfig& config) {
  const std::string& unit = config.name;
  auto it = logs_.find(unit);
  if (it != logs_.end()) {
    it->second->set_syslog(config.syslog, default_syslog_identifier(config));
    it->second->set_extra_fields(config.log_extra_fields);
    return it->second->write_fd();
  }
  OutputCaptureOptions log_options;
  log_options.unit_name = unit;
  log_options.priority = kLogPriority;
  log_options.buffer_bytes = options_.log_buffer_bytes;
  log_options.journal = journal_.get();
  std::unique_ptr<OutputCapture> log;
  if (int r = OutputCapture::create(loop_.get(), std::move(log_options), log); r < 0) {
    logger_.error(unit + ": cannot capture output: " + std::strerror(-r));
    return -1;
  }
  log->set_syslog(config.syslog, default_syslog_identifier(config));
  log->set_extra_fields(config.log_extra_fields);
  if (logger_.enabled(LogLevel::debug))
    log->set_listener([this, unit](const LogLine& line) { logger_.debug(unit + "| " + line.text); });
  int fd = log->write_fd();
  logs_[unit] = std::move(log);
  return fd;
}

const OutputCapture* Supervisor::log_of(const std::string& unit) const {
  auto normalized = normalize_service_name(unit);
  if (!normalized) return nullptr;
  auto it = logs_.find(*normalized);
  if (it == logs_.end() && manager_) {
    // An alias: look up the unit's real name.
    if (Service* s = manager_->find(unit)) it = logs_.find(s->name());
  }
  return it == logs_.end() ? nullptr : it->second.get();
}

void Supervisor::report(const Diagnostics& diags) {
  for (const auto& d : diags.items())
    logger_.log(d.severity == Severity::error ? LogLevel::error : LogLevel::warning,
                format_diagnostic(d));
}

void Supervisor::reload_policies() {
  Diagnostics diags;
  PolicySet policy = load_policies(options_.policy_dirs, diags);
  report(diags);
  broker_->apply_policy(policy);
  logger_.info("policies: " + std::to_string(policy.grants.size()) + " grants from " +
               std::to_string(policy.files.size()) + " files");
}

std::vector<unique_fd> Supervisor::prepare(const ServiceConfig& config, ProcessRole /*role*/, SpawnRequest& request) {
  std::vector<unique_fd> child_fds;
  // systemd's socket activation protocol: fds from 3 on, named, with
  // LISTEN_PID set by the child itself.
  if (!request.exec_is_control) {  // ExecStart= (EXEC_PASS_FDS), a forking service's too
    std::vector<Broker::PassedFd> listen = broker_->listen_fds(config.name);
    for (const auto& [fd, name] : request.stored_fds) listen.push_back({fd, name});
    if (!listen.empty()) {
      std::string names;
      for (const auto& fd : listen) {
        request.pass_fds.push_back(fd.fd);
        names += (names.empty() ? "" : ":") + fd.name;
      }
      request.extra_environment.push_back("LISTEN_FDS=" + std::to_string(listen.size()));
      request.extra_environment.push_back("LISTEN_FDNAMES=" + names);
      request.set_listen_pid = true;
    }
  }
  if (!broker_->has_capabilities(config.name)) return child_fds;
  fd_pair pair;
  if (int r = make_socketpair(pair, AF_UNIX, SOCK_STREAM); r < 0) {
    logger_.error(config.name + ": cannot make the private link: " + std::strerror(-r));
    return child_fds;
  }
  std::unique_ptr<LinkServer> link;
  int r = LinkServer::create(loop_.get(), *broker_, config.name, std::move(pair.first),
                             [this](LinkServer& closed, const std::string& reason) {
                               if (closed.misbehaved()) {
                                 // A stuck child: its service's Restart= decides what follows.
                                 logger_.warning(closed.holder() + ": private link cut: " + reason +
                                                 "; killing its main process");
                                 if (Service* s = manager_->find(closed.holder()))
                                   (void)s->kill(KillTarget::main, SIGKILL);
                               } else {
                                 logger_.debug(closed.holder() + ": private link closed: " + reason);
                               }
                               if (link_sweeper_) sd_event_source_set_enabled(link_sweeper_.get(), SD_EVENT_ONESHOT);
                             },
                             link);
  if (r < 0) {
    logger_.error(config.name + ": cannot serve the private link: " + std::strerror(-r));
    return child_fds;
  }
  links_.push_back(std::move(link));
  request.extra_environment.push_back("VERMILION_BROKER_FD=" + std::to_string(3 + request.pass_fds.size()));
  request.pass_fds.push_back(pair.second.get());
  child_fds.push_back(std::move(pair.second));
  return child_fds;
}

void Supervisor::sweep_closed_links() {
  std::erase_if(links_, [](const std::unique_ptr<LinkServer>& l) { return l->closed(); });
}

void Supervisor::start() {
  if (!link_sweeper_) {
    sd_event_source* s = nullptr;
    if (sd_event_add_defer(loop_.get(), &s,
                           [](sd_event_source*, void* self) {
                             static_cast<Supervisor*>(self)->sweep_closed_links();
                             return 0;
                           },
                           this) >= 0) {
      link_sweeper_.reset(s);
      sd_event_source_set_enabled(s, SD_EVENT_OFF);
    }
  }
  reload_policies();
  run_generators([this] { load_and_boot(); });
}

void Supervisor::load_presets() {
  Diagnostics diags;
  control_->load_presets(options_.preset_dirs, diags);
  report(diags);
}

void Supervisor::load_and_boot() {
  Diagnostics diags;
  manager_->load_units(diags);
  report(diags);
  load_presets();
  logger_.info("loaded " + std::to_string(manager_->services().size()) + " units from " +
               std::to_string(options_.unit_dirs.size()) + " directories");
  if (options_.bridge) report_bridge_unit();
  watch_unit_files();
  if (options_.start_boot_units && !shutting_down_) manager_->start_boot_units();
}

// How long a change in the unit directories waits for more before the check.
constexpr usec_t kUnitFilesSettle = 100'000;

void Supervisor::watch_unit_files() {
  unit_files_watch_.reset();
  if (shutting_down_) {
    unit_files_watch_fd_.reset();
    return;
  }
  // The old fd stays open until the new one replaces it: vermiliond's fd
  // count does not dip while the timer waits (the soaks compare it).
  std::vector<std::string> dirs = source_->watched_directories();
  for (auto& dir : manager_->unit_file_directories()) dirs.push_back(std::move(dir));
  unique_fd fd;
  if (int r = open_directories_watch(dirs, fd); r < 0) {
    if (r != unit_files_watch_error_)
      logger_.warning(std::string("cannot watch the unit directories (NeedDaemonReload will not see changes): ") +
                      std::strerror(-r));
    unit_files_watch_error_ = r;
    return;
  }
  unit_files_watch_error_ = 0;
  // What the old watch saw and nobody handled yet (an edit during a reload's
  // check) still gets a check.
  if (unit_files_watch_fd_) {
    pollfd old{unit_files_watch_fd_.get(), POLLIN, 0};
    if (poll(&old, 1, 0) > 0) arm_unit_files_check();
  }
  unit_files_watch_fd_ = std::move(fd);
  unit_files_watch_ = port_->watch_readable(unit_files_watch_fd_.get(), [this] {
    unit_files_watch_.reset();
    // Emptied, so that it is readable again only for a later change (see
    // above); a storm of events ends the loop as the check will come anyway.
    char events[4096];
    for (int i = 0; i < 64 && read(unit_files_watch_fd_.get(), events, sizeof events) > 0; ++i) {
    }
    arm_unit_files_check();
  });
  if (!unit_files_watch_) logger_.warning("cannot watch the unit directories' inotify fd");
}

void Supervisor::arm_unit_files_check() {
  if (!unit_files_timer_) unit_files_timer_ = port_->make_timer([this] { on_unit_files_changed(); });
  if (unit_files_timer_->deadline() == kUsecInfinity)
    unit_files_timer_->arm(deadline_after(port_->now_monotonic(), kUnitFilesSettle));
}

void Supervisor::on_unit_files_changed() {
  logger_.debug("the unit directories changed: checking every unit's files");
  watch_unit_files();  // first, so that nothing changed during the check is missed
  manager_->check_unit_files();
}

void Supervisor::run_generators(std::function<void()> then) {
  if (!generator_output_) return then();
  after_generators_.push_back(std::move(then));
  if (!generators_running_.empty()) return;
  if (int r = reset_generator_output(*generator_output_); r < 0) {
    logger_.error("cannot prepare " + generator_output_->normal + "{,.early,.late}: " + std::strerror(-r) +
                  "; running no generators");
    return finish_generators();
  }
  std::vector<std::string> env_strings;
  for (char** e = environ; e && *e; ++e)
    if (!std::string_view(*e).starts_with("SYSTEMD_SCOPE=")) env_strings.emplace_back(*e);
  env_strings.push_back(std::string("SYSTEMD_SCOPE=") +
                        (options_.scope == RuntimeScope::system ? "system" : "user"));
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  // The child starts with no signal blocked and every disposition at its
  // default (vermiliond blocks SIGCHLD, SIGTERM, ...), stdin /dev/null,
  // output to vermiliond's log.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, options_.log_fd, 1);
  posix_spawn_file_actions_adddup2(&actions, options_.log_fd, 2);
  std::string normal = generator_output_->normal, early = generator_output_->early, late = generator_output_->late;
  for (std::string path : find_generators(generator_search_dirs(options_.scope))) {
    char* argv[] = {path.data(), normal.data(), early.data(), late.data(), nullptr};
    pid_t pid = 0;
    if (int r = posix_spawn(&pid, path.c_str(), &actions, &attr, argv, envp.data()); r != 0) {
      logger_.warning("generator " + path + ": cannot run: " + std::strerror(r));
      continue;
    }
    reaper_->forked(pid);
    generators_running_.emplace(pid, path);
  }
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (generators_running_.empty()) return finish_generators();
  sd_event_source* timer = nullptr;
  if (sd_event_add_time_relative(
          loop_.get(), &timer, CLOCK_MONOTONIC, kGeneratorTimeout, 0,
          [](sd_event_source*, uint64_t, void* userdata) {
            auto* self = static_cast<Supervisor*>(userdata);
            for (const auto& entry : self->generators_running_) {
              self->logger_.warning("generator " + entry.second + ": still running after 90 s, killed");
              ::kill(entry.first, SIGKILL);
            }
            return 0;
          },
          this) >= 0)
    generator_timer_.reset(timer);
}

void Supervisor::generator_exited(const ChildExit& exit) {
  auto it = generators_running_.find(exit.pid);
  if (exit.code != CLD_EXITED || exit.status != 0)
    logger_.warning("generator " + it->second +
                    (exit.code == CLD_EXITED ? " failed with exit status " : " killed by signal ") +
                    std::to_string(exit.status));
  generators_running_.erase(it);
  if (generators_running_.empty()) finish_generators();
}

void Supervisor::finish_generators() {
  generator_timer_.reset();
  auto then = std::move(after_generators_);
  after_generators_.clear();
  for (auto& f : then) f();
}

void Supervisor::reload(std::function<void()> done) {
  run_generators([this, done = std::move(done)] {
    reload_units();
    if (done) done();
  });
}

void Supervisor::reload_units() {
  logger_.info("reloading units");
  Diagnostics diags;
  manager_->reload_units(diags);
  report(diags);
  watch_unit_files();  // drop-in directories made since, and units' new places
  load_presets();
  logger_.info("reloaded: " + std::to_string(manager_->services().size()) + " units");
  reload_policies();
  broker_->reloaded();
}

int Supervisor::run() {
  start();
  int r = sd_event_loop(loop_.get());
  if (r < 0) {
    logger_.error(std::string("event loop failed: ") + std::strerror(-r));
    return EXIT_FAILURE;
  }
  logger_.info("all services stopped, exiting");
  return exit_status_;
}

bool Supervisor::run_until(const std::function<bool()>& done, usec_t timeout_usec) {
  usec_t deadline = deadline_after(port_->now_monotonic(), timeout_usec);
  while (!done()) {
    usec_t now = clock_now_usec(CLOCK_MONOTONIC);
    if (now >= deadline) return false;
    // Conditions on the outside world (a file, /proc) come with no event:
    // look again at least every 100 ms.
    if (sd_event_run(loop_.get(), std::min<usec_t>(deadline - now, 100'000)) < 0) return false;
    if (sd_event_get_state(loop_.get()) == SD_EVENT_FINISHED) return done();
  }
  return true;
}

bool Supervisor::shutdown(usec_t timeout_usec) {
  bool stopped = false;
  shutting_down_ = true;
  manager_->stop_all([&stopped] { stopped = true; });
  return run_until([&stopped] { return stopped; }, timeout_usec);
}

int Supervisor::on_signal(sd_event_source*, const struct signalfd_siginfo* info, void* userdata) {
  return event_guard("a signal", [&] {
    auto* self = static_cast<Supervisor*>(userdata);
    switch (info->ssi_signo) {
      case SIGHUP: self->reload(); break;
      case SIGTERM:
      case SIGINT:
        if (self->shutting_down_) break;
        self->shutting_down_ = true;
        self->logger_.info(std::string("received SIG") + sigabbrev_np(static_cast<int>(info->ssi_signo)) +
                           ", stopping all services");
        self->manager_->stop_all([self] { self->exit_after_helpers(EXIT_SUCCESS); });
        break;
      default: break;
    }
    return 0;
  });
}

// SuccessAction=/FailureAction= (systemd's emergency_action()): every action
// ends vermiliond as SIGTERM does, with the unit's exit status. The machine
// actions (reboot, poweroff, halt, kexec; system scope only) do the same: a
// supervisor owns its services, not the machine (README). exit-force and
// the -force/-immediate variants stop the services as exit does: stopping
// them in order is the only stop vermiliond has, and leaving them running
// unsupervised would be worse.
void Supervisor::on_emergency_action(const std::string& unit, const char* key, EmergencyAction action,
                                     int exit_status) noexcept {
  drop_if_out_of_memory("an emergency action", [&] {
    if (shutting_down_) return;
    shutting_down_ = true;
    exit_status_ = exit_status >= 0 ? exit_status : EXIT_SUCCESS;
    logger_.info(unit + ": " + key + "=" + to_string(action) + ", stopping all services and exiting with status " +
                 std::to_string(exit_status_));
    manager_->stop_all([this] { exit_after_helpers(exit_status_); });
  });
}

// The helpers are waited for so that none outlives vermiliond (a stop of
// everything leaves no process), but not forever: a removal stuck on a
// hung file system must not keep it from exiting.
void Supervisor::exit_after_helpers(int status) {
  exiting_with_ = status;
  if (!reaper_ || reaper_->helpers_running() == 0) {
    sd_event_exit(loop_.get(), status);
    return;
  }
  sd_event_source* timer = nullptr;
  const int r = sd_event_add_time_relative(
      loop_.get(), &timer, CLOCK_MONOTONIC, kHelperExitWait, 0,
      [](sd_event_source*, uint64_t, void* userdata) {
        auto* self = static_cast<Supervisor*>(userdata);
        self->logger_.warning(std::to_string(self->reaper_->helpers_running()) +
                              " helper processes (removing PrivateTmp= directories or IPC objects, writing utmp) still running "
                              "after 10 s; "
                              "exiting without them");
        sd_event_exit(self->loop_.get(), *self->exiting_with_);
        return 0;
      },
      this);
  if (r < 0) {
    sd_event_exit(loop_.get(), status);
    return;
  }
  helper_exit_timer_.reset(timer);
}

// Every child the reaper collected: a service's, or (every_child) an
// orphan reparented to us, which no service owns.
void Supervisor::on_child_exited(const ChildExit& exit) {
  if (exiting_with_ && reaper_->helpers_running() == 0) sd_event_exit(loop_.get(), *exiting_with_);
  if (generators_running_.contains(exit.pid)) return generator_exited(exit);
  if (!manager_) return;
  // Whatever it printed last is read before its exit is acted on.
  if (const Service* owner = manager_->owner_of(exit.pid)) {
    auto log = logs_.find(owner->name());
    if (log != logs_.end()) (void)log->second->drain();
  }
  manager_->on_child_exited(exit.pid, ExitInfo{exit.code, exit.status});
}

// The manager's snapshot goes on as it is: logged, and through the broker
// to the links that watch.
void Supervisor::on_unit_state_changed(const ServiceStatus& status, const StateChange& change) noexcept {
  drop_if_out_of_memory("a state change", [&] {
    logger_.info(describe_state(status));
    if (broker_) broker_->service_state_changed(status);
    if (change.new_active == ActiveState::inactive || change.new_active == ActiveState::failed) {
      auto log = logs_.find(status.name);
      if (log != logs_.end()) log->second->flush_partial();
    }
  });
}

void Supervisor::on_unit_properties_changed(const ServiceStatus& status) noexcept {
  drop_if_out_of_memory("a property change", [&] {
    if (broker_) broker_->service_properties_changed(status);
  });
}

void Supervisor::on_unit_message(const Service& service, std::string_view message) noexcept {
  drop_if_out_of_memory("a service message", [&] {
    logger_.info(service.name() + ": " + std::string(message));
  });
}

void Supervisor::on_manager_message(Severity severity, std::string_view message) noexcept {
  drop_if_out_of_memory("a manager message", [&] {
    logger_.log(severity == Severity::error ? LogLevel::error : LogLevel::warning, message);
  });
}

void Supervisor::on_job_finished(const std::string& unit, JobType type, JobResult result) noexcept {
  drop_if_out_of_memory("a finished job", [&] {
    LogLevel level = result == JobResult::done || result == JobResult::canceled ? LogLevel::debug
                                                                                  : LogLevel::warning;
    logger_.log(level, unit + ": job " + std::string(to_string(type)) + " finished: " +
                           std::string(to_string(result)));
  });
}

}  // namespace vermilion
