#include "supervision/dependency_graph.h"

#include <algorithm>
#include <numeric>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "units/target_unit.h"

namespace vermilion {

enum class DependencyGraph::Relation : std::uint8_t {
  after,
  before,
  requires_,  // Requires= and BindsTo=, what jobs pull in
  requisite,
  wants,
  required_by,  // Requires=, BindsTo= and Requisite= on it
  bound_by,
  conflicts,  // both directions, what jobs need
  on_failure,
  on_success,
  part_of,
  consists_of,
  propagates_stop_to,
  propagates_reload_to,
  stop_propagated_from,
  reload_propagated_from,
  upholds,
  upheld_by,
  // As listed (systemctl show): forward only, and the inverses apart.
  listed_requires,
  listed_binds_to,
  listed_conflicts,
  listed_required_by,
  wanted_by,
  requisite_of,
  conflicted_by,
};

// The edges as rebuild() finds them, by name; freeze() sorts the names and
// lays the edges out per unit.
class DependencyGraph::Builder {
 public:
  struct Triple {
    std::uint32_t from;
    Relation relation;
    std::uint32_t to;
  };

  std::uint32_t id(const std::string& name) {
    auto [it, fresh] = ids_.try_emplace(name, static_cast<std::uint32_t>(names_.size()));
    if (fresh) names_.push_back(&it->first);  // a node's key stays where it is
    return it->second;
  }
  void add(const std::string& from, Relation relation, const std::string& to) {
    triples_.push_back({id(from), relation, id(to)});
  }
  // `later` starts after `earlier`: one order, seen from both ends.
  void order(const std::string& later, const std::string& earlier) {
    if (later == earlier) return;
    add(later, Relation::after, earlier);
    add(earlier, Relation::before, later);
  }

