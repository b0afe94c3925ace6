// What vermilionctl asks of org.vermilion1, one function per call of the
// public API (interfaces/org.vermilion1.xml), as plain structs. The commands
// (ctl_commands.h) are written against this interface; ctl_bus.cpp implements
// it with the generated sdbus-c++ proxies, the tests with a fake. No sdbus-c++
// type and no exception crosses it: a failed call is a BusError value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/service_status.h"

namespace vermilion::ctl {

// A D-Bus error reply (or a failure to reach the bus at all): its name, e.g.
// "org.vermilion1.Error.NoSuchService", and its human-readable message.
struct BusError {
  std::string name;
  std::string message;
};

// The outcome of a call that returns something: the value, or why not.
template <typename T>
struct [[nodiscard]] Reply {
  std::optional<BusError> error;
  T value{};

  Reply(T v) : value(std::move(v)) {}  // NOLINT: implicit, so `return value;` works
  Reply(BusError e) : error(std::move(e)) {}  // NOLINT
  [[nodiscard]] bool ok() const { return !error.has_value(); }
};

// The outcome of a call that returns nothing: nullopt on success.
using Outcome = std::optional<BusError>;

// One entry of Manager.ListServices.
struct ServiceListEntry {
  std::string name;         // "web.service"
  std::string description;
  std::string active_state;
  std::string sub_state;
  std::string object_path;  // "/org/vermilion1/service/web_2eservice"
};

// The org.vermilion1.Service properties `status` shows.
using ServiceStatus = ServiceStatus;

// One line of Manager.GetLogs.
struct LogEntry {
  std::uint64_t realtime_usec = 0;
  std::string line;
  friend bool operator==(const LogEntry&, const LogEntry&) = default;
};

// One entry of Manager.GetCapabilities.
struct CapabilityEntry {
  std::uint32_t slot = 0;
  std::string kind;
  std::string object;
  std::string rights;
  std::uint64_t badge = 0;
};

// One change of Manager.EnableUnitFiles and its siblings, as systemd's
// a(sss): "symlink" or "unlink", the link, what a new link points to.
struct UnitFileChangeEntry {
  std::string type;
  std::string path;
  std::string target;
  friend bool operator==(const UnitFileChangeEntry&, const UnitFileChangeEntry&) = default;
};

// One entry of Manager.ListUnitFiles.
struct UnitFileEntry {
  std::string name;   // "web.service"
  std::string state;  // "enabled", "disabled", "static", ...
};

// Manager.EnableUnitFiles, DisableUnitFiles, ReenableUnitFiles,
// MaskUnitFiles, UnmaskUnitFiles.
enum class UnitFileVerb { enable, disable, reenable, mask, unmask };

class Control {
 public:
  virtual ~Control() = default;

  // Manager
  virtual Reply<std::vector<ServiceListEntry>> list_services() = 0;
  virtual Reply<std::string> get_service(const std::string& name) = 0;  // the object path
  virtual Outcome start_service(const std::string& name) = 0;
  virtual Outcome stop_service(const std::string& name) = 0;
  virtual Outcome restart_service(const std::string& name) = 0;
  virtual Outcome reload_service(const std::string& name) = 0;
  // EnqueueServiceJob: `type` start|stop|restart|reload, `mode` a job mode
  // as systemctl's --job-mode= (not isolate).
  virtual Outcome enqueue_service_job(const std::string& name, const std::string& type, const std::string& mode) = 0;
  virtual Outcome kill_service(const std::string& name, int signal) = 0;
  virtual Reply<std::vector<LogEntry>> get_logs(const std::string& name, std::uint32_t lines) = 0;
  virtual Reply<std::vector<CapabilityEntry>> get_capabilities(const std::string& name) = 0;
  virtual Outcome reload() = 0;
  virtual Outcome reset_failed_service(const std::string& name) = 0;
  virtual Reply<std::vector<UnitFileChangeEntry>> change_unit_files(UnitFileVerb verb,
                                                                    const std::vector<std::string>& names) = 0;
  virtual Reply<std::string> get_unit_file_state(const std::string& name) = 0;
  virtual Reply<std::vector<UnitFileEntry>> list_unit_files() = 0;

  // Service objects (by the path get_service or list_services gave)
  virtual Reply<ServiceStatus> properties(const std::string& object_path) = 0;
  virtual Reply<std::string> load_state(const std::string& object_path) = 0;
  virtual Reply<std::string> active_state(const std::string& object_path) = 0;
  virtual Reply<std::string> result(const std::string& object_path) = 0;
};

}  // namespace vermilion::ctl
