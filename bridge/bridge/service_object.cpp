#include "bridge/service_object.h"

#include <utility>

#include "bridge/bridge.h"

namespace vermilion::bridge {

ServiceObject::ServiceObject(sdbus::IConnection& bus, Bridge& bridge, std::string name)
    : AdaptorInterfaces(bus, service_object_path(name)), bridge_(bridge), name_(std::move(name)) {
  registerAdaptor();
}

ServiceObject::~ServiceObject() { unregisterAdaptor(); }

const ServiceStatus& ServiceObject::properties() {
  // The bridge removes this object before the service leaves the mirror.
  static const ServiceStatus kGone;
  const ServiceStatus* found = bridge_.mirror().find(name_);
  return found ? *found : kGone;
}

void ServiceObject::Start(sdbus::Result<>&& result) {
  bridge_.job(getObject().getCurrentlyProcessedMessage(), name_, errors::JobKind::start, std::move(result));
}
void ServiceObject::Stop(sdbus::Result<>&& result) {
  bridge_.job(getObject().getCurrentlyProcessedMessage(), name_, errors::JobKind::stop, std::move(result));
}
void ServiceObject::Restart(sdbus::Result<>&& result) {
  bridge_.job(getObject().getCurrentlyProcessedMessage(), name_, errors::JobKind::restart, std::move(result));
}
void ServiceObject::Reload(sdbus::Result<>&& result) {
  bridge_.job(getObject().getCurrentlyProcessedMessage(), name_, errors::JobKind::reload, std::move(result));
}
void ServiceObject::Kill(sdbus::Result<>&& result, int32_t signal) {
  bridge_.kill(getObject().getCurrentlyProcessedMessage(), name_, signal, std::move(result));
}

std::string ServiceObject::Name() { return name_; }
std::string ServiceObject::Description() { return properties().description; }
std::string ServiceObject::LoadState() { return properties().load_state; }
std::string ServiceObject::ActiveState() { return properties().active_state; }
std::string ServiceObject::SubState() { return properties().sub_state; }
std::string ServiceObject::Result() { return properties().result; }
uint32_t ServiceObject::MainPID() { return properties().main_pid; }
int32_t ServiceObject::ExecMainStatus() { return properties().exec_main_status; }
uint32_t ServiceObject::NRestarts() { return properties().n_restarts; }
uint64_t ServiceObject::ActiveEnterTimestamp() { return properties().active_enter_timestamp; }
uint64_t ServiceObject::InactiveEnterTimestamp() { return properties().inactive_enter_timestamp; }
std::string ServiceObject::StatusText() { return properties().status_text; }

}  // namespace vermilion::bridge
