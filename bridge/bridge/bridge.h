// vermilion-bridge's body: org.vermilion1 on the bus, served from the
// bridge's own capabilities on its private link.
//
// Every request takes the same path: who is calling (CallerIdentity, from the
// bus daemon), may they ([Bus] rules, BusAuthorizer), does the bridge hold a
// capability that covers it (BrokerLink's CList), then one asynchronous call
// on the link whose reply becomes the D-Bus reply. Reads of the service table
// (properties, ListServices, GetService, ObjectManager) are answered from the
// mirror and are open to every caller the bus lets through, as systemd's unit
// properties are: sdbus-c++ 1.2 does not tell a property getter who asks, so
// a per-caller read rule could not be enforced on every read path.
#pragma once

#include <sdbus-c++/sdbus-c++.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/resource_usage.h"
#include "link_client/broker_link.h"
#include "bridge/bus_authorizer.h"
#include "bridge/bus_errors.h"
#include "bridge/bus_name_reporter.h"
#include "bridge/caller_identity.h"
#include "bridge/service_mirror.h"

namespace vermilion::bridge {

class ManagerObject;
class ServiceObject;

// Told of every change the bridge applies to its mirror, after the
// org.vermilion1 objects have signalled it: the org.freedesktop.systemd1
// face (systemd1_server.h) follows the same table.
class MirrorObserver {
 public:
  virtual ~MirrorObserver() = default;
  virtual void on_mirror_changed(const ServiceMirror::Delta& delta) noexcept = 0;
  // vermiliond reloaded units and policies, and the mirror holds the new
  // table (its delta came just before).
  virtual void on_reloaded() noexcept = 0;
  // Enablement changed unit files, and Bridge::unit_files() holds the new
  // table.
  virtual void on_unit_files_changed() noexcept {}
};

// One unit file as vermiliond's enablement sees it.
struct UnitFile {
  std::string path;   // where the search path holds it: "/etc/vermilion/units/web.service"
  std::string state;  // systemd's words: enabled, disabled, static, masked, ...
  std::string preset;  // what its preset is: "enabled", "disabled"; "" when vermiliond cannot tell
};

// One change enablement made, as systemd's a(sss): "symlink" or "unlink",
// the link, what it points to.
struct UnitFileChange {
  std::string type;
  std::string path;
  std::string target;
};

inline constexpr const char* kBusName = "org.vermilion1";
inline constexpr const char* kManagerPath = "/org/vermilion1";
inline constexpr const char* kServiceInterface = "org.vermilion1.Service";

// "/org/vermilion1/service/web_2eservice" for "web.service".
[[nodiscard]] std::string service_object_path(std::string_view name);

class Bridge final : private BrokerLinkListener {
 public:
  // Connects the link on `link_fd` (taking it), reads the CList, subscribes
  // to changes, reads the service table and the [Bus] rules, and registers
  // every object on `bus`. Does not request the bus name: the caller does,
  // once this returned, so nobody sees a half-built tree. Logs to stderr.
  [[nodiscard]] static int create(sdbus::IConnection& bus, int link_fd, std::string version,
                                  std::unique_ptr<Bridge>& out);
  ~Bridge() override;
  Bridge(const Bridge&) = delete;
  Bridge& operator=(const Bridge&) = delete;

  [[nodiscard]] sd_bus* link_bus() const { return link_->bus(); }
  [[nodiscard]] const ServiceMirror& mirror() const { return mirror_; }
  [[nodiscard]] const std::string& version() const { return version_; }
  [[nodiscard]] BrokerLink& link() { return *link_; }
  void set_observer(MirrorObserver* observer) { observer_ = observer; }

  // For faces that are not sdbus-c++ objects (systemd1_server.h): the same
  // checks as every org.vermilion1 call, for the caller with unique name
  // `sender`. Each throws sdbus::Error (AccessDenied) as the ones below do.
  [[nodiscard]] const HeldCapability& authorize_service_of(const std::string& sender, const std::string& service,
                                                           Rights right, const char* action);
  [[nodiscard]] const HeldCapability& authorize_manager_of(const std::string& sender, Rights right,
                                                           const char* action);

