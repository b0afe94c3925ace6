#include "ctl/ctl_bus.h"

#include <org.vermilion1.proxy.h>
#include <sdbus-c++/sdbus-c++.h>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace vermilion::ctl {

namespace {

constexpr const char* kBusName = "org.vermilion1";
constexpr const char* kManagerPath = "/org/vermilion1";

// Both proxies only make calls: they never call registerProxy(), so no signal
// match is installed on the bus, and the connection needs no event loop
// (sdbus-c++ then sends each call with a blocking sd_bus_call).
class ManagerProxy final : public sdbus::ProxyInterfaces<org::vermilion1::Manager_proxy> {
 public:
  explicit ManagerProxy(sdbus::IConnection& connection) : ProxyInterfaces(connection, kBusName, kManagerPath) {}

 private:
  void onServiceStateChanged(const std::string&, const std::string&, const std::string&) override {}
  void onUnitFilesChanged() override {}
};

// The generated Service_proxy for single properties; the standard Properties
// proxy beside it reads all of them at once (GetAll on org.vermilion1.Service),
// so that `status` shows one consistent snapshot in one round trip.
class ServiceProxy final
    : public sdbus::ProxyInterfaces<org::vermilion1::Service_proxy, sdbus::Properties_proxy> {
 public:
  ServiceProxy(sdbus::IConnection& connection, const std::string& path)
      : ProxyInterfaces(connection, kBusName, path) {}

 private:
  void onPropertiesChanged(const std::string&, const std::map<std::string, sdbus::Variant>&,
                           const std::vector<std::string>&) override {}
};

BusError to_bus_error(const sdbus::Error& e) { return {e.getName(), e.getMessage()}; }

// Runs `call`, turning sdbus-c++'s exceptions into a BusError.
template <typename T, typename F>
Reply<T> guarded(F&& call) {
  try {
    return Reply<T>(call());
  } catch (const sdbus::Error& e) {
    return Reply<T>(to_bus_error(e));
  }
}

template <typename F>
Outcome guarded_void(F&& call) {
  try {
    call();
    return std::nullopt;
  } catch (const sdbus::Error& e) {
    return to_bus_error(e);
  }
}

template <typename T>
void take(const std::map<std::string, sdbus::Variant>& all, const char* key, T& into) {
  if (auto it = all.find(key); it != all.end()) into = it->second.get<T>();
}
// org.vermilion1.Service does not carry the Exec* lists or the conditions:
// nothing to take.
void take(const std::map<std::string, sdbus::Variant>&, const char*, std::vector<ExecCommandStatus>&) {}
void take(const std::map<std::string, sdbus::Variant>&, const char*, std::vector<ConditionStatus>&) {}

class BusControl final : public Control {
 public:
  explicit BusControl(std::unique_ptr<sdbus::IConnection> connection)
      : connection_(std::move(connection)), manager_(*connection_) {}

  Reply<std::vector<ServiceListEntry>> list_services() override {
    return guarded<std::vector<ServiceListEntry>>([&] {
      std::vector<ServiceListEntry> out;
      for (const auto& s : manager_.ListServices())
        out.push_back({s.get<0>(), s.get<1>(), s.get<2>(), s.get<3>(), s.get<4>()});
      return out;
    });
  }

  Reply<std::string> get_service(const std::string& name) override {
    return guarded<std::string>([&] { return std::string(manager_.GetService(name)); });
  }

  Outcome start_service(const std::string& name) override {
    return job([&] { manager_.StartService(name); });
  }
  Outcome stop_service(const std::string& name) override {
    return job([&] { manager_.StopService(name); });
  }
  Outcome restart_service(const std::string& name) override {
    return job([&] { manager_.RestartService(name); });
  }
  Outcome reload_service(const std::string& name) override {
    return job([&] { manager_.ReloadService(name); });
  }
  Outcome enqueue_service_job(const std::string& name, const std::string& type, const std::string& mode) override {
    return job([&] { manager_.EnqueueServiceJob(name, type, mode); });
  }

  Outcome kill_service(const std::string& name, int signal) override {
    return guarded_void([&] { manager_.KillService(name, signal); });
  }

