#include "supervision/manager.h"

#include <algorithm>
#include <csignal>

#include "common/out_of_memory.h"
#include "common/unit_name.h"
#include "exec/terminal.h"
#include "supervision/service_snapshot.h"
#include "units/target_unit.h"

namespace vermilion {

// Services arm timers and watch pidfds through this port; when one fires,
// the manager drains its queues right after, as after every other event.
class Manager::DrainingPort final : public EventPort {
 public:
  DrainingPort(EventPort& inner, Manager& manager) : inner_(inner), manager_(manager) {}
  [[nodiscard]] usec_t now_monotonic() const override { return inner_.now_monotonic(); }
  [[nodiscard]] usec_t now_realtime() const override { return inner_.now_realtime(); }
  [[nodiscard]] std::unique_ptr<Timer> make_timer(std::function<void()> on_fire) override {
    return inner_.make_timer([this, fire = std::move(on_fire)] {
      fire();
      manager_.process_queues();
    });
  }
  [[nodiscard]] std::unique_ptr<FdWatch> watch_readable(int fd, std::function<void()> on_ready) override {
    return inner_.watch_readable(fd, [this, ready = std::move(on_ready)] {
      ready();
      manager_.process_queues();
    });
  }

 private:
  EventPort& inner_;
  Manager& manager_;
};

namespace {

bool is_down(ActiveState s) { return s == ActiveState::inactive || s == ActiveState::failed; }
bool is_up(ActiveState s) { return s == ActiveState::active || s == ActiveState::reloading; }

// Whether Service::on_scope_maybe_empty() may have something to do: the
// service is on its stop path (it waits for its processes to be gone),
// starts as Type=forking (it may wait for its PID file while its processes
// live), or runs with no main PID known (Type=forking without PIDFile=: it
// lives as long as its scope). Wider than what the service checks, never
// narrower.
// Whether any process of the unit writes to the output pipe vermiliond
// reads (StandardOutput=/StandardError=journal, the default). Units whose
// output goes elsewhere get no pipe: two fds fewer each.
bool needs_log(const ServiceConfig& config) {
  if (config.unit_type == UnitType::target) return false;  // no process
  return config.standard_output.kind == OutputKind::journal || config.standard_error.kind == OutputKind::journal;
}

bool watches_scope(const Service& s) {
  if (s.active_state() == ActiveState::deactivating) return true;
  // A forking service starting may wait for its PIDFile= while its
  // daemon lives (Service::watches_scope()).
  if (s.active_state() == ActiveState::activating && s.config().type == ServiceType::forking) return true;
  if (s.awaits_ready_from_others()) return true;
  return s.sub_state() == SubState::running && s.main_pid() <= 0;
}

// Whether a unit a job needs (`asked`, found as `service` or not at all) is
// loaded; if not, the refusal naming it.
EnqueueResult check_loaded(const Service* service, const std::string& asked) {
  if (!service) return {EnqueueOutcome::not_found, asked};
  switch (service->config().load_state) {
    case LoadState::loaded: return {};
    case LoadState::not_found: return {EnqueueOutcome::not_found, service->name()};
    case LoadState::bad_setting: return {EnqueueOutcome::bad_setting, service->name()};
    case LoadState::error: return {EnqueueOutcome::load_failed, service->name()};
  }
  return {EnqueueOutcome::load_failed, service->name()};
}

}  // namespace

Manager::Manager(UnitSource& source, SystemOps& ops, EventPort& port, ManagerObserver& observer,
                 ManagerOptions options, LogFdProvider log_fd_for)
    : source_(source),
      ops_(ops),
      port_(std::make_unique<DrainingPort>(port, *this)),
      observer_(observer),
      options_(std::move(options)),
      log_fd_for_(std::move(log_fd_for)),
      idle_pipe_(port) {
  trigger_timer_ = port_->make_timer([this] { run_triggered_starts(); });
}

Manager::~Manager() {
  // Services go first: their timers live in the draining port.
  units_.clear();
}

// ---- units ---------------------------------------------------------------------

std::string Manager::canonical(const std::string& name) const {
  auto it = aliases_.find(name);
  return it == aliases_.end() ? name : it->second;
}

Manager::Unit& Manager::add_unit(ServiceConfig config) {
  std::string name = config.name;
  for (const auto& alias : config.aliases)
    if (alias != name) aliases_[alias] = name;
  auto unit = std::make_unique<Unit>();
  int log_fd = log_fd_for_ && needs_log(config) ? log_fd_for_(config) : -1;
  unit->service = std::make_unique<Service>(
      std::make_shared<const ServiceConfig>(std::move(config)),
      ServiceEnvironment{ops_, *port_, *this, options_.notify_socket, options_.user_manager,
                         options_.spawn_hook, &idle_pipe_, &ipc_owners_},
      log_fd);
  Unit& ref = *unit;
  units_[name] = std::move(unit);
  return ref;
}

void Manager::load_units(Diagnostics& diags) {
  for (const auto& name : source_.list_units()) {
    if (units_.count(name)) continue;
    add_unit(source_.load(name, diags));
  }
  rebuild_graph();
}

void Manager::reload_units(Diagnostics& diags) {
  std::set<std::string> listed;
  aliases_.clear();
  for (const auto& name : source_.list_units()) {
    listed.insert(name);
    ServiceConfig config = source_.load(name, diags);
    for (const auto& alias : config.aliases)
      if (alias != config.name) aliases_[alias] = config.name;
    auto it = units_.find(config.name);
    if (it == units_.end()) {
      add_unit(std::move(config));
    } else {
      it->second->removed = false;
      removed_.erase(config.name);
      give_log_if_needed(*it->second->service, config);
      it->second->service->replace_config(std::make_shared<const ServiceConfig>(std::move(config)));
    }
  }
  // Instances loaded on demand are not listed; they stay while their
  // template (or own file) still loads. A name that now loads another unit
  // (its file became an alias: `systemctl set-default` relinks
  // default.target) is gone as a unit of its own: it keeps its
  // configuration, so that it can still be stopped, and goes once down.
  for (auto& [name, unit] : units_) {
    if (listed.count(name)) continue;
    Diagnostics quiet;
    ServiceConfig config = source_.load(name, quiet);
    if (config.load_state == LoadState::not_found || config.name != name) {
      unit->removed = true;
      removed_.insert(name);
    } else {
      diags.append(quiet);
      give_log_if_needed(*unit->service, config);
      unit->service->replace_config(std::make_shared<const ServiceConfig>(std::move(config)));
    }
  }
  remove_vanished_units();
  rebuild_graph();
  // Fresh configurations: what changed on disk before is loaded now.
  check_unit_files();
}

void Manager::give_log_if_needed(Service& service, const ServiceConfig& config) {
  if (log_fd_for_ && service.log_fd() < 0 && needs_log(config)) service.set_log_fd(log_fd_for_(config));
}

void Manager::remove_vanished_units() {
  bool removed_any = false;
  for (auto name = removed_.begin(); name != removed_.end();) {
    auto it = units_.find(*name);
    if (it == units_.end() || !it->second->removed) {
      name = removed_.erase(name);
      continue;
    }
    Unit& unit = *it->second;
    if (!unit.job && is_down(unit.service->active_state())) {
      // Destroyed at the next drain: we may be inside one of its callbacks.
      waiting_.erase(*name);
      scope_watchers_.erase(*name);
      graveyard_.push_back(std::move(it->second));
      units_.erase(it);
      name = removed_.erase(name);
      removed_any = true;
    } else {
      ++name;
    }
  }
  if (removed_any) {
    for (auto it = aliases_.begin(); it != aliases_.end();)
      it = units_.count(it->second) ? std::next(it) : aliases_.erase(it);
  }
}

void Manager::rebuild_graph() {
  rebuild_bus_watchers();  // first: it may refuse a unit, replacing its configuration
  std::map<std::string, const ServiceConfig*> configs;
  for (const auto& [name, unit] : units_) configs[name] = &unit->service->config();
  RuntimeScope scope = options_.user_manager ? RuntimeScope::user : RuntimeScope::system;
  for (const auto& message :
       graph_.rebuild(configs, [this](const std::string& n) { return canonical(n); }, scope))
    observer_.on_manager_message(Severity::error, message);
}

void Manager::rebuild_bus_watchers() {
  // The units that watched a name keep it: the first to take a name holds
  // it, as systemd's unit_watch_bus_name() at load, whatever the names sort as.
  std::unordered_map<std::string, std::string> watchers;
  auto watches = [this](const std::string& unit, const std::string& bus_name) {
    auto it = units_.find(unit);
    if (it == units_.end()) return false;
    const ServiceConfig& config = it->second->service->config();
    return config.load_state == LoadState::loaded && config.bus_name.get() == bus_name;
  };
  for (const auto& [bus_name, unit] : bus_watchers_)
    if (watches(unit, bus_name)) watchers.emplace(bus_name, unit);
  for (auto& [name, unit] : units_) {
    Service& service = *unit->service;
    const std::string& bus_name = service.config().bus_name.get();
    if (bus_name.empty() || service.config().load_state != LoadState::loaded) continue;
    auto [it, added] = watchers.try_emplace(bus_name, name);
    if (!added && it->second != name) {
      observer_.on_manager_message(Severity::error, name + ": Two services allocated for the same bus name " +
                                                        bus_name + ", refusing operation.");
      // A unit that runs keeps running, unwatched, until it stops.
      if (is_down(service.active_state())) {
        auto refused = std::make_shared<ServiceConfig>(service.config());
        refused->load_state = LoadState::error;
        service.replace_config(std::move(refused));
      }
      continue;
    }
    bool owned = bus_owners_.count(bus_name) != 0;
    if (added && service.bus_name_owned() != owned) service.on_bus_name_owner(owned);
  }
  bus_watchers_ = std::move(watchers);
}

void Manager::set_bus_name_owner(const std::string& bus_name, const std::string& owner) {
  auto known = bus_owners_.find(bus_name);
  const std::string old = known == bus_owners_.end() ? std::string() : known->second;
  if (old == owner) return;
  if (owner.empty())
    bus_owners_.erase(known);
  else
    bus_owners_[bus_name] = owner;
  // Any other owner is news (systemd 252's service_bus_name_owner_change()),
  // also one owner replacing another: a restarted service's new process
  // while the old one's exit went unreported. Unique names never repeat.
  auto watcher = bus_watchers_.find(bus_name);
  if (watcher == bus_watchers_.end()) return;
  auto unit = units_.find(watcher->second);
  if (unit != units_.end()) unit->second->service->on_bus_name_owner(!owner.empty());
}

void Manager::on_bus_name_owners(const std::vector<std::pair<std::string, std::string>>& owners, bool complete) {
  if (complete) {
    // Names not in the list have no owner now; the listed ones, in order.
    std::unordered_map<std::string, std::string> listed;
    for (const auto& [name, owner] : owners) listed[name] = owner;
    std::vector<std::string> gone;
    for (const auto& [name, owner] : bus_owners_)
      if (!listed.count(name)) gone.push_back(name);
    for (const auto& name : gone) set_bus_name_owner(name, "");
  }
  for (const auto& [name, owner] : owners) set_bus_name_owner(name, owner);
  process_queues();
}

Manager::Unit* Manager::resolve(const std::string& name, bool load_if_missing) {
  auto normalized = normalize_unit_name(name);
  if (!normalized) return nullptr;
  std::string full = canonical(*normalized);
  auto it = units_.find(full);
  if (it != units_.end()) return it->second.get();
  if (!load_if_missing) return nullptr;
  // Instances of templates (and units added since the last reload) load on
  // first use, as in systemd.
  Diagnostics diags;
  ServiceConfig config = source_.load(full, diags);
  for (const auto& d : diags.items()) observer_.on_manager_message(d.severity, format_diagnostic(d));
  if (config.load_state == LoadState::not_found) return nullptr;
  Unit& unit = add_unit(std::move(config));
  rebuild_graph();
  return &unit;
}

int Manager::cancel_job(const std::string& name) {
  Unit* unit = resolve(name, false);
  if (!unit) return -ENOENT;
  if (!unit->job) return -ESRCH;
  finish_job(*unit, JobResult::canceled);
  process_queues();  // the waiters hear it now, after what the cancel changed
  return 0;
}

Service* Manager::find(const std::string& name) {
  Unit* unit = resolve(name, false);
  return unit ? unit->service.get() : nullptr;
}

std::vector<const Service*> Manager::services() const {
  std::vector<const Service*> out;
  out.reserve(units_.size());
  for (const auto& [_, unit] : units_) out.push_back(unit->service.get());
  return out;
}

std::vector<std::string> Manager::unit_file_directories() const {
  std::set<std::string> dirs;
  auto add = [&dirs](const std::string& path) {
    auto slash = path.rfind('/');
    if (slash != std::string::npos && slash > 0 && path[0] == '/') dirs.insert(path.substr(0, slash));
  };
  for (const auto& [name, unit] : units_) {
    const ServiceConfig& config = unit->service->config();
    if (!config.fragment_builtin) add(config.fragment_path);
    for (const auto& drop_in : config.drop_in_paths) add(drop_in);
  }
  return {dirs.begin(), dirs.end()};
}

void Manager::check_unit_files() {
  for (auto& [name, unit] : units_) {
    Service& service = *unit->service;
    const bool changed = source_.need_daemon_reload(service.config());
    if (changed == service.need_daemon_reload()) continue;
    service.set_need_daemon_reload(changed);
    on_properties_changed(service);
  }
  process_queues();
}

ServiceStatus Manager::status(const Service& service) const {
  return status_of(service, graph_.listed(service.name()));
}

const Service* Manager::owner_of(pid_t pid) const {
  auto it = pid_owner_.find(pid);
  if (it == pid_owner_.end() || it->second.empty()) return nullptr;
  auto unit = units_.find(it->second.front());
  return unit == units_.end() ? nullptr : unit->second->service.get();
}

const Service* Manager::service_of_process(pid_t pid) const {
  if (pid <= 0) return nullptr;
  if (const Service* owner = owner_of(pid)) return owner;
  std::string name;
  if (ops_.scope_owner(pid, name) != 0) return nullptr;
  auto unit = units_.find(name);
  return unit == units_.end() ? nullptr : unit->second->service.get();
}

bool Manager::has_jobs() const { return job_count_ > 0; }

// ---- requests ----------------------------------------------------------------

EnqueueResult Manager::enqueue(JobType type, const std::string& name, JobCallback done, JobMode mode) {
  // manager_add_job()'s checks of the mode, before the unit is looked at.
  if (mode == JobMode::isolate) {
    if (type != JobType::start) return {EnqueueOutcome::invalid_job_mode, name, "Isolate is only valid for start."};
    return isolate(name, std::move(done));
  }
  if (mode == JobMode::triggering && type != JobType::stop)
    return {EnqueueOutcome::invalid_job_mode, name, "--job-mode=triggering is only valid for stop."};
  Transaction tr;
  EnqueueResult r = plan_job(tr, type, name, std::move(done), mode);
  if (r.queued()) r = commit(tr, mode);
  process_queues();
  return r;
}

std::optional<JobType> Manager::Transaction::job_of(const Unit& unit) const {
  auto it = outcome.find(&unit);
  if (it != outcome.end()) return it->second;
  return unit.job ? std::optional(unit.job->type) : std::nullopt;
}

void Manager::Transaction::add(Unit& unit, JobType type, const Unit* by, bool required, JobCallback done) {
  std::optional<JobType> now = job_of(unit);
  std::optional<JobType> merged = now ? merged_job_type(*now, type, is_up(unit.service->active_state())) : type;
  if (!merged) merged = type;  // a stop against a start: the newer wins
  if (!now || *merged != *now) outcome[&unit] = *merged;
  jobs.push_back({&unit, *merged, std::move(done), by, required});
}

void Manager::Transaction::keep(Unit& unit, const Unit* by, bool required) {
  jobs.push_back({&unit, std::nullopt, {}, by, required});
}

// Whatever requires a stopped unit, or is part of it, stops too; the
// propagation goes on through units already down (systemd adds their stop
// jobs all the same), which get no job themselves unless they have one to
// reverse, and not into `keep`.
void Manager::plan_stop_dependents(Transaction& tr, Unit& root, const std::set<std::string>* keep) {
  walk_stop_dependents(
      root.service->name(),
      [&](const std::string& from, const std::string& dependent) {
        if (keep && keep->count(dependent)) return false;
        Unit* d = resolve(dependent, false);
        if (!d) return false;
        const std::optional<JobType> now = tr.job_of(*d);
        if ((!is_down(d->service->active_state()) || now) && now != JobType::stop)
          tr.add(*d, JobType::stop, resolve(from, false), true);
        else
          tr.keep(*d, resolve(from, false), true);  // a link of the chain all the same (matters to the anchor)
        return true;
      },
      true);
}

EnqueueResult Manager::isolate(const std::string& name, JobCallback done) {
  auto normalized = normalize_unit_name(name);
  if (!normalized) return {EnqueueOutcome::invalid_name, name};
  Unit* root = resolve(*normalized, true);
  if (!root) return {EnqueueOutcome::not_found, *normalized};
  if (EnqueueResult r = check_loaded(root->service.get(), root->service->name()); !r.queued()) return r;
  if (!root->service->config().allow_isolate) return {EnqueueOutcome::no_isolation, root->service->name()};
  Transaction tr;
  if (EnqueueResult r = plan_job(tr, JobType::start, *normalized, std::move(done), JobMode::isolate); !r.queued()) {
    process_queues();
    return r;
  }
  const std::set<std::string> kept = tr.pulled;
  std::vector<std::string> to_stop;
  for (const auto& [unit_name, unit] : units_) {
    if (kept.count(unit_name) || !unit->service) continue;
    if (unit->service->config().ignore_on_isolate) continue;
    if (is_down(unit->service->active_state()) && !unit->job) continue;  // nothing to stop
    to_stop.push_back(unit_name);
  }
  for (const auto& unit_name : to_stop) {
    Unit* unit = resolve(unit_name, false);
    if (!unit || tr.job_of(*unit) == JobType::stop) continue;
    tr.add(*unit, JobType::stop, nullptr, true);
    // As a stop does: what requires it stops too, but for what the start keeps.
    plan_stop_dependents(tr, *unit, &kept);
  }
  EnqueueResult r = commit(tr, JobMode::isolate);
  process_queues();
  return r;
}

EnqueueResult Manager::plan_job(Transaction& tr, JobType type, const std::string& name, JobCallback done,
                                JobMode mode) {
  auto normalized = normalize_unit_name(name);
  if (!normalized) return {EnqueueOutcome::invalid_name, name};
  Unit* root = resolve(*normalized, true);
  if (!root) return {EnqueueOutcome::not_found, *normalized};
  const std::string root_name = root->service->name();
  // A stop needs nothing loaded: a broken unit can still be stopped.
  if (type != JobType::stop) {
    if (EnqueueResult r = check_loaded(root->service.get(), root_name); !r.queued()) return r;
  }
  tr.anchor = root;
  tr.anchor_type = type;
  // transaction_add_job_and_dependencies() with ignore_requirements: the
  // job alone, nothing pulled in, stopped or propagated.
  if (mode == JobMode::ignore_dependencies || mode == JobMode::ignore_requirements) {
    tr.add(*root, type, nullptr, true, std::move(done));
    tr.pulled.insert(root_name);
    return {};
  }

  if (type == JobType::start || type == JobType::restart) {
    auto service_of = [](const Unit* unit) -> const Service* { return unit ? unit->service.get() : nullptr; };
    // The requirement closure must be loadable before anything is planned.
    // Each pull is one link: from whom, and whether it is a requirement.
    struct Pull {
      std::string unit;
      std::string by;  // "" for the anchor
      bool required;
    };
    std::vector<Pull> todo{{root_name, "", true}};
    std::set<std::string> seen, verified;
    std::vector<Pull> pulls;  // every link, the first to each unit first
    while (!todo.empty()) {
      Pull current = todo.back();
      todo.pop_back();
      pulls.push_back(current);
      if (!seen.insert(current.unit).second) continue;
      // Copies: resolve() loads units on first use (template instances),
      // which rebuilds the graph under a reference into it.
      const DependencyGraph::NameSet requisites = graph_.requisites(current.unit).owned();
      const DependencyGraph::NameSet requirements = graph_.requirements(current.unit).owned();
      DependencyGraph::NameSet wants = graph_.wants(current.unit).owned();
      const DependencyGraph::Names upholds = graph_.upholds(current.unit);  // pulled in as Wants= is
      wants.insert(upholds.begin(), upholds.end());
      // Requisites are not started, only required to load here; whether they
      // are active is checked when the job runs (run_job), as systemd's
      // verify-active jobs do.
      for (const auto& dep : requisites) {
        if (EnqueueResult r = check_loaded(service_of(resolve(dep, true)), dep); !r.queued()) return r;
        verified.insert(dep);
      }
      for (const auto& dep : requirements) {
        Unit* required = resolve(dep, true);
        if (EnqueueResult r = check_loaded(service_of(required), dep); !r.queued()) return r;
        todo.push_back({required->service->name(), current.unit, true});
      }
      for (const auto& dep : wants) {
        Unit* w = resolve(dep, true);
        if (check_loaded(service_of(w), dep).queued())
          todo.push_back({w->service->name(), current.unit, false});
        else
          observer_.on_manager_message(Severity::warning,
                                       current.unit + " wants " + dep + ", which is not loadable; skipping it");
      }
    }
    std::set<std::string> planned;
    for (const Pull& pull : pulls) {
      Unit* unit = resolve(pull.unit, false);
      const Unit* by = pull.by.empty() ? nullptr : resolve(pull.by, false);
      const std::string& n = unit->service->name();
      // An isolate keeps the requisites too (their verify-active jobs are
      // in systemd's transaction).
      tr.pulled.insert(n);
      const bool first = planned.insert(n).second;
      if (unit == root && first) {
        tr.add(*unit, type, nullptr, true, std::move(done));
      } else if (std::optional<JobType> now = tr.job_of(*unit); !now || *now == JobType::stop) {
        tr.add(*unit, JobType::start, by, pull.required);
      } else {
        tr.keep(*unit, by, pull.required);  // merges with the job it has
      }
      if (!first) continue;
      // Conflicts= it lists is a requirement of its job; another's on it
      // (ConflictedBy=) is not (UNIT_ATOM_PULL_IN_STOP_IGNORED).
      const DependencyGraph::Names listed = graph_.listed_conflicts(n);
      const DependencyGraph::NameSet conflicts = graph_.conflicts(n).owned();
      for (const auto& other : conflicts) {
        Unit* c = resolve(other, false);
        if (c && !is_down(c->service->active_state()))
          tr.add(*c, JobType::stop, unit, std::find(listed.begin(), listed.end(), other) != listed.end());
      }
    }
    tr.pulled.insert(verified.begin(), verified.end());
    if (type == JobType::restart) {
      // Units that require this one, or are part of it, restart with it if
      // they are running (systemd propagates a restart as try-restart), and
      // so on from each of them; a unit that is down ends the chain.
      walk_stop_dependents(root_name, [&](const std::string& from, const std::string& dependent) {
        Unit* d = resolve(dependent, false);
        if (!d || !is_up(d->service->active_state())) return false;
        if (!tr.job_of(*d))
          tr.add(*d, JobType::restart, resolve(from, false), true);
        else
          tr.keep(*d, resolve(from, false), true);
        return true;
      });
    }
  } else if (type == JobType::stop) {
    tr.add(*root, JobType::stop, nullptr, true, std::move(done));
    plan_stop_dependents(tr, *root, nullptr);
  } else {
    tr.add(*root, JobType::reload, nullptr, true, std::move(done));
    plan_reload_propagation(tr, *root);
  }
  return {};
}

// Mode `fail` only, so that other requests (a boot's start of thousands of
// units) pay nothing for it. Worklists over indexes of the planned links:
// linear in the transaction's size.
std::set<const Manager::Unit*> Manager::left_out_in_mode_fail(const Transaction& tr) {
  std::map<const Unit*, std::vector<const PlannedJob*>> pulled_by, links_to;
  for (const PlannedJob& j : tr.jobs) {
    pulled_by[j.by].push_back(&j);
    links_to[j.unit].push_back(&j);
  }
  // Which jobs matter to the anchor (transaction_find_jobs_that_matter_to_anchor()):
  // the anchor's, and those required by one that matters.
  std::set<const Unit*> matters;
  std::vector<const Unit*> todo{nullptr};
  while (!todo.empty()) {
    const Unit* from = todo.back();
    todo.pop_back();
    for (const PlannedJob* j : pulled_by[from])
      if (j->required && matters.insert(j->unit).second) todo.push_back(j->unit);
  }
  // transaction_minimize_impact(): a job that does not matter is left out
  // where it would reverse a queued job or stop a unit that is up or coming
  // up, and with it what required it (transaction_delete_job(.., true)).
  std::set<const Unit*> dropped;
  for (const auto& [unit, type] : tr.outcome) {
    if (matters.count(unit)) continue;
    const ActiveState state = unit->service->active_state();
    const bool stops_running = type == JobType::stop && !is_down(state) && state != ActiveState::deactivating;
    const bool changes_existing = unit->job && jobs_conflict(unit->job->type, type);
    if (stops_running || changes_existing) todo.push_back(unit);
  }
  std::vector<const Unit*> gone;  // dropped, for the garbage collection below
  while (!todo.empty()) {
    const Unit* unit = todo.back();
    todo.pop_back();
    if (!dropped.insert(unit).second) continue;
    gone.push_back(unit);
    for (const PlannedJob* j : links_to[unit])
      if (j->required && j->by) todo.push_back(j->by);
  }
  // transaction_collect_garbage(): a job that only what was left out pulled
  // in goes too.
  while (!gone.empty()) {
    const Unit* unit = gone.back();
    gone.pop_back();
    for (const PlannedJob* child : pulled_by[unit]) {
      if (dropped.count(child->unit)) continue;
      const auto& pullers = links_to[child->unit];
      if (std::all_of(pullers.begin(), pullers.end(), [&](const PlannedJob* p) { return p->by && dropped.count(p->by); })) {
        dropped.insert(child->unit);
        gone.push_back(child->unit);
      }
    }
  }
  return dropped;
}

EnqueueResult Manager::commit(Transaction& tr, JobMode mode) {
  const std::set<const Unit*> dropped = mode == JobMode::fail ? left_out_in_mode_fail(tr) : std::set<const Unit*>{};
  // transaction_is_destructive(): what is left may not reverse a queued job
  // in mode `fail`, nor an irreversible one in any mode.
  for (const PlannedJob& j : tr.jobs) {
    auto type = tr.outcome.find(j.unit);
    const Unit& unit = *j.unit;
    if (type == tr.outcome.end() || dropped.count(&unit) || !unit.job) continue;
    if ((mode == JobMode::fail || unit.job->irreversible) && jobs_conflict(unit.job->type, type->second))
      return {EnqueueOutcome::destructive, unit.service->name(),
              "Transaction for " + tr.anchor->service->name() + "/" + std::string(to_string(tr.anchor_type)) +
                  " is destructive (" + unit.service->name() + " has '" + std::string(to_string(unit.job->type)) +
                  "' job queued, but '" + std::string(to_string(type->second)) + "' is included in transaction)."};
  }
  // transaction_apply(): `flush` cancels the queued jobs of every other
  // unit, without failing what depends on them (an isolate's stop jobs
  // replace them instead).
  if (mode == JobMode::flush) {
    std::set<const Unit*> members;
    for (const PlannedJob& j : tr.jobs)
      if (!dropped.count(j.unit)) members.insert(j.unit);
    std::vector<Unit*> others;
    for (auto& [name, unit] : units_)
      if (unit->job && !members.count(unit.get()) && !unit->service->config().ignore_on_isolate)
        others.push_back(unit.get());
    for (Unit* other : others) finish_job(*other, JobResult::canceled, false);
  }
  // Each unit's job once, as it ends up (a stop planned and then a start
  // is a start), in the order first planned.
  std::set<const Unit*> installed;
  for (PlannedJob& j : tr.jobs) {
    if (dropped.count(j.unit)) continue;
    auto final_type = tr.outcome.find(j.unit);
    bool fresh = false;
    if (final_type != tr.outcome.end() && installed.insert(j.unit).second) {
      fresh = !j.unit->job || jobs_conflict(j.unit->job->type, final_type->second);
      add_job(*j.unit, final_type->second, std::move(j.done));
    } else if (j.unit == tr.anchor && j.type && j.unit->job) {
      // The request merges with the job there (a reload asked for while
      // one runs runs again: add_job()).
      add_job(*j.unit, *j.type, std::move(j.done));
    } else if (!j.unit->job) {
      continue;
    }  // else part of the request, its job as it is: the flags still merge
    Job& job = *j.unit->job;
    const bool is_anchor = j.unit == tr.anchor;
    // As job_merge_into_installed(): once set, these stay.
    job.irreversible = job.irreversible || mode == JobMode::replace_irreversibly;
    job.ignore_order = job.ignore_order || (is_anchor && mode == JobMode::ignore_dependencies);
    // Requisite= is checked unless every request merged into the job ignores it.
    const bool ignores = is_anchor && (mode == JobMode::ignore_dependencies || mode == JobMode::ignore_requirements);
    job.ignore_requirements = fresh ? ignores : job.ignore_requirements && ignores;
  }
  return {};
}

// Each unit once, from `root` on through the units `next` names (a
// worklist, no recursion); `visit` says whether to go on from a unit. The
// names are copies: `visit` may load units, which rebuilds the graph.
void Manager::walk(const std::string& root, const std::function<DependencyGraph::NameSet(const std::string&)>& next,
                   const std::function<bool(const std::string&, const std::string&)>& visit) {
  std::vector<std::string> todo{root};
  std::set<std::string> seen;
  while (!todo.empty()) {
    std::string current = todo.back();
    todo.pop_back();
    if (!seen.insert(current).second) continue;
    for (const auto& unit : next(current))
      if (visit(current, unit)) todo.push_back(unit);
  }
}

// systemd 252's UNIT_ATOM_PROPAGATE_STOP/_RESTART: RequiredBy= (Requires=,
// BindsTo=, Requisite= on it) and ConsistsOf= (PartOf= on it), and for a
// stop also PropagatesStopTo=.
void Manager::walk_stop_dependents(const std::string& root,
                                   const std::function<bool(const std::string&, const std::string&)>& visit,
                                   bool stop) {
  walk(
      root,
      [this, stop](const std::string& current) {
        DependencyGraph::NameSet dependents = graph_.required_by(current).owned();
        const DependencyGraph::Names parts = graph_.consists_of(current);
        dependents.insert(parts.begin(), parts.end());
        if (stop) {
          const DependencyGraph::Names propagated = graph_.stop_propagates_to(current);
          dependents.insert(propagated.begin(), propagated.end());
        }
        return dependents;
      },
      visit);
}

// systemd 252's transaction_add_job_and_dependencies() for a reload: each
// unit of PropagatesReloadTo= gets a try-reload (a reload if it is active,
// nothing otherwise), and so on from each reloaded one. One that cannot
// reload is left out with a warning; one with a job of its own keeps it.
void Manager::plan_reload_propagation(Transaction& tr, Unit& root) {
  walk(
      root.service->name(), [this](const std::string& current) { return graph_.reload_propagates_to(current).owned(); },
      [&](const std::string& from, const std::string& name) {
        Unit* d = resolve(name, false);
        if (!d || !is_up(d->service->active_state())) return false;
        if (tr.job_of(*d)) {
          tr.keep(*d, resolve(from, false), true);  // its job stays; systemd's try-reload merges into it
          return false;
        }
        const ServiceConfig& config = d->service->config();
        if (config.unit_type == UnitType::target || config.exec_reload.empty()) {
          observer_.on_manager_message(Severity::warning, "Cannot add dependency reload job for " + name +
                                                              ", ignoring: Job type reload is not applicable for unit " +
                                                              name + ".");
          return false;
        }
        tr.add(*d, JobType::reload, resolve(from, false), true);
        return true;
      });
}

void Manager::set_job(Unit& unit, Job job) {
  if (!unit.job) ++job_count_;
  idle_pipe_.open();  // systemd's transaction_activate(): jobs, so a pipe
  unit.job = std::move(job);
  if (!unit.job->running) waiting_.insert(unit.service->name());
  arm_job_timer(unit, false);
}

void Manager::clear_job(Unit& unit) {
  if (unit.job) --job_count_;
  unit.job.reset();
  if (unit.job_timer) unit.job_timer->disarm();
}

void Manager::arm_job_timer(Unit& unit, bool running) {
  const ServiceConfig& config = unit.service->config();
  const usec_t span = running ? config.job_running_timeout : config.job_timeout;
  const bool armed = unit.job_timer && unit.job_timer->deadline() != kUsecInfinity;
  if (span == kUsecInfinity || (!running && armed)) return;
  const usec_t deadline = deadline_after(port_->now_monotonic(), span);
  if (armed && unit.job_timer->deadline() <= deadline) return;  // the earlier one stands
  if (!unit.job_timer)
    unit.job_timer = port_->make_timer([this, name = unit.service->name()] { on_job_timeout(name); });
  unit.job_timer->arm(deadline);
}

// systemd 252's job_dispatch_timer(): the job ends with result timeout,
// JobTimeoutAction= runs, and OnFailure= is triggered (finish_job()); the
// unit itself goes on as it was.
void Manager::on_job_timeout(const std::string& name) {
  Unit* unit = resolve(name, false);
  if (!unit || !unit->job) return;
  observer_.on_unit_message(*unit->service, "Job " + name + "/" + std::string(to_string(unit->job->type)) + " timed out.");
  const ServiceConfig& config = unit->service->config();
  if (config.job_timeout_action != EmergencyAction::none)
    observer_.on_emergency_action(name, "JobTimeoutAction", config.job_timeout_action, -1);
  finish_job(*unit, JobResult::timeout);
}

void Manager::add_job(Unit& unit, JobType type, JobCallback done) {
  if (unit.job) {
    Job& existing = *unit.job;
    // job_install(): a job that merges with the queued one joins it, its
    // waiters and flags kept; if that changes what the job does, it runs
    // (again) as the merged job.
    // A restart whose stop half is done is a start by now (systemd turns
    // it into one): another restart merges into it as a new restart.
    const JobType now = existing.type == JobType::restart && existing.restart_stopped ? JobType::start : existing.type;
    if (std::optional<JobType> merged = merged_job_type(now, type, is_up(unit.service->active_state()))) {
      if (done) existing.waiters.push_back(std::move(done));
      if (*merged == now) {
        if (type == JobType::reload && existing.running) existing.rerun = true;
        return;
      }
      existing.type = *merged;
      existing.restart_stopped = false;
      existing.rerun = false;  // the merged job runs from the start; no second pass of the old one
      if (existing.running) {
        existing.running = false;
        waiting_.insert(unit.service->name());
      }
      return;
    }
    // A newer, different request wins; whoever waited on the old one hears so.
    for (auto& w : existing.waiters)
      if (w) finished_callbacks_.push_back({std::move(w), JobResult::canceled});
    observer_.on_job_finished(unit.service->name(), existing.type, JobResult::canceled);
    clear_job(unit);
  }
  Job job{};
  job.type = type;
  set_job(unit, std::move(job));
  if (done) unit.job->waiters.push_back(std::move(done));
}

void Manager::finish_job(Unit& unit, JobResult result, bool propagate) {
  if (!unit.job) return;
  // The run ended (however it went): the job runs again. A cancel or a
  // timeout ends the job itself, re-run or not.
  if (unit.job->rerun && result != JobResult::canceled && result != JobResult::timeout) {
    unit.job->rerun = false;
    unit.job->running = false;
    waiting_.insert(unit.service->name());
    return;
  }
  Job job = std::move(*unit.job);
  clear_job(unit);
  observer_.on_job_finished(unit.service->name(), job.type, result);
  for (auto& w : job.waiters)
    if (w) finished_callbacks_.push_back({std::move(w), result});
  bool start_like = job.type == JobType::start || job.type == JobType::restart;
  if (propagate && start_like && result != JobResult::done && result != JobResult::skipped)
    fail_dependent_jobs(unit.service->name());
  // After the dependents' (job_finish_and_invalidate() fails them first).
  if (propagate) trigger_on_job_failure(*unit.service, result);
  // A unit down with no job lets its resources go (unit_may_gc()): a
  // restart job whose start never ran kept them until now.
  if (!unit.job) unit.service->release_resources();
}

// systemd 252's job_finish_and_invalidate(): a job that timed out or
// failed for a dependency triggers OnFailure= although the unit itself
// did not fail (a unit that fails triggers it from its state change).
void Manager::trigger_on_job_failure(const Service& service, JobResult result) {
  if (result != JobResult::timeout && result != JobResult::dependency) return;
  start_triggered(service, "OnFailure=", graph_.on_failure(service.name()), service.config().on_failure_job_mode);
}

// A unit that failed to start takes down the waiting start jobs of units that
// require it, transitively (a worklist, not recursion).
void Manager::fail_dependent_jobs(const std::string& failed_unit) {
  std::vector<std::string> todo{failed_unit};
  while (!todo.empty()) {
    std::string current = todo.back();
    todo.pop_back();
    for (const auto& dependent : graph_.required_by(current)) {
      Unit* d = resolve(dependent, false);
      if (!d || !d->job || d->job->running) continue;
      if (d->job->type != JobType::start && d->job->type != JobType::restart) continue;
      observer_.on_manager_message(Severity::error, "dependency failed for " + dependent + ": " +
                                                        current + " did not start");
      Job job = std::move(*d->job);
      clear_job(*d);
      observer_.on_job_finished(dependent, job.type, JobResult::dependency);
      for (auto& w : job.waiters)
        if (w) finished_callbacks_.push_back({std::move(w), JobResult::dependency});
      trigger_on_job_failure(*d->service, JobResult::dependency);
      todo.push_back(dependent);
    }
  }
}

bool Manager::runnable(const std::string& name, const Unit& unit) const {
  const Job& job = *unit.job;
  // No job waits for one that ignores ordering (systemd's job_is_runnable()).
  auto job_on = [this](const std::string& other) -> const Job* {
    auto it = units_.find(other);
    return it == units_.end() || !it->second->job || it->second->job->ignore_order ? nullptr : &*it->second->job;
  };
  auto is_stop_phase = [](const Job& j) {
    return j.type == JobType::stop || (j.type == JobType::restart && !j.restart_stopped);
  };
  // Whether a unit of `others` has a job that `blocks`: from where the last
  // one was found, round the whole list.
  auto any_blocking = [](const DependencyGraph::Names& others, std::size_t& hint, auto blocks) {
    const std::size_t n = others.size();
    if (hint >= n) hint = 0;
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t i = hint + k < n ? hint + k : hint + k - n;
      if (blocks(others[i])) {
        hint = i;
        return true;
      }
    }
    return false;
  };
  auto stopping_first = [&](const std::string& later) {
    const Job* other = job_on(later);
    return other && is_stop_phase(*other);
  };
  // Reverse order: whatever starts after us stops before us.
  if (is_stop_phase(job)) return job.ignore_order || !any_blocking(graph_.before(name), job.before_hint, stopping_first);
  if (unit.service->is_stopping()) return false;
  if (job.ignore_order) return true;
  if (any_blocking(graph_.after(name), job.after_hint, [&](const std::string& earlier) { return job_on(earlier); }))
    return false;
  // A Requisite= still activating may yet come up: wait for it to settle,
  // as systemd's verify-active job does, rather than fail the start.
  if (!job.ignore_requirements)
  for (const auto& requisite : graph_.requisites(name)) {
    auto it = units_.find(requisite);
    if (it != units_.end() && it->second->service->active_state() == ActiveState::activating) return false;
  }
  // A stop goes before a start it is ordered with, whichever the direction.
  return !any_blocking(graph_.before(name), job.before_hint, stopping_first);
}

