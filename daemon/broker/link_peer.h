// One child's private link, as the broker sees it: what the broker tells a
// link about its holder (capabilities received and revoked, connections
// made to it) and, for links that watch, about the service table. The link
// (daemon/link/link_server.h) turns each into a signal. noexcept: telling
// never fails the teller; a link that cannot keep up cuts itself off.
#pragma once

#include <cstdint>

#include "broker/capability_table.h"
#include "common/service_status.h"
#include "common/unique_fd.h"

namespace vermilion {

class LinkPeer {
 public:
  virtual ~LinkPeer() = default;
  virtual void capability_received(const Capability& cap, std::uint64_t granter_badge) noexcept = 0;
  virtual void revoked(Slot slot) noexcept = 0;
  // A client connected through an endpoint naming this holder.
  virtual void connection(unique_fd fd, std::uint64_t badge) noexcept = 0;
  // A service changed state (for links that watch). `status` is the service
  // as it was at this change, snapshotted by the manager when it happened:
  // changes are told one by one, in order, after the event that made them.
  virtual void service_state_changed(const ServiceStatus& status) noexcept = 0;
  // What a service reports changed while its state did not (StatusText,
  // MainPID), for links that watch; in order with the state changes.
  virtual void service_properties_changed(const ServiceStatus& status) noexcept = 0;
  // Units and policies were reloaded (for links that watch): services may
  // have come or gone, and the [Bus] rules may have changed.
  virtual void reloaded() noexcept = 0;
  // Enablement made or removed links (for links that watch): unit file
  // states may differ. Not pure: peers that do not care need not say so.
  virtual void unit_files_changed() noexcept {}
};

}  // namespace vermilion
