// org.freedesktop.systemd1 as systemd 252 serves it, for systemctl, busctl,
// Cockpit and GUI service managers (`vermilion-bridge --systemd-compat`;
// bridge/README.md says what is implemented and what answers NotSupported).
//
// Why sd-bus and not sdbus-c++ here: systemd has an object for *any* unit
// name (/org/freedesktop/systemd1/unit/<bus_label_escape(name)>; systemctl
// reads a unit it never listed straight from its path), which takes
// sd-bus's fallback vtables with a find callback; sdbus-c++ 1.2 has none.
// sd-bus also writes the introspection, flags and Properties.GetAll("")
// merging exactly as systemd does, since systemd uses the same library. So
// this face has its own sd-bus connection to the same bus (the bridge's
// loop polls it beside the other two), and vtables generated at build time
// from systemd's own introspection (interfaces/org.freedesktop.systemd1.xml,
// systemd1_vtables.py).
//
// Authority is the Bridge's, unchanged: reads come from its mirror, every
// action is checked against the caller's [Bus] rules and goes through the
// bridge's capabilities on its private link; this class holds none.
//
// Jobs: systemd answers a job method with the job's path at once and says
// how it ended in JobRemoved. The link's job calls reply when the job ends,
// so each bus job is one link call: the method replies with
// /org/freedesktop/systemd1/job/N, JobNew follows, and JobRemoved (result
// done, failed, dependency, canceled, invalid) when the link replies.
#pragma once

#include <systemd/sd-bus.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "bridge/bridge.h"

namespace vermilion::bridge {

class Systemd1Server final : private MirrorObserver {
 public:
  struct Job {
    std::uint32_t id = 0;
    std::string unit;
    std::string type;   // systemd's job type: start, stop, restart, reload, try-restart
    std::string state;  // waiting, running
  };

  // Opens its own connection to the system bus (the session bus with
  // `user`) with sd-bus, registers every object and requests
  // org.freedesktop.systemd1, then follows `bridge`'s table until destroyed.
  // Returns 0 when serving; -EEXIST when someone else owns the name, -EACCES
  // when the bus policy does not let us own it (both logged, naming the
  // owner); other negative errnos from sd-bus.
  [[nodiscard]] static int create(Bridge& bridge, bool user, std::unique_ptr<Systemd1Server>& out);
  ~Systemd1Server() override;
  Systemd1Server(const Systemd1Server&) = delete;
  Systemd1Server& operator=(const Systemd1Server&) = delete;

  [[nodiscard]] sd_bus* bus() const { return bus_; }
  [[nodiscard]] const std::map<std::uint32_t, Job>& jobs() const { return jobs_; }

  // "org.freedesktop.systemd1.Manager.GetUnit", ...: every method that
  // does something (the others answer NotSupported) and every signal sent,
  // for systemd1_served_test.
  [[nodiscard]] static std::vector<std::string> served_methods_and_signals();

  // The vtables' entry points (systemd1_handlers.h).
  int method(sd_bus_message* m, sd_bus_error* error);
  int get_property(const char* path, const char* interface, const char* property, sd_bus_message* reply,
                   sd_bus_error* error) {
    return append_property(path, interface, property, reply, error, nullptr);
  }
  int set_property(const char* interface, const char* property, sd_bus_error* error);

 private:
  explicit Systemd1Server(Bridge& bridge) : bridge_(bridge) {}
  // One property's value; `usage` (null: unknown) gives the Service's
  // counters, which the mirror does not hold.
  int append_property(const char* path, const char* interface, const char* property, sd_bus_message* reply,
                      sd_bus_error* error, const ResourceUsage* usage);
  // Properties.Get of a counter (MemoryCurrent, TasksCurrent, CPUUsageNSec)
  // and GetAll("" or the Service interface) on a loaded service, which
  // systemd answers from the cgroup: these wait for vermiliond's
  // GetResourceUsage and return 1. Every other message: 0, and the vtables
  // answer it from the mirror at once.
  int properties_with_counters(sd_bus_message* m, sd_bus_error* error);
  static int on_unit_message(sd_bus_message* m, void* self, sd_bus_error* error);
  // GetAll's a{sv} as sd-bus builds it: every property of `interface`
  // ("" for both unit interfaces), in introspection order.
  int append_all_properties(const char* path, const std::string& interface, sd_bus_message* reply,
                            sd_bus_error* error, const ResourceUsage& usage);
  [[nodiscard]] int serve(bool user);
  void log(const std::string& line) const;