void Manager::run_job(Unit& unit) {
  Job& job = *unit.job;
  Service& s = *unit.service;
  job.running = true;
  arm_job_timer(unit, true);
  if (job.type == JobType::stop || (job.type == JobType::restart && !job.restart_stopped)) {
    StopReason reason = job.type == JobType::restart ? StopReason::restart : StopReason::stop;
    if (s.stop(reason) == StopOutcome::already_inactive) {
      if (job.type == JobType::stop) {
        finish_job(unit, JobResult::done);
      } else {
        job.restart_stopped = true;
        job.running = false;
        waiting_.insert(s.name());
      }
    }
    return;
  }
  if (job.type == JobType::reload) {
    switch (s.reload()) {
      case ReloadOutcome::reloading: return;
      case ReloadOutcome::failed: finish_job(unit, JobResult::failed); return;
      case ReloadOutcome::not_active:
      case ReloadOutcome::not_reloadable: finish_job(unit, JobResult::invalid); return;
    }
    return;
  }
  // Requisite= units are not started for us: they must be up already
  // (unless the job's mode ignores requirements).
  if (!job.ignore_requirements)
  for (const auto& requisite : graph_.requisites(s.name())) {
    Unit* r = resolve(requisite, false);
    if (r && is_up(r->service->active_state())) continue;
    observer_.on_manager_message(Severity::error, "dependency failed for " + s.name() + ": requisite " +
                                                      requisite + " is not active");
    finish_job(unit, JobResult::dependency);
    return;
  }
  switch (s.start()) {
    case StartOutcome::started: return;
    case StartOutcome::already_active:
      if (is_up(s.active_state())) finish_job(unit, JobResult::done);
      return;  // activating: wait for it
    case StartOutcome::busy:
      job.running = false;
      waiting_.insert(s.name());
      return;
    case StartOutcome::not_loaded: finish_job(unit, JobResult::failed); return;
    case StartOutcome::condition_failed: finish_job(unit, JobResult::skipped); return;
    case StartOutcome::assert_failed: finish_job(unit, JobResult::assert_failed); return;
    case StartOutcome::start_limit_hit: finish_job(unit, JobResult::failed); return;
  }
}