  // What the bus objects forward to. `call` is the message being served;
  // each throws sdbus::Error for what it can tell at once and otherwise
  // answers through `result` when the link replies.
  [[nodiscard]] std::vector<sdbus::Struct<std::string, std::string, std::string, std::string, sdbus::ObjectPath>>
  list_services() const;
  [[nodiscard]] sdbus::ObjectPath get_service(std::string_view name) const;
  // `mode`: a job mode as systemctl's --job-mode= (not isolate); InvalidArgs
  // for another word.
  void job(const sdbus::Message* call, std::string_view name, errors::JobKind kind, sdbus::Result<>&& result,
           std::string_view mode = "replace");
  void kill(const sdbus::Message* call, std::string_view name, std::int32_t signal, sdbus::Result<>&& result);
  void logs(const sdbus::Message* call, std::string_view name, std::uint32_t lines,
            sdbus::Result<std::vector<sdbus::Struct<std::uint64_t, std::string>>>&& result);
  void capabilities(
      const sdbus::Message* call, std::string_view name,
      sdbus::Result<std::vector<sdbus::Struct<std::uint32_t, std::string, std::string, std::string, std::uint64_t>>>&&
          result);
  void reload(const sdbus::Message* call, sdbus::Result<>&& result);

  // ---- enablement, for both faces ----
  // The unit files vermiliond sees, by unit name, as last read
  // (ManagerCapability.ListUnitFilePaths): at start-up, after every
  // Link.UnitFilesChanged and reload, and before an enablement change
  // through the bridge is answered. Empty without a manager capability
  // with `list`.
  [[nodiscard]] const std::map<std::string, UnitFile, std::less<>>& unit_files() const { return unit_files_; }
  // vermiliond's own timestamps, by systemd's Manager property names
  // (UserspaceTimestamp, UserspaceTimestampMonotonic), read at start-up
  // (ManagerCapability.GetManagerProperties); empty if it could not be.
  [[nodiscard]] const std::map<std::string, std::uint64_t, std::less<>>& manager_timestamps() const {
    return manager_timestamps_;
  }
  // Its string properties from GetManagerProperties (Tainted).
  [[nodiscard]] const std::map<std::string, std::string, std::less<>>& manager_texts() const {
    return manager_texts_;
  }
  // Its string-list properties from GetManagerProperties (Environment,
  // UnitPath), by name.
  [[nodiscard]] const std::map<std::string, std::vector<std::string>, std::less<>>& manager_lists() const {
    return manager_lists_;
  }
  // Enablement (systemctl enable/disable/reenable/mask/unmask) for the caller
  // `sender`: `member` is the link's EnableUnitFiles, DisableUnitFiles,
  // ReenableUnitFiles, MaskUnitFiles or UnmaskUnitFiles. Throws
  // AccessDenied unless the caller's [Bus] ManagerRights give `enable` and
  // the bridge holds a manager capability with it; otherwise `done` gets
  // the changes or the link's error (org.vermilion1.Error.NoSuchUnitFile,
  // .UnitMasked, org.freedesktop.DBus.Error.FileExists, .InvalidArgs,
  // ...), once unit_files() has been read again.
  using ChangesDone = std::function<void(const LinkError* error, const std::vector<UnitFileChange>& changes)>;
  void change_unit_files(const std::string& sender, const char* member, const std::vector<std::string>& names,
                         ChangesDone done);
  // The same for the link's methods whose arguments are not just names
  // (PresetUnitFiles, PresetAllUnitFiles, SetDefaultTarget): `arguments`
  // appends them.
  void change_unit_files(const std::string& sender, const char* member, BrokerLink::Append arguments,
                         ChangesDone done);
  // The links `systemctl disable NAME` would remove (GetUnitFileLinks), for
  // every caller as systemd's; throws AccessDenied without `list`.
  using LinksDone = std::function<void(const LinkError* error, const std::vector<std::string>& links)>;
  void unit_file_links(const std::string& name, bool runtime, LinksDone done);
  // Reads, open to every caller as systemd's GetUnitFileState and
  // ListUnitFiles are ("anyone can call this method"). Each throws
  // AccessDenied when the bridge holds no manager capability with `list`.
  // state: systemd's word; error NoSuchUnitFile when there is no such file.
  using StateDone = std::function<void(const LinkError* error, const std::string& state)>;
  void unit_file_state(const std::string& name, StateDone done);
  // The service any process belongs to (ManagerCapability.GetServiceByPID:
  // its cgroup or session, as systemd's GetUnitByPID); false, calling
  // nothing, when the bridge holds no manager capability with `list`.
  // `done` gets the name, or the link's error (NoSuchService when none).
  bool service_of_process(std::uint32_t pid, StateDone done);
  // The capability through which `sender` may act on `service` with
  // `right`, or null when its [Bus] rules or the bridge's CList do not
  // allow it (authorize_service_of() without the exception).
  [[nodiscard]] const HeldCapability* may(const std::string& sender, const std::string& service, Rights right);
  // One row of systemd's GetUnitProcesses: cgroup, PID, command line.
  struct Process {
    std::string cgroup;
    std::uint32_t pid = 0;
    std::string command;
  };
  using ProcessesDone = std::function<void(const LinkError* error, const std::vector<Process>& processes)>;
  // A service's processes now (ServiceCapability.GetProcesses, right
  // status) through `capability` (from may() or authorize_service_of()).
  void processes(const HeldCapability& capability, const std::string& service, ProcessesDone done);
  using UsageDone = std::function<void(const LinkError* error, const ResourceUsage& usage)>;
  // A service's counters now (ServiceCapability.GetResourceUsage, right
  // status) through `capability`; a counter vermiliond does not name stays
  // unknown.
  void resource_usage(const HeldCapability& capability, const std::string& service, UsageDone done);
  // Queries wait on the link for others to finish: what can be answered
  // without vermiliond had better not wait.
  [[nodiscard]] bool link_busy() const;
  // What default.target is (ManagerCapability.GetDefaultTarget), for every
  // caller (systemd lets anyone ask).
  void default_target(StateDone done);
  // rows: (name, state) with `by_path` false, (path, state) with it true.
  using FilesDone =
      std::function<void(const LinkError* error, const std::vector<std::pair<std::string, std::string>>& rows)>;
  void list_unit_files(bool by_path, FilesDone done);
  // systemctl reset-failed of one loaded service for `sender`: [Bus] right
  // `start` (throws AccessDenied, as authorize_service_of); `done` gets the
  // link's error or nullptr.
  void reset_failed(const std::string& sender, const std::string& service,
                    std::function<void(const LinkError* error)> done);

