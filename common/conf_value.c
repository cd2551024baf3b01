/* placeholder until written */
#include <config.h>
#include "conf_value.h"