void Manager::start_boot_units() {
  const std::string target(kDefaultTarget);
  EnqueueResult r = enqueue(JobType::start, target);
  if (!r.queued()) observer_.on_manager_message(Severity::error, "cannot start " + target + ": " + describe(r));
}

void Manager::stop_all(std::function<void()> done) {
  all_stopped_ = std::move(done);
  for (auto& [name, unit] : units_) {
    if (!is_down(unit->service->active_state()) || unit->job) add_job(*unit, JobType::stop, {});
  }
  process_queues();
}

// ---- events -----------------------------------------------------------------

void Manager::on_child_exited(pid_t pid, ExitInfo info) {
  std::vector<std::string> owners;
  if (auto it = pid_owner_.find(pid); it != pid_owner_.end()) owners = it->second;  // a copy: exits detach
  if (!owners.empty()) {
    for (const auto& name : owners) {
      auto unit = units_.find(name);
      if (unit == units_.end()) continue;
      Service& owner = *unit->second->service;
      owner.on_process_exited(pid, info);
      // A main or control process lives in its own service's scope (one
      // cgroup, or its session): that is the one scope its exit can empty.
      owner.on_scope_maybe_empty();
    }
  } else {
    // Some other process (a daemon's child re-parented to us), of a
    // service or of none: it can have emptied only a scope that is waited
    // on. The names are copied: a check may change the set.
    std::vector<std::string> watchers(scope_watchers_.begin(), scope_watchers_.end());
    for (const auto& name : watchers) {
      auto unit = units_.find(name);
      if (unit != units_.end()) unit->second->service->on_scope_maybe_empty();
    }
  }
  process_queues();
}

