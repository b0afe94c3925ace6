// The links that watch the service table (ManagerCapability.Watch) and the
// fan-out to them: each change, in the order it came, to every link whose
// watch capability is still held.
//
// The broker decides who may watch (Broker::watch checks the capability);
// this only remembers the subscription and delivers. A subscription ends
// when its capability goes (revoked, dropped, no longer granted: found out
// at the next delivery) or its link does (remove()). Telling one link may
// cut that link, when its queue passes the limit (LinkServer::check_queue),
// and so remove it from here in the middle of a fan-out: the fan-out
// tells only links still subscribed when their turn comes.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>

#include "broker/capability_table.h"
#include "broker/link_peer.h"
#include "common/service_status.h"

namespace vermilion {

class Watchers {
 public:
  // Checks subscriptions against `table`, which must outlive this.
  explicit Watchers(const CapabilityTable& table) : table_(table) {}

  // `peer` hears every change while `holder` holds capability `id` in
  // `slot`; a peer subscribed already is subscribed anew with these.
  void add(LinkPeer& peer, const std::string& holder, Slot slot, CapabilityId id);
  void remove(LinkPeer& peer);
  [[nodiscard]] bool empty() const { return watches_.empty(); }

  // The change as `status` says, passed on unchanged.
  void service_state_changed(const ServiceStatus& status);
  void service_properties_changed(const ServiceStatus& status);
  void reloaded();
  void unit_files_changed();

 private:
  struct Watch {
    std::string holder;
    Slot slot;
    CapabilityId id;
  };
  // Tells every subscribed link whose capability is still held; forgets
  // the others.
  void tell(const std::function<void(LinkPeer&)>& what);

  const CapabilityTable& table_;
  std::map<LinkPeer*, Watch> watches_;
};

}  // namespace vermilion
