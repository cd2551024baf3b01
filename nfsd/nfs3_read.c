/* NFS v3 procedures that find and read files: LOOKUP, ACCESS, READLINK and
 * READ (RFC 1813 §3.3.3 - §3.3.6).  Each opens what a handle names, checks
 * the caller's rights as the kernel would for that caller (cred.h), and
 * never follows a symlink on the client's behalf. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nfs3.h"
#include "progress.h"

/* ---------------------------------------------------------------- LOOKUP */

/* RFC 1813 §3.3.3: a name is one component.  '/' cannot be in one (INVAL,
 * as the RFC leaves it to the server), the empty name names nothing. */
static nfsstat3 check_name(const char *name)
{
	size_t len = strlen(name);

	if (len == 0)
		return NFS3ERR_NOENT;
	if (len > NAME_MAX)
		return NFS3ERR_NAMETOOLONG;
	if (strchr(name, '/'))
		return NFS3ERR_INVAL;
	return NFS3_OK;
}

/* Depth of the deepest directory ".." is checked from. */
#define WALK_UP_MAX 4096

bool nfs3_parent_inside_export(const struct nfs3_call *c, int dirfd)
{
	struct statx st, up;
	int fd = openat(dirfd, "..", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), next;
	bool inside = false;

	for (int depth = 0; fd >= 0 && depth < WALK_UP_MAX; depth++) {
		if (nfs3_stat(fd, NULL, &st) < 0)
			break;
		if (nfs3_is_export_root(c, &st)) {
			inside = true;
			break;
		}
		next = openat(fd, "..", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 || nfs3_stat(next, NULL, &up) < 0 ||
		    (up.stx_ino == st.stx_ino && up.stx_dev_major == st.stx_dev_major &&
		     up.stx_dev_minor == st.stx_dev_minor)) {
			if (next >= 0)
				close(next);
			break;		/* the top, and no export root on the way */
		}
		close(fd);
		fd = next;
	}
	if (fd >= 0)
		close(fd);
	return inside;
}

/* The handle of name in dir: "." is dir, ".." at the export's root is the
 * root again (the client never climbs out of its export), a mount point
 * below it is what the export's view shows (server.h). */
static int lookup_handle(const struct nfs3_call *c, int dirfd, const struct statx *dir,
			 const char **name, nfs_fh3 *out, char *buf)
{
	int rc;

	if (strcmp(*name, ".") == 0 || (strcmp(*name, "..") == 0 && nfs3_is_export_root(c, dir)))
		*name = NULL;
	else if (strcmp(*name, "..") == 0 && !nfs3_parent_inside_export(c, dirfd))
		return -EACCES;
	rc = nfs3_handle(c, dirfd, *name, out, buf);
	/* Without a private view (an export added by a reload) a name can
	 * lead onto another filesystem; there is no handle for what lies
	 * under it, so for the client it is not there. */
	return rc == -EXDEV ? -ENOENT : rc;
}

void nfs3_lookup(struct nfs3_call *c, LOOKUP3args *a, LOOKUP3res *r)
{
	static char buf[FH_MAX];
	LOOKUP3resok *ok = &r->LOOKUP3res_u.resok;
	const char *name = a->what.name;
	struct statx dir;
	int fd, rc;

	r->status = nfs3_resolve(c, &a->what.dir, O_PATH | O_NOFOLLOW, &fd);
	if (r->status != NFS3_OK)
		return;
	rc = nfs3_stat(fd, NULL, &dir);
	if (rc == 0 && !S_ISDIR(dir.stx_mode))
		rc = -ENOTDIR;
	if (rc == 0 && (r->status = check_name(name)) != NFS3_OK)
		goto fail;
	/* RFC 1813 §3.3.3 leaves the check to the server: kernel nfsd asks
	 * for search permission on the directory */
	if (rc == 0)
		rc = cred_access(&c->cred, fd, X_OK);
	if (rc == 0)
		rc = lookup_handle(c, fd, &dir, &name, &ok->object, buf);
	r->status = nfs3_status(rc, "LOOKUP");
	if (r->status != NFS3_OK)
		goto fail;
	nfs3_post_op(c, fd, name, &ok->obj_attributes);
	nfs3_post_op(c, fd, NULL, &ok->dir_attributes);
	close(fd);
	return;
fail:
	nfs3_post_op(c, fd, NULL, &r->LOOKUP3res_u.resfail.dir_attributes);
	close(fd);
}

/* ---------------------------------------------------------------- ACCESS */

