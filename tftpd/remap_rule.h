/* The compiled form of remap rules, shared by the parser (remap_parse.c)
 * and the code that applies them (remap.c); no other file needs it. */
#ifndef PXE_TFTPD_REMAP_RULE_H
#define PXE_TFTPD_REMAP_RULE_H

#include <regex.h>

#include "remap.h"

#define NMATCH		10	/* \0 to \9 */

enum {
	R_REPLACE = 1 << 0,	/* r */
	R_GLOBAL = 1 << 1,	/* g: again from the start until no match */
	R_SEDG = 1 << 2,	/* gg: on through the rest of the string, as sed */
	R_END = 1 << 3,		/* e */
	R_RESTART = 1 << 4,	/* s */
	R_ABORT = 1 << 5,	/* a */
	R_INVERT = 1 << 6,	/* ~ */
	R_GET = 1 << 7,		/* G */
	R_PUT = 1 << 8,		/* P */
	R_IPV4 = 1 << 9,	/* 4 */
	R_IPV6 = 1 << 10,	/* 6 */
};

struct remap_rule {
	struct remap_rule *next;
	regex_t re;
	char *repl;		/* as written, escapes unexpanded; "" without one */
	unsigned flags;
	unsigned line;
};

struct remap {
	struct remap_rule *head;
};

#endif
