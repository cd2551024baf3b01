/* NFS v3 (RFC 1813): the program's dispatch routine, and what its
 * procedure files (nfs3.c, nfs3_attr.c, nfs3_read.c, nfs3_dir.c, and the
 * modifying ones nfs3_wcc.c, nfs3_modify.c, nfs3_create.c, nfs3_write.c)
 * share: the call being served, handle resolution and errno mapping. */
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

/* The arguments of any procedure, decoded. */
union nfs3_args {
	GETATTR3args getattr;
	SETATTR3args setattr;
	LOOKUP3args lookup;
	ACCESS3args access;
	READLINK3args readlink;
	READ3args read;
	WRITE3args write;
	CREATE3args create;
	MKDIR3args mkdir;
	SYMLINK3args symlink;
	MKNOD3args mknod;
	REMOVE3args remove;
	RMDIR3args rmdir;
	RENAME3args rename;
	LINK3args link;
	READDIR3args readdir;
	READDIRPLUS3args readdirplus;
	FSSTAT3args fsstat;
	FSINFO3args fsinfo;
	PATHCONF3args pathconf;
	COMMIT3args commit;
};

/* The XDR routine of a procedure's arguments: NULL for NULL (no arguments)
 * and for a procedure that does not exist. */
xdrproc_t nfs3_args_xdr(rpcproc_t proc);

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
/* nfstime3 of a statx time, clamped to what 32 unsigned bits of seconds say. */
nfstime3 nfs3_time(const struct statx_timestamp *t);
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

/* ---------------------------------------------------------------- modifying (nfs3_wcc.c) */

/* What a name is wanted for: a new entry (CREATE, MKDIR, SYMLINK, MKNOD,
 * LINK, RENAME's target) or one that exists (REMOVE, RMDIR, RENAME's
 * source). */
enum nfs3_name_use {
	NFS3_NAME_NEW,
	NFS3_NAME_OLD,
};

/* A name a modifying call may use: one component, never "." or "..", so
 * that no call reaches outside the directory its handle names.  NFS3_OK,
 * or NFS3ERR_INVAL ("", a '/' in it; "." or ".." as an existing name),
 * NFS3ERR_EXIST ("." or ".." as a new name: they are there),
 * NFS3ERR_NAMETOOLONG (longer than NAME_MAX).  Pure. */
nfsstat3 nfs3_name_check(const char *name, enum nfs3_name_use use);

/* RFC 1813 §2.6 wcc_attr of st.  Pure. */
void nfs3_wcc_attr(const struct statx *st, wcc_attr *out);
/* The attributes of fd before a change. */
void nfs3_pre_op(int fd, pre_op_attr *out);
/* wcc_data of a change to fd: before (from nfs3_pre_op) and now. */
void nfs3_wcc(const struct nfs3_call *c, int fd, const pre_op_attr *before, wcc_data *out);

/* nfs3_resolve for a change: NFS3ERR_ROFS on a read-only export (RFC 1813
 * §3.3: what every modifying call on one gets). */
nfsstat3 nfs3_resolve_rw(struct nfs3_call *c, const nfs_fh3 *fh, int flags, int *fd);
/* The directory a name is changed in, opened so that it can be synced:
 * NFS3ERR_NOTDIR for anything else. */
nfsstat3 nfs3_resolve_dir(struct nfs3_call *c, const nfs_fh3 *fh, int *fd);

/* fd as a path the kernel resolves to fd's own file (/proc/self/fd/N): for
 * the calls that take no O_PATH descriptor.  A symlink is never followed
 * through it: the path leads to the link itself. */
const char *nfs3_fd_path(int fd, char buf[32]);
/* Reopens the regular file of an O_PATH fd with flags, as the caller (the
 * kernel checks the caller's rights; the owner of the file may write it
 * whatever its mode, CRED_OWNER_OVERRIDE).  The fd or a negative errno. */
int nfs3_reopen(const struct nfs3_call *c, int fd, const struct statx *st, int flags);

/* exports(5) sync (the default): a change to a directory's entries, or to
 * a file's attributes, reaches the disk before the reply (fsync of fd,
 * which must not be O_PATH; O_PATH ones are reopened).  async: nothing. */
