/* NFS v3 (RFC 1813 §3): the dispatcher — decode the arguments into a zeroed
 * struct, run the procedure, encode its result, free what decoding
 * allocated — and the checks every file handle goes through. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "clientname.h"
#include "log.h"
#include "nfs3.h"
#include "server.h"

/* RFC 1813 §2.2 with RFC 5531 §12: reserved ports are below 1024. */
#define PRIV_PORT_MAX 1023

static struct log_limit nfs3_log_limit = LOG_LIMIT_INIT(10000, 20);

uint32_t nfs3_io_max(const struct nfs3_call *c)
{
	return c->dgram ? NFS3_IO_MAX_UDP : NFS3_IO_MAX_TCP;
}

nfsstat3 nfs3_status(int rc, const char *what)
{
	switch (-rc) {
	case 0:
		return NFS3_OK;
	case EPERM:
		return NFS3ERR_PERM;
	case ENOENT:
		return NFS3ERR_NOENT;
	case EIO:
		return NFS3ERR_IO;
	case ENXIO:
		return NFS3ERR_NXIO;
	case EACCES:
		return NFS3ERR_ACCES;
	case EEXIST:
		return NFS3ERR_EXIST;
	case EXDEV:
		return NFS3ERR_XDEV;
	case ENOTDIR:
		return NFS3ERR_NOTDIR;
	case EISDIR:
		return NFS3ERR_ISDIR;
	case EINVAL:
	case ELOOP:		/* a symlink where it is never followed */
		return NFS3ERR_INVAL;
	case EFBIG:
		return NFS3ERR_FBIG;
	case ENOSPC:
		return NFS3ERR_NOSPC;
	case EROFS:
		return NFS3ERR_ROFS;
	case EMLINK:
		return NFS3ERR_MLINK;
	case ENAMETOOLONG:
		return NFS3ERR_NAMETOOLONG;
	case ENOTEMPTY:
		return NFS3ERR_NOTEMPTY;
	case EDQUOT:
		return NFS3ERR_DQUOT;
	case EOPNOTSUPP:
		return NFS3ERR_NOTSUPP;
	case EWOULDBLOCK:
		return NFS3ERR_JUKEBOX;
	case ESTALE:
		return NFS3ERR_STALE;
	case EBADMSG:
		return NFS3ERR_BADHANDLE;
	default:
		log_limited(&nfs3_log_limit, LOG_WARNING, "nfs3: %s: %s", what, strerror(-rc));
		return NFS3ERR_SERVERFAULT;
	}
}

/* ---------------------------------------------------------------- handles */

/* The export and the caller's rights in it, from the first handle. */
static nfsstat3 enter_export(struct nfs3_call *c, const struct export *e)
{
	char host[ADDR_STRLEN];
	const char *name = NULL;

	/* what kernel nfsd answers while mountd looks the client up: the
	 * client retries a little later */
	if (export_name_may_matter(e, c->sa) && !clientname_get(c->sa, &name))
		return NFS3ERR_JUKEBOX;
	if (!export_client_options(e, c->sa, name, &c->opts)) {
		log_limited(&nfs3_log_limit, LOG_NOTICE, "nfs3: %s: not a client of %s",
			    nfsd_host_str(c->sa, host), e->path);
		return NFS3ERR_ACCES;
	}
	if (c->opts.secure && c->port > PRIV_PORT_MAX) {
		log_limited(&nfs3_log_limit, LOG_NOTICE, "nfs3: %s: port %u is not privileged "
			    "and %s is 'secure'", nfsd_host_str(c->sa, host), c->port, e->path);
		return NFS3ERR_PERM;
	}
	/* exports(5) sec=: a flavour the export does not take is refused at
	 * the RPC level (AUTH_TOOWEAK), as kernel nfsd does */
	if (!(c->flavor & c->opts.sec)) {
		c->weak = true;
		return NFS3ERR_ACCES;
	}
	c->exp = e;
	c->cred = c->sent;
	cred_squash(&c->cred, c->flavor, &c->opts);
	return NFS3_OK;
}

