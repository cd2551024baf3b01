/* pxe-nfsd's state and life: key and exports at start, the two RPC
 * programs on their ports, the exports again on SIGHUP. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "clientname.h"
#include "cred.h"
#include "log.h"
#include "mount3_prot.h"
#include "nfs3.h"
#include "nfs3_prot.h"
#include "server.h"
#include "sock.h"
#include "submount.h"
#include "suite_conf.h"

/* open_tree(2) (Linux 5.2): a detached copy of one mount, without those
 * mounted below it. */
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif

/* A TCP record holds one call: a WRITE of NFS3_DATA_LIMIT bytes plus its
 * headers and a handle fit in this, nothing much larger does. */
#define NFSD_MAX_RECORD (NFS3_DATA_LIMIT + 64 * 1024)
#define NFSD_MAX_CONNS 4096
/* READ replies waiting on slow readers with their file open. */
#define NFSD_MAX_FILE_REPLIES 256
#define NFSD_IDLE_TIMEOUT_MS (6 * 60 * 1000)

int nfsd_check_exports(const struct conf *conf, char *err, size_t errlen)
{
	struct export_table t;
	int rc;

	export_table_init(&t);
	rc = export_table_load(&t, conf, err, errlen);
	if (rc == 0)
		rc = export_table_ids(&t, err, errlen);
	export_table_free(&t);
	return rc < 0 ? -1 : 0;
}

/* The export's directory in a clone of its mount alone: lookups through it
 * stop at the directories other filesystems are mounted on, as kernel nfsd
 * does without crossmnt.  Needs CAP_SYS_ADMIN, so only at start; -1 when it
 * cannot be made. */
