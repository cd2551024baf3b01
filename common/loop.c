/* placeholder until written */
#include <config.h>
#include "loop.h"