nfsstat3 nfs3_resolve(struct nfs3_call *c, const nfs_fh3 *fh, int flags, int *fd)
{
	const struct export_sub *sub;
	const struct export *e;
	struct fh h;
	nfsstat3 st;
	int rc;

	*fd = -1;
	if (fh_decode(&c->d->key, (const uint8_t *)fh->data.data_val, fh->data.data_len, &h) < 0)
		return NFS3ERR_BADHANDLE;
	if (c->exp) {
		if (h.export_id != c->fs.id)
			return NFS3ERR_XDEV;
	} else {
		/* an export removed by a reload: its handles are stale */
		e = nfsd_export_of(c->d, h.export_id, &sub);
		if (!e)
			return NFS3ERR_STALE;
		st = enter_export(c, e);
		if (st != NFS3_OK)
			return st;
		if (sub && !c->opts.crossmnt)
			return NFS3ERR_STALE;
		nfsd_fs_view(e, sub, &c->opts, &c->fs);
	}
	rc = fh_open(&h, c->fs.mount_fd, flags);
	if (rc == -EPERM) {
		log_limited(&nfs3_log_limit, LOG_ERR, "nfs3: open_by_handle_at: no "
			    "CAP_DAC_READ_SEARCH");
		return NFS3ERR_SERVERFAULT;
	}
	if (rc < 0)
		return rc == -ENOENT ? NFS3ERR_STALE : nfs3_status(rc, "open_by_handle_at");
	*fd = rc;
	return NFS3_OK;
}

int nfs3_handle(const struct nfs3_call *c, int dirfd, const char *name, nfs_fh3 *out,
		char *buf)
{
	size_t len;
	int rc = nfsd_encode(c->d, c->exp, &c->opts, &c->fs, dirfd, name, (uint8_t *)buf, &len);

	if (rc < 0)
		return rc;
	out->data.data_len = (u_int)len;
	out->data.data_val = buf;
	return 0;
}

/* ---------------------------------------------------------------- dispatch */

union nfs3_res {
	nfsstat3 status;
	GETATTR3res getattr;
	SETATTR3res setattr;
	LOOKUP3res lookup;
	ACCESS3res access;
	READLINK3res readlink;
	READ3res read;
	WRITE3res write;
	CREATE3res create;
	MKDIR3res mkdir;
	SYMLINK3res symlink;
	MKNOD3res mknod;
	REMOVE3res remove;
	RMDIR3res rmdir;
	RENAME3res rename;
	LINK3res link;
	struct nfs3_dir_reply dir;
	FSSTAT3res fsstat;
	FSINFO3res fsinfo;
	PATHCONF3res pathconf;
	COMMIT3res commit;
};

typedef void proc_fn(struct nfs3_call *c, void *args, void *res);

struct proc {
	const char *name;
	xdrproc_t args, res;
	proc_fn *fn;
};

#define PROC(n, fn_, a, r) { n, (xdrproc_t)(a), (xdrproc_t)(r), (proc_fn *)(fn_) }

