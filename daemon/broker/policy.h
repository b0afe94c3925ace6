// Policies: the only place where authority is declared. A policy file
// (*.policy, unit-file syntax) grants capabilities to services ([Grant]) and
// declares which D-Bus callers the bridge may serve ([Bus]). The format is
// documented in policies/README.md.
//
// Strictness contract: authority must never be silently misread. Unlike unit
// files, every problem in a policy file is an error (unknown sections and
// keys, repeated keys, lines outside a section), and a file with any error
// contributes nothing at all: none of its grants and none of its bus rules.
// Other files are unaffected. Parsing only; nothing here opens or grants.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "units/diagnostics.h"
#include "broker/listen_address.h"
#include "common/rights.h"
#include "common/service_glob.h"

namespace vermilion {

// A resource the broker opens and hands to the service at start (LISTEN_FDS,
// named by FileDescriptorName=).
struct FdSpec {
  enum class Type { stream, datagram, file } type = Type::stream;
  std::string address;  // raw: ListenStream=/ListenDatagram= value, or File= path
  enum class FileMode { read, write, read_write } mode = FileMode::read;  // File= only
  std::string name;        // FileDescriptorName=, default the NAME of fd:NAME
  mode_t socket_mode = 0666;  // SocketMode=, AF_UNIX path sockets only
};

struct PolicyGrant {
  std::string to;  // normalized service name: "admin-panel.service"
  CapabilityKind kind = CapabilityKind::service;
  // service: a service name or glob ("web.service", "web-*.service");
  // manager: ""; endpoint: a service name; fd: the fd's name.
  std::string object;
  Rights rights = 0;
  std::uint64_t badge = 0;
  std::optional<FdSpec> fd;  // exactly for kind == fd
  SourceLocation where;      // the [Grant] header
};

// What vermilion-bridge may do for D-Bus callers: callers (by user or group)
// that may ask for `rights` on services matching `service_glob`, and for
// `manager_rights` on the service table. The bridge fetches the rules in
// effect (ManagerCapability.GetBusRules) and checks each caller's uid and
// groups against them; it can never do more than its own capabilities.
// At least one of users/groups and at least one of rights/manager_rights.
struct BusRule {
  std::vector<std::string> users;   // names or numeric ids, as written; {"*"}: every caller
  std::vector<std::string> groups;  // names or numeric ids, as written
  std::string service_glob;         // normalized: "web-*" -> "web-*.service"; "" exactly when rights == 0
  Rights rights = 0;                // service rights (Rights=)
  Rights manager_rights = 0;        // manager rights (ManagerRights=): list watch reload inspect
  SourceLocation where;             // the [Bus] header
};

struct PolicySet {
  std::vector<PolicyGrant> grants;
  std::vector<BusRule> bus_rules;
  std::vector<std::string> files;  // files in effect (read without errors), in load order
};

// Parses one policy file's text. Messages name path. If the text has any
// error the result is empty (files included) and the last diagnostic says
// that the file grants nothing.
[[nodiscard]] PolicySet parse_policy_text(const std::string& path, std::string_view text, Diagnostics& diags);

}  // namespace vermilion
