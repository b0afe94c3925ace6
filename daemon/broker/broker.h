// The capability broker: the only place that decides what a child may do.
//
// Authority flows from policy alone: apply_policy() installs the granted
// capabilities as roots and removes (revoking everything derived) those no
// longer granted. Children act through their private links; a link only ever
// names its own holder, so identity is the link, never a PID.
//
// This class holds the rules and the audit trail; it knows nothing of D-Bus.
// Each link registers as a LinkPeer to be told what happens to its holder
// (capabilities received or revoked, connections made to it). Changes to
// the service table come from the manager, each with its snapshot, and go
// on to the watching links (watchers.h) as they came: the broker decides
// who may watch, and never reads a service back to tell of its change.
#pragma once

#include <cstdint>
#include <cerrno>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "broker/capability_table.h"
#include "broker/link_peer.h"
#include "broker/watchers.h"
#include "supervision/job.h"
#include "common/link_limits.h"
#include "logs/log_buffer.h"
#include "logs/logger.h"
#include "broker/policy.h"
#include "units/unit_install.h"
#include "units/unit_presets.h"
#include "common/resource_usage.h"
#include "common/service_status.h"
#include "common/unique_fd.h"

namespace vermilion {


// Why the broker refused a child's request. The link turns each into a
// D-Bus error (link/link_errors.h); the broker knows nothing of D-Bus.
enum class BrokerError {
  no_such_capability,  // the caller's CList has nothing in that slot
  access_denied,       // the capability lacks the right, is of another kind, does
                       // not cover the service, or rights would grow
  invalid_argument,    // malformed rights or service name; a glob where one service is needed
  quota_exceeded,      // a holder would exceed BrokerLimits::capabilities_per_holder
  no_such_service,     // no loaded service has that name
  unavailable,         // allowed, but not possible now: the endpoint's service has no
                       // link, the resource is gone, a system call failed
  no_such_unit_file,   // enablement: no unit file of that name in the search path
  unit_masked,         // enablement: the unit is masked
  file_exists,         // enablement: another file or link is in the way
};

struct [[nodiscard]] BrokerResult {
  std::optional<BrokerError> error;  // nullopt: success
  std::string message;               // for the error: what was refused, for the caller