static int nocross_open(const struct export *e)
{
	int tree = (int)syscall(SYS_open_tree, e->fd, "", OPEN_TREE_CLONE | O_CLOEXEC |
				AT_EMPTY_PATH);
	int fd;

	if (tree < 0)
		return -1;
	/* open_tree gives an O_PATH descriptor, which open_by_handle_at
	 * refuses as its mount_fd; the clone lives as long as this one */
	fd = openat(tree, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	close(tree);
	return fd;
}

/* Each newly opened export: its handles must work (fh_probe), on both
 * views.  Logs and returns -1 for the first that fails. */
static int probe_exports(struct export_table *t)
{
	char why[256];
	int rc;

	for (size_t i = 0; i < t->count; i++) {
		struct export *e = &t->exports[i];

		if (submount_scan(e, t) < 0) {
			log_err("%s: out of memory", e->path);
			return -1;
		}
		if (e->mount_id > 0)
			continue;	/* kept from the running table */
		rc = fh_probe(e->fd, &e->mount_id, why, sizeof why);
		if (rc < 0) {
			log_err("%s:%u: %s: %s", e->file, e->line, e->path, why);
			return -1;
		}
		e->nocross_fd = nocross_open(e);
		if (e->nocross_fd >= 0 &&
		    fh_probe(e->nocross_fd, &e->nocross_mount_id, why, sizeof why) < 0) {
			close(e->nocross_fd);
			e->nocross_fd = -1;
		}
		if (e->nocross_fd < 0 && e->fd >= 0)
			log_notice("%s: no private view of its filesystem (open_tree needs "
				   "CAP_SYS_ADMIN, held only at start): a LOOKUP of a mount "
				   "point below it gets NFS3ERR_NOENT unless crossmnt", e->path);
	}
	return 0;
}

/* Exports of t that old serves already take over old's descriptors. */
static void keep_descriptors(struct export_table *t, struct export_table *old)
{
	for (size_t i = 0; old && i < t->count; i++) {
		struct export *e = &t->exports[i];

		for (size_t j = 0; j < old->count; j++) {
			struct export *o = &old->exports[j];

			if (o->fd < 0 || strcmp(o->path, e->path) != 0)
				continue;
			e->fd = o->fd;
			e->dev = o->dev;
			e->ino = o->ino;
			e->mount_id = o->mount_id;
			e->nocross_fd = o->nocross_fd;
			e->nocross_mount_id = o->nocross_mount_id;
			e->subs = o->subs;
			e->nsubs = o->nsubs;
			o->fd = o->nocross_fd = -1;
			o->subs = NULL;
			o->nsubs = 0;
			free(e->real);
			e->real = o->real;
			o->real = NULL;
			break;
		}
	}
}

/* The exports of conf, ready to serve; old's kept ones move over.  0, or
 * -1 logged (old untouched unless it succeeds). */
static int exports_load(struct export_table *t, const struct conf *conf,
			struct export_table *old)
{
	char err[512];

	export_table_init(t);
	if (export_table_load(t, conf, err, sizeof err) < 0 ||
	    export_table_ids(t, err, sizeof err) < 0) {
		log_err("%s", err);
		export_table_free(t);
		return -1;
	}
	keep_descriptors(t, old);
	if (export_table_open(t, err, sizeof err) < 0) {
		log_err("%s", err);
		goto fail;
	}
	if (probe_exports(t) < 0)
		goto fail;
	if (t->count == 0)
		log_warn("no exports: every MNT gets MNT3ERR_ACCES");
	return 0;
fail:
	/* give back what was taken over before freeing the rest */
	if (old)
		keep_descriptors(old, t);
	export_table_free(t);
	return -1;
}

static int key_load(const char *state_dir, struct fh_key *key)
{
	char err[512];

	if (mkdir(state_dir, 0755) < 0 && errno != EEXIST) {
		log_err("state_dir %s: %s", state_dir, strerror(errno));
		return -1;
	}
	if (fh_key_load(state_dir, key, err, sizeof err) < 0) {
		log_err("file handle key: %s", err);
		return -1;
	}
	return 0;
}

/* Whether this host has IPv6 to serve: a kernel without it refuses the
 * socket (EAFNOSUPPORT), one where it is switched off may refuse the
 * wildcard's bind (EADDRNOTAVAIL).  Any other failure is the real bind's
 * to report. */
static bool ipv6_available(void)
{
	const struct ip_addr any6 = { .family = AF_INET6 };
	struct hostport hp;
	int fd;

	addr_to_sockaddr(&any6, 0, &hp);
	fd = sock_bind(&hp, SOCK_DGRAM, SOCK_BLOCKING);
	if (fd == -EAFNOSUPPORT || fd == -EADDRNOTAVAIL) {
		log_info("no IPv6 on this host (%s): serving IPv4 alone", strerror(-fd));
		return false;
	}
	if (fd >= 0)
		close(fd);
	return true;
}

/* Where to listen on port: the address set, or the wildcard of each
 * family on a socket of its own (registered under its own netids, as
 * kernel nfsd does).  Returns how many went to hp. */
static size_t listen_addrs(const struct conf_nfsd *n, bool with_v6, long long port,
			   struct hostport hp[2])
{
	const struct ip_addr any4 = { .family = AF_INET }, any6 = { .family = AF_INET6 };

	addr_to_sockaddr(n->address.family ? &n->address : &any4, (uint16_t)port, &hp[0]);
	if (n->address.family || !with_v6)
		return 1;
	addr_to_sockaddr(&any6, (uint16_t)port, &hp[1]);
	return 2;
}

/* Room for NFSD_MAX_CONNS connections: a service's soft limit is often
 * 1,024.  Raised before libtirpc sizes its transport table from it (it
 * ignores descriptors past the limit it saw first).  The connections the
 * limit leaves room for. */
static unsigned raise_fd_limit(void)
{
	/* exports, submounts, files open for a call or a waiting reply */
	const rlim_t spare = 256 + NFSD_MAX_FILE_REPLIES;
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &r) < 0)
		return 1024 - spare;
	if (r.rlim_cur < NFSD_MAX_CONNS + spare) {
		r.rlim_cur = r.rlim_max < NFSD_MAX_CONNS + spare ? r.rlim_max
								 : NFSD_MAX_CONNS + spare;
		if (setrlimit(RLIMIT_NOFILE, &r) < 0)
			getrlimit(RLIMIT_NOFILE, &r);
	}
	if (r.rlim_cur < NFSD_MAX_CONNS + spare) {
		log_notice("open files limited to %llu: at most %llu RPC connections",
			   (unsigned long long)r.rlim_cur,
			   (unsigned long long)(r.rlim_cur > 2 * spare ? r.rlim_cur - spare
								       : r.rlim_cur / 2));
		return (unsigned)(r.rlim_cur > 2 * spare ? r.rlim_cur - spare : r.rlim_cur / 2);
	}
	return NFSD_MAX_CONNS;
}

static int listen_all(struct nfsd *d, const struct conf_nfsd *n)
{
	const struct rpc_prog nfs = { NFS_PROGRAM, NFS_V3, nfs3_dispatch, d };
	const struct rpc_prog mnt = { MOUNT_PROGRAM, MOUNT_V3, mount_dispatch, d };
	const struct rpc_limits lim = {
		.max_record = NFSD_MAX_RECORD,
		.max_conns = raise_fd_limit(),
		.max_file_replies = NFSD_MAX_FILE_REPLIES,
		.idle_timeout_ms = NFSD_IDLE_TIMEOUT_MS,
	};
	bool with_v6 = !n->address.family && ipv6_available();
	struct hostport hp[2];
	size_t nhp;
	char err[512], where[ADDR_STRLEN];

	d->rpc = rpcsrv_new(d->loop, &lim);
	if (!d->rpc) {
		log_err("cannot set up RPC: out of memory");
		return -1;
	}
	d->rpcbind = n->require_rpcbind;
	nhp = listen_addrs(n, with_v6, n->nfs_port, hp);
	if (rpcsrv_listen(d->rpc, hp, nhp, &nfs, 1, d->rpcbind, &d->nfs_port, err,
			  sizeof err) < 0) {
		log_err("NFS on port %lld: %s", n->nfs_port, err);
		return -1;
	}
	nhp = listen_addrs(n, with_v6, n->mount_port, hp);
	if (rpcsrv_listen(d->rpc, hp, nhp, &mnt, 1, d->rpcbind, &d->mount_port, err,
			  sizeof err) < 0) {
		log_err("MOUNT on port %lld: %s", n->mount_port, err);
		return -1;
	}
	if (n->address.family)
		addr_ip_str(&n->address, where);
	else
		snprintf(where, sizeof where, "every IPv4%s address", with_v6 ? " and IPv6" : "");
	log_info("NFS v3 on port %u, MOUNT v3 on port %u, udp and tcp, on %s, %s", d->nfs_port,
		 d->mount_port, where,
		 d->rpcbind ? "registered with rpcbind" : "not registered");
	return 0;
}

