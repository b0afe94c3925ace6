// Only link/ speaks sd-bus.
#include <systemd/sd-bus.h>
