// Who needs whom and who starts after whom, built once per (re)load from the
// units' configurations: their Requires=/Wants=/... lines and .wants/ and
// .requires/ directories (the loader merged those), never [Install] (read
// only by enablement, as in systemd), plus what DefaultDependencies=yes
// adds (systemd.service(5), systemd.target(5)): a loaded service requires
// sysinit.target (user scope: basic.target) and is ordered after it and
// basic.target; a loaded service or target conflicts with shutdown.target
// and is ordered before it; a target is ordered after what it pulls in.
// Ordering cycles are found here and broken: their edges are dropped (with
// a message naming the cycle), so every unit in or around a cycle still
// starts.
//
// Stored compactly (issue 10: memory per service): each name once, sorted,
// and per unit one array of (relation, other unit) edges, so a service with
// default dependencies costs about its dozen edges of 8 bytes, not a dozen
// std::set nodes holding copies of names.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "units/runtime_scope.h"
#include "units/unit_config.h"

namespace vermilion {

class DependencyGraph {
  enum class Relation : std::uint8_t;
  struct Edge {
    std::uint32_t to;  // index into names_
    Relation relation;
  };

 public:
  using NameSet = std::set<std::string>;

  // A unit's list in one relation: canonical names, sorted. A view into
  // the graph, valid until the next rebuild(); owned() copies it for a
  // caller that may load units (which rebuilds) while it iterates.
  class Names {
   public:
    class iterator {
     public:
      using iterator_category = std::forward_iterator_tag;
      using value_type = std::string;
      using difference_type = std::ptrdiff_t;
      using pointer = const std::string*;
      using reference = const std::string&;
      iterator() = default;
      reference operator*() const { return (*names_)[edge_->to]; }
      pointer operator->() const { return &**this; }
      iterator& operator++() {
        ++edge_;
        return *this;
      }
      iterator operator++(int) {
        iterator was = *this;
        ++edge_;
        return was;
      }
      friend bool operator==(const iterator& a, const iterator& b) { return a.edge_ == b.edge_; }

     private:
      friend class Names;
      iterator(const Edge* edge, const std::vector<std::string>* names) : edge_(edge), names_(names) {}
      const Edge* edge_ = nullptr;
      const std::vector<std::string>* names_ = nullptr;
    };
    Names() = default;
    [[nodiscard]] iterator begin() const { return {begin_, names_}; }
    [[nodiscard]] iterator end() const { return {end_, names_}; }
    [[nodiscard]] std::size_t size() const { return static_cast<std::size_t>(end_ - begin_); }
    [[nodiscard]] bool empty() const { return begin_ == end_; }
    [[nodiscard]] const std::string& operator[](std::size_t i) const { return (*names_)[begin_[i].to]; }
    [[nodiscard]] bool contains(const std::string& name) const;
    [[nodiscard]] NameSet owned() const { return NameSet(begin(), end()); }

   private:
    friend class DependencyGraph;
    Names(const Edge* b, const Edge* e, const std::vector<std::string>* names) : begin_(b), end_(e), names_(names) {}
    const Edge* begin_ = nullptr;
    const Edge* end_ = nullptr;
    const std::vector<std::string>* names_ = nullptr;
  };

  // `units` maps canonical names to configurations; `canonical` maps any
  // name (alias or canonical) to the canonical one. Returns one message per
  // ordering cycle broken and per OnFailure=/OnSuccess= naming its own unit
  // (dropped, as systemd's unit_add_dependency() does).
  std::vector<std::string> rebuild(const std::map<std::string, const ServiceConfig*>& units,
                                   const std::function<std::string(const std::string&)>& canonical,
                                   RuntimeScope scope);