  [[nodiscard]] bool ok() const { return !error; }
  static BrokerResult success() { return {}; }
  static BrokerResult failure(BrokerError e, std::string text) { return {e, std::move(text)}; }
};

// What the broker may do to services: the manager, seen through a window.
class ServiceControl {
 public:
  virtual ~ServiceControl() = default;
  [[nodiscard]] virtual std::optional<ServiceStatus> status(const std::string& name) = 0;
  [[nodiscard]] virtual std::vector<ServiceStatus> list() = 0;
  // Manager::enqueue: `done` runs once the job finished, if it was queued.
  virtual EnqueueResult enqueue(JobType type, const std::string& name, std::function<void(JobResult)> done,
                                JobMode mode) = 0;
  // Manager::isolate, a client's: RefuseManualStart= is checked as for a start.
  virtual EnqueueResult isolate(const std::string& name, std::function<void(JobResult)>) {
    return {EnqueueOutcome::not_found, name};
  }
  [[nodiscard]] virtual int kill(const std::string& name, int sig) = 0;
  // Manager::on_bus_name_owners: who owns which D-Bus names, as the bridge
  // saw on the bus (right bus-names).
  virtual void bus_name_owners(const std::vector<std::pair<std::string, std::string>>&, bool /*complete*/) {}
  // systemctl kill --kill-whom=main|control: the service's main (or
  // control) process only. 1, -ENOENT (no such service), -ESRCH (no such
  // process now).
  enum class KillWhom { main, control };
  [[nodiscard]] virtual int kill_process(const std::string&, KillWhom, int) { return -ESRCH; }
  [[nodiscard]] virtual std::vector<LogLine> logs(const std::string& name, std::size_t lines) = 0;
  // The service's processes now (Service::processes()); -ENOENT for no such service.
  [[nodiscard]] virtual int processes(const std::string& name, std::vector<pid_t>& out) = 0;
  // Its counters now (Service::resource_usage()); 0, or -ENOENT for no
  // such service.
  [[nodiscard]] virtual int resource_usage(const std::string&, ResourceUsage&) { return -ENOENT; }
  // daemon-reload: `done` runs once the units and policies are reloaded
  // (after the generators, which run asynchronously), so that a Reload call
  // replies only then, as systemd's method_reload() does.
  virtual void reload_units(std::function<void()> done) = 0;
  // Enablement on vermiliond's unit search path (UnitInstaller): 0 or
  // -errno as UnitInstaller's; `changes` holds what was done (also on
  // failure), `diags` what went wrong.
  [[nodiscard]] virtual int change_unit_files(UnitFileOperation op, const std::vector<std::string>& names,
                                              std::vector<InstallChange>& changes, Diagnostics& diags) = 0;
  // nullopt: no unit file of that name.
  [[nodiscard]] virtual std::optional<UnitFileState> unit_file_state(const std::string& name) = 0;
  // UnitInstaller::default_target().
  [[nodiscard]] virtual int default_target(std::string& out) = 0;
  [[nodiscard]] virtual std::map<std::string, UnitFileState> unit_files() = 0;
  // systemd's ListUnitFiles rows: each unit file's path in the search path
  // (the first directory holding the name) and its state.
  [[nodiscard]] virtual std::vector<std::pair<std::string, UnitFileState>> unit_file_paths() = 0;
  // Unit.UnitFilePreset of the unit file `name` (units/unit_presets.h):
  // nullopt when there is nothing to tell (systemd's "").
  [[nodiscard]] virtual std::optional<PresetAction> unit_file_preset(const std::string&) { return std::nullopt; }
  // systemctl preset NAMES, or with `all` preset-all (units/preset_install.h);
  // 0 or -errno as change_unit_files().
  [[nodiscard]] virtual int preset_unit_files(const std::vector<std::string>&, bool /*all*/, PresetMode,
                                              std::vector<InstallChange>&, Diagnostics&) {
    return -EOPNOTSUPP;
  }
  // systemctl set-default (UnitInstaller::set_default()).
  [[nodiscard]] virtual int set_default_target(const std::string&, bool /*force*/, std::vector<InstallChange>&,
                                               Diagnostics&) {
    return -EOPNOTSUPP;
  }
  // The links disable would remove (UnitInstaller::links_of()).
  [[nodiscard]] virtual int unit_file_links(const std::string&, bool /*runtime*/, std::vector<std::string>&,
                                            Diagnostics&) {
    return -EOPNOTSUPP;
  }
  // The loaded service process `pid` belongs to (Manager::service_of_process());
  // -ESRCH when none.
  [[nodiscard]] virtual int service_of_process(pid_t, std::string&) { return -ESRCH; }
  // systemctl reset-failed of one service; -ENOENT if it is not loaded.
  [[nodiscard]] virtual int reset_failed(const std::string& name) = 0;
  // Manager::cancel_job: 0, -ENOENT (no such service), -ESRCH (no job).
  // Not pure: controls without jobs of their own (tests) have none to cancel.
  [[nodiscard]] virtual int cancel_job(const std::string&) { return -ESRCH; }
  // When vermiliond began to serve (systemd's UserspaceTimestamp): realtime
  // and monotonic µs; 0 when unknown (the fakes of tests).
  [[nodiscard]] virtual std::pair<std::uint64_t, std::uint64_t> started_at() { return {0, 0}; }
  // What every service gets from the manager ("LANG=...", "PATH=...",
  // sorted; systemd's Manager.Environment, `systemctl show-environment`) and
  // the directories units load from, in order (systemd's UnitPath). Empty
  // when unknown (the fakes of tests).
  [[nodiscard]] virtual std::vector<std::string> manager_environment() { return {}; }
  [[nodiscard]] virtual std::vector<std::string> unit_path() { return {}; }
  // systemd's Manager.Tainted now (platform/taint.h); "" when unknown.
  [[nodiscard]] virtual std::string tainted() { return {}; }
};

struct BrokerLimits {
  std::size_t capabilities_per_holder = CapabilityTable::kDefaultMaxPerHolder;
  std::size_t calls_in_flight_per_link = kDefaultLinkJobsInFlight;  // job calls awaiting their result
  std::size_t queued_messages_per_link = 256;  // unread messages to a child
  // Open connections a holder made through Connect (vermiliond keeps one fd
  // of each, to cut it on revocation), and connections made to a child that
  // wait for it to speak on its link. With the link's own four fds (its
  // socket, sd-bus's duplicate, the gate's socketpair), this bounds what one
  // link holds of vermiliond's fds: 4 + 2 * 64.
  std::size_t connections_per_link = 64;
  // SO_SNDBUF of the broker's end of each link; 0 keeps sd-bus's (8 MiB, which
  // the kernel doubles): what a child that stops reading can pin in the kernel
  // before queued_messages_per_link even starts counting.
  int link_send_buffer_bytes = 0;
};

class Broker {
 public:
  Broker(ServiceControl& control, const Logger& audit_log, BrokerLimits limits = {});
  ~Broker();

