/* tftp-hpa's remap rules (-m FILE): regular expressions that rewrite a
 * requested name before it is resolved, e.g. backslashes to slashes for
 * Windows boot loaders, or case folding. */
#ifndef PXE_TFTPD_REMAP_H
#define PXE_TFTPD_REMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "addr.h"

struct remap;

/* Compiles the rules in text; name stands for the file in messages.  0, or
 * -EINVAL with "NAME:LINE: message" in err. */
int remap_parse(const char *name, const char *text, struct remap **out,
		char *err, size_t errlen);
/* The same from a file; -errno with "FILE: reason" in err when unreadable. */
int remap_load(const char *path, struct remap **out, char *err, size_t errlen);
void remap_free(struct remap *rules);

/* Applies the rules to name for a read (is_write false) or write request
 * from client.  0 with the result in out (outsz bytes), -EACCES when a rule
 * denies the request, -ENAMETOOLONG when the result does not fit, -ELOOP
 * when rules restart more than a fixed number of times. */
int remap_apply(const struct remap *rules, const char *name, bool is_write,
		const struct ip_addr *client, char *out, size_t outsz);

#endif
