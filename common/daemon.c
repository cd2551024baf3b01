/* placeholder until written */
#include <config.h>
#include "daemon.h"
