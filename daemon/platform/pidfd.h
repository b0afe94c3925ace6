// pidfd_open / pidfd_send_signal. glibc 2.36's <sys/pidfd.h> (Debian 12)
// lacks __BEGIN_DECLS, so C++ would look for mangled names that do not exist.
#pragma once

#include <signal.h>

extern "C" {
#include <sys/pidfd.h>
}
