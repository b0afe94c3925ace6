#include "broker/watchers.h"

#include <vector>

namespace vermilion {

void Watchers::add(LinkPeer& peer, const std::string& holder, Slot slot, CapabilityId id) {
  watches_[&peer] = Watch{holder, slot, id};
}

void Watchers::remove(LinkPeer& peer) { watches_.erase(&peer); }

void Watchers::service_state_changed(const ServiceStatus& status) {
  tell([&](LinkPeer& peer) { peer.service_state_changed(status); });
}

void Watchers::service_properties_changed(const ServiceStatus& status) {
  tell([&](LinkPeer& peer) { peer.service_properties_changed(status); });
}

void Watchers::reloaded() {
  tell([](LinkPeer& peer) { peer.reloaded(); });
}

void Watchers::unit_files_changed() {
  tell([](LinkPeer& peer) { peer.unit_files_changed(); });
}

void Watchers::tell(const std::function<void(LinkPeer&)>& what) {
  // Who was subscribed when the change came; each is looked up again at its
  // turn, as telling the ones before may have cut it (and removed it).
  std::vector<LinkPeer*> peers;
  peers.reserve(watches_.size());
  for (const auto& [peer, watch] : watches_) peers.push_back(peer);
  for (LinkPeer* peer : peers) {
    auto it = watches_.find(peer);
    if (it == watches_.end()) continue;
    const Capability* cap = table_.lookup(it->second.holder, it->second.slot);
    if (!cap || cap->id != it->second.id) {
      watches_.erase(it);
      continue;
    }
    what(*peer);
  }
}

}  // namespace vermilion
