/* MOUNT v3 (RFC 1813 §5): the program that gives clients the root handle of
 * an export, and the list of mounts MOUNT DUMP reports. */
#ifndef PXE_NFSD_MOUNT_H
#define PXE_NFSD_MOUNT_H

#include <rpc/rpc.h>
#include <stddef.h>

#include "export_spec.h"

/* Mounts remembered for DUMP: a client that never sends UMNT (the Linux
 * kernel does not) must not grow it without end, so the oldest entry goes
 * when it is full. */
#define MOUNT_LIST_MAX 256

struct mount_entry {
	char host[64];				/* the client's address */
	char dir[EXPORT_PATH_MAX + 1];		/* as the client asked */
};

struct mount_list {
	struct mount_entry *entries;		/* oldest first */
	size_t count;
};

/* Adds host's mount of dir unless listed; 0 or -ENOMEM. */
int mount_list_add(struct mount_list *l, const char *host, const char *dir);
/* Removes host's mount of dir; dir NULL: all of host's (UMNTALL). */
void mount_list_remove(struct mount_list *l, const char *host, const char *dir);
void mount_list_free(struct mount_list *l);

/* The MOUNT v3 program's dispatch routine (rpc.h); arg is the struct nfsd. */
void mount_dispatch(struct svc_req *rq, SVCXPRT *xprt, void *arg);

#endif