void Manager::on_notify(pid_t sender, const NotifyMessage& message, std::vector<unique_fd>* fds) {
  // Anyone may send, so finding the sender costs the same however many
  // services there are: a map of main and control PIDs, then one question
  // to the scopes together (SystemOps::scope_owner), never one per service.
  Service* target = nullptr;
  bool in_scope = false;
  if (auto it = pid_owner_.find(sender); it != pid_owner_.end() && !it->second.empty()) {
    auto unit = units_.find(it->second.front());
    if (unit != units_.end()) target = unit->second->service.get();
  }
  if (!target && message.actionable()) {
    // Some other process of a service: allowed with NotifyAccess=all,
    // refused by the service otherwise. A message with nothing to act on
    // (BARRIER=1 alone) needs no owner, so it costs no /proc read at all.
    std::string name;
    if (ops_.scope_owner(sender, name) == 0) {
      auto unit = units_.find(name);
      if (unit != units_.end() && !is_down(unit->second->service->active_state())) {
        target = unit->second->service.get();
        in_scope = true;
      }
    }
  }
  if (target)
    target->on_notify(sender, message, in_scope, fds);
  else if (message.actionable())
    warn_unknown_sender(sender);
  process_queues();
}

void Manager::warn_unknown_sender(pid_t sender) {
  std::uint64_t suppressed = 0;
  if (!unknown_sender_log_.allow(port_->now_monotonic(), suppressed)) return;
  if (suppressed > 0)
    observer_.on_manager_message(Severity::warning, std::to_string(suppressed) +
                                                        " notifications from processes that belong to no "
                                                        "service were not logged (rate limit)");
  observer_.on_manager_message(Severity::warning, "notification from PID " + std::to_string(sender) +
                                                      ", which belongs to no service, ignored");
}

