/* placeholder until written */
#include <config.h>
#include "cli.h"