/* RFC 1813 §3.3.4: each bit asked is granted when the kernel would let the
 * caller do that; modifying ones never on a read-only export. */
static uint32_t access_granted(const struct nfs3_call *c, int fd, const struct statx *st,
			       uint32_t asked)
{
	bool dir = S_ISDIR(st->stx_mode);
	uint32_t got = 0;

	if ((asked & ACCESS3_READ) && cred_access(&c->cred, fd, R_OK) == 0)
		got |= ACCESS3_READ;
	if ((asked & (ACCESS3_LOOKUP | ACCESS3_EXECUTE)) && cred_access(&c->cred, fd, X_OK) == 0)
		got |= asked & (dir ? ACCESS3_LOOKUP : ACCESS3_EXECUTE);
	if (c->opts.rw && (asked & (ACCESS3_MODIFY | ACCESS3_EXTEND | ACCESS3_DELETE)) &&
	    cred_access(&c->cred, fd, W_OK) == 0)
		got |= asked & (ACCESS3_MODIFY | ACCESS3_EXTEND | (dir ? ACCESS3_DELETE : 0));
	return got;
}

void nfs3_access(struct nfs3_call *c, ACCESS3args *a, ACCESS3res *r)
{
	struct statx st;
	int fd, rc;

	r->status = nfs3_resolve(c, &a->object, O_PATH | O_NOFOLLOW, &fd);
	if (r->status != NFS3_OK)
		return;
	rc = nfs3_stat(fd, NULL, &st);
	r->status = nfs3_status(rc, "ACCESS statx");
	if (rc == 0) {
		nfs3_fattr(c, &st,
			   &r->ACCESS3res_u.resok.obj_attributes.post_op_attr_u.attributes);
		r->ACCESS3res_u.resok.obj_attributes.attributes_follow = TRUE;
		r->ACCESS3res_u.resok.access = access_granted(c, fd, &st, a->access);
	}
	close(fd);
}

/* ---------------------------------------------------------------- READLINK */

/* RFC 1813 §3.3.5: the link's text as stored; what it points at is the
 * client's business, and the server never follows it. */
void nfs3_readlink(struct nfs3_call *c, READLINK3args *a, READLINK3res *r)
{
	static char target[PATH_MAX + 1];
	struct statx st;
	ssize_t n;
	int fd, rc;

	r->status = nfs3_resolve(c, &a->symlink, O_PATH | O_NOFOLLOW, &fd);
	if (r->status != NFS3_OK)
		return;
	rc = nfs3_stat(fd, NULL, &st);
	if (rc == 0 && !S_ISLNK(st.stx_mode))
		rc = -EINVAL;
	if (rc == 0) {
		n = readlinkat(fd, "", target, sizeof target - 1);
		rc = n < 0 ? -errno : n >= (ssize_t)sizeof target - 1 ? -ENAMETOOLONG : 0;
		if (rc == 0)
			target[n] = '\0';
	}
	r->status = nfs3_status(rc, "READLINK");
	if (rc == 0) {
		nfs3_post_op(c, fd, NULL, &r->READLINK3res_u.resok.symlink_attributes);
		r->READLINK3res_u.resok.data = target;
	} else {
		nfs3_post_op(c, fd, NULL, &r->READLINK3res_u.resfail.symlink_attributes);
	}
	close(fd);
}

/* ---------------------------------------------------------------- READ */

/* The buffer of a READ whose data is copied (over UDP, or when a reply
 * cannot take its data from the file): the call's reply is encoded from
 * it before the next call comes. */
static char *read_buf(void)
{
	static char *buf;

	if (!buf)
		buf = malloc(NFS3_IO_MAX_TCP);
	return buf;
}

