// Values of org.freedesktop.systemd1 properties that Vermilion has nothing
// to say about (IOWeight, SELinuxContext, ...): the zero of the property's
// D-Bus type, which is what systemd reports for a setting nobody made
// (0, "", empty arrays, "/" for object paths; every member's zero in a
// struct). Which properties carry real values is bridge/README.md's table.
#pragma once

#include <systemd/sd-bus.h>

#include <string_view>

namespace vermilion::bridge::systemd1 {

// Appends the zero value of `signature`, one complete type ("s", "a(sasb)",
// "(uo)"), to `m`. Returns 0, or a negative errno: -EINVAL for a signature
// that is not exactly one complete type or holds a type with no zero here
// (unix fds 'h'); sd-bus's own errors otherwise.
[[nodiscard]] int append_zero_value(sd_bus_message* m, std::string_view signature);

// The length of the complete type at the start of `signature`, or 0 when
// there is none (empty, unbalanced, a dict entry outside an array).
[[nodiscard]] std::size_t complete_type_length(std::string_view signature);

}  // namespace vermilion::bridge::systemd1