// ---- ServiceListener ----------------------------------------------------------

void Manager::update_scope_watch(Service& service) {
  if (watches_scope(service))
    scope_watchers_.insert(service.name());
  else
    scope_watchers_.erase(service.name());
}

void Manager::on_state_changed(Service& service, ActiveState old_active, SubState old_sub) noexcept {
  drop_if_out_of_memory("a state change", [&] {
    update_scope_watch(service);
    // systemd's service_needs_console(): a service that may touch the
    // console, from its condition check until it is down (not exited).
    const SubState now = service.sub_state();
    const bool on_console = now != SubState::dead && now != SubState::exited && now != SubState::failed &&
                            now != SubState::auto_restart && may_touch_console(service.running_config());
    if (on_console) on_console_.insert(service.name());
    else on_console_.erase(service.name());
    // The snapshot now: by the time the queue is drained the service may have
    // moved on (a crash and its auto-restart are one event).
    transitions_.push_back({service.name(),
                            StateChange{old_active, service.active_state(), old_sub, service.sub_state(),
                                        service.will_auto_restart()},
                            status(service)});
  });
}

// The run's SyslogIdentifier=, SyslogLevel=, ... label its lines until it
// ends, as systemd fixes them in each stream when a process starts: a
// reload changes them for the next run (the provider applies them).
void Manager::on_run_begins(Service& service, const ServiceConfig& config) noexcept {
  drop_if_out_of_memory("a run's log settings", [&] {
    if (!log_fd_for_ || !needs_log(config)) return;
    const int fd = log_fd_for_(config);
    if (service.log_fd() < 0) service.set_log_fd(fd);
  });
}