/* Up to count bytes at offset into read_buf(): how many, or -errno. */
static ssize_t read_copy(int fd, uint32_t count, uint64_t offset, char **data)
{
	ssize_t n = 0;

	*data = read_buf();
	if (!*data)
		return -ENOMEM;
	if (count == 0)
		return 0;
	do
		n = pread(fd, *data, count, (off_t)offset);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

/* Opened for reading only once it is known to be a regular file: opening
 * a FIFO or a device could block or act on the device. */
static nfsstat3 open_regular(struct nfs3_call *c, const nfs_fh3 *fh, int *fd,
			     struct statx *st)
{
	nfsstat3 status = nfs3_resolve(c, fh, O_PATH | O_NOFOLLOW, fd);
	int rc;

	if (status != NFS3_OK)
		return status;
	rc = nfs3_stat(*fd, NULL, st);
	if (rc == 0 && S_ISDIR(st->stx_mode))
		rc = -EISDIR;
	else if (rc == 0 && !S_ISREG(st->stx_mode))
		rc = -EINVAL;
	else if (rc == 0 && !nfs3_may_read(c, *fd, st))
		rc = -EACCES;
	if (rc < 0)
		return nfs3_status(rc, "READ");
	close(*fd);
	/* the same handle names the same inode: a regular file still */
	return nfs3_resolve(c, fh, O_RDONLY | O_NOFOLLOW | O_NOCTTY, fd);
}

/* pxectl status shows the files a client reads (ks.cfg, the install
 * tree's): noted at each file's first block, by the path the server opened.
 * In the private view of an export's filesystem (nocross_open) that path
 * starts at the export's directory. */
static void note_first_read(const struct nfs3_call *c, int fd)
{
	char link[32], path[PATH_MAX], full[2 * PATH_MAX], host[ADDR_STRLEN];
	bool in_clone = c->exp && c->fs.mount_fd == c->exp->nocross_fd;
	ssize_t n;

	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof path - 1);
	if (n < 0)
		return;
	path[n] = '\0';
	snprintf(full, sizeof full, "%s%s",
		 in_clone && strcmp(c->exp->path, "/") != 0 ? c->exp->path : "", path);
	progress_note("read", nfsd_host_str(c->sa, host), NULL, full, "ok");
}

void nfs3_read(struct nfs3_call *c, READ3args *a, READ3res *r)
{
	READ3resok *ok = &r->READ3res_u.resok;
	uint32_t count = a->count < nfs3_io_max(c) ? a->count : nfs3_io_max(c);
	bool by_file = rpcsrv_can_reply_file(c->d->rpc, c->xprt);
	bool have_st;
	struct statx st;
	ssize_t n = 0;
	int fd;

	r->status = open_regular(c, &a->file, &fd, &st);
	if (r->status != NFS3_OK) {
		nfs3_post_op(c, fd, NULL, &r->READ3res_u.resfail.file_attributes);
		if (fd >= 0)
			close(fd);
		return;
	}
	/* past INT64_MAX no file has data: an empty read at its end */
	if (a->offset > INT64_MAX)
		count = 0;
	if (!by_file)
		n = read_copy(fd, count, a->offset, &ok->data.data_val);
	if (n < 0) {
		r->status = nfs3_status((int)n, "READ pread");
		nfs3_post_op(c, fd, NULL, &r->READ3res_u.resfail.file_attributes);
		close(fd);
		return;
	}
	if (a->offset == 0)
		note_first_read(c, fd);
	/* attributes after the read, and eof from the size they show; for a
	 * reply that takes its data from the file, that size says how much
	 * there is (rpc_conn.c closes the connection if the file shrinks) */
	have_st = nfs3_stat(fd, NULL, &st) == 0;
	if (have_st) {
		ok->file_attributes.attributes_follow = TRUE;
		nfs3_fattr(c, &st, &ok->file_attributes.post_op_attr_u.attributes);
	}
	if (by_file && have_st && a->offset < st.stx_size)
		n = st.stx_size - a->offset < count ? (ssize_t)(st.stx_size - a->offset) : count;
	ok->count = (count3)n;
	ok->eof = a->offset > INT64_MAX || a->offset + (uint64_t)n >= st.stx_size;
	ok->data.data_len = (u_int)n;
	if (by_file && n > 0)
		rpcsrv_reply_file(c->d->rpc, c->xprt, fd, (off_t)a->offset, (size_t)n);
	else
		close(fd);
}

/* READ3res as rpcgen's xdr_READ3res encodes it, except that data held in
 * no buffer (data_val NULL, data_len not 0) ends the encoding after its
 * length: the bytes follow from the file (rpcsrv_reply_file). */
bool_t nfs3_xdr_read_res(XDR *x, READ3res *r)
{
	READ3resok *ok = &r->READ3res_u.resok;

	if (x->x_op != XDR_ENCODE || r->status != NFS3_OK || ok->data.data_val ||
	    ok->data.data_len == 0)
		return xdr_READ3res(x, r);
	return xdr_nfsstat3(x, &r->status) && xdr_post_op_attr(x, &ok->file_attributes) &&
	       xdr_count3(x, &ok->count) && xdr_bool(x, &ok->eof) &&
	       xdr_u_int(x, &ok->data.data_len);
}
