/* MOUNT v3 (RFC 1813 §5): MNT hands a client the root handle of an export
 * (or of a directory below one, as Linux mountd allows), after the export's
 * client list and its secure option; UMNT, UMNTALL and DUMP keep a bounded
 * list of mounts; EXPORT lists the exports with their client patterns. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clientname.h"
#include "log.h"
#include "mount.h"
#include "mount3_prot.h"
#include "progress.h"
#include "server.h"

/* RFC 1813 §5.2.1 names a privileged port as below 1024 (IPPORT_RESERVED). */
#define PRIV_PORT_MAX 1023

static struct log_limit mount_log_limit = LOG_LIMIT_INIT(10000, 20);

/* ---------------------------------------------------------------- the mount list */

int mount_list_add(struct mount_list *l, const char *host, const char *dir)
{
	struct mount_entry *m;

	for (size_t i = 0; i < l->count; i++)
		if (strcmp(l->entries[i].host, host) == 0 && strcmp(l->entries[i].dir, dir) == 0)
			return 0;
	if (!l->entries) {
		l->entries = calloc(MOUNT_LIST_MAX, sizeof *l->entries);
		if (!l->entries)
			return -ENOMEM;
	}
	if (l->count == MOUNT_LIST_MAX) {
		memmove(l->entries, l->entries + 1, (MOUNT_LIST_MAX - 1) * sizeof *l->entries);
		l->count--;
	}
	m = &l->entries[l->count++];
	snprintf(m->host, sizeof m->host, "%s", host);
	snprintf(m->dir, sizeof m->dir, "%s", dir);
	return 0;
}

void mount_list_remove(struct mount_list *l, const char *host, const char *dir)
{
	size_t n = 0;

	for (size_t i = 0; i < l->count; i++) {
		const struct mount_entry *m = &l->entries[i];

		if (strcmp(m->host, host) == 0 && (!dir || strcmp(m->dir, dir) == 0))
			continue;
		if (n != i)
			l->entries[n] = *m;
		n++;
	}
	l->count = n;
}

void mount_list_free(struct mount_list *l)
{
	free(l->entries);
	l->entries = NULL;
	l->count = 0;
}

/* ---------------------------------------------------------------- MNT */

static mountstat3 errno_to_mnt(int rc)
{
	switch (-rc) {
	case ENOENT:
		return MNT3ERR_NOENT;
	case ENOTDIR:
		return MNT3ERR_NOTDIR;
	case EACCES:
	case EPERM:
	case ELOOP:		/* a symlink: never followed for a client */
	case EXDEV:		/* another filesystem, and no crossmnt */
		return MNT3ERR_ACCES;
	case ENAMETOOLONG:
		return MNT3ERR_NAMETOOLONG;
	default:
		return MNT3ERR_SERVERFAULT;
	}
}

/* The directory rest names below the export root root_fd, one component at
 * a time: no symlink is followed and no ".." exists in a normalized path,
 * so the walk stays in the export.  The new fd or a negative errno. */
static int walk(int root_fd, const char *rest)
{
	char comp[EXPORT_PATH_MAX + 1];
	int fd = root_fd, next;

	while (*rest) {
		size_t n = strcspn(rest, "/");

		memcpy(comp, rest, n);
		comp[n] = '\0';
		rest += n + (rest[n] == '/');
		next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd != root_fd)
			close(fd);
		if (next < 0)
			return -errno;
		fd = next;
	}
	return fd == root_fd ? dup(root_fd) : fd;
}

/* The client's name when some export could let it in by name: looked up,
 * waiting a little once for a lookup in progress.  One that is still
 * running is not waited for again: the client is answered as one without a
 * name, and its next MNT sees the name. */
static const char *name_for_mount(const struct export_table *t, const struct sockaddr *sa,
				  const char *host)
{
	const char *name = NULL;
	size_t i;

	for (i = 0; i < t->count && !export_name_may_matter(&t->exports[i], sa); i++)
		;
	if (i == t->count)
		return NULL;
	if (!clientname_wait(sa, CLIENTNAME_MNT_WAIT_MS, &name))
		log_limited(&mount_log_limit, LOG_NOTICE, "mount: %s: its host name is still "
			    "being looked up: name patterns do not match it yet", host);
	return name;
}