  // org.vermilion1.Manager's enablement methods (interfaces/org.vermilion1.xml).
  void change_unit_files(const sdbus::Message* call, const char* member, const std::vector<std::string>& names,
                         sdbus::Result<std::vector<sdbus::Struct<std::string, std::string, std::string>>>&& result);
  void unit_file_state(const sdbus::Message* call, std::string_view name, sdbus::Result<std::string>&& result);
  void list_unit_files(const sdbus::Message* call,
                       sdbus::Result<std::vector<sdbus::Struct<std::string, std::string>>>&& result);
  void reset_failed(const sdbus::Message* call, std::string_view name, sdbus::Result<>&& result);

 private:
  Bridge(sdbus::IConnection& bus, std::string version);
  [[nodiscard]] int load_initial_state();

  // The loaded service a name argument means; throws InvalidArgs or
  // NoSuchService.
  [[nodiscard]] std::string resolve(std::string_view name) const;
  // Throws AccessDenied unless the caller's [Bus] rules give `right` on
  // `service` and the bridge holds a capability for it; returns that one.
  [[nodiscard]] const HeldCapability& authorize_service(const sdbus::Message* call, const std::string& service,
                                                        Rights right, const char* action);
  [[nodiscard]] const HeldCapability& authorize_manager(const sdbus::Message* call, Rights right, const char* action);

  void apply(const ServiceMirror::Delta& delta);
  void refresh_table();
  void refresh_rules();
  // Reads unit_files() again; `then` runs after, whether or not it could.
  void refresh_unit_files(std::function<void()> then);
  void load_unit_files(sd_bus_message* reply);
  void load_rules(sd_bus_message* reply);
  void deny_every_caller(const std::string& why);

  // BrokerLinkListener
  void on_service_properties(ServiceStatus properties) noexcept override;
  void on_service_state(const std::string& name, const std::string& active_state,
                        const std::string& sub_state) noexcept override;
  void on_reloaded() noexcept override;
  void on_unit_files_changed() noexcept override;

  sdbus::IConnection& bus_;
  std::string version_;
  std::unique_ptr<BrokerLink> link_;
  std::unique_ptr<BusNameReporter> bus_names_;  // after link_: goes first
  ServiceMirror mirror_;
  BusAuthorizer authorizer_;
  std::unique_ptr<CallerIdentity> callers_;
  std::unique_ptr<ManagerObject> manager_;
  std::map<std::string, std::unique_ptr<ServiceObject>, std::less<>> services_;
  bool serving_ = false;  // objects are public: changes are signalled
  MirrorObserver* observer_ = nullptr;
  std::map<std::string, UnitFile, std::less<>> unit_files_;
  std::map<std::string, std::uint64_t, std::less<>> manager_timestamps_;
  std::map<std::string, std::string, std::less<>> manager_texts_;
  std::map<std::string, std::vector<std::string>, std::less<>> manager_lists_;
};

}  // namespace vermilion::bridge