/* RFC 1813 §3: indexed by procedure number. */
static const struct proc procs[] = {
	[NFSPROC3_NULL] = PROC("NULL", NULL, nfsd_xdr_void, nfsd_xdr_void),
	[NFSPROC3_GETATTR] = PROC("GETATTR", nfs3_getattr, xdr_GETATTR3args, xdr_GETATTR3res),
	[NFSPROC3_SETATTR] = PROC("SETATTR", nfs3_setattr, xdr_SETATTR3args, xdr_SETATTR3res),
	[NFSPROC3_LOOKUP] = PROC("LOOKUP", nfs3_lookup, xdr_LOOKUP3args, xdr_LOOKUP3res),
	[NFSPROC3_ACCESS] = PROC("ACCESS", nfs3_access, xdr_ACCESS3args, xdr_ACCESS3res),
	[NFSPROC3_READLINK] = PROC("READLINK", nfs3_readlink, xdr_READLINK3args,
				   xdr_READLINK3res),
	[NFSPROC3_READ] = PROC("READ", nfs3_read, xdr_READ3args, nfs3_xdr_read_res),
	[NFSPROC3_WRITE] = PROC("WRITE", nfs3_write, xdr_WRITE3args, xdr_WRITE3res),
	[NFSPROC3_CREATE] = PROC("CREATE", nfs3_create, xdr_CREATE3args, xdr_CREATE3res),
	[NFSPROC3_MKDIR] = PROC("MKDIR", nfs3_mkdir, xdr_MKDIR3args, xdr_MKDIR3res),
	[NFSPROC3_SYMLINK] = PROC("SYMLINK", nfs3_symlink, xdr_SYMLINK3args, xdr_SYMLINK3res),
	[NFSPROC3_MKNOD] = PROC("MKNOD", nfs3_mknod, xdr_MKNOD3args, xdr_MKNOD3res),
	[NFSPROC3_REMOVE] = PROC("REMOVE", nfs3_remove, xdr_REMOVE3args, xdr_REMOVE3res),
	[NFSPROC3_RMDIR] = PROC("RMDIR", nfs3_rmdir, xdr_RMDIR3args, xdr_RMDIR3res),
	[NFSPROC3_RENAME] = PROC("RENAME", nfs3_rename, xdr_RENAME3args, xdr_RENAME3res),
	[NFSPROC3_LINK] = PROC("LINK", nfs3_link, xdr_LINK3args, xdr_LINK3res),
	[NFSPROC3_READDIR] = PROC("READDIR", nfs3_readdir, xdr_READDIR3args,
				  nfs3_xdr_dir_reply),
	[NFSPROC3_READDIRPLUS] = PROC("READDIRPLUS", nfs3_readdirplus, xdr_READDIRPLUS3args,
				      nfs3_xdr_dir_reply),
	[NFSPROC3_FSSTAT] = PROC("FSSTAT", nfs3_fsstat, xdr_FSSTAT3args, xdr_FSSTAT3res),
	[NFSPROC3_FSINFO] = PROC("FSINFO", nfs3_fsinfo, xdr_FSINFO3args, xdr_FSINFO3res),
	[NFSPROC3_PATHCONF] = PROC("PATHCONF", nfs3_pathconf, xdr_PATHCONF3args,
				   xdr_PATHCONF3res),
	[NFSPROC3_COMMIT] = PROC("COMMIT", nfs3_commit, xdr_COMMIT3args, xdr_COMMIT3res),
};

xdrproc_t nfs3_args_xdr(rpcproc_t proc)
{
	if (proc == NFSPROC3_NULL || proc >= sizeof procs / sizeof procs[0])
		return NULL;
	return procs[proc].args;
}

void nfs3_dispatch(struct svc_req *rq, SVCXPRT *xprt, void *arg)
{
	/* static: READDIR's reply and the unions are large, and calls never
	 * overlap in this single-threaded process */
	static union nfs3_args args;
	static union nfs3_res res;
	struct nfs3_call c;
	const struct proc *p;

	if (rq->rq_proc == NFSPROC3_NULL) {
		svc_sendreply(xprt, (xdrproc_t)nfsd_xdr_void, NULL);
		return;
	}
	if (rq->rq_proc >= sizeof procs / sizeof procs[0]) {
		svcerr_noproc(xprt);
		return;
	}
	p = &procs[rq->rq_proc];
	/* zeroed: xdr_bytes and xdr_string write into a non-NULL pointer
	 * instead of allocating */
	memset(&args, 0, sizeof args);
	memset(&res, 0, sizeof res);
	if (!svc_getargs(xprt, p->args, (char *)&args)) {
		svcerr_decode(xprt);
		svc_freeargs(xprt, p->args, (char *)&args);
		return;
	}
	memset(&c, 0, sizeof c);
	c.d = arg;
	c.xprt = xprt;
	c.dgram = rpcsrv_is_dgram(c.d->rpc, xprt);
	c.sa = nfsd_caller(xprt, &c.port);
	c.fs.mount_fd = -1;
	cred_from_request(rq, &c.sent, &c.flavor);
	p->fn(&c, &args, &res);
	if (c.weak)
		svcerr_weakauth(xprt);
	else if (!svc_sendreply(xprt, p->res, (char *)&res))
		log_limited(&nfs3_log_limit, LOG_WARNING, "nfs3: %s: the reply could not be "
			    "encoded or sent", p->name);
	svc_freeargs(xprt, p->args, (char *)&args);
}