  // What a unit object shows: `status` is null for a unit vermiliond does
  // not have (load state not-found, as systemd's LoadUnit of an unknown name).
  struct UnitView {
    std::string name;
    const ServiceStatus* status = nullptr;
    const Job* job = nullptr;
  };
  [[nodiscard]] UnitView view_of(std::string name) const;
  // The unit's UnitFileState: its file's, or its template's for an
  // instance without a file of its own; "" without a file (as systemd).
  [[nodiscard]] std::string unit_file_state_of(const UnitView& unit) const;
  // Its UnitFilePreset: its fragment's preset ("enabled", "disabled"), ""
  // without one (as systemd).
  [[nodiscard]] std::string unit_file_preset_of(const UnitView& unit) const;
  [[nodiscard]] const Job* job_of_unit(std::string_view unit) const;

  // Manager methods (each answers m, or returns an error through `error`),
  // by member name; the job methods go through manager_job().
  using Handler = int (Systemd1Server::*)(sd_bus_message*, sd_bus_error*);
  [[nodiscard]] static const std::unordered_map<std::string_view, Handler>& manager_handlers();
  int get_unit(sd_bus_message* m, sd_bus_error* error);
  int load_unit(sd_bus_message* m, sd_bus_error* error);
  int get_unit_by_pid(sd_bus_message* m, sd_bus_error* error);
  int get_unit_by_invocation_id(sd_bus_message* m, sd_bus_error* error);
  // Answers m with the unit process `pid` belongs to, or NoUnitForPID.
  int reply_unit_of_pid(sd_bus_message* m, std::uint32_t pid, sd_bus_error* error);
  int list_units(sd_bus_message* m, sd_bus_error* error);
  int list_units_filtered(sd_bus_message* m, sd_bus_error* error);
  int list_units_by_patterns(sd_bus_message* m, sd_bus_error* error);
  int list_units_by_names(sd_bus_message* m, sd_bus_error* error);
  int subscribe(sd_bus_message* m, sd_bus_error* error);
  int unsubscribe(sd_bus_message* m, sd_bus_error* error);
  int reload(sd_bus_message* m, sd_bus_error* error);
  int list_jobs(sd_bus_message* m, sd_bus_error* error);
  int get_job(sd_bus_message* m, sd_bus_error* error);
  int cancel_job(sd_bus_message* m, sd_bus_error* error);
  // ClearJobs(): every job, as CancelJob each (systemctl cancel without ids).
  int clear_jobs(sd_bus_message* m, sd_bus_error* error);
  int kill_unit(sd_bus_message* m, sd_bus_error* error);
  // Enablement (src/core/dbus-manager.c of systemd 252): ListUnitFiles,
  // ListUnitFilesByPatterns (as states, as patterns), GetUnitFileState,
  // Enable/Reenable(asbb)->(ba(sss)), Mask(asbb)->a(sss),
  // Disable/Unmask(asb)->a(sss), Enable(ast)->(ba(sss)), Disable(ast)->a(sss),
  // through the bridge's manager capabilities (Bridge::change_unit_files).
  // runtime, force and their flags answer NotSupported: vermiliond links in
  // its first unit directory only and never replaces what is in the way.
  int list_unit_files(sd_bus_message* m, sd_bus_error* error);
  int list_unit_files_by_patterns(sd_bus_message* m, sd_bus_error* error);
  int get_unit_file_state(sd_bus_message* m, sd_bus_error* error);
  // GetUnitProcesses(s) and Service.GetProcesses(): a service's processes
  // (right status), or for "-.slice" those of every service the caller may
  // see, as a(sus) rows.
  int get_unit_processes(sd_bus_message* m, sd_bus_error* error);
  int service_get_processes(sd_bus_message* m, sd_bus_error* error);
  int processes_of(sd_bus_message* m, const std::string& unit, sd_bus_error* error);
  // GetDefaultTarget(): what default.target is, open to every caller.
  int get_default_target(sd_bus_message* m, sd_bus_error* error);
  int change_unit_files(sd_bus_message* m, sd_bus_error* error);
  // PresetUnitFiles(asbb)->(ba(sss)), PresetUnitFilesWithMode(assbb)->
  // (ba(sss)), PresetAllUnitFiles(sbb)->a(sss) (systemctl preset,
  // preset-all), through the bridge's manager capability with `enable`.
  int preset_unit_files(sd_bus_message* m, sd_bus_error* error);
  // SetDefaultTarget(sb)->a(sss) (systemctl set-default), right `enable`.
  int set_default_target(sd_bus_message* m, sd_bus_error* error);
  // GetUnitFileLinks(sb)->as: the links disable would remove, for anyone.
  int get_unit_file_links(sd_bus_message* m, sd_bus_error* error);
  // ResetFailed() (every failed unit the caller may reset) and
  // ResetFailedUnit(s), Unit.ResetFailed().
  int reset_failed(sd_bus_message* m, sd_bus_error* error);
  int reset_failed_unit(sd_bus_message* m, sd_bus_error* error);
  int unit_reset_failed(sd_bus_message* m, sd_bus_error* error);
  int reset_failed_of(sd_bus_message* m, const std::string& unit, sd_bus_error* error);
  int manager_job(sd_bus_message* m, std::string_view verb, sd_bus_error* error);
  // Unit methods: the same, the unit from the object's path.
  int unit_job(sd_bus_message* m, std::string_view verb, sd_bus_error* error);
  int unit_kill(sd_bus_message* m, sd_bus_error* error);
  int job_cancel(sd_bus_message* m, sd_bus_error* error);
  // CancelJob(u) and Job.Cancel(): the job's unit's job in vermiliond ends
  // (ServiceCapability.CancelJob, right stop); NoSuchJob for an unknown id.
  int cancel(sd_bus_message* m, std::uint32_t id, sd_bus_error* error);

