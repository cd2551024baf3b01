/* What the NFS v3 procedures that change files share: the names they may
 * use, weak cache consistency data (RFC 1813 §2.6 wcc_data), handles opened
 * for a change, and the syncing that exports(5) sync asks for. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "nfs3.h"

static struct log_limit wcc_log_limit = LOG_LIMIT_INIT(10000, 20);

/* ---------------------------------------------------------------- names */

nfsstat3 nfs3_name_check(const char *name, enum nfs3_name_use use)
{
	size_t len = strlen(name);

	if (len == 0 || strchr(name, '/'))
		return NFS3ERR_INVAL;
	if (len > NAME_MAX)
		return NFS3ERR_NAMETOOLONG;
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return use == NFS3_NAME_NEW ? NFS3ERR_EXIST : NFS3ERR_INVAL;
	return NFS3_OK;
}

/* ---------------------------------------------------------------- wcc_data */

void nfs3_wcc_attr(const struct statx *st, wcc_attr *out)
{
	out->size = st->stx_size;
	out->mtime = nfs3_time(&st->stx_mtime);
	out->ctime = nfs3_time(&st->stx_ctime);
}

void nfs3_pre_op(int fd, pre_op_attr *out)
{
	struct statx st;

	out->attributes_follow = fd >= 0 && nfs3_stat(fd, NULL, &st) == 0;
	if (out->attributes_follow)
		nfs3_wcc_attr(&st, &out->pre_op_attr_u.attributes);
}

void nfs3_wcc(const struct nfs3_call *c, int fd, const pre_op_attr *before, wcc_data *out)
{
	out->before = *before;
	nfs3_post_op(c, fd, NULL, &out->after);
}

/* ---------------------------------------------------------------- handles */

nfsstat3 nfs3_resolve_rw(struct nfs3_call *c, const nfs_fh3 *fh, int flags, int *fd)
{
	nfsstat3 st = nfs3_resolve(c, fh, flags, fd);

	if (st == NFS3_OK && !c->opts.rw)
		st = NFS3ERR_ROFS;
	return st;
}

nfsstat3 nfs3_resolve_dir(struct nfs3_call *c, const nfs_fh3 *fh, int *fd)
{
	/* O_RDONLY, which CAP_DAC_READ_SEARCH always allows for a directory:
	 * fsync needs more than O_PATH */
	nfsstat3 st = nfs3_resolve_rw(c, fh, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, fd);

	return st == NFS3ERR_INVAL ? NFS3ERR_NOTDIR : st;	/* ELOOP: a symlink */
}

const char *nfs3_fd_path(int fd, char buf[32])
{
	snprintf(buf, 32, "/proc/self/fd/%d", fd);
	return buf;
}

int nfs3_reopen(const struct nfs3_call *c, int fd, const struct statx *st, int flags)
{
	/* RFC 1813 §4.4 leaves it to the server; kernel nfsd lets the owner
	 * write a file whatever its mode (tar makes read-only files, then
	 * writes them) */
	unsigned how = (flags & O_ACCMODE) != O_RDONLY && c->cred.uid == st->stx_uid
			       ? CRED_OWNER_OVERRIDE : 0;
	char path[32];
	int rc;

	if (!S_ISREG(st->stx_mode))
		return -EINVAL;
	rc = cred_enter(&c->cred, how);
	if (rc < 0)
		return rc;
	/* O_NONBLOCK: a lease held on the file (Samba's, say) makes the open
	 * fail with EWOULDBLOCK (NFS3ERR_JUKEBOX: try again) instead of
	 * stopping the server until it is broken; on a regular file it
	 * changes nothing else */
	rc = open(nfs3_fd_path(fd, path), flags | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (rc < 0)
		rc = -errno;
	cred_leave();
	return rc;
}

/* ---------------------------------------------------------------- sync */

void nfs3_commit_meta(const struct nfs3_call *c, int fd)
{
	int flags = fcntl(fd, F_GETFL), ofd = fd;
	char path[32];

	if (c->opts.async || fd < 0)
		return;
	/* an O_PATH descriptor cannot be synced: reopened as the server,
	 * which may read any file (CAP_DAC_READ_SEARCH); a FIFO or a device
	 * never (the directory holding it is synced by its creator) */
	if (flags >= 0 && (flags & O_PATH)) {
		struct statx st;

		if (nfs3_stat(fd, NULL, &st) < 0 || !(S_ISREG(st.stx_mode) || S_ISDIR(st.stx_mode)))
			return;
		ofd = open(nfs3_fd_path(fd, path), O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (ofd < 0)
			return;
	}
	if (fsync(ofd) < 0)
		log_limited(&wcc_log_limit, LOG_WARNING, "nfs3: fsync: %s", strerror(errno));
	if (ofd != fd)
		close(ofd);
}
