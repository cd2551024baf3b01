/* NFS v3 (RFC 1813): the program's dispatch routine, and what its
 * procedure files (nfs3.c, nfs3_attr.c, nfs3_read.c, nfs3_dir.c) share:
 * the call being served, handle resolution and errno mapping. */
#ifndef PXE_NFSD_NFS3_H
#define PXE_NFSD_NFS3_H

#include <rpc/rpc.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "cred.h"
#include "exports.h"
#include "fh.h"
#include "nfs3_prot.h"
#include "server.h"

/* The NFS v3 program's dispatch routine (rpc.h); arg is the struct nfsd. */
void nfs3_dispatch(struct svc_req *rq, SVCXPRT *xprt, void *arg);

/* FSINFO's rtmax and wtmax: one READ or WRITE moves at most this much over
 * TCP; over UDP a reply must fit one datagram, so 32 KiB as kernel nfsd. */
#define NFS3_IO_MAX_TCP	(1024 * 1024)
#define NFS3_IO_MAX_UDP	(32 * 1024)

/* One call being served. */
struct nfs3_call {
	struct nfsd *d;
	SVCXPRT *xprt;
	bool dgram;			/* over UDP */
	const struct sockaddr *sa;	/* the caller */
	uint16_t port;
	unsigned flavor;		/* EXPORT_SEC_* of the credential; 0: other */
	struct cred sent;		/* the caller's identity as sent */
	/* Set by the first nfs3_resolve: */
	const struct export *exp;
	struct export_opts opts;	/* the export's options for this client */
	struct cred cred;		/* sent, squashed by opts */
	struct nfsd_fs fs;		/* the filesystem of the first handle */
	bool weak;			/* flavour refused: AUTH_TOOWEAK, no reply body */
};

/* The largest READ (and READDIR reply) for the call's transport. */
uint32_t nfs3_io_max(const struct nfs3_call *c);

/* Opens the file a handle names, after every check a handle gets: its MAC
 * (NFS3ERR_BADHANDLE), its export still served (NFS3ERR_STALE), the client
 * allowed by the export (NFS3ERR_ACCES), the export's `secure' (a port
 * below 1024, else NFS3ERR_PERM) and sec= flavours (c->weak), the file
 * still there (NFS3ERR_STALE).  flags for open(2): O_PATH|O_NOFOLLOW opens
 * anything without side effects; a symlink opens only that way.  The
 * first handle of a call sets c->exp, c->opts, c->cred and c->fs (a
 * handle of a filesystem mounted below the export is STALE to a client
 * without crossmnt); a second one must be of the same filesystem
 * (NFS3ERR_XDEV).  NFS3_OK and the fd in *fd. */
nfsstat3 nfs3_resolve(struct nfs3_call *c, const nfs_fh3 *fh, int flags, int *fd);

/* The handle of name in dirfd (NULL: of dirfd itself) for the call's
 * export (nfsd_encode), into buf (FH_MAX bytes) and out.  A negative
 * errno: -EXDEV for a file on a filesystem not served to the client. */
int nfs3_handle(const struct nfs3_call *c, int dirfd, const char *name, nfs_fh3 *out,
		char *buf);

/* The status for a negative errno; unexpected ones are logged. */
nfsstat3 nfs3_status(int rc, const char *what);

/* statx(2) of fd itself (name NULL) or of name in it, never following a
 * symlink, with the mount id and the birth time where the filesystem keeps
 * one: 0 or a negative errno. */
int nfs3_stat(int fd, const char *name, struct statx *st);
/* RFC 1813 §2.6 fattr3 of a file; its fsid is the id of its filesystem
 * as the caller sees it (nfsd_fsid). */
void nfs3_fattr(const struct nfs3_call *c, const struct statx *st, fattr3 *out);
/* post_op_attr of fd (or of name in it): attributes_follow is FALSE when
 * the file cannot be looked at. */
void nfs3_post_op(const struct nfs3_call *c, int fd, const char *name, post_op_attr *out);
/* Whether st is the export's root directory. */
bool nfs3_is_export_root(const struct nfs3_call *c, const struct statx *st);
/* Whether the parent of the directory dirfd lies inside the export: walking
 * up from it meets the export's root before the top of the filesystem.  Only
 * a directory moved out of the export fails this (its handle still opens:
 * handles name inodes, as with kernel nfsd's no_subtree_check); a client
 * holding one must not climb from it, or look at what lies above it. */
bool nfs3_parent_inside_export(const struct nfs3_call *c, int dirfd);
/* Whether the caller may read the file: read permission, or execute
 * permission (clients read programs to run them), or ownership, as kernel
 * nfsd grants READ. */
bool nfs3_may_read(const struct nfs3_call *c, int fd, const struct statx *st);

/* The procedures, each filling its result (zeroed by the dispatcher). */
void nfs3_getattr(struct nfs3_call *c, GETATTR3args *a, GETATTR3res *r);
void nfs3_lookup(struct nfs3_call *c, LOOKUP3args *a, LOOKUP3res *r);
void nfs3_access(struct nfs3_call *c, ACCESS3args *a, ACCESS3res *r);
void nfs3_readlink(struct nfs3_call *c, READLINK3args *a, READLINK3res *r);
void nfs3_read(struct nfs3_call *c, READ3args *a, READ3res *r);
void nfs3_fsstat(struct nfs3_call *c, FSSTAT3args *a, FSSTAT3res *r);
void nfs3_fsinfo(struct nfs3_call *c, FSINFO3args *a, FSINFO3res *r);
void nfs3_pathconf(struct nfs3_call *c, PATHCONF3args *a, PATHCONF3res *r);

/* READDIR and READDIRPLUS replies: the entries are encoded by a loop
 * (nfs3_dir.c), not by rpcgen's xdr_entry3, which recurses once per entry. */
struct nfs3_dirent {
	fileid3 fileid;
	char *name;
	cookie3 cookie;
	post_op_attr attr;		/* READDIRPLUS only */
	post_op_fh3 fh;
	char fhbuf[FH_MAX];
};

struct nfs3_dir_reply {
	bool plus;
	nfsstat3 status;
	post_op_attr dir_attributes;
	cookieverf3 cookieverf;
	struct nfs3_dirent *entries;
	unsigned count;
	bool eof;
};

bool_t nfs3_xdr_dir_reply(XDR *x, struct nfs3_dir_reply *r);
void nfs3_readdir(struct nfs3_call *c, READDIR3args *a, struct nfs3_dir_reply *r);
void nfs3_readdirplus(struct nfs3_call *c, READDIRPLUS3args *a, struct nfs3_dir_reply *r);

#endif
