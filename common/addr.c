/* placeholder until written */
#include <config.h>
#include "addr.h"