void Manager::on_properties_changed(Service& service) noexcept {
  drop_if_out_of_memory("a property change", [&] {
    update_scope_watch(service);
    transitions_.push_back({service.name(), std::nullopt, status(service)});
  });
}

void Manager::on_start_limit_hit(Service& service) noexcept {
  drop_if_out_of_memory("a start limit hit", [&] { start_limit_hits_.push_back(service.name()); });
}

void Manager::on_pid_attached(Service& service, pid_t pid) noexcept {
  drop_if_out_of_memory("a new process", [&] {
    auto& owners = pid_owner_[pid];
    if (std::find(owners.begin(), owners.end(), service.name()) == owners.end()) owners.push_back(service.name());
    update_scope_watch(service);
  });
}

void Manager::on_pid_detached(Service& service, pid_t pid) noexcept {
  drop_if_out_of_memory("a process exit", [&] {
    if (auto it = pid_owner_.find(pid); it != pid_owner_.end()) {
      std::erase(it->second, service.name());
      if (it->second.empty()) pid_owner_.erase(it);
    }
    update_scope_watch(service);
  });
}

void Manager::on_service_message(Service& service, std::string_view message) noexcept {
  drop_if_out_of_memory("a service message", [&] {
    observer_.on_unit_message(service, message);
  });
}

