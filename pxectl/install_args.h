/* The kernel arguments that send an installer or a diskless client to NFS:
 * anaconda's ks=/inst.ks=, inst.repo=/repo=/method=, inst.stage2=, dracut's
 * root=nfs:, and the kernel's nfsroot=.  Pure parsing; no I/O. */
#ifndef PXECTL_INSTALL_ARGS_H
#define PXECTL_INSTALL_ARGS_H

#include <stddef.h>

enum install_kind {
	INSTALL_KICKSTART,	/* a file */
	INSTALL_REPO,		/* an install tree (a directory) or an ISO file */
	INSTALL_ROOT,		/* a root filesystem: a directory */
};

struct install_source {
	int kind;		/* enum install_kind */
	const char *arg;	/* the argument as written, up to its blank */
	size_t arglen;
	char host[256];		/* "" when the argument names none (the DHCP server's) */
	char path[1024];
};

/* Calls found for each NFS source among args; other arguments (http:,
 * cdrom, plain options) are skipped.  An NFS argument too mangled to use
 * (no path, a path longer than the field) comes with path[0] == '\0'. */
void install_args_scan(const char *args,
		       void (*found)(void *arg, const struct install_source *src), void *arg);

#endif
