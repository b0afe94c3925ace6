// The private link's wire format (interfaces/org.vermilion1.Link.xml),
// written once for both of its ends: vermiliond's link server
// (daemon/link) appends with these functions and vermilion-bridge's client
// (bridge/link_client, bridge/bridge) reads with them, and the round-trip
// tests (tests/common/link_wire_test.cpp) hold the two halves together.
//
// Each pair covers one shape of one method's reply or signal's body:
// append_X writes it at the message's current position, read_X reads it
// from there. Both return 0 or a negative errno: sd-bus's own (-ENXIO for a
// value of another type than the format has there, or none at all; -ENOMEM)
// or -EBADMSG for an array entry that ends early or a kind or right that
// does not exist. A reader of a list replaces its output only when it
// succeeds; the others may have filled part of theirs before failing.
//
// A library of its own (vermilion_link_wire), so that vermilion_common,
// which vermilionctl and every daemon layer link, stays free of sd-bus.
#pragma once

#include <systemd/sd-bus.h>

#include <vector>

#include "common/bus_rule_text.h"
#include "common/capability_row.h"
#include "common/service_status.h"

namespace vermilion {

// ---- names ------------------------------------------------------------------

// The link's root object and interface.
inline constexpr const char* kLinkPath = "/org/vermilion1/link";
inline constexpr const char* kLinkInterface = "org.vermilion1.Link";
// Capability objects are kCapabilityPathPrefix + "/" + slot.
inline constexpr const char* kCapabilityPathPrefix = "/org/vermilion1/link/cap";
// Every capability object has the first, and the one of its kind.
inline constexpr const char* kCapabilityInterface = "org.vermilion1.Capability";
inline constexpr const char* kServiceCapabilityInterface = "org.vermilion1.ServiceCapability";
inline constexpr const char* kManagerCapabilityInterface = "org.vermilion1.ManagerCapability";
inline constexpr const char* kEndpointCapabilityInterface = "org.vermilion1.EndpointCapability";
inline constexpr const char* kFdCapabilityInterface = "org.vermilion1.FdCapability";

// ---- lists the bridge sends on as they are ----------------------------------

// An as of `strings`.
[[nodiscard]] int append_strings(sd_bus_message* m, const std::vector<std::string>& strings);
// An Exec*= list (common/exec_command_status.h): ex, systemd's ExecStartEx
// a(sasasttttuii), flags as words; else ExecStart's a(sasbttttuii),
// "ignore-failure" as the b.
[[nodiscard]] int append_exec_commands(sd_bus_message* m, const std::vector<ExecCommandStatus>& commands, bool ex);
// Unit.Conditions, a(sbbsi) (common/condition_status.h).
[[nodiscard]] int append_conditions(sd_bus_message* m, const std::vector<ConditionStatus>& conditions);

// ---- a service's status -----------------------------------------------------

// The properties dict, a{sv}: every key of for_each_service_property
// (common/service_status.h), with the same names and types as
// org.vermilion1.Service's properties, so the bridge passes them on as they
// are. The reader overwrites the field of each key it knows, leaves fields
// whose key is missing as they were, and skips keys it does not know (a
// newer vermiliond may send more); a known key with a value of another type
// is -ENXIO.
inline constexpr const char* kServicePropertiesSignature = "a{sv}";
// The type of the Exec*Ex keys (common/exec_command_status.h): path, argv,
// flags, start realtime and monotonic µs, exit realtime and monotonic µs,
// pid, code, status; systemd's ExecStartEx.
inline constexpr const char* kExecCommandListSignature = "a(sasasttttuii)";
// The type of Conditions (common/condition_status.h): type, trigger, negate,
// parameter, state; systemd's Unit.Conditions.
inline constexpr const char* kConditionListSignature = "a(sbbsi)";
[[nodiscard]] int append_service_properties(sd_bus_message* m, const ServiceStatus& status);
[[nodiscard]] int read_service_properties(sd_bus_message* m, ServiceStatus& out);

// ManagerCapability.ListServiceProperties, a(sa{sv}): name and properties of
// every service. The reader replaces `out`; a service whose dict has no Name
// takes the name beside it.
[[nodiscard]] int append_service_table(sd_bus_message* m, const std::vector<ServiceStatus>& services);
[[nodiscard]] int read_service_table(sd_bus_message* m, std::vector<ServiceStatus>& out);

// Link.ServicePropertiesChanged, sa{sv}: the name, then the dict (the
// reader takes the name when the dict has none).
[[nodiscard]] int append_service_properties_changed(sd_bus_message* m, const ServiceStatus& status);
[[nodiscard]] int read_service_properties_changed(sd_bus_message* m, ServiceStatus& out);

// Link.ServiceStateChanged, sss: name, active state, sub state. The reader
// sets only those three fields.
[[nodiscard]] int append_service_state_changed(sd_bus_message* m, const ServiceStatus& status);
[[nodiscard]] int read_service_state_changed(sd_bus_message* m, ServiceStatus& out);

// ServiceCapability.Status's reply, sssuuis: active state, sub state,
// result, main PID, restarts, exec main status, description. The reader sets
// only those seven fields.
[[nodiscard]] int append_service_status_reply(sd_bus_message* m, const ServiceStatus& status);
[[nodiscard]] int read_service_status_reply(sd_bus_message* m, ServiceStatus& out);

// ManagerCapability.ListServices, a(ssss): name, description, active state,
// sub state. The reader replaces `out`, each entry with those four fields.
[[nodiscard]] int append_service_list(sd_bus_message* m, const std::vector<ServiceStatus>& services);
[[nodiscard]] int read_service_list(sd_bus_message* m, std::vector<ServiceStatus>& out);

// ---- capabilities -----------------------------------------------------------

// One capability of the holder's own CList, usssto: slot, kind, object,
// rights (words), badge, path; Link.CapabilityReceived's body (where the
// badge is the granting endpoint's). The reader refuses a kind or right it
// does not know with -EBADMSG.
[[nodiscard]] int append_capability(sd_bus_message* m, const CapabilityRow& row);
[[nodiscard]] int read_capability(sd_bus_message* m, CapabilityRow& out);

// Link.ListCapabilities, a(usssto). The reader replaces `out`.
[[nodiscard]] int append_capabilities(sd_bus_message* m, const std::vector<CapabilityRow>& rows);
[[nodiscard]] int read_capabilities(sd_bus_message* m, std::vector<CapabilityRow>& out);

// ManagerCapability.ListCapabilitiesOf, a(ussst): another service's CList,
// without paths (its slots name nothing on the asking link; the writer
// ignores `path`, the reader leaves it ""). The reader replaces `out`.
[[nodiscard]] int append_capabilities_of(sd_bus_message* m, const std::vector<CapabilityRow>& rows);
[[nodiscard]] int read_capabilities_of(sd_bus_message* m, std::vector<CapabilityRow>& out);

// ---- [Bus] rules ------------------------------------------------------------

// ManagerCapability.GetBusRules, a(asasssss): users, groups, service glob,
// service rights, manager rights, where. The reader replaces `out`.
[[nodiscard]] int append_bus_rules(sd_bus_message* m, const std::vector<BusRuleText>& rules);
[[nodiscard]] int read_bus_rules(sd_bus_message* m, std::vector<BusRuleText>& out);

}  // namespace vermilion
