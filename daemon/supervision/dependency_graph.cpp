#include "supervision/dependency_graph.h"

#include <algorithm>

#include "units/target_unit.h"

namespace vermilion {

const DependencyGraph::Names& DependencyGraph::lookup(const std::map<std::string, Names>& m,
                                                      const std::string& name) {
  static const Names kEmpty;
  auto it = m.find(name);
  return it == m.end() ? kEmpty : it->second;
}

const std::vector<std::string>& DependencyGraph::trigger_sources(const std::string& name) const {
  static const std::vector<std::string> kNone;
  auto it = trigger_sources_.find(name);
  return it == trigger_sources_.end() ? kNone : it->second;
}

void DependencyGraph::order(const std::string& later, const std::string& earlier) {
  if (later == earlier) return;
  after_[later].insert(earlier);
  before_[earlier].insert(later);
}

std::vector<std::string> DependencyGraph::rebuild(
    const std::map<std::string, const ServiceConfig*>& units,
    const std::function<std::string(const std::string&)>& canonical, RuntimeScope scope) {
  for (auto* m : {&after_, &before_, &requires_, &requisite_, &wants_, &required_by_, &bound_by_, &conflicts_,
                  &on_failure_, &on_success_, &part_of_, &consists_of_, &listed_requires_, &listed_binds_to_,
                  &listed_conflicts_, &listed_required_by_, &wanted_by_, &requisite_of_, &conflicted_by_,
                  &propagates_stop_to_, &propagates_reload_to_, &stop_propagated_from_, &reload_propagated_from_,
                  &upholds_, &upheld_by_})
    m->clear();
  trigger_sources_.clear();
  std::vector<std::string> messages;
  for (const auto& [name, config] : units) {
    for (const auto& n : config->after) order(name, canonical(n));
    for (const auto& n : config->before) order(canonical(n), name);
    for (const auto* list : {&config->requires_, &config->binds_to}) {
      for (const auto& n : *list) {
        std::string dep = canonical(n);
        if (dep == name) continue;
        requires_[name].insert(dep);
        required_by_[dep].insert(name);
        if (list == &config->requires_) {
          listed_requires_[name].insert(dep);
          listed_required_by_[dep].insert(name);
        } else {
          listed_binds_to_[name].insert(dep);
        }
      }
    }
    for (const auto& n : config->binds_to) {
      std::string dep = canonical(n);
      if (dep != name) bound_by_[dep].insert(name);
    }
    for (const auto& n : config->requisite) {
      std::string dep = canonical(n);
      if (dep == name) continue;
      requisite_[name].insert(dep);
      required_by_[dep].insert(name);
      requisite_of_[dep].insert(name);
    }
    for (const auto& n : config->wants) {
      std::string dep = canonical(n);
      if (dep == name) continue;
      wants_[name].insert(dep);
      wanted_by_[dep].insert(name);
    }
    for (const auto& n : config->upholds) {
      std::string dep = canonical(n);
      if (dep == name) continue;
      upholds_[name].insert(dep);
      upheld_by_[dep].insert(name);
    }
    for (const auto& n : config->part_of) {
      std::string whole = canonical(n);
      if (whole == name) continue;
      part_of_[name].insert(whole);
      consists_of_[whole].insert(name);
    }
    // Each pair names the same edge from either end (systemd's
    // UNIT_PROPAGATES_STOP_TO and its inverse, the same for reload).
    for (auto [to, from, edges, inverse] :
         {std::tuple{&config->propagates_stop_to, &config->stop_propagated_from, &propagates_stop_to_,
                     &stop_propagated_from_},
          {&config->propagates_reload_to, &config->reload_propagated_from, &propagates_reload_to_,
           &reload_propagated_from_}}) {
      for (const auto& n : *to) {
        std::string other = canonical(n);
        if (other == name) continue;
        (*edges)[name].insert(other);
        (*inverse)[other].insert(name);
      }
      for (const auto& n : *from) {
        std::string other = canonical(n);
        if (other == name) continue;
        (*edges)[other].insert(name);
        (*inverse)[name].insert(other);
      }
    }
    for (const auto& n : config->conflicts) {
      std::string other = canonical(n);
      if (other == name) continue;
      conflicts_[name].insert(other);
      conflicts_[other].insert(name);
      listed_conflicts_[name].insert(other);
      conflicted_by_[other].insert(name);
    }
    for (auto [key, list, triggers] : {std::tuple{"OnFailure", &config->on_failure, &on_failure_},
                                       {"OnSuccess", &config->on_success, &on_success_}}) {
      for (const auto& n : *list) {
        std::string other = canonical(n);
        if (other == name) {  // systemd's unit_add_dependency() refuses these too
          messages.push_back(name + ": Dependency " + key + "=" + name + " is dropped.");
          continue;
        }
        if ((*triggers)[name].insert(other).second) trigger_sources_[other].push_back(name);
      }
    }
  }
  // The services' first: the targets' ordering below must see them, or it
  // would order a target after a service that is ordered after it.
  add_default_dependencies(units, scope);
  add_target_default_dependencies(units);
  for (auto& cycle : break_cycles()) messages.push_back(std::move(cycle));
  return messages;
}

DependencyGraph::Listed DependencyGraph::listed(const std::string& name) const {
  auto list = [&](const std::map<std::string, Names>& m) {
    const Names& names = lookup(m, name);
    return std::vector<std::string>(names.begin(), names.end());
  };
  // OnFailureOf=/OnSuccessOf=: each unit once, although trigger_sources()
  // counts a unit naming this one in both lists twice.
  auto triggered_by = [&](const std::map<std::string, Names>& triggers) {
    std::vector<std::string> out;
    for (const auto& source : trigger_sources(name)) {
      const Names& targets = lookup(triggers, source);
      if (targets.count(name) && std::find(out.begin(), out.end(), source) == out.end()) out.push_back(source);
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  Listed out;
  out.requires_ = list(listed_requires_);
  out.wants = list(wants_);
  out.binds_to = list(listed_binds_to_);
  out.requisite = list(requisite_);
  out.part_of = list(part_of_);
  out.upholds = list(upholds_);
  out.upheld_by = list(upheld_by_);
  out.propagates_stop_to = list(propagates_stop_to_);
  out.stop_propagated_from = list(stop_propagated_from_);
  out.propagates_reload_to = list(propagates_reload_to_);
  out.reload_propagated_from = list(reload_propagated_from_);
  out.conflicts = list(listed_conflicts_);
  out.before = list(before_);
  out.after = list(after_);
  out.required_by = list(listed_required_by_);
  out.wanted_by = list(wanted_by_);
  out.bound_by = list(bound_by_);
  out.requisite_of = list(requisite_of_);
  out.consists_of = list(consists_of_);
  out.conflicted_by = list(conflicted_by_);
  out.on_failure_of = triggered_by(on_failure_);
  out.on_success_of = triggered_by(on_success_);
  return out;
}

// systemd's service_add_default_dependencies() and the end of
// target_add_default_dependencies() (src/core/service.c, target.c), added
// when a unit with DefaultDependencies=yes loads. The units named need not
// exist: the edge is there as in systemd (vermiliond provides them built
// in, units/target_unit.h), and a start fails only if a required one does
// not load, as systemd's transactions do.
void DependencyGraph::add_default_dependencies(const std::map<std::string, const ServiceConfig*>& units,
                                               RuntimeScope scope) {
  const std::string sysinit(kSysinitTarget), basic(kBasicTarget), shutdown(kShutdownTarget);
  auto require = [&](const std::string& name, const std::string& dep) {
    if (dep == name) return;
    requires_[name].insert(dep);
    required_by_[dep].insert(name);
    listed_requires_[name].insert(dep);
    listed_required_by_[dep].insert(name);
  };
  for (const auto& [name, config] : units) {
    if (config->load_state != LoadState::loaded || !config->default_dependencies) continue;
    if (config->unit_type == UnitType::service) {
      // A user manager has no sysinit.target: basic.target is required there.
      const std::string& required = scope == RuntimeScope::system ? sysinit : basic;
      require(name, required);
      order(name, required);
      order(name, basic);
    }
    if (name == shutdown) continue;
    order(shutdown, name);
    conflicts_[name].insert(shutdown);
    conflicts_[shutdown].insert(name);
    listed_conflicts_[name].insert(shutdown);
    conflicted_by_[shutdown].insert(name);
  }
}

// systemd's target_add_default_dependencies() and
// unit_add_default_target_dependency() (src/core/target.c, unit.c): a
// target with DefaultDependencies=yes is ordered After= every loaded unit
// it Wants=/Requires=/Requisite=/BindsTo= that has DefaultDependencies=yes
// too, unless it is already ordered Before= it (no loop is made). Only
// after every explicit edge is in, so that check sees them all.
void DependencyGraph::add_target_default_dependencies(const std::map<std::string, const ServiceConfig*>& units) {
  auto uses_defaults = [&units](const std::string& name) {
    auto it = units.find(name);
    return it != units.end() && it->second->load_state == LoadState::loaded && it->second->default_dependencies;
  };
  for (const auto& [name, config] : units) {
    if (config->unit_type != UnitType::target || !uses_defaults(name)) continue;
    Names pulled = lookup(wants_, name);
    for (const auto* more : {&lookup(requires_, name), &lookup(requisite_, name), &lookup(upholds_, name)})
      pulled.insert(more->begin(), more->end());
    for (const auto& other : pulled) {
      if (other == name || !uses_defaults(other) || lookup(before_, name).count(other)) continue;
      after_[name].insert(other);
      before_[other].insert(name);
    }
  }
}

// Tarjan's strongly connected components over "after" edges, iteratively so
// depth never depends on the graph. Every component with more than one unit
// is a cycle: its internal ordering edges are dropped.
std::vector<std::string> DependencyGraph::break_cycles() {
  std::vector<std::string> messages;
  std::map<std::string, int> index, low;
  std::set<std::string> on_stack;
  std::vector<std::string> stack;
  int counter = 0;
  std::vector<std::string> nodes;
  for (const auto& [n, _] : after_) nodes.push_back(n);

  struct Frame {
    std::string node;
    std::vector<std::string> next;
    std::size_t i = 0;
  };
  std::vector<std::vector<std::string>> components;
  for (const auto& root : nodes) {
    if (index.count(root)) continue;
    std::vector<Frame> frames;
    auto push = [&](const std::string& n) {
      index[n] = low[n] = counter++;
      stack.push_back(n);
      on_stack.insert(n);
      const Names& succ = lookup(after_, n);
      frames.push_back({n, std::vector<std::string>(succ.begin(), succ.end()), 0});
    };
    push(root);
    while (!frames.empty()) {
      Frame& f = frames.back();
      if (f.i < f.next.size()) {
        const std::string w = f.next[f.i++];
        if (!index.count(w)) {
          push(w);
        } else if (on_stack.count(w)) {
          low[f.node] = std::min(low[f.node], index[w]);
        }
        continue;
      }
      std::string v = f.node;
      frames.pop_back();
      if (!frames.empty()) low[frames.back().node] = std::min(low[frames.back().node], low[v]);
      if (low[v] == index[v]) {
        std::vector<std::string> component;
        for (;;) {
          std::string w = stack.back();
          stack.pop_back();
          on_stack.erase(w);
          component.push_back(w);
          if (w == v) break;
        }
        if (component.size() > 1) components.push_back(std::move(component));
      }
    }
  }

  for (auto& component : components) {
    Names members(component.begin(), component.end());
    // Name one concrete cycle: walk "after" edges inside the component from
    // its smallest member until a unit repeats.
    std::vector<std::string> path{*members.begin()};
    std::set<std::string> seen{path.back()};
    for (;;) {
      const Names& succ = lookup(after_, path.back());
      auto next = std::find_if(succ.begin(), succ.end(),
                               [&](const std::string& s) { return members.count(s) > 0; });
      path.push_back(*next);
      if (!seen.insert(*next).second) break;
    }
    auto start = std::find(path.begin(), path.end(), path.back());
    std::string text = "ordering cycle found: ";
    for (auto it = start; it != path.end(); ++it) {
      if (it != start) text += " after ";
      text += *it;
    }
    text += "; ignoring the ordering among ";
    bool first = true;
    for (const auto& m : members) {
      text += (first ? "" : ", ") + m;
      first = false;
    }
    messages.push_back(text);
    // Each member's own edges only: linear in the edges, not quadratic in
    // the members (a cycle may span every unit).
    for (const auto& m : members) {
      for (auto* edges : {&after_[m], &before_[m]})
        std::erase_if(*edges, [&](const std::string& other) { return members.count(other) > 0; });
    }
  }
  return messages;
}

}  // namespace vermilion
