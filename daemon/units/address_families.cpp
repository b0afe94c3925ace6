#include "units/address_families.h"

#include <sys/socket.h>

#include <algorithm>
#include <utility>

#include "units/extract_word.h"

namespace vermilion {
namespace {

// <sys/socket.h>'s AF_* names, canonical ones before aliases.
#define FAMILY(name) {#name, name}
constexpr std::pair<std::string_view, int> kFamilies[] = {
    FAMILY(AF_UNIX),      FAMILY(AF_INET),      FAMILY(AF_AX25),      FAMILY(AF_IPX),       FAMILY(AF_APPLETALK),
    FAMILY(AF_NETROM),    FAMILY(AF_BRIDGE),    FAMILY(AF_ATMPVC),    FAMILY(AF_X25),       FAMILY(AF_INET6),
    FAMILY(AF_ROSE),      FAMILY(AF_DECnet),    FAMILY(AF_NETBEUI),   FAMILY(AF_SECURITY),  FAMILY(AF_KEY),
    FAMILY(AF_NETLINK),   FAMILY(AF_PACKET),    FAMILY(AF_ASH),       FAMILY(AF_ECONET),    FAMILY(AF_ATMSVC),
    FAMILY(AF_RDS),       FAMILY(AF_SNA),       FAMILY(AF_IRDA),      FAMILY(AF_PPPOX),     FAMILY(AF_WANPIPE),
    FAMILY(AF_LLC),       FAMILY(AF_IB),        FAMILY(AF_MPLS),      FAMILY(AF_CAN),       FAMILY(AF_TIPC),
    FAMILY(AF_BLUETOOTH), FAMILY(AF_IUCV),      FAMILY(AF_RXRPC),     FAMILY(AF_ISDN),      FAMILY(AF_PHONET),
    FAMILY(AF_IEEE802154), FAMILY(AF_CAIF),     FAMILY(AF_ALG),       FAMILY(AF_NFC),       FAMILY(AF_VSOCK),
    FAMILY(AF_KCM),       FAMILY(AF_QIPCRTR),   FAMILY(AF_SMC),       FAMILY(AF_XDP),       FAMILY(AF_MCTP),
    FAMILY(AF_LOCAL),     FAMILY(AF_FILE),      FAMILY(AF_ROUTE),
};
#undef FAMILY

}  // namespace

std::optional<int> address_family_from_name(std::string_view name) {
  for (const auto& [known, family] : kFamilies)
    if (name == known) return family;
  return std::nullopt;
}

std::string address_family_name(int family) {
  for (const auto& [known, value] : kFamilies)
    if (value == family) return std::string(known);
  return {};
}

int address_family_max() {
  int max = 0;
  for (const auto& [known, family] : kFamilies) max = std::max(max, family + 1);
  return max;
}

void apply_address_families_assignment(AddressFamilies& families, std::string_view value,
                                       const std::function<void(const std::string&)>& warn) {
  if (value.empty()) {
    families = {};
    return;
  }
  if (value == "none") {
    // Allows nothing, and (systemd frees the set) the next assignment
    // starts afresh.
    families = {};
    families.allow_list = true;
    return;
  }
  const bool invert = value.starts_with('~');
  if (invert) value.remove_prefix(1);
  if (!families.assigned) {
    families.assigned = true;
    families.allow_list = !invert;
  }
  while (true) {
    ExtractedWord word = extract_first_word(value, kExtractUnquote);
    if (word.status == ExtractStatus::end) return;
    if (word.status == ExtractStatus::invalid) return warn("Invalid syntax, ignoring: " + std::string(value));
    auto family = address_family_from_name(word.word);
    if (!family) {
      warn("Failed to parse address family, ignoring: " + word.word);
      continue;
    }
    if (invert != families.allow_list)
      families.families.insert(*family);
    else
      families.families.erase(*family);
  }
}

}  // namespace vermilion
