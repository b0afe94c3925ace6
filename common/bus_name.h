// D-Bus bus names (the D-Bus specification, "Valid Bus Names"), checked as
// sd-bus 252 checks them (service_name_is_valid() in bus-internal.c), for
// code that must not link sd-bus (units/: BusName=).
#pragma once

#include <cstddef>
#include <string_view>

namespace vermilion {

// D-Bus's limit on a name, in bytes (SD_BUS_MAXIMUM_NAME_LENGTH).
inline constexpr std::size_t kMaxBusNameLength = 255;

// A well-known name ("org.example.Name": two or more elements of
// [A-Za-z0-9_-], none empty or starting with a digit) or a unique one
// (":1.42", whose elements may start with a digit); at most 255 bytes.
[[nodiscard]] bool is_valid_bus_name(std::string_view name);
// The same, and not a unique name.
[[nodiscard]] bool is_well_known_bus_name(std::string_view name);
// The same, and a unique name.
[[nodiscard]] bool is_unique_bus_name(std::string_view name);

}  // namespace vermilion