  // Installs what policy grants now and removes what it no longer grants
  // (with everything derived from it). Holders are told. Keeps the policy's
  // [Bus] rules.
  void apply_policy(const PolicySet& policy);
  // Whether the service gets a link at all (it holds something).
  [[nodiscard]] bool has_capabilities(const std::string& holder) const;
  // Listening sockets and files policy grants the holder, in grant order,
  // for LISTEN_FDS; names for LISTEN_FDNAMES.
  struct PassedFd {
    int fd;
    std::string name;
  };
  [[nodiscard]] std::vector<PassedFd> listen_fds(const std::string& holder) const;

  void attach(const std::string& holder, LinkPeer& peer);
  void detach(const std::string& holder, LinkPeer& peer);

  // ---- what a child may ask, each checked against its own CList ----
  [[nodiscard]] std::vector<const Capability*> list(const std::string& holder) const;
  [[nodiscard]] const Capability* lookup(const std::string& holder, Slot slot) const;
  [[nodiscard]] BrokerResult derive(const std::string& holder, Slot slot, const std::string& rights,
                                    Slot& out);
  [[nodiscard]] BrokerResult grant(const std::string& holder, Slot endpoint, Slot cap,
                                   const std::string& rights, Slot& receiver_slot);
  [[nodiscard]] BrokerResult revoke(const std::string& holder, Slot slot);
  [[nodiscard]] BrokerResult drop(const std::string& holder, Slot slot);
  [[nodiscard]] BrokerResult connect(const std::string& holder, Slot endpoint, unique_fd& mine);
  [[nodiscard]] BrokerResult open_fd(const std::string& holder, Slot slot, int& fd);
  // Checks that `slot` is a capability of `kind` with `right` covering
  // `service` ("" means the capability's own object when it names one
  // service); resolves the name. Audits denials.
  [[nodiscard]] BrokerResult authorize(const std::string& holder, Slot slot, CapabilityKind kind,
                                       Rights right, const std::string& service,
                                       std::string& resolved);
  // The CList of a loaded service (`service`: "web", "web.service" or an
  // alias), for a manager capability in `slot` with `inspect`. Denials are
  // audited; an unknown service is NoSuchService.
  [[nodiscard]] BrokerResult capabilities_of(const std::string& holder, Slot slot, const std::string& service,
                                             std::vector<const Capability*>& out);
  // Enablement through a manager capability in `slot` with `enable`
  // (systemctl enable, disable, reenable, mask, unmask), audited. `changes`
  // holds what was done, also when it fails part way, as systemctl reports
  // it. Errors: no_such_unit_file, unit_masked, file_exists,
  // invalid_argument (a bad name, no names), unavailable (any other
  // failure); the message is systemctl's.
  [[nodiscard]] BrokerResult change_unit_files(const std::string& holder, Slot slot, UnitFileOperation op,
                                               const std::vector<std::string>& names,
                                               std::vector<InstallChange>& changes);
  // A unit file's enablement state, with `list` (no_such_unit_file when none).
  [[nodiscard]] BrokerResult unit_file_state(const std::string& holder, Slot slot, const std::string& name,
                                             UnitFileState& out);
  // What default.target is ("multi-user.target"), with `list`:
  // no_such_unit_file without a default.target file, unit_masked.
  [[nodiscard]] BrokerResult default_target(const std::string& holder, Slot slot, std::string& out);
  // Every unit file and its state, with `list`.
  [[nodiscard]] BrokerResult unit_files(const std::string& holder, Slot slot,
                                        std::map<std::string, UnitFileState>& out);
  // The same as systemd's ListUnitFiles rows (path, state), and each
  // file's preset ("enabled", "disabled", "" when there is none), with `list`.
  struct UnitFileRow {
    std::string path;
    UnitFileState state = UnitFileState::static_;
    std::string preset;
  };
  [[nodiscard]] BrokerResult unit_file_paths(const std::string& holder, Slot slot, std::vector<UnitFileRow>& out);
  // systemctl preset NAMES (or with `all`, preset-all) in `mode`, with
  // `enable`; errors and audit as change_unit_files().
  [[nodiscard]] BrokerResult preset_unit_files(const std::string& holder, Slot slot,
                                               const std::vector<std::string>& names, bool all, PresetMode mode,
                                               std::vector<InstallChange>& changes);
  // systemctl set-default NAME, with `enable`; as change_unit_files().
  [[nodiscard]] BrokerResult set_default_target(const std::string& holder, Slot slot, const std::string& name,
                                                bool force, std::vector<InstallChange>& changes);
  // The links `systemctl disable NAME` would remove, with `list`.
  [[nodiscard]] BrokerResult unit_file_links(const std::string& holder, Slot slot, const std::string& name,
                                             bool runtime, std::vector<std::string>& out);
  // The service any process `pid` belongs to (by its cgroup or session, as
  // systemd's GetUnitByPID), with `list`: no_such_service when none.
  [[nodiscard]] BrokerResult service_of_process(const std::string& holder, Slot slot, pid_t pid, std::string& out);
  // A capability still exists (for replies to calls queued before a revoke).
  [[nodiscard]] bool still_held(const std::string& holder, Slot slot, CapabilityId id) const;

