/* pxe-nfsd's state and life: the handle key, the export table, the RPC
 * listeners for NFS v3 and MOUNT v3, reload of the exports on SIGHUP. */
#ifndef PXE_NFSD_SERVER_H
#define PXE_NFSD_SERVER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "conf.h"
#include "exports.h"
#include "fh.h"
#include "loop.h"
#include "mount.h"
#include "rpc.h"

struct nfsd {
	struct loop *loop;
	struct fh_key key;
	struct export_table exports;
	struct rpcsrv *rpc;
	struct mount_list mounts;	/* what MOUNT DUMP reports */
	uint16_t nfs_port, mount_port;
	bool rpcbind;			/* registered: unregister at the end */
};

/* The exports of conf as pxe-nfsd checks them: parsed, merged and given
 * their ids, without opening anything.  For --check-config and every
 * load: 0, or -1 with "FILE:LINE: message" in err. */
int nfsd_check_exports(const struct conf *conf, char *err, size_t errlen);

/* Start-up, as root: the handle key, the exports (opened and probed), the
 * listeners, rpcbind.  0, or -1 after logging why. */
int nfsd_open(struct nfsd *d, const struct conf *conf, struct loop *loop);

/* SIGHUP: the exports of next replace the running ones.  Kept exports (same
 * path) keep their descriptors, so their clients carry on; handles of
 * removed ones get NFS3ERR_STALE.  Listening keys ([nfsd] address, ports,
 * rpcbind) take effect at the next start.  0, or -1 (logged) keeping the
 * running exports. */
int nfsd_reload(struct nfsd *d, const struct conf *next);

/* Unregisters from rpcbind (as the user that registered: see
 * cred_become_registrant), closes everything. */
void nfsd_close(struct nfsd *d);

/* A filesystem of an export as one client sees it: the export's own, or
 * (crossmnt) one mounted below it. */
struct nfsd_fs {
	uint32_t id;			/* in its handles and fattr3.fsid */
	int mount_fd;			/* open_by_handle_at's mount_fd */
	int mount_id;			/* of mount_fd */
};

/* The export a handle's export id names, or NULL; *sub is the filesystem
 * mounted below it that the id names, or NULL for the export's own. */
const struct export *nfsd_export_of(const struct nfsd *d, uint32_t id,
				    const struct export_sub **sub);

/* The view a client with opts gets of e's filesystem (sub NULL) or of one
 * mounted below it.  Without crossmnt, the export's directory in the clone
 * of its mount alone (when one could be made at start), so no lookup ever
 * leaves its filesystem: a mount point shows the directory it covers, as
 * kernel nfsd shows it. */
void nfsd_fs_view(const struct export *e, const struct export_sub *sub,
		  const struct export_opts *opts, struct nfsd_fs *out);

/* The handle of name in dirfd (or of dirfd, name NULL) on fs; with
 * crossmnt, a name on another filesystem below the export gets a handle of
 * that one.  0 or a negative errno (-EXDEV: another filesystem, not
 * served to this client). */
int nfsd_encode(const struct nfsd *d, const struct export *e, const struct export_opts *opts,
		const struct nfsd_fs *fs, int dirfd, const char *name, uint8_t *out,
		size_t *len);

/* The fsid a client with opts sees for a file on the mount mnt_id
 * (statx's stx_mnt_id). */
uint32_t nfsd_fsid(const struct export *e, const struct export_opts *opts, uint64_t mnt_id);

/* xdr_void with the signature of an xdrproc_t (libtirpc declares it
 * without arguments). */
bool_t nfsd_xdr_void(XDR *x, void *p);

/* The client's address as the transport saw it (NULL if unknown), and its
 * port (0 if unknown). */
const struct sockaddr *nfsd_caller(SVCXPRT *xprt, uint16_t *port);
/* The address alone, for logs and the mount list; buf has ADDR_STRLEN bytes. */
const char *nfsd_host_str(const struct sockaddr *sa, char *buf);

#endif
