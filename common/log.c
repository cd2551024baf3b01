/* placeholder until written */
#include <config.h>
#include "log.h"
