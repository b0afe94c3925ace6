// units/ must not know the state machine.
#include "supervision/service.h"
