/* The TFTP root as pxe-tftpd sees it: names remapped and resolved by
 * pxe-tftpd's own code (tftpd/path.c, remap.c), and files opened as the
 * user it runs as, in a child that becomes that user. */
#ifndef PXECTL_TFTP_VIEW_H
#define PXECTL_TFTP_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "tftpd/path.h"
#include "suite_conf.h"

struct remap;

struct tftp_view {
	const struct conf_tftpd *conf;
	struct path_root root;
	struct remap *remap;	/* NULL: no rules */
};

/* 0, or -errno with a message in err (the root or remap file unusable). */
int tftp_view_open(struct tftp_view *v, const struct conf_tftpd *conf, char *err,
		   size_t errlen);
void tftp_view_close(struct tftp_view *v);

/* The name relative to the root that a client's request for name opens:
 * 0, or -EACCES when pxe-tftpd refuses the name itself. */
int tftp_view_resolve(const struct tftp_view *v, const char *name, char *out, size_t outsz);
/* Whether a resolved name is there, read as root: 0, -ENOENT, or -EACCES
 * (not a regular file, or leads outside the root). */
int tftp_view_exists(const struct tftp_view *v, const char *resolved);
/* Whether it is world-readable; pxe-tftpd serves only those unless
 * permissive. */
bool tftp_view_world_readable(const struct tftp_view *v, const char *resolved);
/* A resolved file's text, at most max bytes: 0, or -errno (-EFBIG). */
int tftp_view_slurp(const struct tftp_view *v, const char *resolved, size_t max, char **text,
		    size_t *len);

/* Opens each resolved name as pxe-tftpd's user would and puts 0 or -errno
 * in results.  0; or -errno with a message in err when that user cannot be
 * taken on (unknown user; not running as root: then results are as this
 * process sees them and err says so, with a positive return 1). */
int tftp_view_check_as_user(const struct tftp_view *v, const char *const *names, size_t n,
			    int *results, char *err, size_t errlen);

#endif