  std::unordered_map<std::string, std::uint32_t> ids_;
  std::vector<const std::string*> names_;  // by the builder's ids
  std::vector<Triple> triples_;
};

bool DependencyGraph::Names::contains(const std::string& name) const {
  if (!names_) return false;
  auto it = std::lower_bound(names_->begin(), names_->end(), name);
  if (it == names_->end() || *it != name) return false;
  const auto id = static_cast<std::uint32_t>(it - names_->begin());
  return std::binary_search(begin_, end_, Edge{id, {}}, [](const Edge& a, const Edge& b) { return a.to < b.to; });
}

std::optional<std::uint32_t> DependencyGraph::id_of(const std::string& name) const {
  auto it = std::lower_bound(names_.begin(), names_.end(), name);
  if (it == names_.end() || *it != name) return std::nullopt;
  return static_cast<std::uint32_t>(it - names_.begin());
}

DependencyGraph::Names DependencyGraph::list(std::uint32_t id, Relation relation) const {
  const Edge* first = edges_.data() + first_[id];
  const Edge* last = edges_.data() + first_[id + 1];
  auto [b, e] = std::equal_range(first, last, Edge{0, relation},
                                 [](const Edge& x, const Edge& y) { return x.relation < y.relation; });
  return {b, e, &names_};
}

DependencyGraph::Names DependencyGraph::list(const std::string& name, Relation relation) const {
  const std::optional<std::uint32_t> id = id_of(name);
  return id ? list(*id, relation) : Names{};
}

DependencyGraph::Names DependencyGraph::after(const std::string& name) const { return list(name, Relation::after); }
DependencyGraph::Names DependencyGraph::before(const std::string& name) const { return list(name, Relation::before); }
DependencyGraph::Names DependencyGraph::requirements(const std::string& name) const {
  return list(name, Relation::requires_);
}
DependencyGraph::Names DependencyGraph::requisites(const std::string& name) const {
  return list(name, Relation::requisite);
}
DependencyGraph::Names DependencyGraph::wants(const std::string& name) const { return list(name, Relation::wants); }
DependencyGraph::Names DependencyGraph::upholds(const std::string& name) const {
  return list(name, Relation::upholds);
}
DependencyGraph::Names DependencyGraph::upheld_by(const std::string& name) const {
  return list(name, Relation::upheld_by);
}
DependencyGraph::Names DependencyGraph::wanted_by(const std::string& name) const {
  return list(name, Relation::wanted_by);
}
DependencyGraph::Names DependencyGraph::required_by(const std::string& name) const {
  return list(name, Relation::required_by);
}
DependencyGraph::Names DependencyGraph::bound_by(const std::string& name) const {
  return list(name, Relation::bound_by);
}
DependencyGraph::Names DependencyGraph::consists_of(const std::string& name) const {
  return list(name, Relation::consists_of);
}
DependencyGraph::Names DependencyGraph::conflicts(const std::string& name) const {
  return list(name, Relation::conflicts);
}
DependencyGraph::Names DependencyGraph::listed_conflicts(const std::string& name) const {
  return list(name, Relation::listed_conflicts);
}
DependencyGraph::Names DependencyGraph::stop_propagates_to(const std::string& name) const {
  return list(name, Relation::propagates_stop_to);
}
DependencyGraph::Names DependencyGraph::reload_propagates_to(const std::string& name) const {
  return list(name, Relation::propagates_reload_to);
}
DependencyGraph::Names DependencyGraph::on_failure(const std::string& name) const {
  return list(name, Relation::on_failure);
}
DependencyGraph::Names DependencyGraph::on_success(const std::string& name) const {
  return list(name, Relation::on_success);
}

const std::vector<std::string>& DependencyGraph::trigger_sources(const std::string& name) const {
  static const std::vector<std::string> kNone;
  auto it = trigger_sources_.find(name);
  return it == trigger_sources_.end() ? kNone : it->second;
}

// Ids become ranks in name order, so each unit's edges, sorted by relation
// and id, list names sorted; a name is found by binary search.
void DependencyGraph::freeze(const Builder& builder) {
  const std::size_t n = builder.names_.size();
  std::vector<std::uint32_t> by_name(n);
  std::iota(by_name.begin(), by_name.end(), 0u);
  std::sort(by_name.begin(), by_name.end(),
            [&](std::uint32_t a, std::uint32_t b) { return *builder.names_[a] < *builder.names_[b]; });
  std::vector<std::uint32_t> rank(n);
  for (std::uint32_t i = 0; i < n; ++i) rank[by_name[i]] = i;

  std::vector<Builder::Triple> triples;
  triples.reserve(builder.triples_.size());
  for (const auto& t : builder.triples_) triples.push_back({rank[t.from], t.relation, rank[t.to]});
  auto key = [](const Builder::Triple& t) { return std::tuple(t.from, t.relation, t.to); };
  std::sort(triples.begin(), triples.end(), [&](const auto& a, const auto& b) { return key(a) < key(b); });
  triples.erase(std::unique(triples.begin(), triples.end(), [&](const auto& a, const auto& b) { return key(a) == key(b); }),
                triples.end());

  names_.clear();
  names_.reserve(n);
  for (std::uint32_t i : by_name) names_.push_back(*builder.names_[i]);
  first_.assign(n + 1, 0);
  for (const auto& t : triples) ++first_[t.from + 1];
  std::partial_sum(first_.begin(), first_.end(), first_.begin());
  edges_.clear();
  edges_.reserve(triples.size());
  for (const auto& t : triples) edges_.push_back({t.to, t.relation});
}

std::vector<std::string> DependencyGraph::rebuild(
    const std::map<std::string, const ServiceConfig*>& units,
    const std::function<std::string(const std::string&)>& canonical, RuntimeScope scope) {
  Builder b;
  trigger_sources_.clear();
  std::vector<std::string> messages;
  std::set<std::tuple<Relation, std::string, std::string>> triggers;
  using R = Relation;
  for (const auto& [name, config] : units) {
    b.id(name);
    for (const auto& n : config->after) b.order(name, canonical(n));
    for (const auto& n : config->before) b.order(canonical(n), name);
    for (const auto* list : {&config->requires_, &config->binds_to}) {
      for (const auto& n : *list) {
        std::string dep = canonical(n);
        if (dep == name) continue;
        b.add(name, R::requires_, dep);
        b.add(dep, R::required_by, name);
        if (list == &config->requires_) {
          b.add(name, R::listed_requires, dep);
          b.add(dep, R::listed_required_by, name);
        } else {
          b.add(name, R::listed_binds_to, dep);
          b.add(dep, R::bound_by, name);
        }
      }
    }
    for (const auto& n : config->requisite) {
      std::string dep = canonical(n);
      if (dep == name) continue;
      b.add(name, R::requisite, dep);
      b.add(dep, R::required_by, name);
      b.add(dep, R::requisite_of, name);
    }
    // Each pair names one edge from either end.
    for (auto [list, forward, inverse] :
         {std::tuple{&config->wants, R::wants, R::wanted_by}, {&config->upholds, R::upholds, R::upheld_by},
          {&config->part_of, R::part_of, R::consists_of},
          {&config->propagates_stop_to, R::propagates_stop_to, R::stop_propagated_from},
          {&config->propagates_reload_to, R::propagates_reload_to, R::reload_propagated_from}}) {
      for (const auto& n : *list) {
        std::string other = canonical(n);
        if (other == name) continue;
        b.add(name, forward, other);
        b.add(other, inverse, name);
      }
    }
    // systemd's UNIT_PROPAGATES_STOP_TO and its inverse, from the other end.
    for (auto [list, forward, inverse] :
         {std::tuple{&config->stop_propagated_from, R::propagates_stop_to, R::stop_propagated_from},
          {&config->reload_propagated_from, R::propagates_reload_to, R::reload_propagated_from}}) {
      for (const auto& n : *list) {
        std::string other = canonical(n);
        if (other == name) continue;
        b.add(other, forward, name);
        b.add(name, inverse, other);
      }
    }
    for (const auto& n : config->conflicts) {
      std::string other = canonical(n);
      if (other == name) continue;
      b.add(name, R::conflicts, other);
      b.add(other, R::conflicts, name);
      b.add(name, R::listed_conflicts, other);
      b.add(other, R::conflicted_by, name);
    }
    for (auto [key, list, relation] : {std::tuple{"OnFailure", &config->on_failure, R::on_failure},
                                       {"OnSuccess", &config->on_success, R::on_success}}) {
      for (const auto& n : *list) {
        std::string other = canonical(n);
        if (other == name) {  // systemd's unit_add_dependency() refuses these too
          messages.push_back(name + ": Dependency " + key + "=" + name + " is dropped.");
          continue;
        }
        b.add(name, relation, other);
        if (triggers.emplace(relation, name, other).second) trigger_sources_[other].push_back(name);
      }
    }
  }
  // The services' first: the targets' ordering below must see them, or it
  // would order a target after a service that is ordered after it.
  add_default_dependencies(units, scope, b);
  freeze(b);
  add_target_default_dependencies(units, b);
  freeze(b);
  for (auto& cycle : break_cycles(b)) messages.push_back(std::move(cycle));
  return messages;
}

DependencyGraph::Listed DependencyGraph::listed(const std::string& name) const {
  const std::optional<std::uint32_t> id = id_of(name);
  auto list_of = [&](Relation relation) {
    if (!id) return std::vector<std::string>{};
    const Names names = list(*id, relation);
    return std::vector<std::string>(names.begin(), names.end());
  };
  // OnFailureOf=/OnSuccessOf=: each unit once, although trigger_sources()
  // counts a unit naming this one in both lists twice.
  auto triggered_by = [&](Relation relation) {
    std::vector<std::string> out;
    for (const auto& source : trigger_sources(name)) {
      if (list(source, relation).contains(name) && std::find(out.begin(), out.end(), source) == out.end())
        out.push_back(source);
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  using R = Relation;
  Listed out;
  out.requires_ = list_of(R::listed_requires);
  out.wants = list_of(R::wants);
  out.binds_to = list_of(R::listed_binds_to);
  out.requisite = list_of(R::requisite);
  out.part_of = list_of(R::part_of);
  out.upholds = list_of(R::upholds);
  out.upheld_by = list_of(R::upheld_by);
  out.propagates_stop_to = list_of(R::propagates_stop_to);
  out.stop_propagated_from = list_of(R::stop_propagated_from);
  out.propagates_reload_to = list_of(R::propagates_reload_to);
  out.reload_propagated_from = list_of(R::reload_propagated_from);
  out.conflicts = list_of(R::listed_conflicts);
  out.before = list_of(R::before);
  out.after = list_of(R::after);
  out.required_by = list_of(R::listed_required_by);
  out.wanted_by = list_of(R::wanted_by);
  out.bound_by = list_of(R::bound_by);
  out.requisite_of = list_of(R::requisite_of);
  out.consists_of = list_of(R::consists_of);
  out.conflicted_by = list_of(R::conflicted_by);
  out.on_failure_of = triggered_by(R::on_failure);
  out.on_success_of = triggered_by(R::on_success);
  return out;
}

// systemd's service_add_default_dependencies() and the end of
// target_add_default_dependencies() (src/core/service.c, target.c), added
// when a unit with DefaultDependencies=yes loads. The units named need not
// exist: the edge is there as in systemd (vermiliond provides them built
// in, units/target_unit.h), and a start fails only if a required one does
// not load, as systemd's transactions do.
void DependencyGraph::add_default_dependencies(const std::map<std::string, const ServiceConfig*>& units,
                                               RuntimeScope scope, Builder& b) {
  const std::string sysinit(kSysinitTarget), basic(kBasicTarget), shutdown(kShutdownTarget);
  using R = Relation;
  for (const auto& [name, config] : units) {
    if (config->load_state != LoadState::loaded || !config->default_dependencies) continue;
    if (config->unit_type == UnitType::service) {
      // A user manager has no sysinit.target: basic.target is required there.
      const std::string& required = scope == RuntimeScope::system ? sysinit : basic;
      if (required != name) {
        b.add(name, R::requires_, required);
        b.add(required, R::required_by, name);
        b.add(name, R::listed_requires, required);
        b.add(required, R::listed_required_by, name);
      }
      b.order(name, required);
      b.order(name, basic);
    }
    if (name == shutdown) continue;
    b.order(shutdown, name);
    b.add(name, R::conflicts, shutdown);
    b.add(shutdown, R::conflicts, name);
    b.add(name, R::listed_conflicts, shutdown);
    b.add(shutdown, R::conflicted_by, name);
  }
}

// systemd's target_add_default_dependencies() and
// unit_add_default_target_dependency() (src/core/target.c, unit.c): a
// target with DefaultDependencies=yes is ordered After= every loaded unit
// it Wants=/Requires=/Requisite=/BindsTo= that has DefaultDependencies=yes
// too, unless it is already ordered Before= it (no loop is made). Only
// after every explicit edge is in (the graph is frozen with them), so that
// check sees them all, and the edges this adds as it goes.
void DependencyGraph::add_target_default_dependencies(const std::map<std::string, const ServiceConfig*>& units,
                                                      Builder& b) {
  auto uses_defaults = [&units](const std::string& name) {
    auto it = units.find(name);
    return it != units.end() && it->second->load_state == LoadState::loaded && it->second->default_dependencies;
  };
  std::set<std::pair<std::string, std::string>> added_before;  // (earlier, later), since the freeze
  for (const auto& [name, config] : units) {
    if (config->unit_type != UnitType::target || !uses_defaults(name)) continue;
    NameSet pulled;
    for (Relation r : {Relation::wants, Relation::requires_, Relation::requisite, Relation::upholds})
      for (const auto& other : list(name, r)) pulled.insert(other);
    const Names before_it = before(name);
    for (const auto& other : pulled) {
      if (other == name || !uses_defaults(other) || before_it.contains(other) || added_before.count({name, other}))
        continue;
      b.order(name, other);
      added_before.emplace(other, name);
    }
  }
}

// Tarjan's strongly connected components over "after" edges, iteratively so
// depth never depends on the graph. Every component with more than one unit
// is a cycle: its internal ordering edges are dropped.
std::vector<std::string> DependencyGraph::break_cycles(Builder& b) {
  std::vector<std::string> messages;
  const auto n = static_cast<std::uint32_t>(names_.size());
  constexpr std::uint32_t kUnvisited = UINT32_MAX;
  std::vector<std::uint32_t> index(n, kUnvisited), low(n, 0);
  std::vector<bool> on_stack(n, false);
  std::vector<std::uint32_t> stack;
  std::uint32_t counter = 0;
  struct Frame {
    std::uint32_t node;
    const Edge* at;  // its "after" edges still to follow
    const Edge* end;
  };
  std::vector<std::vector<std::uint32_t>> components;
  for (std::uint32_t root = 0; root < n; ++root) {
    if (index[root] != kUnvisited) continue;
    std::vector<Frame> frames;
    auto push = [&](std::uint32_t v) {
      index[v] = low[v] = counter++;
      stack.push_back(v);
      on_stack[v] = true;
      const Names succ = list(v, Relation::after);
      frames.push_back({v, succ.begin_, succ.end_});
    };
    push(root);
    while (!frames.empty()) {
      Frame& f = frames.back();
      if (f.at != f.end) {
        const std::uint32_t w = (f.at++)->to;
        if (index[w] == kUnvisited) {
          push(w);
        } else if (on_stack[w]) {
          low[f.node] = std::min(low[f.node], index[w]);
        }
        continue;
      }
      const std::uint32_t v = f.node;
      frames.pop_back();
      if (!frames.empty()) low[frames.back().node] = std::min(low[frames.back().node], low[v]);
      if (low[v] == index[v]) {
        std::vector<std::uint32_t> component;
        for (;;) {
          const std::uint32_t w = stack.back();
          stack.pop_back();
          on_stack[w] = false;
          component.push_back(w);
          if (w == v) break;
        }
        if (component.size() > 1) components.push_back(std::move(component));
      }
    }
  }
  if (components.empty()) return messages;

  std::vector<std::set<std::string>> cycles;
  for (auto& component : components) {
    std::set<std::string> members;
    for (std::uint32_t m : component) members.insert(names_[m]);
    // Name one concrete cycle: walk "after" edges inside the component from
    // its smallest member until a unit repeats.
    std::vector<std::string> path{*members.begin()};
    std::set<std::string> seen{path.back()};
    for (;;) {
      const Names succ = after(path.back());
      auto next = std::find_if(succ.begin(), succ.end(), [&](const std::string& s) { return members.count(s) > 0; });
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
    cycles.push_back(std::move(members));
  }
  // Each cycle's own ordering edges go, by the builder's ids: linear in the
  // edges, not quadratic in the members (a cycle may span every unit).
  std::vector<std::uint32_t> cycle_of(b.names_.size(), UINT32_MAX);
  for (std::uint32_t c = 0; c < cycles.size(); ++c)
    for (const auto& m : cycles[c]) cycle_of[b.ids_.at(m)] = c;
  std::erase_if(b.triples_, [&](const Builder::Triple& t) {
    return (t.relation == Relation::after || t.relation == Relation::before) && cycle_of[t.from] != UINT32_MAX &&
           cycle_of[t.from] == cycle_of[t.to];
  });
  freeze(b);
  return messages;
}

}  // namespace vermilion