void nfs3_commit_meta(const struct nfs3_call *c, int fd);

/* RFC 1813 §3.3.2: applies the settable attributes of s to the file of fd
 * (O_PATH is enough; st its attributes now) as the caller: owner and
 * group, mode, size, then times.  0 or a negative errno; NFS3ERR_INVAL for
 * a time_how outside the RFC comes as -EINVAL. */
int nfs3_sattr_apply(const struct nfs3_call *c, int fd, const struct statx *st,
		     const sattr3 *s);

/* ---------------------------------------------------------------- WRITE (nfs3_write.c) */

/* How a WRITE reaches the disk. */
enum nfs3_sync {
	NFS3_SYNC_NONE,			/* left in the page cache until a COMMIT */
	NFS3_SYNC_DATA,			/* fdatasync */
	NFS3_SYNC_FILE,			/* fsync */
};

/* RFC 1813 §3.3.7: what stable asks for, on an async export or not, and
 * what the reply says was done (*committed).  -1 for a stable_how outside
 * the RFC.  Pure. */
int nfs3_write_sync(stable_how stable, bool async, stable_how *committed);

/* The write verifier of this run of the server (RFC 1813 §3.3.7): made
 * once, from the start time and random bytes, so it differs after every
 * restart and a client resends what it wrote UNSTABLE and never saw
 * COMMITted. */
void nfs3_write_verifier(writeverf3 out);

/* ---------------------------------------------------------------- CREATE (nfs3_create.c) */

/* RFC 1813 §3.3.8 EXCLUSIVE: the verifier kept in the new file's atime
 * and mtime seconds (31 bits each, as Linux knfsd keeps it), which
 * survive a restart.  Pure. */
void nfs3_excl_times(const createverf3 verf, struct timespec ts[2]);
/* Whether st is the file an EXCLUSIVE CREATE with verf made: a retransmission
 * answered with success.  Pure. */
bool nfs3_excl_matches(const createverf3 verf, const struct statx *st);

/* The procedures, each filling its result (zeroed by the dispatcher). */
void nfs3_getattr(struct nfs3_call *c, GETATTR3args *a, GETATTR3res *r);
void nfs3_lookup(struct nfs3_call *c, LOOKUP3args *a, LOOKUP3res *r);
void nfs3_access(struct nfs3_call *c, ACCESS3args *a, ACCESS3res *r);
void nfs3_readlink(struct nfs3_call *c, READLINK3args *a, READLINK3res *r);
void nfs3_read(struct nfs3_call *c, READ3args *a, READ3res *r);
/* READ3res, whose data a reply on TCP takes from the file (nfs3_read.c). */
bool_t nfs3_xdr_read_res(XDR *x, READ3res *r);
void nfs3_fsstat(struct nfs3_call *c, FSSTAT3args *a, FSSTAT3res *r);
void nfs3_fsinfo(struct nfs3_call *c, FSINFO3args *a, FSINFO3res *r);
void nfs3_pathconf(struct nfs3_call *c, PATHCONF3args *a, PATHCONF3res *r);
void nfs3_setattr(struct nfs3_call *c, SETATTR3args *a, SETATTR3res *r);
void nfs3_write(struct nfs3_call *c, WRITE3args *a, WRITE3res *r);
void nfs3_commit(struct nfs3_call *c, COMMIT3args *a, COMMIT3res *r);
void nfs3_create(struct nfs3_call *c, CREATE3args *a, CREATE3res *r);
void nfs3_mkdir(struct nfs3_call *c, MKDIR3args *a, MKDIR3res *r);
void nfs3_symlink(struct nfs3_call *c, SYMLINK3args *a, SYMLINK3res *r);
void nfs3_mknod(struct nfs3_call *c, MKNOD3args *a, MKNOD3res *r);
void nfs3_remove(struct nfs3_call *c, REMOVE3args *a, REMOVE3res *r);
void nfs3_rmdir(struct nfs3_call *c, RMDIR3args *a, RMDIR3res *r);
void nfs3_rename(struct nfs3_call *c, RENAME3args *a, RENAME3res *r);
void nfs3_link(struct nfs3_call *c, LINK3args *a, LINK3res *r);

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