struct mnt_reply {
	mountres3 res;
	char fh[FH_MAX];
	int flavors[2];
};

static mountstat3 mnt(struct nfsd *d, SVCXPRT *xprt, const char *dir, struct mnt_reply *out)
{
	char path[EXPORT_PATH_MAX + 1], host[ADDR_STRLEN];
	const char *name;
	const struct export *e;
	struct export_opts opts;
	const char *rest;
	uint16_t port;
	const struct sockaddr *sa = nfsd_caller(xprt, &port);
	struct nfsd_fs fs;
	int fd, rc;
	size_t len;
	u_int n = 0;

	nfsd_host_str(sa, host);
	if (export_path_normalize(dir, path, sizeof path, NULL, 0) < 0)
		return MNT3ERR_INVAL;
	name = name_for_mount(&d->exports, sa, host);
	e = export_for_mount(&d->exports, path, sa, name, &opts, &rest);
	if (!e) {
		log_limited(&mount_log_limit, LOG_NOTICE, "mount: %s%s%s MNT %s refused: not "
			    "exported to this client", host, name ? " name=" : "", name ? name : "",
			    path);
		return MNT3ERR_ACCES;
	}
	if (opts.secure && port > PRIV_PORT_MAX) {
		log_limited(&mount_log_limit, LOG_NOTICE, "mount: %s MNT %s refused: port %u "
			    "is not privileged and %s is 'secure'", host, path, port, e->path);
		return MNT3ERR_ACCES;
	}
	nfsd_fs_view(e, NULL, &opts, &fs);
	fd = walk(fs.mount_fd, rest);
	if (fd < 0)
		return errno_to_mnt(fd);
	rc = nfsd_encode(d, e, &opts, &fs, fd, NULL, (uint8_t *)out->fh, &len);
	close(fd);
	if (rc < 0)
		return errno_to_mnt(rc);
	out->res.mountres3_u.mountinfo.fhandle.fhandle3_len = (u_int)len;
	out->res.mountres3_u.mountinfo.fhandle.fhandle3_val = out->fh;
	/* RFC 1813 §5.2.1: the flavours the export takes, preferred first */
	if (opts.sec & EXPORT_SEC_SYS)
		out->flavors[n++] = AUTH_SYS;
	if (opts.sec & EXPORT_SEC_NONE)
		out->flavors[n++] = AUTH_NONE;
	out->res.mountres3_u.mountinfo.auth_flavors.auth_flavors_len = n;
	out->res.mountres3_u.mountinfo.auth_flavors.auth_flavors_val = out->flavors;
	if (mount_list_add(&d->mounts, host, path) < 0)
		log_warn("mount list: out of memory");
	log_info("mount: %s MNT %s ok", host, path);
	return MNT3_OK;
}

/* For pxectl status: which client mounted what, or why it could not. */
static void note_mount(SVCXPRT *xprt, const char *dir, mountstat3 status)
{
	static const char *const why[] = {
		[MNT3ERR_NOENT] = "no such directory", [MNT3ERR_ACCES] = "access denied",
		[MNT3ERR_NOTDIR] = "not a directory", [MNT3ERR_INVAL] = "invalid path",
		[MNT3ERR_NAMETOOLONG] = "name too long",
	};
	char host[ADDR_STRLEN];
	uint16_t port;

	nfsd_host_str(nfsd_caller(xprt, &port), host);
	if (status == MNT3_OK)
		progress_note("mount", host, NULL, dir, "ok");
	else
		progress_note("mount-fail", host, NULL, dir, "%s",
			      (size_t)status < sizeof why / sizeof why[0] && why[status] ?
			      why[status] : "server fault");
}

/* ---------------------------------------------------------------- DUMP, EXPORT */

