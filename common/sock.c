/* placeholder until written */
#include <config.h>
#include "sock.h"