// ---- the queues ---------------------------------------------------------------

bool Manager::report_changes() {
  bool any = false;
  // StartLimitAction= before the failure it causes is handled (systemd
  // runs it in unit_test_start_limit(), then the unit fails).
  for (const auto& name : std::exchange(start_limit_hits_, {})) {
    Unit* unit = resolve(name, false);
    if (!unit) continue;
    const EmergencyAction action = unit->service->config().start_limit_action;
    if (action != EmergencyAction::none) observer_.on_emergency_action(name, "StartLimitAction", action, -1);
  }
  while (!transitions_.empty()) {
    Transition t = std::move(transitions_.front());
    transitions_.pop_front();
    handle_transition(t);
    any = true;
  }
  return any;
}

void Manager::handle_transition(const Transition& transition) {
  auto it = units_.find(transition.unit);
  if (it == units_.end()) return;
  Unit& unit = *it->second;
  if (!transition.change) {
    observer_.on_unit_properties_changed(transition.status);
    return;
  }
  const StateChange& t = *transition.change;
  observer_.on_unit_state_changed(transition.status, t);
  // systemd 252's unit_process_job(): a change is unexpected without a job,
  // and with a running start (or a restart's start) or reload job that the
  // unit leaves for down or deactivating (a oneshot that finished, a start
  // that failed, a reload whose unit died).
  bool unexpected = !unit.job;
  if (unit.job && unit.job->running) {
    const Job& job = *unit.job;
    const bool starting = job.type == JobType::start || (job.type == JobType::restart && job.restart_stopped);
    const bool leaving = is_down(t.new_active) || t.new_active == ActiveState::deactivating;
    if ((starting || job.type == JobType::reload) && leaving) unexpected = true;
  }

  if (unit.job && unit.job->running) {
    Job& job = *unit.job;
    bool stop_phase = job.type == JobType::stop || (job.type == JobType::restart && !job.restart_stopped);
    if (stop_phase) {
      if (is_down(t.new_active)) {
        if (job.type == JobType::stop) {
          finish_job(unit, JobResult::done);
        } else {
          job.restart_stopped = true;
          job.running = false;
          waiting_.insert(transition.unit);
        }
      }
    } else if (job.type == JobType::reload) {
      if (t.old_sub == SubState::reload && t.new_sub != SubState::reload)
        finish_job(unit, unit.service->last_reload_failed() || !is_up(t.new_active) ? JobResult::failed
                                                                                      : JobResult::done);
    } else if (is_up(t.new_active)) {
      finish_job(unit, JobResult::done);
    } else if (t.new_active == ActiveState::failed) {
      finish_job(unit, JobResult::failed);
    } else if (t.new_active == ActiveState::inactive && !is_down(t.old_active)) {
      // A oneshot that ran to completion without RemainAfterExit=, or a
      // unit ExecCondition= skipped (systemd 252's unit_process_job():
      // UNIT_NOTIFY_SKIP_CONDITION makes it JOB_SKIPPED).
      ServiceResult result = unit.service->result();
      finish_job(unit, result == ServiceResult::success          ? JobResult::done
                       : result == ServiceResult::exec_condition ? JobResult::skipped
                                                                 : JobResult::failed);
    }
  }

  // OnFailure=/OnSuccess=, as systemd 252's unit_notify(): on an end that
  // stays (no automatic restart follows).
  if (!t.will_auto_restart) {
    const ServiceConfig& config = unit.service->config();
    if (t.new_active == ActiveState::failed && t.old_active != ActiveState::failed)
      start_triggered(*unit.service, "OnFailure=", graph_.on_failure(transition.unit), config.on_failure_job_mode);
    else if (t.new_active == ActiveState::inactive && !is_down(t.old_active))
      start_triggered(*unit.service, "OnSuccess=", graph_.on_success(transition.unit), config.on_success_job_mode);
  }

  // SuccessAction=/FailureAction=, as systemd 252's unit_notify(): also on
  // the way to a restart.
  {
    const ServiceConfig& config = unit.service->config();
    const ExitInfo& main_exit = unit.service->exec_main_status();
    // systemd's unit_*_action_exit_status(): 255 when a signal ended it.
    int main_status = main_exit.code == CLD_EXITED ? main_exit.status
                      : main_exit.code != 0        ? 255
                                                   : -1;
    if (t.new_active == ActiveState::failed && t.old_active != ActiveState::failed &&
        config.failure_action != EmergencyAction::none)
      observer_.on_emergency_action(transition.unit, "FailureAction", config.failure_action,
                                    config.failure_action_exit_status >= 0 ? config.failure_action_exit_status
                                                                           : main_status);
    else if (t.new_active == ActiveState::inactive && !is_down(t.old_active) &&
             config.success_action != EmergencyAction::none)
      observer_.on_emergency_action(transition.unit, "SuccessAction", config.success_action,
                                    config.success_action_exit_status >= 0 ? config.success_action_exit_status
                                                                           : main_status);
  }

  // BindsTo=: checked once this event is fully handled, so a unit that goes
  // down only to restart (failed -> auto-restart) takes nobody with it.
  if (is_down(t.new_active) && !is_down(t.old_active)) bound_checks_.insert(transition.unit);
  // Down unexpectedly (killed, exited): systemd's
  // retroactively_stop_dependencies() stops what it PropagatesStopTo=.
  const bool falling = (is_up(t.old_active) || t.old_active == ActiveState::activating) &&
                       (is_down(t.new_active) || t.new_active == ActiveState::deactivating);
  if (falling && unexpected) propagated_stops_.insert(transition.unit);
  // systemd 252's unit_notify(): an active unit may be unneeded (StopWhenUnneeded=),
  // a unit that is down may leave its dependencies unneeded and may be
  // upheld; an active one upholds what it Upholds=. On every change to such
  // a state (a reload's end too), as systemd checks.
  if (is_up(t.new_active)) {
    unneeded_checks_.insert(transition.unit);
    for (const auto& upheld : graph_.upholds(transition.unit)) upheld_checks_.insert(upheld);
  }
  if (is_down(t.new_active)) {
    upheld_checks_.insert(transition.unit);
    for (const DependencyGraph::Names& pinned : {graph_.requirements(transition.unit), graph_.requisites(transition.unit),
                                                 graph_.wants(transition.unit), graph_.upholds(transition.unit)})
      unneeded_checks_.insert(pinned.begin(), pinned.end());
  }
}

void Manager::start_triggered(const Service& service, const char* key, DependencyGraph::Names others,
                              JobMode mode) {
  if (others.empty()) return;
  if (all_stopped_) {
    observer_.on_unit_message(service, std::string("Not triggering ") + key + " dependencies: the manager is stopping.");
    return;
  }
  observer_.on_unit_message(service, std::string("Triggering ") + key + " dependencies.");
  for (const auto& other : others) triggered_starts_.push_back({service.name(), key, other, mode});
  if (trigger_timer_->deadline() == kUsecInfinity) trigger_timer_->arm(port_->now_monotonic());
}

void Manager::run_triggered_starts() {
  std::deque<TriggeredStart> starts = std::exchange(triggered_starts_, {});
  for (const TriggeredStart& t : starts) {
    auto message = [&](const std::string& text) {
      Unit* source = resolve(t.source, false);
      if (source) observer_.on_unit_message(*source->service, text);
      else observer_.on_manager_message(Severity::warning, t.source + ": " + text);
    };
    if (all_stopped_) {
      message(std::string("Not triggering ") + t.key + " dependencies: the manager is stopping.");
      continue;
    }
    // In the unit's OnFailureJobMode=/OnSuccessJobMode= (unit_start_on_failure()).
    EnqueueResult r = enqueue(JobType::start, t.unit, {}, t.mode);
    if (!r.queued()) message(std::string("Failed to enqueue ") + t.key + " job, ignoring: " + describe(r));
  }
}