  Reply<std::vector<LogEntry>> get_logs(const std::string& name, std::uint32_t lines) override {
    return guarded<std::vector<LogEntry>>([&] {
      std::vector<LogEntry> out;
      for (const auto& e : manager_.GetLogs(name, lines)) out.push_back({e.get<0>(), e.get<1>()});
      return out;
    });
  }

  Reply<std::vector<CapabilityEntry>> get_capabilities(const std::string& name) override {
    return guarded<std::vector<CapabilityEntry>>([&] {
      std::vector<CapabilityEntry> out;
      for (const auto& c : manager_.GetCapabilities(name))
        out.push_back({c.get<0>(), c.get<1>(), c.get<2>(), c.get<3>(), c.get<4>()});
      return out;
    });
  }

  Outcome reload() override {
    return guarded_void([&] { manager_.Reload(); });
  }

  Outcome reset_failed_service(const std::string& name) override {
    return guarded_void([&] { manager_.ResetFailedService(name); });
  }

  Reply<std::vector<UnitFileChangeEntry>> change_unit_files(UnitFileVerb verb,
                                                            const std::vector<std::string>& names) override {
    return guarded<std::vector<UnitFileChangeEntry>>([&] {
      std::vector<sdbus::Struct<std::string, std::string, std::string>> rows;
      switch (verb) {
        case UnitFileVerb::enable: rows = manager_.EnableUnitFiles(names); break;
        case UnitFileVerb::disable: rows = manager_.DisableUnitFiles(names); break;
        case UnitFileVerb::reenable: rows = manager_.ReenableUnitFiles(names); break;
        case UnitFileVerb::mask: rows = manager_.MaskUnitFiles(names); break;
        case UnitFileVerb::unmask: rows = manager_.UnmaskUnitFiles(names); break;
      }
      std::vector<UnitFileChangeEntry> out;
      for (const auto& r : rows) out.push_back({r.get<0>(), r.get<1>(), r.get<2>()});
      return out;
    });
  }

  Reply<std::string> get_unit_file_state(const std::string& name) override {
    return guarded<std::string>([&] { return manager_.GetUnitFileState(name); });
  }

  Reply<std::vector<UnitFileEntry>> list_unit_files() override {
    return guarded<std::vector<UnitFileEntry>>([&] {
      std::vector<UnitFileEntry> out;
      for (const auto& f : manager_.ListUnitFiles()) out.push_back({f.get<0>(), f.get<1>()});
      return out;
    });
  }

  Reply<ServiceStatus> properties(const std::string& object_path) override {
    return guarded<ServiceStatus>([&] {
      ServiceProxy service(*connection_, object_path);
      const auto all = service.GetAll(org::vermilion1::Service_proxy::INTERFACE_NAME);
      ServiceStatus p;
      for_each_service_property([&](const char* key, auto member) { take(all, key, p.*member); });
      return p;
    });
  }

  Reply<std::string> load_state(const std::string& object_path) override {
    return guarded<std::string>([&] { return ServiceProxy(*connection_, object_path).LoadState(); });
  }
  Reply<std::string> active_state(const std::string& object_path) override {
    return guarded<std::string>([&] { return ServiceProxy(*connection_, object_path).ActiveState(); });
  }
  Reply<std::string> result(const std::string& object_path) override {
    return guarded<std::string>([&] { return ServiceProxy(*connection_, object_path).Result(); });
  }

 private:
  // A job call waits for the job's end without a timeout (see ctl_bus.h).
  template <typename F>
  Outcome job(F&& call) {
    const std::uint64_t usual = connection_->getMethodCallTimeout();
    connection_->setMethodCallTimeout(UINT64_MAX);
    Outcome outcome = guarded_void(std::forward<F>(call));
    connection_->setMethodCallTimeout(usual);
    return outcome;
  }

  std::unique_ptr<sdbus::IConnection> connection_;
  ManagerProxy manager_;
};

}  // namespace

std::unique_ptr<Control> connect_bus(BusScope scope, BusError& error) {
  try {
    auto connection =
        scope == BusScope::user ? sdbus::createSessionBusConnection() : sdbus::createSystemBusConnection();
    return std::make_unique<BusControl>(std::move(connection));
  } catch (const sdbus::Error& e) {
    error = to_bus_error(e);
    return nullptr;
  }
}

}  // namespace vermilion::ctl
