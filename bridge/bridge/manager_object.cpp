#include "bridge/manager_object.h"

#include <utility>

#include "bridge/bridge.h"

namespace vermilion::bridge {

ManagerObject::ManagerObject(sdbus::IConnection& bus, Bridge& bridge)
    : AdaptorInterfaces(bus, kManagerPath), bridge_(bridge) {
  registerAdaptor();
}

ManagerObject::~ManagerObject() { unregisterAdaptor(); }

std::vector<ManagerObject::ServiceRow> ManagerObject::ListServices() { return bridge_.list_services(); }

sdbus::ObjectPath ManagerObject::GetService(const std::string& name) { return bridge_.get_service(name); }

void ManagerObject::StartService(sdbus::Result<>&& result, std::string name) {
  bridge_.job(getObject().getCurrentlyProcessedMessage(), name, errors::JobKind::start, std::move(result));
}
void ManagerObject::StopService(sdbus::Result<>&& result, std::string name) {
  bridge_.job(getObject().getCurrentlyProcessedMessage(), name, errors::JobKind::stop, std::move(result));
}
void ManagerObject::RestartService(sdbus::Result<>&& result, std::string name) {
  bridge_.job(getObject().getCurrentlyProcessedMessage(), name, errors::JobKind::restart, std::move(result));
}
void ManagerObject::ReloadService(sdbus::Result<>&& result, std::string name) {
  bridge_.job(getObject().getCurrentlyProcessedMessage(), name, errors::JobKind::reload, std::move(result));
}
void ManagerObject::EnqueueServiceJob(sdbus::Result<>&& result, std::string name, std::string type,
                                      std::string mode) {
  static const std::pair<std::string_view, errors::JobKind> kKinds[] = {{"start", errors::JobKind::start},
                                                                        {"stop", errors::JobKind::stop},
                                                                        {"restart", errors::JobKind::restart},
                                                                        {"reload", errors::JobKind::reload}};
  for (const auto& [word, kind] : kKinds)
    if (type == word) return bridge_.job(getObject().getCurrentlyProcessedMessage(), name, kind, std::move(result), mode);
  throw errors::invalid_args("Job type " + type + " invalid");
}
void ManagerObject::KillService(sdbus::Result<>&& result, std::string name, int32_t signal) {
  bridge_.kill(getObject().getCurrentlyProcessedMessage(), name, signal, std::move(result));
}
void ManagerObject::GetLogs(sdbus::Result<std::vector<LogEntry>>&& result, std::string name, uint32_t lines) {
  bridge_.logs(getObject().getCurrentlyProcessedMessage(), name, lines, std::move(result));
}
void ManagerObject::GetCapabilities(sdbus::Result<std::vector<CapabilityRow>>&& result, std::string name) {
  bridge_.capabilities(getObject().getCurrentlyProcessedMessage(), name, std::move(result));
}
void ManagerObject::Reload(sdbus::Result<>&& result) {
  bridge_.reload(getObject().getCurrentlyProcessedMessage(), std::move(result));
}
void ManagerObject::ResetFailedService(sdbus::Result<>&& result, std::string name) {
  bridge_.reset_failed(getObject().getCurrentlyProcessedMessage(), name, std::move(result));
}
void ManagerObject::EnableUnitFiles(sdbus::Result<std::vector<ChangeRow>>&& result, std::vector<std::string> names) {
  bridge_.change_unit_files(getObject().getCurrentlyProcessedMessage(), "EnableUnitFiles", names, std::move(result));
}
void ManagerObject::DisableUnitFiles(sdbus::Result<std::vector<ChangeRow>>&& result, std::vector<std::string> names) {
  bridge_.change_unit_files(getObject().getCurrentlyProcessedMessage(), "DisableUnitFiles", names, std::move(result));
}
void ManagerObject::ReenableUnitFiles(sdbus::Result<std::vector<ChangeRow>>&& result,
                                      std::vector<std::string> names) {
  bridge_.change_unit_files(getObject().getCurrentlyProcessedMessage(), "ReenableUnitFiles", names,
                            std::move(result));
}
void ManagerObject::MaskUnitFiles(sdbus::Result<std::vector<ChangeRow>>&& result, std::vector<std::string> names) {
  bridge_.change_unit_files(getObject().getCurrentlyProcessedMessage(), "MaskUnitFiles", names, std::move(result));
}
void ManagerObject::UnmaskUnitFiles(sdbus::Result<std::vector<ChangeRow>>&& result, std::vector<std::string> names) {
  bridge_.change_unit_files(getObject().getCurrentlyProcessedMessage(), "UnmaskUnitFiles", names, std::move(result));
}
void ManagerObject::GetUnitFileState(sdbus::Result<std::string>&& result, std::string name) {
  bridge_.unit_file_state(getObject().getCurrentlyProcessedMessage(), name, std::move(result));
}
void ManagerObject::ListUnitFiles(sdbus::Result<std::vector<FileRow>>&& result) {
  bridge_.list_unit_files(getObject().getCurrentlyProcessedMessage(), std::move(result));
}
std::string ManagerObject::Version() { return bridge_.version(); }

}  // namespace vermilion::bridge