const Service* Manager::triggering_service(const Service& service) noexcept {
  const std::vector<std::string>& sources = graph_.trigger_sources(service.name());
  if (sources.size() == 1) {
    auto it = units_.find(sources.front());
    return it == units_.end() ? nullptr : it->second->service.get();
  }
  if (sources.size() > 1)
    drop_if_out_of_memory("a trigger source warning", [&] {
      observer_.on_unit_message(service, "multiple trigger source candidates for exit status propagation (" +
                                             sources[0] + ", " + sources[1] + "), skipping.");
    });
  return nullptr;
}

void Manager::stop_units_bound_to_down_ones() {
  for (const auto& name : std::exchange(propagated_stops_, {})) {
    const DependencyGraph::NameSet targets = graph_.stop_propagates_to(name).owned();
    for (const auto& target : targets) {
      Unit* t = resolve(target, false);
      if (!t || is_down(t->service->active_state()) || t->service->active_state() == ActiveState::deactivating)
        continue;
      if (t->job && t->job->type == JobType::stop) continue;
      // A whole stop, as manager_add_job() makes it: what requires it, is
      // part of it or it propagates stop to goes too.
      EnqueueResult r = enqueue(JobType::stop, target);
      if (!r.queued()) observer_.on_unit_message(*t->service, "Failed to enqueue stop job, ignoring: " + describe(r));
    }
  }
  std::set<std::string> checks = std::exchange(bound_checks_, {});
  for (const auto& name : checks) {
    Unit* down = resolve(name, false);
    if (down && !is_down(down->service->active_state())) continue;
    for (const auto& bound : graph_.bound_by(name)) {
      Unit* b = resolve(bound, false);
      if (!b || is_down(b->service->active_state())) continue;
      if (b->job && b->job->type == JobType::stop) continue;
      observer_.on_manager_message(Severity::warning,
                                   bound + " is bound to " + name + ", which went down; stopping it");
      add_job(*b, JobType::stop, {});
    }
  }
}

// systemd 252's manager_dispatch_stop_when_unneeded_queue() (unit_is_unneeded():
// active, no job, and every unit that needs it down without a job) and
// manager_dispatch_start_when_upheld_queue() (unit_is_upheld_by_active():
// down, no job, and an active unit without a job upholds it).
void Manager::stop_unneeded_and_start_upheld() {
  // Graph names are canonical: a lookup, not resolve()'s normalisation.
  auto find = [this](const std::string& name) -> Unit* {
    auto it = units_.find(name);
    return it == units_.end() ? nullptr : it->second.get();
  };
  for (const auto& name : std::exchange(unneeded_checks_, {})) {
    Unit* u = find(name);
    if (!u || !u->service->config().stop_when_unneeded || u->job) continue;
    if (u->service->active_state() != ActiveState::active) continue;
    auto needs = [&](const std::string& user) {
      Unit* o = find(user);
      return o && (o->job || !is_down(o->service->active_state()));
    };
    bool needed = false;
    for (const DependencyGraph::Names& users : {graph_.required_by(name), graph_.wanted_by(name), graph_.upheld_by(name)})
      if (!needed) needed = std::any_of(users.begin(), users.end(), needs);
    if (needed || !auto_start_stop_allowed(*u, "stopping")) continue;
    observer_.on_unit_message(*u->service, "Unit not needed anymore. Stopping.");
    EnqueueResult r = enqueue(JobType::stop, name, {}, JobMode::fail);  // as manager.c does
    if (!r.queued()) observer_.on_unit_message(*u->service, "Failed to enqueue stop job, ignoring: " + describe(r));
  }
  for (const auto& name : std::exchange(upheld_checks_, {})) {
    Unit* u = find(name);
    if (!u || u->job || !is_down(u->service->active_state()) || all_stopped_) continue;
    const DependencyGraph::NameSet holders = graph_.upheld_by(name).owned();
    for (const auto& holder : holders) {
      Unit* h = find(holder);
      if (!h || h->job || !is_up(h->service->active_state())) continue;
      if (!auto_start_stop_allowed(*u, "starting")) break;
      observer_.on_unit_message(*u->service, "Unit is started because upheld by active unit " + holder + ".");
      EnqueueResult r = enqueue(JobType::start, name, {}, JobMode::fail);  // as manager.c does
      if (!r.queued()) observer_.on_unit_message(*u->service, "Failed to enqueue start job, ignoring: " + describe(r));
      break;
    }
  }
}

bool Manager::auto_start_stop_allowed(Unit& unit, const char* what) {
  const usec_t now = port_->now_monotonic();
  if (unit.auto_start_stop_count == 0 || now >= deadline_after(unit.auto_start_stop_begin, kAutoStartStopInterval)) {
    unit.auto_start_stop_begin = now;
    unit.auto_start_stop_count = 0;
  }
  if (++unit.auto_start_stop_count <= kAutoStartStopBurst) return true;
  observer_.on_unit_message(*unit.service, std::string("Unit needs ") + what +
                                               " because it is not needed or upheld, but not " + what +
                                               " since we tried this too often recently.");
  return false;
}

void Manager::process_queues() {
  if (draining_) return;  // the outer drain picks up whatever was queued
  draining_ = true;
  graveyard_.clear();
  for (bool progress = true; progress;) {
    progress = false;
    if (report_changes()) progress = true;
    if (!bound_checks_.empty() || !propagated_stops_.empty()) {
      stop_units_bound_to_down_ones();
      progress = true;
    }
    if (!unneeded_checks_.empty() || !upheld_checks_.empty()) {
      stop_unneeded_and_start_upheld();
      progress = true;
    }
    // Only units whose job waits: a drain costs what is queued, not the
    // number of units (after each of N boot units' enqueue, and after every
    // event). In name order, as before.
    std::vector<std::string> ready;
    for (auto name = waiting_.begin(); name != waiting_.end();) {
      auto it = units_.find(*name);
      if (it == units_.end() || !it->second->job || it->second->job->running) {
        name = waiting_.erase(name);
        continue;
      }
      if (runnable(*name, *it->second)) ready.push_back(*name);
      ++name;
    }
    for (const auto& name : ready) {
      auto it = units_.find(name);
      if (it == units_.end() || !it->second->job || it->second->job->running) continue;
      // The changes reported after each job may have ended or replaced it.
      if (!runnable(name, *it->second)) continue;
      waiting_.erase(name);
      run_job(*it->second);
      progress = true;
      // Each change holds a snapshot of its service (kilobytes): reported
      // now, a boot of N units holds one at a time, not N at once.
      report_changes();
    }
    // A job's waiters hear of its end only once every state change queued so
    // far was reported: a job can end in the very step that queued the change
    // ending it (a stop during auto-restart, a start refused by the start
    // limit), and whoever relays both must send the change first.
    if (!transitions_.empty() || !start_limit_hits_.empty()) {
      progress = true;
      continue;
    }
    while (!finished_callbacks_.empty()) {
      auto [callback, result] = std::move(finished_callbacks_.front());
      finished_callbacks_.pop_front();
      callback(result);
      progress = true;
    }
  }
  remove_vanished_units();
  draining_ = false;
  // Type=idle (supervision/idle_pipe.h), at this quiet point only, as
  // systemd's manager_check_finished() after a job's end and its
  // consequences: a job replaced by another, or a failure whose OnFailure=
  // start is queued for the next turn, leaves the waiters waiting.
  if (job_count_ == 0 && triggered_starts_.empty()) idle_pipe_.close();
  else if (!on_console_.empty()) idle_pipe_.watch_tired();
  if (all_stopped_ && !has_jobs()) {
    bool all_down = std::all_of(units_.begin(), units_.end(), [](const auto& u) {
      return is_down(u.second->service->active_state());
    });
    if (all_down) std::exchange(all_stopped_, nullptr)();
  }
}

}  // namespace vermilion
