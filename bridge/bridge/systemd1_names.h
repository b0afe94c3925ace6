// Names and object paths of org.freedesktop.systemd1 as systemd 252 spells
// them (src/basic/unit-name.c, src/core/dbus-unit.c, dbus-job.c).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vermilion::bridge::systemd1 {

inline constexpr const char* kSystemdBusName = "org.freedesktop.systemd1";
inline constexpr const char* kSystemdManagerPath = "/org/freedesktop/systemd1";
inline constexpr const char* kUnitPathPrefix = "/org/freedesktop/systemd1/unit";
inline constexpr const char* kJobPathPrefix = "/org/freedesktop/systemd1/job";
inline constexpr const char* kManagerInterface = "org.freedesktop.systemd1.Manager";
inline constexpr const char* kActivatorInterface = "org.freedesktop.systemd1.Activator";  // D-Bus activation
inline constexpr const char* kUnitInterface = "org.freedesktop.systemd1.Unit";
inline constexpr const char* kSystemdServiceInterface = "org.freedesktop.systemd1.Service";
inline constexpr const char* kJobInterface = "org.freedesktop.systemd1.Job";

// A unit name systemd would accept for any unit type: "[prefix][@instance].type",
// type one of systemd's eleven, characters [A-Za-z0-9:-_.\@], at most 255
// bytes (unit_name_is_valid(UNIT_NAME_ANY)).
[[nodiscard]] bool is_valid_unit_name(std::string_view name);
// The type suffix: "service" for "web.service"; "" for an invalid name.
[[nodiscard]] std::string_view unit_type_of(std::string_view name);

// "/org/freedesktop/systemd1/unit/web_2eservice" (unit_dbus_path_from_name).
[[nodiscard]] std::string unit_object_path(std::string_view name);
// The unit a path under kUnitPathPrefix names, or nullopt when it is not
// one such path or its label is not a valid unit name.
[[nodiscard]] std::optional<std::string> unit_name_of_path(std::string_view path);

// "/org/freedesktop/systemd1/job/7".
[[nodiscard]] std::string job_object_path(std::uint32_t id);
// The id a path under kJobPathPrefix names; nullopt for anything else
// (not decimal, 0, out of range, leading zeros).
[[nodiscard]] std::optional<std::uint32_t> job_id_of_path(std::string_view path);

}  // namespace vermilion::bridge::systemd1