  // A unit's dependencies as systemctl show lists them (systemd 252's
  // Requires, Wants, ... properties): the forward ones from its file and
  // directories plus the implicit ones, canonical names, sorted; After and
  // Before also hold the other side's Before=/After= (one order, two views).
  // The inverse lists (systemd.unit(5), "Mapping of unit properties to their
  // inverses") name the units whose forward list names this one.
  struct Listed {
    std::vector<std::string> requires_, wants, binds_to, requisite, part_of, conflicts, before, after,
        propagates_stop_to, stop_propagated_from, propagates_reload_to, reload_propagated_from, upholds;
    std::vector<std::string> required_by, wanted_by, bound_by, requisite_of, consists_of, conflicted_by,
        on_failure_of, on_success_of, upheld_by;
  };
  [[nodiscard]] Listed listed(const std::string& name) const;

  // Units that `name` is ordered after (After=, and others' Before=).
  [[nodiscard]] Names after(const std::string& name) const;
  // Units ordered after `name`.
  [[nodiscard]] Names before(const std::string& name) const;
  // Requires= and BindsTo= (and .requires/ entries): must start with it.
  [[nodiscard]] Names requirements(const std::string& name) const;
  [[nodiscard]] Names requisites(const std::string& name) const;
  // Wants= (and .wants/ entries).
  [[nodiscard]] Names wants(const std::string& name) const;
  // Upholds= of `name`, and the units with Upholds= on it (UpheldBy=).
  [[nodiscard]] Names upholds(const std::string& name) const;
  [[nodiscard]] Names upheld_by(const std::string& name) const;
  // Units with Wants= on `name` (WantedBy=).
  [[nodiscard]] Names wanted_by(const std::string& name) const;
  // Units whose Requires=/BindsTo=/Requisite= name this one: they stop with it.
  [[nodiscard]] Names required_by(const std::string& name) const;
  // Units with BindsTo= on this one: they stop whenever it goes down.
  [[nodiscard]] Names bound_by(const std::string& name) const;
  // Units with PartOf= on this one (ConsistsOf=): a stop or restart of it
  // is propagated to them.
  [[nodiscard]] Names consists_of(const std::string& name) const;
  [[nodiscard]] Names conflicts(const std::string& name) const;
  // Only the Conflicts= `name` lists (systemd's UNIT_ATOM_PULL_IN_STOP; the
  // others' on it, ConflictedBy=, are conflicts() too).
  [[nodiscard]] Names listed_conflicts(const std::string& name) const;
  // PropagatesStopTo= of `name` and the others' StopPropagatedFrom= on it:
  // stopped when it stops by a job or goes down without one.
  [[nodiscard]] Names stop_propagates_to(const std::string& name) const;
  // PropagatesReloadTo= of `name` and the others' ReloadPropagatedFrom= on
  // it: reloaded with it, if active.
  [[nodiscard]] Names reload_propagates_to(const std::string& name) const;
  // OnFailure= and OnSuccess=: started when `name` fails, or succeeds.
  [[nodiscard]] Names on_failure(const std::string& name) const;
  [[nodiscard]] Names on_success(const std::string& name) const;
  // The units whose OnFailure= or OnSuccess= name `name` (systemd's
  // OnFailureOf=/OnSuccessOf=), one entry per such line: a unit naming it
  // in both is there twice, as systemd counts trigger sources.
  [[nodiscard]] const std::vector<std::string>& trigger_sources(const std::string& name) const;

 private:
  class Builder;
  [[nodiscard]] std::optional<std::uint32_t> id_of(const std::string& name) const;
  [[nodiscard]] Names list(std::uint32_t id, Relation relation) const;
  [[nodiscard]] Names list(const std::string& name, Relation relation) const;
  void freeze(const Builder& builder);
  static void add_default_dependencies(const std::map<std::string, const ServiceConfig*>& units, RuntimeScope scope,
                                       Builder& builder);
  void add_target_default_dependencies(const std::map<std::string, const ServiceConfig*>& units, Builder& builder);
  [[nodiscard]] std::vector<std::string> break_cycles(Builder& builder);

  std::vector<std::string> names_;    // every unit named, sorted: an id is an index
  std::vector<std::uint32_t> first_;  // unit id's edges: edges_[first_[id], first_[id + 1])
  std::vector<Edge> edges_;           // per unit, by relation, then by the other's name
  std::map<std::string, std::vector<std::string>> trigger_sources_;
};

}  // namespace vermilion
