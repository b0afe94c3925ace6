// /org/vermilion1: org.vermilion1.Manager and the ObjectManager. Only
// registers and forwards to the Bridge (STYLE.md 10).
#pragma once

#include <sdbus-c++/sdbus-c++.h>

#include <string>
#include <vector>

#include "org.vermilion1.adaptor.h"

namespace vermilion::bridge {

class Bridge;

class ManagerObject final
    : public sdbus::AdaptorInterfaces<org::vermilion1::Manager_adaptor, sdbus::ObjectManager_adaptor> {
 public:
  ManagerObject(sdbus::IConnection& bus, Bridge& bridge);
  ~ManagerObject();
  ManagerObject(const ManagerObject&) = delete;
  ManagerObject& operator=(const ManagerObject&) = delete;

  using Manager_adaptor::emitServiceStateChanged;
  using Manager_adaptor::emitUnitFilesChanged;

 private:
  using ServiceRow = sdbus::Struct<std::string, std::string, std::string, std::string, sdbus::ObjectPath>;
  using LogEntry = sdbus::Struct<uint64_t, std::string>;
  using CapabilityRow = sdbus::Struct<uint32_t, std::string, std::string, std::string, uint64_t>;
  using ChangeRow = sdbus::Struct<std::string, std::string, std::string>;
  using FileRow = sdbus::Struct<std::string, std::string>;

  std::vector<ServiceRow> ListServices() override;
  sdbus::ObjectPath GetService(const std::string& name) override;
  void StartService(sdbus::Result<>&& result, std::string name) override;
  void StopService(sdbus::Result<>&& result, std::string name) override;
  void RestartService(sdbus::Result<>&& result, std::string name) override;
  void ReloadService(sdbus::Result<>&& result, std::string name) override;
  void EnqueueServiceJob(sdbus::Result<>&& result, std::string name, std::string type, std::string mode) override;
  void KillService(sdbus::Result<>&& result, std::string name, int32_t signal) override;
  void GetLogs(sdbus::Result<std::vector<LogEntry>>&& result, std::string name, uint32_t lines) override;
  void GetCapabilities(sdbus::Result<std::vector<CapabilityRow>>&& result, std::string name) override;
  void Reload(sdbus::Result<>&& result) override;
  void ResetFailedService(sdbus::Result<>&& result, std::string name) override;
  void EnableUnitFiles(sdbus::Result<std::vector<ChangeRow>>&& result, std::vector<std::string> names) override;
  void DisableUnitFiles(sdbus::Result<std::vector<ChangeRow>>&& result, std::vector<std::string> names) override;
  void ReenableUnitFiles(sdbus::Result<std::vector<ChangeRow>>&& result, std::vector<std::string> names) override;
  void MaskUnitFiles(sdbus::Result<std::vector<ChangeRow>>&& result, std::vector<std::string> names) override;
  void UnmaskUnitFiles(sdbus::Result<std::vector<ChangeRow>>&& result, std::vector<std::string> names) override;
  void GetUnitFileState(sdbus::Result<std::string>&& result, std::string name) override;
  void ListUnitFiles(sdbus::Result<std::vector<FileRow>>&& result) override;
  std::string Version() override;

  Bridge& bridge_;
};

}  // namespace vermilion::bridge
