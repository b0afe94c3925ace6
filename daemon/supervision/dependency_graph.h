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
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "units/runtime_scope.h"
#include "units/unit_config.h"

namespace vermilion {

class DependencyGraph {
 public:
  using Names = std::set<std::string>;

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
  [[nodiscard]] const Names& after(const std::string& name) const { return lookup(after_, name); }
  // Units ordered after `name`.
  [[nodiscard]] const Names& before(const std::string& name) const { return lookup(before_, name); }
  // Requires= and BindsTo= (and .requires/ entries): must start with it.
  [[nodiscard]] const Names& requirements(const std::string& name) const { return lookup(requires_, name); }
  [[nodiscard]] const Names& requisites(const std::string& name) const { return lookup(requisite_, name); }
  // Wants= (and .wants/ entries).
  [[nodiscard]] const Names& wants(const std::string& name) const { return lookup(wants_, name); }
  // Upholds= of `name`, and the units with Upholds= on it (UpheldBy=).
  [[nodiscard]] const Names& upholds(const std::string& name) const { return lookup(upholds_, name); }
  [[nodiscard]] const Names& upheld_by(const std::string& name) const { return lookup(upheld_by_, name); }
  // Units with Wants= on `name` (WantedBy=).
  [[nodiscard]] const Names& wanted_by(const std::string& name) const { return lookup(wanted_by_, name); }
  // Units whose Requires=/BindsTo=/Requisite= name this one: they stop with it.
  [[nodiscard]] const Names& required_by(const std::string& name) const { return lookup(required_by_, name); }
  // Units with BindsTo= on this one: they stop whenever it goes down.
  [[nodiscard]] const Names& bound_by(const std::string& name) const { return lookup(bound_by_, name); }
  // Units with PartOf= on this one (ConsistsOf=): a stop or restart of it
  // is propagated to them.
  [[nodiscard]] const Names& consists_of(const std::string& name) const { return lookup(consists_of_, name); }
  [[nodiscard]] const Names& conflicts(const std::string& name) const { return lookup(conflicts_, name); }
  // PropagatesStopTo= of `name` and the others' StopPropagatedFrom= on it:
  // stopped when it stops by a job or goes down without one.
  [[nodiscard]] const Names& stop_propagates_to(const std::string& name) const {
    return lookup(propagates_stop_to_, name);
  }
  // PropagatesReloadTo= of `name` and the others' ReloadPropagatedFrom= on
  // it: reloaded with it, if active.
  [[nodiscard]] const Names& reload_propagates_to(const std::string& name) const {
    return lookup(propagates_reload_to_, name);
  }
  // OnFailure= and OnSuccess=: started when `name` fails, or succeeds.
  [[nodiscard]] const Names& on_failure(const std::string& name) const { return lookup(on_failure_, name); }
  [[nodiscard]] const Names& on_success(const std::string& name) const { return lookup(on_success_, name); }
  // The units whose OnFailure= or OnSuccess= name `name` (systemd's
  // OnFailureOf=/OnSuccessOf=), one entry per such line: a unit naming it
  // in both is there twice, as systemd counts trigger sources.
  [[nodiscard]] const std::vector<std::string>& trigger_sources(const std::string& name) const;

 private:
  static const Names& lookup(const std::map<std::string, Names>& m, const std::string& name);
  std::vector<std::string> break_cycles();
  void add_default_dependencies(const std::map<std::string, const ServiceConfig*>& units, RuntimeScope scope);
  void add_target_default_dependencies(const std::map<std::string, const ServiceConfig*>& units);
  void order(const std::string& later, const std::string& earlier);

  std::map<std::string, Names> after_, before_, requires_, requisite_, wants_, required_by_,
      bound_by_, conflicts_, on_failure_, on_success_, part_of_, consists_of_, propagates_stop_to_,
      propagates_reload_to_, stop_propagated_from_, reload_propagated_from_, upholds_, upheld_by_;
  std::map<std::string, std::vector<std::string>> trigger_sources_;
  // Forward only, as listed (requires_ above also holds BindsTo=, and
  // conflicts_ both directions, which is what jobs need).
  std::map<std::string, Names> listed_requires_, listed_binds_to_, listed_conflicts_;
  // The inverses as listed: Requires= (not BindsTo=/Requisite=, which
  // required_by_ also holds), Wants=, Requisite=, Conflicts=.
  std::map<std::string, Names> listed_required_by_, wanted_by_, requisite_of_, conflicted_by_;
};

}  // namespace vermilion