int nfsd_open(struct nfsd *d, const struct conf *conf, struct loop *loop)
{
	const struct conf_nfsd *n = conf_get(conf, "nfsd");

	d->loop = loop;
	export_table_init(&d->exports);
	clientname_init(loop);
	/* a WRITE past RLIMIT_FSIZE fails with EFBIG (NFS3ERR_FBIG) instead
	 * of the signal ending the server */
	signal(SIGXFSZ, SIG_IGN);
	if (key_load(n->state_dir, &d->key) < 0 || exports_load(&d->exports, conf, NULL) < 0)
		return -1;
	for (size_t i = 0; i < d->exports.count; i++)
		log_info("export %s (id %#x)", d->exports.exports[i].path,
			 d->exports.exports[i].id);
	return listen_all(d, n);
}

int nfsd_reload(struct nfsd *d, const struct conf *next)
{
	struct export_table t;
	size_t kept = 0;

	if (exports_load(&t, next, &d->exports) < 0)
		return -1;
	for (size_t i = 0; i < t.count; i++)
		kept += export_find(&d->exports, t.exports[i].path) != NULL;
	log_notice("exports: %zu kept, %zu added, %zu removed", kept, t.count - kept,
		   d->exports.count - kept);
	export_table_free(&d->exports);
	d->exports = t;
	clientname_forget();	/* as exportfs -r: /etc/hosts may have changed too */
	return 0;
}

void nfsd_close(struct nfsd *d)
{
	if (d->rpc) {
		rpcsrv_free(d->rpc);
		d->rpc = NULL;
	}
	export_table_free(&d->exports);
	mount_list_free(&d->mounts);
	memset(&d->key, 0, sizeof d->key);
}

const struct export *nfsd_export_of(const struct nfsd *d, uint32_t id,
				    const struct export_sub **sub)
{
	const struct export *e = export_by_id(&d->exports, id);

	*sub = NULL;
	if (e)
		return e;
	*sub = submount_by_id(&d->exports, id, &e);
	return *sub ? e : NULL;
}

void nfsd_fs_view(const struct export *e, const struct export_sub *sub,
		  const struct export_opts *opts, struct nfsd_fs *out)
{
	if (sub)
		*out = (struct nfsd_fs){ sub->id, sub->fd, sub->mount_id };
	else if (!opts->crossmnt && e->nocross_fd >= 0)
		*out = (struct nfsd_fs){ e->id, e->nocross_fd, e->nocross_mount_id };
	else
		*out = (struct nfsd_fs){ e->id, e->fd, e->mount_id };
}

int nfsd_encode(const struct nfsd *d, const struct export *e, const struct export_opts *opts,
		const struct nfsd_fs *fs, int dirfd, const char *name, uint8_t *out,
		size_t *len)
{
	int rc = fh_encode(&d->key, fs->id, fs->mount_id, dirfd, name, out, len);

	if (rc != -EXDEV || !opts->crossmnt)
		return rc;
	/* onto (or back from) another mount below the export: whichever one
	 * it is decides the id */
	rc = fh_encode(&d->key, e->id, e->mount_id, dirfd, name, out, len);
	for (size_t i = 0; rc == -EXDEV && i < e->nsubs; i++)
		rc = fh_encode(&d->key, e->subs[i].id, e->subs[i].mount_id, dirfd, name, out, len);
	return rc;
}

uint32_t nfsd_fsid(const struct export *e, const struct export_opts *opts, uint64_t mnt_id)
{
	const struct export_sub *sub;

	if (!opts->crossmnt || mnt_id == (uint64_t)e->mount_id)
		return e->id;
	sub = submount_by_mount(e, (int)mnt_id);
	return sub ? sub->id : e->id;
}

const struct sockaddr *nfsd_caller(SVCXPRT *xprt, uint16_t *port)
{
	const struct netbuf *nb = svc_getrpccaller(xprt);
	const struct sockaddr *sa = nb && nb->len ? (const struct sockaddr *)nb->buf : NULL;
	struct ip_addr ip;

	*port = 0;
	if (sa && addr_from_sockaddr(sa, &ip, port) < 0)
		*port = 0;
	return sa;
}

const char *nfsd_host_str(const struct sockaddr *sa, char *buf)
{
	struct ip_addr ip;

	if (!sa || addr_from_sockaddr(sa, &ip, NULL) < 0)
		return strcpy(buf, "?");
	return addr_ip_str(&ip, buf);
}

bool_t nfsd_xdr_void(XDR *x, void *p)
{
	(void)x;
	(void)p;
	return TRUE;
}
