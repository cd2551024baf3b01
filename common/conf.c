/* placeholder until written */
#include <config.h>
#include "conf.h"
