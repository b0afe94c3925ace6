// Address families as RestrictAddressFamilies= (systemd.exec(5)) names
// them ("AF_UNIX", "AF_INET6", ...; systemd 252's af_from_name(), from
// the AF_* names of <sys/socket.h>), and the key's value: which families
// socket() may use (exec/seccomp_filter.h applies it).
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace vermilion {

struct AddressFamilies {
  bool assigned = false;  // an assignment made it (systemd: the set exists)
  // An allow list: only `families`; a deny list: all but them.
  bool allow_list = false;
  std::set<int> families;

  // Whether there is a filter to load (context_has_address_families()).
  [[nodiscard]] bool active() const { return allow_list || !families.empty(); }
};

// The family called NAME ("AF_UNIX", also the aliases AF_LOCAL, AF_FILE,
// AF_ROUTE), or nullopt; AF_UNSPEC and AF_MAX are no family.
[[nodiscard]] std::optional<int> address_family_from_name(std::string_view name);
// Its name, AF_UNIX rather than an alias; "" for a number without one.
[[nodiscard]] std::string address_family_name(int family);
// systemd's af_max(): one past the highest family with a name.
[[nodiscard]] int address_family_max();

// One RestrictAddressFamilies= assignment (config_parse_address_families()):
// empty resets, "none" allows none, "~" inverts, the first assignment
// decides allow or deny list, later ones add or take out. A name it does
// not know is skipped with a warning through `warn`.
void apply_address_families_assignment(AddressFamilies& families, std::string_view value,
                                       const std::function<void(const std::string&)>& warn);

}  // namespace vermilion