static void dump(struct nfsd *d, SVCXPRT *xprt)
{
	struct mountbody nodes[MOUNT_LIST_MAX];
	mountlist3 head = NULL;

	/* built back to front, so the list reads oldest first */
	for (size_t i = d->mounts.count; i-- > 0;) {
		nodes[i].ml_hostname = d->mounts.entries[i].host;
		nodes[i].ml_directory = d->mounts.entries[i].dir;
		nodes[i].ml_next = head;
		head = &nodes[i];
	}
	svc_sendreply(xprt, (xdrproc_t)xdr_mountlist3, &head);
}

static void export_list(struct nfsd *d, SVCXPRT *xprt)
{
	const struct export_table *t = &d->exports;
	struct exportnode *nodes = calloc(t->count ? t->count : 1, sizeof *nodes);
	struct groupnode *groups;
	char *names;
	size_t total = 0, g = 0;
	exports3 head = NULL;

	for (size_t i = 0; i < t->count; i++)
		total += t->exports[i].nclients;
	groups = calloc(total ? total : 1, sizeof *groups);
	names = malloc((total ? total : 1) * (EXPORT_HOST_MAX + 1));
	if (!nodes || !groups || !names) {
		svcerr_systemerr(xprt);
		goto out;
	}
	for (size_t i = t->count; i-- > 0;) {
		const struct export *e = &t->exports[i];
		groups3 gl = NULL;

		for (size_t c = e->nclients; c-- > 0; g++) {
			groups[g].gr_name = names + g * (EXPORT_HOST_MAX + 1);
			export_host_str(&e->clients[c].host, groups[g].gr_name);
			groups[g].gr_next = gl;
			gl = &groups[g];
		}
		nodes[i].ex_dir = e->path;
		nodes[i].ex_groups = gl;
		nodes[i].ex_next = head;
		head = &nodes[i];
	}
	svc_sendreply(xprt, (xdrproc_t)xdr_exports3, &head);
out:
	free(names);
	free(groups);
	free(nodes);
}

/* ---------------------------------------------------------------- dispatch */

void mount_dispatch(struct svc_req *rq, SVCXPRT *xprt, void *arg)
{
	struct nfsd *d = arg;
	struct mnt_reply reply;
	char host[ADDR_STRLEN];
	dirpath3 dir = NULL;
	uint16_t port;

	switch (rq->rq_proc) {
	case MOUNTPROC3_NULL:
		svc_sendreply(xprt, (xdrproc_t)nfsd_xdr_void, NULL);
		return;
	case MOUNTPROC3_MNT:
	case MOUNTPROC3_UMNT:
		if (!svc_getargs(xprt, (xdrproc_t)xdr_dirpath3, (char *)&dir)) {
			svcerr_decode(xprt);
			break;
		}
		if (rq->rq_proc == MOUNTPROC3_MNT) {
			memset(&reply, 0, sizeof reply);
			reply.res.fhs_status = mnt(d, xprt, dir, &reply);
			note_mount(xprt, dir, reply.res.fhs_status);
			svc_sendreply(xprt, (xdrproc_t)xdr_mountres3, &reply.res);
		} else {
			char path[EXPORT_PATH_MAX + 1];

			nfsd_host_str(nfsd_caller(xprt, &port), host);
			if (export_path_normalize(dir, path, sizeof path, NULL, 0) == 0)
				mount_list_remove(&d->mounts, host, path);
			svc_sendreply(xprt, (xdrproc_t)nfsd_xdr_void, NULL);
		}
		break;
	case MOUNTPROC3_UMNTALL:
		nfsd_host_str(nfsd_caller(xprt, &port), host);
		mount_list_remove(&d->mounts, host, NULL);
		svc_sendreply(xprt, (xdrproc_t)nfsd_xdr_void, NULL);
		return;
	case MOUNTPROC3_DUMP:
		dump(d, xprt);
		return;
	case MOUNTPROC3_EXPORT:
		export_list(d, xprt);
		return;
	default:
		svcerr_noproc(xprt);
		return;
	}
	/* frees what decoding allocated, also after a failed decode */
	svc_freeargs(xprt, (xdrproc_t)xdr_dirpath3, (char *)&dir);
}