  // A job method on `unit` with `verb` (StartUnit's "start", ... ,
  // "reload-or-try-restart") and `mode`, for the caller of m.
  int enqueue(sd_bus_message* m, const std::string& unit, std::string_view verb, std::string_view mode,
              sd_bus_error* error);
  int kill(sd_bus_message* m, const std::string& unit, std::string_view whom, std::int32_t signal,
           sd_bus_error* error);
  void finish_job(std::uint32_t id, std::string_view result);
  // D-Bus activation (dbus-daemon --systemd-activation): the bus daemon
  // asks, with the signal ActivationRequest(s unit), for the unit a D-Bus
  // service file names (SystemdService=): a start job in mode replace, as
  // systemd 252's signal_activation_request(); a refusal goes back to the
  // bus daemon as ActivationFailure(s unit, s error, s message), which
  // fails the activation for the client that caused it.
  static int on_activation_request(sd_bus_message* m, void* self, sd_bus_error* error);
  void activate(sd_bus_message* m);
  void send_activation_failure(const std::string& unit, const char* error_name, const std::string& message);

  int append_unit_row(sd_bus_message* reply, const UnitView& unit) const;
  int append_units(sd_bus_message* m, const std::vector<std::string>& states,
                   const std::vector<std::string>& patterns);

  // Signals, to subscribers as systemd sends them (UnitNew, UnitRemoved,
  // PropertiesChanged, Reloading only while someone is subscribed; job
  // signals always).
  [[nodiscard]] bool anyone_subscribed() const;
  void emit_unit_changed(const std::string& unit, const std::vector<std::string>& vermilion_properties);
  void emit_reloading(bool active);

  // MirrorObserver
  void on_mirror_changed(const ServiceMirror::Delta& delta) noexcept override;
  void on_reloaded() noexcept override;
  void on_unit_files_changed() noexcept override;

  static int find_unit(sd_bus*, const char* path, const char* interface, void* self, void** found, sd_bus_error*);
  static int find_service(sd_bus*, const char* path, const char* interface, void* self, void** found,
                          sd_bus_error*);
  static int find_job(sd_bus*, const char* path, const char* interface, void* self, void** found, sd_bus_error*);
  static int enumerate_units(sd_bus*, const char* prefix, void* self, char*** nodes, sd_bus_error*);
  static int enumerate_jobs(sd_bus*, const char* prefix, void* self, char*** nodes, sd_bus_error*);

  Bridge& bridge_;
  sd_bus* bus_ = nullptr;
  std::vector<sd_bus_slot*> slots_;
  sd_bus_track* subscribers_ = nullptr;
  std::map<std::uint32_t, Job> jobs_;
  std::uint32_t last_job_id_ = 0;
  bool reloading_ = false;  // a Manager.Reload of ours is in flight
};

}  // namespace vermilion::bridge
