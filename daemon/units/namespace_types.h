// Namespace types as RestrictNamespaces= (systemd.exec(5)) names them, held
// as systemd 252 holds them: CLONE_NEW* flags, the ones a service may still
// make ("retained"; src/basic/namespace-util.c namespace_info[],
// src/shared/nsflags.c).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vermilion {

// systemd's NAMESPACE_FLAGS_ALL: cgroup ipc net mnt pid user uts. ("time"
// is a name too, retained only where listed.)
[[nodiscard]] unsigned long namespace_flags_all();
// RestrictNamespaces= never given (NAMESPACE_FLAGS_INITIAL): nothing restricted.
inline constexpr unsigned long kNamespaceFlagsInitial = ~0UL;

// namespace_flags_from_string(): whitespace-separated names (cgroup ipc net
// mnt pid user uts time) as flags; nullopt if any word is none of them.
[[nodiscard]] std::optional<unsigned long> namespace_flags_from_string(std::string_view text);

// The RestrictNamespaces= property as systemctl shows it: "no" when all of
// NAMESPACE_FLAGS_ALL is retained, "yes" when none is, else the names.
[[nodiscard]] std::string namespace_flags_to_string(unsigned long retained);

// Every namespace type's flag, in systemd's order, for a filter to walk.
struct NamespaceType {
  const char* name;
  unsigned long flag;
};
extern const NamespaceType kNamespaceTypes[8];

// One RestrictNamespaces= assignment applied to `retained`
// (config_parse_restrict_namespaces()): a boolean replaces it (yes: none
// retained), empty resets it, a list ("~" inverts) sets it the first time
// and is merged later. False for a list it cannot read (the caller warns
// "Failed to parse namespace type string, ignoring").
[[nodiscard]] bool apply_restrict_namespaces(unsigned long& retained, std::string_view value);

}  // namespace vermilion
