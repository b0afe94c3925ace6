// The three entry points every member of the generated org.freedesktop.systemd1
// vtables (systemd1_vtables.py) goes through; `userdata` is the
// Systemd1Server. They dispatch by interface and member name.
#pragma once

#include <systemd/sd-bus.h>

namespace vermilion::bridge::systemd1 {

int systemd1_method(sd_bus_message* m, void* userdata, sd_bus_error* error);
int systemd1_get_property(sd_bus* bus, const char* path, const char* interface, const char* property,
                          sd_bus_message* reply, void* userdata, sd_bus_error* error);
int systemd1_set_property(sd_bus* bus, const char* path, const char* interface, const char* property,
                          sd_bus_message* value, void* userdata, sd_bus_error* error);

}  // namespace vermilion::bridge::systemd1
