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
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "link_client/broker_link.h"
#include "bridge/bus_authorizer.h"
#include "bridge/bus_errors.h"
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
  void job(const sdbus::Message* call, std::string_view name, errors::JobKind kind, sdbus::Result<>&& result);
  void kill(const sdbus::Message* call, std::string_view name, std::int32_t signal, sdbus::Result<>&& result);
  void logs(const sdbus::Message* call, std::string_view name, std::uint32_t lines,
            sdbus::Result<std::vector<sdbus::Struct<std::uint64_t, std::string>>>&& result);
  void capabilities(
      const sdbus::Message* call, std::string_view name,
      sdbus::Result<std::vector<sdbus::Struct<std::uint32_t, std::string, std::string, std::string, std::uint64_t>>>&&
          result);
  void reload(const sdbus::Message* call, sdbus::Result<>&& result);

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
  void load_rules(sd_bus_message* reply);
  void deny_every_caller(const std::string& why);

  // BrokerLinkListener
  void on_service_properties(ServiceStatus properties) noexcept override;
  void on_service_state(const std::string& name, const std::string& active_state,
                        const std::string& sub_state) noexcept override;
  void on_reloaded() noexcept override;

  sdbus::IConnection& bus_;
  std::string version_;
  std::unique_ptr<BrokerLink> link_;
  ServiceMirror mirror_;
  BusAuthorizer authorizer_;
  std::unique_ptr<CallerIdentity> callers_;
  std::unique_ptr<ManagerObject> manager_;
  std::map<std::string, std::unique_ptr<ServiceObject>, std::less<>> services_;
  bool serving_ = false;  // objects are public: changes are signalled
  MirrorObserver* observer_ = nullptr;
};

}  // namespace vermilion::bridge
