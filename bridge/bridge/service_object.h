// /org/vermilion1/service/<escaped>: one service on the bus. Properties come
// from the bridge's mirror; methods go to the Bridge. Only registers and
// forwards (STYLE.md 10).
#pragma once

#include <sdbus-c++/sdbus-c++.h>

#include <string>

#include "org.vermilion1.adaptor.h"
#include "bridge/service_mirror.h"

namespace vermilion::bridge {

class Bridge;

class ServiceObject final
    : public sdbus::AdaptorInterfaces<org::vermilion1::Service_adaptor, sdbus::ManagedObject_adaptor,
                                      sdbus::Properties_adaptor> {
 public:
  ServiceObject(sdbus::IConnection& bus, Bridge& bridge, std::string name);
  ~ServiceObject();
  ServiceObject(const ServiceObject&) = delete;
  ServiceObject& operator=(const ServiceObject&) = delete;

 private:
  [[nodiscard]] const ServiceStatus& properties();

  void Start(sdbus::Result<>&& result) override;
  void Stop(sdbus::Result<>&& result) override;
  void Restart(sdbus::Result<>&& result) override;
  void Reload(sdbus::Result<>&& result) override;
  void Kill(sdbus::Result<>&& result, int32_t signal) override;
  std::string Name() override;
  std::string Description() override;
  std::string LoadState() override;
  std::string ActiveState() override;
  std::string SubState() override;
  std::string Result() override;
  uint32_t MainPID() override;
  int32_t ExecMainStatus() override;
  uint32_t NRestarts() override;
  uint64_t ActiveEnterTimestamp() override;
  uint64_t InactiveEnterTimestamp() override;
  std::string StatusText() override;

  Bridge& bridge_;
  std::string name_;
};

}  // namespace vermilion::bridge