  // Tells watchers (manager capabilities with `watch`) about a state change:
  // `status` is the service at that change, passed on as it is.
  void service_state_changed(const ServiceStatus& status);
  // The same for a change of properties other than the state (StatusText,
  // MainPID).
  void service_properties_changed(const ServiceStatus& status);
  // Tells watchers that a reload of units and policies has completed.
  void reloaded();
  // Tells watchers that enablement changed unit files (links made or removed).
  void unit_files_changed();
  // A manager capability with `watch` subscribes this link; it ends when the
  // capability is revoked or dropped, or the link goes.
  void watch(const std::string& holder, Slot slot, LinkPeer& peer);

  void audit(const std::string& action, const std::string& subject, const std::string& detail,
             const std::string& result) const;

  // The [Bus] rules of the policy in effect, in policy order (for
  // ManagerCapability.GetBusRules: the bridge enforces them).
  [[nodiscard]] const std::vector<BusRule>& bus_rules() const { return bus_rules_; }

  [[nodiscard]] ServiceControl& control() { return control_; }
  [[nodiscard]] const BrokerLimits& limits() const { return limits_; }
  [[nodiscard]] const CapabilityTable& table() const { return table_; }

 private:
  struct Resource;  // an fd opened for an fd capability
  void tell_revoked(const std::vector<RevokedCap>& removed);
  // Connections `holder` made that are still open (closes the kept end of
  // those whose other side has gone).
  [[nodiscard]] std::size_t open_connections(const std::string& holder);
  [[nodiscard]] std::string describe(const Capability& cap) const;
  // The end of an enablement change (audit, UnitFilesChanged, the result).
  [[nodiscard]] BrokerResult changed_unit_files(const std::string& holder, const std::string& action,
                                                const std::string& detail, int r, const Diagnostics& diags,
                                                const std::vector<InstallChange>& changes);

  ServiceControl& control_;
  const Logger& audit_log_;
  BrokerLimits limits_;
  CapabilityTable table_;
  std::map<std::string, std::set<LinkPeer*>> peers_;
  Watchers watchers_{table_};
  std::vector<BusRule> bus_rules_;
  // Root capability id -> the policy grant it came from (for reloads).
  std::map<CapabilityId, std::string> root_keys_;
  std::map<CapabilityId, std::unique_ptr<Resource>> resources_;  // by root id
  // Connections made through an endpoint capability (by its id): the
  // caller's end kept to cut them on revocation. Dropped with the capability,
  // when the target closes its end, or when the caller has no link left (its
  // process is gone: the target then sees the end of the stream).
  std::map<CapabilityId, std::vector<unique_fd>> connections_;
};

}  // namespace vermilion
