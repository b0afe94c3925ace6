// common/ is the bottom layer.
#include "broker/broker.h"
